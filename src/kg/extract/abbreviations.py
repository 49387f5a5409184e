"""Abbreviations the text defines: "Preventie met Gezag (PmG)", "Hoofdlijnenakkoord (HLA)".

A definition is a parenthesised abbreviation right after a name. The long form is the candidate that ends
just before the bracket (found by the reference or a pattern); failing that, the shortest run of preceding
words whose letters contain the abbreviation's letters in order, starting with its first letter. Later
uses of the abbreviation resolve to the same entity; when the same letters are defined twice ("DTC"), a
use takes the nearest definition before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DEF = re.compile(r"\((?:de |het )?(?P<a>[A-Za-z][\w\-&]{0,14}?)(?:’s|'s)?\)")
_WORDS_BEFORE = re.compile(r"([^\s()]+)\s*$")


@dataclass(frozen=True, slots=True)
class Definition:
    abbr: str
    long_start: int  # absolute span of the long form
    long_end: int
    abbr_start: int
    abbr_end: int
    sentence_start: int


def _looks_abbr(a: str) -> bool:
    ups = sum(1 for c in a if c.isupper())
    return ups >= 2 or (ups == 1 and len(a) <= 4 and a[0].isupper() and not a[1:].islower())


def _initials_match(abbr: str, words: list[str]) -> bool:
    letters = [c.lower() for c in abbr if c.isalpha()]
    if not letters or not words or words[0][:1].lower() != letters[0]:
        return False
    text = "".join(w.lower() for w in words)
    i = 0
    for c in letters:
        i = text.find(c, i)
        if i < 0:
            return False
        i += 1
    return True


# "SHORT (long)": an acronym of one or two words before a bracketed name of three or more words
_REVERSED = re.compile(r"(?<![\w-])(?P<a>(?:[A-Z]{2,}\s)?[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*)\s\((?P<l>[A-Z][^()]{10,}?)\)")


def _initials_cover(abbr: str, words: list[str]) -> bool:
    """Every capital of 'EL PAcCTO' is the initial of some word of the long form, the first one first."""
    caps = [c for c in abbr if c.isupper()]
    initials = {w[0].upper() for w in words if w[:1].isalpha()}
    return bool(caps) and words[0][:1].upper() == caps[0] and set(caps) <= initials


def find_definitions(text: str, offset: int, sstart: int) -> list[Definition]:
    out = []
    for m in _REVERSED.finditer(text):
        words = m.group("l").split()
        if len(words) >= 3 and _initials_cover(m.group("a"), words):
            out.append(Definition(m.group("a"), offset + m.start("l"), offset + m.end("l"), offset + m.start("a"), offset + m.end("a"), sstart))
    for m in _DEF.finditer(text):
        a = m.group("a")
        if any(d.long_start == offset + m.start("a") for d in out):
            continue  # the long form of a reversed definition
        if not _looks_abbr(a) or a.isdigit():
            continue
        before = text[: m.start()].rstrip()
        # candidate long forms: the shortest matching run of up to 8 preceding words
        words = list(re.finditer(r"[^\s()]+", before))
        long_start = None
        for k in range(1, min(8, len(words)) + 1):
            ws = [w.group().strip("‘’“”,") for w in words[-k:]]
            if _initials_match(a, ws):
                long_start = words[-k].start()
                break
        out.append(
            Definition(a, offset + long_start if long_start is not None else -1, offset + len(before), offset + m.start("a"), offset + m.end("a"), sstart)
        )
    return out
