"""The DCAT-AP-NL 3.0 catalogue (with VoID) of a release, and its check against the official shapes.

``build_catalog(config, datasets=..., files=...)`` gives an rdflib graph without blank nodes, so it
serialises canonically; ``validate_catalog(graph, shapes_dir=...)`` runs the official shapes and returns a
sorted :class:`CatalogReport`.

The shapes run without inference and check many ranges with ``sh:class``, so the catalogue types every
value it points to (themes, licence, language, publisher, media types, even URLs as ``rdfs:Resource``)
and gives the labels the shapes ask of those types. Why and how: ``docs/catalog.md``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD, Namespace

from kg.errors import InputError

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
EUSH = Namespace("https://purl.eu/ns/shacl#")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; not in rdflib's DCAT namespace

EU = "http://publications.europa.eu/resource/authority/"
OWMS = "http://standaarden.overheid.nl/owms/terms/"
IANA = "https://www.iana.org/assignments/media-types/"
JENV = "https://identifier.overheid.nl/tooi/id/ministerie/mnre1058"
CC0_NL = "http://creativecommons.org/publicdomain/zero/1.0/deed.nl"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
ONTOLOGY = "https://kg.example.org/def/kg"

PREFIXES = {
    "dcat": DCAT, "dcterms": DCTERMS, "foaf": FOAF, "owl": OWL, "prov": PROV, "rdf": RDF, "rdfs": RDFS,
    "skos": SKOS, "spdx": SPDX, "vcard": VCARD, "void": VOID, "xsd": XSD,
}

# Labels (nl, en) of the code-list values we use: the shapes require skos:prefLabel on every
# skos:Concept and dct:title on every skos:ConceptScheme in the catalogue.
SCHEMES = {
    EU + "data-theme": ("Datathema's", "Data themes"),
    OWMS + "TaxonomieBeleidsagenda": ("Taxonomie Beleidsagenda", "Policy agenda taxonomy"),
    EU + "language": ("Talen", "Languages"),
    EU + "frequency": ("Frequenties", "Frequencies"),
    EU + "access-right": ("Toegangsrechten", "Access rights"),
    EU + "file-type": ("Bestandstypen", "File types"),
}
LABELS = {
    EU + "data-theme/AGRI": ("Landbouw, visserij, bosbouw en voeding", "Agriculture, fisheries, forestry and food"),
    EU + "data-theme/ECON": ("Economie en financiën", "Economy and finance"),
    EU + "data-theme/EDUC": ("Onderwijs, cultuur en sport", "Education, culture and sport"),
    EU + "data-theme/ENER": ("Energie", "Energy"),
    EU + "data-theme/ENVI": ("Milieu", "Environment"),
    EU + "data-theme/GOVE": ("Overheid en publieke sector", "Government and public sector"),
    EU + "data-theme/HEAL": ("Gezondheid", "Health"),
    EU + "data-theme/INTR": ("Internationale vraagstukken", "International issues"),
    EU + "data-theme/JUST": ("Justitie, rechtsstelsel en openbare veiligheid", "Justice, legal system and public safety"),
    EU + "data-theme/REGI": ("Regio's en steden", "Regions and cities"),
    EU + "data-theme/SOCI": ("Bevolking en samenleving", "Population and society"),
    EU + "data-theme/TECH": ("Wetenschap en technologie", "Science and technology"),
    EU + "data-theme/TRAN": ("Vervoer", "Transport"),
    OWMS + "Openbare_orde_en_veiligheid": ("Openbare orde en veiligheid", "Public order and safety"),
    OWMS + "Recht_(thema)": ("Recht", "Law"),
    OWMS + "Migratie_en_integratie": ("Migratie en integratie", "Migration and integration"),
    EU + "language/NLD": ("Nederlands", "Dutch"),
    EU + "language/ENG": ("Engels", "English"),
    EU + "frequency/ANNUAL": ("jaarlijks", "annual"),
    EU + "frequency/IRREG": ("onregelmatig", "irregular"),
    EU + "access-right/PUBLIC": ("openbaar", "public"),
}
# Codes of the EU file-type list (http://publications.europa.eu/resource/authority/file-type) we accept.
FILE_TYPES = {
    "RDF_TURTLE": "RDF Turtle", "RDF_N_TRIPLES": "RDF N-Triples", "RDF_N_QUADS": "RDF N-Quads",
    "RDF_TRIG": "RDF TriG", "RDF_XML": "RDF/XML", "JSON_LD": "JSON-LD", "N3": "N3", "RDF": "RDF",
    "SPARQLQ": "SPARQL query", "SPARQLQRES": "SPARQL results", "JSON": "JSON", "CSV": "CSV",
    "TSV": "TSV", "XML": "XML", "HTML": "HTML", "TXT": "TXT", "PDF": "PDF", "ZIP": "ZIP", "GZIP": "GZIP",
}
# W3C format IRIs for void:feature, by media type.
FORMATS = {
    "text/turtle": "Turtle", "application/n-triples": "N-Triples", "application/n-quads": "N-Quads",
    "application/trig": "TriG", "application/ld+json": "JSON-LD", "application/rdf+xml": "RDF_XML",
}
LABELS.update({EU + "file-type/" + code: (label, label) for code, label in FILE_TYPES.items()})
LICENCE_TITLES = {
    CC0_NL: ("CC0 1.0 Universeel", "CC0 1.0 Universal", EU + "licence/CC0"),
    "http://creativecommons.org/publicdomain/zero/1.0/": ("CC0 1.0 Universeel", "CC0 1.0 Universal", EU + "licence/CC0"),
    "http://creativecommons.org/licenses/by/4.0/": ("CC BY 4.0", "CC BY 4.0", EU + "licence/CC_BY_4_0"),
    "http://creativecommons.org/licenses/by/4.0/deed.nl": ("CC BY 4.0", "CC BY 4.0", EU + "licence/CC_BY_4_0"),
}

# Names of TOOI organisations, for foaf:name (required by the foaf:Agent shape).
AGENT_NAMES = {JENV: "Ministerie van Justitie en Veiligheid"}

_KEY = re.compile(r"[a-z0-9][a-z0-9._-]*")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


class CatalogInputError(InputError):
    """The configuration, dataset list or file list of a catalogue is invalid."""


@dataclass(frozen=True, kw_only=True)
class Contact:
    """The contact point (a vcard:Organization): who answers questions about the data."""

    name: str
    email: str
    url: str | None = None


@dataclass(frozen=True, kw_only=True)
class CatalogConfig:
    """What the publisher says about the catalogue. Dates come from here, never from the clock."""

    base_iri: str
    download_base: str
    title_nl: str
    title_en: str
    description_nl: str
    description_en: str
    contact: Contact
    issued: date
    modified: date
    version: str
    publisher: str = JENV
    publisher_name: str | None = None  # default: the TOOI name, for organisations in AGENT_NAMES
    creator: str = JENV
    creator_name: str | None = None
    licence: str = CC0_NL
    themes: tuple[str, ...] = (EU + "data-theme/JUST", EU + "data-theme/GOVE")
    donl_themes: tuple[str, ...] = (
        OWMS + "Openbare_orde_en_veiligheid", OWMS + "Recht_(thema)", OWMS + "Migratie_en_integratie",
    )
    language: str = EU + "language/NLD"
    frequency: str = EU + "frequency/ANNUAL"
    access_rights: str = EU + "access-right/PUBLIC"
    conforms_to: tuple[str, ...] = (ONTOLOGY,)
    keywords_nl: tuple[str, ...] = ()
    homepage: str | None = None
    landing_page: str | None = None
    documentation: str | None = None
    sparql_endpoint: str | None = None
    sparql_endpoint_description: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReleaseFile:
    """One file of the release folder, as it will be downloadable."""

    name: str
    media_type: str
    file_type: str
    byte_size: int
    sha256: str
    dataset: str
    title_nl: str
    title_en: str


@dataclass(frozen=True, kw_only=True)
class DatasetInfo:
    """One dataset: ``"all"`` for the whole graph, or a report key for one report's graph."""

    key: str
    title_nl: str
    title_en: str
    description_nl: str
    description_en: str
    issued: date
    modified: date
    identifier: str | None = None  # default: the dataset IRI
    themes: tuple[str, ...] | None = None  # default: the catalogue's EU themes
    donl_themes: tuple[str, ...] | None = None  # default: the catalogue's data.overheid.nl themes
    source_report_iri: str | None = None
    year: int | None = None
    landing_page: str | None = None
    keywords_nl: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class VoidStats:
    """Statistics of one dataset's graph for its VoID description."""

    triples: int
    entities: int
    classes: Mapping[str, int]  # class IRI -> number of instances
    properties: Mapping[str, int]  # property IRI -> number of triples
    vocabularies: tuple[str, ...] = ()
    example_resources: tuple[str, ...] = ()


