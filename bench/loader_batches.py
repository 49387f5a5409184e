#!/usr/bin/env python3
"""How the size of the build's bulk loads, and lenient parsing, change the loader's cost.

    bench/loader_batches.py --nquads FILE [--batch-mb 16 32 64 256] [--strict] [--work DIR]

Loads the N-Quads file (e.g. `kg export --format nquads` of a benchmark store) into a fresh pyoxigraph
store in batches of each size, as `kg build` does on a first build (kg.store.fresh_build), then compacts
it, each configuration in a process of its own; prints CPU and wall time of the loads and of the
compaction, and the process's peak RSS (the file is read in batches, never whole). Lenient by default, as
the build loads; --strict adds the same sizes with IRI validation. Figures, not a test: see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import shutil
import sys
import time
from pathlib import Path


def load(nquads: str, batch_mb: int, lenient: bool, store_dir: str, conn) -> None:
    import pyoxigraph as ox

    shutil.rmtree(store_dir, ignore_errors=True)
    store = ox.Store(store_dir)
    wall, cpu = time.perf_counter(), time.process_time()
    with open(nquads, "rb") as fh:
        rest = b""
        while buf := fh.read(batch_mb << 20):
            buf = rest + buf
            cut = buf.rfind(b"\n") + 1
            rest = buf[cut:]
            store.bulk_load(buf[:cut], format=ox.RdfFormat.N_QUADS, lenient=lenient)
        if rest.strip():
            store.bulk_load(rest, format=ox.RdfFormat.N_QUADS, lenient=lenient)
    load_wall, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    store.flush()
    store.optimize()
    conn.send({"batch_mb": batch_mb, "lenient": lenient, "quads": len(store),
               "load_wall_s": round(load_wall, 1), "load_cpu_s": round(load_cpu, 1),
               "compact_wall_s": round(time.perf_counter() - wall, 1), "compact_cpu_s": round(time.process_time() - cpu, 1),
               "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)})
    del store
    shutil.rmtree(store_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nquads", required=True, type=Path)
    ap.add_argument("--batch-mb", type=int, nargs="+", default=[16, 32, 64, 256])
    ap.add_argument("--strict", action="store_true", help="also load with IRI validation")
    ap.add_argument("--work", type=Path, default=Path(__file__).resolve().parent / "work")
    args = ap.parse_args(argv)
    if not args.nquads.is_file():
        print(f"error: {args.nquads}: no such file", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    configs = [(mb, True) for mb in args.batch_mb] + ([(mb, False) for mb in args.batch_mb] if args.strict else [])
    ctx = mp.get_context("spawn")
    for mb, lenient in configs:
        recv, send = ctx.Pipe(duplex=False)
        p = ctx.Process(target=load, args=(str(args.nquads), mb, lenient, str(args.work / "loader-store"), send))
        p.start()
        print(json.dumps(recv.recv()), flush=True)
        p.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
