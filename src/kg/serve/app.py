"""The linked-data server: a WSGI application and a threaded standard-library HTTP server around it.

The request path maps to an IRI under the base: ``GET /id/organisation/x`` is the IRI
``{base}/id/organisation/x`` (a thing), answered with ``303 See Other`` to ``/doc/organisation/x`` (the page
about it), which is served as HTML, Turtle, JSON-LD, N-Triples or RDF/XML by the Accept header, a suffix
(``/doc/organisation/x.ttl``) or ``?format=ttl``. When the base IRI has a path (``https://example.org/kg``),
the site is mounted there (``/kg/id/...``).
"""

from __future__ import annotations

import json
import logging
import re
import socketserver
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer, make_server

from kg.serve import conneg, pages
from kg.serve.data import DEF, KG, ONTOLOGY, Data
from kg.serve.html import CSS, SECURITY_HEADERS, Ctx
from kg.serve.search import SearchIndex
from kg.serve.sparql import (DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_RESULTS, DEFAULT_TIMEOUT, PoolBusy, QueryOutOfMemory,
                             QueryPool, QueryRefused, QueryTimeout, WorkerDied)

log = logging.getLogger(__name__)

DEFAULT_MAX_REQUEST = 1_000_000  # bytes of a POST body, and of a query string (the request line stops at 64 KiB)
KEEP_ALIVE_IDLE = 15.0  # seconds an idle persistent connection is kept open
CANNED_CACHE = 256  # canned-query answers kept (the store is read-only between rebuilds)
CANNED_CACHE_ROWS = 2000  # larger answers are not kept
CORS = [("Access-Control-Allow-Origin", "*")]
_SAFE_SEGMENT = re.compile(r"^[^\x00-\x20\x7f<>\"{}|\\^`]+$")

RESULT_OFFERS = {
    "json": ["application/sparql-results+json", "application/json"],
    "xml": ["application/sparql-results+xml", "application/xml", "text/xml"],
    "csv": ["text/csv"],
    "tsv": ["text/tab-separated-values"],
    "html": ["text/html", "application/xhtml+xml"],
}
RESULT_TYPES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8"}
GRAPH_OFFERS = {
    "turtle": ["text/turtle", "application/x-turtle"],
    "ntriples": ["application/n-triples", "text/plain"],
    "jsonld": ["application/ld+json", "application/json"],
    "rdfxml": ["application/rdf+xml", "application/xml"],
    "html": ["text/html", "application/xhtml+xml"],
}
FORMAT_PARAM = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
                "html": "html", "turtle": "turtle", "ttl": "turtle", "nt": "ntriples", "ntriples": "ntriples",
                "jsonld": "jsonld", "json-ld": "jsonld", "rdf": "rdfxml", "rdfxml": "rdfxml"}


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


