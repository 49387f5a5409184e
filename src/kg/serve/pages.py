"""The HTML pages: a page per resource, per report, per class; search; ontology; canned queries; errors.

Pages are in Dutch; names fall back to English where no Dutch one exists. Links show names, never bare
IRIs where a name exists. Each function returns the whole document as a string.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urlencode, urlsplit

from kg.serve import conneg
from kg.serve.data import (DCT, ENTITY_CLASSES, FOAF, KG, KIND, ONTOLOGY, OWL, RDF_TYPE, RDFS, SKOS, XSD,
                           Info, iri_term, local_name)
from kg.serve.html import Ctx, esc, page
from kg.serve.svg import Edge, Node, neighbourhood

# Names for the standard properties the ontology does not declare (nl, en).
STANDARD = {
    RDF_TYPE: "type",
    SKOS + "prefLabel": "naam",
    SKOS + "altLabel": "andere naam",
    SKOS + "exactMatch": "zelfde als",
    SKOS + "inScheme": "in schema",
    SKOS + "broader": "ruimer begrip",
    SKOS + "definition": "definitie",
    DCT + "title": "titel",
    DCT + "isPartOf": "is onderdeel van",
    DCT + "identifier": "identificatie",
    DCT + "publisher": "uitgever",
    DCT + "creator": "maker",
    DCT + "description": "beschrijving",
    DCT + "license": "licentie",
    FOAF + "page": "webpagina",
    RDFS + "label": "label",
    RDFS + "comment": "toelichting",
    RDFS + "subClassOf": "subklasse van",
    RDFS + "subPropertyOf": "subeigenschap van",
    RDFS + "domain": "domein",
    RDFS + "range": "bereik",
    RDFS + "isDefinedBy": "gedefinieerd in",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "afgeleid van",
    "http://www.w3.org/ns/oa#hasTarget": "doel",
    "http://www.w3.org/ns/oa#hasSource": "bron",
    "http://www.w3.org/ns/oa#hasSelector": "selector",
    "http://www.w3.org/ns/oa#start": "begin",
    "http://www.w3.org/ns/oa#end": "einde",
    "http://www.w3.org/ns/oa#exact": "exacte tekst",
    "http://www.w3.org/ns/oa#prefix": "tekst ervoor",
    "http://www.w3.org/ns/oa#suffix": "tekst erna",
    "https://schema.org/value": "waarde",
    "https://schema.org/unitText": "eenheid",
    OWL + "versionInfo": "versie",
    OWL + "versionIRI": "versie-IRI",
}

LEGAL = {KG + c for c in ("LegalInstrument", "Law", "Bill", "Code", "GeneralAdministrativeOrder", "EUAct",
                          "EURegulation", "EUDirective")}
REPORT_PART = re.compile(r"^(?P<report>.*/id/report/[^/#]+)/(?P<kind>sentence|paragraph|section|footnote|part)/"
                         r"(?P<key>[^#]+)$")


def category(types) -> str:
    types = set(types)
    if KG + "Organisation" in types:
        return "organisation"
    if types & LEGAL:
        return "legal"
    if KG + "Programme" in types:
        return "programme"
    if KG + "Kamerstuk" in types:
        return "kamerstuk"
    if KG + "Report" in types:
        return "report"
    return "other"


def pred_label(ctx: Ctx, p: str) -> str:
    if p in STANDARD:
        return STANDARD[p]
    info = ctx.data.onto_info.get(p)
    if info and info.has_label():
        return info.label()
    return STANDARD.get(p, local_name(p))


def class_label(ctx: Ctx, c: str) -> str:
    info = ctx.data.onto_info.get(c)
    return info.label() if info and info.has_label() else local_name(c)


def format_links(ctx: Ctx, path: str) -> tuple[str, list[tuple[str, str, str]]]:
    """Links to the RDF forms of a page at ``path`` (no suffix) and the matching <link rel=alternate>."""
    alts = [(f"{path}.{f.extension}", f.media_type, f.label) for f in conneg.RDF_FORMATS]
    html = '<p class="formats">Als gegevens: ' + " ".join(
        f'<a href="{esc(h)}" type="{esc(mt)}">{esc(lbl)}</a>' for h, mt, lbl in alts) + "</p>"
    return html, alts


def literal_html(o) -> str:
    lang = getattr(o, "language", None)
    text = esc(o.value)
    if lang:
        return f'{text}<span class="lang">@{esc(lang)}</span>'
    dt = o.datatype.value if getattr(o, "datatype", None) else XSD + "string"
    if dt in (XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"):
        return text
    return f'{text}<span class="lang">{esc(local_name(dt))}</span>'


def term_html(ctx: Ctx, o, infos: dict[str, Info]) -> str:
    import pyoxigraph as ox

    if isinstance(o, ox.NamedNode):
        return ctx.link(o.value, infos.get(o.value))
    if isinstance(o, ox.Literal):
        return literal_html(o)
    return esc(str(o))


# --- official identifiers ---------------------------------------------------------------------------

REGISTERS = (
    ("identifier.overheid.nl", "TOOI (register van overheidsorganisaties)"),
    ("wetten.overheid.nl", "wetten.overheid.nl"),
    ("eur-lex.europa.eu", "EUR-Lex"),
    ("data.europa.eu", "ELI (Europese wetgeving)"),
    ("zoek.officielebekendmakingen.nl", "officielebekendmakingen.nl"),
    ("officielebekendmakingen.nl", "officielebekendmakingen.nl"),
)


def register_name(url: str) -> str:
    host = urlsplit(url).hostname or ""
    for h, name in REGISTERS:
        if host == h or host.endswith("." + h):
            return name
    return host or url


def identifiers(out: list[tuple]) -> list[tuple[str, str, str | None]]:
    """(scheme, value, link) for a resource's official identifiers, linked to their registers."""
    props: dict[str, list[str]] = defaultdict(list)
    for p, o in out:
        props[p.value].append(o.value)
    rows: list[tuple[str, str, str | None]] = []
    seen_links: set[str] = set()
    for v in props.get(KG + "bwbId", []):
        link = f"https://wetten.overheid.nl/{v}"
        rows.append(("BWB-id (wetten.overheid.nl)", v, link))
        seen_links.add(link)
    for v in props.get(KG + "celex", []):
        link = f"https://eur-lex.europa.eu/legal-content/NL/TXT/?uri=CELEX:{v}"
        rows.append(("CELEX (EUR-Lex)", v, link))
        seen_links.add(link)
    tooi = [x for x in props.get(SKOS + "exactMatch", []) if "identifier.overheid.nl/tooi/" in x]
    for v in props.get(KG + "tooiCode", []):
        link = next((x for x in tooi if x.endswith("/" + v)), None)
        rows.append(("TOOI-code", v, link))
        if link:
            seen_links.add(link)
    if KG + "Kamerstuk" in props.get(RDF_TYPE, []):
        for v in props.get(DCT + "identifier", []):
            link = f"https://zoek.officielebekendmakingen.nl/{v}.html"
            rows.append(("Kamerstuk (officielebekendmakingen.nl)", v, link))
            seen_links.add(link)
    for p in (SKOS + "exactMatch", FOAF + "page"):
        for v in props.get(p, []):
            if v not in seen_links and v.startswith(("http://", "https://")):
                rows.append((register_name(v), v, v))
                seen_links.add(v)
    return rows


