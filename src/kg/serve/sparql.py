"""The SPARQL endpoint's engine: a small pool of worker processes, each with the store open read-only.

pyoxigraph cannot interrupt a running query from Python, so each query runs in a worker process; when
it passes the time limit the worker is killed (SIGKILL) and a fresh one takes its place. That really
stops a runaway query such as a cartesian product.

Before a query runs, the worker checks it: it must parse as a SPARQL *query* (rdflib's parser builds the
syntax tree; an update — INSERT, DELETE, LOAD, CLEAR, DROP, ... — is refused), and the tree must contain
no SERVICE pattern (federated queries would make this server fetch from other hosts). A lexical scan for
the SERVICE keyword outside strings, IRIs and comments backs that up. The store itself is opened
read-only, so even a query that slipped through could not change it.

Two more fences around each worker process, both set up before it opens the store:

- a memory cap (``RLIMIT_DATA``: the heap and private mappings, what a sort or a ``GROUP_CONCAT`` over a
  cartesian product fills). A query that passes it makes the allocation fail; the worker dies, is
  replaced, and the client gets ``503`` with the reason;
- where the kernel allows it (Linux, unprivileged user namespaces), a network namespace of its own with
  no interface up: the worker cannot open a connection to any host, so even a ``SERVICE`` that got past
  the check could not reach another server. It talks to the server over an inherited socket pair.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESULTS = 10_000
DEFAULT_MAX_MEMORY_MB = 1024


class QueryRefused(Exception):
    """The query is not allowed here (an update, SERVICE) or does not parse. ``status``: the HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class QueryTimeout(Exception):
    pass


class PoolBusy(Exception):
    pass


class QueryOutOfMemory(Exception):
    """The query needed more memory than a worker may use; the worker was replaced."""


class WorkerDied(Exception):
    """A worker ended while answering (a crash, or killed from outside); it was replaced."""


@dataclass
class Answer:
    """A query's answer as it comes back from a worker."""

    form: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # SPARQL JSON terms
    boolean: bool | None = None
    triples: list[str] = field(default_factory=list)  # N-Triples lines
    truncated: bool = False
    seconds: float = 0.0


# --- the check ----------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^\x00-\x20<>"{}|^`\\]*>)
  | (?P<word>[?$]?[A-Za-z_][A-Za-z0-9_\-]*(?::[A-Za-z0-9_\-.]*)?)
  | (?P<other>.)
""", re.X | re.S)


def keywords(text: str) -> set[str]:
    """The bare words of a query (not in strings, IRIs or comments; not variables or prefixed names), upper case."""
    out = set()
    for m in _TOKEN.finditer(text):
        w = m.group("word")
        if w and w[0] not in "?$" and ":" not in w:
            out.add(w.upper())
    return out


def _walk(node, names: set[str], depth: int = 0) -> None:
    if depth > 400:
        raise QueryRefused("the query is nested too deeply")
    name = getattr(node, "name", None)
    if isinstance(name, str):
        names.add(name)
    if isinstance(node, dict):
        for v in node.values():
            _walk(v, names, depth + 1)
    elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        for v in node:
            _walk(v, names, depth + 1)


def check_query(text: str) -> None:
    """Raise :class:`QueryRefused` unless ``text`` is a read-only query without SERVICE."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if len(text) > 100_000:
        raise QueryRefused("the query is too long (more than 100,000 characters)", 413)
    try:
        tree = parseQuery(text)
    except ParseException as err:
        try:
            parseUpdate(text)
        except Exception:
            raise QueryRefused(f"SPARQL syntax error at line {err.lineno}, column {err.col}: {err.msg}") from None
        raise QueryRefused("updates are refused: this endpoint is read-only (INSERT, DELETE, LOAD, CLEAR, DROP, "
                           "CREATE, ADD, MOVE, COPY)", 403) from None
    except Exception as err:  # rdflib raises a few other errors for odd input (prefixes, IRIs)
        raise QueryRefused(f"the query cannot be read: {err}") from None
    names: set[str] = set()
    _walk(tree, names)
    if "ServiceGraphPattern" in names or "SERVICE" in keywords(text):
        raise QueryRefused("SERVICE is refused: this endpoint does not query other hosts", 403)


# --- the worker -------------------------------------------------------------------------------------

