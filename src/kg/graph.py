"""Document model + extraction -> RDF triples (as N-Triples terms), per docs/model.md.

No rdflib here: the build path must stay fast (see bench/). Every IRI comes from a stable key.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.model import Extraction, Paragraph, Report, Sentence
from kg.ntriples import RDF_TYPE, Quad, Triple, decimal, integer, iri, lit, typed

KG_NS = "https://kg.example.org/def/kg#"
KIND_NS = "https://kg.example.org/def/kind/"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


def K(local: str) -> str:
    return f"<{KG_NS}{local}>"


def KK(local: str) -> str:
    return f"<{KIND_NS}{local}>"


def _p(ns: str, local: str) -> str:
    return f"<{ns}{local}>"


TYPE = RDF_TYPE
PREF = _p(SKOS, "prefLabel")
ALT = _p(SKOS, "altLabel")
PART_OF = _p(DCT, "isPartOf")
TITLE = _p(DCT, "title")
IDENT = _p(DCT, "identifier")
EXACT = _p(SKOS, "exactMatch")
PAGE = _p(FOAF, "page")
DERIVED = _p(PROV, "wasDerivedFrom")

KST_PAGE = "https://zoek.officielebekendmakingen.nl/{id}.html"
TWEEDE_KAMER = "https://identifier.overheid.nl/tooi/id/oorg/oorg10002"
EERSTE_KAMER = "https://identifier.overheid.nl/tooi/id/oorg/oorg10001"

_CHAMBER_KEYS = {"II": "tweede-kamer-der-staten-generaal", "I": "eerste-kamer-der-staten-generaal"}


class Minter:
    """Mints the project's IRIs under a base (docs/model.md, 'IRIs minted')."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def report(self, key: str) -> str:
        return f"{self.base}/id/report/{key}"

    def graph(self, key: str) -> str:
        return f"{self.base}/graph/{key}"

    def entity(self, kind: str, key: str) -> str:
        return f"{self.base}/id/{kind}/{key}"


def report_quads(report: Report, extraction: Extraction, *, base: str, chamber_orgs: dict[str, str] | None = None,
                 meta: dict[str, str] | None = None) -> list[Quad]:
    """All quads of one report's named graph."""
    g = iri(Minter(base).graph(report.key))
    return [(s, p, o, g) for s, p, o in report_triples(report, extraction, base=base, meta=meta)]