# --- sentences that mention a thing -------------------------------------------------------------------

def highlight(text: str, start: int, spans: list[tuple[int, int, str, str]]) -> str:
    """``text`` (which starts at offset ``start`` in the report) with spans (start, end, href, css class) as links.

    Overlapping spans: the first (then longest) wins.
    """
    out, pos = [], 0
    for s, e, href, cls in sorted(spans, key=lambda x: (x[0], -x[1])):
        a, b = s - start, e - start
        if a < pos or a < 0 or b > len(text) or b <= a:
            continue
        out.append(esc(text[pos:a]))
        inner = esc(text[a:b])
        out.append(f'<a class="m {esc(cls)}" href="{esc(href)}">{inner}</a>' if href else f"<mark>{inner}</mark>")
        pos = b
    out.append(esc(text[pos:]))
    return "".join(out)


def mention_sentences(ctx: Ctx, iri: str) -> str:
    rows = ctx.data.select(f"""
SELECT ?m ?ms ?me ?s ?ss ?text ?sec ?r WHERE {{
  ?m kg:refersTo {iri_term(iri)} ; kg:start ?ms ; kg:end ?me ; kg:inReport ?r .
  OPTIONAL {{ ?m kg:inSentence ?s . ?s kg:start ?ss ; kg:text ?text }}
  OPTIONAL {{ ?m kg:inSection ?sec }}
}} ORDER BY ?r ?ms""")
    if not rows:
        return ""
    infos = ctx.data.info({r["sec"].value for r in rows if r["sec"]} | {r["r"].value for r in rows})
    by_sentence: dict[tuple, dict] = {}
    for r in rows:
        key = (r["r"].value, r["s"].value if r["s"] else r["m"].value)
        item = by_sentence.setdefault(key, {"row": r, "spans": []})
        item["spans"].append((int(r["ms"].value), int(r["me"].value), "", ""))
    items = []
    for (report, _s), item in by_sentence.items():
        r = item["row"]
        sec = r["sec"].value if r["sec"] else None
        where = ctx.link(sec, infos.get(sec)) if sec else ""
        anchor = f'#s-{r["ss"].value}' if r["ss"] else ""
        into = f'<a href="{esc(ctx.href(report) + anchor)}">in het verslag</a>'
        if r["text"] is not None:
            body = highlight(r["text"].value, int(r["ss"].value), item["spans"])
        else:
            body = "<mark>" + esc(", ".join(str(s[0]) for s in item["spans"])) + "</mark>"
        items.append(f"<li><blockquote>{body}</blockquote>"
                     f'<p class="muted">{ctx.link(report, infos.get(report))}'
                     f'{" · " + where if where else ""} · {into}</p></li>')
    return (f'<h2 id="vermeldingen">Vermeldingen in de verslagen ({len(rows)})</h2>'
            f'<ul class="plain">{"".join(items)}</ul>')


# --- the neighbourhood picture ---------------------------------------------------------------------------

SKIP_NEIGHBOUR = {RDF_TYPE, KG + "kind", KG + "status", KG + "refersTo", SKOS + "inScheme", RDFS + "isDefinedBy"}


def neighbourhood_svg(ctx: Ctx, iri: str, info: Info, out: list, inc: list, infos: dict[str, Info]) -> str:
    import pyoxigraph as ox

    edges: list[Edge] = []
    seen: set[str] = {iri}

    def node(x: str) -> Node:
        i = infos.get(x) or Info(x)
        return Node(i.label(), ctx.href(x), category(i.types), title=i.label())

    def interesting(x: str) -> bool:
        i = infos.get(x)
        return bool(i and (set(i.types) & (set(ENTITY_CLASSES) | {KG + "Report"})))

    for p, o in out:
        if isinstance(o, ox.NamedNode) and p.value not in SKIP_NEIGHBOUR and o.value not in seen \
                and ctx.is_local(o.value) and not o.value.startswith(iri + "#"):
            if interesting(o.value) or not interesting(iri):
                seen.add(o.value)
                edges.append(Edge(node(o.value), pred_label(ctx, p.value), True))
    for s, p in inc:
        if p.value not in SKIP_NEIGHBOUR and s.value not in seen and interesting(s.value):
            seen.add(s.value)
            edges.append(Edge(node(s.value), pred_label(ctx, p.value), False))
    edges = edges[:10]
    if interesting(iri) and len(edges) < 14:
        rows = ctx.data.select(f"""
SELECT ?o (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  ?m kg:refersTo {iri_term(iri)} ; kg:inSentence ?s . ?m2 kg:inSentence ?s ; kg:refersTo ?o .
  FILTER(?o != {iri_term(iri)})
}} GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 20""")
        extra = [r for r in rows if r["o"].value not in seen][: 14 - len(edges)]
        more = ctx.data.info(r["o"].value for r in extra)
        infos.update(more)
        for r in extra:
            n = int(r["n"].value)
            edges.append(Edge(node(r["o"].value), f"samen genoemd ({n}×)", True, dashed=True))
    centre = Node(info.label(), "", category(info.types), title=info.label())
    return neighbourhood(centre, edges)


