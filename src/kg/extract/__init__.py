"""Document model -> entities, mentions, citations, figures, events and relations (pure Python).

Entry point: ``extract(report, reference=...)``. See docs/extraction.md for how each extractor works.
"""

from __future__ import annotations

import re
from collections import defaultdict

from kg.extract import abbreviations, events, figures, gazetteer, legal, organisations, programmes, relations, resolve
from kg.extract.common import Candidate, compact, is_abbreviation
from kg.extract.kamerstukken import parse_citations
from kg.extract.phrases import CONNECTORS, FUNCTION_WORDS, Phrase, phrases
from kg.model import Citation, Entity, Extraction, Mention, Report
from kg.reference import Reference, RefEntry

__all__ = ["extract"]


_CHAMBER_NUMERAL = re.compile(r"\b(?:Kamerstukken|Handelingen) (?P<n>I{1,2})\b")


def _mask(report: Report) -> str:
    """The text with footnote-marker digits blanked (same length): "TK6" reads as "TK ". The chamber
    numeral of a citation ("Kamerstukken II") is blanked too: it is no abbreviation of anything."""
    chars = None
    for s in report.sentences():
        for mk in s.markers:
            if chars is None:
                chars = list(report.text)
            for i in range(mk.start, mk.end):
                chars[i] = " "
    for m in _CHAMBER_NUMERAL.finditer(report.text):
        if chars is None:
            chars = list(report.text)
        for i in range(m.start("n"), m.end("n")):
            chars[i] = " "
    return report.text if chars is None else "".join(chars)


_SUBJECT_OF = re.compile(r"(?<![\w-])(experiment|pilot|proef)\s+met\s+(?:de|het)\s+$", re.I)
_POST_HEAD = re.compile(r"\s+([a-z]+)(?![\w-])")


_COORD = frozenset(("en", "and", "&"))


def _starts_name(w: str) -> bool:
    return bool(organisations.head_kind(w, organisations.HEADS) or organisations.head_kind(w, programmes.HEADS))


def _after(ws, k: int) -> str:
    """The first word after position k that is not a connector ("en de Voorjaarsnota" -> "Voorjaarsnota")."""
    for j in range(k + 1, len(ws)):
        if ws[j][2].lower() not in CONNECTORS:
            return ws[j][2]
    return ""


def _split_coordinations(ps: list[Phrase]) -> list[Phrase]:
    """'RAA en Inspectie Inburgering', 'Algemene Rekenkamer en Inspecties': two names joined by 'en', not one.

    A phrase is split at 'en'/'and'/'&' when the word after it opens a name (a head such as Inspectie,
    Dienst, Stichting), the word before it closes one (a head), or either is an acronym. Names that contain
    a coordination ("Hit and Run Postteam", "Landelijke Expertise en Operaties", "Kind- en
    Gezinsbescherming") have none of these and stay whole."""
    out: list[Phrase] = []
    for p in ps:
        ws = p.words
        cut = [k for k in range(1, len(ws) - 1) if ws[k][2].lower() in _COORD and not ws[k - 1][2].endswith("-") and (
            _starts_name(_after(ws, k)) or _starts_name(ws[k - 1][2]) or is_abbreviation(ws[k - 1][2]) or is_abbreviation(_after(ws, k)))]
        if not cut:
            out.append(p)
            continue
        lo = 0
        for k in cut + [len(ws)]:
            part = ws[lo:k]
            while len(part) > 1 and part[0][2] in CONNECTORS:  # "... en de Tweede Kamer"
                part = part[1:]
            if part:
                first = lo == 0
                out.append(Phrase(part[0][0], part[-1][1], part, p.trigger if first else ws[lo - 1][2],
                                  p.trigger_start if first else ws[lo - 1][0], p.sentence_initial and first))
            lo = k + 1
    return out


