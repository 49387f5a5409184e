"""Load check for `kg serve`: 50 concurrent clients on an entity page and on a canned query.

Starts `kg serve` on 127.0.0.1 (a free port) on a store (built from the bundled report into a temporary
folder when --store is not given), runs each scenario for a number of requests per client, and reports
requests per second, p50/p99 latency and errors. A figure, not a timed test: run it by hand or in CI's
bench job.

    python bench/load_serve.py [--store DIR] [--clients 50] [--requests 20] [--workers 4] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = {
    "entity page (HTML)": "/doc/organisation/dienst-justitiele-inrichtingen",
    "entity (Turtle, via 303)": "/id/organisation/dienst-justitiele-inrichtingen",
    "canned query laws-for-organisation": "/queries/laws-for-organisation?organisation=DJI&format=json",
}
ACCEPT = {"entity (Turtle, via 303)": "text/turtle"}


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@contextmanager
def served(store: Path | None, tmp: Path, *extra: str):
    """`kg serve` on a free port of 127.0.0.1 on ``store`` (built from the bundled report into ``tmp`` when
    None); yields (base URL, server process) once it answers, and stops it afterwards."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    if store is None:
        store = tmp / "store"
        subprocess.run([sys.executable, "-m", "kg.cli", "-q", "--config", str(ROOT / "kg.toml"), "build",
                        "--store", str(store)], check=True, env=env, cwd=ROOT)
    port = free_port()
    log = open(tmp / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "-q", "--config", str(ROOT / "kg.toml"), "serve",
                             "--store", str(store), "--port", str(port), *extra],
                            stdout=log, stderr=log, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/static/kg.css", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("kg serve did not start: " + (tmp / "serve.log").read_text()[-2000:])
                time.sleep(0.1)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def run(url: str, clients: int, requests: int, accept: str | None) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)

    def client() -> None:
        mine, bad = [], []
        start_gate.wait()
        for _ in range(requests):
            t = time.perf_counter()
            try:
                req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
                with urllib.request.urlopen(req, timeout=60) as r:
                    r.read()
                    if r.status != 200:
                        bad.append(f"HTTP {r.status}")
            except (urllib.error.URLError, OSError) as err:
                bad.append(str(err))
            mine.append(time.perf_counter() - t)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    start_gate.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return {"requests": len(latencies), "errors": len(errors), "first_error": errors[0] if errors else None,
            "seconds": round(elapsed, 3), "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(latencies), 1), "p99_ms": round(1000 * percentile(latencies, 99), 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=20, help="requests per client per scenario")
    ap.add_argument("--workers", type=int, default=4, help="query worker processes of the server")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, served(args.store, Path(tmp), "--workers", str(args.workers)) as (base, _):
        for path in SCENARIOS.values():  # warm up (workers started, caches filled)
            urllib.request.urlopen(base + path, timeout=60).read()
        results = {}
        for name, path in SCENARIOS.items():
            r = run(base + path, args.clients, args.requests, ACCEPT.get(name))
            results[name] = r
            print(f"{name:<38} {r['requests']:>5} req  {r['rps']:>7.1f} req/s  p50 {r['p50_ms']:>7.1f} ms  "
                  f"p99 {r['p99_ms']:>7.1f} ms  errors {r['errors']}"
                  + (f"  ({r['first_error']})" if r["errors"] else ""))
    summary = {"clients": args.clients, "requests_per_client": args.requests, "server_workers": args.workers,
               "cpus": os.cpu_count(), "scenarios": results}
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 1 if any(r["errors"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
