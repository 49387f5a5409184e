"""The ontology (ontology/*.ttl) is well formed, documented in Dutch and English, aligned with the
standard vocabularies it claims to reuse, and agrees with kg.vocab and docs/model.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.vocab import (
    DCTERMS,
    ELI,
    KG,
    KGK,
    KIND_NS,
    OA,
    ONTOLOGY_IRI,
    ONTOLOGY_NS,
    ORG,
    OWL,
    PREFIXES,
    PROV,
    SCHEMA,
    SKOS,
    TOOIONT,
    bind_prefixes,
    defined_terms,
)

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = REPO / "ontology"
MODEL_DOC = REPO / "docs" / "model.md"

OWL_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
ONTOLOGY = URIRef(ONTOLOGY_IRI)
XSD_NS = PREFIXES["xsd"]  # a string: rdflib's XSD namespace warns when pytest probes it


def _files() -> list[Path]:
    return sorted(ONTOLOGY_DIR.glob("*.ttl"))


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    return {p.name: Graph().parse(p, format="turtle") for p in _files()}


@pytest.fixture(scope="module")
def onto(graphs) -> Graph:
    """All ontology files merged, as a consumer loads them."""
    merged = Graph()
    for g in graphs.values():
        for t in g:
            merged.add(t)
    return merged


def _iris(g: Graph) -> set[URIRef]:
    return {t for triple in g for t in triple if isinstance(t, URIRef)}


def _ours(g: Graph, ns: str) -> set[URIRef]:
    return {t for t in _iris(g) if str(t).startswith(ns)}


def _langs(g: Graph, s: URIRef, p: URIRef) -> list[str]:
    return sorted(o.language or "" for o in g.objects(s, p) if isinstance(o, Literal))


def _declared_kg(g: Graph) -> set[URIRef]:
    return {s for k in OWL_KINDS for s in g.subjects(RDF.type, k) if str(s).startswith(ONTOLOGY_NS)}


def _declared_kgk(g: Graph) -> set[URIRef]:
    return {
        s
        for k in (SKOS.Concept, SKOS.ConceptScheme)
        for s in g.subjects(RDF.type, k)
        if str(s).startswith(KIND_NS)
    }


def _local(iri: URIRef, ns: str) -> str:
    return str(iri)[len(ns):]


# --- files and header --------------------------------------------------------------------------


def test_the_expected_files_exist_and_parse(graphs):
    assert {"kg.ttl", "kinds.ttl"} <= set(graphs)
    for name, g in graphs.items():
        assert len(g) > 100, name


def test_no_file_imports_anything(onto):
    assert list(onto.triples((None, OWL.imports, None))) == []


def test_ontology_header(onto):
    assert set(onto.subjects(RDF.type, OWL.Ontology)) == {ONTOLOGY}
    versions = [str(v) for v in onto.objects(ONTOLOGY, OWL.versionInfo)]
    assert len(versions) == 1 and re.fullmatch(r"\d+\.\d+\.\d+", versions[0])
    assert list(onto.objects(ONTOLOGY, OWL.versionIRI)) == [URIRef(f"{ONTOLOGY_IRI}/{versions[0]}")]
    assert _langs(onto, ONTOLOGY, DCTERMS.title) == ["en", "nl"]
    assert _langs(onto, ONTOLOGY, DCTERMS.description) == ["en", "nl"]
    assert len(list(onto.objects(ONTOLOGY, DCTERMS.license))) == 1


def test_file_prefixes_agree_with_vocab_prefixes():
    for path in _files():
        declared = re.findall(r"^@prefix\s+(\w*):\s+<([^>]+)>\s*\.", path.read_text("utf-8"), flags=re.M)
        assert declared, path.name
        for prefix, ns in declared:
            assert PREFIXES.get(prefix) == ns, f"{path.name}: @prefix {prefix}: <{ns}>"


# --- documentation of every term ---------------------------------------------------------------


def test_every_kg_term_has_dutch_and_english_label_and_comment(onto):
    used = _ours(onto, ONTOLOGY_NS)
    assert len(used) > 60
    missing = []
    for term in sorted(used):
        for p in (RDFS.label, RDFS.comment):
            if _langs(onto, term, p) != ["en", "nl"]:
                missing.append(f"{term} {p}: {_langs(onto, term, p)}")
        if list(onto.objects(term, RDFS.isDefinedBy)) != [ONTOLOGY]:
            missing.append(f"{term} rdfs:isDefinedBy")
    assert missing == []


def test_every_kind_term_has_dutch_and_english_label_and_definition(onto):
    used = _ours(onto, KIND_NS)
    assert len(used) > 60
    missing = []
    for term in sorted(used):
        for p in (SKOS.prefLabel, SKOS.definition):
            if _langs(onto, term, p) != ["en", "nl"]:
                missing.append(f"{term} {p}: {_langs(onto, term, p)}")
    assert missing == []


def test_every_used_term_of_ours_is_declared(onto):
    """A kg:/kgk: IRI in a domain, range or type position must not be a typo for a declared one."""
    assert _ours(onto, ONTOLOGY_NS) - _declared_kg(onto) == set()
    assert _ours(onto, KIND_NS) - _declared_kgk(onto) == set()


def test_every_kg_term_has_exactly_one_owl_kind(onto):
    for term in _declared_kg(onto):
        kinds = [k for k in OWL_KINDS if (term, RDF.type, k) in onto]
        assert len(kinds) == 1, (term, kinds)


def test_kinds_are_well_formed_concepts(onto):
    concepts = {c for c in onto.subjects(RDF.type, SKOS.Concept) if str(c).startswith(KIND_NS)}
    schemes = set(onto.subjects(RDF.type, SKOS.ConceptScheme))
    assert concepts
    for c in concepts:
        name = _local(c, KIND_NS)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name), c
        assert (c, RDF.type, KG.Kind) in onto, c
        assert [str(n) for n in onto.objects(c, SKOS.notation)] == [name], c
        in_schemes = list(onto.objects(c, SKOS.inScheme))
        assert len(in_schemes) == 1 and in_schemes[0] in schemes, (c, in_schemes)


REQUIRED_KINDS = {
    "organisation-kinds": """ministry agency zbo court judiciary parliament advisory-body supervisory-body police
        security-service local-government partnership government eu-institution eu-agency
        international-organisation foreign-state civil-society research-institute other-organisation""",
    "legal-kinds": """law bill code amvb ministerial-regulation eu-regulation eu-directive eu-package treaty
        amendment-law""",
    "legal-statuses": "in-force adopted bill-pending in-consultation proposal withdrawn unknown",
    "programme-kinds": """programme strategy agenda action-plan plan pilot experiment campaign monitor system
        agreement report threat-assessment project approach vision fund other-initiative""",
    "event-kinds": """consultation council-of-state-advice submitted-to-parliament
        adopted-by-house-of-representatives adopted-by-senate entry-into-force publication motion-adopted start
        completion evaluation agreement-reached decision other-event""",
    "document-kinds": "kamerstuk",
}


def test_the_concept_schemes_hold_exactly_the_agreed_kinds(onto):
    schemes = {_local(s, KIND_NS) for s in onto.subjects(RDF.type, SKOS.ConceptScheme)}
    assert schemes == set(REQUIRED_KINDS)
    for scheme, names in REQUIRED_KINDS.items():
        members = {_local(c, KIND_NS) for c in onto.subjects(SKOS.inScheme, KGK[scheme])}
        assert members == set(names.split()), scheme


# --- vocab.py agrees with the ontology ---------------------------------------------------------


def test_every_vocab_term_is_declared_in_the_ontology(onto):
    assert set(defined_terms(KG)) - _declared_kg(onto) == set()
    assert set(defined_terms(KGK)) - _declared_kgk(onto) == set()


def test_every_ontology_term_is_in_vocab(onto):
    assert _declared_kg(onto) - set(defined_terms(KG)) == set()
    assert _declared_kgk(onto) - set(defined_terms(KGK)) == set()


def test_vocab_refuses_unknown_terms():
    with pytest.raises(AttributeError):
        KG.Organization  # noqa: B018 - the US spelling is W3C ORG's, not ours
    with pytest.raises(AttributeError):
        KGK["eu-directve"]
    assert KGK["eu-directive"] == URIRef(KIND_NS + "eu-directive")
    assert KG.object == URIRef(ONTOLOGY_NS + "object")


def test_every_term_named_in_the_model_doc_is_declared(onto):
    """docs/model.md is the contract: each kg:/kgk: term it names must exist."""
    text = MODEL_DOC.read_text("utf-8")
    named_kg = {URIRef(ONTOLOGY_NS + n) for n in re.findall(r"\bkg:([A-Za-z][A-Za-z0-9]*)", text)}
    named_kgk = {URIRef(KIND_NS + n) for n in re.findall(r"\bkgk:([a-z][a-z0-9-]*[a-z0-9])", text)}
    assert len(named_kg) > 50
    assert named_kg - _declared_kg(onto) == set()
    assert named_kgk - _declared_kgk(onto) == set()


# --- alignments ----------------------------------------------------------------------------------

DOCUMENT_CLASSES = ("Report", "Part", "Section", "Subsection", "Paragraph", "Sentence", "Footnote", "Kamerstuk")

SUBCLASSES = [
    *[(KG[c], DCTERMS.BibliographicResource) for c in DOCUMENT_CLASSES],
    (KG.Organisation, KG.Entity),
    (KG.Organisation, ORG.Organization),
    (KG.LegalInstrument, KG.Entity),
    (KG.LegalInstrument, ELI.LegalResource),
    *[(KG[c], KG.LegalInstrument) for c in ("Law", "Bill", "Code", "GeneralAdministrativeOrder", "EUAct")],
    (KG.EURegulation, KG.EUAct),
    (KG.EUDirective, KG.EUAct),
    (KG.Programme, KG.Entity),
    (KG.Programme, PROV.Plan),
    (KG.Figure, SCHEMA.QuantitativeValue),
    (KG.Event, PROV.Activity),
    (KG.Event, SCHEMA.Event),
    (KG.Mention, OA.Annotation),
    (KG.Relation, PROV.Entity),
    (KG.Kind, SKOS.Concept),
]

SUBPROPERTIES = [
    (KG.abbreviation, SKOS.altLabel),
    (KG.bwbId, DCTERMS.identifier),
    (KG.celex, DCTERMS.identifier),
    (KG.tooiCode, DCTERMS.identifier),
    (KG.parentOrganisation, ORG.subOrganizationOf),
    (KG.refersTo, OA.hasBody),
]


@pytest.mark.parametrize(("sub", "sup"), SUBCLASSES, ids=str)
def test_subclass_alignment(onto, sub, sup):
    assert (sub, RDFS.subClassOf, sup) in onto


@pytest.mark.parametrize(("sub", "sup"), SUBPROPERTIES, ids=str)
def test_subproperty_alignment(onto, sub, sup):
    assert (sub, RDFS.subPropertyOf, sup) in onto


def test_organisation_is_related_to_but_not_under_tooi(onto):
    assert (KG.Organisation, RDFS.seeAlso, TOOIONT.Overheidsorganisatie) in onto
    supers = set(onto.transitive_objects(KG.Organisation, RDFS.subClassOf))
    assert TOOIONT.Overheidsorganisatie not in supers


def test_text_shortcuts_are_not_part_of_relations(onto):
    for p in (KG.inReport, KG.inSection, KG.inParagraph, KG.inSentence):
        assert (p, RDF.type, OWL.ObjectProperty) in onto
        assert DCTERMS.isPartOf not in set(onto.transitive_objects(p, RDFS.subPropertyOf)), p


def test_sub_and_super_properties_are_of_the_same_owl_kind(onto):
    """OWL 2 DL: an annotation property cannot specialise a data property, and so on."""
    pairs = list(onto.subject_objects(RDFS.subPropertyOf))
    assert pairs
    for sub, sup in pairs:
        kinds = {k for k in OWL_KINDS[1:] if (sub, RDF.type, k) in onto}
        assert kinds and kinds == {k for k in OWL_KINDS[1:] if (sup, RDF.type, k) in onto}, (sub, sup)


def test_external_terms_we_build_on_are_declared(onto):
    """The file is self-contained for OWL tools: every external class or property it refers to is typed."""
    referenced = set()
    for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range):
        for o in onto.objects(None, p):
            assert not isinstance(o, BNode)
            referenced.add(o)
    referenced |= set(onto.objects(KG.Organisation, RDFS.seeAlso))
    for term in sorted(referenced):
        if str(term).startswith(XSD_NS) or term == RDFS.Literal:
            continue
        assert any((term, RDF.type, k) in onto for k in OWL_KINDS), term
        assert list(onto.objects(term, RDFS.label)), term


def test_ranges_of_object_and_datatype_properties_fit(onto):
    for p in onto.subjects(RDF.type, OWL.DatatypeProperty):
        for r in onto.objects(p, RDFS.range):
            assert str(r).startswith(XSD_NS), (p, r)
    for p in onto.subjects(RDF.type, OWL.ObjectProperty):
        for r in onto.objects(p, RDFS.range):
            assert (r, RDF.type, OWL.Class) in onto, (p, r)


# --- a consumer who knows only the standard vocabularies finds our things ------------------------

SAMPLE = """
@prefix kg: <https://kg.example.org/def/kg#> .
@prefix ex: <https://example.org/id/> .
ex:jenv a kg:Organisation .
ex:opiumwet a kg:Law .
ex:nis2 a kg:EUDirective .
ex:wetsvoorstel a kg:Bill .
ex:report a kg:Report .
ex:sentence a kg:Sentence .
ex:kst a kg:Kamerstuk .
ex:mention a kg:Mention .
ex:figure a kg:Figure .
"""

INSTANCES_OF = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?x WHERE { ?x a/rdfs:subClassOf* ?class } ORDER BY ?x
"""