# --- a resource ----------------------------------------------------------------------------------------

def report_anchor(ctx: Ctx, iri: str) -> str | None:
    """Where in its report's page a part of a report is (a link), or None."""
    m = REPORT_PART.match(iri)
    if not m:
        return None
    kind, key = m.group("kind"), m.group("key")
    if kind == "sentence":
        frag = f"s-{key}"
    elif kind == "paragraph":
        frag = f"p-{key}"
    elif kind == "section":
        frag = "sec-" + key.replace("/sub/", "-sub-")
    elif kind == "footnote":
        frag = f"fn-{key}"
    else:
        frag = f"part-{key}"
    return ctx.href(m.group("report")) + "#" + frag


def resource_page(ctx: Ctx, iri: str, *, ontology: bool = False) -> str:
    import pyoxigraph as ox

    data = ctx.data
    out = data.outgoing(iri, ontology=ontology)
    inc = data.incoming(iri, limit=2001, ontology=ontology)
    if ontology and iri.startswith(KIND):  # what in the data has this kind
        inc += [(r["s"], r["p"]) for r in data.select(
            f"SELECT ?s ?p WHERE {{ VALUES ?p {{ kg:kind kg:status }} ?s ?p {iri_term(iri)} }} LIMIT 2000")]
    linked = {iri} | {o.value for _p, o in out if isinstance(o, ox.NamedNode)} | {s.value for s, _p in inc}
    infos = data.info(linked)
    info = infos.get(iri) or Info(iri)
    if ontology:
        info = data.onto_info.get(iri, info)
    types = [o.value for p, o in out if p.value == RDF_TYPE]
    kinds = [o.value for p, o in out if p.value in (KG + "kind", KG + "status")]
    label = info.label()
    en = info.labels.get("en")
    subtitle = en if en and en != label else None
    path = ctx.href(iri).split("#")[0]
    fmt_html, alts = format_links(ctx, path)

    body = []
    chips = [f'<span class="badge">{ctx.link(t, label=class_label(ctx, t))}</span>' for t in sorted(types)]
    chips += [f'<span class="badge">{ctx.link(k, infos.get(k))}</span>' for k in kinds]
    body.append(f'<p>{"".join(chips)}</p>')
    body.append(f'<p class="iri">{esc(iri)}</p>')
    where = report_anchor(ctx, iri)
    if where:
        body.append(f'<p><a href="{esc(where)}">Bekijk deze plek in het verslag</a></p>')
    if ontology and iri.startswith(KIND):
        body.append(f'<p><a href="{esc(ctx.url("/def/kg"))}#soorten">Alle soorten in de ontologie</a></p>')

    ids = identifiers(out)
    if ids:
        body.append('<h2 id="identificatie">Officiële identificatie</h2><table><tbody>')
        for scheme, v, link in ids:
            cell = f'<a href="{esc(link)}" rel="external">{esc(v)}</a>' if link else esc(v)
            body.append(f'<tr><td class="p">{esc(scheme)}</td><td>{cell}</td></tr>')
        status = [o.value for p, o in out if p.value == KG + "identifierStatus"]
        if status:
            word = {"confirmed": "bevestigd in een officiële bron", "lead": "aanwijzing (niet officieel bevestigd)"}
            body.append(f'<tr><td class="p">status</td><td>{esc(word.get(status[0], status[0]))}</td></tr>')
        body.append("</tbody></table>")

    text = [o for p, o in out if p.value == KG + "text"]
    if text:
        body.append(f"<blockquote>{esc(text[0].value)}</blockquote>")

    body.append('<h2 id="eigenschappen">Eigenschappen</h2><table><tbody>')
    grouped: dict[str, list] = defaultdict(list)
    for p, o in out:
        if p.value != RDF_TYPE:
            grouped[p.value].append(o)
    for p in sorted(grouped, key=lambda x: pred_label(ctx, x)):
        vals = sorted(grouped[p], key=lambda o: (getattr(o, "language", "") or "", str(o)))
        cells = "<br>".join(term_html(ctx, o, infos) for o in vals)
        body.append(f'<tr><td class="p">{ctx.link(p, label=pred_label(ctx, p))}</td><td>{cells}</td></tr>')
    body.append("</tbody></table>")

    by_pred: dict[str, list[str]] = defaultdict(list)
    for s, p in inc:
        by_pred[p.value].append(s.value)
    mentions = len(by_pred.pop(KG + "refersTo", []))
    if by_pred:
        body.append('<h2 id="inkomend">Verwijzingen hierheen</h2><table><tbody>')
        for p in sorted(by_pred, key=lambda x: pred_label(ctx, x)):
            subjects = sorted(set(by_pred[p]), key=lambda s: (infos.get(s) or Info(s)).label().casefold())
            shown = subjects[:60]
            cells = ", ".join(ctx.link(s, infos.get(s)) for s in shown)
            if len(subjects) > len(shown):
                cells += f' <span class="muted">… en {len(subjects) - len(shown)} meer</span>'
            body.append(f'<tr><td class="p">{esc(pred_label(ctx, p))} (van)</td><td>{cells}</td></tr>')
        body.append("</tbody></table>")
    if mentions:
        body.append(mention_sentences(ctx, iri))

    if not ontology:
        body.append('<h2 id="omgeving">Omgeving</h2><div class="figure">'
                    + neighbourhood_svg(ctx, iri, info, out, inc, infos) + "</div>")
    body.append(fmt_html)
    return page(ctx, label, "\n".join(body), subtitle=subtitle, alternates=alts)


