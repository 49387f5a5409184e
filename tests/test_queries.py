"""Canned queries: headers, parsing, ORDER BY, they run on the report, parameters are bound as RDF terms,
renderers write the SPARQL 1.1 results formats, and the key answers agree with the gold annotation."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import InputError, UsageError
from kg.query import (
    PARAM_TYPES, CannedQuery, LocalStore, Parameter, QueryResult, bind, bind_values, get_query, list_queries,
    literal, render, run_query, run_sparql, where_position,
)

QUERIES = list_queries()
GOLD = json.loads((Path(__file__).parent / "gold" / "jenv-jaarverslag-2024-beleidsverslag.json").read_text("utf-8"))
REQUIRED_QUESTIONS = {
    "laws-for-organisation", "organisations-for-law", "kamerstukken", "programmes-for-organisation",
    "organisations-together", "eu-directives-implemented", "bills-and-stages", "timeline", "figures",
    "mentions-per-section", "entities-without-identifier",
}


def slug(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def values(result: QueryResult, var: str) -> list[str]:
    return [r[var]["value"] for r in result.rows if var in r]


# --- the catalogue ----------------------------------------------------------------------------------

def test_at_least_twelve_questions_with_headers():
    names = {q.name for q in QUERIES}
    assert len(QUERIES) >= 12
    assert REQUIRED_QUESTIONS <= names, REQUIRED_QUESTIONS - names
    for q in QUERIES:
        assert q.title and q.description, q.name
        for p in q.parameters:
            assert p.type in PARAM_TYPES and p.example, (q.name, p)


def test_queries_folder_has_only_queries():
    folder = QUERIES[0].path.parent
    assert not (folder / ".gitkeep").exists()


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: q.name)
def test_every_query_parses_with_and_without_optional_parameters(q):
    assert re.search(r"\bORDER\s+BY\b", q.text, re.I), f"{q.name} has no ORDER BY"
    required = {p.name: p.example for p in q.parameters if p.required}
    every = {p.name: p.example for p in q.parameters}
    for params in (required, every):
        text = bind(q, params)
        list(ox.Store().query(text))  # parses (and runs on an empty store)


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: q.name)
def test_every_query_runs_on_the_report_in_every_format(q, built_store):
    params = {p.name: p.example for p in q.parameters if p.required}
    result = run_query(q.name, LocalStore(built_store), params=params)
    assert result.variables
    for fmt in ("table", "csv", "tsv", "json", "xml"):
        assert render(result, fmt) == render(result, fmt)  # deterministic bytes


def test_every_example_answers_something(built_store):
    """Each question asked with all its examples has an answer on the report (examples are realistic)."""
    empty = []
    for q in QUERIES:
        params = {p.name: p.example for p in q.parameters}
        if not run_query(q.name, LocalStore(built_store), params=params).rows:
            empty.append(q.name)
    assert not empty


def test_header_errors_name_the_file_and_line(tmp_path, monkeypatch):
    from kg import query as mod

    bad = tmp_path / "bad.rq"
    bad.write_text("# title: x\n# param: who | person | x | required\nSELECT * WHERE {} ORDER BY ?x\n", "utf-8")
    with pytest.raises(InputError, match=r"bad\.rq:2"):
        mod._parse_header(bad)


# --- binding ------------------------------------------------------------------------------------------

def test_values_go_into_the_outermost_where_not_into_comments_strings_or_iris():
    text = ('# a WHERE { in a comment\nPREFIX ex: <http://e/WHERE>\nSELECT ?x (" WHERE {" AS ?s)\n'
            "WHERE {\n  ?x ?p ?o . { SELECT ?o WHERE { ?o ?q ?r } }\n} ORDER BY ?x")
    pos = where_position(text)
    assert text[:pos].endswith("WHERE {") and text[:pos].count("\n") == 3
    assert where_position("SELECT * { ?s ?p ?o }") == len("SELECT * {")
    assert where_position("ASK{?s ?p ?o}") == len("ASK{")
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert construct[: where_position(construct)].endswith("WHERE {")


def test_binding_keeps_line_numbers():
    q = get_query("laws-for-organisation")
    bound = bind(q, {"organisation": "DJI"})
    assert bound.count("\n") == q.text.count("\n")


def test_literal_escapes_per_the_grammar():
    assert literal('a"b\\c\nd\re\tf') == r'"a\"b\\c\nd\re\tf"'


def test_missing_and_unknown_parameters_are_usage_errors():
    q = get_query("laws-for-organisation")
    with pytest.raises(UsageError, match="needs --param organisation"):
        bind(q, {})
    with pytest.raises(UsageError, match="has no parameter 'nope'"):
        bind(q, {"organisation": "x", "nope": "y"})
    with pytest.raises(UsageError, match="no canned query named 'does-not-exist'") as err:
        get_query("does-not-exist")
    assert "laws-for-organisation" in str(err.value)


_IRI_Q = CannedQuery("t", "t", "t", (Parameter("x", "iri", "http://e/", True), Parameter("n", "integer", "1", False)),
                     "SELECT ?x WHERE { } ORDER BY ?x", Path("t.rq"))


@pytest.mark.parametrize("bad", ["not an iri", "http://e/> } DROP ALL #", "http://e/\"x", "relative/path", "",
                                 "http://e/{x}", "http://e/ x"])
def test_iri_parameters_are_validated(bad):
    with pytest.raises(UsageError, match="absolute IRI"):
        bind(_IRI_Q, {"x": bad})


@pytest.mark.parametrize("bad", ["1.5", "1 } DROP ALL", "", "one"])
def test_integer_parameters_are_validated(bad):
    with pytest.raises(UsageError, match="whole number"):
        bind(_IRI_Q, {"x": "http://e/", "n": bad})


HOSTILE = ['DJI" } ; DROP ALL ; #', "DJI' } DROP ALL", 'x"""y', "\\", '\\"', "\\u0022 } DROP ALL #",
           "}}}}", "# comment", "\n} INSERT DATA { <a:b> <a:b> <a:b> }", "?organisation", "UNDEF", ") (", "\x00"]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=60), st.sampled_from(HOSTILE)))
