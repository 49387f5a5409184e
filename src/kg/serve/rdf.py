"""A resource's description in the RDF formats: Turtle (canonical), N-Triples, JSON-LD, RDF/XML."""

from __future__ import annotations

from kg.serve import conneg


def nt_lines(triples) -> list[tuple[str, str, str]]:
    """pyoxigraph terms -> N-Triples term strings."""
    return [(str(s), str(p), str(o)) for s, p, o in triples]


def serialise(triples, fmt: conneg.RdfFormat) -> bytes:
    from kg.export import Format
    from kg.export import serialise as export_serialise

    terms = nt_lines(triples)
    quads = [(s, p, o, "") for s, p, o in terms]
    if fmt is conneg.TURTLE:
        return export_serialise(quads, Format.TURTLE).encode("utf-8")
    if fmt is conneg.NTRIPLES:
        return export_serialise(quads, Format.NTRIPLES).encode("utf-8")
    if fmt is conneg.JSONLD:
        return export_serialise(quads, Format.JSONLD).encode("utf-8")
    if fmt is conneg.RDFXML:
        import pyoxigraph as ox

        from kg.vocab import PREFIXES

        data = "".join(f"{s} {p} {o} .\n" for s, p, o in sorted(terms))
        parsed = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(parsed, format=ox.RdfFormat.RDF_XML, prefixes=dict(PREFIXES))
    raise ValueError(fmt)
