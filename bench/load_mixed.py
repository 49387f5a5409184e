"""Mixed load check for `kg serve`: many clients on pages, RDF, search, canned queries and SPARQL queries,
and one client that keeps sending a query that cannot finish (a cartesian product) — for a fixed time.

What it shows (issue 8, "under load"): the server keeps answering the others while a worker is busy with
the slow query and is killed at the time limit, over and over; there are no errors other than the
deliberate refusals (the slow query's 503); and memory stays bounded — the resident memory of the
server's whole process tree (server and query workers, summed, sampled from /proc) at the start, at the
end, and its peak in the first and the last tenth of the run.

Every client keeps one HTTP/1.1 connection open (keep-alive) and opens a new one only after an error.
A figure, not a timed test: run it by hand; tests/test_bench_load_mixed.py runs it for 3 s.

    python bench/load_mixed.py [--store DIR] [--clients 100] [--seconds 60] [--workers 4] [--timeout 5]
                               [--max-memory 1024] [--out bench/results] [--seed 1]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from load_serve import percentile, served

ROOT = Path(__file__).resolve().parents[1]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CANNED = [
    "/queries/laws-for-organisation?organisation=DJI&format=json",
    "/queries/organisations-together?format=json",
    "/queries/find-entity?text=richtlijn&format=json",
    "/queries/kamerstukken?section=3.1.4&format=json",
    "/queries/entities-by-kind",
]
SEARCHES = ["dji", "politie", "wet", "richtlijn", "openbaar ministerie", "coa", "ind", "rechtspraak"]
# The mix of the ordinary clients (the slow query has a client of its own): kind -> weight. Canned answers
# are kept by the server until the store changes; "sparql" queries (about one entity each) always run.
MIX = {"page": 5, "rdf": 2, "search": 1, "canned": 2, "sparql": 1}
ABOUT = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} ORDER BY ?p ?o LIMIT 100"


def tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, summed (kB), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{d}/statm") as f:
                rss[int(d)] = int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


class Sampler(threading.Thread):
    """Samples the server tree's RSS every ``every`` seconds until stopped."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.samples.append((time.monotonic(), tree_rss_kb(self.pid)))
            self.stopped.wait(self.every)


def find_entities(base: str) -> list[tuple[str, str]]:
    """(page path, IRI) of some things in the store, found with the server's search."""
    conn = http.client.HTTPConnection(urlsplit(base).hostname, urlsplit(base).port, timeout=60)
    found: set[tuple[str, str]] = set()
    try:
        for q in SEARCHES + ["ministerie", "dienst", "programma", "kamerstuk"]:
            conn.request("GET", "/search?" + urlencode({"q": q, "format": "json"}))
            r = conn.getresponse()
            for hit in json.loads(r.read()):
                found.add((hit["page"], hit["iri"]))
    finally:
        conn.close()
    return sorted(e for e in found if e[0].startswith("/doc/"))