def test_any_string_is_bound_as_exactly_that_literal(value):
    """Whatever the value, the query still parses, and the variable holds exactly the value as a literal."""
    text = bind_values("SELECT ?v WHERE { BIND(1 AS ?one) } ORDER BY ?v", ["?v"], [literal(value)])
    rows = list(ox.Store().query(text))
    assert len(rows) == 1
    assert rows[0]["v"] == ox.Literal(value)


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE)))
def test_hostile_values_in_a_canned_query_match_nothing_and_change_nothing(value):
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    text = bind(get_query("laws-for-organisation"), {"organisation": value})
    assert list(store.query(text, use_default_graph_as_union=True)) == []
    assert len(store) == 1


def test_injection_attempt_is_a_name_that_matches_nothing(built_store):
    r = run_query("laws-for-organisation", LocalStore(built_store), params={"organisation": 'DJI" } ; DROP ALL ; #'})
    assert r.rows == ()
    assert run_query("laws-for-organisation", LocalStore(built_store), params={"organisation": "DJI"}).rows


# --- ad-hoc queries and errors --------------------------------------------------------------------------

def test_sparql_select_ask_and_syntax_error(built_store):
    assert run_sparql("ASK { ?s ?p ?o }", LocalStore(built_store)).boolean is True
    r = run_sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", LocalStore(built_store))
    assert int(r.rows[0]["n"]["value"]) > 1000
    with pytest.raises(UsageError, match=r"^q\.rq:2:\d+: SPARQL syntax error"):
        run_sparql("SELECT ?x\nWHERE { ?x ?y . }", LocalStore(built_store), source="q.rq")


def test_run_query_takes_a_query_text_with_parameters(built_store):
    r = run_query("SELECT ?n WHERE { ?e <http://www.w3.org/2004/02/skos/core#altLabel> ?n . FILTER(STR(?n) = ?a) }"
                  " ORDER BY ?n", LocalStore(built_store), params={"a": "DJI"})
    assert values(r, "n") == ["DJI"]


def test_no_store_is_an_input_error(tmp_path):
    from kg.errors import StoreError

    with pytest.raises(StoreError, match="no kg store"):
        run_query("timeline", LocalStore(tmp_path / "nothing"))


# --- renderers ------------------------------------------------------------------------------------------

