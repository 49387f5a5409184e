"""Publish the report's graph to a real Oxigraph server and get the same answers as the embedded store."""

from __future__ import annotations

import json

import pytest
from roundtrip_common import CHECK_QUERIES, PREFIXES, canned_queries, canonical, oxigraph_server

from kg.publish.engines import engine_for, local_select
from kg.publish.gsp import GraphStoreClient, publish
from kg.store import graph_names, open_store

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from oxigraph_server(tmp_path_factory)


@pytest.fixture(scope="module")
def published(server, built_store):
    engine = engine_for(server, kind="oxigraph")
    # The CI server is shared by every test that publishes: start from an empty server, so that the
    # server holds exactly the report's graphs and the answers can be compared with the local store.
    GraphStoreClient(engine).update("DROP SILENT ALL", what="clearing the test server")
    result = publish(built_store, engine=engine)
    return engine, result


def test_publish_verifies_every_graph(published, built_store) -> None:
    _, result = published
    store = open_store(built_store, read_only=True)
    assert [g.iri for g in result.graphs] == graph_names(store)
    assert all(g.ok and g.remote_triples > 0 for g in result.graphs)
    assert result.staged


@pytest.mark.parametrize("name", sorted(CHECK_QUERIES))
def test_check_query_answers_match_the_embedded_store(published, built_store, name) -> None:
    engine, _ = published
    store = open_store(built_store, read_only=True)
    query = PREFIXES + CHECK_QUERIES[name]
    local = local_select(store, query)
    remote = GraphStoreClient(engine).select(query, graphs=graph_names(store))
    assert canonical(remote) == canonical(local)


def test_canned_queries_through_kg_query_endpoint(published, built_store) -> None:
    """Every canned query, through `kg query NAME` locally and `kg query NAME --endpoint URL`."""
    from click.testing import CliRunner

    from kg.cli import cli

    engine, _ = published
    names = canned_queries()
    assert len(names) >= 12, "the canned queries are found"
    runner = CliRunner()
    for entry in names:
        name = getattr(entry, "name", entry)
        params = [a for p in getattr(entry, "parameters", ()) for a in ("--param", f"{p.name}={p.example}")]
        local = runner.invoke(cli, ["query", name, *params, "--store", str(built_store), "-f", "json"])
        remote = runner.invoke(cli, ["query", name, *params, "--endpoint", engine.query_url, "-f", "json"])
        assert local.exit_code == 0, local.output
        assert remote.exit_code == 0, remote.output
        # Same variables and the same rows; rows that tie under ORDER BY may come back in either order
        # (SPARQL leaves that open), so rows are compared as a sorted list.
        lj, rj = json.loads(local.stdout), json.loads(remote.stdout)
        assert rj["head"] == lj["head"], name
        assert canonical(rj["results"]["bindings"]) == canonical(lj["results"]["bindings"]), name