# --- a report ------------------------------------------------------------------------------------------

def report_page(ctx: Ctx, iri: str) -> str:
    data = ctx.data
    R = iri_term(iri)
    rows = data.select(f"""
SELECT ?x ?type ?parent ?pos ?title ?num ?start ?line ?text WHERE {{
  ?x dcterms:isPartOf+ {R} ; dcterms:isPartOf ?parent ; a ?type .
  OPTIONAL {{ ?x kg:position ?pos }} OPTIONAL {{ ?x dcterms:title ?title }} OPTIONAL {{ ?x kg:number ?num }}
  OPTIONAL {{ ?x kg:start ?start }} OPTIONAL {{ ?x kg:line ?line }} OPTIONAL {{ ?x kg:text ?text }}
  OPTIONAL {{ ?x kg:footnoteNumber ?num }}
}}""")
    nodes: dict[str, dict] = {}
    children: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        x = r["x"].value
        if x in nodes:
            continue
        nodes[x] = {k: (r[k].value if r[k] is not None else None) for k in r}
        children[r["parent"].value].append(x)
    for k in children:
        children[k].sort(key=lambda x: (int(nodes[x]["start"] or 0), int(nodes[x]["pos"] or 0)))
    mrows = data.select(f"""
SELECT ?ms ?me ?e ?s WHERE {{ ?m kg:inReport {R} ; kg:refersTo ?e ; kg:start ?ms ; kg:end ?me ; kg:inSentence ?s }}""")
    ents = data.info({r["e"].value for r in mrows})
    spans: dict[str, list] = defaultdict(list)
    for r in mrows:
        e = r["e"].value
        spans[r["s"].value].append((int(r["ms"].value), int(r["me"].value), ctx.href(e),
                                    category(ents[e].types) if e in ents else "other"))
    notes: dict[str, list[str]] = {}
    for r in data.select(f"SELECT ?s ?f ?n WHERE {{ ?s kg:inReport {R} ; kg:hasFootnote ?f . ?f kg:footnoteNumber ?n }}"):
        notes.setdefault(r["s"].value, []).append(r["n"].value)

    out = []
    toc = []

    def render(x: str, depth: int) -> None:
        n = nodes[x]
        t = n["type"]
        if t == KG + "Part":
            anchor = f'part-{x.rsplit("/", 1)[1]}'
            out.append(f'<h2 id="{esc(anchor)}">{esc(n["title"])}</h2>')
            toc.append((0, anchor, n["title"]))
        elif t == KG + "Section":
            anchor = f'sec-{n["num"]}'
            out.append(f'<h3 id="{esc(anchor)}"><a href="{esc(ctx.href(x))}">{esc(n["num"])}</a> {esc(n["title"])}</h3>')
            toc.append((1, anchor, f'{n["num"]} {n["title"]}'))
        elif t == KG + "Subsection":
            m = re.search(r"/section/([^/]+)/sub/(\d+)$", x)
            anchor = f"sec-{m.group(1)}-sub-{m.group(2)}" if m else ""
            out.append(f'<h4 id="{esc(anchor)}">{esc(n["title"])}</h4>')
        elif t == KG + "Paragraph":
            sents = []
            for s in children.get(x, []):
                sn = nodes[s]
                if sn["type"] != KG + "Sentence" or sn["text"] is None:
                    continue
                marks = "".join(f'<sup><a href="#fn-{esc(k)}">{esc(k)}</a></sup>' for k in sorted(notes.get(s, []), key=int))
                sents.append(f'<span class="sent" id="s-{esc(sn["start"])}">'
                             f'{highlight(sn["text"], int(sn["start"]), spans.get(s, []))}{marks}</span>')
            out.append(f'<p id="p-{esc(n["line"])}">{" ".join(sents)}</p>')
            return
        elif t == KG + "Footnote":
            return
        for c in children.get(x, []):
            render(c, depth + 1)

    for c in children.get(iri, []):
        render(c, 0)
    footnotes = sorted((x for x in nodes if nodes[x]["type"] == KG + "Footnote"), key=lambda x: int(nodes[x]["num"] or 0))
    info = data.info([iri])[iri]
    meta_rows = data.outgoing(iri)
    minfo = data.info(o.value for _p, o in meta_rows if hasattr(o, "value") and str(o).startswith("<"))
    meta = ['<table><tbody>']
    for p, o in sorted(meta_rows, key=lambda po: pred_label(ctx, po[0].value)):
        if p.value in (RDF_TYPE, KG + "start", KG + "end"):
            continue
        meta.append(f'<tr><td class="p">{esc(pred_label(ctx, p.value))}</td><td>{term_html(ctx, o, minfo)}</td></tr>')
    meta.append("</tbody></table>")
    fmt_html, alts = format_links(ctx, ctx.href(iri))
    legend = ('<p class="legend muted">Gemarkeerd: <span><a class="m organisation" href="#">organisatie</a></span>'
              '<span><a class="m legal" href="#">wet of regeling</a></span><span><a class="m programme" href="#">'
              'programma</a></span><span><a class="m kamerstuk" href="#">Kamerstuk</a></span></p>')
    toc_html = "<nav aria-label=\"inhoud\"><h2>Inhoud</h2><ul>" + "".join(
        f'<li{" class=muted" if lvl == 0 else ""}><a href="#{esc(a)}">{esc(t)}</a></li>' for lvl, a, t in toc) + "</ul></nav>"
    fn_html = ""
    if footnotes:
        cites = defaultdict(list)
        for r in data.select(f"SELECT ?f ?k WHERE {{ ?f dcterms:isPartOf {R} ; kg:cites ?k }}"):
            cites[r["f"].value].append(r["k"].value)
        kinfo = data.info(k for ks in cites.values() for k in ks)
        items = []
        for f in footnotes:
            links = ", ".join(ctx.link(k, kinfo.get(k)) for k in cites.get(f, []))
            items.append(f'<li id="fn-{esc(nodes[f]["num"])}" value="{esc(nodes[f]["num"])}">{esc(nodes[f]["text"])}'
                         f'{" — " + links if links else ""}</li>')
        fn_html = f'<h2 id="voetnoten">Voetnoten</h2><ol>{"".join(items)}</ol>'
    body = (f'<p><span class="badge">{ctx.link(KG + "Report", label=class_label(ctx, KG + "Report"))}</span></p>'
            f'<p class="iri">{esc(iri)}</p>{"".join(meta)}{fmt_html}{toc_html}{legend}'
            f'<article class="report">{"".join(out)}</article>{fn_html}')
    return page(ctx, info.label(), body, alternates=alts)


