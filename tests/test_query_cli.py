"""`kg query` and `kg sparql` as a user runs them: exit codes, stdout, messages; the local store and a
SPARQL endpoint (a tiny HTTP server here that answers canned SPARQL JSON, errors, rubbish or slowly)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from conftest import ROOT
from kg.query import LocalStore, list_queries, render, run_query

GRAPH = "https://kg.example.org/graph/jenv-jaarverslag-2024-beleidsverslag"


def kg(*args: str, timeout: float = 60):
    """The real entry point in a subprocess: exit codes and streams as a user sees them."""
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)


# --- local store --------------------------------------------------------------------------------------

def test_query_list_shows_every_question_and_its_parameters():
    r = kg("query", "list")
    assert r.returncode == 0, r.stderr
    for q in list_queries():
        assert q.name in r.stdout and q.title in r.stdout
        for p in q.parameters:
            assert f"--param {p.name}=<{p.type}>" in r.stdout
    assert "required" in r.stdout and "optional" in r.stdout


def test_laws_for_dji(built_store):
    r = kg("query", "laws-for-organisation", "--param", "organisation=DJI", "--store", str(built_store))
    assert r.returncode == 0, r.stderr
    assert "Penitentiaire beginselenwet" in r.stdout and r.stdout.rstrip().endswith("(1 row)")
    assert r.stderr == ""


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
def test_every_format_is_the_library_rendering(built_store, fmt):
    r = kg("query", "kamerstukken", "-p", "section=3.1.4", "-f", fmt, "--store", str(built_store))
    assert r.returncode == 0, r.stderr
    expected = render(run_query("kamerstukken", LocalStore(built_store), params={"section": "3.1.4"}), fmt)
    assert r.stdout.replace("\r\n", "\n") == expected.replace("\r\n", "\n")


def test_hostile_value_is_just_a_name(built_store):
    r = kg("query", "laws-for-organisation", "--param", 'organisation=DJI" } ; DROP ALL ; #', "-f", "json",
           "--store", str(built_store))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["results"]["bindings"] == []
    again = kg("query", "laws-for-organisation", "--param", "organisation=DJI", "-f", "csv", "--store", str(built_store))
    assert "Penitentiaire" in again.stdout  # nothing was dropped


def test_unknown_query_is_a_usage_error_listing_the_names(built_store):
    r = kg("query", "no-such-question", "--store", str(built_store))
    assert r.returncode == 2
    assert "no canned query named 'no-such-question'" in r.stderr and "laws-for-organisation" in r.stderr
    assert r.stdout == ""


def test_missing_required_parameter(built_store):
    r = kg("query", "laws-for-organisation", "--store", str(built_store))
    assert r.returncode == 2
    assert "needs --param organisation=" in r.stderr and "e.g. organisation=DJI" in r.stderr


@pytest.mark.parametrize("param,message", [("nope=1", "has no parameter 'nope'"), ("organisation", "KEY=VALUE")])
def test_bad_parameters(built_store, param, message):
    r = kg("query", "laws-for-organisation", "--param", param, "--store", str(built_store))
    assert r.returncode == 2 and message in r.stderr


def test_no_store_is_exit_3(tmp_path):
    r = kg("query", "timeline", "--store", str(tmp_path / "none"))
    assert r.returncode == 3 and "no kg store" in r.stderr


def test_sparql_text_and_file(built_store, tmp_path):
    r = kg("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://kg.example.org/def/kg#Kamerstuk> }",
           "-f", "csv", "--store", str(built_store))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "n" and int(r.stdout.splitlines()[1]) >= 10
    f = tmp_path / "ask.rq"
    f.write_text("ASK { ?s a <https://kg.example.org/def/kg#Report> }\n", encoding="utf-8")
    r = kg("sparql", f"@{f}", "--store", str(built_store))
    assert r.returncode == 0 and r.stdout == "yes\n"
    r = kg("sparql", f"@{f}", "-f", "json", "--store", str(built_store))
    assert json.loads(r.stdout) == {"head": {}, "boolean": True}


def test_sparql_syntax_error_names_line_and_column(built_store, tmp_path):
    f = tmp_path / "bad.rq"
    f.write_text("SELECT ?x\nWHERE {\n  ?x ?y .\n}\n", encoding="utf-8")
    r = kg("sparql", f"@{f}", "--store", str(built_store))
    assert r.returncode == 2
    assert f"{f}:4:1:" in r.stderr and "SPARQL syntax error" in r.stderr
    r = kg("sparql", "SELEC ?x", "--store", str(built_store))
    assert r.returncode == 2 and "query:1:" in r.stderr


def test_sparql_missing_file_is_exit_3(built_store, tmp_path):
    r = kg("sparql", f"@{tmp_path / 'none.rq'}", "--store", str(built_store))
    assert r.returncode == 3 and "none.rq" in r.stderr


def test_query_path_imports_neither_rdflib_nor_sparqlwrapper(built_store):
    code = ("import sys\nfrom kg.cli import cli\n"
            f"cli.main(['query', 'laws-for-organisation', '--param', 'organisation=DJI', '--store', {str(built_store)!r}],"
            " standalone_mode=False)\n"
            "print('LOADED:' + ','.join(m for m in ('rdflib', 'pyshacl', 'SPARQLWrapper') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.rstrip().endswith("LOADED:")


def test_every_question_is_in_the_catalogue_doc():
    doc = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    for q in list_queries():
        assert f"kg query {q.name}" in doc, q.name


# --- a SPARQL endpoint ---------------------------------------------------------------------------------

class FakeEndpoint:
    """A SPARQL endpoint on 127.0.0.1 whose answer the test chooses: ``mode`` and ``answer``."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.answer: bytes = b""
        self.requests: list[dict[str, list[str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode("utf-8"))
                outer.requests.append(form)
                mode = outer.mode
                if mode == "slow":
                    time.sleep(3)
                status = {"e400": 400, "e401": 401, "e404": 404, "e500": 500, "e503": 503}.get(mode, 200)
                if "GRAPH ?g" in form.get("query", [""])[0] and mode == "ok":
                    body = json.dumps({"head": {"vars": ["g"]}, "results": {"bindings": [
                        {"g": {"type": "uri", "value": GRAPH}},
                        {"g": {"type": "uri", "value": "http://www.openlinksw.com/schemas/virtrdf#"}}]}}).encode()
                    ctype = "application/sparql-results+json"
                elif mode == "html":
                    body, ctype = b"<html><body>Welcome to nginx</body></html>", "text/html"
                elif status != 200:
                    body, ctype = f"error {status}: Parse error at line 1".encode(), "text/plain"
                else:
                    body, ctype = outer.answer, "application/sparql-results+json"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/query"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def endpoint():
    ep = FakeEndpoint()
    yield ep
    ep.close()


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
def test_endpoint_gives_the_same_bytes_as_the_store(built_store, endpoint, fmt):
    local = run_query("laws-for-organisation", LocalStore(built_store), params={"organisation": "TK"})
    endpoint.answer = render(local, "json").encode()
    r = kg("query", "laws-for-organisation", "--param", "organisation=TK", "-f", fmt, "--endpoint", endpoint.url)
    assert r.returncode == 0, r.stderr
    assert r.stdout.replace("\r\n", "\n") == render(local, fmt).replace("\r\n", "\n")


def test_endpoint_request_binds_the_parameter_and_names_the_report_graphs(endpoint):
    endpoint.answer = json.dumps({"head": {"vars": ["legal"]}, "results": {"bindings": []}}).encode()
    r = kg("query", "laws-for-organisation", "--param", 'organisation=DJI" } DROP ALL #', "--endpoint", endpoint.url)
    assert r.returncode == 0, r.stderr
    listing, asked = endpoint.requests
    assert "GRAPH ?g" in listing["query"][0]
    assert asked["default-graph-uri"] == [GRAPH] and asked["named-graph-uri"] == [GRAPH]  # system graphs left out
    assert ('VALUES (?organisation ?organisationKey ?organisationAsIri) { ("DJI\\" } DROP ALL #" "dji\\" } drop all #"'
            ' <urn:x-kg:not-an-iri>) }') in asked["query"][0]


def test_endpoint_ask(endpoint):
    endpoint.answer = b'{"head": {}, "boolean": false}'
    r = kg("sparql", "ASK { ?s ?p ?o }", "--endpoint", endpoint.url, "-f", "xml")
    assert r.returncode == 0, r.stderr
    assert "<boolean>false</boolean>" in r.stdout


def test_endpoint_virtuoso_style_terms_are_normalised(endpoint):
    endpoint.answer = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
        {"n": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#int", "value": "7"}}]}}).encode()
    r = kg("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--endpoint", endpoint.url, "-f", "json")
    assert json.loads(r.stdout)["results"]["bindings"][0]["n"] == {
        "type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "7"}


@pytest.mark.parametrize("mode,code,message", [
    ("e500", 4, "failed (HTTP 500)"),
    ("e503", 4, "answered HTTP 503"),
    ("e404", 4, "no SPARQL endpoint at"),
    ("e401", 4, "refused access (HTTP 401)"),
    ("html", 4, "did not answer SPARQL JSON results (got text/html"),
    ("e400", 2, "rejected the query (HTTP 400): error 400: Parse error at line 1"),
])
def test_endpoint_errors(endpoint, mode, code, message):
    endpoint.mode = mode
    r = kg("query", "timeline", "--endpoint", endpoint.url)
    assert r.returncode == code, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_endpoint_timeout(endpoint):
    endpoint.mode = "slow"
    t0 = time.monotonic()
    r = kg("query", "timeline", "--endpoint", endpoint.url, "--timeout", "0.5")
    assert r.returncode == 4
    assert "did not answer within 0.5 s" in r.stderr and "--timeout" in r.stderr
    assert time.monotonic() - t0 < 2.5


def test_endpoint_down(endpoint):
    url = endpoint.url
    endpoint.close()
    r = kg("query", "timeline", "--endpoint", url.replace("127.0.0.1", "user:s3cret@127.0.0.1"))
    assert r.returncode == 4
    assert "cannot reach the SPARQL endpoint http://127.0.0.1:" in r.stderr and "is the server running" in r.stderr
    assert "s3cret" not in r.stderr