SAMPLE = QueryResult(
    ("s", "label", "n", "missing"),
    (
        {"s": {"type": "uri", "value": "https://kg.example.org/id/legal/opiumwet"},
         "label": {"type": "literal", "value": 'Opium"wet, a\tb\nc', "xml:lang": "nl"},
         "n": {"type": "literal", "value": "3", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}},
        {"s": {"type": "bnode", "value": "b0"}, "label": {"type": "literal", "value": "<&>"}},
    ),
)


def test_json_is_sparql_results_json():
    data = json.loads(render(SAMPLE, "json"))
    assert data["head"]["vars"] == ["s", "label", "n", "missing"]
    assert data["results"]["bindings"][0]["label"] == {"type": "literal", "value": 'Opium"wet, a\tb\nc', "xml:lang": "nl"}
    assert "missing" not in data["results"]["bindings"][0]
    parsed = ox.parse_query_results(render(SAMPLE, "json"), format=ox.QueryResultsFormat.JSON)
    assert [str(v) for v in parsed.variables] == ["?s", "?label", "?n", "?missing"]
    assert json.loads(render(QueryResult((), (), True), "json")) == {"head": {}, "boolean": True}


def test_xml_is_sparql_results_xml():
    text = render(SAMPLE, "xml")
    ns = "{http://www.w3.org/2005/sparql-results#}"
    root = ET.fromstring(text.encode())
    assert [v.get("name") for v in root.iter(ns + "variable")] == ["s", "label", "n", "missing"]
    lits = [e.text for e in root.iter(ns + "literal")]
    assert 'Opium"wet, a\tb\nc' in lits and "<&>" in lits
    rows = list(ox.parse_query_results(text, format=ox.QueryResultsFormat.XML))
    assert rows[0]["label"] == ox.Literal('Opium"wet, a\tb\nc', language="nl")
    assert ET.fromstring(render(QueryResult((), (), False), "xml")).find(ns + "boolean").text == "false"


