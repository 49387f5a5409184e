"""What the pages read: the store (read-only, union of the report graphs) and the ontology.

Every page asks a few small SPARQL queries here. The store is reopened when ``kg build`` has replaced it
(checked at most every two seconds), so a running server follows rebuilds.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg import assets
from kg.store import open_store

KG = "https://kg.example.org/def/kg#"
KIND = "https://kg.example.org/def/kind/"
DEF = "https://kg.example.org/def/"
ONTOLOGY = "https://kg.example.org/def/kg"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
FOAF = "http://xmlns.com/foaf/0.1/"

PREFIX = f"""PREFIX kg: <{KG}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <{DCT}>
PREFIX rdfs: <{RDFS}>
"""

ENTITY_CLASSES = tuple(KG + c for c in (
    "Organisation", "LegalInstrument", "Law", "Bill", "Code", "GeneralAdministrativeOrder", "EUAct",
    "EURegulation", "EUDirective", "Programme", "Kamerstuk"))

# Predicates whose values name a thing, best first.
_LABEL_PREDICATES = (SKOS + "prefLabel", DCT + "title", RDFS + "label", KG + "number", KG + "surfaceForm",
                     DCT + "identifier", KG + "text", KG + "counts")


def iri_term(iri: str) -> str:
    """An IRI as a SPARQL term; refuses what the grammar does not allow (never reaches the query)."""
    if any(c in iri for c in '<>"{}|^`\\') or any(ord(c) <= 0x20 for c in iri):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


@dataclass
class Info:
    """What a page needs to show a link to a thing: its labels, types and kind."""

    iri: str
    labels: dict[str, str] = field(default_factory=dict)  # language ("" none) -> skos:prefLabel
    rdfs_labels: dict[str, str] = field(default_factory=dict)  # language -> rdfs:label
    title: str | None = None
    number: str | None = None
    other: str | None = None  # surface form, identifier, text: a fallback name
    types: list[str] = field(default_factory=list)
    kind: str | None = None

    def label(self, lang: str = "nl") -> str:
        for labels in (self.labels, self.rdfs_labels):
            for key in (lang, "nl", "en", ""):
                if key in labels:
                    return labels[key]
            if labels:
                return sorted(labels.values())[0]
        if self.title:
            if self.number and KG + "Section" in self.types:
                return f"{self.number} {self.title}"
            return self.title
        if self.other:
            return self.other
        return local_name(self.iri)

    def has_label(self) -> bool:
        return bool(self.labels or self.rdfs_labels or self.title or self.other or self.number)


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


def value(term) -> str | None:
    return None if term is None else term.value


class Data:
    """The store (read-only) and the ontology, with the queries the pages use."""

    def __init__(self, store_path: Path, *, base: str) -> None:
        import pyoxigraph as ox

        self.path = Path(store_path)
        self.base = base.rstrip("/")
        self._lock = threading.Lock()
        self._checked = 0.0
        self.generation = 0
        self.store = open_store(self.path, read_only=True)
        self._stamp = self._read_stamp()
        self.ontology = ox.Store()
        for p in assets.files("ontology"):
            self.ontology.load(path=str(p), format=ox.RdfFormat.TURTLE)
        self.onto_info: dict[str, Info] = {}
        self._load_ontology_info()
        self.listeners: list = []  # called after a reopen (search index, query pool)

    # --- keeping up with rebuilds ----------------------------------------------------------------

    def _read_stamp(self) -> tuple:
        try:
            st = os.stat(self.path)
            mark = os.stat(self.path / "KG-STORE")
            return (st.st_ino, mark.st_ino, mark.st_mtime_ns)
        except OSError:
            return ()

    def refresh(self) -> bool:
        """Reopen the store if it was rebuilt since it was opened. True when it was."""
        now = time.monotonic()
        if now - self._checked < 2.0:
            return False
        with self._lock:
            if now - self._checked < 2.0:
                return False
            self._checked = now
            stamp = self._read_stamp()
            if not stamp or stamp == self._stamp:
                return False
            try:
                self.store = open_store(self.path, read_only=True)
            except Exception:  # mid-swap: try again at the next request
                return False
            self._stamp = stamp
            self.generation += 1
        for f in self.listeners:
            f()
        return True

    # --- queries ------------------------------------------------------------------------------------

    def select(self, sparql: str, *, ontology: bool = False) -> list[dict]:
        store = self.ontology if ontology else self.store
        res = store.query(PREFIX + sparql, use_default_graph_as_union=not ontology)
        names = [v.value for v in res.variables]
        return [{n: s[n] for n in names} for s in res]

    def ask(self, sparql: str) -> bool:
        return bool(self.store.query(PREFIX + sparql, use_default_graph_as_union=True))

    def exists(self, iri: str) -> bool:
        t = iri_term(iri)
        return self.ask(f"ASK {{ {{ {t} ?p ?o }} UNION {{ ?s ?p {t} }} }}")

    def onto_exists(self, iri: str) -> bool:
        t = iri_term(iri)
        return bool(self.ontology.query(f"ASK {{ {{ {t} ?p ?o }} UNION {{ ?s ?p {t} }} }}"))

    def outgoing(self, iri: str, *, ontology: bool = False) -> list[tuple]:
        rows = self.select(f"SELECT DISTINCT ?p ?o WHERE {{ {iri_term(iri)} ?p ?o }}", ontology=ontology)
        return [(r["p"], r["o"]) for r in rows]

    def incoming(self, iri: str, *, limit: int = 2000, ontology: bool = False) -> list[tuple]:
        rows = self.select(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {iri_term(iri)} }} LIMIT {limit}", ontology=ontology)
        return [(r["s"], r["p"]) for r in rows]

    def describe(self, iri: str, *, ontology: bool = False, incoming_limit: int = 5000) -> list[tuple]:
        """The triples a document about ``iri`` carries (pyoxigraph terms): its own, those of its ``#`` parts,
        the links to it, and the names of what it links to."""
        import pyoxigraph as ox

        me = ox.NamedNode(iri)
        triples: set = set()
        todo, seen = [iri], set()
        while todo:  # the IRI and its fragments (a mention's #target, #position, #quote)
            cur = todo.pop()
            if cur in seen:
                continue
            seen.add(cur)
            for p, o in self.outgoing(cur, ontology=ontology):
                triples.add((ox.NamedNode(cur), p, o))
                if isinstance(o, ox.NamedNode) and o.value.startswith(iri + "#"):
                    todo.append(o.value)
        for s, p in self.incoming(iri, limit=incoming_limit, ontology=ontology):
            triples.add((s, p, me))
        linked = {t.value for s, _p, o in triples for t in (s, o) if isinstance(t, ox.NamedNode)} - seen
        if linked and not ontology:
            for row in self.select(
                    "SELECT ?s ?p ?l WHERE { VALUES ?p { skos:prefLabel dcterms:title rdfs:label } VALUES ?s { "
                    + " ".join(iri_term(x) for x in sorted(linked)) + " } ?s ?p ?l }"):
                triples.add((row["s"], row["p"], row["l"]))
        return sorted(triples, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))

    def info(self, iris: Iterable[str]) -> dict[str, Info]:
        """Labels, types and kinds of many things at once (data and ontology)."""
        wanted = sorted({i for i in iris if i})
        out: dict[str, Info] = {}
        data_iris = []
        for i in wanted:
            if i in self.onto_info:
                out[i] = self.onto_info[i]
            elif "#" in i and not i.startswith(DEF):
                out[i] = Info(i, other=i.rsplit("#", 1)[1])
            else:
                data_iris.append(i)
        for chunk in range(0, len(data_iris), 400):
            part = data_iris[chunk:chunk + 400]
            values = " ".join(iri_term(x) for x in part)
            preds = " ".join(f"<{p}>" for p in _LABEL_PREDICATES + (RDF_TYPE, KG + "kind"))
            rows = self.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {preds} }} ?s ?p ?o }}")
            for i in part:
                out[i] = Info(i)
            for r in rows:
                _add_info(out[r["s"].value], r["p"].value, r["o"])
        external = [i for i in data_iris if not out[i].has_label() and not i.startswith(self.base + "/")]
        if external:  # an official IRI (TOOI, ELI): the name of our thing that matches it
            values = " ".join(iri_term(x) for x in external[:400])
            for r in self.select(f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?s skos:exactMatch ?x ; "
                                 f"skos:prefLabel ?l }}"):
                _add_info(out[r["x"].value], SKOS + "prefLabel", r["l"])
        for i in out.values():
            i.types.sort()
        return out

    # --- the ontology -------------------------------------------------------------------------------

    def _load_ontology_info(self) -> None:
        rows = self.select(
            "SELECT ?s ?p ?o WHERE { VALUES ?p { skos:prefLabel rdfs:label dcterms:title <%s> } ?s ?p ?o }" % RDF_TYPE,
            ontology=True)
        for r in rows:
            s = r["s"].value
            info = self.onto_info.setdefault(s, Info(s))
            _add_info(info, r["p"].value, r["o"])

    def subclasses(self, cls: str) -> list[str]:
        """The class and every class below it in the ontology."""
        rows = self.select(f"SELECT DISTINCT ?c WHERE {{ ?c rdfs:subClassOf* {iri_term(cls)} }}", ontology=True)
        return sorted({cls} | {r["c"].value for r in rows})

    def onto_comment(self, iri: str, lang: str = "nl") -> str | None:
        rows = self.select(f"SELECT ?c WHERE {{ {iri_term(iri)} rdfs:comment|skos:definition ?c }}", ontology=True)
        by = {r["c"].language or "": r["c"].value for r in rows}
        return by.get(lang) or by.get("nl") or by.get("en") or by.get("")


def _add_info(info: Info, p: str, o) -> None:
    v = o.value
    if p == RDF_TYPE:
        if v not in info.types:
            info.types.append(v)
    elif p == KG + "kind":
        info.kind = v
    elif p == SKOS + "prefLabel":
        info.labels.setdefault(getattr(o, "language", None) or "", v)
    elif p == RDFS + "label":
        info.rdfs_labels.setdefault(getattr(o, "language", None) or "", v)
    elif p == DCT + "title":
        info.title = info.title or v
    elif p == KG + "number":
        info.number = v
    elif p == KG + "surfaceForm":
        info.other = f"“{v}”"
    elif p == DCT + "identifier":
        info.other = info.other or v
    elif p in (KG + "text", KG + "counts"):
        if not info.other:
            text = " ".join(v.split())
            info.other = text if len(text) <= 90 else text[:88].rstrip() + "…"
