"""Dutch sentence splitting that keeps exact offsets."""

from __future__ import annotations

import re

# Abbreviations after which a full stop does not end a sentence (lower-cased, without the final dot).
# Dutch words that also occur as abbreviations ("al", "lid") are not listed: "Dat deden we al. Nu ..." ends a
# sentence. Nor are abbreviations that mostly close one when a capital follows ("enz.", "etc.", "mln.").
ABBREVIATIONS = frozenset(
    """
    o.a d.d prof dr mr drs ir ing jl nr nrs art artt blz bijv bv e.d e.a e.v i.p.v i.o.v
    m.b.t m.i.v m.u.v n.a.v o.b.v o.l.v t.a.v t.b.v t.g.v t.o.v t.z.t v.w.b z.g.a.n ca resp incl excl
    min vs jr st sr dhr mevr mw p pp vgl zgn zg ib e.g i.e cf fig hfdst par sub
    kst stb stcrt trb
    """.split()
)

_OPENING = "\"“‘'(\\[„«"
_END = re.compile(
    rf"""(?<![.!?])[.!?]+  # the end punctuation (from the first of a run: linear time on "....")
        [’”"')\]»]*        # closing quotes and brackets
        (?:[0-9]{{1,3}}(?=\s))? # a footnote marker glued after the punctuation: "situatie.5 "
        (?=\s+[{_OPENING}]?[^\W_])  # then space and a letter or digit (upper case: checked below)
    """,
    re.VERBOSE,
)


def _word_before(text: str, end: int) -> str:
    """The non-space run that ends at ``end`` (scanning back: linear, unlike a ``$``-anchored search)."""
    k = end
    while k > 0 and not text[k - 1].isspace():
        k -= 1
    return text[k:end]


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation rather than a sentence."""
    raw = _word_before(text, dot)
    word = raw.lstrip(_OPENING).lower()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    if word == "al":  # "et al."
        k = dot - len(raw)
        while k > 0 and text[k - 1].isspace():
            k -= 1
        return _word_before(text, k).lower() == "et"
    # a single initial: "J. de Vries"
    if len(word) == 1 and word.isalpha():
        return True
    # dotted abbreviations such as "o.a" or "t.a.v" in general
    return bool(re.fullmatch(r"(?:[^\W\d_]\.){1,4}[^\W\d_]", word))


def _after_year(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes a year (19xx, 20xx), not a number such as 1.179 or 3.1."""
    k = dot
    while k > 0 and "0" <= text[k - 1] <= "9":
        k -= 1
    return dot - k == 4 and text[k : k + 2] in ("19", "20") and (k == 0 or text[k - 1] not in ".,")


def _starts_sentence(text: str, pos: int) -> bool:
    """Whether the text after the white space at ``pos`` can start a sentence: a capital or a digit."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    while pos < len(text) and text[pos] in _OPENING:
        pos += 1
    return pos < len(text) and (text[pos].isupper() or text[pos].isdecimal())


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans (absolute offsets: ``offset`` + position), whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _END.finditer(text):
        first = m.start()
        end = m.end()
        if not _starts_sentence(text, end):
            continue
        if first > 0 and text[first - 1].isdecimal() and m.group(0)[-1:].isdecimal():
            # "1.179 Personen": a number with a thousands separator, not "situatie.5 Volgende" ...
            # ... unless a year closes the sentence and a footnote marker follows: "in 2024.5 Daarna"
            if not (text[first] == "." and _after_year(text, first)):
                continue
        if text[first] == "." and len(m.group(0).rstrip("’”\"')]»0123456789")) == 1:
            if _is_abbreviation(text, first):
                continue
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
