"""bench/load_mixed.py runs end to end for a few seconds with a few clients and writes its figures.

A smoke test of the harness (docs/house-style.md: benchmarks are figures, never timed tests): it checks
that every figure is produced and that there are no errors besides the deliberate refusals, never how fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the harness samples memory from /proc")
def test_load_mixed_smoke(built_store, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_mixed.py"), "--store", str(built_store), "--clients", "6",
         "--seconds", "3", "--timeout", "1", "--workers", "2", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    r = json.loads((tmp_path / "load_mixed.json").read_text(encoding="utf-8"))
    assert r["clients"] == 6 and r["seconds"] >= 3
    assert {"page", "canned", "slow"} <= set(r["kinds"])
    for kind, k in r["kinds"].items():
        assert k["requests"] > 0 and k["p50_ms"] > 0 and k["p99_ms"] >= k["p50_ms"], kind
        assert k["errors"] == 0, (kind, k["first_error"])
    assert r["kinds"]["slow"]["refused"] >= 1 and r["kinds"]["slow"]["ok"] == 0
    assert r["total"]["errors"] == 0 and r["total"]["rps"] > 0
    assert r["connections"] < r["total"]["requests"], "clients reuse their connections (keep-alive)"
    m = r["memory"]
    assert 0 < m["rss_start_mb"] <= m["peak_mb"] and m["rss_end_mb"] > 0 and m["samples"] > 3
    md = (tmp_path / "load_mixed.md").read_text(encoding="utf-8")
    assert "| slow |" in md and "peak, last tenth" in md and "Errors other than the deliberate refusals: **0**" in md