def report_triples(report: Report, extraction: Extraction, *, base: str, meta: dict[str, str] | None = None) -> list[Triple]:
    out: list[Triple] = []
    add = out.append
    m = Minter(base)
    r_iri = m.report(report.key)
    R = iri(r_iri)
    meta = meta or {}

    # --- the report and its structure ---------------------------------------------------------
    add((R, TYPE, K("Report")))
    add((R, TITLE, lit(meta.get("title") or f"{report.number} {report.title}", lang="nl")))
    add((R, K("number"), lit(report.number)))
    add((R, K("sourceFile"), lit(report.path.replace("\\", "/").rsplit("/", 1)[-1])))
    add((R, K("sha256"), lit(report.sha256)))
    add((R, K("start"), integer(report.heading_start)))
    add((R, K("end"), integer(len(report.text))))
    if meta.get("year"):
        add((R, K("year"), typed(str(meta["year"]), "gYear")))
    if meta.get("budget_chapter"):
        add((R, K("budgetChapter"), lit(str(meta["budget_chapter"]))))
    if meta.get("publisher"):
        add((R, _p(DCT, "publisher"), iri(meta["publisher"])))

    sentence_iri: dict[int, str] = {}
    para_iri: dict[int, str] = {}
    section_of_para: dict[int, str] = {}

    def para(p: Paragraph, parent: str, pos: int, section: str) -> None:
        P = iri(f"{r_iri}/paragraph/{p.line}")
        para_iri[p.start] = P
        section_of_para[p.start] = section
        add((P, TYPE, K("Paragraph")))
        add((P, PART_OF, parent))
        add((P, K("position"), integer(pos)))
        add((P, K("start"), integer(p.start)))
        add((P, K("end"), integer(p.end)))
        add((P, K("line"), integer(p.line)))
        for i, s in enumerate(p.sentences, start=1):
            sentence(s, P, i, section)

    def sentence(s: Sentence, parent: str, pos: int, section: str) -> None:
        S = iri(f"{r_iri}/sentence/{s.start}")
        sentence_iri[s.start] = S
        add((S, TYPE, K("Sentence")))
        add((S, PART_OF, parent))
        add((S, K("position"), integer(pos)))
        add((S, K("start"), integer(s.start)))
        add((S, K("end"), integer(s.end)))
        add((S, K("text"), lit(s.text, lang="nl")))
        add((S, K("inReport"), R))
        add((S, K("inSection"), section))
        for mk in s.markers:
            add((S, K("hasFootnote"), iri(f"{r_iri}/footnote/{mk.number}")))

    for i, p in enumerate(report.intro, start=1):
        para(p, R, i, R)
    for pi, part in enumerate(report.parts, start=1):
        if part.title:
            PT = iri(f"{r_iri}/part/{pi}")
            add((PT, TYPE, K("Part")))
            add((PT, PART_OF, R))
            add((PT, TITLE, lit(part.title, lang="nl")))
            add((PT, K("position"), integer(pi)))
            add((PT, K("start"), integer(part.start)))
            add((PT, K("end"), integer(part.end)))
            parent = PT
        else:
            parent = R
        for si, sec in enumerate(part.sections, start=1):
            SE = iri(f"{r_iri}/section/{sec.number}")
            add((SE, TYPE, K("Section")))
            add((SE, PART_OF, parent))
            add((SE, K("number"), lit(sec.number)))
            add((SE, TITLE, lit(sec.title, lang="nl")))
            add((SE, K("position"), integer(si)))
            add((SE, K("start"), integer(sec.start)))
            add((SE, K("end"), integer(sec.end)))
            pos = 0
            for p in sec.paragraphs:
                pos += 1
                para(p, SE, pos, SE)
            for ui, sub in enumerate(sec.subsections, start=1):
                SU = iri(f"{r_iri}/section/{sec.number}/sub/{ui}")
                add((SU, TYPE, K("Subsection")))
                add((SU, PART_OF, SE))
                add((SU, TITLE, lit(sub.title, lang="nl")))
                add((SU, K("position"), integer(ui)))
                add((SU, K("start"), integer(sub.start)))
                add((SU, K("end"), integer(sub.end)))
                for j, p in enumerate(sub.paragraphs, start=1):
                    para(p, SU, j, SE)
    for f in report.footnotes:
        F = iri(f"{r_iri}/footnote/{f.number}")
        add((F, TYPE, K("Footnote")))
        add((F, PART_OF, R))
        add((F, K("footnoteNumber"), integer(f.number)))
        add((F, K("text"), lit(f.text, lang="nl")))
        add((F, K("start"), integer(f.start)))
        add((F, K("end"), integer(f.end)))

    # sentence start -> paragraph / section, for mentions
    sent_para: dict[int, str] = {}
    sent_section: dict[int, str] = {}
    for p, _part, sec, _sub in report.paragraphs():
        for s in p.sentences:
            sent_para[s.start] = para_iri[p.start]
            sent_section[s.start] = section_of_para[p.start]

    # --- entities -----------------------------------------------------------------------------
    ent_iri = {ref: iri(m.entity(e.kind, e.key)) for ref, e in extraction.entities.items()}
    for ref in sorted(extraction.entities):
        e = extraction.entities[ref]
        E = ent_iri[ref]
        add((E, TYPE, K(e.cls)))
        add((E, PREF, lit(e.label, lang="nl")))
        if e.label_en:
            add((E, PREF, lit(e.label_en, lang="en")))
        add((E, K("kind"), KK(e.subkind)))
        for a in e.abbreviations:
            add((E, K("abbreviation"), lit(a, lang="nl")))
            add((E, ALT, lit(a, lang="nl")))
        for a in e.alt_labels:
            add((E, ALT, lit(a, lang="nl")))
        # Every name lower-cased, so that a query finds the entity by name in any case with an index
        # lookup (queries/*.rq bind the lower-cased parameter as ?<name>Key) instead of reading every label.
        for k in sorted({x.lower() for x in (e.label, e.label_en, *e.abbreviations, *e.alt_labels) if x}):
            add((E, K("nameKey"), lit(k)))
        if e.status:
            add((E, K("status"), KK(e.status)))
        for prop, value in e.identifiers:
            add((E, K(prop), lit(value)))
            add((E, IDENT, lit(value)))
        for x in e.exact_match:
            add((E, EXACT, iri(x)))
        for x in e.pages:
            add((E, PAGE, iri(x)))
        if e.identifier_status:
            add((E, K("identifierStatus"), lit(e.identifier_status)))
        if e.parent and ("organisation", e.parent) in extraction.entities:  # only to a described entity
            add((E, K("parentOrganisation"), iri(m.entity("organisation", e.parent))))
        if e.kind == "kamerstuk":
            add((E, IDENT, lit(e.key)))
            add((E, PAGE, iri(KST_PAGE.format(id=e.key))))
            if e.session_year:
                add((E, K("sessionYear"), lit(e.session_year)))
            if e.dossier:
                add((E, K("dossierNumber"), lit(e.dossier)))
            if e.number:
                add((E, K("documentNumber"), lit(e.number)))
            if e.chamber in _CHAMBER_KEYS:
                add((E, K("chamber"), iri(m.entity("organisation", _CHAMBER_KEYS[e.chamber]))))
                add((E, _p(DCT, "creator"), iri(TWEEDE_KAMER if e.chamber == "II" else EERSTE_KAMER)))

    # --- mentions (W3C Web Annotation), provenance to the sentence ----------------------------
    text = report.text
    for mn in extraction.mentions:
        M = f"{r_iri}/mention/{mn.start}-{mn.end}"
        Mi = iri(M)
        S = sentence_iri.get(mn.sentence_start)
        ref = (mn.kind, mn.key)
        if ref not in ent_iri:
            continue
        add((Mi, TYPE, K("Mention")))
        add((Mi, K("refersTo"), ent_iri[ref]))
        add((Mi, K("surfaceForm"), lit(mn.surface)))
        add((Mi, K("start"), integer(mn.start)))
        add((Mi, K("end"), integer(mn.end)))
        add((Mi, K("inReport"), R))
        T = iri(M + "#target")
        add((Mi, _p(OA, "hasTarget"), T))
        add((T, TYPE, _p(OA, "SpecificResource")))
        add((T, _p(OA, "hasSource"), S or R))
        POS, QUO = iri(M + "#position"), iri(M + "#quote")
        add((T, _p(OA, "hasSelector"), POS))
        add((T, _p(OA, "hasSelector"), QUO))
        add((POS, TYPE, _p(OA, "TextPositionSelector")))
        add((POS, _p(OA, "start"), integer(mn.start)))
        add((POS, _p(OA, "end"), integer(mn.end)))
        add((QUO, TYPE, _p(OA, "TextQuoteSelector")))
        add((QUO, _p(OA, "exact"), lit(mn.surface)))
        add((QUO, _p(OA, "prefix"), lit(text[max(0, mn.start - 32) : mn.start])))
        add((QUO, _p(OA, "suffix"), lit(text[mn.end : mn.end + 32])))
        if S:
            add((Mi, K("inSentence"), S))
            add((Mi, K("inParagraph"), sent_para[mn.sentence_start]))
            add((Mi, K("inSection"), sent_section[mn.sentence_start]))

    # --- citations: footnote cites Kamerstuk ---------------------------------------------------
    for c in extraction.citations:
        KS = ent_iri.get(("kamerstuk", c.kamerstuk))
        if KS:
            add((iri(f"{r_iri}/footnote/{c.footnote}"), K("cites"), KS))

    # --- figures, events, relations -----------------------------------------------------------
    for f in extraction.figures:
        FI = iri(f"{r_iri}/figure/{f.start}")
        add((FI, TYPE, K("Figure")))
        add((FI, _p(SCHEMA, "value"), decimal(f.value)))
        add((FI, _p(SCHEMA, "unitText"), lit(f.unit)))
        add((FI, K("counts"), lit(f.counts, lang="nl")))
        add((FI, K("surfaceForm"), lit(f.surface)))
        add((FI, K("start"), integer(f.start)))
        add((FI, K("end"), integer(f.end)))
        _locate(add, FI, f.sentence_start, R, sentence_iri, sent_para, sent_section)
    for ev in extraction.events:
        EV = iri(f"{r_iri}/event/{ev.start}-{ev.type}")
        add((EV, TYPE, K("Event")))
        add((EV, K("kind"), KK(ev.type)))
        add((EV, K("date"), _date(ev.date)))
        add((EV, _p(RDFS, "label"), lit(ev.surface, lang="nl")))
        add((EV, K("start"), integer(ev.start)))
        add((EV, K("end"), integer(ev.end)))
        for ref in ev.participants:
            if ref in ent_iri:
                add((EV, K("participant"), ent_iri[ref]))
        for ref in ev.concerns:
            if ref in ent_iri:
                add((EV, K("concerns"), ent_iri[ref]))
        _locate(add, EV, ev.sentence_start, R, sentence_iri, sent_para, sent_section)
    for rel in extraction.relations:
        if rel.subject not in ent_iri or rel.object not in ent_iri:
            continue
        RL = iri(f"{r_iri}/relation/{rel.start}-{rel.subject[1]}-{rel.predicate}-{rel.object[1]}")
        add((ent_iri[rel.subject], K(rel.predicate), ent_iri[rel.object]))
        add((RL, TYPE, K("Relation")))
        add((RL, K("subject"), ent_iri[rel.subject]))
        add((RL, K("predicate"), K(rel.predicate)))
        add((RL, K("object"), ent_iri[rel.object]))
        _locate(add, RL, rel.sentence_start, R, sentence_iri, sent_para, sent_section)
    return out


def _locate(add, node: str, sentence_start: int, R: str, sentence_iri, sent_para, sent_section) -> None:
    add((node, K("inReport"), R))
    S = sentence_iri.get(sentence_start)
    if S:
        add((node, K("inSentence"), S))
        add((node, K("inParagraph"), sent_para[sentence_start]))
        add((node, K("inSection"), sent_section[sentence_start]))
        add((node, DERIVED, S))


def _date(value: str) -> str:
    if len(value) == 10:
        return typed(value, "date")
    if len(value) == 7:
        return typed(value, "gYearMonth")
    return typed(value, "gYear")


def iter_kg_terms(triples: list[Triple]) -> Iterator[str]:
    """Every kg: term a list of triples uses (for the test that the ontology declares them all)."""
    for t in triples:
        for term in t:
            if term.startswith(f"<{KG_NS}"):
                yield term[len(KG_NS) + 1 : -1]
