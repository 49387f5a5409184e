"""Stated quantities: "35.000 kinderen", "€7 miljoen", "0,5 miljard euro", "123.000 ontheemden uit Oekraïne".

Years, dates, section and article numbers and numbers in names ("box 3", "fase 2") are not figures. The value
is a plain decimal string, the unit "euro", "percent", "count", "years"/"months" (a duration: "met 5 jaar") or
"level" ("het dreigingsniveau op 4"), and ``counts`` the noun phrase after the number (what is counted). A
number word that replaces digits at the start of a sentence ("Twintig locaties") is a figure.
"""

from __future__ import annotations

import re

from kg.model import Figure

_MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
_NUM = re.compile(
    r"(?<![\w.,/-])(?P<eur>€\s?)?(?P<n>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\w.,/-]?\d)"
    r"(?P<mult>\s(?:miljoen|miljard|duizend))?(?P<unit>\s?(?:euro|procent|%))?"
)
_NOUN = re.compile(r"\s(?P<np>[a-zà-ÿA-Z][\w’'\-]*(?:\s(?:uit|van|in)\s[A-ZÀ-Ý][\w’'\-]*)?)")
_SKIP_NEXT = re.compile(rf"\s(?:{_MONTHS}|keer|en|tot|of|-|staan)\b", re.I)
# a duration in years or months measures something ("verlengden ... met 5 jaar"); not after "in", "sinds" (dates)
_DURATION = re.compile(r"\s(?P<u>jaar|jaren|maand|maanden)\b", re.I)
# numbers that are part of a name or an identifier: "box 3", "fase 2", "pijler 1", "lid 4", "tranche 2"
_LABEL_BEFORE = re.compile(r"(?:box|fase|pijler|lid|tranche|categorie|klasse|schaal|niveau|stap|ronde)\s$", re.I)
# a level: "het dreigingsniveau (staat) op 4"
_LEVEL_BEFORE = re.compile(r"niveau\s(?:\w+\s)?(?:op|van)\s$", re.I)
_QUALIFIER_BEFORE = re.compile(r"(?:ongeveer|ruim|bijna|circa|ca\.|meer dan|minder dan|gemiddeld)\s$", re.I)
# number words that replace digits at the start of a sentence ("Twintig locaties zijn goedgekeurd")
_WORDS = {w: i for i, w in enumerate(
    "nul een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien zestien zeventien "
    "achttien negentien twintig".split())}
_WORDS.update({"dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80,
               "negentig": 90, "honderd": 100, "duizend": 1000})
_INITIAL_WORD = re.compile(r"(?P<n>[A-Z][a-z]+)(?=\s)")
_NOT_COUNTED = frozenset("de het een van voor in op met per is zijn was en te bij naar om dat die".split())


def _value(n: str, mult: str | None) -> str:
    v = n.replace(".", "").replace(",", ".")
    if mult:
        factor = {"miljoen": 10**6, "miljard": 10**9, "duizend": 1000}[mult.strip()]
        from decimal import Decimal

        d = Decimal(v) * factor
        v = format(d.normalize(), "f")
    return v


def find(text: str, offset: int, sstart: int) -> list[Figure]:
    out = []
    for m in _NUM.finditer(text):
        n = m.group("n")
        s, e = m.start(), m.end()
        before = text[max(0, s - 24):s]
        plain = not (m.group("eur") or m.group("unit") or m.group("mult"))
        level = plain and _LEVEL_BEFORE.search(before)
        if plain and _LABEL_BEFORE.search(before) and not level:
            continue
        if re.search(r"(?:artikel|paragraaf|hoofdstuk|nr\.|op|per|sinds|vanaf|tot|en met)\s$", before.lower()) and not m.group("eur"):
            if not (_QUALIFIER_BEFORE.search(before) or level):
                continue
        if re.fullmatch(r"(?:19|20)\d\d", n) and not m.group("eur") and not m.group("unit"):
            continue
        duration = _DURATION.match(text, e) if plain else None
        if duration and re.search(r"(?:in|sinds|vanaf|na|over|binnen)\s$", before.lower()):
            continue  # "in 2 jaar", "binnen 3 maanden": a time frame, not a quantity of the subject
        if _SKIP_NEXT.match(text, e) and plain and not level:
            continue
        unit = "count"
        if m.group("eur") or (m.group("unit") and "euro" in m.group("unit")):
            unit = "euro"
        elif m.group("unit"):
            unit = "percent"
        counts = ""
        if level:
            unit, counts = "level", re.search(r"(\w*niveau)\s(?:\w+\s)?(?:op|van)\s$", before, re.I).group(1)
        elif duration:
            unit = "years" if duration.group("u").lower().startswith("ja") else "months"
            counts = duration.group("u")
            e = duration.end()
        else:
            nm = _NOUN.match(text, e)
            if nm and nm.group("np").lower() not in _NOT_COUNTED:
                counts = nm.group("np")
                if unit == "count":
                    e = nm.end()
            elif unit == "count" and not (_QUALIFIER_BEFORE.search(before) and "." in n):
                # a bare number is a figure only when it is clearly a quantity: "ruim 92.000 in ..."
                continue
        out.append(Figure(offset + s, offset + e, text[s:e], _value(n, m.group("mult")), unit, counts, sstart))
    w = _INITIAL_WORD.match(text)
    if w and w.group("n").lower() in _WORDS and w.group("n").lower() not in ("een", "nul"):
        nm = _NOUN.match(text, w.end())
        if nm and nm.group("np").lower() not in _NOT_COUNTED:
            e = nm.end()
            out.append(Figure(offset, offset + e, text[:e], str(_WORDS[w.group("n").lower()]), "count", nm.group("np"), sstart))
    return out