class Client(threading.Thread):
    """One client: requests of its kinds until the deadline, over one persistent connection."""

    def __init__(self, base: str, deadline: float, rng: random.Random, entities: list[tuple[str, str]], slow: bool,
                 gate: threading.Barrier) -> None:
        super().__init__(daemon=True)
        u = urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.deadline, self.rng, self.entities, self.slow, self.gate = deadline, rng, entities, slow, gate
        self.records: list[tuple[str, float, int, str]] = []  # kind, seconds, status, note
        self.conn: http.client.HTTPConnection | None = None
        self.connections = 0

    def request(self) -> tuple[str, str, dict]:
        if self.slow:
            return "slow", "/sparql?query=" + quote(SLOW), {"Accept": "application/sparql-results+json"}
        kind = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        page, iri = self.rng.choice(self.entities)
        if kind == "page":
            return kind, page, {"Accept": "text/html"}
        if kind == "rdf":
            return kind, page.replace("/doc/", "/id/", 1), {"Accept": "text/turtle"}
        if kind == "sparql":
            return kind, "/sparql?query=" + quote(ABOUT.format(iri=iri)), {"Accept": "application/sparql-results+json"}
        if kind == "search":
            return kind, "/search?" + urlencode({"q": self.rng.choice(SEARCHES)}), {}
        return kind, self.rng.choice(CANNED), {}

    def fetch(self, path: str, headers: dict) -> tuple[int, bytes, str | None]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            self.connections += 1
        self.conn.request("GET", path, headers=headers)
        r = self.conn.getresponse()
        body = r.read()
        if r.will_close:
            self.conn.close()
            self.conn = None
        return r.status, body, r.getheader("Location")

    def run(self) -> None:
        self.gate.wait()
        while time.monotonic() < self.deadline:
            kind, path, headers = self.request()
            t = time.perf_counter()
            try:
                status, body, location = self.fetch(path, headers)
                if status == 303 and location:  # /id/ -> /doc/, as a linked-data client follows it
                    status, body, _ = self.fetch(location, headers)
                note = body[:200].decode("utf-8", "replace") if status != 200 else ""
            except (OSError, http.client.HTTPException) as err:
                status, note = 0, f"{type(err).__name__}: {err}"
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
            self.records.append((kind, time.perf_counter() - t, status, note))
        if self.conn is not None:
            self.conn.close()


def deliberate(kind: str, status: int, note: str) -> bool:
    """The refusals the run provokes on purpose: the slow query stopped at the time limit."""
    return kind == "slow" and status == 503 and "time limit" in note


def summarise(clients: list[Client], seconds: float) -> dict:
    kinds: dict[str, dict] = {}
    for kind in [*MIX, "slow"]:
        recs = [r for c in clients for r in c.records if r[0] == kind]
        if not recs:
            continue
        lat = [r[1] for r in recs]
        ok = [r for r in recs if r[2] == 200]
        refused = [r for r in recs if deliberate(r[0], r[2], r[3])]
        errors = [r for r in recs if r[2] != 200 and not deliberate(r[0], r[2], r[3])]
        kinds[kind] = {"requests": len(recs), "ok": len(ok), "refused": len(refused), "errors": len(errors),
                       "first_error": f"{errors[0][2]} {errors[0][3]}".strip() if errors else None,
                       "rps": round(len(recs) / seconds, 1),
                       "p50_ms": round(1000 * statistics.median(lat), 1),
                       "p99_ms": round(1000 * percentile(lat, 99), 1)}
    return kinds


def memory_figures(samples: list[tuple[float, int]], began: float, ended: float, before: int, after: int) -> dict:
    during = [(t, kb) for t, kb in samples if began <= t <= ended] or samples
    tenth = (ended - began) / 10
    first = [kb for t, kb in during if t <= began + tenth] or [during[0][1]]
    last = [kb for t, kb in during if t >= ended - tenth] or [during[-1][1]]
    mb = lambda kb: round(kb / 1024, 1)  # noqa: E731
    return {"rss_start_mb": mb(before), "rss_end_mb": mb(after), "peak_mb": mb(max(kb for _, kb in during)),
            "peak_first_tenth_mb": mb(max(first)), "peak_last_tenth_mb": mb(max(last)), "samples": len(during)}


