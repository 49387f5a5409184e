"""Hostile and malformed RDF for `kg validate`, `kg query --endpoint` and `kg publish`: clear errors naming the
file (and line where the parser gives one), the documented exit code, and no network access.

A local HTTP server records every request; the files point their external entities, remote JSON-LD
contexts, owl:imports and SERVICE clauses at it, and every test checks that it saw nothing.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from faulty_http import FaultyHTTP, Rule

KG = [sys.executable, "-m", "kg.cli", "--config", str(ROOT / "kg.toml")]
RDF_NS = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/"'


def kg(*args, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.update({"KG_HTTP_RETRIES": "1", "KG_HTTP_BACKOFF": "0.05"})
    return subprocess.run([*KG, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


@pytest.fixture()
def recorder():
    """A server that must never be asked anything."""
    srv = FaultyHTTP()
    yield srv
    assert srv.seen == [], f"kg went to the network: {[(s.method, s.path) for s in srv.seen]}"
    srv.close()


def error_of(r: subprocess.CompletedProcess, code: int) -> str:
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert r.stdout == ""
    return r.stderr


def rdfxml(doctype: str, value: str) -> str:
    return (f'<?xml version="1.0"?>\n{doctype}\n<rdf:RDF {RDF_NS}>\n'
            f'  <rdf:Description rdf:about="http://example.org/a"><ex:p>{value}</ex:p></rdf:Description>\n</rdf:RDF>\n')


# --- kg validate on malformed files ----------------------------------------------------------------------

MALFORMED = {
    "kapot.ttl": ('@prefix ex: <http://example.org/> .\nex:a ex:b "unterminated .\n',
                  "kapot.ttl:2:11: invalid RDF: Parser error between line 2 column 11"),
    "kapot.nt": ("<http://example.org/a> a <http://example.org/C> .\n",
                 "kapot.nt:1:24: invalid RDF"),
    "kapot.jsonld": ('{"@id": "http://example.org/a",\n "http://example.org/p": [1, \n',
                     "kapot.jsonld:3:1: invalid RDF"),
    "geen-jsonld.jsonld": ('{"@id": 5}', "geen-jsonld.jsonld: invalid RDF: @id value must be a string"),
    "kapot.rdf": (rdfxml("", "<unclosed>"), "kapot.rdf: invalid RDF"),
    "leeg.trig": ("GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/p> }\n",
                  "leeg.trig:1:"),
    "bestand.csv": ("a,b\n1,2\n", "bestand.csv: cannot tell the RDF format from the extension '.csv'"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_name_file_and_line_exit_3(tmp_path, recorder, name):
    text, expected = MALFORMED[name]
    (tmp_path / name).write_text(text, encoding="utf-8")
    for engine in ("sparql", "pyshacl"):
        err = error_of(kg("validate", "--engine", engine, name, cwd=tmp_path), 3)
        assert err.startswith(f"error: {expected}"), err


def test_one_bad_file_among_good_ones_is_named(tmp_path, recorder):
    (tmp_path / "goed.ttl").write_text("<http://example.org/a> <http://example.org/p> 1 .\n", encoding="utf-8")
    (tmp_path / "kapot.ttl").write_text(MALFORMED["kapot.ttl"][0], encoding="utf-8")
    err = error_of(kg("validate", "goed.ttl", "kapot.ttl", cwd=tmp_path), 3)
    assert err.startswith("error: kapot.ttl:2:11:")


def test_a_malformed_shapes_file_is_named(tmp_path, recorder):
    (tmp_path / "vormen.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nsh:x sh:y\n", encoding="utf-8")
    (tmp_path / "data.ttl").write_text("<http://example.org/a> <http://example.org/p> 1 .\n", encoding="utf-8")
    err = error_of(kg("validate", "--shapes", "vormen.ttl", "data.ttl", cwd=tmp_path), 3)
    assert err.startswith(f"error: {tmp_path / 'vormen.ttl'}:3:1: invalid RDF"), err


# --- XML external entities, external DTDs, entity bombs --------------------------------------------------


def xxe_cases(url: str) -> dict[str, tuple[str, str]]:
    return {
        "xxe-file.rdf": (rdfxml('<!DOCTYPE rdf:RDF [\n  <!ENTITY x SYSTEM "file:///etc/passwd">\n]>', "&x;"),
                         "xxe-file.rdf:3: the XML declares the external entity 'x' (file:///etc/passwd); kg never "
                         "reads files or URLs named in a document (XXE)"),
        "xxe-http.rdf": (rdfxml(f'<!DOCTYPE rdf:RDF [ <!ENTITY y SYSTEM "{url}/evil.txt"> ]>', "&y;"),
                         f"xxe-http.rdf:2: the XML declares the external entity 'y' ({url}/evil.txt)"),
        "xxe-public.rdf": (rdfxml(f"<!DOCTYPE rdf:RDF [ <!ENTITY z PUBLIC '-//X//EN' '{url}/public.txt'> ]>", "&z;"),
                           f"xxe-public.rdf:2: the XML declares the external entity 'z' ({url}/public.txt)"),
        "xxe-parameter.rdf": (rdfxml(f'<!DOCTYPE rdf:RDF [ <!ENTITY % p SYSTEM "{url}/p.dtd"> %p; ]>', "x"),
                              "xxe-parameter.rdf:2: the XML declares the parameter entity 'p'"),
        "xxe-dtd.rdf": (rdfxml(f'<!DOCTYPE rdf:RDF SYSTEM "{url}/rdf.dtd">', "x"),
                        "xxe-dtd.rdf:2: the XML names an external DTD"),
    }


@pytest.mark.parametrize("name", ["xxe-file.rdf", "xxe-http.rdf", "xxe-public.rdf", "xxe-parameter.rdf", "xxe-dtd.rdf"])
def test_external_entities_are_never_resolved(tmp_path, recorder, name):
    text, expected = xxe_cases(recorder.url)[name]
    (tmp_path / name).write_text(text, encoding="utf-8")
    for args in (["--engine", "sparql"], ["--engine", "pyshacl"], ["--catalog"]):
        r = kg("validate", *args, name, cwd=tmp_path)
        err = error_of(r, 3)
        assert err.startswith(f"error: {expected}"), err
        assert "root:" not in err
    # the same file as shapes
    (tmp_path / "data.ttl").write_text("<http://example.org/a> <http://example.org/p> 1 .\n", encoding="utf-8")
    err = error_of(kg("validate", "--shapes", name, "data.ttl", cwd=tmp_path), 3)
    assert "XML" in err


def test_an_entity_expansion_bomb_is_refused_fast(tmp_path, recorder):
    levels = ['<!ENTITY a0 "' + "ha" * 5 + '">'] + [
        f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">' for i in range(1, 10)]
    (tmp_path / "bom.rdf").write_text(rdfxml("<!DOCTYPE rdf:RDF [\n" + "\n".join(levels) + "\n]>", "&a9;"), encoding="utf-8")
    started = time.monotonic()
    err = error_of(kg("validate", "bom.rdf", cwd=tmp_path), 3)
    assert err.startswith("error: bom.rdf: the XML entities would expand the document by more than 1,000,000 characters")
    assert time.monotonic() - started < 20


def test_small_internal_entities_are_still_read(tmp_path, recorder):
    (tmp_path / "klein.rdf").write_text(
        rdfxml('<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://example.org/"> <!ENTITY w "woord"> ]>', "&w; &w;"),
        encoding="utf-8")
    r = kg("validate", "klein.rdf", "-f", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr


# --- remote JSON-LD contexts, owl:imports, SERVICE ----------------------------------------------------------


@pytest.mark.parametrize("shape", ["plain", "list", "import", "scoped"])
def test_a_remote_json_ld_context_is_never_fetched(tmp_path, recorder, shape):
    url = f"{recorder.url}/context.jsonld"
    context = {
        "plain": f'"{url}"',
        "list": f'[{{"x": "http://example.org/x"}}, "{url}"]',
        "import": f'{{"@version": 1.1, "@import": "{url}"}}',
        "scoped": f'{{"p": {{"@id": "http://example.org/p", "@context": "{url}"}}}}',
    }[shape]
    (tmp_path / "data.jsonld").write_text(
        f'{{\n  "@context": {context},\n  "@id": "http://example.org/a",\n  "p": {{"@id": "http://example.org/b"}}\n}}\n',
        encoding="utf-8")
    for args in (["--engine", "sparql"], ["--engine", "pyshacl"], ["--catalog"]):
        err = error_of(kg("validate", *args, "data.jsonld", cwd=tmp_path), 3)
        assert err.startswith(f"error: data.jsonld:2: the JSON-LD context {url} is a remote document; kg never "
                              "fetches anything from the network"), err


def test_owl_imports_are_never_fetched(tmp_path, recorder):
    (tmp_path / "data.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<http://example.org/o> a owl:Ontology ; owl:imports <{recorder.url}/ontology.ttl> , "
        "<https://www.w3.org/ns/dcat3.ttl> .\n", encoding="utf-8")
    (tmp_path / "vormen.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<http://example.org/shapes> a owl:Ontology ; owl:imports <{recorder.url}/shapes.ttl> .\n"
        "<http://example.org/S> a sh:NodeShape ; sh:targetClass owl:Ontology ; sh:name \"s\"@nl, \"s\"@en ;\n"
        "  sh:message \"m\"@nl, \"m\"@en ; sh:severity sh:Violation ; sh:property <http://example.org/S-imports> .\n"
        "<http://example.org/S-imports> a sh:PropertyShape ; sh:path owl:imports ; sh:minCount 1 ; sh:name \"i\"@nl, \"i\"@en ;\n"
        "  sh:message \"m\"@nl, \"m\"@en ; sh:severity sh:Violation .\n",
        encoding="utf-8")
    for args in (["--engine", "sparql"], ["--engine", "pyshacl"]):
        r = kg("validate", *args, "data.ttl", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        r = kg("validate", *args, "--shapes", "vormen.ttl", "data.ttl", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
    r = kg("validate", "--catalog", "data.ttl", cwd=tmp_path)
    assert r.returncode in (0, 1), r.stderr  # not a catalogue: findings, but nothing fetched


def test_service_in_a_shape_is_refused(tmp_path, recorder):
    (tmp_path / "vormen.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:name \"s\"@nl, \"s\"@en ; sh:message \"m\"@nl, \"m\"@en ;\n"
        "  sh:severity sh:Violation ;\n  sh:sparql [ a sh:SPARQLConstraint ; sh:select \"\"\"\n"
        "    SELECT $this ?value WHERE {\n      $this a ex:C .\n"
        f"      service <{recorder.url}/sparql> {{ ?value ?p ?o }}\n    }}\"\"\" ] .\n", encoding="utf-8")
    (tmp_path / "data.nt").write_text(
        "<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/C> .\n",
        encoding="utf-8")
    for engine in ("sparql", "pyshacl"):
        err = error_of(kg("validate", "--engine", engine, "--shapes", "vormen.ttl", "data.nt", cwd=tmp_path), 3)
        assert "vormen.ttl:8: a SPARQL-based constraint of " in err and "uses SERVICE; kg validate never queries " \
            "other servers" in err, err


def test_service_as_a_name_is_not_refused(tmp_path, recorder):
    """kgk:security-service and ?service are names, not the keyword: the bundled shapes use the first."""
    from kg.validate import _SERVICE, _SPARQL_NOISE

    for text in ("FILTER (?k IN (kgk:security-service))", "SELECT ?service WHERE { ?service a <x:SERVICE> }",
                 '# SERVICE\nASK { ?s ?p "SERVICE" }'):
        assert not _SERVICE.search(_SPARQL_NOISE.sub(" ", text)), text
    for text in ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", "ASK { service silent <http://x/> {} }"):
        assert _SERVICE.search(_SPARQL_NOISE.sub(" ", text)), text


# --- kg query --endpoint and kg publish on hostile answers ------------------------------------------------------


@pytest.fixture()
def endpoint():
    srv = FaultyHTTP()
    yield srv
    srv.close()


def xxe_results(url: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE sparql [ <!ENTITY x SYSTEM "file:///etc/passwd"> '
            f'<!ENTITY y SYSTEM "{url}/evil"> ]>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            '<head><variable name="x"/></head><results><result><binding name="x"><literal>&x;&y;</literal>'
            '</binding></result></results></sparql>').encode()


@pytest.mark.parametrize(("body", "ctype", "message"), [
    (b'{"head": {"vars": ["x"]}, "results": {"bindings": [', "application/sparql-results+json",
     "did not answer SPARQL JSON results (got application/sparql-results+json, 51 bytes)"),
    (b'{"head": {}, "results": {"bindings": 5}}', "application/sparql-results+json", "did not answer SPARQL JSON results"),
    (b"\xff\xfe not json", "application/json", "did not answer SPARQL JSON results"),
    ("XXE", "application/sparql-results+xml", "did not answer SPARQL JSON results (got application/sparql-results+xml"),
])
def test_query_endpoint_with_malformed_or_hostile_answers(tmp_path, recorder, endpoint, body, ctype, message):
    endpoint.rules = [Rule("raw", body=xxe_results(recorder.url) if body == "XXE" else body, ctype=ctype)]
    err = error_of(kg("sparql", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", f"{endpoint.url}/query", cwd=tmp_path), 4)
    assert message in err and "root:" not in err, err


def test_query_endpoint_redirect_to_a_local_file_is_not_followed(tmp_path, endpoint):
    endpoint.rules = [Rule("redirect", location="file:///etc/passwd")]
    err = error_of(kg("sparql", "ASK {}", "--endpoint", f"{endpoint.url}/query", cwd=tmp_path), 4)
    assert "root:" not in err
    assert "302" in err or "redirect" in err.lower(), err


@pytest.fixture(scope="module")
def small_store(tmp_path_factory, config):
    from kg.build import build

    folder = tmp_path_factory.mktemp("hostile-store")
    p = folder / "alpha.txt"
    p.write_text("3.1 Beleidsverslag\n\n3.1.1 Werk\n\nDe Nationale Politie werkte samen met het OM.\n", encoding="utf-8")
    cfg = dataclasses.replace(config, base_iri="https://hostile.example.org")
    assert not build([p], config=cfg, store_dir=folder / "store", jobs=1).errors
    return folder / "store"


@pytest.mark.parametrize("answer", ["truncated", "XXE"])
def test_publish_with_hostile_verification_answers(tmp_path, recorder, endpoint, small_store, answer):
    body = xxe_results(recorder.url) if answer == "XXE" else b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n'
    endpoint.rules = [Rule("raw", method="POST", contains="COUNT", body=body,
                           ctype="application/sparql-results+xml" if answer == "XXE" else "application/json")]
    err = error_of(kg("publish", "--store", str(small_store), "--endpoint", endpoint.url, "--engine", "oxigraph",
                      cwd=tmp_path), 4)
    assert "did not answer SPARQL JSON results" in err and "root:" not in err, err


def test_publish_from_a_folder_that_is_not_a_store(tmp_path, endpoint):
    (tmp_path / "geen-store").mkdir()
    (tmp_path / "geen-store" / "CURRENT").write_bytes(b"\x00garbage\xff")
    r = kg("publish", "--store", "geen-store", "--endpoint", endpoint.url, "--engine", "oxigraph", cwd=tmp_path)
    err = error_of(r, 3)
    assert "geen-store" in err, err
    assert [s.method for s in endpoint.seen] == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/sparql", "notaurl", "http://[::1", "http:///x"])
def test_an_endpoint_is_an_http_url_never_a_file(tmp_path, small_store, url):
    for args in (["sparql", "ASK {}"], ["publish", "--store", str(small_store), "--engine", "oxigraph"],
                 ["publish", "--store", str(small_store)]):
        r = kg(*args, "--endpoint", url, cwd=tmp_path)
        err = error_of(r, 2)
        assert err.startswith(f"error: --endpoint {url!r}"), err
        assert "root:" not in err
