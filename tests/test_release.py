"""`kg export --release`: files, checksums, the official DCAT-AP-NL shapes, the JSON-LD context, atomicity."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import rdflib
from conftest import ROOT, SHARED
from rdflib.compare import isomorphic

from kg.errors import ConfigError, NotConformingError, UsageError
from kg.publish import release as rel
from kg.publish.release import CHECKSUMS, build_release, validate_catalog_file, verify_checksums

SHAPES = SHARED / "standards" / "dcat-ap-nl-3.0"
KG = "https://kg.example.org/def/kg#"


@pytest.fixture(scope="module")
def release(tmp_path_factory, built_store, config) -> Path:
    out = tmp_path_factory.mktemp("release") / "release"
    build_release(built_store, out, config=config, shapes_dir=SHAPES)
    return out


def test_release_has_every_part(release: Path, built_store) -> None:
    from kg.store import graph_names, open_store

    names = {p.name for p in release.iterdir()}
    assert {"kg.ttl", "kg.nt", "kg.jsonld", "kg.trig", "context.jsonld", "catalog.ttl", CHECKSUMS,
            "ontology-kg.ttl", "ontology-kinds.ttl"} <= names
    keys = [g.rsplit("/", 1)[-1] for g in graph_names(open_store(built_store, read_only=True))]
    assert {f"report-{k}.ttl" for k in keys} <= names
    assert {f"shapes-{p.name}" for p in (ROOT / "shapes").glob("*.ttl")} <= names
    assert {f"query-{p.name}" for p in (ROOT / "queries").glob("*.rq")} <= names
    assert not [p for p in release.parent.iterdir() if p.name.startswith(".")]  # no temp folder left


def test_sha256sum_accepts_the_checksums(release: Path) -> None:
    listed = [line.split("  ", 1)[1] for line in (release / CHECKSUMS).read_text().splitlines()]
    assert sorted(listed) == sorted(p.name for p in release.iterdir() if p.name != CHECKSUMS)
    subprocess.run(["sha256sum", "--check", "--strict", "--quiet", CHECKSUMS], cwd=release, check=True)
    assert verify_checksums(release) == []


def test_catalogue_conforms_to_the_official_shapes(release: Path) -> None:
    report = validate_catalog_file(release / "catalog.ttl", shapes_dir=SHAPES)
    assert report.violations == ()
    assert report.conforms


def test_catalogue_describes_the_files_as_they_are(release: Path) -> None:
    g = rdflib.Graph().parse(release / "catalog.ttl")
    sums = dict(reversed(line.split("  ", 1)) for line in (release / CHECKSUMS).read_text().splitlines())
    q = """PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX spdx: <http://spdx.org/rdf/terms#>
           SELECT ?url ?size ?sum WHERE { ?d dcat:downloadURL ?url ; dcat:byteSize ?size ;
           spdx:checksum/spdx:checksumValue ?sum }"""
    rows = list(g.query(q))
    assert len(rows) == len(sums) - 1  # every file but the catalogue itself
    for url, size, digest in rows:
        name = str(url).rsplit("/", 1)[-1]
        assert str(url) == f"https://kg.example.org/release/{name}"
        assert int(size) == (release / name).stat().st_size
        assert str(digest) == sums[name]


def test_void_triples_match_the_n_triples_dump(release: Path) -> None:
    g = rdflib.Graph().parse(release / "catalog.ttl")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    triples = int(g.value(rdflib.URIRef("https://kg.example.org/id/dataset/all"), void.triples))
    assert triples == sum(1 for line in (release / "kg.nt").read_text().splitlines() if line.strip())


def test_trig_has_one_named_graph_per_report(release: Path, built_store) -> None:
    import pyoxigraph as ox

    from kg.store import graph_names, open_store

    graphs = {str(q.graph_name.value) for q in ox.parse(path=str(release / "kg.trig"), format=ox.RdfFormat.TRIG)
              if isinstance(q.graph_name, ox.NamedNode)}
    assert graphs == set(graph_names(open_store(built_store, read_only=True)))


def test_jsonld_uses_the_curated_context_and_round_trips(release: Path) -> None:
    data = json.loads((release / "kg.jsonld").read_text())
    assert data["@context"] == json.loads((release / "context.jsonld").read_text())["@context"]
    assert any(n.get("@type") == "Report" for n in data["@graph"])
    a = rdflib.Graph().parse(release / "kg.jsonld", format="json-ld")
    b = rdflib.Graph().parse(release / "kg.nt", format="nt")
    assert isomorphic(a, b)


def test_context_terms_match_the_ontology(report_graph) -> None:
    from rdflib.namespace import OWL, RDF

    ctx = rel.context()
    onto = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")

    def expand(v: object) -> str:
        i = v["@id"] if isinstance(v, dict) else v
        prefix, _, local = i.partition(":")
        return ctx[prefix] + local if prefix in ctx and isinstance(ctx[prefix], str) and not local.startswith("//") else i

    terms = {k: expand(v) for k, v in ctx.items() if not (isinstance(v, str) and v.endswith(("#", "/")))}
    declared = {str(s) for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                for s in onto.subjects(RDF.type, t) if str(s).startswith(KG)}
    ours = {i for i in terms.values() if i.startswith(KG)}
    assert ours - declared == set(), "context terms that the ontology does not define"
    assert declared - ours == set(), "ontology terms without a context term"
    used = {str(p) for p in report_graph.predicates()} - {str(RDF.type)}
    assert used - set(terms.values()) == set(), "properties in the graph without a context term"
    for k, v in ctx.items():  # object properties are coerced to IRIs
        if isinstance(v, dict) and expand(v) in declared and (rdflib.URIRef(expand(v)), RDF.type, OWL.ObjectProperty) in onto:
            assert v.get("@type") == "@id", k


def test_same_input_same_bytes(tmp_path: Path, built_store, config, release: Path) -> None:
    again = tmp_path / "again"
    build_release(built_store, again, config=config)
    assert (again / CHECKSUMS).read_bytes() == (release / CHECKSUMS).read_bytes()


def test_dates_come_from_config_or_source_date_epoch_never_the_clock(tmp_path, built_store, config) -> None:
    cat = {k: v for k, v in config.catalog.items() if k not in ("issued", "modified")}
    bare = dataclasses.replace(config, catalog=cat)
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        build_release(built_store, tmp_path / "r", config=bare, env={})
    assert not (tmp_path / "r").exists()
    build_release(built_store, tmp_path / "r", config=bare, env={"SOURCE_DATE_EPOCH": "946684800"})
    text = (tmp_path / "r" / "catalog.ttl").read_text()
    assert '"2000-01-01"^^xsd:date' in text and "2025-05-21" not in text


def test_download_base_option_overrides_the_configuration(tmp_path, built_store, config) -> None:
    build_release(built_store, tmp_path / "r", config=config, download_base="https://data.example.nl/kg/2024.1/")
    assert "<https://data.example.nl/kg/2024.1/kg.ttl>" in (tmp_path / "r" / "catalog.ttl").read_text()


def test_a_failure_midway_leaves_the_previous_release_untouched(tmp_path, built_store, config, monkeypatch) -> None:
    out = tmp_path / "release"
    build_release(built_store, out, config=config)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("kg.publish.catalog.build_catalog", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        build_release(built_store, out, config=config, download_base="https://elsewhere.example.org")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]


def test_a_nonconforming_catalogue_is_not_released(tmp_path, built_store, config, monkeypatch) -> None:
    from kg.publish import catalog

    out = tmp_path / "release"
    build_release(built_store, out, config=config)
    before = (out / CHECKSUMS).read_bytes()
    real = catalog.build_catalog

    def without_publisher(*args, **kwargs):
        g = real(*args, **kwargs)
        g.remove((None, rdflib.namespace.DCTERMS.publisher, None))
        return g

    monkeypatch.setattr("kg.publish.catalog.build_catalog", without_publisher)
    with pytest.raises(NotConformingError, match="does not conform"):
        build_release(built_store, out, config=config, shapes_dir=SHAPES, download_base="https://x.example.org")
    assert (out / CHECKSUMS).read_bytes() == before


def test_refuses_to_replace_a_folder_that_is_not_a_release(tmp_path, built_store, config) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.txt").write_text("precious")
    with pytest.raises(UsageError, match="not a kg release"):
        build_release(built_store, tmp_path / "home", config=config)
    assert (tmp_path / "home" / "thesis.txt").read_text() == "precious"


def test_cli_export_release_and_validate_catalog_function(tmp_path, built_store) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    out = tmp_path / "rel"
    r = CliRunner().invoke(cli, ["--config", str(ROOT / "kg.toml"), "export", "--store", str(built_store),
                                 "--release", str(out), "--shapes", str(SHAPES)])
    assert r.exit_code == 0, r.output
    assert "conforms to DCAT-AP-NL 3.0" in r.stderr
    broken = tmp_path / "broken.ttl"
    broken.write_text("\n".join(line for line in (out / "catalog.ttl").read_text().splitlines()
                                if "dcterms:publisher" not in line) + "\n")
    report = validate_catalog_file(broken, shapes_dir=SHAPES)
    assert not report.conforms and report.violations
    shutil.rmtree(out)


def test_kg_validate_catalog_on_a_release_conforms(tmp_path, built_store):
    """`kg validate --catalog` agrees with the release's own check: no false datatype violations."""
    import subprocess
    import sys

    rel = tmp_path / "rel"
    r = subprocess.run([sys.executable, "-m", "kg.cli", "export", "--store", str(built_store), "--release", str(rel)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    v = subprocess.run([sys.executable, "-m", "kg.cli", "validate", "--catalog", str(rel / "catalog.ttl")],
                       capture_output=True, text=True)
    assert v.returncode == 0, v.stdout + v.stderr