STATUS = {200: "OK", 204: "No Content", 303: "See Other", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
          405: "Method Not Allowed", 406: "Not Acceptable", 411: "Length Required", 413: "Payload Too Large",
          414: "URI Too Long", 415: "Unsupported Media Type", 500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # after the mount prefix, decoded
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    def param(self, name: str) -> str | None:
        v = self.query.get(name)
        return v[0] if v else None

    @property
    def accept(self) -> str | None:
        return self.headers.get("accept")


class App:
    """The WSGI application. ``pool_size=0`` runs no query workers (pages only; the endpoint answers 503).

    ``max_memory_mb``: the memory cap of each query worker (0: none). ``max_request``: the most bytes of a
    POST body and of a query string (``413`` and ``414`` beyond).
    """

    def __init__(self, store_path: Path, *, base: str, timeout: float = DEFAULT_TIMEOUT,
                 max_results: int = DEFAULT_MAX_RESULTS, pool_size: int = 4,
                 max_memory_mb: int = DEFAULT_MAX_MEMORY_MB, max_request: int = DEFAULT_MAX_REQUEST) -> None:
        self.data = Data(store_path, base=base)
        self.base = self.data.base
        self.ctx = Ctx(self.data, self.base)
        self.index = SearchIndex(self.data)
        self.timeout = timeout
        self.max_results = max_results
        self.max_request = max_request
        self.pool = QueryPool(store_path, size=pool_size, timeout=timeout, max_results=max_results,
                              max_memory_mb=max_memory_mb) if pool_size else None
        self.data.listeners.append(self.index.rebuild)
        if self.pool:
            self.data.listeners.append(self.pool.reload)
        # Canned queries are few and asked again and again; the store only changes with a rebuild.
        self._answers: OrderedDict[str, object] = OrderedDict()
        self._answers_lock = threading.Lock()
        self.data.listeners.append(self._forget_answers)

    def _forget_answers(self) -> None:
        with self._answers_lock:
            self._answers.clear()

    def close(self) -> None:
        if self.pool:
            self.pool.close()

    # --- WSGI ------------------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET").upper()
        try:
            resp = self.handle_environ(environ, method)
        except Exception:  # a bug: log it, answer 500 without details
            log.exception("error while answering %s %s", method, environ.get("PATH_INFO"))
            resp = self.html(500, pages.error_page(self.ctx, 500, "Er ging iets mis in de server."))
        headers = [("Content-Type", resp.content_type)] if resp.status != 204 else []
        headers += resp.headers
        if resp.content_type.startswith("text/html"):
            headers += SECURITY_HEADERS
        else:
            headers.append(("X-Content-Type-Options", "nosniff"))
        headers.append(("Content-Length", str(len(resp.body))))
        start_response(f"{resp.status} {STATUS.get(resp.status, 'Status')}", headers)
        return [b""] if method == "HEAD" else [resp.body]

    def handle_environ(self, environ, method: str) -> Response:
        raw = environ.get("PATH_INFO", "/") or "/"
        try:
            path = raw.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return self.not_found(raw)
        prefix = self.ctx.prefix
        if prefix:
            if path != prefix and not path.startswith(prefix + "/"):
                return self.not_found(path)
            path = path[len(prefix):] or "/"
        qs = environ.get("QUERY_STRING", "")
        if len(qs) > self.max_request:
            return self.text(414, f"the query string is too long (at most {self.max_request} bytes); "
                                  "POST a long SPARQL query instead", CORS)
        query = parse_qs(qs, keep_blank_values=True)
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        body = b""
        if method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > self.max_request:
                return self.text(413, f"the request body is too large (at most {self.max_request} bytes)", CORS)
            body = environ["wsgi.input"].read(length) if length > 0 else b""
        return self.handle(Request(method, path, query, headers, body))

    # --- responses ---------------------------------------------------------------------------------------

    @staticmethod
    def html(status: int, text: str, headers: list | None = None) -> Response:
        return Response(status, text.encode("utf-8"), "text/html; charset=utf-8", headers or [])

    @staticmethod
    def text(status: int, text: str, headers: list | None = None) -> Response:
        return Response(status, (text + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers or [])

    def not_found(self, path: str, iri: str | None = None, req: Request | None = None) -> Response:
        if req is not None and conneg.negotiate(req.accept, {"html": ["text/html"], "text": ["text/plain"],
                                                             "rdf": ["text/turtle", "application/ld+json",
                                                                     "application/n-triples", "application/rdf+xml"]},
                                                "html") not in ("html", None):
            return self.text(404, f"not found: {iri or path}", [("Vary", "Accept")])
        return self.html(404, pages.not_found_page(self.ctx, path, iri), [("Vary", "Accept")])

    def error(self, req: Request, status: int, message: str, headers: list | None = None) -> Response:
        if conneg.negotiate(req.accept, {"text": ["text/plain"], "html": ["text/html"]}, "text") == "html":
            return self.html(status, pages.error_page(self.ctx, status, message), headers)
        return self.text(status, message, headers)

    # --- routing -----------------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        path = req.path
        segments = path.split("/")[1:]
        if any(s in (".", "..") or (s and not _SAFE_SEGMENT.match(s)) for s in segments) or "//" in path:
            return self.not_found(path, req=req)
        self.data.refresh()
        if path == "/sparql":
            return self.sparql(req)
        if req.method not in ("GET", "HEAD"):
            return self.error(req, 405, "only GET and HEAD here (POST on /sparql)", [("Allow", "GET, HEAD")])
        if path == "/":
            return self.html(200, pages.home_page(self.ctx))
        if path == "/static/kg.css":
            return Response(200, CSS.encode("utf-8"), "text/css; charset=utf-8",
                            [("Cache-Control", "public, max-age=3600")])
        if path == "/class":
            return self.html(200, pages.index_page(self.ctx))
        if path.startswith("/class/"):
            try:
                n = max(1, int(req.param("page") or 1))
            except ValueError:
                n = 1
            text = pages.class_page(self.ctx, path[len("/class/"):], page_no=n)
            return self.html(200, text) if text else self.not_found(path, req=req)
        if path == "/search":
            return self.search(req)
        if path == "/queries":
            from kg.query import list_queries

            return self.html(200, pages.queries_page(self.ctx, list_queries()))
        if path.startswith("/queries/"):
            return self.canned(req, path[len("/queries/"):])
        if path.startswith("/id/"):
            return self.redirect_id(req, path[len("/id/"):])
        if path.startswith("/doc/"):
            return self.document(req, path[len("/doc/"):])
        if path.startswith("/graph/"):
            return self.graph(req, path[len("/graph/"):])
        if path.startswith("/def/"):
            return self.definition(req, path[len("/def/"):])
        return self.not_found(path, req=req)

    # --- things and their pages ----------------------------------------------------------------------------

    def _split_suffix(self, rest: str, exists) -> tuple[str, conneg.RdfFormat | None] | None:
        """(key, format from the suffix) for a path below /id/ or /doc/, or None when nothing is there."""
        if exists(rest):
            return rest, None
        for suffix, fmt in conneg.SUFFIXES.items():
            if rest.endswith(suffix) and exists(rest[: -len(suffix)]):
                return rest[: -len(suffix)], fmt
        return None

    def _exists(self, rest: str) -> bool:
        return bool(rest) and self.data.exists(f"{self.base}/id/{rest}")

    def redirect_id(self, req: Request, rest: str) -> Response:
        found = self._split_suffix(rest, self._exists)
        if not found:
            return self.not_found(req.path, f"{self.base}/id/{rest}", req)
        qs = urlencode({k: v[0] for k, v in req.query.items()})
        location = self.ctx.url("/doc/" + rest) + (f"?{qs}" if qs else "")
        return Response(303, f"See {location}\n".encode(), "text/plain; charset=utf-8",
                        [("Location", _quote_location(location)), ("Vary", "Accept")] + CORS)

    def _choose(self, req: Request, suffix_fmt: conneg.RdfFormat | None) -> conneg.RdfFormat | None:
        if suffix_fmt is not None:
            return suffix_fmt
        by_param = conneg.format_by_name(req.param("format"))
        if by_param is not None:
            return by_param
        key = conneg.negotiate(req.accept, conneg.page_offers(), "html")
        return conneg.BY_KEY.get(key) if key else None

    def document(self, req: Request, rest: str) -> Response:
        found = self._split_suffix(rest, self._exists)
        iri = f"{self.base}/id/{rest}"
        if not found:
            return self.not_found(req.path, iri, req)
        key, suffix_fmt = found
        iri = f"{self.base}/id/{key}"
        fmt = self._choose(req, suffix_fmt)
        if fmt is None:
            return self.not_acceptable(req)
        vary = [("Vary", "Accept")] if suffix_fmt is None else []
        if fmt is conneg.HTML:
            info = self.data.info([iri])[iri]
            if KG + "Report" in info.types:
                return self.html(200, pages.report_page(self.ctx, iri), vary)
            return self.html(200, pages.resource_page(self.ctx, iri), vary)
        from kg.serve import rdf

        triples = self.data.describe(iri)
        doc = f"{self.base}/doc/{key}"
        import pyoxigraph as ox

        triples.append((ox.NamedNode(doc), ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic"), ox.NamedNode(iri)))
        return Response(200, rdf.serialise(triples, fmt), fmt.media_type + "; charset=utf-8", vary + CORS)

    def not_acceptable(self, req: Request) -> Response:
        kinds = ", ".join(f.media_type for f in conneg.PAGE_FORMATS)
        return self.text(406, f"none of the accepted types is available here; available: {kinds}", [("Vary", "Accept")])

    def graph(self, req: Request, rest: str) -> Response:
        import pyoxigraph as ox

        def exists(key: str) -> bool:
            if not key or "/" in key:
                return False
            return bool(self.data.store.query(f"ASK {{ GRAPH <{self.base}/graph/{key}> {{ ?s ?p ?o }} }}"))

        found = self._split_suffix(rest, exists)
        if not found:
            return self.not_found(req.path, f"{self.base}/graph/{rest}", req)
        key, suffix_fmt = found
        g = ox.NamedNode(f"{self.base}/graph/{key}")
        fmt = self._choose(req, suffix_fmt)
        if fmt is None:
            return self.not_acceptable(req)
        vary = [("Vary", "Accept")] if suffix_fmt is None else []
        if fmt is conneg.HTML:
            n = int(next(iter(self.data.store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH {g} {{ ?s ?p ?o }} }}")))["n"].value)
            reports = [r["r"].value for r in self.data.store.query(
                f"SELECT ?r {{ GRAPH {g} {{ ?r a <{KG}Report> }} }} ORDER BY ?r")]
            return self.html(200, pages.graph_page(self.ctx, g.value, n, reports), vary)
        from kg.serve import rdf

        triples = [(q.subject, q.predicate, q.object) for q in self.data.store.quads_for_pattern(None, None, None, g)]
        return Response(200, rdf.serialise(triples, fmt), fmt.media_type + "; charset=utf-8", vary + CORS)

    def definition(self, req: Request, rest: str) -> Response:
        """The ontology (/def/kg) and the kinds (/def/kind/...), from ontology/."""

        def exists(key: str) -> bool:
            return key == "kg" or (key.startswith("kind/") and self.data.onto_exists(DEF + key))

        found = self._split_suffix(rest, exists)
        if not found:
            return self.not_found(req.path, DEF + rest, req)
        key, suffix_fmt = found
        fmt = self._choose(req, suffix_fmt)
        if fmt is None:
            return self.not_acceptable(req)
        vary = [("Vary", "Accept")] if suffix_fmt is None else []
        iri = ONTOLOGY if key == "kg" else DEF + key
        if fmt is conneg.HTML:
            if key == "kg":
                return self.html(200, pages.ontology_page(self.ctx), vary)
            return self.html(200, pages.resource_page(self.ctx, iri, ontology=True), vary)
        from kg.serve import rdf

        if key == "kg":
            triples = [(q.subject, q.predicate, q.object) for q in self.data.ontology.quads_for_pattern(None, None, None)]
        else:
            triples = self.data.describe(iri, ontology=True)
        return Response(200, rdf.serialise(triples, fmt), fmt.media_type + "; charset=utf-8", vary + CORS)

    # --- search and canned queries -------------------------------------------------------------------------

    def search(self, req: Request) -> Response:
        q = (req.param("q") or "")[:200]
        if (req.param("format") or "").lower() == "json":
            hits = self.index.search(q)
            data = [{"iri": h.entry.iri, "label": h.entry.label, "label_en": h.entry.label_en,
                     "abbreviations": sorted(h.entry.abbreviations), "types": sorted(h.entry.types),
                     "kind": h.entry.kind, "page": self.ctx.href(h.entry.iri)} for h in hits]
            return Response(200, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"),
                            "application/json; charset=utf-8", CORS)
        return self.html(200, pages.search_page(self.ctx, self.index, q))

    def canned(self, req: Request, name: str) -> Response:
        from kg.errors import UsageError
        from kg.query import QueryResult, bind, get_query, render

        try:
            q = get_query(name)
        except UsageError:
            return self.not_found(req.path, req=req)
        fmt = (req.param("format") or "html").lower()
        if fmt not in ("html", "csv", "tsv", "json", "xml"):
            return self.error(req, 400, "format is one of html, csv, tsv, json, xml")
        values = {k: v[0] for k, v in req.query.items() if k != "format" and v and v[0] != ""}
        known = {p.name for p in q.parameters}
        values = {k: v for k, v in values.items() if k in known}
        missing = [p.name for p in q.parameters if p.required and p.name not in values]
        if missing and fmt == "html":
            return self.html(200, pages.query_result_page(self.ctx, q, values, None, None, False))
        try:
            text = bind(q, values)
            ans = self._canned_answer(text)
        except UsageError as err:
            return self._query_error(req, q, values, fmt, 400, str(err))
        except QueryRefused as err:
            return self._query_error(req, q, values, fmt, err.status, str(err))
        except QueryTimeout as err:
            return self._query_error(req, q, values, fmt, 503, str(err))
        except (PoolBusy, QueryOutOfMemory, WorkerDied) as err:
            return self._query_error(req, q, values, fmt, 503, str(err))
        result = QueryResult(tuple(ans.variables), tuple(ans.rows), ans.boolean)
        extra = [("X-Result-Truncated", "true")] if ans.truncated else []
        if fmt == "html":
            return self.html(200, pages.query_result_page(self.ctx, q, values, result, None, ans.truncated), extra)
        return Response(200, render(result, fmt).encode("utf-8"), RESULT_TYPES[fmt], extra + CORS)

    def _query_error(self, req, q, values, fmt, status, message) -> Response:
        if fmt == "html":
            return self.html(status, pages.query_result_page(self.ctx, q, values, None, message, False))
        return self.text(status, message)

    def _canned_answer(self, text: str):
        """A canned query's answer, from the cache when it was asked since the store was (re)opened."""
        generation = self.data.generation
        with self._answers_lock:
            ans = self._answers.get(text)
            if ans is not None:
                self._answers.move_to_end(text)
                return ans
        ans = self._run(text, check=False)
        if len(ans.rows) <= CANNED_CACHE_ROWS:
            with self._answers_lock:
                if generation != self.data.generation:  # a rebuild came in meanwhile: the answer may be old
                    return ans
                self._answers[text] = ans
                while len(self._answers) > CANNED_CACHE:
                    self._answers.popitem(last=False)
        return ans

    def _run(self, text: str, **kw):
        if self.pool is None:
            raise PoolBusy("this server runs no query workers")
        return self.pool.run(text, **kw)

    # --- the SPARQL endpoint --------------------------------------------------------------------------------

    def sparql(self, req: Request) -> Response:
        if req.method == "OPTIONS":
            return Response(204, b"", "text/plain", CORS + [("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                                                           ("Access-Control-Allow-Headers", "Content-Type, Accept"),
                                                           ("Access-Control-Max-Age", "86400")])
        if req.method not in ("GET", "HEAD", "POST"):
            return self.error(req, 405, "the SPARQL endpoint takes GET and POST", [("Allow", "GET, HEAD, POST, OPTIONS")])
        params = {k: list(v) for k, v in req.query.items()}
        query = None
        if req.method == "POST":
            ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = parse_qs(req.body.decode("utf-8"), keep_blank_values=True)
                except UnicodeDecodeError:
                    return self.error(req, 400, "the request body is not UTF-8")
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-query":
                try:
                    query = req.body.decode("utf-8")
                except UnicodeDecodeError:
                    return self.error(req, 400, "the query is not UTF-8")
            elif ctype == "application/sparql-update":
                return self.error(req, 403, "updates are refused: this endpoint is read-only", CORS)
            else:
                return self.error(req, 415, "POST a query as application/x-www-form-urlencoded or application/sparql-query")
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            return self.error(req, 403, "updates are refused: this endpoint is read-only", CORS)
        if query is None:
            values = params.get("query") or []
            if len(values) > 1:
                return self.error(req, 400, "give one query parameter")
            query = values[0] if values else None
        wanted = FORMAT_PARAM.get((params.get("format") or params.get("output") or [""])[0].lower())
        if not query:
            if conneg.negotiate(req.accept, {"html": ["text/html"], "other": ["*/*"]}, "other") == "html":
                return self.html(200, pages.sparql_form_page(self.ctx))
            return self.error(req, 400, "no query: give the query parameter (SPARQL 1.1 Protocol)", CORS)
        try:
            ans = self._run(query, default_graphs=params.get("default-graph-uri"),
                            named_graphs=params.get("named-graph-uri"))
        except QueryRefused as err:
            return self._endpoint_error(req, err.status, str(err), query)
        except QueryTimeout as err:
            return self._endpoint_error(req, 503, str(err), query)
        except PoolBusy as err:
            return self._endpoint_error(req, 503, str(err), query, [("Retry-After", "1")])
        except (QueryOutOfMemory, WorkerDied) as err:
            return self._endpoint_error(req, 503, str(err), query)
        extra = CORS + [("Vary", "Accept")]
        if ans.truncated:
            extra.append(("X-Result-Truncated", "true"))
        from kg.query import QueryResult, render

        if ans.form == "graph":
            key = wanted if wanted in GRAPH_OFFERS else conneg.negotiate(req.accept, GRAPH_OFFERS, "turtle")
            if key is None:
                return self.error(req, 406, "CONSTRUCT and DESCRIBE answer text/turtle, application/n-triples, "
                                  "application/ld+json or application/rdf+xml", extra)
            import pyoxigraph as ox

            from kg.serve import rdf

            triples = [(t.subject, t.predicate, t.object)
                       for t in ox.parse("\n".join(ans.triples), format=ox.RdfFormat.N_TRIPLES)]
            if key == "html":
                body = rdf.serialise(triples, conneg.TURTLE).decode("utf-8")
                return self.html(200, pages.sparql_form_page(self.ctx, query, None, None, ans.truncated).replace(
                    "</main>", f"<pre>{pages.esc(body)}</pre></main>"), extra)
            fmt = conneg.BY_KEY[key]
            return Response(200, rdf.serialise(triples, fmt), fmt.media_type + "; charset=utf-8", extra)
        key = wanted if wanted in RESULT_OFFERS else conneg.negotiate(req.accept, RESULT_OFFERS, "json")
        if key is None:
            return self.error(req, 406, "SELECT and ASK answer application/sparql-results+json, "
                              "application/sparql-results+xml, text/csv or text/tab-separated-values", extra)
        result = QueryResult(tuple(ans.variables), tuple(ans.rows), ans.boolean)
        if key == "html":
            return self.html(200, pages.sparql_form_page(self.ctx, query, result, None, ans.truncated), extra)
        return Response(200, render(result, key).encode("utf-8"), RESULT_TYPES[key], extra)

    def _endpoint_error(self, req: Request, status: int, message: str, query: str, headers: list | None = None):
        headers = CORS + (headers or [])
        if conneg.negotiate(req.accept, {"text": ["text/plain"], "html": ["text/html"]}, "text") == "html":
            return self.html(status, pages.sparql_form_page(self.ctx, query, None, message), headers)
        return self.text(status, message, headers)


def _quote_location(location: str) -> str:
    from urllib.parse import quote

    return quote(location, safe="/:@!$&'()*+,;=-._~?%#")


# --- the HTTP server --------------------------------------------------------------------------------------

class _Body:
    """``wsgi.input``: at most Content-Length bytes, so that the next request on a persistent connection
    starts where this one's body ends, whatever the application read."""

    def __init__(self, rfile, length: int) -> None:
        self.rfile = rfile
        self.remaining = length

    def _take(self, read, size: int | None) -> bytes:
        if self.remaining <= 0:
            return b""
        data = read(self.remaining if size is None or size < 0 else min(size, self.remaining))
        self.remaining -= len(data)
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._take(self.rfile.read, size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._take(self.rfile.readline, size)

    def readlines(self, hint: int = -1) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self):
        return iter(self.readline, b"")

    def drain(self, most: int) -> bool:
        """Read and drop what the application left unread, up to ``most`` bytes; True when nothing is left."""
        while self.remaining > 0 and most > 0:
            chunk = self.read(min(65536, most))
            if not chunk:
                return False
            most -= len(chunk)
        return self.remaining <= 0


class _ServerHandler(ServerHandler):
    http_version = "1.1"

    def cleanup_headers(self) -> None:
        super().cleanup_headers()
        if self.request_handler.close_connection:  # say so when this is the connection's last answer
            self.headers["Connection"] = "close"


class _Handler(WSGIRequestHandler):
    """HTTP/1.1 with persistent connections (keep-alive): one connection carries many requests.

    The standard library's WSGI handler answers one request per connection in HTTP/1.0; this one loops
    like :class:`http.server.BaseHTTPRequestHandler` does. An idle connection is closed after
    ``KEEP_ALIVE_IDLE`` seconds (the socket time-out, which also drops clients that stall mid-request);
    a request body the application did not read is read past (up to 4 MB, else the connection is closed);
    chunked request bodies are refused with 411.
    """

    protocol_version = "HTTP/1.1"
    timeout = KEEP_ALIVE_IDLE
    # wsgiref writes the head and the body separately: with Nagle's algorithm the body of an answer on a
    # reused connection waits for the client's delayed ACK (40 ms on Linux).
    disable_nagle_algorithm = True
    DRAIN = 4 * 1024 * 1024

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the standard library's name)
        line = format % args
        log.info("%s %s", self.address_string(), line if len(line) <= 600 else line[:600] + "…")

    def handle(self) -> None:
        self.close_connection = True
        try:
            self.handle_one_request()
            while not self.close_connection:
                self.handle_one_request()
        except (ConnectionResetError, BrokenPipeError, TimeoutError):  # a client that hangs up or stalls
            self.close_connection = True

    def _max_request(self) -> int:
        return getattr(self.server.get_app(), "max_request", DEFAULT_MAX_REQUEST)

    def handle_expect_100(self) -> bool:
        """``Expect: 100-continue`` with a body over the limit: 413 at once, before the client sends it."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > self._max_request():
            self.send_error(413, f"the request body is too large (at most {self._max_request()} bytes)")
            return False
        return super().handle_expect_100()

    def handle_one_request(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.requestline, self.request_version, self.command = "", "", ""
            self.send_error(414, "the request line is longer than 64 KiB")
            self.close_connection = True
            return
        if not self.parse_request():  # an error was sent; parse_request decided about the connection
            return
        if self.request_version != "HTTP/1.1":
            self.close_connection = True  # HTTP/1.0 keep-alive is not offered
        if self.headers.get("Transfer-Encoding"):
            self.send_error(411, "send the request body with a Content-Length (chunked bodies are not accepted)")
            self.close_connection = True
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.send_error(400, "bad Content-Length")
            self.close_connection = True
            return
        if length > self.DRAIN:
            self.close_connection = True  # more than we would read past: this answer is the last
        body = _Body(self.rfile, length)
        handler = _ServerHandler(body, self.wfile, self.get_stderr(), self.get_environ(), multithread=True)
        handler.request_handler = self  # for the request log
        handler.run(self.server.get_app())
        if body.remaining and not body.drain(self.DRAIN):
            self.close_connection = True
        self.wfile.flush()


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


def make_http_server(app: App, host: str = "127.0.0.1", port: int = 8000) -> ThreadingWSGIServer:
    return make_server(host, port, app, server_class=ThreadingWSGIServer, handler_class=_Handler)


class Server:
    """A running server in a background thread (for tests and benchmarks): ``with Server(app) as s: s.url``."""

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.httpd = make_http_server(app, host, port)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.app.close()

