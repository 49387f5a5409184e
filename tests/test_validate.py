"""kg.validate and `kg validate`: the report graph conforms, broken graphs fail with the right messages,
exit codes 0/1/2/3, the renderers, and the two engines agree."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.errors import InputError
from kg.validate import Severity, render, validate

EXAMPLES = Path(__file__).parent / "shapes"
VALID = EXAMPLES / "valid" / "report.ttl"
KGSH = "https://kg.example.org/def/shapes#"


def _main(*args: str):
    """Run kg.cli.main, which turns KgErrors into exit codes, as on the command line."""
    return CliRunner().invoke(_Wrapper(), list(args))


class _Wrapper:
    """CliRunner needs a click command; this one calls kg.cli.main with the arguments."""

    name = "kg"

    def main(self, args=None, prog_name=None, standalone_mode=True, **extra):
        import sys

        from kg.cli import main

        sys.argv = ["kg", *(args or [])]
        main()


@pytest.fixture(scope="module")
def store_report(built_store):
    from kg.store import open_store

    return validate(open_store(built_store, read_only=True), engine="sparql")


def test_the_built_report_graph_conforms(store_report):
    assert not store_report.fails(Severity.VIOLATION), [(f.shape, f.focus, f.value) for f in store_report.failing()]


def test_engines_agree_on_the_report_graph(report_graph, store_report):
    reference = validate(report_graph, engine="pyshacl")
    fast = validate(report_graph, engine="sparql")
    assert fast.findings == reference.findings
    assert {f.key() for f in fast.findings} == {f.key() for f in store_report.findings}


def _broken(tmp_path: Path, old: str, new: str, name: str = "broken.ttl") -> Path:
    text = VALID.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / name
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


BROKEN = {
    "label removed": ('skos:prefLabel "Wet COA"@nl ;', "", "Entity-label-nl", "geen Nederlandse naam"),
    "bad identifier": ('kg:bwbId "BWBR0006685"', 'kg:bwbId "BWBR06685"', "BwbId-pattern", "BWBR"),
    "missing provenance": ("kg:refersTo legal:wet-coa", "kg:refersTo legal:nis2", "EntityProvenance-mention",
                           "geen vermelding"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_broken_graph_fails_with_the_right_message(tmp_path, case, engine):
    old, new, shape, words = BROKEN[case]
    report = validate([_broken(tmp_path, old, new)], engine=engine)
    hits = [f for f in report.findings if f.shape == KGSH + shape]
    assert hits and report.fails()
    assert words in hits[0].message_nl
    assert hits[0].focus == "<https://kg.example.org/id/legal/wet-coa>"


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_graph_cli_exit_1(tmp_path, case):
    old, new, shape, words = BROKEN[case]
    r = _main("validate", str(_broken(tmp_path, old, new)))
    assert r.exit_code == 1, r.output
    assert words in r.stdout and f"kgsh:{shape}" in r.stdout


def test_valid_file_exit_0():
    r = _main("validate", str(VALID), "--severity", "info")
    assert r.exit_code == 0, r.output
    assert "voldoet" in r.stdout


def test_missing_file_exit_3(tmp_path):
    r = _main("validate", str(tmp_path / "nope.ttl"))
    assert r.exit_code == 3
    assert "nope.ttl: no such file" in r.stderr


def test_syntax_error_exit_3_names_file_and_line(tmp_path):
    p = tmp_path / "bad.ttl"
    p.write_text('@prefix x: <http://x/> .\nx:a x:b x:c .\nx:a x:b "oops .\n', encoding="utf-8")
    r = _main("validate", str(p))
    assert r.exit_code == 3
    assert f"{p}:3:" in r.stderr
    with pytest.raises(InputError) as err:
        validate([p])
    assert err.value.line == 3


def test_unknown_format_option_exit_2():
    r = _main("validate", str(VALID), "--format", "pdf")
    assert r.exit_code == 2


def test_severity_threshold(tmp_path):
    p = _broken(tmp_path, "    kg:year \"2024\"^^xsd:gYear ;", "   ")  # a warning only
    assert _main("validate", str(p)).exit_code == 0
    assert _main("validate", str(p), "--severity", "warning").exit_code == 1


def test_jsonld_and_trig_inputs(tmp_path):
    import pyoxigraph as ox

    quads = list(ox.parse(path=str(VALID), format=ox.RdfFormat.TURTLE))
    trig = tmp_path / "r.trig"
    ox.serialize([ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("https://g/1")) for q in quads],
                 output=str(trig), format=ox.RdfFormat.TRIG)
    jsonld = tmp_path / "r.jsonld"
    ox.serialize(quads, output=str(jsonld), format=ox.RdfFormat.JSON_LD)
    for p in (trig, jsonld):
        assert validate([p]).conforms, p


@pytest.fixture(scope="module")
def broken_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("broken")
    old, new, _, _ = BROKEN["bad identifier"]
    return validate([_broken(tmp, old, new)])


def test_text_report_is_grouped_and_dutch(broken_report):
    text = render(broken_report, "text")
    assert text.startswith("OVERTREDING: BWB-identificatie (1×)  [kgsh:BwbId-pattern]")
    assert "  - Wet COA  <https://kg.example.org/id/legal/wet-coa>" in text
    assert "waarde: \"BWBR06685\"" in text
    assert "voldoet NIET: 1 overtreding" in text


def test_turtle_report_is_a_shacl_report(broken_report):
    import rdflib

    g = rdflib.Graph().parse(data=render(broken_report, "turtle"), format="turtle")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    results = list(g.subjects(rdflib.RDF.type, SH.ValidationResult))
    assert len(results) == 1
    assert g.value(results[0], SH.resultPath) == rdflib.URIRef("https://kg.example.org/def/kg#bwbId")
    assert (None, SH.conforms, rdflib.Literal(False)) in g


def test_json_junit_github(broken_report):
    doc = json.loads(render(broken_report, "json"))
    assert doc["counts"]["violation"] == 1 and doc["findings"][0]["severity"] == "violation"
    root = ET.fromstring(render(broken_report, "junit"))
    assert root.get("failures") == "1"
    gh = render(broken_report, "github", data_label="data/r.ttl")
    assert gh.startswith("::error file=data/r.ttl,title=BWB-identificatie (kgsh%3ABwbId-pattern)::")


def test_deterministic(broken_report, tmp_path):
    old, new, _, _ = BROKEN["bad identifier"]
    again = validate([_broken(tmp_path, old, new)])
    for fmt in ("text", "turtle", "json", "junit", "github"):
        assert render(again, fmt) == render(broken_report, fmt)


def test_validate_the_store_via_cli(built_store, store_report):
    r = _main("validate", "--store", str(built_store), "--format", "json")
    assert r.exit_code == (1 if store_report.fails() else 0), r.output
    assert json.loads(r.stdout)["counts"]["violation"] == store_report.count(Severity.VIOLATION)


def test_command_is_documented():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "validation.md").read_text(encoding="utf-8")
    for word in ("kg validate", "--severity", "--engine", "--format", "--catalog"):
        assert word in doc


def test_planned_queries_find_what_the_plain_ones_find(built_store):
    """The rewritten SPARQL-based constraints, the shared count and value queries and the description of
    focus nodes from its parts give what the straightforward queries give, on the built report."""
    from kg import validate as v
    from kg.store import open_store

    store = open_store(built_store, read_only=True)
    sh = v.load_shapes(None)
    focus_of = {}
    for shape in sh.shapes:
        for comp, param in shape.constraints:
            if comp != "SPARQL" or shape.deactivated or not shape.targets:
                continue
            focus = v._focus_pattern(shape, lambda c: (c,))
            prefixes, select = param
            inner = select.replace("$this", "?this").replace("$PATH", shape.path or "")
            plain = f"{prefixes}SELECT DISTINCT ?this ?value WHERE {{ {focus} {{ {inner} }} }}"
            planned = v._plan_sparql(focus, prefixes, inner)
            rows = lambda q: sorted((str(r["this"]), str(r["value"])) for r in store.query(q, use_default_graph_as_union=True))  # noqa: E731
            assert rows(planned) == rows(plain), shape.iri
            focus_of[shape.iri] = planned != plain
    assert any(focus_of.values()), "some constraints are rewritten"

    nodes = sorted({str(r["x"]) for r in store.query(
        "SELECT ?x WHERE { { SELECT DISTINCT ?x WHERE { ?x a ?c } } }", use_default_graph_as_union=True)})[:600]
    nodes += sorted({str(r["x"]) for r in store.query(
        f"SELECT DISTINCT ?x WHERE {{ ?m <{v.KG}refersTo> ?x }}", use_default_graph_as_union=True)})
    old = {}
    for chunk in v._chunks(nodes, 100):
        for row in store.query(v._DESCRIBE % " ".join(chunk), use_default_graph_as_union=True):
            old[str(row["focus"])] = tuple(row[k].value if row[k] is not None else None for k in ("r", "s", "z"))
    assert v._where_by_parts(store, nodes, union=True) == old


def test_plan_keeps_queries_it_cannot_read():
    from kg.validate import _plan_sparql

    for inner in ("SELECT ?this (COUNT(?x) AS ?value) WHERE { ?this <p:x> ?x } GROUP BY ?this",
                  "SELECT ?this ?value WHERE { ?this <p:x>/<p:y> ?value }",
                  "SELECT ?this ?value WHERE { ?this <p:x> ?value } LIMIT 5",
                  "SELECT ?this ?value WHERE { OPTIONAL { ?this <p:x> ?value } }"):
        assert _plan_sparql("{F}", "", inner) == f"SELECT DISTINCT ?this ?value WHERE {{ {{F}} {{ {inner} }} }}"
    planned = _plan_sparql("{F}", "", "SELECT ?this ?value WHERE { ?this <p:x> ?value ; <p:y> ?y . FILTER(?y > 10) }")
    assert "{ SELECT ?this ?y WHERE { ?this <p:y> ?y } }" in planned and "FILTER(?y > 10)" in planned


def _per_shape_raw(store, union: bool) -> set:
    """The raw results of every shape's plans run one by one, as planned per shape (the reference for the
    grouped, probed and candidate plans of the engine)."""
    from kg import validate as v

    sh = v.load_shapes(None)
    subclass = {}

    def subclasses(c):
        if c not in subclass:
            q = f"SELECT DISTINCT ?c WHERE {{ ?c <{v.RDFS}subClassOf>* <{c}> }}"
            subclass[c] = tuple(sorted({r["c"].value for r in store.query(q, use_default_graph_as_union=union)
                                        if not str(r["c"]).startswith("_:")} | {c}))
        return subclass[c]

    raw = set()
    for shape in sh.shapes:
        if shape.deactivated or not shape.targets:
            continue
        for plan in v._queries(shape, subclasses):
            raw.update(v._raw_rows(shape, plan, store.query(plan[1], use_default_graph_as_union=union)))
    return raw


def test_grouped_plans_find_what_the_per_shape_plans_find(built_store, tmp_path):
    """Counts grouped by targets (with the exact recount of candidates over an sh:maxCount), value checks
    probed once per path, SPARQL constraints run without the focus nodes and checked afterwards: the same raw
    results as each shape's own queries, on the built report, on a store whose report graphs repeat and
    contradict each other, and on every invalid example."""
    import pyoxigraph as ox

    from kg import validate as v
    from kg.store import open_store

    sh = v.load_shapes(None)
    store = open_store(built_store, read_only=True)
    assert v._sparql_engine(store, sh, union=True) == _per_shape_raw(store, True)

    quads = [q for q in store.quads_for_pattern(None, None, None, None)]
    multi = ox.Store()
    kind = ox.NamedNode(v.KG + "kind")
    for g in ("https://g/1", "https://g/2"):
        multi.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(g)) for q in quads)
    changed = [ox.Quad(q.subject, q.predicate, ox.NamedNode(q.object.value + "-other"), ox.NamedNode("https://g/3"))
               for q in quads if q.predicate == kind][:5]
    assert changed
    multi.extend(changed)
    raw = v._sparql_engine(multi, sh, union=True)
    assert raw == _per_shape_raw(multi, True)
    assert {c for _s, _f, _v, c in raw} >= {"MaxCount", "In"}

    for path in sorted((EXAMPLES / "invalid").glob("*.ttl")):
        files = v.load_files([path])
        assert v._sparql_engine(files, sh, union=False) == _per_shape_raw(files, False), path.name
