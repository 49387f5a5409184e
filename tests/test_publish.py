"""`kg publish`: replace semantics, no half-replaced graph on failure, retries, exit code 4, no secrets."""

from __future__ import annotations

import dataclasses
import http.server
import threading

import pytest
from conftest import ROOT, copy_report
from roundtrip_common import oxigraph_server

from kg.errors import EXIT_ENDPOINT, EndpointError
from kg.publish.engines import Engine, engine_for, normalise_binding
from kg.publish.gsp import Credentials, GraphStoreClient, publish

BASE = "https://publish-test.example.org"  # its own graphs, so a shared CI server is not disturbed


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from oxigraph_server(tmp_path_factory)


def _store(tmp_path, config, text_cut: int | None = None):
    from kg.build import build

    cfg = dataclasses.replace(config, base_iri=BASE)
    report = copy_report(tmp_path / "in")
    if text_cut:
        report.write_text(report.read_text(encoding="utf-8")[:text_cut], encoding="utf-8")
    store = tmp_path / "store"
    assert not build([report], config=cfg, store_dir=store, jobs=1).errors
    return store


def _graphs(client: GraphStoreClient) -> dict[str, int]:
    rows = client.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows if r["g"]["value"].startswith(BASE)}


def test_publish_twice_changes_nothing(server, tmp_path, config) -> None:
    store = _store(tmp_path, config)
    engine = engine_for(server, kind="oxigraph")
    client = GraphStoreClient(engine)
    first = publish(store, engine=engine)
    after_first = _graphs(client)
    second = publish(store, engine=engine)
    assert first.graphs == second.graphs
    assert _graphs(client) == after_first == {g.iri: g.local_triples for g in first.graphs}


def test_a_failed_swap_leaves_the_published_graphs_as_they_were(server, tmp_path, config, monkeypatch) -> None:
    engine = engine_for(server, kind="oxigraph")
    client = GraphStoreClient(engine)
    publish(_store(tmp_path / "a", config), engine=engine)
    before = _graphs(client)
    smaller = _store(tmp_path / "b", config, text_cut=20000)

    def fail(self, sparql, *, what):
        raise EndpointError(f"{what}: server went away")

    monkeypatch.setattr(GraphStoreClient, "update", fail)
    with pytest.raises(EndpointError) as err:
        publish(smaller, engine=engine)
    assert err.value.exit_code == EXIT_ENDPOINT
    assert _graphs(client) == before  # nothing half-replaced, no staging graph left behind


def test_publish_cli_reports_counts(server, tmp_path, config) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    store = _store(tmp_path, config)
    r = CliRunner().invoke(cli, ["publish", "--store", str(store), "--endpoint", server])
    assert r.exit_code == 0, r.output
    iri, count = r.stdout.strip().split("\t")
    assert iri.startswith(f"{BASE}/graph/") and int(count) > 1000
    assert "triples verified" in r.stderr


def test_an_unknown_graph_is_a_usage_error(server, tmp_path, config) -> None:
    from kg.errors import UsageError

    with pytest.raises(UsageError, match="no graph"):
        publish(_store(tmp_path, config), engine=engine_for(server, kind="oxigraph"), graphs=["https://x.org/g"])


class _Flaky(http.server.BaseHTTPRequestHandler):
    script: list[int] = []
    seen: list[str] = []

    def _answer(self) -> None:
        self.seen.append(self.command)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        code = self.script.pop(0) if self.script else 204
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_POST = do_GET = do_DELETE = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def flaky():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    _Flaky.script, _Flaky.seen = [], []
    url = f"http://127.0.0.1:{srv.server_address[1]}"
    yield url
    srv.shutdown()
    srv.server_close()


def test_retries_5xx_with_backoff(flaky) -> None:
    _Flaky.script = [503, 502]
    waits: list[float] = []
    client = GraphStoreClient(engine_for(flaky, kind="oxigraph"), retries=3, backoff=0.5, sleep=waits.append)
    client.put_graph("https://x.org/g", b"")
    assert _Flaky.seen == ["PUT", "PUT", "PUT"] and waits == [0.5, 1.0]


def test_gives_up_after_the_retries_and_says_so(flaky) -> None:
    _Flaky.script = [503] * 10
    client = GraphStoreClient(engine_for(flaky, kind="oxigraph"), retries=2, sleep=lambda s: None)
    with pytest.raises(EndpointError, match="failed after 3 attempt"):
        client.put_graph("https://x.org/g", b"")


def test_updates_are_not_retried(flaky) -> None:
    _Flaky.script = [503, 503]
    client = GraphStoreClient(engine_for(flaky, kind="oxigraph"), retries=3, sleep=lambda s: None)
    with pytest.raises(EndpointError):
        client.update("DROP ALL", what="updating")
    assert _Flaky.seen == ["POST"]


def test_4xx_fails_at_once_without_credentials_in_the_message(flaky) -> None:
    _Flaky.script = [401]
    host = flaky.replace("http://", "http://alice:s3cret@")
    engine = Engine("oxigraph", f"{host}/query", f"{host}/update", f"{host}/store")
    client = GraphStoreClient(engine, credentials=Credentials("alice", "s3cret"), sleep=lambda s: None)
    with pytest.raises(EndpointError) as err:
        client.put_graph("https://x.org/g", b"")
    assert "refused access" in str(err.value)
    assert "s3cret" not in str(err.value) and "s3cret" not in repr(client.credentials)


def test_unreachable_server_exits_4(tmp_path, config) -> None:
    import subprocess
    import sys
    from pathlib import Path

    kg = Path(sys.executable).parent / "kg"
    r = subprocess.run([str(kg), "--config", str(ROOT / "kg.toml"), "publish", "--store", str(tmp_path),
                        "--endpoint", "http://127.0.0.1:9/", "--engine", "oxigraph", "--password", "pw", "--user", "u"],
                       capture_output=True, text=True)
    assert r.returncode in (3, 4)  # 3: no store here; the endpoint is checked once the store opens
    r = subprocess.run([str(kg), "publish", "--store", str(tmp_path), "--endpoint", "http://127.0.0.1:9/"],
                       capture_output=True, text=True)
    assert r.returncode == EXIT_ENDPOINT, r.stderr
    assert "cannot reach http://127.0.0.1:9/" in r.stderr


@pytest.mark.parametrize(("url", "kind", "query", "gsp"), [
    ("http://h:7878", "oxigraph", "http://h:7878/query", "http://h:7878/store"),
    ("http://h:7878/query", "oxigraph", "http://h:7878/query", "http://h:7878/store"),
    ("http://h:8890/sparql", "virtuoso", "http://h:8890/sparql", "http://h:8890/sparql-graph-crud"),
    ("http://h:3030/kg/sparql", "fuseki", "http://h:3030/kg/sparql", "http://h:3030/kg/data"),
])
def test_engine_endpoints(url, kind, query, gsp) -> None:
    e = engine_for(url)
    assert (e.name, e.query_url, e.gsp_url) == (kind, query, gsp)


def test_result_terms_are_normalised() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert normalise_binding({"type": "typed-literal", "datatype": xsd + "int", "value": "3"}) == \
        {"type": "literal", "datatype": xsd + "integer", "value": "3"}
    assert normalise_binding({"type": "literal", "datatype": xsd + "string", "value": "x"}) == {"type": "literal", "value": "x"}