def _phrase_candidates(masked: str, s_start: int, s_end: int, g: gazetteer.Gazetteer | None = None) -> list[Candidate]:
    out = []
    for p in _split_coordinations(phrases(masked[s_start:s_end], s_start)):
        words = [w for _, _, w in p.words]
        label = masked[p.start:p.end].strip()
        if p.sentence_initial and len(words) == 1:
            continue
        o = organisations.from_phrase(words, p.start, p.end, s_start, label)
        pr = programmes.from_phrase(words, p.start, p.end, s_start, label, p.trigger)
        if o is None and pr is None and p.trigger and organisations.named_by_trigger(p.trigger, words):
            # "monitoringscommissie Schneiders": the body word is part of the name
            t = p.trigger
            o = Candidate("organisation", p.trigger_start, p.end, t[:1].upper() + t[1:] + " " + label,
                          organisations.head_kind(t, organisations.HEADS)[1], "Organisation", None, "pattern", None, None, s_start)
        elif o is None and p.trigger.lower() in ("eenheid", "dienst", "stichting"):
            o = Candidate("organisation", p.start, p.end, label, organisations.HEADS.get(p.trigger.lower(), "other-organisation"), "Organisation", None, "pattern", None, None, s_start)
        trig = p.trigger.lower() if p.trigger.lower() in programmes.TRIGGERS else ""
        if o is None and (pr is not None or len(words) == 1):
            # a name that goes on in lower case: "deelprogramma Burgergerichte overheid"
            te = programmes.tail_end(masked, p.end, s_end, words, trig, FUNCTION_WORDS, masked[s_start:p.trigger_start])
            if te is not None:
                sub = pr.subkind if pr is not None else (organisations.classify(words, programmes.HEADS) or (0, "", "other-initiative"))[2]
                pr = Candidate("programme", p.start, te, masked[p.start:te], sub, "Programme", None, "pattern", None, None, s_start)
        if o is None and pr is None and not p.sentence_initial:
            before = masked[max(s_start, p.start - 40):p.start]
            m = _SUBJECT_OF.search(before)
            if m:  # "een experiment met de Regelrechter"
                pr = Candidate("programme", p.start, p.end, label, programmes.TRIGGERS.get(m.group(1).lower(), "experiment"), "Programme", None, "pattern", None, None, s_start)
            else:
                m = _POST_HEAD.match(masked, p.end, s_end)
                if m and len(words) >= 2 and m.group(1) in programmes.POST_HEADS:  # "Detentie & Re-integratie proces"
                    pr = Candidate("programme", p.start, p.end, label, programmes.POST_HEADS[m.group(1)], "Programme", None, "pattern", None, None, s_start)
        if pr is None and g is not None and _slogan(words, g):
            # "Politie voor Iedereen": a known body's name made into a title is an initiative, not a new body
            pr, o = Candidate("programme", p.start, p.end, label, "programme", "Programme", None, "pattern", None, None, s_start), None
        if o and pr:
            io = organisations.classify(words, organisations.HEADS)
            ip = organisations.classify(words, programmes.HEADS)
            if p.trigger.lower() in programmes.TRIGGERS or (ip and io and ip[0] < io[0]):
                o = None
            else:
                pr = None
        if o:
            out.append(o)
        if pr:
            out.append(pr)
    return out


def _slogan(words: list[str], g: gazetteer.Gazetteer) -> bool:
    """'Politie voor Iedereen': a one-word known organisation + 'voor'/'tegen' + capitalised words."""
    if len(words) < 3 or words[1] not in ("voor", "tegen") or not all(w[:1].isupper() for w in words[2:]):
        return False
    return any(r[0] == "organisation" for r in g.names.get(compact(words[0]), ()))


def _classify_long(text: str) -> tuple[str, str, str] | None:
    words = text.split()
    for heads, kind, cls in ((organisations.HEADS, "organisation", "Organisation"), (programmes.HEADS, "programme", "Programme")):
        hit = organisations.classify(words, heads)
        if hit:
            return kind, hit[2], cls
    return None


