"""Namespaces and prefixes for the whole project.

``KG`` and ``KGK`` list every term of ``ontology/kg.ttl`` and ``ontology/kinds.ttl``; asking for any
other name raises ``AttributeError``, so a typo fails at once instead of minting a stray IRI
(tests/test_ontology.py checks that the lists and the ontology agree, in both directions)::

    >>> KG.Organisation
    rdflib.term.URIRef('https://kg.example.org/def/kg#Organisation')
    >>> KGK.ministry, KGK["eu-directive"]  # hyphenated names by item access
    (rdflib.term.URIRef('https://kg.example.org/def/kind/ministry'), rdflib.term.URIRef('https://kg.example.org/def/kind/eu-directive'))

``PREFIXES`` is the one prefix table for every serialisation; ``bind_prefixes`` applies it.
"""

# No ``from __future__ import annotations``: DefinedNamespace reads the class annotations as terms,
# and rdflib expects them to be the URIRef class itself, not strings.

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
)

__all__ = [
    "ADMS",
    "DCAT",
    "DCTERMS",
    "ELI",
    "FOAF",
    "KG",
    "KGK",
    "KIND_NS",
    "OA",
    "ONTOLOGY_IRI",
    "ONTOLOGY_NS",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "SPDX",
    "TOOIONT",
    "VCARD",
    "VOID",
    "XSD",
    "bind_prefixes",
    "defined_terms",
]

ONTOLOGY_NS = "https://kg.example.org/def/kg#"
"""The ontology's namespace. Fixed: it does not follow the configurable ``base_iri``."""

ONTOLOGY_IRI = "https://kg.example.org/def/kg"
"""The IRI of the ``owl:Ontology`` itself (the namespace without its ``#``)."""

KIND_NS = "https://kg.example.org/def/kind/"
"""The namespace of the SKOS kind concepts and their concept schemes."""


class KG(DefinedNamespace):
    """The kg ontology: classes and properties of ``ontology/kg.ttl``."""

    _NS = Namespace(ONTOLOGY_NS)
    _fail = True

    # Classes: documents
    Report: URIRef
    Part: URIRef
    Section: URIRef
    Subsection: URIRef
    Paragraph: URIRef
    Sentence: URIRef
    Footnote: URIRef
    Kamerstuk: URIRef
    # Classes: things named in reports
    Entity: URIRef
    Organisation: URIRef
    LegalInstrument: URIRef
    Law: URIRef
    Bill: URIRef
    Code: URIRef
    GeneralAdministrativeOrder: URIRef
    EUAct: URIRef
    EURegulation: URIRef
    EUDirective: URIRef
    Programme: URIRef
    # Classes: what is read from the text
    Figure: URIRef
    Event: URIRef
    Mention: URIRef
    Relation: URIRef
    Kind: URIRef

    # Properties of entities
    kind: URIRef
    abbreviation: URIRef
    nameKey: URIRef
    mentionCount: URIRef
    status: URIRef
    bwbId: URIRef
    celex: URIRef
    tooiCode: URIRef
    identifierStatus: URIRef
    ambiguous: URIRef
    implements: URIRef
    amends: URIRef
    responsibleOrganisation: URIRef
    parentOrganisation: URIRef
    # Parliamentary papers and citations
    chamber: URIRef
    sessionYear: URIRef
    dossierNumber: URIRef
    documentNumber: URIRef
    cites: URIRef
    hasFootnote: URIRef
    footnoteNumber: URIRef
    concerns: URIRef
    # Document parts
    text: URIRef
    start: URIRef
    end: URIRef
    number: URIRef
    position: URIRef
    line: URIRef
    inReport: URIRef
    inSection: URIRef
    inParagraph: URIRef
    inSentence: URIRef
    # Reports
    sourceFile: URIRef
    sha256: URIRef
    year: URIRef
    budgetChapter: URIRef
    # Mentions and figures
    refersTo: URIRef
    surfaceForm: URIRef
    counts: URIRef
    # Events
    date: URIRef
    participant: URIRef
    # Relations
    subject: URIRef
    predicate: URIRef
    object: URIRef