# --- lists -----------------------------------------------------------------------------------------------

def home_page(ctx: Ctx) -> str:
    data = ctx.data
    counts = {r["t"].value: int(r["n"].value) for r in data.select(
        "SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t")}
    reports = data.select("SELECT ?r ?t ?y WHERE { ?r a kg:Report . OPTIONAL { ?r dcterms:title ?t } "
                          "OPTIONAL { ?r kg:year ?y } } ORDER BY DESC(?y) ?t")
    main = [KG + c for c in ("Organisation", "Law", "Bill", "Code", "GeneralAdministrativeOrder", "EUDirective",
                             "EURegulation", "EUAct", "Programme", "Kamerstuk", "Event", "Figure", "Report")]
    items = "".join(f'<li><a href="{esc(ctx.url("/class/" + local_name(c)))}">{esc(class_label(ctx, c))}</a> '
                    f'<span class="muted">({counts.get(c, 0)})</span></li>' for c in main if counts.get(c))
    reps = "".join(f'<li><a href="{esc(ctx.href(r["r"].value))}">{esc(r["t"].value if r["t"] else r["r"].value)}</a>'
                   f'{" <span class=muted>(" + esc(r["y"].value) + ")</span>" if r["y"] else ""}</li>' for r in reports)
    search = (
        f'<form class="query" action="{esc(ctx.url("/search"))}" method="get"><label for="q-home">Zoek een organisatie, '
        'wet of programma</label> <input id="q-home" name="q" type="search" placeholder="bijv. DJI of Opiumwet"> '
        '<button type="submit">Zoek</button></form>')
    body = f"""<p>Organisaties, wetten en wetsvoorstellen, EU-regelgeving, programma's en Kamerstukken uit de
jaarverslagen van ministeries, elk met de zinnen waarin het verslag ze noemt.</p>
{search}
<h2>Verslagen</h2><ul>{reps}</ul>
<h2>Wat erin staat</h2><ul class="cols">{items}</ul>
<p><a href="{esc(ctx.url('/class'))}">Alle klassen</a> · <a href="{esc(ctx.url('/def/kg'))}">De ontologie</a>
{'' if ctx.static else f' · <a href="{esc(ctx.url("/queries"))}">Vragen</a> · <a href="{esc(ctx.url("/sparql"))}">SPARQL-endpoint</a>'}</p>"""
    return page(ctx, "Jaarverslagen als linked data", body, subtitle="Dutch ministries' annual reports as linked data")


def index_page(ctx: Ctx) -> str:
    counts = {r["t"].value: int(r["n"].value) for r in ctx.data.select(
        "SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t")}
    rows = []
    for c in sorted((c for c in counts if c.startswith(KG)), key=lambda c: class_label(ctx, c).casefold()):
        rows.append(f'<tr><td><a href="{esc(ctx.url("/class/" + local_name(c)))}">{esc(class_label(ctx, c))}</a></td>'
                    f'<td>{ctx.link(c, label="kg:" + local_name(c))}</td><td>{counts[c]}</td></tr>')
    body = ("<table><thead><tr><th>klasse</th><th>in de ontologie</th><th>aantal</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")
    return page(ctx, "Klassen", body, subtitle="Classes")


PAGE_SIZE = 200


