"""Every write is atomic: kill the process (SIGKILL) part-way and the previous state is intact and usable."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPORT, ROOT

KG = [sys.executable, "-m", "kg.cli", "--config", str(ROOT / "kg.toml")]


def _copies(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    text = REPORT.read_text(encoding="utf-8")
    out = []
    for i in range(n):
        p = folder / f"report-{i:03d}.txt"
        # a different sentence per copy, so the copies are different reports
        p.write_text(text.replace("Denk aan Oekraïne en Gaza.", f"Denk aan Oekraïne en Gaza (variant {i}).", 1),
                     encoding="utf-8")
        out.append(p)
    return out


def _counts(store: Path) -> dict[str, int]:
    import pyoxigraph as ox

    s = ox.Store.read_only(str(store))
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    return {r["g"].value: int(r["n"].value) for r in s.query(q)}


def _kill_after(args: list[str], delay: float) -> int:
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the build's worker processes too
    except ProcessLookupError:
        pass
    return proc.wait()


@pytest.mark.parametrize("delay", [1.5, 3.0])
def test_sigkill_during_a_rebuild_leaves_every_graph_whole(tmp_path, delay):
    reports = _copies(tmp_path / "r", 12)
    store = tmp_path / "store"
    r = subprocess.run([*KG, "-q", "build", "--store", str(store), "-j", "1", *map(str, reports)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    before = _counts(store)
    assert len(before) == 12
    for p in reports:  # change every report, so the rebuild replaces every graph
        p.write_text(p.read_text(encoding="utf-8").replace("Opiumwet", "Opiumwet 2", 1), encoding="utf-8")
    ref = tmp_path / "reference-store"  # what the new graphs look like, built without interruption
    subprocess.run([*KG, "-q", "build", "--store", str(ref), *map(str, reports)], check=True)
    new = _counts(ref)
    assert new != before, "the change must change the graphs, or the test proves nothing"
    _kill_after([*KG, "-q", "build", "--store", str(store), "-j", "1", *map(str, reports)], delay)
    after = _counts(store)
    assert set(after) == set(before), "no graph lost or added"
    for g, n in after.items():
        # each graph is the old one or the new one, never a half-replaced one
        assert n in (before[g], new[g]), (g, n, before[g], new[g])
    # and the store is usable: the next build completes and gives the new graphs
    r = subprocess.run([*KG, "-q", "build", "--store", str(store), *map(str, reports)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert _counts(store) == new


@pytest.mark.parametrize("delay", [0.3, 1.0])
def test_sigkill_during_a_first_build_leaves_no_half_store(tmp_path, delay):
    reports = _copies(tmp_path / "r", 12)
    store = tmp_path / "store"
    _kill_after([*KG, "-q", "build", "--store", str(store), "-j", "1", *map(str, reports)], delay)
    if store.exists():
        # it finished the swap before the kill: then it is complete
        assert len(_counts(store)) == 12
    r = subprocess.run([*KG, "-q", "build", "--store", str(store), *map(str, reports)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert len(_counts(store)) == 12
    assert not (tmp_path / "store.building").exists()


def test_sigkill_during_export_leaves_the_previous_file(tmp_path):
    reports = _copies(tmp_path / "r", 8)
    store = tmp_path / "store"
    subprocess.run([*KG, "-q", "build", "--store", str(store), *map(str, reports)], check=True)
    out = tmp_path / "graph.nt"
    out.write_text("previous export\n", encoding="utf-8")
    for delay in (0.3, 0.8, 1.5):
        _kill_after([*KG, "-q", "export", "--store", str(store), "-f", "ntriples", "-o", str(out)], delay)
        content = out.read_text(encoding="utf-8")
        assert content == "previous export\n" or content.endswith(" .\n"), "never a half-written file"
        if content != "previous export\n":
            # a complete export: every line is a triple
            assert all(line.endswith(" .") for line in content.splitlines())
        shutil.copy(out, tmp_path / "seen.nt")
