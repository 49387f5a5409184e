"""``kg export --site DIR``: the server's pages and per-resource RDF files, written as a static site.

Each page the server answers at ``/doc/x`` is written to ``doc/x.html``, with ``doc/x.ttl``, ``.jsonld``,
``.nt`` and ``.rdf`` beside it; the web server maps ``/id/x`` to ``/doc/x`` (303) and picks the file by the
Accept header (rules for Apache in the written ``.htaccess``, for nginx in docs/serving.md). The pages are
made by the same code as the server's, with the parts that need a server (search, queries, SPARQL) left out.

The site is written beside DIR and swapped in only when complete. File names come from IRIs: every path
segment is checked (no ``..``, no separators, no control characters), and a path that would leave DIR is
refused.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from kg.errors import UsageError
from kg.serve import conneg

MARK = ".kg-site"
_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")
_QUOTED = re.compile(r"^[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*$")

HTACCESS = """# kg static site: linked-data rules for Apache httpd (mod_rewrite, mod_headers, mod_mime).
# Needs AllowOverride FileInfo (or copy these lines into the virtual host). See docs/serving.md.
Options -MultiViews
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
AddType application/rdf+xml .rdf
AddType text/html .html
AddDefaultCharset utf-8
Header set Access-Control-Allow-Origin "*"
Header merge Vary Accept
Header set X-Content-Type-Options nosniff
<FilesMatch "\\.html$">
  Header set Content-Security-Policy "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
</FilesMatch>
# search.html runs /static/search.js (a file of the site; still no inline scripts, no requests)
<Files "search.html">
  Header set Content-Security-Policy "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