def class_page(ctx: Ctx, local: str, *, page_no: int = 1) -> str | None:
    cls = KG + local
    if cls not in ctx.data.onto_info or not re.fullmatch(r"[A-Za-z]+", local):
        return None
    classes = ctx.data.subclasses(cls)
    values = " ".join(iri_term(c) for c in classes)
    described = set(ENTITY_CLASSES) | {KG + "Report", KG + "Event", KG + "Figure", KG + "Relation"}
    size = 10**9 if ctx.static else PAGE_SIZE  # a static site has no query string: one long page
    offset = (page_no - 1) * size
    if cls in described or cls == KG + "Entity":
        rows = ctx.data.select(f"""
SELECT ?s (COUNT(DISTINCT ?m) AS ?n) WHERE {{ VALUES ?t {{ {values} }} ?s a ?t . OPTIONAL {{ ?m kg:refersTo ?s }} }}
GROUP BY ?s""")
        counts = {r["s"].value: int(r["n"].value) for r in rows}
        infos = ctx.data.info(counts)
        ordered = sorted(counts, key=lambda s: (infos[s].label().casefold(), s))
    else:
        rows = ctx.data.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?t {{ {values} }} ?s a ?t }} ORDER BY ?s")
        ordered = [r["s"].value for r in rows]
        counts = {}
        infos = ctx.data.info(ordered[offset: offset + size])
    total = len(ordered)
    shown = ordered[offset: offset + size]
    kinds = ctx.data.info({infos[s].kind for s in shown if s in infos and infos[s].kind})
    trs = []
    for s in shown:
        i = infos.get(s) or Info(s)
        abbr: list[str] = []
        kind = ctx.link(i.kind, kinds.get(i.kind)) if i.kind else ""
        types = ", ".join(esc(class_label(ctx, t)) for t in i.types)
        en = i.labels.get("en", "")
        trs.append(f"<tr><td>{ctx.link(s, i)}{' ' + esc(', '.join(abbr)) if abbr else ''}</td>"
                   f'<td lang="en">{esc(en)}</td><td>{types}</td><td>{kind}</td>'
                   f"<td>{counts.get(s, '') if counts else ''}</td></tr>")
    pages = (total + size - 1) // size
    nav = ""
    if pages > 1:
        links = []
        for n in range(1, pages + 1):
            links.append(f"<strong>{n}</strong>" if n == page_no else
                         f'<a href="{esc(ctx.url("/class/" + local) + ("" if n == 1 else f"?page={n}"))}">{n}</a>')
        nav = '<p class="pages">Pagina: ' + " ".join(links) + "</p>"
    desc = ctx.data.onto_comment(cls)
    body = (f'<p>{esc(desc or "")}</p><p>{total} in totaal · {ctx.link(cls, label="in de ontologie")}</p>{nav}'
            '<table><thead><tr><th>naam</th><th>Engelse naam</th><th>klasse</th><th>soort</th><th>vermeldingen</th>'
            f'</tr></thead><tbody>{"".join(trs)}</tbody></table>{nav}')
    return page(ctx, class_label(ctx, cls), body, subtitle=f"kg:{local}")


def search_page(ctx: Ctx, index, q: str) -> str:
    form = (f'<form class="query" action="{esc(ctx.url("/search"))}" method="get" role="search">'
            f'<label for="q">Naam, afkorting of identificatie</label> '
            f'<input id="q" name="q" type="search" value="{esc(q)}" autofocus> <button type="submit">Zoek</button></form>')
    if ctx.static:
        return static_search_page(ctx, index, form)
    if not q.strip():
        return page(ctx, "Zoeken", form + "<p>Zoek op naam, afkorting of identificatie (BWB, CELEX, Kamerstuk).</p>",
                    subtitle="Search")
    hits = index.search(q)
    kinds = ctx.data.info({h.entry.kind for h in hits if h.entry.kind})
    rows = []
    for h in hits:
        e = h.entry
        types = ", ".join(esc(class_label(ctx, t)) for t in sorted(e.types))
        kind = ctx.link(e.kind, kinds.get(e.kind)) if e.kind else ""
        matched = "" if h.matched in (e.label,) else f' <span class="muted">({esc(h.matched)})</span>'
        abbr = ", ".join(sorted(e.abbreviations))
        rows.append(f"<tr><td>{ctx.link(e.iri, label=e.label)}{matched}</td><td>{esc(abbr)}</td>"
                    f"<td>{types}</td><td>{kind}</td></tr>")
    result = (f'<p>{len(hits)} resultaten voor “{esc(q)}”.</p><table class="results"><thead><tr><th>naam</th>'
              f'<th>afkortingen</th><th>klasse</th><th>soort</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
              if hits else f"<p>Niets gevonden voor “{esc(q)}”.</p>")
    return page(ctx, "Zoeken", form + result, subtitle="Search")


def static_search_page(ctx: Ctx, index, form: str) -> str:
    """The static site's search: every name in one alphabetical list (usable without scripts, and with the
    browser's find), each item carrying its folded names; /static/search.js ranks them as the server does
    and shows the best 50. No inline script, no request: the policy can stay ``script-src 'self'``."""
    from kg.serve.search import fold

    items = []
    for e in index.entries:
        keys = [fold(e.label)] + sorted({fold(n) for n in {e.label_en, *e.names} if n} - {fold(e.label)})
        abbr = sorted(fold(a) for a in e.abbreviations)
        shown = f' <span class="muted">({esc(", ".join(sorted(e.abbreviations)))})</span>' if e.abbreviations else ""
        items.append(f'<li data-k="{esc("|".join(keys))}" data-a="{esc("|".join(abbr))}">'
                     f"{ctx.link(e.iri, label=e.label)}{shown}</li>")
    body = (form + '<p id="search-status" aria-live="polite"></p><ol id="hits" class="hits" hidden></ol>'
            f'<div id="all"><h2>Alle {len(items)} namen</h2><ul class="cols" id="names">{"".join(items)}</ul></div>'
            f'<script src="{esc(ctx.url("/static/search.js"))}" defer></script>')
    return page(ctx, "Zoeken", body, subtitle="Search")


# --- the ontology -----------------------------------------------------------------------------------------

