"""Content negotiation: the Accept header, a format suffix (``.ttl``) or ``?format=``.

The client's preferences decide; between equally preferred types the one the client listed first wins
(rdflib and curl list several with the same weight), then the server's order (HTML first).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RdfFormat:
    key: str
    media_type: str
    extension: str
    label: str


HTML = RdfFormat("html", "text/html", "html", "HTML")
TURTLE = RdfFormat("turtle", "text/turtle", "ttl", "Turtle")
JSONLD = RdfFormat("jsonld", "application/ld+json", "jsonld", "JSON-LD")
NTRIPLES = RdfFormat("ntriples", "application/n-triples", "nt", "N-Triples")
RDFXML = RdfFormat("rdfxml", "application/rdf+xml", "rdf", "RDF/XML")

PAGE_FORMATS = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML)
RDF_FORMATS = PAGE_FORMATS[1:]

# Other names for the same formats (media types clients send, suffixes and ?format= values people type).
MEDIA_ALIASES = {
    "application/xhtml+xml": "html",
    "application/x-turtle": "turtle",
    "application/json": "jsonld",
    "text/plain": "ntriples",
}
NAMES = {
    "html": "html", "htm": "html",
    "ttl": "turtle", "turtle": "turtle",
    "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
    "nt": "ntriples", "ntriples": "ntriples", "n-triples": "ntriples",
    "rdf": "rdfxml", "xml": "rdfxml", "rdfxml": "rdfxml", "rdf-xml": "rdfxml",
}
BY_KEY = {f.key: f for f in PAGE_FORMATS}
SUFFIXES = {f".{f.extension}": f for f in PAGE_FORMATS}


def format_by_name(name: str | None) -> RdfFormat | None:
    if not name:
        return None
    key = NAMES.get(name.strip().lower())
    return BY_KEY.get(key) if key else None


@dataclass(frozen=True)
class Range:
    type: str
    subtype: str
    q: float
    order: int

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*), 0 for none."""
        t, _, s = media_type.partition("/")
        if self.type == t and self.subtype == s:
            return 3
        if self.type == t and self.subtype == "*":
            return 2
        if self.type == "*" and self.subtype == "*":
            return 1
        return 0


def parse_accept(header: str | None) -> list[Range]:
    out = []
    for order, item in enumerate((header or "").split(",")):
        parts = [p.strip() for p in item.split(";")]
        mt = parts[0].lower()
        if "/" not in mt:
            continue
        q = 1.0
        for p in parts[1:]:
            k, _, v = p.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(v)))
                except ValueError:
                    q = 0.0
        t, _, s = mt.partition("/")
        out.append(Range(t, s, q, order))
    return out


def negotiate(header: str | None, offers: dict[str, list[str]], default: str) -> str | None:
    """The key of the best offer for an Accept header; ``offers`` maps keys to their media types (first = main).

    ``default`` when the header is absent; ``None`` when nothing offered is acceptable (406).
    """
    ranges = parse_accept(header)
    if not ranges:
        return default
    best = None
    for rank, (key, types) in enumerate(offers.items()):
        for mt in types:
            matched = [(r.matches(mt), r) for r in ranges if r.matches(mt)]
            if not matched:
                continue
            spec, r = max(matched, key=lambda x: x[0])  # the most specific range decides the weight
            if r.q <= 0:
                continue
            score = (r.q, spec == 3, -r.order, spec, -rank)
            if best is None or score > best[0]:
                best = (score, key)
    return best[1] if best else None


def page_offers() -> dict[str, list[str]]:
    offers = {f.key: [f.media_type] for f in PAGE_FORMATS}
    for mt, key in MEDIA_ALIASES.items():
        offers[key].append(mt)
    return offers
