"""`kg export --site DIR`: the server's pages and per-resource RDF files as a static site."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def site(static_site) -> Path:
    return static_site


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


def test_site_search_page_works_offline_without_inline_scripts(site):
    """search.html: a form, every name in an alphabetical list (usable without scripts), each item with its
    folded names for /static/search.js, which is a file of the site; no inline script anywhere."""
    import re

    html = (site / "search.html").read_text(encoding="utf-8")
    assert 'id="q"' in html and 'action="/search"' in html
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
    assert scripts == [""] and re.search(r'<script src="/static/search\.js" defer>', html)
    item = re.search(r'<li data-k="([^"]*)" data-a="([^"]*)"><a href="/doc/organisation/dienst-justitiele-inrichtingen"',
                     html)
    assert item and item.group(1).startswith("dienst justitiele inrichtingen|") and item.group(2) == "dji"
    assert html.count("<li data-k=") > 100
    assert "http://" not in html.replace('href="http', "").replace("http://www.w3.org", "")  # nothing fetched
    js = (site / "static/search.js").read_text(encoding="utf-8")
    for banned in ("eval(", "innerHTML", "fetch(", "XMLHttpRequest", "document.write", "http"):
        assert banned not in js, banned
    others = [p for p in site.rglob("*.html") if p.name != "search.html" and "<script" in p.read_text(encoding="utf-8")]
    assert others == []
    assert 'id="q-top"' in (site / "doc/organisation/dienst-justitiele-inrichtingen.html").read_text(encoding="utf-8")


def test_site_rules_allow_the_search_script_only(site):
    import re

    rules = (site / ".htaccess").read_text()
    policies = dict(re.findall(r'<Files(?:Match)? "([^"]+)">\s*Header set Content-Security-Policy "([^"]+)"', rules))
    general, search = policies["\\.html$"], policies["search.html"]
    assert "script-src" not in general and "default-src 'none'" in general and "frame-ancestors 'none'" in general
    assert "script-src 'self';" in search and "unsafe" not in search and "connect-src" not in search
    assert search.replace("script-src 'self'; ", "") == general
    assert "Header set X-Content-Type-Options nosniff" in rules and "Referrer-Policy" in rules


def test_site_search_ranks_like_the_server(site, tmp_path):
    """search.js run by Node on the page's list (a minimal DOM): DJI first for "dji", as on the server."""
    import json
    import re
    import shutil
    import subprocess

    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    html = (site / "search.html").read_text(encoding="utf-8")
    import html as h

    items = [{"k": h.unescape(k), "a": h.unescape(a), "text": h.unescape(t)} for k, a, t in
             re.findall(r'<li data-k="([^"]*)" data-a="([^"]*)"><a [^>]*>([^<]*)</a>', html)]
    harness = tmp_path / "run.js"
    harness.write_text("""
const items = JSON.parse(process.argv[2]); const q = process.argv[3];
function el(id) { return {id, hidden: false, textContent: "", children: [], form: null,
  get firstChild() { return this.children[0]; }, removeChild(c) { this.children.shift(); },
  appendChild(c) { this.children.push(c); }, addEventListener() {}}; }
const nodes = {q: el("q"), hits: el("hits"), all: el("all"), "search-status": el("search-status")};
const lis = items.map(i => ({dataset: {k: i.k, a: i.a}, text: i.text, cloneNode() { return this; }}));
global.document = {getElementById: id => nodes[id], querySelectorAll: () => lis};
global.location = {search: "?q=" + encodeURIComponent(q)}; global.history = {replaceState() {}};
require(process.argv[4]);
console.log(JSON.stringify({hits: nodes.hits.children.map(c => c.text), status: nodes["search-status"].textContent,
                            all_hidden: nodes.all.hidden}));
""", encoding="utf-8")
    def search(q: str) -> dict:
        out = subprocess.run([node, str(harness), json.dumps(items), q, str(site / "static/search.js")],
                             capture_output=True, text=True, timeout=60, check=True).stdout
        return json.loads(out)

    r = search("dji")
    assert r["hits"][0] == "Dienst Justitiële Inrichtingen" and r["all_hidden"] and "resultaten" in r["status"]
    assert "Penitentiaire beginselenwet" in search("penitentiaire")["hits"][:3]
    assert search("Justitiele")["hits"] == search("justitiële")["hits"] != []  # accents and case ignored
    assert len(search("e")["hits"]) == 50
    assert search("zzzzqqq")["hits"] == [] and "Niets gevonden" in search("zzzzqqq")["status"]
