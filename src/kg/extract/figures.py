"""Stated quantities: "35.000 kinderen", "€7 miljoen", "0,5 miljard euro", "123.000 ontheemden uit Oekraïne".

Years, dates, section and article numbers are not figures. The value is a plain decimal string, the unit
"euro", "percent" or "count", and ``counts`` the noun phrase after the number (what is counted).
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
_SKIP_NEXT = re.compile(rf"\s(?:{_MONTHS}|jaar|jaren|maanden|keer|en|tot|of|-|staan)\b", re.I)
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
        before = text[max(0, s - 12):s].lower()
        if re.search(r"(?:artikel|paragraaf|hoofdstuk|nr\.|niveau|op|per|sinds|vanaf|tot|en met)\s$", before) and not m.group("eur"):
            if not re.search(r"(?:ongeveer|ruim|bijna)\s$", before):
                continue
        if re.fullmatch(r"(?:19|20)\d\d", n) and not m.group("eur") and not m.group("unit"):
            continue
        if _SKIP_NEXT.match(text, e) and not (m.group("eur") or m.group("unit") or m.group("mult")):
            continue
        unit = "count"
        if m.group("eur") or (m.group("unit") and "euro" in m.group("unit")):
            unit = "euro"
        elif m.group("unit"):
            unit = "percent"
        counts = ""
        nm = _NOUN.match(text, e)
        if nm and nm.group("np").lower() not in _NOT_COUNTED:
            counts = nm.group("np")
            if unit == "count":
                e = nm.end()
        elif unit == "count":
            continue
        out.append(Figure(offset + s, offset + e, text[s:e], _value(n, m.group("mult")), unit, counts, sstart))
    return out
