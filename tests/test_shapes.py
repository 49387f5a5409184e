"""The shapes: valid SHACL (SHACL-SHACL), house rules, and one valid and one invalid example per shape."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from kg import assets
from kg.validate import SH, Severity, load_shapes, validate

EXAMPLES = Path(__file__).parent / "shapes"
INVALID = sorted((EXAMPLES / "invalid").glob("*.ttl"))
SHAPES_NS = "https://kg.example.org/def/shapes#"


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


def test_shapes_conform_to_shacl_shacl(shapes):
    from pyshacl.entrypoints import meta_validate

    conforms, _graph, text = meta_validate(shapes.graph)
    assert conforms, text


def test_every_shape_has_names_messages_and_severity(shapes):
    S = rdflib.Namespace(SH)
    g = shapes.graph
    for s in shapes.shapes:
        node = rdflib.URIRef(s.iri)
        langs = {lit.language for lit in g.objects(node, S.name)}
        assert {"nl", "en"} <= langs, f"{s.iri}: sh:name in Dutch and English"
        langs = {lit.language for lit in g.objects(node, S.message)}
        assert {"nl", "en"} <= langs, f"{s.iri}: sh:message in Dutch and English"
        assert g.value(node, S.severity) in (S.Violation, S.Warning, S.Info), f"{s.iri}: a deliberate sh:severity"


def test_every_ontology_class_is_targeted(shapes):
    onto = rdflib.Graph()
    for p in assets.files("ontology"):
        onto.parse(p)
    KG = "https://kg.example.org/def/kg#"
    classes = {c for c in onto.subjects(rdflib.RDF.type, rdflib.OWL.Class) if str(c).startswith(KG)}
    targeted = {x for s in shapes.shapes for kind, x in s.targets if kind == "class"}
    for c in classes:
        subs = set(onto.transitive_subjects(rdflib.RDFS.subClassOf, c))
        leaves = {x for x in subs if str(x).startswith(KG) and not set(onto.subjects(rdflib.RDFS.subClassOf, x)) - {x}}
        assert str(c) in targeted or {str(x) for x in leaves} <= targeted, f"no shape targets {c} (or its subclasses)"


def test_kind_lists_match_the_kind_schemes(shapes):
    onto = rdflib.Graph()
    for p in assets.files("ontology"):
        onto.parse(p)
    kgk = "https://kg.example.org/def/kind/"
    scheme_of_shape = {"Organisation-kind": "organisation-kinds", "Legal-kind": "legal-kinds",
                       "Legal-status": "legal-statuses", "Programme-kind": "programme-kinds", "Event-kind": "event-kinds"}
    by_iri = shapes.by_iri()
    for shape, scheme in scheme_of_shape.items():
        listed = {t for c, p in by_iri[SHAPES_NS + shape].constraints if c == "In" for t in p}
        members = {f"<{c}>" for c in onto.subjects(rdflib.SKOS.inScheme, rdflib.URIRef(kgk + scheme))}
        assert listed == members, f"kgsh:{shape} lists {sorted(listed ^ members)} differently from kgk:{scheme}"


def test_severities_are_deliberate(shapes):
    counts = {sev: sum(1 for s in shapes.shapes if s.constraints and s.severity == sev) for sev in Severity}
    assert all(counts.values()), counts


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_valid_examples_conform(engine):
    report = validate(sorted((EXAMPLES / "valid").glob("*.ttl")), engine=engine)
    assert report.conforms, [(f.shape, f.focus, f.value) for f in report.findings]


def test_the_ontology_kinds_conform():
    report = validate(assets.files("ontology"))
    assert not report.fails(), [(f.shape, f.focus) for f in report.findings]


def test_every_shape_with_constraints_has_an_invalid_example(shapes):
    names = {p.stem for p in INVALID}
    missing = [s.iri for s in shapes.shapes if s.constraints and s.iri.removeprefix(SHAPES_NS) not in names]
    assert not missing, f"no tests/shapes/invalid/<name>.ttl for {missing}"


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_example_is_caught_by_its_shape_with_both_engines(path):
    fast = validate([path], engine="sparql")
    assert SHAPES_NS + path.stem in {f.shape for f in fast.findings}, f"kgsh:{path.stem} did not fire"
    reference = validate([path], engine="pyshacl")
    assert fast.findings == reference.findings  # same results, same messages, labels and sources
