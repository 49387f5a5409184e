"""`kg serve` tested as a program would use it: a real server on 127.0.0.1, real clients (urllib, rdflib,
SPARQLWrapper). Content negotiation, 303 and 404, every minted IRI, the pages, search, canned queries and
the SPARQL endpoint (read-only, time limit, result cap, CORS)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

BASE = "https://kg.example.org"
DJI = "organisation/dienst-justitiele-inrichtingen"
REPORT_KEY = "jenv-jaarverslag-2024-beleidsverslag"
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class ServerURL(str):
    """The URL of a running `kg serve`; ``.pid`` is the server's process id."""

    pid: int


@contextmanager
def running_server(store: Path, *extra: str):
    """`kg serve` as a subprocess on a free port; yields its URL (a :class:`ServerURL`) once it answers."""
    import tempfile

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    log = tempfile.TemporaryFile()  # the request log; a pipe nobody reads would fill up and stall the server
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "--config", str(ROOT / "kg.toml"), "serve",
                             "--store", str(store), "--port", str(port), *extra],
                            stdout=log, stderr=log, env=env)
    url = ServerURL(f"http://127.0.0.1:{port}")
    url.pid = proc.pid

    def output() -> str:
        log.seek(0)
        return log.read().decode(errors="replace")[-3000:]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/static/kg.css", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("kg serve did not start: " + output())
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def server(built_store):
    with running_server(built_store, "--timeout", "3", "--max-results", "100", "--workers", "2") as url:
        yield url


class Answer:
    def __init__(self, status, headers, body, url):
        self.status, self.headers, self.body, self.url = status, headers, body, url

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, *, accept: str | None = None, method: str = "GET", data: bytes | None = None,
          headers: dict | None = None, follow: bool = True, timeout: float = 30) -> Answer:
    h = dict(headers or {})
    if accept:
        h["Accept"] = accept
    req = urllib.request.Request(url, data=data, headers=h, method=method)
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=timeout) as r:
            return Answer(r.status, r.headers, r.read(), r.geturl())
    except urllib.error.HTTPError as e:
        return Answer(e.code, e.headers, e.read(), url)


# --- IRIs, 303, content negotiation ---------------------------------------------------------------------

def test_id_answers_303_to_doc(server):
    a = fetch(f"{server}/id/{DJI}", follow=False)
    assert a.status == 303
    assert a.headers["Location"] == f"/doc/{DJI}"
    assert "Accept" in a.headers.get("Vary", "")


