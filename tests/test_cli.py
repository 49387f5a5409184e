"""CLI: exit codes, stdout carries only the product, errors name the file, help is complete."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli

from conftest import REPORT, ROOT


def run(args, **kw):
    """Run the real entry point (main) in a subprocess: exit codes as a user sees them."""
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, **kw)


def test_help_lists_every_command_and_exit_codes():
    r = run(["--help"])
    assert r.returncode == 0
    for cmd in cli.commands:
        assert re.search(rf"^\s+{cmd}\b", r.stdout, flags=re.M), cmd
    assert "Exit codes" in r.stdout and "70" in r.stdout


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for cmd in cli.commands:
        assert f"kg {cmd}" in readme, f"`kg {cmd}` missing from the README"


def test_help_does_not_import_heavy_libraries():
    code = "import sys; from kg.cli import cli; cli.main(['--help'], standalone_mode=False); " \
           "print('LOADED:' + ','.join(m for m in ('rdflib','pyshacl','pyoxigraph','SPARQLWrapper') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "LOADED:"


def test_build_then_export_turtle(tmp_path):
    store = tmp_path / "store"
    r = run(["build", "--store", str(store), str(REPORT)], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""  # status goes to stderr
    assert "built 1 report(s)" in r.stderr
    r2 = run(["export", "--store", str(store), "--format", "turtle"], cwd=tmp_path)
    assert r2.returncode == 0, r2.stderr
    assert r2.stdout.startswith("@prefix ")
    import rdflib

    assert len(rdflib.Graph().parse(data=r2.stdout, format="turtle")) > 1000


def test_build_with_no_arguments_uses_the_configuration(tmp_path):
    r = run(["--config", str(ROOT / "kg.toml"), "build", "--store", str(tmp_path / "s")], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "built 1 report(s)" in r.stderr


def test_quiet_silences_status(tmp_path):
    r = run(["-q", "build", "--store", str(tmp_path / "s"), str(REPORT)])
    assert r.returncode == 0 and r.stderr == ""


def test_missing_report_exits_3_and_names_the_file(tmp_path):
    r = run(["build", "--store", str(tmp_path / "s"), str(tmp_path / "nope.txt")])
    assert r.returncode == 3
    assert "nope.txt" in r.stderr and "no such file" in r.stderr
    assert "Traceback" not in r.stderr


def test_latin1_report_exits_3_with_line_and_column(tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(REPORT.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    r = run(["build", "--store", str(tmp_path / "s"), str(bad)])
    assert r.returncode == 3
    assert re.search(r"latin1\.txt:\d+:\d+: not valid UTF-8", r.stderr), r.stderr


def test_export_without_store_exits_3(tmp_path):
    r = run(["export", "--store", str(tmp_path / "none")])
    assert r.returncode == 3
    assert "no kg store" in r.stderr and "kg build" in r.stderr


def test_usage_error_exits_2():
    r = run(["export", "--format", "yaml"])
    assert r.returncode == 2


def test_store_from_environment(tmp_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["-q", "build", str(REPORT)], env={"KG_STORE": str(tmp_path / "envstore")})
    assert res.exit_code == 0, res.output
    assert (tmp_path / "envstore" / "KG-STORE").is_file()


def test_export_to_file_is_written_whole(tmp_path, built_store):
    out = tmp_path / "out" / "graph.nt"
    r = run(["export", "--store", str(built_store), "-f", "ntriples", "-o", str(out)])
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8").endswith(" .\n")
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "no temp files left behind"