def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the server dies, even in the middle of a long query."""
    import signal

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _cap_memory(max_memory_mb: int) -> bool:
    """Limit the data segment (heap and private anonymous mappings) of this process; 0: no cap."""
    if max_memory_mb <= 0:
        return False
    try:
        import resource

        limit = max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        return True
    except (ImportError, ValueError, OSError):
        return False


def _isolate_network() -> bool:
    """Linux: move this (still single-threaded) process into new user and network namespaces.

    The new network namespace has no usable interface, so nothing the query engine does (a SERVICE
    call, a LOAD) can reach any host, internal or external. Where unprivileged user namespaces are
    disabled this returns False and the syntax check alone keeps SERVICE out.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        clone_newuser, clone_newnet = 0x10000000, 0x40000000
        return libc.unshare(clone_newuser | clone_newnet) == 0
    except (OSError, AttributeError):
        return False


def worker_main(conn, store_path: str, max_memory_mb: int = 0) -> None:
    """The worker's loop (in the child process): open the store, answer jobs until told to stop."""
    import signal

    isolated = _isolate_network()  # first: unshare needs a single-threaded process
    capped = _cap_memory(max_memory_mb)

    import pyoxigraph as ox

    from kg.publish.engines import term_json

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on the server: the parent stops us
    _die_with_parent()
    store = ox.Store.read_only(store_path)
    generation = 0
    try:
        check_query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")  # warm up rdflib's parser
    except Exception:
        pass
    conn.send(("ready", {"network_isolated": isolated, "memory_capped": capped}))
    while True:
        try:
            job = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if job is None:
            return
        started = time.perf_counter()
        try:
            if job["generation"] != generation:
                store = ox.Store.read_only(store_path)
                generation = job["generation"]
            if job.get("check", True):
                check_query(job["query"])
            kwargs = {}
            if job.get("default_graphs"):
                kwargs["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"]]
            else:
                kwargs["use_default_graph_as_union"] = True
            if job.get("named_graphs"):
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
            res = store.query(job["query"], **kwargs)
            cap = job["cap"]
            if isinstance(res, (bool, ox.QueryBoolean)):
                ans = Answer("ask", boolean=bool(res))
            elif isinstance(res, ox.QuerySolutions):
                variables = [v.value for v in res.variables]
                rows, truncated = [], False
                for sol in res:
                    if len(rows) >= cap:
                        truncated = True
                        break
                    row = {}
                    for v in variables:
                        t = term_json(sol[v])
                        if t is not None:
                            row[v] = t
                    rows.append(row)
                ans = Answer("select", variables=variables, rows=rows, truncated=truncated)
            else:
                triples, truncated = [], False
                for t in res:
                    if len(triples) >= cap:
                        truncated = True
                        break
                    triples.append(f"{t.subject} {t.predicate} {t.object} .")
                ans = Answer("graph", triples=triples, truncated=truncated)
            ans.seconds = time.perf_counter() - started
            conn.send(("ok", ans))
        except MemoryError:
            # The heap may be in any state now: report, then end; the pool starts a fresh worker.
            res = rows = triples = None  # noqa: F841 (let the big answer go before we send)
            try:
                conn.send(("memory",))
            finally:
                os._exit(3)
        except QueryRefused as err:
            conn.send(("refused", str(err), err.status))
        except SyntaxError as err:
            conn.send(("refused", f"SPARQL syntax error: {err}", 400))
        except Exception as err:  # an evaluation error (type error, store error): the client's 400 or our 500
            conn.send(("error", f"{type(err).__name__}: {err}"))