class KGK(DefinedNamespace):
    """The kind concepts and concept schemes of ``ontology/kinds.ttl``.

    Names without a hyphen are attributes (``KGK.ministry``); hyphenated names, which Python cannot
    spell as attributes, are items (``KGK["eu-directive"]``). Both fail on an unknown name.
    """

    _NS = Namespace(KIND_NS)
    _fail = True

    # kgk:organisation-kinds
    ministry: URIRef
    agency: URIRef
    zbo: URIRef
    court: URIRef
    judiciary: URIRef
    parliament: URIRef
    police: URIRef
    partnership: URIRef
    government: URIRef
    # kgk:legal-kinds
    law: URIRef
    bill: URIRef
    code: URIRef
    amvb: URIRef
    treaty: URIRef
    # kgk:legal-statuses
    adopted: URIRef
    proposal: URIRef
    withdrawn: URIRef
    unknown: URIRef
    # kgk:programme-kinds
    programme: URIRef
    strategy: URIRef
    agenda: URIRef
    plan: URIRef
    pilot: URIRef
    experiment: URIRef
    campaign: URIRef
    monitor: URIRef
    system: URIRef
    agreement: URIRef
    report: URIRef
    project: URIRef
    approach: URIRef
    vision: URIRef
    fund: URIRef
    # kgk:event-kinds
    consultation: URIRef
    publication: URIRef
    start: URIRef
    completion: URIRef
    evaluation: URIRef
    decision: URIRef
    # kgk:document-kinds
    kamerstuk: URIRef

    _extras = [
        # concept schemes
        "document-kinds",
        "organisation-kinds",
        "legal-kinds",
        "legal-statuses",
        "programme-kinds",
        "event-kinds",
        # kgk:organisation-kinds
        "advisory-body",
        "supervisory-body",
        "security-service",
        "local-government",
        "eu-institution",
        "eu-agency",
        "international-organisation",
        "foreign-state",
        "civil-society",
        "research-institute",
        "other-organisation",
        # kgk:legal-kinds
        "ministerial-regulation",
        "eu-regulation",
        "eu-directive",
        "eu-package",
        "amendment-law",
        # kgk:legal-statuses
        "in-force",
        "bill-pending",
        "in-consultation",
        # kgk:programme-kinds
        "action-plan",
        "threat-assessment",
        "other-initiative",
        # kgk:event-kinds
        "council-of-state-advice",
        "submitted-to-parliament",
        "adopted-by-house-of-representatives",
        "adopted-by-senate",
        "entry-into-force",
        "motion-adopted",
        "agreement-reached",
        "other-event",
    ]


# Standard vocabularies. RDF, RDFS, OWL, XSD, SKOS, DCTERMS, PROV, ORG, FOAF and VOID are rdflib's own
# term lists (most of them closed, so a typo fails); the rest are open namespaces.
ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
TOOIONT = Namespace("https://identifier.overheid.nl/tooi/def/ont/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

PREFIXES: dict[str, str] = {
    "kg": ONTOLOGY_NS,
    "kgk": KIND_NS,
    "adms": str(ADMS),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "eli": str(ELI),
    "foaf": str(FOAF),
    "oa": str(OA),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "spdx": str(SPDX),
    "tooiont": str(TOOIONT),
    "vcard": str(VCARD),
    "void": str(VOID),
    "xsd": str(XSD),
}
"""Prefix -> namespace IRI for every serialisation: ours first, then the standard ones by prefix."""


def bind_prefixes(graph: Graph) -> Graph:
    """Bind every prefix of ``PREFIXES`` on ``graph``, replacing other bindings of the same names.

    Returns the same graph, for chaining. Prefixes rdflib bound by itself to other namespaces are left
    alone; create graphs with ``Graph(bind_namespaces="none")`` to have ours only.
    """
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def defined_terms(namespace: type[DefinedNamespace]) -> tuple[URIRef, ...]:
    """Every term a DefinedNamespace such as ``KG`` or ``KGK`` lists, sorted."""
    names = set(namespace.__annotations__) | set(namespace._extras)
    return tuple(sorted(namespace[name] for name in names))