def markdown(r: dict) -> str:
    m = r["memory"]
    lines = [
        "# Mixed load on `kg serve`",
        "",
        f"{r['clients']} concurrent clients for {r['seconds']} s (one of them sends only the slow query), "
        f"server with {r['server']['workers']} query workers, time limit {r['server']['timeout']} s, memory cap "
        f"{r['server']['max_memory_mb']} MB per worker; {r['machine']}. Clients keep their connection open "
        f"(HTTP/1.1 keep-alive): {r['connections']} connections for {r['total']['requests']} requests.",
        "",
        "| kind | requests | req/s | p50 ms | p99 ms | refused (deliberate) | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, k in r["kinds"].items():
        lines.append(f"| {kind} | {k['requests']} | {k['rps']} | {k['p50_ms']} | {k['p99_ms']} | {k['refused']} | "
                     f"{k['errors']} |")
    t = r["total"]
    lines += [f"| **all** | {t['requests']} | {t['rps']} | | | {t['refused']} | {t['errors']} |", "",
              "Server process tree, resident memory (server + query workers, summed, sampled every 0.2 s from /proc):",
              "",
              "| at start | peak, first tenth | peak, last tenth | peak | at end |",
              "|---:|---:|---:|---:|---:|",
              f"| {m['rss_start_mb']} MB | {m['peak_first_tenth_mb']} MB | {m['peak_last_tenth_mb']} MB | "
              f"{m['peak_mb']} MB | {m['rss_end_mb']} MB |", "",
              f"Errors other than the deliberate refusals: **{t['errors']}**"
              + (f" (first: {r['first_error']})" if r.get("first_error") else "") + ".", ""]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, help="the store to serve (default: build the bundled report)")
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=60.0, help="how long the load runs")
    ap.add_argument("--workers", type=int, default=4, help="query worker processes of the server")
    ap.add_argument("--timeout", type=float, default=5.0, help="the server's time limit per query, seconds")
    ap.add_argument("--max-memory", type=int, default=1024, help="the server's memory cap per worker, MB")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results",
                    help="folder for load_mixed.json and load_mixed.md")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.clients < 2:
        ap.error("--clients must be at least 2 (one sends the slow query)")
    extra = ["--workers", str(args.workers), "--timeout", str(args.timeout), "--max-memory", str(args.max_memory)]
    with tempfile.TemporaryDirectory() as tmp, served(args.store, Path(tmp), *extra) as (base, proc):
        entities = find_entities(base)
        if not entities:
            raise SystemExit("the store has no entities to ask for")
        for path in [entities[0][0], *CANNED]:  # warm up: workers started, caches filled
            c = http.client.HTTPConnection(urlsplit(base).hostname, urlsplit(base).port, timeout=60)
            c.request("GET", path)
            c.getresponse().read()
            c.close()
        time.sleep(0.5)
        before = tree_rss_kb(proc.pid)
        sampler = Sampler(proc.pid)
        sampler.start()
        rng = random.Random(args.seed)
        gate = threading.Barrier(args.clients + 1)
        clients = [Client(base, 0.0, random.Random(rng.random()), entities, i == 0, gate)
                   for i in range(args.clients)]
        for c in clients:
            c.start()
        began = time.monotonic()
        for c in clients:  # they wait at the gate, so the deadline is set before any of them reads it
            c.deadline = began + args.seconds
        gate.wait()
        for c in clients:
            c.join()
        ended = time.monotonic()
        time.sleep(0.5)
        after = tree_rss_kb(proc.pid)
        sampler.stopped.set()
        sampler.join()
    elapsed = ended - began
    kinds = summarise(clients, elapsed)
    total = {"requests": sum(k["requests"] for k in kinds.values()),
             "refused": sum(k["refused"] for k in kinds.values()),
             "errors": sum(k["errors"] for k in kinds.values())}
    total["rps"] = round(total["requests"] / elapsed, 1)
    first_error = next((k["first_error"] for k in kinds.values() if k["first_error"]), None)
    result = {"clients": args.clients, "seconds": round(elapsed, 1), "seed": args.seed,
              "server": {"workers": args.workers, "timeout": args.timeout, "max_memory_mb": args.max_memory},
              "machine": f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
                         f"Python {platform.python_version()}",
              "connections": sum(c.connections for c in clients), "kinds": kinds, "total": total,
              "first_error": first_error,
              "memory": memory_figures(sampler.samples, began, ended, before, after)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load_mixed.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    md = markdown(result)
    (args.out / "load_mixed.md").write_text(md, encoding="utf-8")
    print(md)
    return 1 if total["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