@pytest.mark.parametrize("accept, media_type", [
    ("text/html", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("text/turtle;q=0.5, application/rdf+xml;q=0.9", "application/rdf+xml"),
    ("*/*", "text/html"),
    (None, "text/html"),
])
def test_content_negotiation_by_accept(server, accept, media_type):
    a = fetch(f"{server}/id/{DJI}", accept=accept)
    assert a.status == 200 and a.type == media_type
    assert a.url.endswith(f"/doc/{DJI}")


@pytest.mark.parametrize("fmt, rdflib_format", [("turtle", "turtle"), ("jsonld", "json-ld"), ("ntriples", "nt"),
                                                ("rdfxml", "xml")])
def test_every_rdf_format_parses_and_carries_the_entity(server, fmt, rdflib_format):
    import rdflib

    from kg.serve import conneg

    f = conneg.BY_KEY[fmt]
    for url in (f"{server}/doc/{DJI}.{f.extension}", f"{server}/doc/{DJI}?format={f.extension}"):
        a = fetch(url)
        assert a.status == 200 and a.type == f.media_type, url
        g = rdflib.Graph().parse(data=a.body, format=rdflib_format)
        me = rdflib.URIRef(f"{BASE}/id/{DJI}")
        labels = {str(o) for o in g.objects(me, rdflib.SKOS.prefLabel)}
        assert "Dienst Justitiële Inrichtingen" in labels


def test_rdflib_parses_a_served_iri(server, built_store):
    """Graph().parse(iri) — rdflib's own Accept header, the 303 and all — gives the entity's triples."""
    import pyoxigraph as ox
    import rdflib

    g = rdflib.Graph().parse(f"{server}/id/{DJI}")
    store = ox.Store.read_only(str(built_store))
    me = f"{BASE}/id/{DJI}"
    expected = {(p.value, str(o.value)) for p, o in
                ((s["p"], s["o"]) for s in store.query(f"SELECT ?p ?o {{ <{me}> ?p ?o }}", use_default_graph_as_union=True))}
    got = {(str(p), str(o)) for p, o in g.predicate_objects(rdflib.URIRef(me))}
    assert expected and expected <= got
    # and the links to it (the mentions that refer to it)
    assert any(True for _ in g.subjects(rdflib.URIRef("https://kg.example.org/def/kg#refersTo"), rdflib.URIRef(me)))


def test_unknown_iris_are_404_pages(server):
    a = fetch(f"{server}/id/organisation/does-not-exist")
    assert a.status == 404 and a.type == "text/html" and "Niet gevonden" in a.text
    a = fetch(f"{server}/doc/organisation/does-not-exist", accept="text/turtle")
    assert a.status == 404 and a.type == "text/plain"
    for path in ("/nothing", "/doc/", "/id/", "/graph/none", "/def/kind/none", "/class/Nothing", "/queries/none"):
        assert fetch(server + path).status == 404, path


def test_not_acceptable(server):
    a = fetch(f"{server}/doc/{DJI}", accept="image/png")
    assert a.status == 406


@pytest.mark.parametrize("path", ["/doc/../etc/passwd", "/doc/%2e%2e/%2e%2e/etc/passwd", "/static/../../kg.toml",
                                  "/doc/organisation/..%2f..%2fkg.toml", "/static/%2e%2e/x", "/doc/a%00b"])
def test_no_path_traversal(server, path):
    a = fetch(server + path)
    assert a.status in (400, 404)
    assert b"base_iri" not in a.body and b"root:" not in a.body


def test_every_minted_iri_resolves(server, built_store):
    """All subjects under {base}/id/ answer 303 then 200; graph and ontology IRIs answer 200."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(built_store))
    subjects = sorted({r["s"].value.split("#")[0] for r in store.query(
        f'SELECT DISTINCT ?s {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}/id/")) }}', use_default_graph_as_union=True)})
    assert len(subjects) > 500
    for s in subjects:
        path = s[len(BASE):]
        a = fetch(server + quote(path), method="HEAD", follow=False)
        assert a.status == 303, s
    sample = subjects[:: max(1, len(subjects) // 60)]
    for s in sample:
        a = fetch(server + quote(s[len(BASE):]))
        assert a.status == 200 and a.type == "text/html", s
        a = fetch(server + quote(s[len(BASE):]), accept="text/turtle")
        assert a.status == 200 and a.type == "text/turtle", s
    for g in store.named_graphs():
        assert fetch(server + g.value[len(BASE):]).status == 200
        assert fetch(server + g.value[len(BASE):], accept="application/n-triples").type == "application/n-triples"
    assert fetch(server + "/def/kg").status == 200
    assert fetch(server + "/def/kg", accept="text/turtle").type == "text/turtle"
    assert fetch(server + "/def/kind/ministry").status == 200


# --- pages -----------------------------------------------------------------------------------------------

def test_entity_page(server):
    a = fetch(f"{server}/doc/{DJI}")
    html = a.text
    assert a.status == 200
    assert "<h1>Dienst Justitiële Inrichtingen</h1>" in html
    assert "Custodial Institutions Agency" in html  # the English name beside it
    assert "uitvoeringsorganisatie" in html  # its kind, by its Dutch label
    assert 'href="https://identifier.overheid.nl/tooi/id/oorg/oorg10114"' in html
    assert "Ministerie van Justitie en Veiligheid" in html  # a link shown with its label
    assert "<svg" in html and "Omgeving" in html
    assert "Vermeldingen in de verslagen" in html and 'class="sent"' not in html
    assert re.search(r'href="/doc/report/[^"#]+#s-\d+">in het verslag</a>', html)
    assert "<script" not in html.lower()
    csp = a.headers["Content-Security-Policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp
    assert a.headers["X-Content-Type-Options"] == "nosniff"
    # no bare IRIs as link text where a name exists
    assert not re.search(r">https://kg\.example\.org/id/[^<]*</a>", html)


def test_identifiers_link_to_their_registers(server, built_store):
    import pyoxigraph as ox

    store = ox.Store.read_only(str(built_store))

    def one(prop: str) -> tuple[str, str]:
        r = next(iter(store.query(f"SELECT ?s ?v {{ ?s <https://kg.example.org/def/kg#{prop}> ?v }} ORDER BY ?s LIMIT 1",
                                  use_default_graph_as_union=True)))
        return r["s"].value, r["v"].value

    s, bwb = one("bwbId")
    assert f'href="https://wetten.overheid.nl/{bwb}"' in fetch(server + s[len(BASE):]).text
    s, celex = one("celex")
    assert f"https://eur-lex.europa.eu/legal-content/NL/TXT/?uri=CELEX:{celex}" in fetch(server + s[len(BASE):]).text.replace("&amp;", "&")
    kst = next(iter(store.query("SELECT ?s { ?s a <https://kg.example.org/def/kg#Kamerstuk> } ORDER BY ?s LIMIT 1",
                                use_default_graph_as_union=True)))["s"].value
    assert "https://zoek.officielebekendmakingen.nl/kst-" in fetch(server + kst[len(BASE):]).text


def test_report_page_shows_structure_and_highlights(server):
    a = fetch(f"{server}/id/report/{REPORT_KEY}")
    html = a.text
    assert a.status == 200
    assert 'id="sec-3.1.1"' in html and "Sterke rechtsstaat" in html
    assert re.search(r'<a class="m organisation" href="/doc/organisation/[^"]+">', html)
    assert re.search(r'<span class="sent" id="s-\d+">', html)
    assert "Voetnoten" in html


def test_class_index_search_and_ontology(server):
    assert "Dienst Justitiële Inrichtingen" in fetch(f"{server}/class/Organisation").text
    assert "/class/Law" in fetch(f"{server}/class").text
    html = fetch(f"{server}/search?q=dji").text
    assert f'href="/doc/{DJI}"' in html
    hits = json.loads(fetch(f"{server}/search?q=DJI&format=json").text)
    assert hits[0]["iri"] == f"{BASE}/id/{DJI}"
    assert "Penitentiaire beginselenwet" in fetch(f"{server}/search?q=penitentiaire").text
    onto = fetch(f"{server}/def/kg").text
    assert 'id="Organisation"' in onto and "organisatie" in onto and 'id="soorten"' in onto


def test_search_escapes_what_it_echoes(server):
    html = fetch(f"{server}/search?" + urlencode({"q": '<script>alert(1)</script>"'})).text
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_query_page_and_canned_query(server):
    html = fetch(f"{server}/queries").text
    assert 'action="/queries/laws-for-organisation"' in html and 'name="organisation"' in html
    a = fetch(f"{server}/queries/laws-for-organisation?organisation=DJI")
    assert a.status == 200 and "Penitentiaire beginselenwet" in a.text
    assert re.search(r'<td><a href="/doc/legal/[^"]+"[^>]*>Penitentiaire beginselenwet</a></td>', a.text)
    csv = fetch(f"{server}/queries/laws-for-organisation?organisation=DJI&format=csv")
    assert csv.type == "text/csv" and csv.text.startswith("legal,")
    bad = fetch(f"{server}/queries/laws-for-organisation?organisation=DJI&format=exe")
    assert bad.status == 400


# --- the SPARQL endpoint -----------------------------------------------------------------------------------

SELECT_ORGS = """PREFIX kg: <https://kg.example.org/def/kg#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?o ?name WHERE { ?o a kg:Organisation ; skos:prefLabel ?name FILTER(LANG(?name) = "nl") } ORDER BY ?name LIMIT 5"""


def wrapper(server: str, query: str, fmt: str, method: str = "GET"):
    from SPARQLWrapper import GET, POST, SPARQLWrapper

    sw = SPARQLWrapper(f"{server}/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setMethod(POST if method == "POST" else GET)
    sw.setTimeout(30)
    return sw


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(server, method):
    from SPARQLWrapper import JSON

    res = wrapper(server, SELECT_ORGS, JSON, method).queryAndConvert()
    assert res["head"]["vars"] == ["o", "name"]
    assert len(res["results"]["bindings"]) == 5


def test_sparqlwrapper_xml_csv_tsv_ask_construct(server):
    import rdflib
    from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML

    xml = wrapper(server, SELECT_ORGS, XML).queryAndConvert()
    assert len(xml.getElementsByTagName("result")) == 5
    csv = wrapper(server, SELECT_ORGS, CSV).queryAndConvert().decode()
    assert csv.splitlines()[0] == "o,name" and len(csv.splitlines()) == 6
    tsv = wrapper(server, SELECT_ORGS, TSV).queryAndConvert().decode()
    assert tsv.splitlines()[0] == "?o\t?name"
    ask = wrapper(server, "ASK { ?s a <https://kg.example.org/def/kg#Report> }", JSON).queryAndConvert()
    assert ask["boolean"] is True
    ttl = wrapper(server, f"CONSTRUCT {{ <{BASE}/id/{DJI}> ?p ?o }} WHERE {{ <{BASE}/id/{DJI}> ?p ?o }}",
                  TURTLE).queryAndConvert()
    g = rdflib.Graph().parse(data=ttl, format="turtle")
    assert len(g) > 5


def test_endpoint_protocol_details(server):
    q = quote(SELECT_ORGS)
    a = fetch(f"{server}/sparql?query={q}", accept="application/sparql-results+json")
    assert a.headers["Access-Control-Allow-Origin"] == "*"
    assert a.type == "application/sparql-results+json"
    a = fetch(f"{server}/sparql", method="POST", data=SELECT_ORGS.encode(),
              headers={"Content-Type": "application/sparql-query"}, accept="text/csv")
    assert a.status == 200 and a.type == "text/csv"
    pre = fetch(f"{server}/sparql", method="OPTIONS", headers={"Origin": "https://example.org",
                                                              "Access-Control-Request-Method": "GET"})
    assert pre.status == 204 and "GET" in pre.headers["Access-Control-Allow-Methods"]
    assert fetch(f"{server}/sparql", accept="application/sparql-results+json").status == 400
    assert "<textarea" in fetch(f"{server}/sparql", accept="text/html").text
    html = fetch(f"{server}/sparql?query={q}", accept="text/html,*/*;q=0.8")
    assert html.type == "text/html" and "Dienst" in html.text or "<table" in html.text
    bad = fetch(f"{server}/sparql?query=" + quote("SELEC nothing"))
    assert bad.status == 400 and "syntax" in bad.text.lower()


@pytest.mark.parametrize("query", [
    "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "DROP ALL",
    "CLEAR DEFAULT",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "ASK { ?s ?p ?o . SERVICE ?x { ?s ?p ?o } }",
])
def test_updates_load_and_service_are_refused(server, query):
    a = fetch(f"{server}/sparql?query=" + quote(query))
    assert a.status == 403, a.text
    a = fetch(f"{server}/sparql", method="POST", data=urlencode({"update": query}).encode(),
              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert a.status == 403
    a = fetch(f"{server}/sparql", method="POST", data=query.encode(), headers={"Content-Type": "application/sparql-update"})
    assert a.status == 403


def test_sparqlwrapper_update_is_refused(server):
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    sw = SPARQLWrapper(f"{server}/sparql")
    sw.setMethod(POST)
    sw.setQuery("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)):
        sw.query()
    count = wrapper(server, "ASK { <http://example.org/a> ?p ?o }", "json").queryAndConvert()
    assert count["boolean"] is False


def test_time_limit_stops_a_cartesian_product(server):
    """The server was started with --timeout 3: a query that would run for hours is stopped, and the next works."""
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    a = fetch(f"{server}/sparql?query=" + quote(q), timeout=60)
    took = time.monotonic() - started
    assert a.status == 503 and "time limit" in a.text
    assert took < 10
    from SPARQLWrapper import JSON

    res = wrapper(server, SELECT_ORGS, JSON).queryAndConvert()
    assert len(res["results"]["bindings"]) == 5


def test_result_cap(server):
    """--max-results 100: a bigger answer is cut at 100 rows and says so."""
    a = fetch(f"{server}/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }"), accept="application/sparql-results+json")
    assert a.status == 200
    assert len(json.loads(a.text)["results"]["bindings"]) == 100
    assert a.headers["X-Result-Truncated"] == "true"


def test_cli_serve_help():
    from click.testing import CliRunner

    from kg.cli import cli

    r = CliRunner().invoke(cli, ["serve", "--help"])
    assert r.exit_code == 0 and "--max-results" in r.output and "--timeout" in r.output
    docs = (ROOT / "docs" / "serving.md").read_text(encoding="utf-8")
    for option in re.findall(r"(--[a-z][a-z-]+)", r.output):
        if option != "--help":
            assert f"`{option}" in docs, f"kg serve {option} is not in docs/serving.md"


# --- HTTP/1.1 persistent connections ---------------------------------------------------------------------

def test_keep_alive_two_requests_over_one_connection(server):
    """HTTP/1.1 keep-alive: a page and a SPARQL query over the same TCP connection (same local port)."""
    import http.client
    from urllib.parse import urlsplit

    u = urlsplit(server)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request("GET", f"/doc/{DJI}")
        r1 = conn.getresponse()
        assert r1.status == 200 and r1.version == 11 and b"<h1>" in r1.read()
        assert not r1.will_close
        first = conn.sock.getsockname()
        conn.request("POST", "/sparql", body=SELECT_ORGS.encode(),
                     headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
        r2 = conn.getresponse()
        assert r2.status == 200 and len(r2.read().splitlines()) == 6
        assert conn.sock is not None and conn.sock.getsockname() == first
        # a refused request with a body the server did not read leaves the connection usable
        conn.request("POST", "/doc/x", body=b"x" * 10_000)
        r3 = conn.getresponse()
        assert r3.status == 405
        r3.read()
        conn.request("HEAD", "/static/kg.css")
        r4 = conn.getresponse()
        assert r4.status == 200 and r4.read() == b""
        assert conn.sock.getsockname() == first
        # "Connection: close" is honoured
        conn.request("GET", "/static/kg.css", headers={"Connection": "close"})
        r5 = conn.getresponse()
        r5.read()
        assert r5.will_close
    finally:
        conn.close()


def test_canned_answers_are_kept_until_the_store_changes(built_store):
    """The second time a canned query is asked with the same values, no worker runs it; a rebuild (the
    store's listeners) forgets the kept answers."""
    from kg.serve.app import App, Request

    app = App(built_store, base=BASE, pool_size=1)
    try:
        ran = []
        real = app._run
        app._run = lambda text, **kw: ran.append(text) or real(text, **kw)
        req = Request("GET", "/queries/laws-for-organisation", {"organisation": ["DJI"], "format": ["json"]}, {})
        first = app.handle(req)
        second = app.handle(req)
        assert first.status == second.status == 200 and first.body == second.body and len(ran) == 1
        app.handle(Request("GET", "/queries/laws-for-organisation", {"organisation": ["OM"], "format": ["json"]}, {}))
        assert len(ran) == 2
        app.data.generation += 1  # what Data.refresh does after a rebuild, before it calls the listeners
        for listener in app.data.listeners:
            listener()
        assert app.handle(req).body == first.body and len(ran) == 3
    finally:
        app.close()


def test_cli_serve_refuses_a_memory_cap_too_small_to_start(built_store):
    from click.testing import CliRunner

    from kg.cli import cli

    r = CliRunner().invoke(cli, ["serve", "--store", str(built_store), "--max-memory", "50"])
    assert r.exit_code == 2 and "at least 128 MB" in r.output