@dataclass(frozen=True, order=True)
class Finding:
    """One SHACL result: full IRIs for focus node, path and shape; ``value`` in N-Triples form.

    ``severity`` is ``Violation``, ``Warning`` or ``Info``.
    """

    focus_node: str
    path: str
    shape: str
    severity: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        return f"{self.severity}: {self.focus_node} {self.path}: {self.message} [{self.shape}]"


@dataclass(frozen=True)
class CatalogReport:
    """The result of checking a catalogue: it conforms when there are no violations."""

    conforms: bool
    violations: tuple[Finding, ...]
    warnings: tuple[Finding, ...]


def _iri(value: str, what: str) -> URIRef:
    if not re.match(r"(https?|mailto|urn):", value) or any(c in value for c in ' <>"{}|\\^`'):
        raise CatalogInputError(f"{what} is not an absolute IRI: {value!r}")
    return URIRef(value)


def _check_date(value: object, what: str) -> Literal:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise CatalogInputError(f"{what} must be a datetime.date (no time of day), not {value!r}")
    return Literal(value.isoformat(), datatype=XSD.date)


def _slug_hash(iri: str) -> str:
    """A stable key for an IRI: its local name as a slug plus a short hash of the whole IRI."""
    local = re.split(r"[#/]", iri.rstrip("#/"))[-1]
    slug = re.sub(r"[^a-z0-9]+", "-", local.lower()).strip("-") or "x"
    return f"{slug}-{hashlib.sha256(iri.encode()).hexdigest()[:8]}"


