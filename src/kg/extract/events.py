"""Dated events: "Op 16 april 2024 nam de TK een motie aan", "Deze trad op 1 juli 2024 in werking".

A sentence with a date (day month [year], month [year], or "in/eind/begin YEAR" with a legislative verb)
becomes an event; its type comes from the verbs and nouns of the sentence; a date without a year takes the
report's year. Participants are the organisations the sentence names; it concerns the legal instruments
and programmes it names.
"""

from __future__ import annotations

import re

from kg.extract.common import clause_around
from kg.model import Event, Mention

_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]
_DATE = re.compile(
    r"(?<![\w])(?:(?P<d>\d{1,2})\s+)?(?P<m>" + "|".join(_MONTHS) + r")(?:\s+(?P<y>(?:19|20)\d\d))?(?![\w])", re.I
)
_YEAR = re.compile(r"(?:[Ii]n|[Ee]ind|[Bb]egin|[Hh]alverwege|[Ss]inds|[Pp]er|[Vv]anaf|[Tt]ot(?:\s+en\s+met)?)\s+(?P<y>(?:19|20)\d\d)(?![\w-])")
# "dit jaar" is the report's year
_THIS_YEAR = re.compile(r"(?<![\w])[Dd]it\s+jaar(?![\w])")
# clause boundaries inside a sentence: a date's event type is read from its own clause first
_CLAUSE = re.compile(r"[;:]|,\s+(?:en|maar|waarna|terwijl|waarbij|zodat|omdat|zodra|als|wanneer)\s|\s(?:en|maar)\s(?=\w+\s+(?:we|wij|zij|de|het)\b)")
# (pattern, type), first match wins
_TYPES = [
    (re.compile(r"\bmotie\b.*\baan\b|\bnam\b.*\bmotie\b", re.I), "motion-adopted"),
    (re.compile(r"in werking|inwerkingtreding|van kracht|van toepassing|\b(?:sinds|vanaf)\b[^.;]*\b(?:gelden|geldt|bestaat|bestaan)\b"
                r"|\b(?:gelden|geldt|bestaat|bestaan)\b[^.;]*\b(?:sinds|vanaf)\b|\b(?:sinds|vanaf|per)\b[^.;]*\b(?:verboden|verplicht)\b",
                re.I), "entry-into-force"),
    (re.compile(r"consultatie", re.I), "consultation"),
    (re.compile(r"Raad van State", re.I), "council-of-state-advice"),
    (re.compile(r"Eerste Kamer.*\b(aan|in)\b\.?$|\bEK\b.*\baan\b", re.I), "adopted-by-senate"),
    (re.compile(r"(\bTK\b|Tweede Kamer).*(\bnam\b.*\baan\b|stemde.*\bin\b)|\bnam(?:en)?\b.*(\bTK\b|Tweede Kamer).*\baan\b", re.I),
     "adopted-by-house-of-representatives"),
    (re.compile(r"dienden|ingediend|stuurden\b.*\b(TK|Kamer)\b|\bnaar de (TK|Kamer)\b|(?:deelden|informeerden)\b.*\b(TK|Kamer|parlement)\b"
                r"|\b(?:boden|bood)\b.*\b(?:TK|Kamer)\b.*\baan\b", re.I),
     "submitted-to-parliament"),
    (re.compile(r"\bpubliceerde\b.*\bevaluatie\b|\bevaluatie\b.*\b(?:gepubliceerd|verscheen)\b", re.I), "evaluation"),
    (re.compile(r"aangenomen|\bakkoord\b|afspraken|overeenstemming", re.I), "agreement-reached"),
    (re.compile(r"publiceerde|gepubliceerd|verschenen|presenteerde|eindrapport\w*|\brapportage\b|\brapporteerden?\b"
                r"|\b(?:bracht|brachten)\b.*\buit\b", re.I), "publication"),
    (re.compile(r"evaluatie", re.I), "evaluation"),
    (re.compile(r"afgerond|afgesloten|beëindigd|opgeleverd|leverde|\bloopt\b.*\btot\b", re.I), "completion"),
    (re.compile(r"startte|startten|gestart|van start|opgericht|richtten|geopend|\bstart\b|\bstarten\b|\bhervat\b|\bhervatten\b", re.I), "start"),
    (re.compile(r"besloten|besluit|bepaalden|gaf .* aan|verlengd|verlengde|verstrekte\b.*\bmandaat|vonnis|uitspraak"
                r"|vastgesteld|\bstelden?\b.*\bvast\b|\bverlaagden?\b|\bverhoogden?\b", re.I), "decision"),
]
_LEGISLATIVE = {"consultation", "council-of-state-advice", "adopted-by-senate", "adopted-by-house-of-representatives", "submitted-to-parliament", "entry-into-force", "motion-adopted"}


def _type(text: str) -> str:
    return next((t for rx, t in _TYPES if rx.search(text)), "other-event")


def _clause(text: str, pos: int) -> str:
    """The clause of the sentence around ``pos``."""
    return clause_around(text, pos, _CLAUSE)


def find(text: str, offset: int, sstart: int, year: str | None, mentions: list[Mention]) -> list[Event]:
    """Events of one sentence: one per distinct time expression. A full date (day or month) always makes an
    event; a bare year ("in 2023", "eind 2024", "dit jaar") only with a verb or noun that says what happened
    (ongoing activity and trends are not events)."""
    sentence_types: list[str] = []  # the whole sentence's type, worked out only when a clause has none

    def sentence_type() -> str:
        if not sentence_types:
            sentence_types.append(_type(text))
        return sentence_types[0]

    parts = tuple(sorted({(m.kind, m.key) for m in mentions if m.kind == "organisation"}))
    about = tuple(sorted({(m.kind, m.key) for m in mentions if m.kind in ("legal", "programme")}))
    out: list[Event] = []
    seen: set[str] = set()
    taken: list[tuple[int, int]] = []
    for m in _DATE.finditer(text):
        y = m.group("y") or year
        if not y:
            continue
        if m.group("d") and not 1 <= int(m.group("d")) <= 31:
            continue
        mon = _MONTHS.index(m.group("m").lower()) + 1
        date = f"{y}-{mon:02d}-{int(m.group('d')):02d}" if m.group("d") else f"{y}-{mon:02d}"
        taken.append(m.span())
        if date in seen:
            continue
        seen.add(date)
        ctype = _type(_clause(text, m.start()))
        etype = ctype if ctype != "other-event" else sentence_type()
        out.append(Event(offset + m.start(), offset + m.end(), etype, date, m.group(), sstart, parts, about))
    years = [(ym.start(), ym.end(), ym.group("y"), ym.group()) for ym in _YEAR.finditer(text)]
    if year:
        years += [(tm.start(), tm.end(), year, tm.group()) for tm in _THIS_YEAR.finditer(text)]
    for a, b, y, surface in sorted(years):
        if any(a < e and s < b for s, e in taken) or any(d.startswith(y) for d in seen):
            continue
        clause = _clause(text, a)
        if surface[:3].lower() == "tot" and not re.search(r"\b(?:loopt|lopen|liep|liepen|duurt|duren|duurde)\b", clause):
            continue  # "tot en met 2026 toe te kennen": the end of a period, not the end of something that runs
        ctype = _type(clause)
        etype = ctype if ctype != "other-event" else sentence_type()
        if etype == "other-event":
            continue  # a year alone with no stated occurrence: an ongoing activity or a trend
        seen.add(y)
        out.append(Event(offset + a, offset + b, etype, y, surface, sstart, parts, about))
    return out