class _Worker:
    """A worker process (``python -m kg.serve.worker``) and our end of the socket pair we talk over."""

    def __init__(self, store_path: str, max_memory_mb: int = 0) -> None:
        from multiprocessing.connection import Connection

        ours, theirs = socket.socketpair()
        fd = theirs.fileno()
        self.process = subprocess.Popen([sys.executable, "-m", "kg.serve.worker", str(fd), store_path,
                                         str(max_memory_mb)],
                                        pass_fds=(fd,), stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False
        self.facts: dict = {}

    def wait_ready(self, timeout: float) -> bool:
        if self.ready:
            return True
        try:
            if self.conn.poll(timeout):
                msg = self.conn.recv()
                self.ready = msg[0] == "ready"
                self.facts = msg[1] if len(msg) > 1 else {}
        except (EOFError, OSError):
            return False
        return self.ready

    def exit_status(self, wait: float = 2.0) -> int | None:
        try:
            return self.process.wait(wait)
        except subprocess.TimeoutExpired:
            return None

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        finally:
            self.conn.close()


class QueryPool:
    """``size`` worker processes; :meth:`run` gives a query to an idle one and waits at most ``timeout``."""

    def __init__(self, store_path: Path, *, size: int = 4, timeout: float = DEFAULT_TIMEOUT,
                 max_results: int = DEFAULT_MAX_RESULTS, max_memory_mb: int = DEFAULT_MAX_MEMORY_MB,
                 queue_wait: float = 30.0) -> None:
        self.store_path = str(store_path)
        self.size = size
        self.max_memory_mb = max_memory_mb
        self.timeout = timeout
        self.max_results = max_results
        self.queue_wait = queue_wait
        self.generation = 0
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0
        self.out_of_memory = 0
        self.died = 0
        for _ in range(size):
            self._add()

    def _add(self) -> None:
        w = _Worker(self.store_path, self.max_memory_mb)
        with self._lock:
            if self._closed:
                w.kill()
                return
            self._all.add(w)
        self._idle.put(w)

    def _replace(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)
        w.kill()
        if not self._closed:
            threading.Thread(target=self._add, daemon=True).start()

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until every worker has opened the store (for tests and benchmarks)."""
        taken = []
        deadline = time.monotonic() + timeout
        try:
            for _ in range(self.size):
                w = self._idle.get(timeout=max(0.1, deadline - time.monotonic()))
                taken.append(w)
                w.wait_ready(max(0.1, deadline - time.monotonic()))
        finally:
            for w in taken:
                self._idle.put(w)

    def run(self, query: str, *, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
            timeout: float | None = None, max_results: int | None = None, check: bool = True) -> Answer:
        limit = self.timeout if timeout is None else timeout
        try:
            w = self._idle.get(timeout=self.queue_wait)
        except queue.Empty:
            raise PoolBusy("all query workers are busy; try again shortly") from None
        if not w.wait_ready(60.0):
            self._replace(w)
            raise PoolBusy("a query worker did not start; try again shortly")
        job = {"query": query, "default_graphs": default_graphs or [], "named_graphs": named_graphs or [],
               "cap": max_results or self.max_results, "generation": self.generation, "check": check}
        try:
            w.conn.send(job)
            if not w.conn.poll(limit):
                self.killed += 1
                log.warning("query stopped after %.1f s; worker %s killed", limit, w.process.pid)
                self._replace(w)
                raise QueryTimeout(f"the query ran longer than the time limit of {limit:g} s and was stopped")
            msg = w.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            msg = ("died",)
        if msg[0] in ("memory", "died"):
            self._worker_ended(w, reported_memory=msg[0] == "memory")
        self._idle.put(w)
        if msg[0] == "ok":
            return msg[1]
        if msg[0] == "refused":
            raise QueryRefused(msg[1], msg[2])
        raise QueryRefused(f"the query failed: {msg[1]}", 400)

    def _worker_ended(self, w: _Worker, *, reported_memory: bool) -> None:
        """A worker ended mid-query: replace it, and raise what the client should hear."""
        import signal

        status = w.exit_status()
        self._replace(w)
        # Rust aborts (SIGABRT) when an allocation fails under the cap; Python raises MemoryError (we report
        # it); the kernel's OOM killer sends SIGKILL.
        if reported_memory or (self.max_memory_mb and status in (-signal.SIGABRT, -signal.SIGKILL)):
            self.out_of_memory += 1
            log.warning("query stopped: worker %s passed the memory cap of %d MB (exit %s)",
                        w.process.pid, self.max_memory_mb, status)
            raise QueryOutOfMemory(f"the query needed more memory than the limit of {self.max_memory_mb} MB "
                                   "per query and was stopped")
        self.died += 1
        log.warning("query worker %s ended while answering (exit %s)", w.process.pid, status)
        raise WorkerDied("the query worker ended unexpectedly while answering; try again")

    def workers(self) -> list[dict]:
        """The live workers: pid and what they set up (for tests and monitoring)."""
        with self._lock:
            return [{"pid": w.process.pid, **w.facts} for w in self._all]

    def reload(self) -> None:
        """The store was rebuilt: workers reopen it before their next query."""
        self.generation += 1

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except Exception:
                pass
        for w in workers:
            try:
                w.process.wait(1)
            except subprocess.TimeoutExpired:
                pass
            w.kill()
