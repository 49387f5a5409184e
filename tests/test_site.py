"""`kg export --site DIR`: the server's pages and per-resource RDF files as a static site."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def site(built_store, tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from kg.cli import cli

    root = Path(__file__).resolve().parents[1]
    out = tmp_path_factory.mktemp("site") / "site"
    r = CliRunner().invoke(cli, ["--config", str(root / "kg.toml"), "export", "--store", str(built_store),
                                 "--site", str(out)])
    assert r.exit_code == 0, r.output
    return out


def test_site_has_pages_and_rdf_per_resource(site):
    import rdflib

    dji = site / "doc/organisation/dienst-justitiele-inrichtingen"
    html = dji.with_suffix(".html").read_text(encoding="utf-8")
    assert "<h1>Dienst Justitiële Inrichtingen</h1>" in html and "<svg" in html
    assert 'href="/queries"' not in html and "<script" not in html.lower()  # no server-only parts
    for ext, fmt in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"), ("rdf", "xml")):
        g = rdflib.Graph().parse(dji.with_name(dji.name + "." + ext), format=fmt)
        assert (rdflib.URIRef("https://kg.example.org/id/organisation/dienst-justitiele-inrichtingen"), None, None) in g
    assert (site / "doc/report/jenv-jaarverslag-2024-beleidsverslag.html").is_file()
    assert (site / "doc/report/jenv-jaarverslag-2024-beleidsverslag/section/3.1.1.html").is_file()
    assert (site / "index.html").is_file() and (site / "static/kg.css").is_file()
    assert (site / "class/Organisation.html").is_file() and (site / "def/kg.html").is_file()
    assert (site / "def/kind/ministry.ttl").is_file() and (site / "search.html").is_file()
    assert (site / "graph/jenv-jaarverslag-2024-beleidsverslag.ttl").is_file()
    rules = (site / ".htaccess").read_text()
    assert "RewriteRule ^id/(.*)$ /doc/$1 [R=303,L]" in rules and "text/turtle" in rules


def test_site_refuses_a_folder_that_is_not_a_site(built_store, tmp_path):
    from kg.errors import UsageError
    from kg.serve.site import export_site

    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(UsageError):
        export_site(built_store, tmp_path, base="https://kg.example.org")
    assert (tmp_path / "precious.txt").read_text() == "keep me"


@pytest.mark.parametrize("path", ["/doc/../../etc/passwd", "/doc/a/../b", "/doc/./x", "/", "/doc/%2e%2e/x"])
def test_unsafe_paths_get_no_file_name(path):
    from kg.serve.site import safe_relpath

    rel = safe_relpath(path)
    assert rel is None or (".." not in rel.parts and "." not in rel.parts and not rel.is_absolute())


def test_safe_paths_keep_their_names():
    from kg.serve.site import safe_relpath

    assert safe_relpath("/doc/report/r/section/3.1.1") == Path("doc/report/r/section/3.1.1")
    assert safe_relpath("/doc/x y") == Path("doc/x%20y")