def extract(report: Report, *, reference: Reference) -> Extraction:
    g = gazetteer.build(reference)
    text = report.text
    masked = _mask(report)
    sents = report.sentences()
    ym = re.search(r"(?:19|20)\d\d", report.key)
    year = ym.group() if ym else None

    cands: list[Candidate] = []
    chambers: list[tuple[int, int]] = []
    defs: list[abbreviations.Definition] = []
    # footnote texts are read like sentences, for what they define (their mentions are dropped below)
    units = [(s.start, s.end) for s in sents] + [(f.start, f.end) for f in report.footnotes]
    unit_toks = []
    for a, b in units:
        st = masked[a:b]
        toks = gazetteer.tokens(st)
        unit_toks.append(toks)
        cands += [c for c in gazetteer.scan(g, st, a, a, toks)
                  if not c.label.isdigit() or programmes.plausible_number(masked, c.start, c.end)]
        cands += legal.find(st, a, a)
        cands += _phrase_candidates(masked, a, b, g)
        cands += organisations.institutions(st, a, a)
        cands += organisations.lowercase_partnerships(st, a, a)
        chambers += organisations.both_chambers(st, a)
        defs += abbreviations.find_definitions(st, a, a)
    resolve.trim_swallowed(cands, masked)
    for c in cands:
        resolve.alias(c, g)
    kept = resolve.choose(cands)

    # abbreviations defined in the text: bind each to its long form's entity
    by_end: dict[int, Candidate] = {}
    for c in kept:
        by_end[c.end] = c
    defined: dict[str, list[tuple[int, Candidate]]] = defaultdict(list)
    for d in defs:
        long = by_end.get(d.long_end)
        if long is None or (d.long_start >= 0 and long.start > d.long_start and long.source == "pattern"):
            if d.long_start < 0:
                continue
            ltext = masked[d.long_start:d.long_end]
            long_end = d.long_end
            kinds = _classify_long(ltext)
            if long is not None and kinds is None:
                pass
            elif kinds is None:
                after = masked[d.abbr_end + 1:d.abbr_end + 12]
                trig = re.match(r"\)?-(\w+)", after)
                if trig and trig.group(1).lower() in programmes.HEADS:
                    # "Digital Travel Credential (DTC)-pilot": the name runs on to the head after the bracket
                    kinds = ("programme", programmes.HEADS[trig.group(1).lower()], "Programme")
                    long_end = d.abbr_end + 1 + trig.end()
                    ltext = f"{ltext.rstrip()}-{trig.group(1)}"
                else:
                    continue
            if kinds is not None:
                long = Candidate(kinds[0], d.long_start, long_end, ltext, kinds[1], kinds[2], None, "abbreviation", None, None, d.sentence_start)
                resolve.alias(long, g)
                cands.append(long)
        defined[d.abbr].append((d.abbr_start, long))
        cands.append(Candidate(long.kind, d.abbr_start, d.abbr_end, long.label, long.subkind, long.cls, long.key, "abbreviation", long.status, d.abbr, d.sentence_start))

    # learned names: what the patterns and definitions found, applied to the rest of the text
    local = gazetteer.Gazetteer()
    shorts: set[str] = set()
    for c in resolve.choose(cands):
        if c.source == "reference":
            continue
        ref = (c.kind, c.entity_key())
        local.entries[ref] = RefEntry(c.kind, ref[1], "", c.label, c.cls, c.subkind, status=c.status)
        if c.abbreviation:
            local.add_abbreviation(c.abbreviation, ref)
        else:
            local.add_name(masked[c.start:c.end], ref)
            local.add_name(c.label, ref)
            short = programmes.short_form(c) if c.kind == "programme" and c.source == "pattern" else None
            if short and compact(short) not in local.names:
                # "Veiligheidsstrategie voor het Koninkrijk der Nederlanden 2023-2029", later "de Veiligheidsstrategie"
                local.add_name(short, ref)
                shorts.add(compact(short))
    for (a, b), toks in zip(units, unit_toks):
        for c in gazetteer.scan(local, masked[a:b], a, a, toks):
            if c.kind != "legal" and masked[c.start].islower():
                surf = compact(masked[c.start:c.end])
                if surf in shorts or (surf not in local.names and not c.abbreviation):
                    # a short form counts only capitalised ("het dreigingsbeeld" is a description), and so
                    # does an inflected one ("toekomstbestendige" is not the programme Toekomstbestendig)
                    continue
            c.source = "learned"
            c.key = c.key or None
            cands.append(c)
    # an abbreviation means what the nearest definition before it says
    for c in cands:
        a = c.abbreviation or masked[c.start:c.end].rstrip("s’'")
        if a in defined and c.source != "pattern":
            opts = defined[a]
            before = [o for o in opts if o[0] <= c.start]
            long = (before[-1] if before else opts[0])[1]
            c.kind, c.key, c.label, c.subkind, c.cls, c.status = long.kind, long.key, long.label, long.subkind, long.cls, long.status
    # footnote texts teach names and abbreviations ("EL PAcCTO (Europe Latin America Programme ...)"), but
    # mentions stay inside sentences: a mention is anchored to its sentence in the graph and the site
    sent_starts = {s.start for s in sents}
    final = [c for c in resolve.choose(cands) if c.sentence_start in sent_starts]
    if chambers:
        final = _both_chambers(final, chambers, g, sents)

    ex = Extraction()
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for c in final:
        ent = resolve.entity_for(c, g)
        prev = ex.entities.get(ent.ref)
        if prev is None:
            ex.entities[ent.ref] = ent
        if c.abbreviation and c.source != "reference" and c.abbreviation not in ex.entities[ent.ref].abbreviations:
            e0 = ex.entities[ent.ref]
            ex.entities[ent.ref] = _with_abbr(e0, c.abbreviation)
        m = Mention(ent.kind, ent.key, c.start, c.end, text[c.start:c.end], c.sentence_start)
        ex.mentions.append(m)
        by_sentence[c.sentence_start].append(m)

    # Kamerstukken cited in footnotes
    marker_at: dict[int, tuple[int, int]] = {}
    for s in sents:
        for mk in s.markers:
            marker_at.setdefault(mk.number, (s.start, mk.start))
    for f in report.footnotes:
        for pc in parse_citations(text[f.start:f.end], f.start):
            ref = ("kamerstuk", pc.key)
            if ref not in ex.entities:
                ex.entities[ref] = Entity(
                    kind="kamerstuk", key=pc.key, label=f"Kamerstuk {pc.dossier} nr. {pc.number}", cls="Kamerstuk",
                    subkind="kamerstuk", chamber=pc.chamber, session_year=pc.session_year, dossier=pc.dossier,
                    number=pc.number, pages=(f"https://zoek.officielebekendmakingen.nl/{pc.key}.html",),
                )
            ex.citations.append(Citation(f.number, pc.key, pc.start, pc.end))
            if f.number in marker_at:
                sstart, mstart = marker_at[f.number]
                r = relations.concerns((sstart, by_sentence.get(sstart, [])), mstart, pc.key)
                if r:
                    ex.relations.append(r)

    # figures, events, relations per sentence
    for p, *_ in report.paragraphs():
        psents = []
        for s in p.sentences:
            ms = by_sentence.get(s.start, [])
            st = masked[s.start:s.end]
            ex.figures += figures.find(st, s.start, s.start)
            ex.events += events.find(st, s.start, s.start, year, ms)
            ex.relations += relations.responsible(text[s.start:s.end], s.start, ms)
            psents.append((s.start, st, ms))
        ex.relations += relations.implements(psents, ex.entities)
    ex.relations = list({(r.subject, r.predicate, r.object, r.start): r for r in ex.relations}.values())
    return ex