def test_csv_and_tsv_follow_the_spec():
    text = render(SAMPLE, "csv")
    assert text.startswith("s,label,n,missing\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["https://kg.example.org/id/legal/opiumwet", 'Opium"wet, a\tb\nc', "3", ""]
    tsv = render(SAMPLE, "tsv").splitlines()
    assert tsv[0] == "?s\t?label\t?n\t?missing"
    assert tsv[1].split("\t") == ["<https://kg.example.org/id/legal/opiumwet>", r'"Opium\"wet, a\tb\nc"@nl',
                                  '"3"^^<http://www.w3.org/2001/XMLSchema#integer>', ""]
    parsed = list(ox.parse_query_results(render(SAMPLE, "tsv"), format=ox.QueryResultsFormat.TSV))
    assert parsed[0]["n"] == ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def test_table_is_aligned_and_counts_rows():
    lines = render(SAMPLE, "table").splitlines()
    assert lines[0].split() == ["s", "label", "n", "missing"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].startswith("</id/legal/opiumwet>")
    assert lines[-1] == "(2 rows)"
    assert render(QueryResult((), (), True), "table") == "yes\n"


def test_table_writes_iris_short_with_the_longest_namespace_that_fits():
    uri = lambda v: {"type": "uri", "value": v}  # noqa: E731
    res = QueryResult(("x",), tuple({"x": uri(v)} for v in (
        "https://kg.example.org/def/kind/bill-pending",  # kgk: (also under no shorter namespace)
        "https://kg.example.org/def/kg#Bill",
        "http://www.w3.org/2001/XMLSchema#integer",
        "https://kg.example.org/def/kind/a/b",  # a local name with a slash: not prefixed
        "https://other.example/id/x/y",
        "urn:x-kg:none",
    )))
    cells = [line.strip() for line in render(res, "table").splitlines()[2:-1]]
    assert cells == ["kgk:bill-pending", "kg:Bill", "xsd:integer", "<https://kg.example.org/def/kind/a/b>",
                     "</id/x/y>", "<urn:x-kg:none>"]


def test_unknown_format():
    with pytest.raises(UsageError, match="unknown format"):
        render(SAMPLE, "yaml")


# --- answers on the report, against the graph and the gold annotation --------------------------------

def _gold_pairs() -> set[tuple[str, str, int]]:
    return {(slug(p["organisation"]), slug(p["legal"]), p["line"]) for p in GOLD["org_law_pairs"]}


def test_laws_for_dji_are_the_gold_answer(built_store):
    r = run_query("laws-for-organisation", LocalStore(built_store), params={"organisation": "DJI"})
    got = {(slug(r["legalLabel"]["value"]), int(r["line"]["value"])) for r in r.rows}
    gold = {(legal, line) for org, legal, line in _gold_pairs() if org == "dienst-justitiele-inrichtingen"}
    assert got == gold
    from conftest import REPORT

    text = REPORT.read_text(encoding="utf-8")
    assert all(s in text for s in values(r, "sentenceText"))


def test_organisation_by_abbreviation_name_or_iri_gives_one_answer(built_store, config):
    store = LocalStore(built_store)
    by_abbr = run_query("laws-for-organisation", store, params={"organisation": "DJI"})
    by_name = run_query("laws-for-organisation", store, params={"organisation": "dienst justitiële INRICHTINGEN"})
    iri = values(by_abbr, "organisationIri")[0]
    assert iri.startswith(config.base_iri)
    by_iri = run_query("laws-for-organisation", store, params={"organisation": iri})
    assert by_abbr.rows and by_abbr.rows == by_name.rows == by_iri.rows


def test_laws_for_organisation_is_exactly_paragraph_co_mention(built_store, report_graph):
    """The query's pairs are exactly the (organisation, instrument, line) co-mentions in the graph."""
    KG = "https://kg.example.org/def/kg#"
    q = f"""PREFIX kg: <{KG}> SELECT DISTINCT ?o ?l ?line WHERE {{
      ?mo kg:refersTo ?o ; kg:inParagraph ?p . ?o a kg:Organisation .
      ?ml kg:refersTo ?l ; kg:inParagraph ?p . ?l a ?t . ?p kg:line ?line .
      FILTER(?t IN (kg:Law, kg:Bill, kg:Code, kg:GeneralAdministrativeOrder, kg:EURegulation, kg:EUDirective, kg:EUAct)) }}"""
    expected = {(str(o), str(law), int(line)) for o, law, line in report_graph.query(q)}
    got = set()
    for o in {e for e, _, _ in expected}:
        r = run_query("laws-for-organisation", LocalStore(built_store), params={"organisation": o})
        got |= {(o, row["legal"]["value"], int(row["line"]["value"])) for row in r.rows}
    assert got == expected


def test_org_law_pairs_against_the_gold(built_store):
    """Precision and recall of (organisation, instrument, line) over every gold organisation (floors that
    rise with the extractors; the query itself is checked exactly in the test above)."""
    gold = _gold_pairs()
    got = set()
    for e in GOLD["entities"]:
        if e["kind"] == "organisation":
            r = run_query("laws-for-organisation", LocalStore(built_store), params={"organisation": e["label"]})
            got |= {(slug(e["label"]), slug(row["legalLabel"]["value"]), int(row["line"]["value"])) for row in r.rows}
    tp = len(gold & got)
    assert tp / len(got) >= 0.75 and tp / len(gold) >= 0.45, (tp, len(got), len(gold))


def test_organisations_for_law_mirrors_laws_for_organisation(built_store):
    store = LocalStore(built_store)
    r = run_query("organisations-for-law", store, params={"legal": "Penitentiaire beginselenwet"})
    assert "Dienst Justitiële Inrichtingen" in values(r, "organisationLabel")
    assert set(values(r, "line")) == {"83"}


def test_kamerstukken_lists_every_cited_paper(built_store):
    expected = {e["id"] for e in GOLD["entities"] if e["kind"] == "kamerstuk"}
    r = run_query("kamerstukken", LocalStore(built_store))
    assert set(values(r, "identifier")) == expected
    assert all(p == f"https://zoek.officielebekendmakingen.nl/{i}.html"
               for p, i in zip(values(r, "page"), values(r, "identifier")))
    only = run_query("kamerstukken", LocalStore(built_store), params={"section": "3.1.4"})
    assert only.rows and set(values(only, "identifier")) < expected
    assert set(values(only, "sectionNumber")) == {"3.1.4"}


def test_eu_directives_and_their_implementing_laws(built_store):
    r = run_query("eu-directives-implemented", LocalStore(built_store))
    got = {(slug(row["dutchLabel"]["value"]), slug(row["euActLabel"]["value"])) for row in r.rows}
    assert ("wet-weerbaarheid-kritieke-entiteiten", "cer-richtlijn") in got
    gold = {(slug(p["law"]), slug(p["eu_act"])) for p in GOLD["implements"]}
    assert len(got & gold) / len(got) >= 0.5  # a floor that rises with the extractors


def test_timeline_is_in_date_order_and_within_bounds(built_store):
    r = run_query("timeline", LocalStore(built_store))
    dates = values(r, "date")
    assert dates and dates == sorted(dates)
    gold_dates = {e["date"] for e in GOLD["events"]}
    assert len(set(dates) & gold_dates) / len(set(dates)) >= 0.6
    part = run_query("timeline", LocalStore(built_store), params={"from": "2024-07", "until": "2024-09"})
    assert part.rows and all("2024-07" <= d[:7] <= "2024-09" for d in values(part, "date"))


def test_bills_and_stages_cover_the_bills_and_date_their_stages(built_store, report_graph):
    r = run_query("bills-and-stages", LocalStore(built_store))
    KG = "https://kg.example.org/def/kg#"
    bills = {str(b) for (b,) in report_graph.query(f"PREFIX kg: <{KG}> SELECT ?b WHERE {{ ?b a kg:Bill }}")}
    assert bills and bills <= set(values(r, "legal"))
    for row in r.rows:
        assert (row["date"]["value"] != "") == (row["stage"]["value"] != "")
    # against the gold: the pending bills named by any of their forms (a floor that rises with the extractors)
    pending = [{slug(f) for f in [e["label"], *e["forms"]]} for e in GOLD["entities"]
               if e["kind"] == "legal" and e.get("status") == "bill-pending"]
    got = {slug(v) for v in values(r, "label")}
    assert pending and sum(bool(forms & got) for forms in pending) / len(pending) >= 0.3


def test_figures_by_topic(built_store):
    every = run_query("figures", LocalStore(built_store))
    some = run_query("figures", LocalStore(built_store), params={"topic": "opvang"})
    assert 0 < len(some.rows) < len(every.rows)
    gold_values = {float(f["value"]) for f in GOLD["figures"]}
    got = {float(v) for v in values(every, "value")}
    assert len(got & gold_values) / len(got) >= 0.6


def test_mentions_per_section_add_up(built_store, report_graph):
    r = run_query("mentions-per-section", LocalStore(built_store))
    total = sum(int(v) for v in values(r, "mentions"))
    KG = "https://kg.example.org/def/kg#"
    n = report_graph.query(f"""PREFIX kg: <{KG}> SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{
      ?m a kg:Mention ; kg:refersTo ?e ; kg:inSection ?s . ?e a ?t . FILTER(?t != kg:Kamerstuk) }}""")
    assert total == int(next(iter(n))[0])
    assert {"3.1.1", "3.1.6"} <= set(values(r, "sectionNumber"))


def test_entities_without_identifier_have_none(built_store, report_graph):
    r = run_query("entities-without-identifier", LocalStore(built_store))
    from rdflib import URIRef

    KG = "https://kg.example.org/def/kg#"
    for iri in values(r, "entity"):
        for p in ("bwbId", "celex"):
            assert (URIRef(iri), URIRef(KG + p), None) not in report_graph
        assert (URIRef(iri), URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"), None) not in report_graph


def test_mentions_of_entity_are_exact_text(built_store):
    from conftest import REPORT

    text = REPORT.read_text(encoding="utf-8")
    r = run_query("mentions-of-entity", LocalStore(built_store), params={"entity": "COA"})
    assert r.rows
    for row in r.rows:
        start, form = int(row["start"]["value"]), row["surfaceForm"]["value"]
        assert text[start : start + len(form)] == form


# --- the union of several reports' graphs ---------------------------------------------------------------

@pytest.fixture(scope="module")
def union_store(tmp_path_factory, config, report_path) -> Path:
    """The report twice (under two names: every entity's type and labels in two graphs) and two synthetic
    reports from bench/make_corpus.py, in one store."""
    import shutil
    import sys

    from kg.build import build

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "bench"))
    try:
        import make_corpus
    finally:
        sys.path.remove(str(root / "bench"))
    src = tmp_path_factory.mktemp("union-reports")
    paths = [report_path, Path(shutil.copy(report_path, src / "copy-of-the-report.txt"))]
    paths += make_corpus.make_corpus(2, src / "synthetic", seed=3)
    store = tmp_path_factory.mktemp("union") / "kg-store"
    result = build(paths, config=config, store_dir=store, jobs=1)
    assert not result.errors, result.errors
    return store


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: q.name)
def test_no_duplicate_rows_on_the_union_of_several_reports(q, union_store, built_store):
    """An entity described in several report graphs is one entity: no row comes twice, and a question
    about the report asked of the union still has the report's answers among its own."""
    for params in ({p.name: p.example for p in q.parameters if p.required}, {p.name: p.example for p in q.parameters}):
        rows = run_query(q.name, LocalStore(union_store), params=params).rows
        keys = [json.dumps(r, sort_keys=True) for r in rows]
        assert len(keys) == len(set(keys)), f"{q.name} {params}: duplicate rows"
        if "COUNT(" not in q.text:  # counts grow with the reports; listed rows must all still be there
            single = run_query(q.name, LocalStore(built_store), params=params).rows
            assert {json.dumps(r, sort_keys=True) for r in single} <= set(keys), f"{q.name} {params}"


