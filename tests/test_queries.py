"""Canned queries: headers, ORDER BY, they run on the report, parameters are bound as terms."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.query import LocalStore, bind, get_query, list_queries, render, run_query, run_sparql
from kg.errors import UsageError

QUERIES = list_queries()


def test_at_least_twelve_queries_with_headers():
    assert len(QUERIES) >= 12
    for q in QUERIES:
        assert q.title and q.description, q.name
        for p in q.parameters:
            assert p.type in ("string", "iri", "integer") and p.example, (q.name, p)


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: q.name)
def test_every_query_parses_has_order_by_and_runs(q, built_store):
    assert re.search(r"\bORDER\s+BY\b", q.text, re.I), f"{q.name} has no ORDER BY"
    params = {p.name: p.example for p in q.parameters if p.required}
    result = run_query(q.name, LocalStore(built_store), params=params)
    assert result.variables
    for fmt in ("table", "csv", "tsv", "json", "xml"):
        assert render(result, fmt)


def _values(result, var):
    return [r[var]["value"] for r in result.rows if var in r]


def test_laws_for_organisation_by_abbreviation_name_and_iri(built_store, config):
    by_abbr = run_query("laws-for-organisation", LocalStore(built_store), params={"organisation": "TK"})
    by_name = run_query("laws-for-organisation", LocalStore(built_store), params={"organisation": "tweede kamer"})
    iri = f"{config.base_iri}/id/organisation/tweede-kamer"
    by_iri = run_query("laws-for-organisation", LocalStore(built_store), params={"organisation": iri})
    assert by_abbr.rows and by_abbr.rows == by_name.rows == by_iri.rows
    assert all(r["organisationIri"]["value"] == iri for r in by_abbr.rows)
    # every evidence sentence really is in the report
    from conftest import REPORT

    text = REPORT.read_text(encoding="utf-8")
    assert all(s in text for s in _values(by_abbr, "sentenceText"))


def test_kamerstukken_lists_every_cited_paper(built_store):
    gold = json.loads(open("tests/gold/jenv-jaarverslag-2024-beleidsverslag.json", encoding="utf-8").read())
    expected = {e["id"] for e in gold["entities"] if e["kind"] == "kamerstuk"}
    got = set(_values(run_query("kamerstukken", LocalStore(built_store)), "identifier"))
    assert got == expected
    only = set(_values(run_query("kamerstukken", LocalStore(built_store), params={"section": "3.1.4"}), "identifier"))
    assert only and only < got


def test_missing_required_parameter_and_unknown_names_are_usage_errors():
    with pytest.raises(UsageError, match="needs --param organisation"):
        bind(get_query("laws-for-organisation"), {})
    with pytest.raises(UsageError, match="no parameter"):
        bind(get_query("laws-for-organisation"), {"organisation": "x", "nope": "y"})
    with pytest.raises(UsageError, match="no canned query"):
        get_query("does-not-exist")


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=40))
def test_hostile_parameter_values_are_only_names(value):
    """Whatever the value, the bound query parses and the value is one literal; the query is unchanged."""
    import pyoxigraph as ox

    q = get_query("laws-for-organisation")
    text = bind(q, {"organisation": value})
    assert text.replace(text[text.index("VALUES"): text.index("\n", text.index("VALUES"))], "") .count("DROP") == q.text.count("DROP")
    store = ox.Store()
    list(store.query(text))  # parses and runs: the value never escapes its literal


def test_injection_attempt_matches_nothing(built_store):
    r = run_query("laws-for-organisation", LocalStore(built_store), params={"organisation": 'TK" } ; DROP ALL ; #'})
    assert r.rows == ()


def test_sparql_select_and_ask(built_store):
    r = run_sparql("ASK { ?s ?p ?o }", LocalStore(built_store))
    assert r.rows[0]["boolean"]["value"] == "true"
    with pytest.raises(UsageError, match="syntax"):
        run_sparql("SELEC nothing", LocalStore(built_store))
