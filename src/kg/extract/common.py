"""Shared pieces of the extractors: candidates, word tokens, normalisation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kg.read.reader import slug

__all__ = ["Candidate", "WORD", "compact", "fold", "slug", "is_abbreviation", "YEAR_SPAN"]

WORD = re.compile(r"[^\W_]+")
YEAR_SPAN = r"(?:(?:19|20)\d\d(?:\s*[-–/]\s*(?:19|20)?\d\d)?)"


@dataclass(slots=True)
class Candidate:
    """A span that may name an entity, before overlaps are resolved."""

    kind: str
    start: int
    end: int
    label: str  # canonical label (reference label, or the name as written)
    subkind: str
    cls: str
    key: str | None = None  # reference key when known; else slug(label)
    source: str = "pattern"  # "reference" | "pattern" | "abbreviation"
    status: str | None = None
    abbreviation: str | None = None  # the abbreviation this span is, when it is one
    sentence_start: int = -1
    alternatives: tuple[tuple[str, str], ...] = ()  # other reference entries with the same name

    @property
    def length(self) -> int:
        return self.end - self.start

    def entity_key(self) -> str:
        return self.key or slug(self.label)


def fold(text: str) -> str:
    """Case- and accent-folded text."""
    t = unicodedata.normalize("NFKD", text)
    return "".join(c for c in t if not unicodedata.combining(c)).casefold()


def compact(text: str) -> str:
    """Letters and digits only, folded: 'AI-verordening' and 'AI Verordening' give 'aiverordening'."""
    return "".join(WORD.findall(fold(text)))


_UPPER = re.compile(r"[A-Z]")


def is_abbreviation(name: str) -> bool:
    """'DJI', 'JenV', 'RvS', 'NIS2', 'PmG' are abbreviations; 'Politie', 'Opiumwet' are not."""
    if " " in name.strip() or len(name) > 12:
        return False
    uppers = len(_UPPER.findall(name))
    return uppers >= 2 or (len(name) <= 4 and uppers >= 1 and not name[1:].islower())


def clause_around(text: str, pos: int, boundary: re.Pattern[str]) -> str:
    """The stretch of ``text`` around ``pos`` between the nearest ``boundary`` matches on either side."""
    start, end = 0, len(text)
    for m in boundary.finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return text[start:end]