# --- looking a name up by kg:nameKey ------------------------------------------------------------------------

def test_name_keys_are_the_lower_cased_names(union_store):
    """kg:nameKey holds, in each report graph, exactly the entity's labels (skos:prefLabel, skos:altLabel,
    which include kg:abbreviation) in lower case: an index lookup on it finds what LCASE(?label) = ... finds."""
    store = ox.Store.read_only(str(union_store))
    q = """PREFIX kg: <https://kg.example.org/def/kg#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?g ?e ?v WHERE { GRAPH ?g { ?e %s ?v } }"""
    keys = {(str(r["g"]), str(r["e"]), r["v"].value) for r in store.query(q % "kg:nameKey")}
    names = {(str(r["g"]), str(r["e"]), r["v"].value.lower())
             for r in store.query(q % "skos:prefLabel|skos:altLabel|kg:abbreviation")}
    assert keys and keys == names


def _scan_resolution(q: CannedQuery) -> CannedQuery:
    """The query with its name parameter resolved the old way, by comparing every label in lower case."""
    p = next(p for p in q.parameters if p.type == "name")
    props = "skos:prefLabel|skos:altLabel|kg:abbreviation" + ("|dcterms:identifier" if "dcterms:identifier" in q.text else "")
    key, as_iri = f"?{p.name}Key", f"?{p.name}AsIri"
    text = q.text.replace(f"kg:nameKey {key}", f"{props} ?scanName . FILTER(LCASE(STR(?scanName)) = {key})")
    assert text != q.text
    return CannedQuery(q.name, q.title, q.description, q.parameters, text, q.path)