def ontology_page(ctx: Ctx) -> str:
    data = ctx.data

    def q(sparql: str) -> list[dict]:
        return data.select(sparql, ontology=True)

    def lab(iri: str, lang: str) -> str:
        i = data.onto_info.get(iri)
        if not i:
            return ""
        return i.labels.get(lang) or i.rdfs_labels.get(lang) or ""

    def comment(iri: str, lang: str) -> str:
        rows = q(f"SELECT ?c WHERE {{ {iri_term(iri)} rdfs:comment|skos:definition ?c FILTER(LANG(?c) = '{lang}') }}")
        return rows[0]["c"].value if rows else ""

    meta = {r["p"].value: r["o"] for r in q(f"SELECT ?p ?o WHERE {{ <{ONTOLOGY}> ?p ?o FILTER(!isLiteral(?o) || LANG(?o) IN ('', 'nl')) }}")}
    classes = [r["c"].value for r in q(f"SELECT DISTINCT ?c WHERE {{ ?c a <{OWL}Class> FILTER(STRSTARTS(STR(?c), '{KG}')) }}")]
    props = [r["p"].value for r in q(f"SELECT DISTINCT ?p WHERE {{ VALUES ?t {{ <{OWL}ObjectProperty> <{OWL}DatatypeProperty> "
                                     f"<{OWL}AnnotationProperty> }} ?p a ?t FILTER(STRSTARTS(STR(?p), '{KG}')) }}")]
    sup = defaultdict(list)
    for r in q("SELECT ?a ?b WHERE { ?a rdfs:subClassOf|rdfs:subPropertyOf ?b FILTER(isIRI(?b)) }"):
        sup[r["a"].value].append(r["b"].value)
    dom, rng = defaultdict(list), defaultdict(list)
    for r in q("SELECT ?p ?d WHERE { ?p rdfs:domain ?d FILTER(isIRI(?d)) }"):
        dom[r["p"].value].append(r["d"].value)
    for r in q("SELECT ?p ?d WHERE { ?p rdfs:range ?d FILTER(isIRI(?d)) }"):
        rng[r["p"].value].append(r["d"].value)

    def names(iris: list[str]) -> str:
        return ", ".join(ctx.link(x, data.onto_info.get(x), label=_short_name(ctx, x)) for x in sorted(iris))

    def entry(x: str, extra: str) -> str:
        ln = local_name(x)
        return (f'<dt id="{esc(ln)}">{esc(lab(x, "nl") or ln)} <span class="muted">— kg:{esc(ln)}</span>'
                f' <span lang="en" class="muted">({esc(lab(x, "en"))})</span></dt>'
                f'<dd><p>{esc(comment(x, "nl"))}</p><p lang="en" class="muted">{esc(comment(x, "en"))}</p>{extra}</dd>')

    cls_html = []
    for c in sorted(classes, key=lambda x: local_name(x)):
        extra = f'<p>Subklasse van: {names(sup[c])}</p>' if sup[c] else ""
        extra += f'<p><a href="{esc(ctx.url("/class/" + local_name(c)))}">Alle exemplaren</a></p>'
        cls_html.append(entry(c, extra))
    prop_html = []
    for p in sorted(props, key=lambda x: local_name(x)):
        extra = ""
        if dom[p]:
            extra += f"<p>Domein: {names(dom[p])}</p>"
        if rng[p]:
            extra += f"<p>Bereik: {names(rng[p])}</p>"
        if sup[p]:
            extra += f"<p>Subeigenschap van: {names(sup[p])}</p>"
        prop_html.append(entry(p, extra))
    schemes = q(f"SELECT ?s ?c WHERE {{ ?c <{SKOS}inScheme> ?s }}")
    by_scheme = defaultdict(list)
    for r in schemes:
        by_scheme[r["s"].value].append(r["c"].value)
    kind_html = []
    for s in sorted(by_scheme):
        items = ", ".join(ctx.link(c, data.onto_info.get(c)) for c in sorted(by_scheme[s], key=lambda c: lab(c, "nl")))
        kind_html.append(f"<h3>{ctx.link(s, data.onto_info.get(s))}</h3><p>{items}</p>")
    title = meta.get(DCT + "title")
    desc = meta.get(DCT + "description")
    version = meta.get(OWL + "versionInfo")
    fmt_html, alts = format_links(ctx, ctx.url("/def/kg"))
    body = (f'<p class="iri">{esc(ONTOLOGY)}</p><p>{esc(desc.value if desc else "")}</p>'
            f'<p>Versie {esc(version.value if version else "")} · prefix <code>kg:</code> = <code>{esc(KG)}</code></p>'
            f'{fmt_html}<p><a href="#klassen">Klassen</a> · <a href="#eigenschappen">Eigenschappen</a> · '
            f'<a href="#soorten">Soorten</a></p>'
            f'<h2 id="klassen">Klassen</h2><dl class="def">{"".join(cls_html)}</dl>'
            f'<h2 id="eigenschappen">Eigenschappen</h2><dl class="def">{"".join(prop_html)}</dl>'
            f'<h2 id="soorten">Soorten (SKOS)</h2>{"".join(kind_html)}')
    return page(ctx, title.value if title else "Ontologie", body, subtitle="Ontology documentation", alternates=alts)


def _short_name(ctx: Ctx, iri: str) -> str:
    from kg.vocab import PREFIXES

    for p, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{p}:{iri[len(ns):]}"
    return iri


# --- a named graph ----------------------------------------------------------------------------------------

def graph_page(ctx: Ctx, iri: str, triples: int, reports: list[str]) -> str:
    infos = ctx.data.info(reports)
    fmt_html, alts = format_links(ctx, ctx.href(iri))
    items = "".join(f"<li>{ctx.link(r, infos.get(r))}</li>" for r in reports)
    body = (f'<p class="iri">{esc(iri)}</p><p>De benoemde graaf met de gegevens van één verslag: {triples} triples.</p>'
            f"<ul>{items}</ul>{fmt_html}")
    return page(ctx, f"Graaf {local_name(iri)}", body, subtitle="Named graph", alternates=alts)


# --- canned queries ---------------------------------------------------------------------------------------

def query_form(ctx: Ctx, q, values: dict[str, str] | None = None) -> str:
    values = values or {}
    fields = []
    for p in q.parameters:
        val = values.get(p.name, "")
        req = " required" if p.required else ""
        fields.append(f'<p><label for="{esc(q.name)}-{esc(p.name)}">{esc(p.name)}'
                      f'{"" if p.required else " (optioneel)"}</label> '
                      f'<input type="text" id="{esc(q.name)}-{esc(p.name)}" name="{esc(p.name)}" value="{esc(val)}" '
                      f'placeholder="{esc(p.example)}"{req}> <span class="muted">{esc(p.description)}</span></p>')
    return (f'<form class="query" action="{esc(ctx.url("/queries/" + q.name))}" method="get" id="form-{esc(q.name)}">'
            f'{"".join(fields)}<button type="submit">Vraag stellen</button></form>')


