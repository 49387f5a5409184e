"""One entity per thing: overlap resolution, alias merging, entity records.

- Within a kind, overlapping candidates: the longest wins; at equal length reference > abbreviation > pattern.
- Across kinds, a candidate inside another kind's candidate is dropped: "COA" in "Wet COA" is part of a
  law's name, not an organisation mention (documented choice).
- A pattern candidate that swallowed a known name after a connector ("Landelijke Agenda Crisisbeheersing
  met de TK") is cut before the connector.
- A pattern candidate whose name is a reference name (modulo "Europese", "de") takes the reference key.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from kg.extract.common import Candidate, compact, slug
from kg.extract.gazetteer import Gazetteer
from kg.extract.phrases import CONNECTORS
from kg.model import Entity

_RANK = {"reference": 3, "abbreviation": 2, "learned": 2, "pattern": 1}
_DROP_LEAD = re.compile(r"^(?:de|het|Europese|Europees|Nederlandse|nieuwe|nationale)\s+", re.I)


_COORD = re.compile(r"\s*(?:,|en|and|of|&)\s", re.I)


def trim_swallowed(cands: list[Candidate], text: str) -> None:
    """Cut pattern names that ran into a known name.

    "Landelijke Agenda Crisisbeheersing met de TK": cut before the connector that leads to the known name.
    "Algemene Rekenkamer en Inspecties": a known name followed by a coordination is that name, not a longer one.
    """
    refs = sorted((c for c in cands if c.source == "reference"), key=lambda c: c.start)
    rstarts = [r.start for r in refs]
    for c in cands:
        if c.source != "pattern":
            continue
        i = bisect_right(rstarts, c.start - 1)
        while i < len(refs) and refs[i].start < c.end:
            r = refs[i]
            i += 1
            if r.end > c.end:
                continue
            if r.start == c.start and r.end < c.end and _COORD.match(text, r.end) and r.kind == c.kind:
                c.end = r.end
                c.label = text[c.start:c.end].strip()
                break
            if c.start < r.start:
                inner = text[c.start:r.start]
                m = _TAIL.search(inner)
                if m and m.group(1).split()[0] in ("met", "bij", "in", "op", "tegen", "en", "aan", "voor"):
                    c.end = c.start + m.start()
                    c.label = text[c.start:c.end].strip()
                    break


_TAIL = re.compile(r"\s((?:(?:%s)\s+)+)$" % "|".join(sorted(CONNECTORS)))


def choose(cands: list[Candidate]) -> list[Candidate]:
    """Longest first; a candidate is dropped when it overlaps a kept one of its kind or lies inside any kept one.

    Kept candidates of one kind never overlap, so per kind a sorted list of starts is enough: only the kept
    neighbour on either side can overlap a new candidate, and only the one starting at or before it can
    contain it. Linear-logarithmic instead of comparing every pair.
    """
    cands = [c for c in cands if c.end > c.start]
    order = sorted(cands, key=lambda c: (-(c.end - c.start), -_RANK.get(c.source, 0), c.start, c.kind))
    starts: dict[str, list[int]] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    kept: list[Candidate] = []
    for c in order:
        clash = False
        for kind, ks in starts.items():
            sp = spans[kind]
            i = bisect_right(ks, c.start) - 1  # the kept span starting at or before c
            if i >= 0 and sp[i][1] > c.start and (kind == c.kind or sp[i][1] >= c.end):
                clash = True
                break
            if kind == c.kind and i + 1 < len(ks) and ks[i + 1] < c.end:
                clash = True
                break
        if clash:
            continue
        ks = starts.setdefault(c.kind, [])
        i = bisect_right(ks, c.start)
        ks.insert(i, c.start)
        spans.setdefault(c.kind, []).insert(i, (c.start, c.end))
        kept.append(c)
    return sorted(kept, key=lambda c: (c.start, c.kind))


def alias(c: Candidate, g: Gazetteer) -> None:
    if c.source == "reference" or c.key:
        return
    for name in (c.label, _DROP_LEAD.sub("", c.label)):
        refs = g.names.get(compact(name))
        if refs:
            for ref in refs:
                if ref[0] == c.kind:
                    e = g.entries[ref]
                    c.key, c.label, c.subkind, c.cls = e.key, e.label, e.subkind, e.cls
                    c.status = e.status or c.status
                    return


def entity_for(c: Candidate, g: Gazetteer) -> Entity:
    e = g.entries.get((c.kind, c.key)) if c.key else None
    if e is not None:
        return Entity(
            kind=e.kind, key=e.key, label=e.label, cls=e.cls, subkind=e.subkind, label_en=e.label_en,
            abbreviations=e.abbreviations, alt_labels=e.alt_labels, status=e.status if e.kind == "legal" else None,
            identifiers=e.identifiers, exact_match=e.exact_match, pages=e.pages,
            identifier_status=e.identifier_status, parent=e.parent,
        )
    return Entity(kind=c.kind, key=c.key or slug(c.label), label=title_case(c.label) if c.kind in _TITLED else c.label,
                  cls=c.cls, subkind=c.subkind, status=(c.status or "unknown") if c.kind == "legal" else None)


# Kinds whose names are titles: a law or programme named in running text in lower case ("de wet digitale
# weerbaarheid") is labelled as its title ("Wet digitale weerbaarheid"), so that every report that names it
# gives it the same skos:prefLabel (one per language, SKOS S14) whichever case its first mention has.
# Organisations keep the case of the text ("gemeente Utrecht" is how Dutch writes it).
_TITLED = frozenset({"legal", "programme"})


def title_case(label: str) -> str:
    """The label with its first letter in upper case (only the first: "Wet op de rechtspraak").

    A first word that is not all lower case is a name as it is spelled ("eHerkenning", "e-Court") and stays."""
    first = label.split(" ", 1)[0]
    return label[:1].upper() + label[1:] if first.islower() and first[:1].isalpha() else label

