"""Parse citations of parliamentary papers (Kamerstukken) in footnote text.

Handles the forms annual reports use::

    Kamerstukken II 2024/25, 29 911, nr. 454
    Kamerstukken II, vergaderjaar 2024/25, 24587, nr. 1008.
    Kamerstukken II 2023/24, 22 112, nrs. 3868 en 3968.
    Kamerstuk 31 444 XVI, nr. 6          (no year)
    Kamerstukken I 2012/13, 33 328, AI   (Eerste Kamer letter numbers)
    TK 2023-2024, 30821-249

Spacing in dossier numbers varies ("30 821", "30821", "30.821"); a dossier may carry a suffix (Roman
numeral for a budget chapter, or letters: "31 444 XVI", "36 600-VI"). Several numbers in one citation give
one paper each. Nothing here raises on odd input: text that is not a citation is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPC = r" \t\u00a0\u2007\u202f"
_SP = f"[{_SPC}]"
_HEAD = (
    rf"(?P<head>Kamerstuk(?:ken)?|Kamerst\.|Kst\.?|(?<![A-Za-z])(?:TK|EK)(?![A-Za-z]))"
    rf"(?:{_SP}*(?P<chamber>II|I)(?![A-Za-z]))?"
)
_YEAR = (
    rf"(?:[,{_SPC}]*(?:vergaderjaar{_SP}*)?(?P<y1>(?:19|20)\d\d){_SP}*[/\-–]{_SP}*(?P<y2>(?:19|20)?\d\d))?"
)
_DOSSIER = (
    rf"[,{_SPC}]*(?:dossier{_SP}*)?(?P<dossier>\d{{1,3}}(?:[{_SPC}.]?\d{{3}})?)"
    rf"(?P<suffix>(?:{_SP}*[\-–]?{_SP}*(?:[IVXLC]+|[A-Z]{{1,2}})(?![A-Za-z0-9]))?)"
    rf"(?:{_SP}*\((?P<suffix2>[IVXLC]+|[A-Z]{{1,2}})\))?"
)
_NUM = r"(?:\d{1,5}[A-Za-z]{0,3}|[A-Z]{1,3})(?![A-Za-z0-9])"
_NUMBERS = (
    rf"(?:{_SP}*,{_SP}*(?:nrs?\.?|nummers?){_SP}*(?P<nums>{_NUM}(?:{_SP}*(?:,|en|&|t/m|tot en met|-|–){_SP}*{_NUM})*)"
    rf"|{_SP}*[\-–]{_SP}*(?P<dash>\d{{1,5}})(?![\d])"
    rf"|{_SP}*,{_SP}*(?P<ek>[A-Z]{{1,3}})(?![A-Za-z0-9]))"
)
CITATION = re.compile(_HEAD + _YEAR + _DOSSIER + _NUMBERS)
_NUM_ITEM = re.compile(_NUM + "|t/m|tot en met")


@dataclass(frozen=True, slots=True)
class ParsedCitation:
    """One Kamerstuk named in a citation; start/end span the whole citation (absolute offsets)."""

    key: str  # kst-{dossier}-{number}
    chamber: str | None  # "II" | "I" | None when the citation does not say
    session_year: str | None  # "2024-2025"
    dossier: str  # "30821" or "31444-XVI"
    number: str  # "249" or "AI"
    start: int
    end: int


def _session(y1: str | None, y2: str | None) -> str | None:
    if not y1 or not y2:
        return None
    a = int(y1)
    b = int(y2) if len(y2) == 4 else (a // 100) * 100 + int(y2)
    if b < a:
        b += 100
    if b != a + 1:
        return None
    return f"{a}-{b}"


def _expand(nums: str) -> list[str]:
    items = _NUM_ITEM.findall(nums)
    out: list[str] = []
    i = 0
    while i < len(items):
        it = items[i]
        if it in ("t/m", "tot en met") and out and i + 1 < len(items) and out[-1].isdigit() and items[i + 1].isdigit():
            lo, hi = int(out[-1]), int(items[i + 1])
            if 0 < hi - lo <= 50:
                out.extend(str(n) for n in range(lo + 1, hi + 1))
            else:
                out.append(items[i + 1])
            i += 2
            continue
        if it not in ("t/m", "tot en met"):
            out.append(it)
        i += 1
    return list(dict.fromkeys(out))


def parse_citations(text: str, offset: int = 0) -> list[ParsedCitation]:
    """Every Kamerstuk cited in ``text``; spans are ``offset`` + position in ``text``."""
    out: list[ParsedCitation] = []
    for m in CITATION.finditer(text):
        head = m.group("head")
        chamber = m.group("chamber")
        if head in ("TK", "EK"):
            if chamber:
                continue
            chamber = "II" if head == "TK" else "I"
        if head in ("TK", "EK") and not m.group("y1"):
            continue  # "TK 12, ..." is not a citation without a year
        dossier = re.sub(r"[^\d]", "", m.group("dossier"))
        if len(dossier) < 4 and not m.group("y1"):
            continue
        suffix = (m.group("suffix") or "").strip(" \t\u00a0\u2007\u202f-–") or (m.group("suffix2") or "")
        if suffix:
            dossier = f"{dossier}-{suffix}"
        if m.group("nums"):
            numbers = _expand(m.group("nums"))
        else:
            numbers = [m.group("dash") or m.group("ek")]
        session = _session(m.group("y1"), m.group("y2"))
        for n in numbers:
            if not n:
                continue
            out.append(ParsedCitation(f"kst-{dossier}-{n}", chamber, session, dossier, n, offset + m.start(), offset + m.end()))
    return out
