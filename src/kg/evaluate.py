"""Precision and recall of an Extraction against a gold annotation (tests/gold/*.json).

Gold entities carry ``kind``, ``label`` and ``forms`` (the surfaces the report uses). An extracted entity
matches a gold entity of the same kind when one of its mention surfaces or its label equals one of the gold
forms or the gold label after slugging (lower case, accents folded, runs of other characters to "-": the
recommended matching of tests/gold/README.md §1); Kamerstukken match on key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.extract.common import slug
from kg.model import Extraction


def _norm(s: str) -> str:
    """'AI Verordening', 'AI-verordening' and 'ai verordening' are one name; "’" and "'" are one mark."""
    return slug(s)


@dataclass(frozen=True, slots=True)
class KindScore:
    kind: str
    precision: float
    recall: float
    f1: float
    missed: tuple[str, ...] = ()  # gold labels not found
    spurious: tuple[str, ...] = ()  # extracted labels not in gold


@dataclass(frozen=True, slots=True)
class Evaluation:
    scores: dict[str, KindScore] = field(default_factory=dict)
    # the gold's "implements" pairs (Dutch law -> EU act) against the extracted kg:implements relations
    implements: KindScore | None = None
    # events matched on (line, date), and on (line, date, type); only when the report text is given
    events: KindScore | None = None
    event_types: KindScore | None = None
    # the gold's org_law_pairs: (line, organisation, legal instrument) mentioned in one paragraph line; with text
    pairs: KindScore | None = None

    def __str__(self) -> str:
        return "\n".join(f"{k:13s} P={s.precision:.3f} R={s.recall:.3f} F={s.f1:.3f}" for k, s in sorted(self.scores.items()))


def evaluate(ex: Extraction, gold_path: Path, text: str | None = None) -> Evaluation:
    """Scores per entity kind and for the implements pairs; with the report's ``text`` also for events."""
    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    ents = gold.get("entities", [])
    surfaces: dict[tuple[str, str], set[str]] = {}
    for m in ex.mentions:
        surfaces.setdefault((m.kind, m.key), set()).add(_norm(m.surface))
    for ref, e in ex.entities.items():
        surfaces.setdefault(ref, set()).update({_norm(e.label), _norm(e.key)})
    scores = {}
    for kind in sorted({e.get("kind") for e in ents} | {k for k, _ in ex.entities}):
        g = [e for e in ents if e.get("kind") == kind]
        x = [ref for ref in ex.entities if ref[0] == kind]
        # Kamerstukken have no label in the gold file: they match on their id (kst-{dossier}-{number}), the entity key
        gforms = [{_norm(f) for f in [e.get("label", ""), e.get("key", "") or "", e.get("id", "") or ""]
                   + list(e.get("forms", []))} - {""} for e in g]
        found = [i for i, fs in enumerate(gforms) if any(fs & surfaces.get(ref, set()) for ref in x)]
        correct = [ref for ref in x if any(fs & surfaces.get(ref, set()) for fs in gforms)]
        p = len(correct) / len(x) if x else 1.0
        r = len(found) / len(g) if g else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        scores[kind] = KindScore(
            kind, p, r, f,
            tuple(g[i].get("label") or g[i].get("id", "") for i in range(len(g)) if i not in set(found)),
            tuple(ex.entities[ref].label for ref in x if ref not in set(correct)),
        )
    events = types = pairs = None
    if text is not None:
        events = _events(ex, gold, text, with_type=False)
        types = _events(ex, gold, text, with_type=True)
        pairs = _pairs(ex, gold, text, surfaces)
    return Evaluation(scores, _implements(ex, gold, surfaces), events, types, pairs)


def _gold_labeller(gold: dict, kind: str, surfaces: dict):
    """Extracted entity -> the label of the one gold entity of ``kind`` it matches (None: no gold entity)."""
    forms = {e["label"]: {_norm(f) for f in [e["label"], *e.get("forms", [])]} for e in gold.get("entities", [])
             if e.get("kind") == kind}

    def label(ref) -> str | None:
        # the gold entity sharing the most forms ("beide Kamers" is a form of both chambers; TK is only one)
        mine = surfaces.get(ref, set())
        hits = sorted((-len(fs & mine), lab) for lab, fs in forms.items() if fs & mine)
        return hits[0][1] if hits else None

    return label


def _pairs(ex: Extraction, gold: dict, text: str, surfaces: dict) -> KindScore | None:
    """Organisation-law pairs per paragraph line (the basis of laws-for-organisation), against org_law_pairs.

    Every (line, organisation, legal instrument) the extraction names counts; an extracted entity that matches
    no gold entity makes its pairs spurious (shown with "?" and its own label).
    """
    want_rows = gold.get("org_law_pairs")
    if want_rows is None:
        return None
    org_label = _gold_labeller(gold, "organisation", surfaces)
    law_label = _gold_labeller(gold, "legal", surfaces)
    per_line: dict[int, dict[str, set[str]]] = {}
    for m in ex.mentions:
        if m.kind not in ("organisation", "legal"):
            continue
        ref = (m.kind, m.key)
        name = (org_label if m.kind == "organisation" else law_label)(ref) or f"?{ex.entities[ref].label}"
        line = text.count("\n", 0, m.start) + 1
        per_line.setdefault(line, {"organisation": set(), "legal": set()})[m.kind].add(name)
    got = {(line, o, lw) for line, d in per_line.items() for o in d["organisation"] for lw in d["legal"]}
    want = {(r["line"], r["organisation"], r["legal"]) for r in want_rows}
    tp = len(got & want)
    p = tp / len(got) if got else 1.0
    r = tp / len(want) if want else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    show = lambda c: tuple(f"{a}: {b} + {c_}" for a, b, c_ in sorted(c))  # noqa: E731
    return KindScore("org-law-pair", p, r, f, show(want - got), show(got - want))


def _events(ex: Extraction, gold: dict, text: str, with_type: bool) -> KindScore:
    """Events as a multiset of (line, date[, type]): one clause may state several events on one line."""
    from collections import Counter

    def key(line: int, date: str, etype: str) -> tuple:
        return (line, date, etype) if with_type else (line, date)

    got = Counter(key(text.count("\n", 0, e.start) + 1, e.date, e.type) for e in ex.events)
    want = Counter(key(e["line"], e["date"], e["type"]) for e in gold.get("events", []))
    tp = sum((got & want).values())
    p = tp / sum(got.values()) if got else 1.0
    r = tp / sum(want.values()) if want else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    show = lambda c: tuple(" ".join(map(str, k)) for k in sorted(c.elements()))  # noqa: E731
    return KindScore("event-type" if with_type else "event", p, r, f, show(want - got), show(got - want))


def _implements(ex: Extraction, gold: dict, surfaces: dict) -> KindScore | None:
    pairs = gold.get("implements")
    if pairs is None:
        return None
    gold_label = _gold_labeller(gold, "legal", surfaces)

    want = {(p["law"], p["eu_act"]) for p in pairs}
    got = {}
    for r in ex.relations:
        if r.predicate == "implements":
            key = (gold_label(r.subject), gold_label(r.object))
            got[key] = f"{ex.entities[r.subject].label} -> {ex.entities[r.object].label}"
    correct = [k for k in got if k in want]
    p = len(correct) / len(got) if got else 1.0
    rc = len(want & set(got)) / len(want) if want else 1.0
    f = 2 * p * rc / (p + rc) if p + rc else 0.0
    return KindScore("implements", p, rc, f, tuple(f"{a} -> {b}" for a, b in sorted(want - set(got))),
                     tuple(v for k, v in got.items() if k not in want))
