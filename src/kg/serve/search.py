"""Search over the names, abbreviations and identifiers of the things in the graph.

An in-memory index, built from the store at start-up and after a rebuild. Matching ignores case and
accents; an exact abbreviation or name ranks first, then names that start with the text, then words that
do, then names that contain it.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field

from kg.serve.data import ENTITY_CLASSES, KG, Data


def fold(text: str) -> str:
    nfkd = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in nfkd if not unicodedata.combining(c)).casefold().split())


@dataclass
class Entry:
    iri: str
    label: str
    label_en: str | None = None
    types: set[str] = field(default_factory=set)
    kind: str | None = None
    names: set[str] = field(default_factory=set)  # abbreviations, other names, identifiers
    abbreviations: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: int
    matched: str


class SearchIndex:
    def __init__(self, data: Data) -> None:
        self.data = data
        self._lock = threading.Lock()
        self.entries: list[Entry] = []
        self._keys: list[tuple[str, str, Entry]] = []
        self.rebuild()

    def rebuild(self) -> None:
        classes = " ".join(f"<{c}>" for c in ENTITY_CLASSES + (KG + "Report",))
        rows = self.data.select(f"""
SELECT ?s ?t ?p ?v ?k WHERE {{
  VALUES ?t {{ {classes} }}
  ?s a ?t .
  OPTIONAL {{ ?s kg:kind ?k }}
  VALUES ?p {{ skos:prefLabel skos:altLabel kg:abbreviation dcterms:identifier dcterms:title }}
  ?s ?p ?v .
}}""")
        by: dict[str, Entry] = {}
        for r in rows:
            iri = r["s"].value
            e = by.setdefault(iri, Entry(iri, ""))
            e.types.add(r["t"].value)
            if r["k"] is not None:
                e.kind = r["k"].value
            p, v = r["p"].value, r["v"]
            lang = getattr(v, "language", None)
            if p.endswith("prefLabel"):
                if lang == "en":
                    e.label_en = v.value
                elif not e.label or lang == "nl":
                    e.label = v.value
            elif p.endswith("title"):
                e.label = e.label or v.value
            else:
                e.names.add(v.value)
                if p.endswith("abbreviation"):
                    e.abbreviations.add(v.value)
        keys = []
        for e in by.values():
            e.label = e.label or e.label_en or e.iri.rsplit("/", 1)[-1]
            for name in {e.label, e.label_en, *e.names} - {None}:
                keys.append((fold(name), name, e))
        with self._lock:
            self.entries = sorted(by.values(), key=lambda x: fold(x.label))
            self._keys = keys

    def search(self, text: str, *, limit: int = 50) -> list[Hit]:
        q = fold(text)
        if not q:
            return []
        best: dict[str, Hit] = {}
        with self._lock:
            keys = self._keys
        for key, name, e in keys:
            if key == q:
                score = 100 if name in e.abbreviations or name == e.label else 90
            elif key.startswith(q):
                score = 70
            elif any(w.startswith(q) for w in key.replace("-", " ").split()):
                score = 50
            elif q in key:
                score = 30
            else:
                continue
            old = best.get(e.iri)
            if old is None or score > old.score:
                best[e.iri] = Hit(e, score, name)
        hits = sorted(best.values(), key=lambda h: (-h.score, fold(h.entry.label)))
        return hits[:limit]
