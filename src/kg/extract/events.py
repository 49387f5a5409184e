"""Dated events: "Op 16 april 2024 nam de TK een motie aan", "Deze trad op 1 juli 2024 in werking".

A sentence with a date (day month [year], month [year], or "in/eind/begin YEAR" with a legislative verb)
becomes an event; its type comes from the verbs and nouns of the sentence; a date without a year takes the
report's year. Participants are the organisations the sentence names; it concerns the legal instruments
and programmes it names.
"""

from __future__ import annotations

import re

from kg.model import Event, Mention

_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]
_DATE = re.compile(
    r"(?<![\w])(?:(?P<d>\d{1,2})\s+)?(?P<m>" + "|".join(_MONTHS) + r")(?:\s+(?P<y>(?:19|20)\d\d))?(?![\w])", re.I
)
_YEAR = re.compile(r"(?:[Ii]n|[Ee]ind|[Bb]egin|[Hh]alverwege|[Ss]inds|[Pp]er|[Vv]anaf)\s+(?P<y>(?:19|20)\d\d)(?![\w-])")
# (pattern, type), first match wins
_TYPES = [
    (re.compile(r"\bmotie\b.*\baan\b|\bnam\b.*\bmotie\b", re.I), "motion-adopted"),
    (re.compile(r"in werking|inwerkingtreding|van kracht|van toepassing", re.I), "entry-into-force"),
    (re.compile(r"consultatie", re.I), "consultation"),
    (re.compile(r"Raad van State", re.I), "council-of-state-advice"),
    (re.compile(r"Eerste Kamer.*\b(aan|in)\b\.?$|\bEK\b.*\baan\b", re.I), "adopted-by-senate"),
    (re.compile(r"(\bTK\b|Tweede Kamer).*(\bnam\b.*\baan\b|stemde.*\bin\b)", re.I), "adopted-by-house-of-representatives"),
    (re.compile(r"dienden|ingediend|stuurden\b.*\b(TK|Kamer)\b|\bnaar de (TK|Kamer)\b|deelden\b.*\b(TK|Kamer)\b", re.I), "submitted-to-parliament"),
    (re.compile(r"aangenomen|akkoord|afspraken|overeenstemming", re.I), "agreement-reached"),
    (re.compile(r"publiceerde|gepubliceerd|verschenen|presenteerde", re.I), "publication"),
    (re.compile(r"evaluatie", re.I), "evaluation"),
    (re.compile(r"afgerond|afgesloten|beëindigd|opgeleverd|leverde", re.I), "completion"),
    (re.compile(r"startte|startten|gestart|van start|opgericht|richtten|geopend|gesplitst", re.I), "start"),
    (re.compile(r"besloten|besluit|bepaalden|gaf .* aan", re.I), "decision"),
]
_LEGISLATIVE = {"consultation", "council-of-state-advice", "adopted-by-senate", "adopted-by-house-of-representatives", "submitted-to-parliament", "entry-into-force", "motion-adopted"}


def find(text: str, offset: int, sstart: int, year: str | None, mentions: list[Mention]) -> list[Event]:
    dm = _DATE.search(text)
    ym0 = _YEAR.search(text) if dm is None else None
    if dm is None and ym0 is None:
        return []
    etype = next((t for rx, t in _TYPES if rx.search(text)), "other-event")
    parts = tuple(sorted({(m.kind, m.key) for m in mentions if m.kind == "organisation"}))
    about = tuple(sorted({(m.kind, m.key) for m in mentions if m.kind in ("legal", "programme")}))
    out = []
    for m in _DATE.finditer(text):
        y = m.group("y") or year
        if not y:
            continue
        mon = _MONTHS.index(m.group("m").lower()) + 1
        date = f"{y}-{mon:02d}-{int(m.group('d')):02d}" if m.group("d") else f"{y}-{mon:02d}"
        if m.group("d") and not 1 <= int(m.group("d")) <= 31:
            continue
        out.append(Event(offset + m.start(), offset + m.end(), etype, date, m.group(), sstart, parts, about))
        break  # one event per sentence: the first date
    if not out and etype in _LEGISLATIVE and about:
        ym = _YEAR.search(text)
        if ym:
            out.append(Event(offset + ym.start(), offset + ym.end(), etype, ym.group("y"), ym.group(), sstart, parts, about))
    return out