</Files>
Header set Referrer-Policy same-origin
Header set X-Frame-Options DENY
RewriteEngine On
# /id/... is a thing: 303 See Other to the page about it (Dutch URI strategy)
RewriteRule ^id/(.*)$ /doc/$1 [R=303,L]
# content negotiation: the RDF file matching the Accept header, else the HTML page
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteCond %{REQUEST_FILENAME}.ttl -f
RewriteRule ^(.+)$ $1.ttl [L]
RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteCond %{REQUEST_FILENAME}.jsonld -f
RewriteRule ^(.+)$ $1.jsonld [L]
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteCond %{REQUEST_FILENAME}.nt -f
RewriteRule ^(.+)$ $1.nt [L]
RewriteCond %{HTTP_ACCEPT} application/rdf\\+xml
RewriteCond %{REQUEST_FILENAME}.rdf -f
RewriteRule ^(.+)$ $1.rdf [L]
RewriteCond %{REQUEST_FILENAME}.html -f
RewriteRule ^(.+)$ $1.html [L]
ErrorDocument 404 /404.html
"""


# The static site's search (search.html): ranks the names listed on the page the way `kg serve` ranks them
# (kg.serve.search) and shows the best 50. It reads only the page it runs on: no request, no eval, no
# innerHTML — found items are clones of the page's own list items.
SEARCH_JS = """// kg static site: search over the names listed on search.html (see kg/serve/site.py).
(function () {
  "use strict";
  var LIMIT = 50;
  var input = document.getElementById("q");
  var hits = document.getElementById("hits");
  var all = document.getElementById("all");
  var status = document.getElementById("search-status");
  if (!input || !hits || !all) { return; }
  function fold(s) {
    return s.normalize("NFKD").replace(/\\p{M}/gu, "").toLowerCase().split(/\\s+/).filter(Boolean).join(" ");
  }
  var entries = Array.prototype.map.call(document.querySelectorAll("#names > li"), function (li, i) {
    return {li: li, order: i, keys: (li.dataset.k || "").split("|"),
            abbr: li.dataset.a ? li.dataset.a.split("|") : []};
  });
  function score(e, q) {
    var best = 0;
    e.keys.forEach(function (k, i) {
      var s = 0;
      if (k === q) { s = (i === 0 || e.abbr.indexOf(k) >= 0) ? 100 : 90; }
      else if (k.indexOf(q) === 0) { s = 70; }
      else if (k.replace(/-/g, " ").split(" ").some(function (w) { return w.indexOf(q) === 0; })) { s = 50; }
      else if (k.indexOf(q) >= 0) { s = 30; }
      if (s > best) { best = s; }
    });
    return best;
  }
  function run() {
    var text = input.value.trim();
    var q = fold(text);
    while (hits.firstChild) { hits.removeChild(hits.firstChild); }
    if (!q) { hits.hidden = true; all.hidden = false; status.textContent = ""; return; }
    var found = [];
    entries.forEach(function (e) { var s = score(e, q); if (s) { found.push({e: e, s: s}); } });
    found.sort(function (a, b) { return b.s - a.s || a.e.order - b.e.order; });
    found.slice(0, LIMIT).forEach(function (f) { hits.appendChild(f.e.li.cloneNode(true)); });
    status.textContent = found.length ? found.length + " resultaten voor \u201c" + text + "\u201d."
                                      : "Niets gevonden voor \u201c" + text + "\u201d.";
    hits.hidden = !found.length;
    all.hidden = true;
  }
  if (input.form) {
    input.form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      run();
      try { history.replaceState(null, "", "?q=" + encodeURIComponent(input.value)); } catch (err) { /* file: */ }
    });
  }
  input.addEventListener("input", run);
  var given = new URLSearchParams(location.search).get("q");
  if (given) { input.value = given; }
  run();
}());
"""


@dataclass(frozen=True)
class SiteResult:
    folder: Path
    pages: int
    files: int
    skipped: list[str]


def safe_relpath(path: str) -> Path | None:
    """A site path (``/doc/report/x/section/3.1``) as a relative file path, or None when it is not safe."""
    parts = [p for p in path.split("/") if p != ""]
    if not parts:
        return None
    out = []
    for p in parts:
        if not _SEGMENT.match(p):
            p = quote(p, safe="")
            if not _QUOTED.match(p):
                return None
        if p in (".", ".."):
            return None
        out.append(p)
    return Path(*out)


def _inside(root: Path, target: Path) -> bool:
    try:
        target.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def export_site(store_path: Path, folder: Path, *, base: str, progress: Callable[[str], None] | None = None) -> SiteResult:
    from kg.serve.app import App, Request

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not (folder / MARK).exists():
        raise UsageError(f"{folder} exists and is not a kg site; refusing to replace it",
                         hint="choose an empty or new folder for --site")
    tmp = folder.with_name(folder.name + ".writing")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    app = App(store_path, base=base, pool_size=0)
    app.ctx.static = True
    data = app.data
    pages = files = 0
    skipped: list[str] = []

    def get(path: str, fmt: str | None = None):
        query = {"format": [fmt]} if fmt else {}
        return app.handle(Request("GET", path, query, {"accept": "text/html"}))

    def write(rel: Path, body: bytes) -> None:
        nonlocal files
        target = tmp / rel
        if not _inside(tmp, target):
            raise UsageError(f"refusing to write outside the site folder: {rel}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        files += 1

    def page(path: str, rel: Path, *, rdf: bool = False) -> None:
        nonlocal pages
        resp = get(path)
        if resp.status != 200:
            skipped.append(path)
            return
        write(rel.with_name(rel.name + ".html"), resp.body)
        pages += 1
        if rdf:
            for f in conneg.RDF_FORMATS:
                r = get(path, f.key)
                if r.status == 200:
                    write(rel.with_name(rel.name + "." + f.extension), r.body)

    try:
        write(Path("index.html"), get("/").body)
        pages += 1
        write(Path("static/kg.css"), get("/static/kg.css").body)
        write(Path("static/search.js"), SEARCH_JS.encode("utf-8"))
        write(Path("404.html"), app.not_found("/").body)
        write(Path(".htaccess"), HTACCESS.encode("utf-8"))
        page("/class", Path("class"))
        page("/search", Path("search"))
        for r in data.select("SELECT DISTINCT ?t WHERE { ?s a ?t FILTER(STRSTARTS(STR(?t), STR(kg:))) }"):
            local = r["t"].value.rsplit("#", 1)[1]
            page(f"/class/{local}", Path("class", local))
        page("/def/kg", Path("def", "kg"), rdf=True)
        for r in data.select("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(<https://kg.example.org/def/kind/>))) }",
                             ontology=True):
            rest = r["s"].value[len("https://kg.example.org/def/"):]
            rel = safe_relpath("/def/" + rest)
            if rel is None:
                skipped.append(r["s"].value)
                continue
            page("/def/" + rest, rel, rdf=True)
        prefix = app.base + "/"
        for g in sorted(x.value for x in data.store.named_graphs()):
            if g.startswith(prefix + "graph/"):
                rel = safe_relpath(g[len(app.base):])
                if rel is None:
                    skipped.append(g)
                    continue
                page(g[len(app.base):], rel, rdf=True)
        subjects = sorted(r["s"].value for r in data.select(
            f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), \"{app.base}/id/\")) }}"))
        subjects = [s for s in subjects if "#" not in s]
        for i, s in enumerate(subjects, 1):
            rest = s[len(app.base) + len("/id/"):]
            rel = safe_relpath("/doc/" + rest)
            if rel is None:
                skipped.append(s)
                continue
            page("/doc/" + rest, rel, rdf=True)
            if progress and i % 50 == 0:
                progress(f"site: {i}/{len(subjects)} pages")
        (tmp / MARK).write_text("kg static site; rewritten by `kg export --site`\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        app.close()
    old = folder.with_name(folder.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if folder.exists():
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)
    return SiteResult(folder, pages, files, skipped)