class _Builder:
    def __init__(self, config: CatalogConfig) -> None:
        self.c = config
        self.g = Graph(bind_namespaces="none")
        for prefix, ns in PREFIXES.items():
            self.g.bind(prefix, ns)
        self.base = config.base_iri.rstrip("/")
        _iri(self.base, "base_iri")
        self.download_base = config.download_base.rstrip("/")
        _iri(self.download_base, "download_base")
        c = config
        if not _EMAIL.fullmatch(c.contact.email):
            raise CatalogInputError(f"contact email is not an e-mail address: {c.contact.email!r}")
        self.publisher = self.agent(c.publisher, c.publisher_name, "publisher")
        self.creator = self.agent(c.creator, c.creator_name, "creator")
        self.contact = URIRef(f"{self.base}/id/catalog/contact-point")
        self.typed(self.contact, "contact point", VCARD.Kind, VCARD.Organization)
        self.text(self.contact, VCARD.fn, c.contact.name)
        self.add(self.contact, VCARD.hasEmail, _iri("mailto:" + c.contact.email, "contact email"))
        if c.contact.url:
            self.add(self.contact, VCARD.hasURL, _iri(c.contact.url, "contact url"))
        self.language = self.concept(c.language, "language", EU + "language", DCTERMS.LinguisticSystem)
        self.licence = self.typed(c.licence, "licence", DCTERMS.LicenseDocument)
        if c.licence in LICENCE_TITLES:
            nl, en, eu_licence = LICENCE_TITLES[c.licence]
            self.text(self.licence, DCTERMS.title, nl, en)
            self.add(self.licence, SKOS.exactMatch, URIRef(eu_licence))
        self.standards = [self.typed(s, "conforms_to", DCTERMS.Standard) for s in c.conforms_to]

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.g.add((s, p, o))

    def text(self, s: URIRef, p: URIRef, nl: str, en: str | None = None) -> None:
        self.add(s, p, Literal(nl, lang="nl"))
        if en is not None:
            self.add(s, p, Literal(en, lang="en"))

    def typed(self, iri: str, what: str, *types: URIRef) -> URIRef:
        node = _iri(str(iri), what)
        for t in types:
            self.add(node, RDF.type, t)
        return node

    def scheme(self, iri: str) -> URIRef:
        node = self.typed(iri, "concept scheme", SKOS.ConceptScheme)
        self.text(node, DCTERMS.title, *(SCHEMES.get(iri) or (_fallback_label(iri),) * 2))
        return node

    def concept(self, iri: str, what: str, scheme: str, *types: URIRef) -> URIRef:
        """A code-list value, typed as the shapes expect, with a label and its scheme."""
        prefix = OWMS if scheme.startswith(OWMS) else scheme + "/"
        if not str(iri).startswith(prefix) or len(str(iri)) == len(prefix):
            raise CatalogInputError(f"{what} {iri!r} is not a value of the code list {scheme}")
        node = self.typed(iri, what, SKOS.Concept, *types)
        self.text(node, SKOS.prefLabel, *(LABELS.get(iri) or (_fallback_label(iri),) * 2))
        self.add(node, SKOS.inScheme, self.scheme(scheme))
        return node

    def agent(self, iri: str, name: str | None, what: str) -> URIRef:
        name = name or AGENT_NAMES.get(iri)
        if not name:
            raise CatalogInputError(f"{what} {iri!r} needs a name", hint=f"set {what}_name in the configuration")
        node = self.typed(iri, what, FOAF.Agent, FOAF.Organization)
        self.text(node, FOAF.name, name)
        return node

    def document(self, iri: str, what: str) -> URIRef:
        return self.typed(iri, what, FOAF.Document)

    def resource(self, iri: str, what: str) -> URIRef:
        # DCAT-AP 3.0 checks URLs with sh:class rdfs:Resource; without inference that needs the triple.
        return self.typed(iri, what, RDFS.Resource)

    def themes(self, node: URIRef, eu: Sequence[str], donl: Sequence[str]) -> None:
        if not eu:
            # DCAT-AP-NL: at least one theme from the EU data-theme list; others may come beside it.
            raise CatalogInputError(f"{node}: needs at least one EU data theme ({EU}data-theme/...)")
        for t in eu:
            self.add(node, DCAT.theme, self.concept(t, "theme", EU + "data-theme"))
        for t in donl:
            self.add(node, DCAT.theme, self.concept(t, "data.overheid.nl theme", OWMS + "TaxonomieBeleidsagenda"))

    def common(self, node: URIRef) -> None:
        """Publisher, creator, contact point, language and access rights shared by datasets and service."""
        c = self.c
        self.add(node, DCTERMS.publisher, self.publisher)
        self.add(node, DCTERMS.creator, self.creator)
        self.add(node, DCAT.contactPoint, self.contact)
        self.add(node, DCTERMS.language, self.language)
        self.add(node, DCTERMS.accessRights, self.concept(
            c.access_rights, "access_rights", EU + "access-right", DCTERMS.RightsStatement))


