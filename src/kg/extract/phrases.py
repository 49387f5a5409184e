"""Capitalised name phrases in a sentence: the raw material of the pattern extractors.

A phrase is a run of capitalised words ("Landelijke Agenda Crisisbeheersing"), joined by the small words
Dutch names contain ("Raad voor de rechtspraak" is found by the reference; "Offensief tegen Explosies" by
the pattern), optionally followed by a year or year range ("2022-2025") or a Roman numeral ("II").
Footnote markers glued to a word ("TK6") are cut off. Each phrase keeps the lower-case word before it
("programma", "pilot", "wetsvoorstel"): a trigger that tells its kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORDS = re.compile(r"\S+")
_LEAD = "(‘“\"'«[„"
_OPENERS = "(‘“\"«[„"
_APOS_S = ("’s", "'s")
_TRAIL = ".,;:)’”\"'!?»]"
CONNECTORS = frozenset("& van voor de het der den en tegen op met in bij ter tot and of the for against on to".split())
# capitalised only because they open a sentence
FUNCTION_WORDS = CONNECTORS | frozenset(
    "een dit deze die dat ook daarom daarnaast samen binnen hiermee hierbij daarbij zo zij wij we ze hij "
    "om als bij na naar door uit onder sinds vanaf per eind begin halverwege verder tevens mede omdat "
    "doordat waarbij waarmee wel niet nog al alle elke ieder onze ons hun haar zijn er hier daar toen "
    "tegen nu vooral specifiek jaarlijks op over rond".split()
)
# an article does not join two capitalised words on its own ("stuurden de TK de Kamerbrief"); after a
# preposition it does ("Raad voor de Kinderbescherming")
_NOT_FIRST = frozenset(("de", "het", "the"))
_YEARISH = re.compile(r"^(?:(?:19|20)\d\d(?:[-–/](?:19|20)?\d\d)?|[IVX]{1,4}|\d(?:\.\d)?)$")


def is_cap(word: str) -> bool:
    """'Agenda', 'eIDAS', 'e-Justice', 'NL-Alert', 'C2000' are capitalised; 'agenda' is not."""
    if not word:
        return False
    c = word[0]
    if c.isupper():
        return True
    head = word[1:4]
    return head != head.lower() and c.isalpha()  # an upper-case letter among the next three


@dataclass(frozen=True, slots=True)
class Phrase:
    start: int  # absolute
    end: int
    words: tuple[tuple[int, int, str], ...]  # absolute spans and texts of the phrase's words
    trigger: str  # the lower-case word just before ('' if none)
    trigger_start: int
    sentence_initial: bool

    @property
    def text(self) -> str:
        return " ".join(w for _, _, w in self.words)


def words(text: str, offset: int, cut: frozenset[int] = frozenset()) -> list[tuple[int, int, str, bool]]:
    """(start, end, word, ends_clause) for each word, punctuation stripped; ``cut`` are marker starts."""
    out: list[tuple[int, int, str, bool]] = []
    append = out.append
    for m in _WORDS.finditer(text):
        ms, me = m.span()
        core = m.group().lstrip(_LEAD)
        s = me - len(core)
        bare = core.rstrip(_TRAIL)
        e = s + len(bare)
        trail = len(bare) < len(core)
        if cut:
            for k in range(s + 1, e):
                if offset + k in cut:
                    e = k
                    trail = True
                    break
        if e + 2 <= me and text[e:e + 2] in _APOS_S:
            e += 2  # plural/genitive apostrophe-s stays with its word
        if e > s:
            if s > ms and out and text[ms] in _OPENERS:
                a, b, c, _ = out[-1]
                out[-1] = (a, b, c, True)  # an opening bracket or quote ends the phrase before it
            append((offset + s, offset + e, text[s:e], trail or (e < me and text[e] in ",;:)")))
    return out


def phrases(text: str, offset: int, cut: frozenset[int] = frozenset()) -> list[Phrase]:
    ws = words(text, offset, cut)
    out: list[Phrase] = []
    i = 0
    n = len(ws)
    while i < n:
        if not is_cap(ws[i][2]) or (i == 0 and ws[i][2].lower() in FUNCTION_WORDS):
            i += 1
            continue
        j = i
        last_cap = i
        while j + 1 < n and not ws[j][3]:
            w = ws[j + 1][2]
            if is_cap(w) or (_YEARISH.match(w) and j == last_cap):
                j += 1
                last_cap = j
                continue
            if (w.lower() in CONNECTORS and w.lower() not in _NOT_FIRST) or ws[j][2].endswith("-"):
                # a connector only joins when a capitalised word follows (within two words)
                k = j + 1
                while k < n and k <= j + 3 and (ws[k][2].lower() in CONNECTORS or ws[k - 1][2].endswith("-")) and not is_cap(ws[k][2]) and not ws[k][3]:
                    k += 1
                if k < n and is_cap(ws[k][2]) and not any(ws[x][3] for x in range(j + 1, k)):
                    j = k
                    last_cap = k
                    continue
            break
        j = last_cap
        trig = ws[i - 1][2] if i > 0 and not ws[i - 1][3] and not is_cap(ws[i - 1][2]) else ""
        tstart = ws[i - 1][0] if trig else ws[i][0]
        out.append(Phrase(ws[i][0], ws[j][1], tuple((a, b, c) for a, b, c, _ in ws[i : j + 1]), trig, tstart, i == 0))
        i = j + 1
    return out
