"""Canned SPARQL queries (queries/*.rq) and ad-hoc queries, on the embedded store or a remote endpoint.

Parameters are never pasted into query text as strings: each value becomes an RDF term, serialised
by the SPARQL grammar's rules (escaped literal or validated IRI), and is bound through a
``VALUES`` clause at the start of the WHERE pattern — the same mechanism locally and remotely, so a value like ``DJI" } ; DROP ALL ; #``
is only a name that matches nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from kg import assets
from kg.errors import InputError, UsageError

SPARQL_RESULTS_JSON = "application/sparql-results+json"
_IRI_OK = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]*$")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # "string" (a literal) or "iri"
    example: str
    required: bool
    description: str = ""


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path


@dataclass(frozen=True)
class QueryResult:
    """Variables and rows; each value is a SPARQL 1.1 JSON results term (dict) or absent."""

    variables: tuple[str, ...]
    rows: tuple[dict[str, dict[str, str]], ...]


def _parse_header(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    title = description = ""
    params = []
    for line in text.splitlines():
        if not line.startswith("#"):
            continue
        body = line[1:].strip()
        key, _, value = body.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "title":
            title = value
        elif key == "description":
            description = (description + " " + value).strip()
        elif key == "param":
            parts = [p.strip() for p in value.split("|")]
            if len(parts) < 4:
                raise InputError("a '# param:' line needs: name | type | example | required|optional [| description]",
                                 path=str(path))
            params.append(Parameter(parts[0], parts[1], parts[2], parts[3] == "required",
                                    parts[4] if len(parts) > 4 else ""))
    return CannedQuery(path.stem, title, description, tuple(params), text, path)


def list_queries() -> list[CannedQuery]:
    """The canned queries, sorted by name."""
    return [_parse_header(p) for p in assets.files("queries", "*.rq")]


def get_query(name: str) -> CannedQuery:
    for q in list_queries():
        if q.name == name:
            return q
    names = ", ".join(q.name for q in list_queries())
    raise UsageError(f"no canned query named {name!r}", hint=f"one of: {names} (see `kg query list`)")


def literal(value: str) -> str:
    """A string as a SPARQL literal, escaped per the grammar (ECHAR)."""
    esc = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
           .replace("\t", "\\t").replace("\b", "\\b").replace("\f", "\\f"))
    return f'"{esc}"'


def term(param: Parameter, value: str) -> str:
    if param.type == "iri":
        if not _IRI_OK.match(value):
            raise UsageError(f"parameter {param.name!r} needs an absolute IRI, not {value!r}")
        return f"<{value}>"
    if param.type == "integer":
        if not re.fullmatch(r"-?\d{1,18}", value):
            raise UsageError(f"parameter {param.name!r} needs a whole number, not {value!r}")
        return value
    return literal(value)


def bind(query: CannedQuery, params: dict[str, str]) -> str:
    """The query text with its parameters bound through a trailing VALUES clause."""
    known = {p.name: p for p in query.parameters}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise UsageError(f"query {query.name!r} has no parameter {unknown[0]!r}",
                         hint="parameters: " + (", ".join(known) or "none"))
    names, values = [], []
    for p in query.parameters:
        if p.name in params:
            names.append(f"?{p.name}")
            values.append(term(p, params[p.name]))
        elif p.required:
            raise UsageError(f"query {query.name!r} needs --param {p.name}=… (e.g. {p.name}={p.example})")
        else:
            names.append(f"?{p.name}")
            values.append("UNDEF")
    if not names:
        return query.text
    # At the start of the outermost WHERE, so that the pattern and its FILTERs see the bindings.
    m = re.search(r"\bWHERE\s*\{", query.text, flags=re.I)
    if not m:
        raise InputError("a query with parameters needs a WHERE { ... } clause", path=str(query.path))
    clause = f"\n  VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }}\n"
    return query.text[: m.end()] + clause + query.text[m.end() :]


# --- backends -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LocalStore:
    path: Path


@dataclass(frozen=True)
class Endpoint:
    url: str
    timeout: float = 60.0
    user: str | None = None
    password: str | None = None


def run_sparql(sparql: str, backend: LocalStore | Endpoint) -> QueryResult:
    """Run a SELECT (or ASK) on the union of the report graphs."""
    if isinstance(backend, LocalStore):
        return _local(sparql, backend.path)
    return _remote(sparql, backend)


def run_query(name: str, backend: LocalStore | Endpoint, *, params: dict[str, str] | None = None) -> QueryResult:
    return run_sparql(bind(get_query(name), params or {}), backend)


def _local(sparql: str, path: Path) -> QueryResult:
    import pyoxigraph as ox

    from kg.publish.engines import term_json
    from kg.store import open_store

    store = open_store(path, read_only=True)
    try:
        res = store.query(sparql, use_default_graph_as_union=True)
    except SyntaxError as err:
        raise UsageError(f"SPARQL syntax error: {err}") from None
    if isinstance(res, (bool, ox.QueryBoolean)):
        return QueryResult(("boolean",), ({"boolean": {"type": "literal", "value": str(bool(res)).lower()}},))
    if not isinstance(res, ox.QuerySolutions):
        raise UsageError("only SELECT and ASK queries are answered here; use `kg export` for graphs")
    variables = tuple(v.value for v in res.variables)
    rows = []
    for s in res:
        row = {}
        for v in variables:
            t = term_json(s[v])
            if t is not None:
                row[v] = t
        rows.append(row)
    return QueryResult(variables, tuple(rows))


def _remote(sparql: str, ep: Endpoint) -> QueryResult:
    from kg.publish.engines import engine_for
    from kg.publish.gsp import Credentials, GraphStoreClient

    creds = Credentials(ep.user, ep.password or "") if ep.user else None
    client = GraphStoreClient(engine_for(ep.url, kind="auto", authenticated=bool(creds)), credentials=creds,
                              timeout=ep.timeout)
    # The dataset: the report graphs on the server (engine default-graph semantics differ; see engines.py).
    graphs = [r["g"]["value"] for r in client.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
              if "/graph/" in r["g"]["value"] and ".staging-" not in r["g"]["value"]]
    rows = client.select(sparql, graphs=graphs)
    # The variables in order: ask the same query of an empty embedded store (it parses it the same way).
    import pyoxigraph as ox

    try:
        empty = ox.Store().query(sparql)
    except SyntaxError as err:
        raise UsageError(f"SPARQL syntax error: {err}") from None
    names = [v.value for v in empty.variables] if isinstance(empty, ox.QuerySolutions) else sorted({k for r in rows for k in r})
    return QueryResult(tuple(names), tuple(rows))


# --- rendering ----------------------------------------------------------------------------------

def _plain(t: dict[str, str] | None) -> str:
    return "" if t is None else t["value"]


def render(result: QueryResult, fmt: str) -> str:
    if fmt == "json":
        data = {"head": {"vars": list(result.variables)}, "results": {"bindings": [dict(r) for r in result.rows]}}
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if fmt == "xml":
        from xml.sax.saxutils import escape, quoteattr

        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n <head>\n']
        out += [f"  <variable name={quoteattr(v)}/>\n" for v in result.variables]
        out.append(" </head>\n <results>\n")
        for r in result.rows:
            out.append("  <result>\n")
            for v in result.variables:
                t = r.get(v)
                if t is None:
                    continue
                if t["type"] == "uri":
                    inner = f"<uri>{escape(t['value'])}</uri>"
                elif t["type"] == "bnode":
                    inner = f"<bnode>{escape(t['value'])}</bnode>"
                else:
                    attrs = ""
                    if "xml:lang" in t:
                        attrs = f" xml:lang={quoteattr(t['xml:lang'])}"
                    elif "datatype" in t:
                        attrs = f" datatype={quoteattr(t['datatype'])}"
                    inner = f"<literal{attrs}>{escape(t['value'])}</literal>"
                out.append(f"   <binding name={quoteattr(v)}>{inner}</binding>\n")
            out.append("  </result>\n")
        out.append(" </results>\n</sparql>\n")
        return "".join(out)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(result.variables)
        for r in result.rows:
            w.writerow([_plain(r.get(v)).replace("\t", " ").replace("\n", " ") if fmt == "tsv" else _plain(r.get(v))
                        for v in result.variables])
        return buf.getvalue()
    if fmt == "table":
        cols = list(result.variables)
        cells = [[_plain(r.get(v)) for v in cols] for r in result.rows]
        width = [min(60, max([len(c)] + [len(row[i]) for row in cells])) for i, c in enumerate(cols)]

        def line(vals):
            return "  ".join((v if len(v) <= 60 else v[:57] + "...").ljust(width[i]) for i, v in enumerate(vals)).rstrip()

        out = [line(cols), "  ".join("-" * w for w in width)]
        out += [line(row) for row in cells]
        out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
        return "\n".join(out) + "\n"
    raise UsageError(f"unknown format {fmt!r}")