def _fallback_label(iri: str) -> str:
    local = re.split(r"[#/]", iri.rstrip("#/"))[-1]
    return re.sub(r"_\(thema\)$", "", local).replace("_", " ")


def build_catalog(
    config: CatalogConfig,
    *,
    datasets: Sequence[DatasetInfo],
    files: Sequence[ReleaseFile],
    void: Mapping[str, VoidStats] | None = None,
) -> Graph:
    """The DCAT-AP-NL 3.0 catalogue and VoID description of a release, without blank nodes.

    Raises :class:`CatalogInputError` for an invalid key, IRI, date, checksum, file type or size, a
    duplicate dataset or file, or a file or VoID entry of an unknown dataset.
    """
    b = _Builder(config)
    c, base = config, b.base
    void = dict(void or {})
    keys = [d.key for d in datasets]
    if not datasets:
        raise CatalogInputError("a catalogue needs at least one dataset (DCAT-AP-NL: dcat:dataset 1..n)")
    for k in keys:
        if not _KEY.fullmatch(k):
            raise CatalogInputError(f"dataset key {k!r} is not a slug (a-z, 0-9, '.', '_', '-')")
    if len(set(keys)) != len(keys):
        raise CatalogInputError(f"duplicate dataset keys: {sorted(k for k in set(keys) if keys.count(k) > 1)}")
    for k in void:
        if k not in keys:
            raise CatalogInputError(f"VoID statistics for unknown dataset {k!r}; datasets: {keys}")
    licence, standards, contact = b.licence, b.standards, b.contact
    frequency = b.concept(c.frequency, "frequency", EU + "frequency", DCTERMS.Frequency)
    issued, modified = _check_date(c.issued, "issued"), _check_date(c.modified, "modified")

    # The catalogue.
    catalog = URIRef(f"{base}/id/catalog")
    b.add(catalog, RDF.type, DCAT.Catalog)
    b.text(catalog, DCTERMS.title, c.title_nl, c.title_en)
    b.text(catalog, DCTERMS.description, c.description_nl, c.description_en)
    b.add(catalog, DCTERMS.publisher, b.publisher)
    b.add(catalog, DCTERMS.creator, b.creator)
    b.add(catalog, DCAT.contactPoint, contact)
    b.add(catalog, DCTERMS.language, b.language)
    b.add(catalog, DCTERMS.license, licence)
    b.add(catalog, DCTERMS.issued, issued)
    b.add(catalog, DCTERMS.modified, modified)
    b.add(catalog, DCTERMS.identifier, Literal(str(catalog)))
    b.add(catalog, OWL.versionInfo, Literal(c.version))
    b.add(catalog, DCAT.themeTaxonomy, b.scheme(EU + "data-theme"))
    if c.donl_themes or any(d.donl_themes for d in datasets):
        b.add(catalog, DCAT.themeTaxonomy, b.scheme(OWMS + "TaxonomieBeleidsagenda"))
    if c.homepage:
        b.add(catalog, FOAF.homepage, b.document(c.homepage, "homepage"))

    # The data service (SPARQL endpoint), when there is one.
    service = None
    if c.sparql_endpoint:
        service = URIRef(f"{base}/id/service/sparql")
        b.add(catalog, DCAT.service, service)
        b.add(service, RDF.type, DCAT.DataService)
        b.text(service, DCTERMS.title, f"SPARQL-endpoint: {c.title_nl}", f"SPARQL endpoint: {c.title_en}")
        b.text(service, DCTERMS.description,
               f"Bevraag {c.title_nl} met SPARQL 1.1.", f"Query {c.title_en} with SPARQL 1.1.")
        b.add(service, DCTERMS.identifier, Literal(str(service)))
        b.add(service, DCAT.endpointURL, b.resource(c.sparql_endpoint, "sparql_endpoint"))
        b.add(service, DCAT.endpointDescription, b.resource(
            c.sparql_endpoint_description or c.sparql_endpoint, "sparql_endpoint_description"))
        protocol = b.typed(SPARQL_PROTOCOL, "standard", DCTERMS.Standard)
        b.text(protocol, DCTERMS.title, "SPARQL 1.1 Protocol", "SPARQL 1.1 Protocol")
        b.add(service, DCTERMS.conformsTo, protocol)
        b.add(service, DCTERMS.license, licence)
        b.add(service, DCTERMS.modified, modified)
        b.common(service)
        b.themes(service, c.themes, c.donl_themes)
        for word in ("SPARQL", "linked data", *c.keywords_nl):
            b.add(service, DCAT.keyword, Literal(word, lang="nl"))
        if c.documentation:
            b.add(service, FOAF.page, b.document(c.documentation, "documentation"))
        if c.landing_page:
            b.add(service, DCAT.landingPage, b.document(c.landing_page, "landing_page"))

    # Datasets, with their VoID description on the same IRI.
    nodes: dict[str, URIRef] = {}
    for d in datasets:
        ds = nodes[d.key] = URIRef(f"{base}/id/dataset/{d.key}")
        b.add(catalog, DCAT.dataset, ds)
        b.add(ds, RDF.type, DCAT.Dataset)
        b.add(ds, RDF.type, VOID.Dataset)
        b.text(ds, DCTERMS.title, d.title_nl, d.title_en)
        b.text(ds, DCTERMS.description, d.description_nl, d.description_en)
        b.add(ds, DCTERMS.identifier, Literal(d.identifier or str(ds)))
        b.common(ds)
        b.themes(ds, c.themes if d.themes is None else d.themes,
                 c.donl_themes if d.donl_themes is None else d.donl_themes)
        b.add(ds, DCTERMS.accrualPeriodicity, frequency)
        b.add(ds, DCTERMS.issued, _check_date(d.issued, f"dataset {d.key}: issued"))
        b.add(ds, DCTERMS.modified, _check_date(d.modified, f"dataset {d.key}: modified"))
        b.add(ds, DCAT_VERSION, Literal(c.version))
        b.add(ds, OWL.versionInfo, Literal(c.version))
        for s in standards:
            b.add(ds, DCTERMS.conformsTo, s)
        for word in (*c.keywords_nl, *d.keywords_nl):
            b.add(ds, DCAT.keyword, Literal(word, lang="nl"))
        if d.landing_page or c.landing_page:
            b.add(ds, DCAT.landingPage, b.document(d.landing_page or c.landing_page, "landing_page"))
        if c.documentation:
            b.add(ds, FOAF.page, b.document(c.documentation, "documentation"))
        if d.source_report_iri:
            report = _iri(d.source_report_iri, f"dataset {d.key}: source_report_iri")
            b.add(ds, PROV.wasDerivedFrom, report)
            b.add(ds, VOID.rootResource, report)
        if d.year is not None:
            period = URIRef(f"{base}/id/period/{d.year:04d}")
            b.add(period, RDF.type, DCTERMS.PeriodOfTime)
            b.add(period, DCAT.startDate, Literal(f"{d.year:04d}-01-01", datatype=XSD.date))
            b.add(period, DCAT.endDate, Literal(f"{d.year:04d}-12-31", datatype=XSD.date))
            b.add(ds, DCTERMS.temporal, period)
        b.add(ds, VOID.uriSpace, Literal(f"{base}/id/"))
        if service is not None:
            b.add(service, DCAT.servesDataset, ds)
            b.add(ds, VOID.sparqlEndpoint, URIRef(c.sparql_endpoint))
        if d.key in void:
            _void(b, ds, void[d.key])
    if "all" in nodes:
        for key, ds in nodes.items():
            if key != "all":
                b.add(nodes["all"], VOID.subset, ds)

    # Distributions: one per release file, plus the SPARQL endpoint as a distribution of "all".
    names: set[str] = set()
    for f in files:
        _distribution(b, f, nodes, names, licence, standards)
    if service is not None:
        for key in ["all"] if "all" in nodes else list(nodes):
            dist = URIRef(f"{base}/id/distribution/{key}/sparql")
            b.add(nodes[key], DCAT.distribution, dist)
            b.add(dist, RDF.type, DCAT.Distribution)
            b.text(dist, DCTERMS.title, "SPARQL-endpoint", "SPARQL endpoint")
            b.add(dist, DCAT.accessURL, URIRef(c.sparql_endpoint))
            b.add(dist, DCAT.accessService, service)
            b.add(dist, DCTERMS.format, b.concept(
                EU + "file-type/SPARQLQ", "file type", EU + "file-type", DCTERMS.MediaTypeOrExtent))
            b.add(dist, DCTERMS.license, licence)
            b.add(dist, DCTERMS.language, b.language)
            for s in standards:
                b.add(dist, DCTERMS.conformsTo, s)
    return b.g


