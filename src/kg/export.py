"""Serialise the store: canonical Turtle, N-Triples, N-Quads, TriG, JSON-LD.

Canonical means: the same graph always gives the same bytes — sorted, our prefixes only, no blank
nodes (the build mints none), no time stamps.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from pathlib import Path

from kg.ntriples import Quad, Triple, canonical_turtle


class Format(enum.Enum):
    """An RDF serialisation with its media type and file extension."""

    TURTLE = ("turtle", "text/turtle", "ttl")
    NTRIPLES = ("ntriples", "application/n-triples", "nt")
    NQUADS = ("nquads", "application/n-quads", "nq")
    TRIG = ("trig", "application/trig", "trig")
    JSONLD = ("jsonld", "application/ld+json", "jsonld")

    def __init__(self, name_: str, media_type: str, extension: str) -> None:
        self.id = name_
        self.media_type = media_type
        self.extension = extension

    @classmethod
    def from_name(cls, name: str) -> Format:
        for f in cls:
            if f.id == name:
                return f
        raise ValueError(name)


def prefixes() -> dict[str, str]:
    from kg.vocab import PREFIXES

    return dict(PREFIXES)


def parse_nquads_line(line: str) -> Quad:
    """Split one canonical N-Quads line (as pyoxigraph writes it) into its four terms."""
    body = line[:-2] if line.endswith(" .") else line.rstrip(" .")
    rest, graph = body.rsplit(" ", 1)
    s, p, o = rest.split(" ", 2)
    return s, p, o, graph


def store_quads(store) -> Iterator[Quad]:
    import pyoxigraph as ox

    data = store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8")
    for line in data.splitlines():
        if line:
            yield parse_nquads_line(line)


def ontology_triples() -> list[Triple]:
    """The ontology (and kind concepts) as triples, through pyoxigraph's parser."""
    import pyoxigraph as ox

    from kg import assets

    out: list[Triple] = []
    for p in assets.files("ontology"):
        for t in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE):
            out.append((str(t.subject), str(t.predicate), str(t.object)))
    return out


def serialise(quads: list[Quad], fmt: Format, *, with_ontology: bool = False, context: dict | None = None) -> str:
    """The graph in ``fmt``. Triple formats give the union of the named graphs (duplicates merged)."""
    triples = {(s, p, o) for s, p, o, _g in quads}
    if with_ontology:
        triples.update(ontology_triples())
    if fmt is Format.TURTLE:
        return canonical_turtle(triples, prefixes())
    if fmt is Format.NTRIPLES:
        return "".join(f"{s} {p} {o} .\n" for s, p, o in sorted(triples))
    if fmt is Format.NQUADS:
        return "".join(f"{s} {p} {o} {g} .\n" for s, p, o, g in sorted(set(quads)))
    if fmt is Format.TRIG:
        return _trig(quads, with_ontology=with_ontology)
    if fmt is Format.JSONLD:
        return _jsonld(triples, context=context)
    raise ValueError(fmt)


def _trig(quads: list[Quad], *, with_ontology: bool) -> str:
    by_graph: dict[str, list[Triple]] = {}
    for s, p, o, g in quads:
        by_graph.setdefault(g, []).append((s, p, o))
    pre = prefixes()
    out = ["".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(pre.items())), "\n"]
    if with_ontology:
        body = canonical_turtle(ontology_triples(), pre).split("\n\n", 1)[-1]
        out.append("{\n" + body + "}\n\n")
    for g in sorted(by_graph):
        body = canonical_turtle(by_graph[g], pre)
        body = body.split("\n\n", 1)[1] if body.startswith("@prefix") else body
        out.append(f"{g} {{\n{body}}}\n\n")
    return "".join(out)


def _jsonld(triples: set[Triple], *, context: dict | None) -> str:
    """JSON-LD through rdflib, compacted with the project's context (sorted keys: deterministic)."""
    import json

    import rdflib

    g = rdflib.Graph()
    g.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o in sorted(triples)), format="nt")
    if context is None:  # the curated context: terms for the ontology's classes and properties
        from kg.publish.release import context as curated

        context = curated()
    ctx = context
    data = json.loads(g.serialize(format="json-ld", context=ctx, auto_compact=True))
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write a file so that a reader never sees it half-written (temp file + rename)."""
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