def _instances(g: Graph, cls: URIRef) -> set[str]:
    ex = "https://example.org/id/"
    return {str(row[0])[len(ex):] for row in g.query(INSTANCES_OF, initBindings={"class": cls})}


@pytest.fixture(scope="module")
def with_sample(onto) -> Graph:
    g = Graph()
    for t in onto:
        g.add(t)
    g.parse(data=SAMPLE, format="turtle")
    return g


def test_rdfs_subclassing_yields_standard_types(with_sample):
    assert _instances(with_sample, ORG.Organization) == {"jenv"}
    assert _instances(with_sample, ELI.LegalResource) == {"opiumwet", "nis2", "wetsvoorstel"}
    assert _instances(with_sample, DCTERMS.BibliographicResource) == {"report", "sentence", "kst"}
    assert _instances(with_sample, KG.Entity) == {"jenv", "opiumwet", "nis2", "wetsvoorstel", "kst"}
    assert _instances(with_sample, OA.Annotation) == {"mention"}
    assert _instances(with_sample, SCHEMA.QuantitativeValue) == {"figure"}


def test_the_sample_is_not_typed_by_itself(onto):
    """Without the ontology the same query finds nothing: the types above come from the alignments."""
    g = Graph().parse(data=SAMPLE, format="turtle")
    assert _instances(g, ORG.Organization) == set()