NAME_QUERIES = [q for q in QUERIES if any(p.type == "name" for p in q.parameters)]


@pytest.mark.parametrize("q", NAME_QUERIES, ids=lambda q: q.name)
@pytest.mark.parametrize("name", ["DJI", "dji", "Dienst Justitiële Inrichtingen", "POLITIE", "om", "COA",
                                  "Penitentiaire beginselenwet", "pbw", "Wet justitiële en strafvorderlijke gegevens",
                                  "nothing at all", 'DJI" } ; #'])
def test_name_lookup_gives_what_comparing_every_label_gives(q, name, union_store):
    """The same answer as the plain (slow) form of the query that compares every label in lower case."""
    p = next(p for p in q.parameters if p.type == "name")
    store = ox.Store.read_only(str(union_store))

    def answer(query):
        return [tuple(map(str, row)) for row in store.query(bind(query, {p.name: name}), use_default_graph_as_union=True)]

    fast, slow = answer(q), answer(_scan_resolution(q))
    assert fast == slow


def test_name_parameters_bind_the_key_and_the_iri():
    q = get_query("laws-for-organisation")
    assert 'VALUES (?organisation ?organisationKey ?organisationAsIri) { ("DJI" "dji" <urn:x-kg:not-an-iri>) }' \
        in bind(q, {"organisation": "DJI"})
    iri = "https://kg.example.org/id/organisation/x"
    assert f'("{iri}" "{iri}" <{iri}>)' in bind(q, {"organisation": iri})
    q = get_query("organisations-together")
    assert "VALUES (?organisation ?organisationKey ?organisationAsIri) { (UNDEF UNDEF UNDEF) }" in bind(q, {})


