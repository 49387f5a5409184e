"""Publish the store to a SPARQL server through the SPARQL 1.1 Graph Store HTTP Protocol.

One named graph per report, replace semantics: publishing twice changes nothing. Where the engine has
an update endpoint, each graph is first uploaded (HTTP PUT) into a staging graph and then all staging
graphs are moved into place with one SPARQL Update (``MOVE … ; MOVE …``), which servers run as one
transaction: a failure part-way leaves every report graph as it was. Without an update endpoint each
graph is replaced by its own PUT (atomic per graph). Afterwards the triple count of every graph is read
back from the server and compared with the store's.

The client is plain ``urllib``: bounded retries with exponential backoff (see :mod:`kg.retry`) for connection
errors, cut connections, timeouts and 500/502/503/504 answers (PUT, DELETE and queries only: they can be
repeated; the one SPARQL Update is sent once), an answer that trickles in slower than the timeout is cut off,
HTTP Basic or Digest authentication, and error messages that never contain credentials.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import http.client
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from kg.errors import EndpointError, UsageError
from kg.publish.engines import Engine, dataset_params, normalise_binding, staging_graph
from kg.retry import RETRY_STATUS, policy

log = logging.getLogger(__name__)

# What a failed exchange raises, below the HTTP status: refused, reset, cut part-way (IncompleteRead,
# RemoteDisconnected), not HTTP at all (BadStatusLine), timed out.
NETWORK_ERRORS = (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError, http.client.HTTPException)


class SlowAnswer(TimeoutError):
    """The answer kept coming, but slower than the time limit allows."""


def read_body(resp, timeout: float) -> bytes:
    """The whole body, within ``timeout`` seconds: a per-read timeout alone lets a trickle go on forever."""
    deadline = time.monotonic() + timeout
    read = getattr(resp, "read1", None) or resp.read  # read1: what has arrived, so the deadline is checked often
    chunks = []
    while True:
        chunk = read(65536)
        if not chunk:
            missing = getattr(resp, "length", None)  # http.client leaves what Content-Length promised but never came
            if isinstance(missing, int) and missing > 0:
                raise http.client.IncompleteRead(b"".join(chunks), missing)
            return b"".join(chunks)
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise SlowAnswer(f"the answer took longer than {timeout:g} s")
USER_AGENT = "kg-publish (SPARQL 1.1 Graph Store Protocol client)"


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str

    def __repr__(self) -> str:  # never print a password
        return f"Credentials(user={self.user!r}, password='***')"


@dataclass(frozen=True)
class PublishedGraph:
    iri: str
    local_triples: int
    remote_triples: int

    @property
    def ok(self) -> bool:
        return self.local_triples == self.remote_triples


@dataclass(frozen=True)
class PublishResult:
    engine: Engine
    graphs: tuple[PublishedGraph, ...]
    staged: bool  # all graphs swapped in with one update

    @property
    def triples(self) -> int:
        return sum(g.remote_triples for g in self.graphs)


def check_url(url: str) -> str:
    """``url`` when it is an http(s) URL with a host; a usage error otherwise (never file:, ftp: ...)."""
    try:
        p = urlsplit(url)
        p.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError as err:
        raise UsageError(f"--endpoint {_safe_text(url)!r} is not a URL: {err}") from None
    if p.scheme.lower() not in ("http", "https") or not p.hostname:
        raise UsageError(f"--endpoint {_safe_text(url)!r}: a SPARQL server's URL starts with http:// or https://",
                         hint="e.g. --endpoint http://localhost:7878") from None
    return url


def _safe_text(url: str) -> str:
    try:
        return _safe(url)
    except ValueError:
        return url.split("@")[-1]


def _safe(url: str) -> str:
    """The URL without user:password@ (for messages)."""
    p = urlsplit(url)
    netloc = p.hostname or ""
    if p.port:
        netloc += f":{p.port}"
    return urlunsplit((p.scheme, netloc, p.path, p.query, ""))


class GraphStoreClient:
    """Talks to one engine: GSP PUT/DELETE, SPARQL query (JSON) and update."""

    def __init__(self, engine: Engine, *, credentials: Credentials | None = None, timeout: float = 60.0,
                 retries: int | None = None, backoff: float | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        """``retries`` and ``backoff``: see :mod:`kg.retry` (default: env KG_HTTP_RETRIES, KG_HTTP_BACKOFF)."""
        for url in (engine.query_url, engine.gsp_url, engine.update_url or engine.query_url):
            check_url(url)
        # user:password@ in a URL becomes credentials; the URLs themselves never carry them
        p = urlsplit(engine.gsp_url)
        if p.username and credentials is None:
            from urllib.parse import unquote

            credentials = Credentials(unquote(p.username), unquote(p.password or ""))
        engine = dataclasses.replace(engine, query_url=_safe(engine.query_url), gsp_url=_safe(engine.gsp_url),
                                     update_url=_safe(engine.update_url) if engine.update_url else None)
        self.engine = engine
        self.credentials = credentials
        self.timeout = timeout
        self.retry = policy(retries=retries, backoff=backoff)
        self.retries = self.retry.retries
        self.backoff = self.retry.backoff
        self.sleep = sleep
        handlers: list[urllib.request.BaseHandler] = []
        if credentials and engine.auth == "digest":
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {engine.query_url, engine.update_url or engine.query_url, engine.gsp_url}:
                mgr.add_password(None, url, credentials.user, credentials.password)
            handlers.append(urllib.request.HTTPDigestAuthHandler(mgr))
        self.opener = urllib.request.build_opener(*handlers)

    # --- HTTP ---------------------------------------------------------------------------------------

    def _request(self, method: str, url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
                 idempotent: bool = True, what: str) -> bytes:
        headers = {"User-Agent": USER_AGENT, **(headers or {})}
        if self.credentials and self.engine.auth == "basic":
            token = base64.b64encode(f"{self.credentials.user}:{self.credentials.password}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        attempts = self.retry.attempts
        last = ""
        for attempt in range(attempts):
            if attempt:
                self.sleep(self.retry.delay(attempt))
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with self.opener.open(req, timeout=self.timeout) as resp:
                    return read_body(resp, self.timeout)
            except urllib.error.HTTPError as err:
                body = err.read()[:300].decode("utf-8", "replace").strip().replace("\n", " ")
                last = f"HTTP {err.code} {err.reason}" + (f": {body}" if body else "")
                if err.code in (401, 403):
                    raise EndpointError(
                        f"{what}: {_safe(url)} refused access ({last})",
                        hint="check --user/--password (or KG_PUBLISH_USER / KG_PUBLISH_PASSWORD) and the "
                             "server's write permissions") from None
                if err.code not in RETRY_STATUS or not idempotent:
                    raise EndpointError(f"{what}: {_safe(url)} answered {last}") from None
            except NETWORK_ERRORS as err:
                reason = getattr(err, "reason", err)
                last = _describe(reason)
                refused = isinstance(reason, ConnectionRefusedError)
                if not idempotent and not refused:
                    attempts = attempt + 1
                    break  # the request may have been carried out: do not send it twice
            log.info("%s failed (%s), attempt %d of %d", what, last, attempt + 1, attempts)
        raise EndpointError(
            f"{what}: {_safe(url)} failed after {attempts} attempt(s): {last}",
            hint="is the server running and reachable? `kg publish` can be re-run: it replaces, never adds")

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        url = f"{self.engine.gsp_url}?{urlencode({'graph': graph})}"
        self._request("PUT", url, data=ntriples, headers={"Content-Type": "application/n-triples"},
                      what=f"uploading <{graph}>")

    def delete_graph(self, graph: str) -> None:
        url = f"{self.engine.gsp_url}?{urlencode({'graph': graph})}"
        try:
            self._request("DELETE", url, what=f"deleting <{graph}>")
        except EndpointError as err:
            if "HTTP 404" not in str(err):
                raise

    def update(self, sparql: str, *, what: str) -> None:
        if not self.engine.update_url:
            raise UsageError(f"{self.engine.name}: no SPARQL update endpoint configured")
        self._request("POST", self.engine.update_url, data=urlencode({"update": sparql}).encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded"}, idempotent=False, what=what)

    def select(self, sparql: str, *, graphs: Iterable[str] = ()) -> list[dict[str, dict[str, str]]]:
        """A SELECT over exactly ``graphs`` (see engines.dataset_params): rows of normalised JSON terms."""
        body = urlencode([("query", sparql), *dataset_params(graphs)]).encode()
        raw = self._request("POST", self.engine.query_url, data=body, what="querying",
                            headers={"Content-Type": "application/x-www-form-urlencoded",
                                     "Accept": "application/sparql-results+json"})
        try:
            data = json.loads(raw)
            rows = data["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise EndpointError(f"querying: {_safe(self.engine.query_url)} did not answer SPARQL JSON results") from None
        return [{k: normalise_binding(v) for k, v in row.items()} for row in rows]

    def count(self, graph: str) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", graphs=[graph])
        return int(rows[0]["n"]["value"]) if rows and "n" in rows[0] else 0


def _describe(reason) -> str:
    if isinstance(reason, str):
        return reason
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer in time ({reason})" if str(reason) else "no answer in time"
    if isinstance(reason, http.client.IncompleteRead):
        return f"the connection was cut part-way through the answer ({len(reason.partial)} bytes received)"
    if isinstance(reason, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(reason, http.client.BadStatusLine):
        return "the server did not answer HTTP"
    return f"{type(reason).__name__}: {reason}"


def store_graphs(store_dir: Path, only: Sequence[str] | None = None) -> list[tuple[str, bytes, int]]:
    """(graph IRI, N-Triples, triple count) for the store's report graphs, or only the named ones."""
    import pyoxigraph as ox

    from kg.store import graph_names, open_store

    store = open_store(Path(store_dir), read_only=True)
    names = graph_names(store)
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise UsageError(f"no graph {', '.join(f'<{g}>' for g in unknown)} in the store",
                             hint="graphs in the store: " + ", ".join(f"<{g}>" for g in names))
        names = [g for g in names if g in set(only)]
    out = []
    for g in names:
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))
        out.append((g, data, sum(1 for line in data.splitlines() if line.strip())))
    return out


