"""The same round trip against Virtuoso: its graph store endpoint (digest auth) and its SPARQL endpoint."""

from __future__ import annotations

import pytest
from roundtrip_common import CHECK_QUERIES, PREFIXES, canonical, virtuoso_server

from kg.publish.engines import engine_for, local_select
from kg.publish.gsp import Credentials, GraphStoreClient, publish
from kg.store import graph_names, open_store

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from virtuoso_server(tmp_path_factory)


@pytest.fixture(scope="module")
def published(server, built_store):
    url, user, password = server
    creds = Credentials(user, password)
    engine = engine_for(url, kind="virtuoso", authenticated=True)
    first = publish(built_store, engine=engine, credentials=creds)
    again = publish(built_store, engine=engine, credentials=creds)  # replace semantics: nothing changes
    return engine, creds, first, again


def test_publish_twice_changes_nothing(published) -> None:
    _, _, first, again = published
    assert first.graphs == again.graphs
    assert all(g.ok and g.remote_triples > 0 for g in again.graphs)


def test_engine_is_detected_from_the_server_header(server) -> None:
    from kg.publish.gsp import probe_engine

    url, _, _ = server
    assert probe_engine(f"{url}/sparql", authenticated=True).name == "virtuoso"


@pytest.mark.parametrize("name", sorted(CHECK_QUERIES))
def test_answers_match_the_embedded_store(published, built_store, name) -> None:
    engine, creds, _, _ = published
    store = open_store(built_store, read_only=True)
    query = PREFIXES + CHECK_QUERIES[name]
    remote = GraphStoreClient(engine, credentials=creds).select(query, graphs=graph_names(store))
    assert canonical(remote) == canonical(local_select(store, query))
