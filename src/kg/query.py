"""Canned SPARQL queries (queries/*.rq) and ad-hoc queries, on the embedded store or a remote endpoint.

Parameters are never pasted into query text as strings: each value becomes an RDF term, serialised by
the SPARQL grammar's rules (an escaped literal, a validated IRI or a checked integer), and is bound through
a ``VALUES`` clause placed at the start of the outermost WHERE pattern, so that the pattern and its FILTERs
see the binding. The same mechanism runs locally and remotely, so both give the same answer; a value like
``DJI" } ; DROP ALL ; #`` is only a name that matches nothing.

The dataset is the union of the report graphs. Locally that is pyoxigraph's
``use_default_graph_as_union``; on a remote endpoint the report graphs are named in the request
(``default-graph-uri`` / ``named-graph-uri``), because engines disagree about what the default graph is.
That difference is handled in :mod:`kg.publish.engines`, the one place that knows about engines.

Result rows hold RDF terms in the SPARQL 1.1 JSON results form (``{"type": "uri", "value": ...}``), the
one form both backends produce; :func:`render` writes them as a table or in the SPARQL 1.1 results formats
(JSON, XML, CSV, TSV), byte-identical for the same result whichever backend answered.

Imports stay light (no rdflib, no SPARQLWrapper unless an endpoint is asked): ``kg query`` on the local
store is a sub-second process.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg import assets
from kg.errors import EndpointError, InputError, UsageError

SPARQL_RESULTS_JSON = "application/sparql-results+json"
FORMATS = ("table", "csv", "tsv", "json", "xml")
PARAM_TYPES = ("string", "name", "iri", "integer")
# A "name" parameter also binds ?<name>Key (the value lower-cased, to match kg:nameKey by index) and
# ?<name>AsIri (the value as an IRI when it is an absolute one, else an IRI that names nothing).
NO_IRI = "urn:x-kg:not-an-iri"
XSD = "http://www.w3.org/2001/XMLSchema#"

# IRIREF of the SPARQL grammar, absolute (scheme required).
_IRI_OK = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*$")
_SYNTAX = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.S)

Term = dict[str, str]  # a SPARQL 1.1 JSON results term


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # "string" (a literal), "name" (a literal looked up by name; see derived_terms), "iri" or "integer"
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
    """The answer to a SELECT (variables and rows) or an ASK (``boolean``).

    Each row maps a variable to its term in SPARQL 1.1 JSON results form; unbound variables are absent.
    """

    variables: tuple[str, ...]
    rows: tuple[dict[str, Term], ...]
    boolean: bool | None = None
    prefixes: dict[str, str] = field(default_factory=dict, compare=False)


# --- the canned queries ---------------------------------------------------------------------------

def _parse_header(path: Path) -> CannedQuery:
    return _parse_header_text(path.read_text(encoding="utf-8"), path)


def _parse_header_text(text: str, path: Path) -> CannedQuery:
    title = description = ""
    params = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break  # the header is the leading comment block
            continue
        key, _, value = line[1:].strip().partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "title":
            title = value
        elif key == "description":
            description = (description + " " + value).strip()
        elif key == "param":
            parts = [p.strip() for p in value.split("|")]
            if len(parts) < 4 or parts[1] not in PARAM_TYPES or parts[3] not in ("required", "optional") \
                    or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", parts[0]):
                raise InputError("a '# param:' line reads: name | string|name|iri|integer | example | required|optional"
                                 " [| description]", path=str(path), line=n)
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


# --- binding parameters as RDF terms ----------------------------------------------------------------

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def literal(value: str) -> str:
    """A string as a SPARQL string literal, escaped per the grammar (ECHAR)."""
    return '"' + "".join(_ECHAR.get(c, c) for c in value) + '"'


def term(param: Parameter, value: str) -> str:
    """The value of a parameter as a SPARQL term (literal, IRI or integer), checked for its type."""
    if param.type == "iri":
        if not _IRI_OK.match(value):
            raise UsageError(f"parameter {param.name!r} needs an absolute IRI, not {value!r}")
        return f"<{value}>"
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", value):
            raise UsageError(f"parameter {param.name!r} needs a whole number, not {value!r}")
        return str(int(value))
    return literal(value)


def derived_terms(param: Parameter, value: str | None) -> list[tuple[str, str]]:
    """The extra variables a "name" parameter binds, as (variable, SPARQL term); UNDEF when it is not given.

    ``?<name>Key`` is the value lower-cased, which the queries look up in ``kg:nameKey`` (an index lookup:
    matching ``LCASE(?label)`` instead would read every label of every report). ``?<name>AsIri`` is the
    value as an IRI when it is an absolute IRI, so that an entity can be named by its IRI, else an IRI that
    names nothing (always bound: an unbound variable would make the engine join it with every entity).
    """
    if param.type != "name":
        return []
    if value is None:
        return [(f"?{param.name}Key", "UNDEF"), (f"?{param.name}AsIri", "UNDEF")]
    as_iri = value if _IRI_OK.match(value) else NO_IRI
    return [(f"?{param.name}Key", literal(value.lower())), (f"?{param.name}AsIri", f"<{as_iri}>")]


def where_position(text: str) -> int | None:
    """Offset just after the ``{`` that opens the outermost WHERE pattern, skipping comments, strings and IRIs.

    For the short forms without the WHERE keyword (``SELECT * { ... }``, ``ASK { ... }``) it is the first ``{``.
    """
    found = _where_braces(text)
    return found[0] if found else None


_IRIREF = re.compile(r"<[^\x00-\x20<>\"{}|^`\\]*>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _where_braces(text: str) -> list[int]:
    """Offsets just after every ``{`` that opens a WHERE pattern: the outermost first, then subqueries'."""
    i, n = 0, len(text)
    last_word = ""
    form = ""
    first_brace = None
    out: list[int] = []
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c in "\"'":
            q3 = text[i : i + 3]
            if q3 in ('"""', "'''"):
                j = i + 3
                while j < n and text[j : j + 3] != q3:
                    j += 2 if text[j] == "\\" else 1
                i = j + 3
            else:
                j = i + 1
                while j < n and text[j] != c and text[j] != "\n":
                    j += 2 if text[j] == "\\" else 1
                i = j + 1
            last_word = ""
            continue
        if c == "<":
            m = _IRIREF.match(text, i)
            if m:
                i = m.end()
                continue
        if c.isalpha():
            m = _WORD.match(text, i)
            word = m.group(0).upper()
            if not form and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = word
            last_word = word
            i = m.end()
            continue
        if c == "{":
            if last_word == "WHERE":
                out.append(i + 1)
            elif first_brace is None and not out:
                first_brace = i + 1
                if form in ("SELECT", "ASK", "DESCRIBE"):
                    out.append(first_brace)
                else:  # a CONSTRUCT template: skip it
                    depth = 1
                    i += 1
                    while i < n and depth:
                        depth += {"{": 1, "}": -1}.get(text[i], 0)
                        i += 1
                    last_word = ""
                    continue
            last_word = ""
            i += 1
            continue
        if not c.isspace():
            last_word = ""
        i += 1
    return out


def _block_end(text: str, start: int) -> int:
    """Offset of the ``}`` closing the group that opens just before ``start`` (braces in strings are rare
    enough in our queries to be counted; a wrong guess only means the clause is added where not needed)."""
    depth, i = 1, start
    while i < len(text) and depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return i


def bind(query: CannedQuery, params: Mapping[str, str]) -> str:
    """The query text with its parameters bound as RDF terms through a VALUES clause.

    Unknown parameters and missing required ones are usage errors; an optional parameter left out is
    ``UNDEF`` (unbound), which the queries test with ``BOUND``.
    """
    known = {p.name: p for p in query.parameters}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise UsageError(f"query {query.name!r} has no parameter {unknown[0]!r}",
                         hint="its parameters: " + (", ".join(known) or "none"))
    names, values = [], []
    for p in query.parameters:
        if p.name in params:
            values.append(term(p, params[p.name]))
        elif p.required:
            need = ", ".join(f"{q.name}=<{q.type}>" for q in query.parameters if q.required)
            raise UsageError(f"query {query.name!r} needs --param {p.name}=… (e.g. {p.name}={p.example})",
                             hint=f"required: {need}")
        else:
            values.append("UNDEF")
        names.append(f"?{p.name}")
        for name, value in derived_terms(p, params.get(p.name)):
            names.append(name)
            values.append(value)
    return bind_values(query.text, names, values, source=str(query.path))


def bind_values(text: str, names: list[str], values: list[str], *, source: str = "the query") -> str:
    """Insert ``VALUES (names) { (values) }`` at the start of the outermost WHERE pattern, and of every
    subquery's WHERE pattern that uses one of the names.

    A subquery is evaluated on its own (SPARQL's bottom-up semantics), so a parameter bound only outside
    it is unbound inside; binding it there too lets a query resolve an entity first, in a small DISTINCT
    subquery, and join the rest of the pattern on the result (see queries/laws-for-organisation.rq).
    """
    if not names:
        return text
    braces = _where_braces(text)
    if not braces:
        raise InputError("a query with parameters needs a WHERE { ... } pattern", path=source)
    # On the same line as the brace, so that line numbers in error messages stay those of the file.
    clause = f" VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }} "
    uses = re.compile(r"[?$](?:" + "|".join(re.escape(n[1:]) for n in names) + r")\b")
    at = [braces[0]] + [b for b in braces[1:] if uses.search(text, b, _block_end(text, b))]
    for pos in sorted(at, reverse=True):
        text = text[:pos] + clause + text[pos:]
    return text


# --- backends -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LocalStore:
    path: Path


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL 1.1 endpoint. ``engine``: auto (guessed from the URL), oxigraph, virtuoso, fuseki or generic.

    ``retries`` and ``backoff``: a request that is refused, cut or answered with 500/502/503/504 is sent again,
    at most ``retries`` times, after ``backoff`` seconds and then twice as long each time (see :mod:`kg.retry`;
    default: env KG_HTTP_RETRIES, KG_HTTP_BACKOFF). A query that runs out of time is not sent again: it would
    cost the server the same work again.
    """

    url: str
    timeout: float = 60.0
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    engine: str = "auto"
    retries: int | None = None
    backoff: float | None = None


def run_sparql(sparql: str, backend: LocalStore | Endpoint, *, source: str | None = None) -> QueryResult:
    """Run a SELECT or ASK on the union of the report graphs. ``source`` names the text in syntax errors."""
    prefixes = dict(re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z0-9_.-]*):\s*<([^>]*)>", sparql))
    if isinstance(backend, LocalStore):
        result = _local(sparql, backend.path, source)
    else:
        result = _remote(sparql, backend)
    return QueryResult(result.variables, result.rows, result.boolean, prefixes)


def run_query(name_or_text: str, backend: LocalStore | Endpoint, *,
              params: Mapping[str, str] | None = None) -> QueryResult:
    """Run a canned query by name (or, when it is not a name, a query text), with its parameters bound."""
    if re.fullmatch(r"[A-Za-z0-9_-]+", name_or_text):
        q = get_query(name_or_text)
        return run_sparql(bind(q, params or {}), backend, source=str(q.path))
    if params:
        names = [f"?{k}" for k in params]
        if not all(re.fullmatch(r"\?[A-Za-z_][A-Za-z0-9_]*", n) for n in names):
            raise UsageError("parameter names are SPARQL variable names")
        text = bind_values(name_or_text, names, [literal(v) for v in params.values()])
        return run_sparql(text, backend)
    return run_sparql(name_or_text, backend)


def syntax_error(err: SyntaxError, source: str | None) -> UsageError:
    msg = str(err)
    m = _SYNTAX.search(msg)
    where = source or "query"
    if m:
        return UsageError(f"{where}:{m.group(1)}:{m.group(2)}: SPARQL syntax error: {m.group(3).strip()}")
    return UsageError(f"{where}: SPARQL syntax error: {msg}")


def _local(sparql: str, path: Path, source: str | None) -> QueryResult:
    import pyoxigraph as ox

    from kg.publish.engines import term_json
    from kg.store import open_store

    store = open_store(path, read_only=True)
    try:
        res = store.query(sparql, use_default_graph_as_union=True)
    except SyntaxError as err:
        raise syntax_error(err, source) from None
    if isinstance(res, (bool, ox.QueryBoolean)):
        return QueryResult((), (), bool(res))
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


def _safe(url: str) -> str:
    """The URL without credentials or query string, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    p = urlsplit(url)
    host = p.hostname or ""
    if p.port:
        host += f":{p.port}"
    return urlunsplit((p.scheme, host, p.path, "", ""))


class _Transient(EndpointError):
    """A failure that may pass: worth another try."""


def _post(ep: Endpoint, url: str, sparql: str, graphs: list[str], *, sleep=None) -> dict:
    """One SPARQL Protocol request, sent again (bounded, with backoff) while it fails in a way that may pass."""
    import logging
    import time

    from kg.retry import policy

    retry = policy(retries=ep.retries, backoff=ep.backoff)
    for attempt in range(retry.attempts):
        if attempt:
            (sleep or time.sleep)(retry.delay(attempt))
        try:
            return _post_once(ep, url, sparql, graphs)
        except _Transient as err:
            if attempt == retry.attempts - 1:
                tried = f" (tried {retry.attempts} times)" if retry.attempts > 1 else ""
                raise EndpointError(f"{err.message}{tried}", hint=err.hint) from None
            logging.getLogger(__name__).info("%s; attempt %d of %d", err.message, attempt + 1, retry.attempts)
    raise AssertionError("unreachable")


def _post_once(ep: Endpoint, url: str, sparql: str, graphs: list[str]) -> dict:
    """One SPARQL Protocol request (URL-encoded POST, JSON results) through SPARQLWrapper, errors mapped."""
    import http.client
    import socket
    import urllib.error

    from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import (
        EndPointInternalError, EndPointNotFound, QueryBadFormed, SPARQLWrapperException, Unauthorized)

    from kg.publish.engines import dataset_params

    where = _safe(url)
    sw = SPARQLWrapper(url)
    sw.setMethod(POST)
    sw.setReturnFormat(JSON)
    sw.setOnlyConneg(True)
    sw.timeout = ep.timeout  # not setTimeout(), which truncates to whole seconds (0.5 -> no timeout)
    sw.setQuery(sparql)
    for k, v in dataset_params(graphs):
        sw.addParameter(k, v)
    if ep.user:
        sw.setCredentials(ep.user, ep.password or "")
        if ep.engine == "virtuoso" or "virtuoso" in where:
            sw.setHTTPAuth(DIGEST)

    def body(err) -> str:
        """The server's own words: SPARQLWrapper keeps them only as a repr in its message."""
        import ast

        text = str(err).partition("Response:\n")[2]
        try:
            raw = ast.literal_eval(text) if text else b""
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        except (ValueError, SyntaxError):
            pass
        return " ".join(text.split())[:300] or "(no details)"

    from kg.publish.gsp import SlowAnswer, read_body

    try:
        res = sw.query()
        ctype = res.response.headers.get("Content-Type", "") if res.response.headers else ""
        raw = read_body(res.response, ep.timeout)
    except QueryBadFormed as err:
        raise UsageError(f"{where} rejected the query (HTTP 400): {body(err)}") from None
    except Unauthorized:
        raise EndpointError(f"{where} refused access (HTTP 401)",
                            hint="give --user and --password (or KG_ENDPOINT_USER / KG_ENDPOINT_PASSWORD)") from None
    except EndPointNotFound:
        raise EndpointError(f"no SPARQL endpoint at {where} (HTTP 404)",
                            hint="give the query endpoint's URL, e.g. http://localhost:7878/query") from None
    except EndPointInternalError as err:
        raise _Transient(f"{where} failed (HTTP 500): {body(err)}") from None
    except SPARQLWrapperException as err:
        raise EndpointError(f"{where}: {type(err).__name__}: {body(err)}") from None
    except urllib.error.HTTPError as err:
        kind = _Transient if err.code in (500, 502, 503, 504) else EndpointError
        raise kind(f"{where} answered HTTP {err.code} {err.reason}",
                   hint="the server may be starting or overloaded; try again later" if err.code >= 500
                   else None) from None
    except SlowAnswer:
        raise EndpointError(f"{where} did not send its whole answer within {ep.timeout:g} s",
                            hint="raise --timeout, or check the server") from None
    except (TimeoutError, socket.timeout):
        raise EndpointError(f"{where} did not answer within {ep.timeout:g} s",
                            hint="raise --timeout, or check the server") from None
    except http.client.IncompleteRead as err:
        raise _Transient(f"{where} cut the connection part-way through its answer "
                         f"({len(err.partial)} bytes received)") from None
    except http.client.RemoteDisconnected:
        raise _Transient(f"{where} closed the connection without answering",
                         hint="is the server restarting or overloaded?") from None
    except http.client.HTTPException as err:
        raise _Transient(f"{where} did not answer HTTP ({type(err).__name__})",
                         hint="is the URL the SPARQL endpoint?") from None
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise EndpointError(f"{where} did not answer within {ep.timeout:g} s",
                                hint="raise --timeout, or check the server") from None
        raise _Transient(f"cannot reach the SPARQL endpoint {where}: {getattr(reason, 'strerror', None) or reason}",
                         hint="is the server running, and is the URL right?") from None
    except (ConnectionError, OSError) as err:
        raise _Transient(f"cannot reach the SPARQL endpoint {where}: {err}",
                         hint="is the server running, and is the URL right?") from None
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or ("boolean" not in data and not isinstance(data["results"]["bindings"], list)):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        shown = ctype.split(";")[0].strip() or "no content type"
        raise EndpointError(f"{where} did not answer SPARQL JSON results (got {shown}, {len(raw)} bytes)",
                            hint="is the URL the SPARQL query endpoint?") from None
    return data


def _remote(sparql: str, ep: Endpoint) -> QueryResult:
    from kg.publish.engines import engine_for, normalise_binding

    from urllib.parse import urlsplit

    from kg.publish.gsp import check_url

    check_url(ep.url)
    try:
        engine = engine_for(ep.url, kind=ep.engine)
    except ValueError as err:
        raise UsageError(str(err)) from None
    # The URL as given when it names an endpoint; a bare server root gets the engine's query path.
    url = ep.url if urlsplit(ep.url).path.strip("/") else engine.query_url
    ep = Endpoint(ep.url, ep.timeout, ep.user, ep.password, engine.name, ep.retries, ep.backoff)
    # The dataset: the report graphs on the server (engines disagree about the default graph; see engines.py).
    listing = _post(ep, url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", [])
    graphs = sorted(b["g"]["value"] for b in listing.get("results", {}).get("bindings", [])
                    if "g" in b and "/graph/" in b["g"]["value"] and ".staging-" not in b["g"]["value"])
    data = _post(ep, url, sparql, graphs)
    if "boolean" in data:
        return QueryResult((), (), bool(data["boolean"]))
    variables = tuple(data.get("head", {}).get("vars", []))
    rows = tuple({k: normalise_binding(v) for k, v in row.items()} for row in data["results"]["bindings"])
    return QueryResult(variables, rows)


# --- rendering ----------------------------------------------------------------------------------

def _plain(t: Term | None) -> str:
    return "" if t is None else t["value"]


def _nt_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def nt_term(t: Term | None) -> str:
    """A JSON results term in N-Triples / Turtle syntax (for TSV)."""
    if t is None:
        return ""
    if t["type"] == "uri":
        return f"<{t['value']}>"
    if t["type"] == "bnode":
        return f"_:{t['value']}"
    s = f'"{_nt_escape(t["value"])}"'
    if "xml:lang" in t:
        return f"{s}@{t['xml:lang']}"
    if "datatype" in t and t["datatype"] != XSD + "string":
        return f"{s}^^<{t['datatype']}>"
    return s


_DEFAULT_PREFIXES = {
    "kg": "https://kg.example.org/def/kg#", "kgk": "https://kg.example.org/def/kind/",
    "xsd": XSD, "skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": "http://purl.org/dc/terms/",
}


_LOCAL = re.compile(r"[A-Za-z0-9_.-]*")
_ID_PATH = re.compile(r"https?://[^/]+(/id/.*)$")


def _shortener(prefixes: Mapping[str, str]):
    """A function that writes a term for a table: an IRI as prefix:local, or its /id/ path, or whole.

    The namespaces are tried longest first; they are sorted once per table, not once per cell.
    """
    spaces = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def short(t: Term | None) -> str:
        if t is None:
            return ""
        if t["type"] != "uri":
            return t["value"]
        v = t["value"]
        for p, ns in spaces:
            if v.startswith(ns) and _LOCAL.fullmatch(v, len(ns)):
                return f"{p}:{v[len(ns):]}"
        m = _ID_PATH.match(v)
        return f"<{m.group(1)}>" if m else f"<{v}>"

    return short


def render(result: QueryResult, fmt: str) -> str:
    """The result as text: ``table`` (for a terminal) or the SPARQL 1.1 results formats json, xml, csv, tsv."""
    if fmt == "json":
        if result.boolean is not None:
            data = {"head": {}, "boolean": result.boolean}
        else:
            data = {"head": {"vars": list(result.variables)}, "results": {"bindings": [dict(r) for r in result.rows]}}
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if fmt == "xml":
        return _xml(result)
    if fmt in ("csv", "tsv"):
        if result.boolean is not None:
            return ("true" if result.boolean else "false") + ("\r\n" if fmt == "csv" else "\n")
        if fmt == "csv":
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(result.variables)
            for r in result.rows:
                w.writerow([_plain(r.get(v)) for v in result.variables])
            return buf.getvalue()
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines += ["\t".join(nt_term(r.get(v)) for v in result.variables) for r in result.rows]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        return _table(result)
    raise UsageError(f"unknown format {fmt!r}", hint="one of: " + ", ".join(FORMATS))


def _xml(result: QueryResult) -> str:
    from xml.sax.saxutils import escape, quoteattr

    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n <head>\n']
    out += [f"  <variable name={quoteattr(v)}/>\n" for v in result.variables]
    out.append(" </head>\n")
    if result.boolean is not None:
        out.append(f" <boolean>{'true' if result.boolean else 'false'}</boolean>\n</sparql>\n")
        return "".join(out)
    out.append(" <results>\n")
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
                inner = f"<literal{attrs}>{escape(t['value'], {chr(13): '&#13;'})}</literal>"
            out.append(f"   <binding name={quoteattr(v)}>{inner}</binding>\n")
        out.append("  </result>\n")
    out.append(" </results>\n</sparql>\n")
    return "".join(out)


def _table(result: QueryResult, width: int = 60) -> str:
    """Columns padded to their widest value (at most ``width``; the last column is never cut)."""
    if result.boolean is not None:
        return ("yes" if result.boolean else "no") + "\n"
    prefixes = {**_DEFAULT_PREFIXES, **result.prefixes}
    cols = list(result.variables)
    short = _shortener(prefixes)
    cells = [[" ".join(short(r.get(v)).split()) for v in cols] for r in result.rows]
    widths = [min(width, max([len(c)] + [len(row[i]) for row in cells])) for i, c in enumerate(cols)]

    def line(vals: list[str]) -> str:
        out = []
        for i, v in enumerate(vals):
            last = i == len(vals) - 1
            if not last and len(v) > widths[i]:
                v = v[: widths[i] - 1] + "…"
            out.append(v if last else v.ljust(widths[i]))
        return "  ".join(out).rstrip()

    out = [line(cols), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"