def publish(
    store_dir: Path,
    *,
    engine: Engine,
    credentials: Credentials | None = None,
    graphs: Sequence[str] | None = None,
    timeout: float = 60.0,
    retries: int | None = None,
    client: GraphStoreClient | None = None,
    progress: Callable[[str], None] | None = None,
) -> PublishResult:
    """Replace the report graphs on the server with the store's, then verify their triple counts.

    Raises :class:`EndpointError` (exit 4) when the server fails or a count differs afterwards.
    """
    say = progress or (lambda _m: None)
    client = client or GraphStoreClient(engine, credentials=credentials, timeout=timeout, retries=retries)
    todo = store_graphs(store_dir, graphs)
    if not todo:
        raise UsageError("the store has no graphs to publish", hint="run `kg build` first")
    staged = engine.atomic_swap and engine.update_url is not None
    if staged:
        # Deterministic staging names (no clock, no randomness): a hash of what is being published.
        token = hashlib.sha256(b"".join(g.encode() + d for g, d, _ in todo)).hexdigest()[:12]
        moves = []
        try:
            for i, (g, data, _n) in enumerate(todo, 1):
                say(f"uploading {i}/{len(todo)}: <{g}> ({len(data)} bytes)")
                tmp = staging_graph(g, token)
                client.put_graph(tmp, data)
                moves.append(f"MOVE <{tmp}> TO <{g}>")
            say("swapping the staged graphs in (one update)")
            client.update(" ;\n".join(moves), what="moving the staged graphs into place")
        except EndpointError as err:
            _cleanup(client, [staging_graph(g, token) for g, _d, _n in todo])
            done = "no report graph was changed" if len(moves) < len(todo) or "moving" not in str(err) else \
                "the update was not confirmed; re-run `kg publish` to be sure"
            raise EndpointError(f"{err.message} — {done}", hint=err.hint) from None
    else:
        for i, (g, data, _n) in enumerate(todo, 1):
            say(f"replacing {i}/{len(todo)}: <{g}>")
            try:
                client.put_graph(g, data)
            except EndpointError as err:
                kept = ", ".join(f"<{x}>" for x, _d, _n in todo[i:]) or "none"
                raise EndpointError(
                    f"{err.message} — graphs replaced before the failure: {i - 1} of {len(todo)}; "
                    f"not replaced: <{g}>, {kept}", hint=err.hint) from None
    say("verifying triple counts")
    result = PublishResult(engine, tuple(PublishedGraph(g, n, client.count(g)) for g, _d, n in todo), staged)
    bad = [p for p in result.graphs if not p.ok]
    if bad:
        raise EndpointError("triple counts differ after publishing: " + "; ".join(
            f"<{p.iri}> store {p.local_triples}, server {p.remote_triples}" for p in bad))
    return result