def _both_chambers(final: list[Candidate], spans: list[tuple[int, int]], g: gazetteer.Gazetteer, sents) -> list[Candidate]:
    """'beide Kamers' names both chambers: one mention of each instead of whatever the scan made of 'Kamers'.

    The Tweede Kamer's mention spans 'beide Kamers', the Eerste Kamer's only 'Kamers': a mention is
    identified by its span (kg.graph), so two mentions of one span would merge into one."""
    refs = [r for name in ("Tweede Kamer der Staten-Generaal", "Eerste Kamer der Staten-Generaal")
            for r in g.names.get(compact(name), []) if r[0] == "organisation"]
    if len(refs) < 2:
        return final
    starts = [s.start for s in sents]
    out = [c for c in final if not (c.kind == "organisation" and any(c.start < b and a < c.end for a, b in spans))]
    from bisect import bisect_right

    for a, b in spans:
        sstart = starts[bisect_right(starts, a) - 1] if starts else 0
        for ref, start in zip(refs, (a, b - len("Kamers"))):
            e = g.entries[ref]
            out.append(Candidate("organisation", start, b, e.label, e.subkind, e.cls, e.key, "reference", e.status, None, sstart))
    return sorted(out, key=lambda c: (c.start, c.kind))


def _with_abbr(e: Entity, abbr: str) -> Entity:
    from dataclasses import replace

    return replace(e, abbreviations=tuple(dict.fromkeys(e.abbreviations + (abbr,))))