def queries_page(ctx: Ctx, queries) -> str:
    items = []
    for q in queries:
        items.append(f'<section id="{esc(q.name)}"><h2><a href="{esc(ctx.url("/queries/" + q.name))}">{esc(q.title)}</a>'
                     f'</h2><p lang="en">{esc(q.description)}</p>{query_form(ctx, q)}</section>')
    body = ("<p>Vragen die analisten vaak stellen, als SPARQL-query's. Vul de parameters in; het antwoord is een tabel "
            "met links, ook te downloaden als CSV, TSV, JSON of XML.</p>" + "".join(items))
    return page(ctx, "Vragen", body, subtitle="Canned queries")


def result_table(ctx: Ctx, result) -> str:
    if result.boolean is not None:
        return f"<p><strong>{'ja' if result.boolean else 'nee'}</strong></p>"
    uris = {t["value"] for row in result.rows[:2000] for t in row.values() if t["type"] == "uri"}
    infos = ctx.data.info(u for u in uris if ctx.is_local(u))
    head = "".join(f"<th>{esc(v)}</th>" for v in result.variables)
    trs = []
    for row in result.rows[:2000]:
        cells = []
        for v in result.variables:
            t = row.get(v)
            if t is None:
                cells.append("<td></td>")
            elif t["type"] == "uri":
                cells.append(f"<td>{ctx.link(t['value'], infos.get(t['value']))}</td>")
            else:
                lang = f'<span class="lang">@{esc(t["xml:lang"])}</span>' if "xml:lang" in t else ""
                cells.append(f"<td>{esc(t['value'])}{lang}</td>")
        trs.append("<tr>" + "".join(cells) + "</tr>")
    more = f'<p class="muted">De eerste 2000 van {len(result.rows)} rijen.</p>' if len(result.rows) > 2000 else ""
    return (f'<p>{len(result.rows)} rij{"en" if len(result.rows) != 1 else ""}.</p>'
            f'<table class="results"><thead><tr>{head}</tr></thead><tbody>{"".join(trs)}</tbody></table>{more}')


def query_result_page(ctx: Ctx, q, values: dict[str, str], result, error: str | None, truncated: bool) -> str:
    parts = [f'<p lang="en">{esc(q.description)}</p>', query_form(ctx, q, values)]
    if error:
        parts.append(f'<p class="error">{esc(error)}</p>')
    elif result is not None:
        qs = urlencode(values)
        downloads = " ".join(f'<a href="{esc(ctx.url("/queries/" + q.name))}?{esc(qs + ("&" if qs else "") + "format=" + f)}">'
                             f"{f.upper()}</a>" for f in ("csv", "tsv", "json", "xml"))
        parts.append(f'<p class="formats">Download: {downloads}</p>')
        if truncated:
            parts.append('<p class="muted">Het antwoord is afgekapt op het maximale aantal rijen.</p>')
        parts.append(result_table(ctx, result))
    parts.append(f"<details><summary>SPARQL</summary><pre>{esc(q.text)}</pre></details>")
    return page(ctx, q.title, "".join(parts), subtitle=q.name)


def sparql_form_page(ctx: Ctx, query: str = "", result=None, error: str | None = None, truncated: bool = False) -> str:
    example = query or ("PREFIX kg: <https://kg.example.org/def/kg#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                        "SELECT ?org ?name WHERE {\n  ?org a kg:Organisation ; skos:prefLabel ?name .\n"
                        "  FILTER(LANG(?name) = \"nl\")\n} ORDER BY ?name LIMIT 20")
    parts = [f'<form class="query" action="{esc(ctx.url("/sparql"))}" method="get">'
             f'<label for="query" class="vh">SPARQL</label><textarea id="query" name="query" rows="10">{esc(example)}</textarea>'
             '<p><button type="submit">Uitvoeren</button></p></form>',
             "<p>SPARQL 1.1 Protocol: <code>GET</code> of <code>POST</code> op <code>/sparql</code>; antwoord als JSON, XML, "
             "CSV, TSV (SELECT, ASK) of Turtle, N-Triples, JSON-LD, RDF/XML (CONSTRUCT, DESCRIBE) naar de Accept-header. "
             "Alleen lezen: updates, LOAD en SERVICE worden geweigerd; er geldt een tijdslimiet en een maximum aantal rijen.</p>"]
    if error:
        parts.append(f'<p class="error">{esc(error)}</p>')
    if result is not None:
        if truncated:
            parts.append('<p class="muted">Het antwoord is afgekapt op het maximale aantal rijen.</p>')
        parts.append(result_table(ctx, result))
    return page(ctx, "SPARQL", "".join(parts), subtitle="SPARQL 1.1 endpoint")


# --- errors ------------------------------------------------------------------------------------------------

def not_found_page(ctx: Ctx, path: str, iri: str | None = None) -> str:
    what = f'<p class="iri">{esc(iri)}</p>' if iri else ""
    search = "" if ctx.static else f'<p><a href="{esc(ctx.url("/search"))}">Zoeken</a> · '
    body = (f"<p>Deze pagina bestaat niet: niets in de gegevens heeft dit adres.</p>{what}"
            f'{search}<a href="{esc(ctx.url("/"))}">Naar de start</a></p>'
            f'<p lang="en" class="muted">Not found: nothing in the data has this address.</p>')
    return page(ctx, "Niet gevonden", body, subtitle="404")


def error_page(ctx: Ctx, status: int, message: str) -> str:
    titles = {400: "Onjuist verzoek", 403: "Niet toegestaan", 405: "Methode niet toegestaan",
              406: "Geen passend formaat", 413: "Te groot", 500: "Fout in de server", 503: "Tijdelijk niet beschikbaar"}
    return page(ctx, titles.get(status, "Fout"), f'<p class="error">{esc(message)}</p>', subtitle=str(status))