def _distribution(b: _Builder, f: ReleaseFile, nodes: Mapping[str, URIRef], names: set[str],
                  licence: URIRef, standards: Sequence[URIRef]) -> None:
    where = f"release file {f.name!r}"
    if not f.name or "/" in f.name or f.name in (".", ".."):
        raise CatalogInputError(f"{where}: a file name without folders is needed")
    if f.name in names:
        raise CatalogInputError(f"{where}: listed twice")
    names.add(f.name)
    if f.dataset not in nodes:
        raise CatalogInputError(f"{where}: unknown dataset {f.dataset!r}; datasets: {list(nodes)}")
    if f.file_type not in FILE_TYPES:
        raise CatalogInputError(
            f"{where}: {f.file_type!r} is not a code of the EU file-type list we know",
            hint=f"use one of {sorted(FILE_TYPES)}")
    if not _MEDIA_TYPE.fullmatch(f.media_type):
        raise CatalogInputError(f"{where}: {f.media_type!r} is not a media type like text/turtle")
    if isinstance(f.byte_size, bool) or not isinstance(f.byte_size, int) or f.byte_size < 0:
        raise CatalogInputError(f"{where}: byte_size must be a non-negative integer, not {f.byte_size!r}")
    if not _SHA256.fullmatch(f.sha256):
        raise CatalogInputError(f"{where}: sha256 must be 64 hexadecimal digits, not {f.sha256!r}")

    name = quote(f.name, safe="")
    dist = URIRef(f"{b.base}/id/distribution/{f.dataset}/{name}")
    url = b.resource(f"{b.download_base}/{name}", f"{where}: download URL")
    ds = nodes[f.dataset]
    b.add(ds, DCAT.distribution, dist)
    b.add(ds, VOID.dataDump, url)
    if f.media_type in FORMATS:
        b.add(ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/" + FORMATS[f.media_type]))
    b.add(dist, RDF.type, DCAT.Distribution)
    b.text(dist, DCTERMS.title, f.title_nl, f.title_en)
    b.add(dist, DCAT.accessURL, url)
    b.add(dist, DCAT.downloadURL, url)
    b.add(dist, DCTERMS.format, b.concept(
        EU + "file-type/" + f.file_type, "file type", EU + "file-type", DCTERMS.MediaTypeOrExtent))
    media = b.typed(IANA + f.media_type, "media type", DCTERMS.MediaType, DCTERMS.MediaTypeOrExtent)
    b.add(dist, DCAT.mediaType, media)
    b.add(dist, DCAT.byteSize, Literal(str(f.byte_size), datatype=XSD.nonNegativeInteger))
    checksum = URIRef(f"{dist}#sha256")
    b.add(dist, SPDX.checksum, checksum)
    b.add(checksum, RDF.type, SPDX.Checksum)
    b.add(checksum, SPDX.algorithm, b.typed(SPDX.checksumAlgorithm_sha256, "algorithm", SPDX.ChecksumAlgorithm))
    b.add(checksum, SPDX.checksumValue, Literal(f.sha256.lower(), datatype=XSD.hexBinary))
    b.add(dist, DCTERMS.license, licence)
    b.add(dist, DCTERMS.language, b.language)
    for s in standards:
        b.add(dist, DCTERMS.conformsTo, s)
    issued, modified = b.g.value(ds, DCTERMS.issued), b.g.value(ds, DCTERMS.modified)
    b.add(dist, DCTERMS.issued, issued)
    b.add(dist, DCTERMS.modified, modified)


def _void(b: _Builder, ds: URIRef, stats: VoidStats) -> None:
    b.add(ds, VOID.triples, Literal(stats.triples))
    b.add(ds, VOID.entities, Literal(stats.entities))
    b.add(ds, VOID.classes, Literal(len(stats.classes)))
    b.add(ds, VOID.properties, Literal(len(stats.properties)))
    for cls, count in stats.classes.items():
        part = URIRef(f"{ds}/void/class/{_slug_hash(cls)}")
        b.add(ds, VOID.classPartition, part)
        b.add(part, RDF.type, VOID.Dataset)
        b.add(part, VOID["class"], _iri(cls, "VoID class"))
        b.add(part, VOID.entities, Literal(count))
    for prop, count in stats.properties.items():
        part = URIRef(f"{ds}/void/property/{_slug_hash(prop)}")
        b.add(ds, VOID.propertyPartition, part)
        b.add(part, RDF.type, VOID.Dataset)
        b.add(part, VOID.property, _iri(prop, "VoID property"))
        b.add(part, VOID.triples, Literal(count))
    for vocabulary in stats.vocabularies:
        b.add(ds, VOID.vocabulary, _iri(vocabulary, "VoID vocabulary"))
    for example in stats.example_resources:
        b.add(ds, VOID.exampleResource, _iri(example, "VoID example resource"))


# --- validation -----------------------------------------------------------------------------------


@cache
def _shapes(files: tuple[tuple[str, int, int], ...]) -> Graph:
    """The shapes graph of these files (path, mtime, size): parsed once per process and version."""
    g = Graph()
    for path, _, _ in files:
        try:
            g.parse(path, format="turtle")
        except Exception as err:  # rdflib raises several parser exception types
            raise InputError(f"cannot parse shapes: {err}", path=path) from err
    return g


def _name(node: object) -> str:
    if isinstance(node, BNode):  # blank node labels differ between runs
        return "[blank node]"
    return "" if node is None else str(node)


def validate_catalog(graph: Graph, *, shapes_dir: Path) -> CatalogReport:
    """Check a catalogue against all ``*.ttl`` shapes in ``shapes_dir``, loaded together as one graph.

    Runs pySHACL with SHACL Core only (no inference, no SHACL-AF): the official shapes need nothing
    more, provided the catalogue types the values it points to (as :func:`build_catalog` does).
    Warnings do not stop a catalogue from conforming. Messages end with the shape's own
    ``eush:message`` when it has one, since SHACL engines do not report that property.
    """
    from pyshacl import validate  # slow import; only needed here

    paths = sorted(Path(shapes_dir).glob("*.ttl"))
    if not paths:
        raise InputError("no SHACL shapes (*.ttl) found", path=str(shapes_dir),
                         hint="point shapes_dir at the DCAT-AP-NL 3.0 shapes folder")
    shapes = _shapes(tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths))
    _, results, _ = validate(
        graph, shacl_graph=shapes, inference="none", advanced=False, abort_on_first=False,
        allow_warnings=True, allow_infos=True, meta_shacl=False,
    )
    violations: list[Finding] = []
    warnings: list[Finding] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        shape = results.value(result, SH.sourceShape)
        severity = results.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        own = shapes.value(shape, EUSH.message) if shape is not None else None
        message = "; ".join(messages) or str(results.value(result, SH.sourceConstraintComponent))
        if own is not None and str(own) not in message:
            message += f" ({own})"
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        finding = Finding(
            focus_node=str(results.value(result, SH.focusNode)),
            path=_name(path),
            shape=_name(shape),
            severity=str(severity).rsplit("#", 1)[-1],
            message=message,
            value="" if value is None or isinstance(value, BNode) else value.n3(),
        )
        (violations if severity == SH.Violation else warnings).append(finding)
    return CatalogReport(
        conforms=not violations,
        violations=tuple(sorted(set(violations))),
        warnings=tuple(sorted(set(warnings))),
    )
