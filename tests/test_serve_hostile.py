"""`kg serve` against hostile requests (issue 8): injection through the canned-query forms, updates, LOAD
and SERVICE (watched by a local HTTP server that must receive nothing), queries that would run for hours
or eat the machine's memory, oversized requests, path traversal (server and `--site`) and the security
headers of every kind of HTML page.

What tests/test_serve.py already covers is not repeated here: the basic refusal of updates, LOAD and
SERVICE, the time limit on one cartesian product, the result cap on a SELECT and a handful of traversal
paths.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest

from test_serve import fetch, running_server

DJI = "organisation/dienst-justitiele-inrichtingen"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# A sort over a cartesian product: it must hold every row, so it fills memory long before the time limit.
MEMORY_HOG = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 10"
TIMEOUT = 6
MAX_REQUEST = 4000


@pytest.fixture(scope="module")
def server(built_store):
    with running_server(built_store, "--timeout", str(TIMEOUT), "--max-results", "50", "--workers", "2",
                        "--max-memory", "300", "--max-request", str(MAX_REQUEST)) as url:
        yield url


def workers_of(pid: int) -> set[int]:
    """The query worker processes of the server with this pid (children running kg.serve.worker)."""
    out = set()
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid and b"kg.serve.worker" in (d / "cmdline").read_bytes():
                out.add(int(d.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def wait_for_workers(pid: int, n: int, timeout: float = 30) -> set[int]:
    deadline = time.monotonic() + timeout
    while True:
        w = workers_of(pid)
        if len(w) == n or time.monotonic() > deadline:
            return w
        time.sleep(0.1)


def sparql_get(server: str, query: str, accept: str = "application/sparql-results+json", **kw):
    return fetch(f"{server}/sparql?query=" + quote(query), accept=accept, **kw)


# --- canned-query parameters cannot change the query ---------------------------------------------------

INJECTIONS = [
    'DJI" } UNION { ?legal ?p ?o } #',
    'DJI") || true || STR("',
    "DJI' } ; DROP ALL ; #",
    'DJI"^^<http://www.w3.org/2001/XMLSchema#string> } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #',
    "DJI\\\" } UNION { ?legal ?p ?o } #",
    "DJI\n} UNION { ?legal ?p ?o }\n#",
    "DJI\u0022 } UNION { ?legal ?p ?o } #",
    "<https://kg.example.org/id/organisation/dienst-justitiele-inrichtingen>",
    ") } INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> } #",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_canned_query_fields_cannot_change_the_query(server, built_store, value):
    """Whatever is typed into the form, the server's answer is the canned query with the text bound as
    one literal: the same rows as binding it locally, and (these values name no organisation) none."""
    from kg.query import LocalStore, render, run_query

    a = fetch(f"{server}/queries/laws-for-organisation?" + urlencode({"organisation": value, "format": "json"}))
    assert a.status == 200, a.text
    expected = render(run_query("laws-for-organisation", LocalStore(built_store), params={"organisation": value}),
                      "json")
    assert json.loads(a.text) == json.loads(expected)
    assert json.loads(a.text)["results"]["bindings"] == []
    page = fetch(f"{server}/queries/laws-for-organisation?" + urlencode({"organisation": value}))
    assert page.status == 200 and "<script" not in page.text.lower()
    assert "<table" not in page.text or "Penitentiaire" not in page.text


def test_canned_query_ignores_fields_it_does_not_have(server):
    """Extra fields (a `query`, an `update`, a SPARQL text under another name) are not parameters; the
    first of repeated fields counts."""
    plain = fetch(f"{server}/queries/laws-for-organisation?organisation=DJI&format=json").text
    for extra in ({"query": "SELECT * WHERE { ?s ?p ?o }"}, {"update": "DROP ALL"},
                  {"legalLabel": '"x"'}, {"organisationIri": "<http://example.org/x>"}):
        a = fetch(f"{server}/queries/laws-for-organisation?" + urlencode({"organisation": "DJI", "format": "json",
                                                                           **extra}))
        assert a.status == 200 and a.text == plain, extra
    twice = fetch(f"{server}/queries/laws-for-organisation?organisation=DJI&organisation=" + quote('" } #')
                  + "&format=json")
    assert twice.text == plain
    assert fetch(f"{server}/queries/..%2Fsparql?query=ASK%7B%7D").status == 404
    assert fetch(f"{server}/queries/laws-for-organisation.rq").status == 404


# --- no requests to other hosts: SERVICE, LOAD, FROM, DESCRIBE -----------------------------------------

class _Watcher(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def _any(self) -> None:
        type(self).hits.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _any

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def watcher():
    """A tiny HTTP server on 127.0.0.1 (an 'internal address'); yields (url, the requests it received)."""
    _Watcher.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Watcher)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Watcher.hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_watcher_sees_requests(watcher):
    """The witness works: a direct request is seen (so an empty list below means no request)."""
    import urllib.request

    url, hits = watcher
    urllib.request.urlopen(url + "/ping", timeout=5).read()
    assert hits == ["GET /ping"]


def test_no_request_leaves_the_endpoint(server, watcher):
    url, hits = watcher
    host = urlsplit(url).netloc
    refused = [
        f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"PREFIX w: <{url}/> SELECT * WHERE {{ SERVICE w:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?x {{ <{url}/sparql> }} SERVICE ?x {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}/sparql> AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}/s> {{ ?a ?p ?o }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ SERVICE <{url}/s> {{ ?a ?p ?o }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}/s> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ ?a ?b ?c MINUS {{ SERVICE <{url}/s> {{ ?a ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/s> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE#comment\n<{url}/s> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}/s> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <http://localhost:{host.split(':')[1]}/s> {{ ?s ?p ?o }} }}",
        f"LOAD <{url}/data.ttl>",
        f"LOAD SILENT <{url}/data.ttl> INTO GRAPH <http://example.org/g>",
    ]
    for q in refused:
        for how in ("GET", "form", "body"):
            if how == "GET":
                a = sparql_get(server, q)
            elif how == "form":
                a = fetch(f"{server}/sparql", method="POST", data=urlencode({"query": q}).encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
            else:
                a = fetch(f"{server}/sparql", method="POST", data=q.encode(),
                          headers={"Content-Type": "application/sparql-query"})
            assert a.status in (400, 403), (q, how, a.status, a.text)
    # IRIs that name other hosts without asking the engine to fetch them: answered from the store only
    allowed = [
        (f"SELECT * FROM <{url}/g.ttl> WHERE {{ ?s ?p ?o }}", {}),
        (f"SELECT * FROM NAMED <{url}/g.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
        (f"DESCRIBE <{url}/x>", {}),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"default-graph-uri": f"{url}/g.ttl"}),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1", {"named-graph-uri": f"{url}/g.ttl"}),
    ]
    for q, extra in allowed:
        a = fetch(f"{server}/sparql?" + urlencode({"query": q, **extra}),
                  accept="application/sparql-results+json, text/turtle;q=0.9")
        assert a.status == 200, (q, a.text)
    time.sleep(0.5)
    assert hits == [], hits


def test_workers_cannot_reach_the_network(built_store, watcher):
    """Defence in depth: even a SERVICE query run without the check cannot leave a worker process, which
    lives in a network namespace of its own (where the kernel allows unprivileged user namespaces)."""
    from kg.serve.sparql import QueryPool, QueryRefused

    url, hits = watcher
    pool = QueryPool(built_store, size=1, timeout=20)
    try:
        pool.wait_ready()
        facts = pool.workers()[0]
        if not facts.get("network_isolated"):
            pytest.skip("unprivileged user namespaces are disabled here; the syntax check is the only fence")
        with pytest.raises(QueryRefused, match="(?i)unreachable|network|connect"):
            pool.run(f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}", check=False)
        assert pool.run("ASK { ?s ?p ?o }").boolean is True
    finally:
        pool.close()
    assert hits == []


# --- time limit, memory cap, result cap ------------------------------------------------------------------

def test_slow_queries_do_not_stop_the_rest(server):
    """Both workers busy with cartesian products: pages still answer quickly; the slow queries are stopped
    at the time limit, their workers killed and replaced, and queries work again."""
    before = wait_for_workers(server.pid, 2)
    assert len(before) == 2
    results: list = []

    def slow(method: str) -> None:
        if method == "GET":
            results.append(sparql_get(server, CARTESIAN, timeout=60))
        else:
            results.append(fetch(f"{server}/sparql", method="POST", data=CARTESIAN.encode(), timeout=60,
                                 headers={"Content-Type": "application/sparql-query"}))

    threads = [threading.Thread(target=slow, args=(m,)) for m in ("GET", "POST")]
    started = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(0.5)
    page_times = []
    for _ in range(10):
        t0 = time.monotonic()
        assert fetch(f"{server}/doc/{DJI}").status == 200
        page_times.append(time.monotonic() - t0)
    for t in threads:
        t.join()
    took = time.monotonic() - started
    assert max(page_times) < 3, page_times
    assert [r.status for r in results] == [503, 503] and all("time limit" in r.text for r in results)
    assert TIMEOUT - 0.5 < took < TIMEOUT + 8
    after = wait_for_workers(server.pid, 2)
    assert len(after) == 2 and not (after & before), "the stopped workers were killed and replaced"
    a = fetch(f"{server}/queries/laws-for-organisation?organisation=DJI&format=json")
    assert a.status == 200 and json.loads(a.text)["results"]["bindings"]


def test_memory_cap_stops_a_query_and_the_server_goes_on(server):
    """--max-memory 300: a sort over a cartesian product passes the cap in about a second, long before the
    time limit; the client gets 503 saying so, the worker is replaced and the next query is answered."""
    before = wait_for_workers(server.pid, 2)
    started = time.monotonic()
    a = sparql_get(server, MEMORY_HOG, timeout=60)
    took = time.monotonic() - started
    assert a.status == 503 and "memory" in a.text and "300 MB" in a.text, a.text
    assert took < TIMEOUT, "stopped by the memory cap, not the time limit"
    html = sparql_get(server, MEMORY_HOG, accept="text/html", timeout=60)
    assert html.status == 503 and "memory" in html.text and "<textarea" in html.text
    after = wait_for_workers(server.pid, 2)
    assert len(after) == 2 and after != before
    for pid in after:
        rss_kb = int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))
        assert rss_kb < 300 * 1024
    ok = sparql_get(server, "ASK { ?s a <https://kg.example.org/def/kg#Organisation> }")
    assert ok.status == 200 and json.loads(ok.text)["boolean"] is True


def test_memory_cap_of_the_worker_process(built_store):
    """The cap is set in the worker itself (RLIMIT_DATA), as the option says."""
    from kg.serve.sparql import QueryPool

    pool = QueryPool(built_store, size=1, max_memory_mb=256)
    try:
        pool.wait_ready()
        pid = pool.workers()[0]["pid"]
        limits = Path(f"/proc/{pid}/limits").read_text()
        line = next(ln for ln in limits.splitlines() if ln.startswith("Max data size"))
        assert line.split()[3] == str(256 * 1024 * 1024), line
    finally:
        pool.close()


def test_result_cap_on_graphs_and_canned_queries(server):
    """--max-results 50 also cuts CONSTRUCT answers (triples) and canned queries, and says so."""
    import rdflib

    a = fetch(f"{server}/sparql?query=" + quote("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"),
              accept="application/n-triples")
    assert a.status == 200 and a.headers["X-Result-Truncated"] == "true"
    assert len(rdflib.Graph().parse(data=a.text, format="nt")) == 50
    c = fetch(f"{server}/queries/organisations-together?format=json")  # about 150 pairs on the report
    assert c.status == 200 and c.headers["X-Result-Truncated"] == "true"
    assert len(json.loads(c.text)["results"]["bindings"]) == 50


# --- request size --------------------------------------------------------------------------------------

def raw_request(server: str, data: bytes, timeout: float = 10) -> bytes:
    host, port = urlsplit(server).hostname, urlsplit(server).port
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                chunks.append(c)
                if b"\r\n\r\n" in b"".join(chunks) and len(b"".join(chunks)) > 12:
                    head = b"".join(chunks)
                    m = re.search(rb"Content-Length: (\d+)", head)
                    if m and len(head.split(b"\r\n\r\n", 1)[1]) >= int(m.group(1)):
                        break
        except TimeoutError:
            pass
    return b"".join(chunks)


def test_request_size_limit(server):
    """--max-request 4000: a longer body is 413, a longer query string 414; both say the limit."""
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * MAX_REQUEST
    a = fetch(f"{server}/sparql", method="POST", data=big.encode(), headers={"Content-Type": "application/sparql-query"})
    assert a.status == 413 and str(MAX_REQUEST) in a.text
    a = fetch(f"{server}/sparql", method="POST", data=urlencode({"query": big}).encode(),
              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert a.status == 413
    a = fetch(f"{server}/sparql?query=" + quote(big))
    assert a.status == 414 and str(MAX_REQUEST) in a.text
    a = fetch(f"{server}/search?q=" + "x" * MAX_REQUEST)
    assert a.status == 414
    # a big body (1 MB) still gets its 413 rather than a reset connection
    a = fetch(f"{server}/sparql", method="POST", data=b"x" * 1_000_000, headers={"Content-Type": "application/sparql-query"})
    assert a.status == 413
    assert fetch(f"{server}/sparql?query=" + quote("ASK {}")).status == 200


def test_oversized_requests_at_the_http_layer(server):
    """Before the application: Expect: 100-continue with a too large Content-Length is refused without
    reading the body; a chunked body is 411; a request line over 64 KiB is 414. The server goes on."""
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 50000000\r\nExpect: 100-continue\r\n\r\n")
    assert raw_request(server, head).startswith(b"HTTP/1.1 413")
    chunked = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n5\r\nASK {\r\n0\r\n\r\n")
    assert raw_request(server, chunked).startswith(b"HTTP/1.1 411")
    long_line = b"GET /search?q=" + b"x" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert raw_request(server, long_line).split(b"\r\n")[0].split()[1] == b"414"
    assert fetch(f"{server}/doc/{DJI}").status == 200


# --- path traversal --------------------------------------------------------------------------------------

TRAVERSALS = [
    "/doc/../../etc/passwd", "/doc/%2e%2e/%2e%2e/etc/passwd", "/doc/%252e%252e/%252e%252e/etc/passwd",
    "/doc/..%2f..%2f..%2fetc%2fpasswd", "/doc/..%5c..%5ckg.toml", "/doc/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "/doc/organisation/..;/..;/etc/passwd", "/id/..%2f..%2fetc%2fpasswd", "/graph/..%2fkg.toml",
    "/def/kind/..%2f..%2fpyproject.toml", "/static/..%2f..%2fpyproject.toml", "/static/kg.css/../../kg.toml",
    "/class/..%2f..%2fetc%2fpasswd", "/queries/..%2f..%2fqueries%2flaws-for-organisation.rq",
    "/doc/organisation%00/x", "/doc/%0d%0aSet-Cookie:%20x=1", "//etc/passwd", "/./doc/x",
    "http://127.0.0.1/../../etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_no_path_traversal_raw(server, target):
    """Sent as-is on the socket (no client normalises the dots): never a file, never a 500."""
    reply = raw_request(server, f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    status = int(reply.split(b" ", 2)[1])
    assert status in (400, 404), (target, reply[:200])
    head, _, body = reply.partition(b"\r\n\r\n")
    for secret in (b"root:", b"base_iri", b"[project]", b"PREFIX kg:"):
        assert secret not in body, (target, secret)
    assert b"\r\nSet-Cookie" not in head  # no header injection through an encoded CR LF


def test_site_never_writes_outside_its_folder(tmp_path):
    """IRIs with `..`, encoded dots and separators in a store: `kg export --site` gives them no file (or a
    harmless encoded name inside the site), and nothing appears outside the site folder."""
    import pyoxigraph as ox

    from kg.serve.site import export_site

    store = tmp_path / "store"  # a small store of hostile things only (a whole site takes a while)
    st = ox.Store(str(store))
    g = ox.NamedNode("https://kg.example.org/graph/hostile")
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    org = ox.NamedNode("https://kg.example.org/def/kg#Organisation")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    hostile = ["x/../../../../escape1", "%2e%2e/%2e%2e/%2e%2e/escape2", "a/..%2F..%2F..%2Fescape3",
               "..%5C..%5Cescape4", "organisation/../../../../../tmp/escape5", "./escape6", "organisation/..",
               "organisation/harmless"]
    for h in hostile:
        s = ox.NamedNode("https://kg.example.org/id/" + h)
        st.add(ox.Quad(s, rdf_type, org, g))
        st.add(ox.Quad(s, label, ox.Literal("hostile " + h, language="nl"), g))
    st.flush()
    del st
    (store / "KG-STORE").touch()
    site = tmp_path / "out" / "site"
    site.parent.mkdir()
    before = set(tmp_path.rglob("*"))
    result = export_site(store, site, base="https://kg.example.org")
    new = set(tmp_path.rglob("*")) - before
    assert [p for p in new if site not in p.parents and p != site] == []
    assert not list(Path("/tmp").glob("escape*"))
    # dot segments and encoded separators get no file at all; encoded dots become a harmless name
    skipped = {s.rsplit("/id/", 1)[1] for s in result.skipped}
    assert {"x/../../../../escape1", "a/..%2F..%2F..%2Fescape3", "..%5C..%5Cescape4",
            "organisation/../../../../../tmp/escape5", "./escape6", "organisation/.."} <= skipped
    assert (site / "doc/organisation/harmless.html").is_file()
    for p in site.rglob("*"):
        assert p.resolve().is_relative_to(site.resolve())
        assert not {".", ".."} & set(p.relative_to(site).parts)
    escape2 = [p for p in site.rglob("escape2.html")]
    assert len(escape2) == 1 and escape2[0].relative_to(site).parts[1] == "%252e%252e"


# --- security headers on every kind of HTML page ---------------------------------------------------------

HTML_PAGES = ["/", "/class", "/class/Organisation", "/search?q=dji", "/queries",
              "/queries/laws-for-organisation?organisation=DJI", "/queries/laws-for-organisation",
              "/sparql", "/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 2"), f"/doc/{DJI}",
              "/doc/report/jenv-jaarverslag-2024-beleidsverslag", "/def/kg", "/def/kind/ministry",
              "/graph/jenv-jaarverslag-2024-beleidsverslag", "/nothing-here", "/sparql?query=SELEC"]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_security_headers_on_html_pages(server, path):
    a = fetch(server + path, accept="text/html")
    assert a.type == "text/html", (path, a.status)
    csp = {d.strip().split()[0]: d.strip().split()[1:] for d in a.headers["Content-Security-Policy"].split(";")
           if d.strip()}
    assert csp["default-src"] == ["'none'"]
    assert csp.get("script-src", ["'none'"]) == ["'none'"], "no scripts at all on server pages"
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert not any("unsafe" in v for vals in csp.values() for v in vals)
    assert a.headers["X-Content-Type-Options"] == "nosniff"
    assert a.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert a.headers["X-Frame-Options"] == "DENY"
    html = a.text.lower()
    assert "<script" not in html and "javascript:" not in html
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), "no inline event handlers"
    assert not re.search(r"<[^>]+\sstyle\s*=", html), "no style attributes (the policy would block them)"


@pytest.mark.parametrize("path, accept", [(f"/doc/{DJI}", "text/turtle"), ("/search?q=dji&format=json", None),
                                          ("/static/kg.css", None), ("/sparql?query=ASK%7B%7D", None)])
def test_nosniff_on_everything_else(server, path, accept):
    a = fetch(server + path, accept=accept)
    assert a.status == 200 and a.headers["X-Content-Type-Options"] == "nosniff"
