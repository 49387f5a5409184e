"""Relations a sentence states: a Dutch law implements an EU directive; a Kamerstuk concerns the law or
programme of the sentence that cites it; a programme's responsible organisation ("programma X van ORG")."""

from __future__ import annotations

import re

from kg.model import Mention, Relation

# "implementeren", "omzetting", "zetten we de richtlijn om (in nationaal recht)" — the particle "om" closes the
# clause; "om de ... te" is a purpose — "ter uitvoering van"
_IMPLEMENT = re.compile(
    r"implement|omzet|omgezet|\bzet(?:ten)?\b[^.;]*\bom\b(?=[ \u00a0]*(?:[.,;:)]|$|in[ \u00a0]+(?:nationaal|Nederlands)))"
    r"|invoering van|ter uitvoering|uitvoering (?:aan|van)|\bvoer(?:en|t)?\b[^.;]*\buit\b(?=[ \u00a0]*(?:[.,;:)]|$))", re.I)
_EU_ANAPHOR = re.compile(r"\b(?:deze|die|beide|de(?:ze)?[ \u00a0]+twee)[ \u00a0]+(?:Europese[ \u00a0]+)?(?:richtlijnen|richtlijn|verordeningen|verordening)\b", re.I)
# "Met deze wet implementeren we de richtlijn ...": the law is the one named just before
_ANAPHOR = re.compile(r"\b(?:deze|die|dit|dat)\s+(?:wet|wetsvoorstel|wetten|wetsvoorstellen|implementatiewet)\b|\b(?:daarmee|hiermee)\b", re.I)


def implements(paragraph_sents: list[tuple[int, str, list[Mention]]], entities) -> list[Relation]:
    """Pairs Dutch laws/bills with the EU directives named in the same or an earlier sentence of the paragraph."""
    out: list[Relation] = []
    eu_seen: list[Mention] = []
    nl_seen: list[Mention] = []
    for sstart, stext, ms in paragraph_sents:
        legal = [m for m in ms if m.kind == "legal"]
        eu = [m for m in legal if entities[("legal", m.key)].cls in ("EUDirective", "EURegulation", "EUAct")]
        nl = [m for m in legal if entities[("legal", m.key)].cls in ("Law", "Bill", "Code", "GeneralAdministrativeOrder")]
        anaphor_at = None
        if not nl and eu and nl_seen and _IMPLEMENT.search(stext) and _ANAPHOR.search(stext):
            nl = [nl_seen[-1]]  # "deze wet": the Dutch law named last before this sentence
            anaphor_at = sstart + _ANAPHOR.search(stext).start()
        nl_seen.extend(m for m in legal if m in nl or entities[("legal", m.key)].cls in ("Law", "Bill", "Code", "GeneralAdministrativeOrder"))
        if _IMPLEMENT.search(stext) and nl:
            # an EU act of an earlier sentence only when this one refers back to it ("deze richtlijnen")
            targets = eu or (eu_seen if _EU_ANAPHOR.search(stext) else [])
            dirs = list(dict.fromkeys(m.key for m in targets))
            laws = list(dict.fromkeys(m.key for m in nl))
            if dirs:
                if len(dirs) == len(laws):
                    pairs = zip(laws, dirs)
                else:
                    pairs = ((a, b) for a in laws for b in dirs)
                for a, b in pairs:
                    first = next(m for m in nl if m.key == a)
                    at = anaphor_at if anaphor_at is not None else first.start
                    out.append(Relation(("legal", a), "implements", ("legal", b), sstart, at))
        eu_seen.extend(eu)
    return out


def concerns(cite_sentence: tuple[int, list[Mention]], marker_start: int, kamerstuk: str) -> Relation | None:
    sstart, ms = cite_sentence
    about = [m for m in ms if m.kind in ("legal", "programme")]
    if not about:
        return None
    before = [m for m in about if m.end <= marker_start]
    m = before[-1] if before else about[0]
    return Relation(("kamerstuk", kamerstuk), "concerns", (m.kind, m.key), sstart, m.start)


def responsible(text: str, sstart: int, ms: list[Mention]) -> list[Relation]:
    out = []
    progs = [m for m in ms if m.kind == "programme"]
    orgs = [m for m in ms if m.kind == "organisation"]
    for p in progs:
        for o in orgs:
            between = text[p.end - sstart:o.start - sstart] if o.start >= p.end else ""
            if 0 < len(between) <= 12 and re.fullmatch(r"\s*(?:van|van de|van het)\s*", between):
                out.append(Relation(("programme", p.key), "responsibleOrganisation", ("organisation", o.key), sstart, p.start))
    return out
