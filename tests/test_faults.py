"""Faults: a SPARQL server that is down, slow, answers 500, or cuts the connection, during `kg query --endpoint`
and `kg publish`. Bounded retries with backoff, a clear error and exit 4, and never a half-replaced graph.

Two kinds of server: the misbehaving one in tests/faulty_http.py (alone, or as a proxy in front of a real
server), and a real Oxigraph server that these tests start, stop and restart themselves (the binary comes
with the test extra; without it the Oxigraph tests are skipped, except in CI where that is a failure).
Retries are made small and fast with KG_HTTP_RETRIES / KG_HTTP_BACKOFF.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT
from faulty_http import FaultyHTTP, Rule
from roundtrip_common import free_port, wait_for

KG = [sys.executable, "-m", "kg.cli", "--config", str(ROOT / "kg.toml")]
BASE = "https://faults.example.org"
FAST = {"KG_HTTP_RETRIES": "2", "KG_HTTP_BACKOFF": "0.05"}  # 3 attempts, 0.05 s then 0.1 s apart


def kg(*args, env: dict | None = None, timeout: float = 120, cwd: Path | None = None) -> subprocess.CompletedProcess:
    e = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    e.update(FAST if env is None else env)
    return subprocess.run([*KG, *args], capture_output=True, text=True, env=e, timeout=timeout, cwd=cwd)


def no_traceback(r: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr


@pytest.fixture()
def faulty():
    srv = FaultyHTTP()
    yield srv
    srv.close()


# --- kg query --endpoint against the misbehaving server ------------------------------------------------


def test_query_through_a_well_behaved_server(faulty):
    r = kg("sparql", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", f"{faulty.url}/query", "-f", "csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["x", "antwoord"]


@pytest.mark.parametrize(("action", "message"), [
    ("500", "failed (HTTP 500): error 500: the server is not well (tried 3 times)"),
    ("503", "answered HTTP 503 Service Unavailable (tried 3 times)"),
    ("cut", "closed the connection without answering (tried 3 times)"),
    ("cut-body", "cut the connection part-way through its answer (31 bytes received) (tried 3 times)"),
    ("garbage", "did not answer HTTP (BadStatusLine) (tried 3 times)"),
])
def test_query_retries_then_exits_4(faulty, action, message):
    faulty.rules = [Rule(action)]
    started = time.monotonic()
    r = kg("sparql", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", f"{faulty.url}/query")
    assert r.returncode == 4, r.stderr
    assert r.stderr.startswith("error: ") and message in r.stderr, r.stderr
    assert f"{faulty.url}/query" in r.stderr.splitlines()[0]
    no_traceback(r)
    assert r.stdout == ""
    assert faulty.actions() == [action] * 3  # bounded: 1 + KG_HTTP_RETRIES
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("action", ["500", "503", "cut", "cut-body", "garbage"])
def test_query_succeeds_when_the_fault_passes(faulty, action):
    faulty.rules = [Rule(action, times=2)]
    r = kg("sparql", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", f"{faulty.url}/query", "-f", "csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["x", "antwoord"]
    assert faulty.actions() == [action, action, "answer", "answer"]  # the listing of graphs, then the query


def test_query_backoff_doubles(faulty):
    faulty.rules = [Rule("503")]
    r = kg("sparql", "ASK {}", "--endpoint", f"{faulty.url}/query",
           env={"KG_HTTP_RETRIES": "3", "KG_HTTP_BACKOFF": "0.2"})
    assert r.returncode == 4 and "(tried 4 times)" in r.stderr
    at = [s.at for s in faulty.seen]
    gaps = [b - a for a, b in zip(at, at[1:])]
    assert len(gaps) == 3
    for gap, wait in zip(gaps, (0.2, 0.4, 0.8)):  # waits of 0.2, 0.4 and 0.8 s between the four attempts
        assert wait - 0.02 <= gap < wait + 1.0, gaps


def test_query_no_retries(faulty):
    faulty.rules = [Rule("500")]
    r = kg("sparql", "ASK {}", "--endpoint", f"{faulty.url}/query", env={"KG_HTTP_RETRIES": "0"})
    assert r.returncode == 4 and "tried" not in r.stderr
    assert faulty.actions() == ["500"]


def test_bad_retry_setting_is_a_usage_error(faulty):
    r = kg("sparql", "ASK {}", "--endpoint", f"{faulty.url}/query", env={"KG_HTTP_RETRIES": "many"})
    assert r.returncode == 2
    assert "KG_HTTP_RETRIES='many'" in r.stderr
    no_traceback(r)


def test_a_slow_query_is_not_sent_again(faulty):
    faulty.rules = [Rule("slow", seconds=5)]
    started = time.monotonic()
    r = kg("sparql", "ASK {}", "--endpoint", f"{faulty.url}/query", "--timeout", "0.5")
    assert r.returncode == 4
    assert "did not answer within 0.5 s" in r.stderr
    assert faulty.actions() == ["slow"]  # it would cost the server the same work again
    assert time.monotonic() - started < 4
    no_traceback(r)


def test_an_answer_that_trickles_in_is_cut_off(faulty):
    faulty.rules = [Rule("trickle", seconds=10)]
    started = time.monotonic()
    r = kg("sparql", "ASK {}", "--endpoint", f"{faulty.url}/query", "--timeout", "1")
    assert r.returncode == 4, r.stderr
    assert "did not send its whole answer within 1 s" in r.stderr
    assert time.monotonic() - started < 7
    no_traceback(r)


def test_query_server_down(tmp_path):
    port = free_port()
    started = time.monotonic()
    r = kg("query", "timeline", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert r.returncode == 4
    assert f"cannot reach the SPARQL endpoint http://127.0.0.1:{port}/query" in r.stderr
    assert "(tried 3 times)" in r.stderr and "is the server running" in r.stderr
    assert time.monotonic() - started < 10
    no_traceback(r)


# --- kg publish against the misbehaving server alone ----------------------------------------------------


@pytest.fixture(scope="module")
def stores(tmp_path_factory, config):
    """Two versions of a two-report store: v2 has more triples in both graphs."""
    from kg.build import build

    cfg = dataclasses.replace(config, base_iri=BASE)
    out = {}
    for version in ("v1", "v2"):
        folder = tmp_path_factory.mktemp(version)
        paths = []
        for name, org in (("alpha", "de Nationale Politie"), ("beta", "het Openbaar Ministerie")):
            extra = " Ook DJI en de IND werkten mee aan de Wet weerbaarheid kritieke entiteiten." if version == "v2" else ""
            p = folder / f"{name}.txt"
            p.write_text(f"3.1 Beleidsverslag\n\n3.1.1 Veiligheid\n\nIn 2024 werkte {org} samen met het "
                         f"Ministerie van Justitie en Veiligheid.{extra}\n", encoding="utf-8")
            paths.append(p)
        res = build(paths, config=cfg, store_dir=folder / "store", jobs=1)
        assert not res.errors, res.errors
        out[version] = (folder / "store", {r.graph: r.triples for r in res.reports})
    assert all(out["v1"][1][g] < out["v2"][1][g] for g in out["v1"][1])
    return out


def publish(store: Path, url: str, *extra, env: dict | None = None, timeout: float = 120):
    return kg("publish", "--store", str(store), "--endpoint", url, "--engine", "oxigraph", "--timeout", "1", *extra,
              env=env, timeout=timeout)


def test_publish_to_a_server_that_is_down(stores):
    store, _ = stores["v1"]
    port = free_port()
    r = publish(store, f"http://127.0.0.1:{port}")
    assert r.returncode == 4
    assert "failed after 3 attempt(s): ConnectionRefusedError" in r.stderr
    assert "no report graph was changed" in r.stderr
    no_traceback(r)
    r = kg("publish", "--store", str(store), "--endpoint", f"http://127.0.0.1:{port}")  # engine probed first
    assert r.returncode == 4
    assert f"cannot reach http://127.0.0.1:{port}" in r.stderr and "(tried 3 times)" in r.stderr


@pytest.mark.parametrize(("action", "message"), [
    ("500", "failed after 3 attempt(s): HTTP 500 Internal Server Error: error 500: the server is not well"),
    ("cut", "failed after 3 attempt(s): the server closed the connection without answering"),
    ("garbage", "failed after 3 attempt(s): the server did not answer HTTP"),
    ("slow", "failed after 3 attempt(s): no answer in time"),
])
def test_publish_upload_fails_and_nothing_is_moved(faulty, stores, action, message):
    store, _ = stores["v1"]
    faulty.rules = [Rule(action, method="PUT", seconds=2)]
    r = publish(store, faulty.url)
    assert r.returncode == 4, r.stderr
    assert message in r.stderr and "no report graph was changed" in r.stderr
    no_traceback(r)
    assert faulty.actions("PUT") == [action] * 3
    assert "POST" not in [s.method for s in faulty.seen]  # no MOVE: the published graphs were not touched
    assert faulty.actions("DELETE")  # the staging graph is cleaned up


# --- the real Oxigraph server, stopped and restarted by the tests ------------------------------------------


def _oxigraph_exe() -> str | None:
    exe = Path(sys.executable).parent / "oxigraph"
    return str(exe) if exe.exists() else shutil.which("oxigraph")


class Oxigraph:
    def __init__(self, data: Path) -> None:
        exe = _oxigraph_exe()
        if exe is None:
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail("CI must provide the Oxigraph server (the oxigraph package of the test extra)")
            pytest.skip("the Oxigraph server is not installed (pip install -e '.[test]')")
        self.exe, self.data, self.port = exe, data, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([self.exe, "serve", "--location", str(self.data), "--bind", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(f"{self.url}/query?query=ASK%7B%7D")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def graphs(self) -> dict[str, int]:
        """Triple count per named graph, asked directly (not through any proxy)."""
        q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        req = urllib.request.Request(f"{self.url}/query?{urllib.parse.urlencode({'query': q})}",
                                     headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            rows = json.load(resp)["results"]["bindings"]
        return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


@pytest.fixture()
def oxigraph(tmp_path):
    server = Oxigraph(tmp_path / "oxigraph-data")
    server.start()
    yield server
    server.stop()


def test_oxigraph_stopped_then_restarted(oxigraph, stores):
    v1, counts1 = stores["v1"]
    v2, counts2 = stores["v2"]
    r = publish(v1, oxigraph.url)
    assert r.returncode == 0, r.stderr
    assert oxigraph.graphs() == counts1

    oxigraph.stop()
    r = publish(v2, oxigraph.url)
    assert r.returncode == 4 and "ConnectionRefusedError" in r.stderr
    no_traceback(r)
    r = kg("query", "timeline", "--endpoint", oxigraph.url)
    assert r.returncode == 4 and "cannot reach the SPARQL endpoint" in r.stderr
    no_traceback(r)

    oxigraph.start()
    assert oxigraph.graphs() == counts1  # intact after the failed publish and the restart; no staging graphs
    r = publish(v2, oxigraph.url)
    assert r.returncode == 0, r.stderr
    assert oxigraph.graphs() == counts2
    r = kg("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--endpoint", oxigraph.url, "-f", "csv")
    assert r.returncode == 0 and int(r.stdout.splitlines()[1]) == sum(counts2.values())


def test_retries_carry_a_publish_over_a_server_restart(oxigraph, stores):
    v1, counts1 = stores["v1"]
    oxigraph.stop()
    e = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    e.update({"KG_HTTP_RETRIES": "6", "KG_HTTP_BACKOFF": "0.25"})  # waits 0.25, 0.5, 1, 2, 4, 8 s at most
    proc = subprocess.Popen([*KG, "publish", "--store", str(v1), "--endpoint", oxigraph.url, "--engine", "oxigraph"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
    time.sleep(1.0)
    oxigraph.start()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert oxigraph.graphs() == counts1
    assert sorted(line.split("\t")[0] for line in out.splitlines()) == sorted(counts1)


@pytest.fixture()
def proxy(oxigraph):
    srv = FaultyHTTP(upstream=oxigraph.url)
    yield srv
    srv.close()


@pytest.mark.parametrize(("rule", "message"), [
    (Rule("500", method="PUT", contains="beta"), "failed after 3 attempt(s): HTTP 500"),  # the second upload fails
    (Rule("cut", method="POST", contains="MOVE"), "the server closed the connection without answering"),
    (Rule("500", method="POST", contains="MOVE"), "answered HTTP 500"),
])
def test_a_failed_publish_leaves_the_published_graphs_as_they_were(oxigraph, proxy, stores, rule, message):
    v1, counts1 = stores["v1"]
    v2, _ = stores["v2"]
    assert publish(v1, oxigraph.url).returncode == 0
    proxy.rules = [rule]
    r = publish(v2, proxy.url)
    assert r.returncode == 4, r.stderr
    assert message in r.stderr
    no_traceback(r)
    assert oxigraph.graphs() == counts1  # every graph as it was, and no staging graph left
    if rule.method == "POST":
        assert proxy.actions("POST") == [rule.action]  # an update is never sent twice
        assert "re-run `kg publish`" in r.stderr


def test_an_update_done_but_not_confirmed_leaves_whole_graphs(oxigraph, proxy, stores):
    """The server moves the staged graphs in, and the connection is cut before it can say so."""
    v1, counts1 = stores["v1"]
    v2, counts2 = stores["v2"]
    assert publish(v1, oxigraph.url).returncode == 0
    proxy.rules = [Rule("forward-then-cut", method="POST", contains="MOVE")]
    r = publish(v2, proxy.url)
    assert r.returncode == 4
    assert "the update was not confirmed; re-run `kg publish` to be sure" in r.stderr
    assert oxigraph.graphs() == counts2  # all new, none half: the MOVEs ran as one update
    assert publish(v2, oxigraph.url).returncode == 0  # and re-running is harmless
    assert oxigraph.graphs() == counts2


def test_publish_retries_uploads_through_passing_faults(oxigraph, proxy, stores):
    v2, counts2 = stores["v2"]
    proxy.rules = [Rule("503", method="PUT", times=1), Rule("cut", method="PUT", times=1),
                   Rule("cut-body", method="POST", contains="COUNT", times=1)]
    r = publish(v2, proxy.url)
    assert r.returncode == 0, r.stderr
    assert oxigraph.graphs() == counts2
    assert proxy.actions().count("503") == proxy.actions().count("cut") == proxy.actions().count("cut-body") == 1
