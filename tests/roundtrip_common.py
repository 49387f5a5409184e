"""Shared by the round-trip tests: the queries to compare, and the comparison itself.

The canned queries (queries/*.rq) run through `kg query --endpoint` when that exists; beside them a
fixed set of check queries covers what canned queries may not (GRAPH ?g, aggregates, datatypes,
language tags, OPTIONAL, string functions), so the round trip means something on every engine.
"""

from __future__ import annotations

import json

PREFIXES = """PREFIX kg: <https://kg.example.org/def/kg#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""

CHECK_QUERIES = {
    "classes": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c",
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "organisation-labels": "SELECT ?o ?label WHERE { ?o a kg:Organisation ; skos:prefLabel ?label } ORDER BY ?o ?label",
    "figures": "SELECT ?f ?v ?unit ?what WHERE { ?f a kg:Figure ; schema:value ?v ; schema:unitText ?unit ; kg:counts ?what } ORDER BY ?f",
    "event-dates": "SELECT ?e ?d (DATATYPE(?d) AS ?dt) WHERE { ?e kg:date ?d } ORDER BY ?e",
    "kamerstukken": "SELECT ?k ?id ?year ?chamber WHERE { ?k a kg:Kamerstuk ; dcterms:identifier ?id . "
                    "OPTIONAL { ?k kg:sessionYear ?year } OPTIONAL { ?k kg:chamber ?chamber } } ORDER BY ?k ?id",
    "mentions-per-entity": "SELECT ?e (COUNT(?m) AS ?n) WHERE { ?m kg:refersTo ?e } GROUP BY ?e ORDER BY DESC(?n) ?e",
    "sentence-lengths": "SELECT ?s (STRLEN(?t) AS ?len) (LANG(?t) AS ?lang) WHERE { ?s a kg:Sentence ; kg:text ?t } ORDER BY ?s",
    "quotes": "SELECT ?q ?exact WHERE { ?q a oa:TextQuoteSelector ; oa:exact ?exact FILTER(CONTAINS(?exact, \"wet\")) } ORDER BY ?q",
    "laws-with-bwb": "SELECT ?l ?bwb WHERE { ?l kg:bwbId ?bwb } ORDER BY ?bwb",
}


def canonical(rows: list[dict]) -> list[str]:
    """Rows as sorted JSON strings: ties in ORDER BY may come back in either order on different engines."""
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)


def canned_queries():
    """(name, params) of the canned queries, through kg.query's list function once it exists."""
    try:
        from kg import query as q
    except ImportError:
        return []
    for fn in ("list_queries", "queries", "available", "canned_queries"):
        if hasattr(q, fn):
            return list(getattr(q, fn)())
    return []


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30.0) -> None:
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def oxigraph_server(tmp_path_factory):
    """Yield the URL of an Oxigraph server: $KG_TEST_OXIGRAPH_URL (CI), else one started here and stopped after."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    url = os.environ.get("KG_TEST_OXIGRAPH_URL")
    if url:
        yield url.rstrip("/")
        return
    exe = Path(sys.executable).parent / "oxigraph"
    assert exe.exists(), f"the Oxigraph server ({exe}) comes with the test extra: pip install -e '.[test]'"
    port = free_port()
    data = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen([str(exe), "serve", "--location", str(data), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/query?query=ASK%7B%7D")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {d}
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
"""


def virtuoso_server(tmp_path_factory):
    """Yield (url, user, password) of a Virtuoso server: $KG_TEST_VIRTUOSO_URL (CI), else one started here
    when virtuoso-t is installed (Debian: virtuoso-opensource-7-bin), stopped after."""
    import os
    import shutil
    import subprocess

    import pytest

    url = os.environ.get("KG_TEST_VIRTUOSO_URL")
    if url:
        yield (url.rstrip("/"), os.environ.get("KG_TEST_VIRTUOSO_USER", "dba"),
               os.environ.get("KG_TEST_VIRTUOSO_PASSWORD", "dba"))
        return
    exe = shutil.which("virtuoso-t")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide Virtuoso (.ci/services.d/20-virtuoso.sh installs and starts it)")
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin); .ci/run installs it")
    d = tmp_path_factory.mktemp("virtuoso")
    http = free_port()
    (d / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=d, sql=free_port(), http=http), encoding="utf-8")
    proc = subprocess.Popen([exe, "-c", str(d / "virtuoso.ini"), "+foreground"], cwd=d,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{http}"
        wait_for(f"{url}/sparql?query=ASK%7B%7D", seconds=60)
        yield url, "dba", "dba"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