def _cleanup(client: GraphStoreClient, graphs: Iterable[str]) -> None:
    for g in graphs:
        try:
            client.delete_graph(g)
        except EndpointError as err:  # best effort: the server may be gone
            log.warning("could not remove staging graph <%s>: %s", g, err)


def probe_engine(url: str, *, kind: str = "auto", authenticated: bool = False, timeout: float = 10.0,
                 retries: int | None = None, backoff: float | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> Engine:
    """The engine at ``url``; with ``kind="auto"`` one GET reads the server's ``Server`` header."""
    from kg.publish.engines import engine_for

    check_url(url)
    header = None
    if kind == "auto":
        retry = policy(retries=retries, backoff=backoff)
        for attempt in range(retry.attempts):
            if attempt:
                sleep(retry.delay(attempt))
            try:
                req = urllib.request.Request(url, method="GET", headers={"User-Agent": USER_AGENT})
                with urllib.request.urlopen(req, timeout=timeout) as resp:
                    header = resp.headers.get("Server")
                break
            except urllib.error.HTTPError as err:
                header = err.headers.get("Server") if err.headers else None
                if err.code not in RETRY_STATUS or attempt == retry.attempts - 1:
                    break  # an answer: enough to tell the engine (the real requests report the error)
            except ValueError as err:  # not a URL
                raise UsageError(f"--endpoint {url!r}: {err}") from None
            except NETWORK_ERRORS as err:
                if attempt == retry.attempts - 1:
                    tried = f" (tried {retry.attempts} times)" if retry.attempts > 1 else ""
                    raise EndpointError(f"cannot reach {_safe(url)}: {_describe(getattr(err, 'reason', err))}{tried}",
                                        hint="is the server running? check --endpoint") from None
    try:
        return engine_for(url, kind=kind, authenticated=authenticated, server_header=header)
    except ValueError as err:
        raise UsageError(str(err)) from None
