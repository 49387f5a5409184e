"""The page frame, the style sheet and the small helpers every page uses.

Everything that comes from data goes through :func:`esc`. Pages carry no scripts at all, so the
Content-Security-Policy can forbid them; the neighbourhood picture is inline SVG with presentation
attributes (no ``style`` attributes, which the policy would block).
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from kg.serve.data import DEF, Data, Info, local_name

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
]


def esc(value: object) -> str:
    return _html.escape("" if value is None else str(value), quote=True)


@dataclass
class Ctx:
    """How a page links: the base IRI, the path the site is mounted at, and served or static."""

    data: Data
    base: str
    static: bool = False
    prefix: str = field(init=False)
    origin: str = field(init=False)

    def __post_init__(self) -> None:
        self.base = self.base.rstrip("/")
        parts = urlsplit(self.base)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.prefix = parts.path.rstrip("/")

    def url(self, path: str) -> str:
        """A path of the site (``/search``), under the mount prefix."""
        return self.prefix + path

    def is_local(self, iri: str) -> bool:
        return iri.startswith(self.base + "/") or iri.startswith(DEF)

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` goes: our page for what we serve, else the IRI itself."""
        if iri.startswith(DEF):
            return self.prefix + "/def/" + _quote_path(iri[len(DEF):])
        if iri.startswith(self.base + "/"):
            path = iri[len(self.base):]
            if path.startswith("/id/"):
                path = "/doc/" + path[4:]
            return self.prefix + _quote_path(path)
        return iri

    def link(self, iri: str, info: Info | None = None, *, label: str | None = None, cls: str = "") -> str:
        text = label if label is not None else (info.label() if info else local_name(iri))
        c = f' class="{esc(cls)}"' if cls else ""
        ext = "" if self.is_local(iri) else ' rel="external"'
        title = f' title="{esc(iri)}"'
        return f'<a href="{esc(self.href(iri))}"{c}{ext}{title}>{esc(text)}</a>'


def _quote_path(path: str) -> str:
    path, hash_, frag = path.partition("#")
    return quote(path, safe="/:@!$&'()*+,;=-._~") + (hash_ + quote(frag, safe="-._~") if hash_ else "")


def nav(ctx: Ctx) -> str:
    items = [("/", "Start"), ("/class", "Klassen"), ("/search", "Zoeken")]
    if not ctx.static:
        items += [("/queries", "Vragen"), ("/sparql", "SPARQL")]
    items.append(("/def/kg", "Ontologie"))
    links = " ".join(f'<a href="{esc(ctx.url(p))}">{esc(t)}</a>' for p, t in items)
    search = (  # a static site answers /search with search.html, whose script reads ?q=
        f'<form class="search" action="{esc(ctx.url("/search"))}" method="get" role="search">'
        '<label for="q-top" class="vh">Zoeken</label>'
        '<input id="q-top" name="q" type="search" placeholder="naam of afkorting" aria-label="Zoeken">'
        '<button type="submit">Zoek</button></form>')
    return f'<header><nav aria-label="hoofdmenu"><span class="brand">kg</span> {links}</nav>{search}</header>'


def page(ctx: Ctx, title: str, body: str, *, subtitle: str | None = None, alternates: list[tuple[str, str, str]] = (),
         lang: str = "nl") -> str:
    """A whole HTML document. ``alternates``: (href, media type, label) of the same resource in RDF."""
    alt_links = "".join(f'<link rel="alternate" type="{esc(mt)}" href="{esc(h)}" title="{esc(lbl)}">\n'
                        for h, mt, lbl in alternates)
    sub = f'<p class="subtitle">{esc(subtitle)}</p>' if subtitle else ""
    return f"""<!DOCTYPE html>
<html lang="{esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} — kg</title>
<link rel="stylesheet" href="{esc(ctx.url('/static/kg.css'))}">
{alt_links}</head>
<body>
{nav(ctx)}
<main>
<h1>{esc(title)}</h1>
{sub}
{body}
</main>
<footer><p>Gegevens uit de jaarverslagen van ministeries, als linked data. Elke bewering is herleidbaar tot de zin
waarop zij berust. <span lang="en">Data from Dutch ministries' annual reports.</span></p></footer>
</body>
</html>
"""


CSS = """
:root { --fg: #1b1b1b; --muted: #5d5d5d; --line: #d8d8d8; --bg: #fff; --accent: #154273; --mark: #fff1b8;
        --org: #1f6f8b; --legal: #8b3a1f; --prog: #3a7d2c; --kst: #6b4c9a; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between;
         padding: .6rem 1.2rem; background: var(--accent); color: #fff; }
header a { color: #fff; margin-right: .9rem; text-decoration: none; }
header a:hover, header a:focus { text-decoration: underline; }
.brand { font-weight: 700; margin-right: 1rem; }
form.search input { padding: .25rem .4rem; border: 0; border-radius: 3px; min-width: 14rem; }
form.search button { padding: .25rem .6rem; border: 0; border-radius: 3px; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
h1 { font-size: 1.7rem; margin: .6rem 0 .2rem; line-height: 1.25; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.08rem; margin-bottom: .3rem; }
a { color: var(--accent); }
.subtitle, .muted { color: var(--muted); }
.iri { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; word-break: break-all; }
.badge { display: inline-block; padding: 0 .45rem; border: 1px solid var(--line); border-radius: 1rem;
         font-size: .85rem; margin-right: .3rem; background: #f6f6f6; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; background: #f3f5f8; }
td.p { width: 16rem; color: var(--muted); }
.lang { color: var(--muted); font-size: .75rem; margin-left: .2rem; }
ul.plain { list-style: none; padding-left: 0; }
ul.cols { columns: 2 22rem; }
blockquote { margin: .5rem 0 1rem; padding: .2rem .8rem; border-left: 3px solid var(--line); }
mark, a.m { background: var(--mark); color: inherit; }
a.m { text-decoration: none; border-bottom: 1px solid var(--accent); }
a.m.organisation { border-bottom-color: var(--org); }
a.m.legal { border-bottom-color: var(--legal); }
a.m.programme { border-bottom-color: var(--prog); }
a.m.kamerstuk { border-bottom-color: var(--kst); }
.report p { margin: .4rem 0 .8rem; }
.report .sent:target { outline: 2px solid var(--accent); }
.report h2 { font-size: 1.35rem; } .report h3 { font-size: 1.15rem; } .report h4 { font-size: 1rem; }
.legend span { margin-right: 1rem; }
.figure svg { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; background: #fcfcfd; }
.formats a { margin-right: .7rem; }
form.query { border: 1px solid var(--line); border-radius: 4px; padding: .6rem .8rem; margin: .6rem 0 1.2rem; }
form.query label { display: inline-block; min-width: 10rem; }
form.query input[type=text], form.query input[type=search] { padding: .25rem .4rem; min-width: 18rem; }
textarea { width: 100%; font-family: ui-monospace, monospace; font-size: .9rem; }
.error { border-left: 4px solid #b00020; padding: .4rem .8rem; background: #fdecee; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; padding: 1rem 1.2rem; max-width: 72rem; margin: 0 auto; }
dl.def dt { font-weight: 600; margin-top: .6rem; } dl.def dd { margin-left: 1.2rem; }
"""
