"""The benchmark harness runs end to end on a tiny corpus and writes every figure (no timing asserts).

Benchmarks are figures, never timed tests (docs/house-style.md): this only keeps bench/run.py working.
The PNG plot needs matplotlib (the `bench` extra), which the test extra does not install, so the plot is
optional here: with matplotlib a PNG must appear, without it the results must say it was skipped.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "bench" / "run.py"


def test_make_corpus_is_deterministic_and_prefix_stable(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import make_corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    a = make_corpus.make_corpus(3, tmp_path / "a", seed=7)
    b = make_corpus.make_corpus(2, tmp_path / "b", seed=7)
    assert [p.read_bytes() for p in a[:2]] == [p.read_bytes() for p in b]
    text = a[0].read_text(encoding="utf-8")
    assert text.startswith("Base description which applies to whole site\n\n")
    assert text.endswith("\n\nLicence")
    assert "Kamerstukken" in text and "\u00a0" in text
    assert 35_000 < len(text) < 60_000


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the harness samples memory from /proc")
def test_harness_smoke(tmp_path: Path) -> None:
    out, work = tmp_path / "results", tmp_path / "work"
    proc = subprocess.run(
        [sys.executable, str(RUN), "--max-reports", "3", "--quick", "--out", str(out), "--work", str(work)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    md = (out / "results.md").read_text(encoding="utf-8")

    assert set(results["sizes"]) == {"1", "3"}
    for n, r in results["sizes"].items():
        assert r["triples"] > 1000, n
        for step in ("build", "rebuild_unchanged", "rebuild_one", "export_turtle", "export_ntriples", "validate"):
            m = r[step]
            assert m["wall_s"] > 0 and m["rc"] in (0, 1), (n, step, m)
            assert m["rss_tree_mb"] > 0 and m["rss_max_process_mb"] > 0, (n, step, m)
            assert m["cpu_s"] > 0, (n, step, m)
        floor = r["store_floor"]  # the store's bulk load of the same quads, from the harness's own export
        assert floor["rc"] == 0 and floor["wall_s"] > 0 and floor["cpu_s"] > 0, (n, floor)
        assert floor["loader"]["quads"] == r["triples"], (n, floor)  # every quad the build made, no more
        assert r["queries"], n
        for name, q in r["queries"].items():
            assert q["class"] in ("entity", "aggregate")
            assert q["p50_ms"] is not None or q.get("timed_out"), (n, name, q)
            assert r["query_cold"][name]["wall_s"] > 0
    # the rdflib baseline ran at N = 1: a figure or a timeout for every query
    base = results["sizes"]["1"]["queries"]
    assert all("rdflib_p50_ms" in q for q in base.values() if q["p50_ms"] is not None)
    cold = results["cold"]
    assert cold["help_s"] > 0 and cold["query_s"] > 0 and cold["query_rc"] == 0
    assert {t["target"] for t in results["targets"]} >= {"build_1000_s", "query_speedup_min", "help_s", "query_cold_s"}

    assert "build, CPU (user + system, all processes) / per core" in md
    assert "store floor: bulk load of the same quads alone, wall" in md and "build ÷ store floor (wall)" in md
    for heading in ("## Pipeline", "## Canned queries", "## Start-up", "## Targets"):
        assert heading in md
    assert "N = 1 | N = 3" in md
    if importlib.util.find_spec("matplotlib"):
        assert (out / "results.png").stat().st_size > 1000
    else:
        assert "Plot skipped" in md and results["plot_skipped"]


def test_loader_batches_loads_every_quad_in_each_configuration(tmp_path: Path, built_store: Path) -> None:
    """bench/loader_batches.py (the figures behind kg.store.BULK_BYTES) keeps working: every quad of the
    report's N-Quads is loaded, in small batches, lenient and strict."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(built_store))
    nq = tmp_path / "report.nq"
    store.dump(output=str(nq), format=ox.RdfFormat.N_QUADS)
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "loader_batches.py"), "--nquads", str(nq),
                        "--batch-mb", "1", "64", "--strict", "--work", str(tmp_path / "w")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(x["batch_mb"], x["lenient"]) for x in rows] == [(1, True), (64, True), (1, False), (64, False)]
    assert {x["quads"] for x in rows} == {len(store)}
    assert all(x["load_cpu_s"] >= 0 and x["peak_rss_mb"] > 0 for x in rows)


def test_measure_counts_the_cpu_of_the_commands_descendants() -> None:
    """The build's CPU is mostly its worker processes': measure() must count a grandchild's CPU too."""
    sys.path.insert(0, str(RUN.parent))
    try:
        import run as harness
    finally:
        sys.path.remove(str(RUN.parent))
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.4: pass"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burn!r}], check=True)"
    m = harness.measure([sys.executable, "-c", parent])
    assert m["rc"] == 0, m
    assert m["cpu_s"] >= 0.4, m  # the grandchild alone burnt 0.4 s


def test_a_missed_build_target_names_the_cpu_and_the_store_floor() -> None:
    """The target row says why a build is slow: its CPU over the cores, and the store's own bulk load."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run
    finally:
        sys.path.remove(str(ROOT / "bench"))
    at = {"build": {"wall_s": 170.0, "cpu_s": 300.0, "rss_tree_mb": 400.0, "timed_out": False},
          "store_floor": {"wall_s": 107.0, "cpu_s": 170.0, "rc": 0}, "queries": {}}
    rows = {r["target"]: r for r in run.evaluate_targets({"sizes": {"1000": at}, "machine": {"cores": 2}})}
    build = rows["build_1000_s"]
    assert build["met"] is False
    assert "at least 150 s on 2 cores" in build["by"]
    assert "alone (no extraction) took 107 s (170 s of CPU): more than the target on its own" in build["by"]
    at["store_floor"]["wall_s"] = 40.0  # a floor under the target is stated, not called more than it
    build = {r["target"]: r for r in run.evaluate_targets({"sizes": {"1000": at}, "machine": {"cores": 2}})}["build_1000_s"]
    assert "took 40 s" in build["by"] and "on its own" not in build["by"]
    at["build"]["wall_s"] = 50.0  # a met target needs no excuse
    build = {r["target"]: r for r in run.evaluate_targets({"sizes": {"1000": at}, "machine": {"cores": 2}})}["build_1000_s"]
    assert build["met"] is True and "floor" not in build["by"] and "bulk load" not in build["by"]
