"""Dutch sentence splitting that keeps exact offsets."""

from __future__ import annotations

import re

# Abbreviations after which a full stop does not end a sentence (lower-cased, without the final dot).
ABBREVIATIONS = frozenset(
    """
    o.a d.d prof dr mr drs ir ing jl nr nrs art artt blz bijv bv e.d e.a e.v enz etc i.p.v i.o.v
    m.b.t m.i.v m.u.v n.a.v o.b.v o.l.v t.a.v t.b.v t.g.v t.o.v t.z.t v.w.b z.g.a.n ca resp incl excl
    min mln mld mrd vs jr st sr jr dhr mevr mw p pp vgl zgn zg ib e.g i.e cf al fig hfdst par lid sub
    kamerstukken kst stb stcrt trb
    """.split()
)

_END = re.compile(
    r"""[.!?]+            # the end punctuation
        [’”"')\]]*        # closing quotes and brackets
        (?:\d{1,3}(?=\s))? # a footnote marker glued after the punctuation: "situatie.5 "
        (?=\s+[\"“‘'(\[]?[A-ZÀ-ÖØ-Þ0-9])  # then space and an upper-case start
    """,
    re.VERBOSE,
)
_WORD_BEFORE = re.compile(r"(\S+)$")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation rather than a sentence."""
    m = _WORD_BEFORE.search(text, 0, dot)
    if not m:
        return False
    word = m.group(1).lstrip("(“‘\"'[").lower()
    if word in ABBREVIATIONS:
        return True
    # a single initial: "J. de Vries"
    if len(word) == 1 and word.isalpha():
        return True
    # dotted abbreviations such as "o.a" or "t.a.v" in general
    return bool(re.fullmatch(r"(?:[a-z]\.){1,4}[a-z]", word))


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans (absolute offsets: ``offset`` + position), whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _END.finditer(text):
        first = m.start()
        if first > 0 and text[first - 1].isdigit() and m.group(0)[-1:].isdigit():
            continue  # "1.179 Personen": a number with a thousands separator, not "situatie.5 Volgende"
        if text[first] == "." and m.group(0).startswith(".") and len(m.group(0).rstrip("’”\"')]0123456789")) == 1:
            if _is_abbreviation(text, first):
                continue
        end = m.end()
        spans.append((begin, end))
        begin = end
    spans.append((begin, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((offset + s, offset + e))
    return out