def test_pyoxigraph_reads_the_ontology_and_follows_the_alignments(with_sample):
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store = pyoxigraph.Store()
    for path in _files():
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    store.load(SAMPLE.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    query = INSTANCES_OF.replace("?class", f"<{ELI.LegalResource}>")
    found = {row["x"].value for row in store.query(query)}
    assert found == {f"https://example.org/id/{n}" for n in ("opiumwet", "nis2", "wetsvoorstel")}


# --- prefixes ------------------------------------------------------------------------------------


def test_prefixes_are_ours_first_and_unambiguous():
    assert list(PREFIXES)[:2] == ["kg", "kgk"]
    assert PREFIXES["kg"] == ONTOLOGY_NS and PREFIXES["kgk"] == KIND_NS
    assert list(PREFIXES)[2:] == sorted(list(PREFIXES)[2:])
    assert len(set(PREFIXES.values())) == len(PREFIXES)
    for prefix, ns in PREFIXES.items():
        assert ns.endswith(("#", "/")), prefix
    assert PREFIXES["schema"] == str(SCHEMA) == "https://schema.org/"
    assert PREFIXES["eli"] == "http://data.europa.eu/eli/ontology#"


def test_bind_prefixes_makes_turtle_use_our_prefixes():
    g = Graph(bind_namespaces="none")
    assert bind_prefixes(g) is g
    g.add((URIRef("https://example.org/id/x"), KG.kind, KGK.ministry))
    g.add((URIRef("https://example.org/id/x"), SCHEMA.name, Literal("x")))
    ttl = g.serialize(format="turtle")
    assert "@prefix kg: <https://kg.example.org/def/kg#> ." in ttl
    assert "kg:kind kgk:ministry" in ttl
    assert "schema:name" in ttl
    bound = dict(g.namespaces())
    assert {p: str(bound[p]) for p in PREFIXES} == PREFIXES