# --- portable to other SPARQL engines -----------------------------------------------------------------------

def _order_by(q: CannedQuery) -> str:
    i = q.text.rfind("\nORDER BY")
    assert i >= 0, q.name
    return "\n".join(line.split("#")[0] for line in q.text[i + 1:].splitlines())


def _sort_keys(order: str) -> list[str]:
    """The keys of an ORDER BY clause, split at the top level."""
    keys, depth, cur, in_str = [], 0, "", False
    for c in order.removeprefix("ORDER BY").strip() + " ":
        if c == '"':
            in_str = not in_str
        elif not in_str and c in "()":
            depth += 1 if c == "(" else -1
        if c.isspace() and depth == 0 and not in_str:
            if cur:
                keys.append(cur)
            cur = ""
        else:
            cur += c
    return keys


COMPUTED_KEYS = [(q.name, k) for q in QUERIES for k in _sort_keys(_order_by(q))
                 if not re.fullmatch(r"(?:(?:ASC|DESC)\()?\?\w+\)?", k)]


def test_the_queries_have_computed_sort_keys():
    assert len(COMPUTED_KEYS) >= 10 and all(k.count("(") == k.count(")") for _, k in COMPUTED_KEYS), COMPUTED_KEYS


@pytest.mark.parametrize(("name", "key"), COMPUTED_KEYS, ids=[f"{n}:{k[:40]}" for n, k in COMPUTED_KEYS])
def test_every_computed_sort_key_sorts_a_row_whose_values_are_unbound(name, key):
    """The queries sort on computed keys (docs/queries.md), which must be defined whatever is unbound: SPARQL
    sorts an erroneous key first, but rdflib (7.6) then drops every row of the answer or fails comparing None."""
    import rdflib

    names = list(dict.fromkeys(re.findall(r"\?(\w+)", key)))
    head = " ".join(f"?{n}" for n in ["kgRow", *names])
    rows = [["0", *(['"a"'] * len(names))], ["1", *(["UNDEF"] * len(names))], ["2", *(['"b"'] * len(names))]]
    text = f"SELECT ?kgRow WHERE {{ VALUES ({head}) {{ {' '.join('(' + ' '.join(r) + ')' for r in rows)} }} }} ORDER BY {key}"
    got = [str(r[0]) for r in rdflib.Graph().query(text)]
    assert sorted(got) == ["0", "1", "2"], f"{name}: rdflib gave rows {got} for ORDER BY {key}"
    assert [str(r["kgRow"].value) for r in ox.Store().query(text)] == got, name  # and both engines agree on the order


AGGREGATES = [q for q in QUERIES if not q.parameters or all(not p.required for p in q.parameters)]


@pytest.fixture(scope="module")
def rdflib_dataset(built_store):
    import rdflib

    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=ox.Store.read_only(str(built_store)).dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    return ds


@pytest.mark.parametrize("q", [q for q in QUERIES if q.name in {"bills-and-stages", "eu-directives-implemented",
                                                                "timeline", "figures", "mentions-per-section",
                                                                "entities-without-identifier", "kamerstukken"}],
                         ids=lambda q: q.name)
def test_the_aggregates_answer_the_same_on_rdflib(q, built_store, rdflib_dataset):
    """The same rows from rdflib's engine as from the store's, on the report, with the examples bound."""
    text = bind(q, {p.name: p.example for p in q.parameters})
    ours = sorted(json.dumps(r, sort_keys=True) for r in run_query(q.name, LocalStore(built_store),
                  params={p.name: p.example for p in q.parameters}).rows)
    res = rdflib_dataset.query(text)
    theirs = sorted(json.dumps({str(v): {"value": str(row[v])} for v in res.vars if row[v] is not None}, sort_keys=True)
                    for row in res)
    strip = [json.dumps({k: {"value": v["value"]} for k, v in json.loads(r).items()}, sort_keys=True) for r in ours]
    assert sorted(strip) == theirs
