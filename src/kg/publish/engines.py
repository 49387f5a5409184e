"""What differs between SPARQL servers, in one place.

Every engine speaks the SPARQL 1.1 Protocol and the Graph Store HTTP Protocol, but they differ in:

- **where** the endpoints live (``/query`` + ``/store`` on Oxigraph, ``/sparql`` + ``/sparql-graph-crud``
  on Virtuoso, ``/{dataset}/sparql`` + ``/{dataset}/data`` on Fuseki);
- **the default graph**: Oxigraph and Fuseki query only the real default graph unless told otherwise,
  Virtuoso queries the union of *all* its graphs, including its own system graphs. So every query we
  send names its dataset with ``default-graph-uri`` and ``named-graph-uri`` (SPARQL 1.1 Protocol §2.1.4):
  the report graphs, and nothing else. That gives the same answers as the embedded store (which reads
  the union of the report graphs) on every engine;
- **authentication**: Virtuoso's writable graph store is ``/sparql-graph-crud-auth`` with HTTP Digest;
  Oxigraph has none (put it behind a proxy); Fuseki uses Basic;
- **result terms**: Virtuoso types aggregates as ``xsd:int`` where SPARQL says ``xsd:integer``, and
  writes ``typed-literal`` in JSON results. :func:`normalise_binding` maps them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

XSD = "http://www.w3.org/2001/XMLSchema#"
# Virtuoso answers integer aggregates and some arithmetic with these; SPARQL 1.1 says xsd:integer.
_INTEGER_ALIASES = {XSD + t for t in ("int", "long", "short", "byte", "unsignedInt", "unsignedLong")}


@dataclass(frozen=True)
class Engine:
    """Where a server's endpoints are and how to talk to it."""

    name: str  # oxigraph | virtuoso | fuseki | generic
    query_url: str
    update_url: str | None
    gsp_url: str
    auth: str = "basic"  # basic | digest
    atomic_swap: bool = True  # stage into temporary graphs, then MOVE them all in one update

    def describe(self) -> str:
        return f"{self.name} (query {self.query_url}, graph store {self.gsp_url})"


def _strip(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def engine_for(url: str, *, kind: str = "auto", authenticated: bool = False, server_header: str | None = None) -> Engine:
    """The engine at ``url`` (a server root or its query endpoint).

    ``kind`` names it (oxigraph, virtuoso, fuseki, generic); ``auto`` guesses from the ``Server`` header
    (when the caller probed one) and the URL's shape.
    """
    base = _strip(url)
    if kind == "auto":
        header = (server_header or "").lower()
        path = urlsplit(base).path
        if "virtuoso" in header or (path.endswith("/sparql") and path.count("/") == 1):
            kind = "virtuoso"
        elif "fuseki" in header or "jena" in header or path.endswith(("/sparql", "/query")) and path.count("/") >= 2:
            kind = "fuseki"
        else:
            kind = "oxigraph"
    if kind == "oxigraph":
        root = base[: -len("/query")] if base.endswith("/query") else base
        return Engine("oxigraph", f"{root}/query", f"{root}/update", f"{root}/store")
    if kind == "virtuoso":
        root = base[: -len("/sparql")] if base.endswith("/sparql") else base
        # The plain /sparql-graph-crud needs SPARQL_UPDATE granted to the anonymous SPARQL user; with
        # credentials, use the digest-authenticated endpoint. Updates go through the same /sparql.
        gsp = f"{root}/sparql-graph-crud-auth" if authenticated else f"{root}/sparql-graph-crud"
        update = f"{root}/sparql-auth" if authenticated else f"{root}/sparql"
        return Engine("virtuoso", f"{root}/sparql", update, gsp, auth="digest")
    if kind == "fuseki":
        ds = base.rsplit("/", 1)[0] if base.endswith(("/sparql", "/query")) else base
        return Engine("fuseki", f"{ds}/sparql", f"{ds}/update", f"{ds}/data")
    if kind == "generic":
        return Engine("generic", base, None, base, atomic_swap=False)
    raise ValueError(f"unknown engine {kind!r}")


def dataset_params(graphs: Iterable[str]) -> list[tuple[str, str]]:
    """Protocol parameters that make the query's dataset exactly these graphs, on every engine:
    their merge as the default graph and each as a named graph."""
    gs = sorted(set(graphs))
    return [("default-graph-uri", g) for g in gs] + [("named-graph-uri", g) for g in gs]


def normalise_binding(term: Mapping[str, str]) -> dict[str, str]:
    """A SPARQL JSON result term as every engine should have written it (SPARQL 1.1 JSON results)."""
    t = dict(term)
    if t.get("type") == "typed-literal":  # Virtuoso, and SPARQL 1.0-era servers
        t["type"] = "literal"
    if t.get("type") == "literal":
        dt = t.get("datatype")
        if dt in _INTEGER_ALIASES:
            t["datatype"] = XSD + "integer"
        elif dt == XSD + "string":  # RDF 1.1: a simple literal is an xsd:string
            t.pop("datatype")
        if "xml:lang" in t:
            t["xml:lang"] = t["xml:lang"].lower()
    return t


def staging_graph(graph: str, token: str) -> str:
    """The temporary graph a report graph is uploaded into before the swap."""
    return f"{graph}/.staging-{token}"


def term_json(term) -> dict[str, str] | None:
    """A pyoxigraph term as a SPARQL JSON results term (normalised), to compare local and remote answers."""
    if term is None:
        return None
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return normalise_binding(out)


def local_select(store, sparql: str) -> list[dict[str, dict[str, str]]]:
    """A SELECT on the embedded store over the union of its graphs, rows in the form of ``GraphStoreClient.select``."""
    solutions = store.query(sparql, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    rows = []
    for s in solutions:
        row = {}
        for n in names:
            t = term_json(s[n])
            if t is not None:
                row[n] = t
        rows.append(row)
    return rows
