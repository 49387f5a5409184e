"""Counts per kind, and the entities that still lack an official identifier."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

KG = "https://kg.example.org/def/kg#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

# What counts as "an official identifier" per class: TOOI (exactMatch), BWB, CELEX/ELI, kst-id.
_IDENTIFIABLE = ("Organisation", "Law", "Code", "GeneralAdministrativeOrder", "EURegulation", "EUDirective", "EUAct")


@dataclass(frozen=True)
class Count:
    cls: str
    kind: str
    entities: int
    with_identifier: int


@dataclass(frozen=True)
class Missing:
    cls: str
    iri: str
    label: str
    mentions: int


@dataclass(frozen=True)
class Stats:
    reports: int
    triples: int
    counts: tuple[Count, ...]
    missing: tuple[Missing, ...]


def stats(store_dir: Path) -> Stats:
    from kg.store import graph_names, open_store

    store = open_store(store_dir, read_only=True)
    opts = {"use_default_graph_as_union": True}
    triples = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **opts)))["n"].value)
    counts = []
    q = f"""PREFIX kg: <{KG}> PREFIX skos: <{SKOS}>
    SELECT ?c ?k (COUNT(DISTINCT ?e) AS ?n) (COUNT(DISTINCT ?i) AS ?ni) WHERE {{
      ?e a ?c ; kg:kind ?k . FILTER(STRSTARTS(STR(?c), STR(kg:)))
      FILTER(?c IN (kg:Organisation, kg:Law, kg:Bill, kg:Code, kg:GeneralAdministrativeOrder, kg:EURegulation,
                    kg:EUDirective, kg:EUAct, kg:Programme, kg:Kamerstuk))
      OPTIONAL {{ ?e skos:exactMatch|kg:bwbId|kg:celex|<http://purl.org/dc/terms/identifier> ?x . BIND(?e AS ?i) }}
    }} GROUP BY ?c ?k ORDER BY ?c ?k"""
    for row in store.query(q, **opts):
        counts.append(Count(row["c"].value[len(KG):], row["k"].value.rsplit("/", 1)[-1], int(row["n"].value), int(row["ni"].value)))
    classes = " ".join(f"kg:{c}" for c in _IDENTIFIABLE)
    q2 = f"""PREFIX kg: <{KG}> PREFIX skos: <{SKOS}>
    SELECT ?c ?e ?l (COUNT(DISTINCT ?m) AS ?n) WHERE {{
      VALUES ?c {{ {classes} }}
      ?e a ?c ; skos:prefLabel ?l . FILTER(LANG(?l) = "nl")
      FILTER NOT EXISTS {{ ?e skos:exactMatch|kg:bwbId|kg:celex ?x }}
      OPTIONAL {{ ?m kg:refersTo ?e }}
    }} GROUP BY ?c ?e ?l ORDER BY ?c DESC(?n) ?l"""
    missing = [
        Missing(r["c"].value[len(KG):], r["e"].value, r["l"].value, int(r["n"].value)) for r in store.query(q2, **opts)
    ]
    return Stats(len(graph_names(store)), triples, tuple(counts), tuple(missing))
