"""Shared fixtures: paths to the repository, ../shared, the report, and one built store per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
REPORT = CORPUS / "jenv-jaarverslag-2024-beleidsverslag.txt"
ARTIFACTS = ROOT / "tests" / "artifacts"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files instead of comparing")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def report_path() -> Path:
    assert REPORT.is_file(), f"the corpus is expected at {REPORT}"
    return REPORT


@pytest.fixture(scope="session")
def config():
    from kg.config import load_config

    return load_config(ROOT / "kg.toml")


@pytest.fixture(scope="session")
def built_store(tmp_path_factory, config, report_path) -> Path:
    """The report built once into a store for the whole session (read-only use only)."""
    from kg.build import build

    store = tmp_path_factory.mktemp("store") / "kg-store"
    result = build([report_path], config=config, store_dir=store, jobs=1)
    assert not result.errors, result.errors
    return store


@pytest.fixture(scope="session")
def report_quads(built_store):
    from kg.export import store_quads
    from kg.store import open_store

    return list(store_quads(open_store(built_store, read_only=True)))


@pytest.fixture(scope="session")
def report_graph(report_quads):
    """The report's graph (union of named graphs) as an rdflib Graph."""
    import rdflib

    g = rdflib.Graph()
    g.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o, _ in report_quads), format="nt")
    return g


@pytest.fixture()
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture()
def isolated_env(monkeypatch, tmp_path):
    """Run with no KG_* environment and the working directory in a temp folder."""
    for k in list(os.environ):
        if k.startswith("KG_"):
            monkeypatch.delenv(k)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def copy_report(dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(REPORT, dst / REPORT.name))


@pytest.fixture(scope="session")
def static_site(built_store, tmp_path_factory) -> Path:
    """`kg export --site` of the report, written once per session through the CLI (read-only use only)."""
    from click.testing import CliRunner

    from kg.cli import cli

    out = tmp_path_factory.mktemp("site") / "site"
    r = CliRunner().invoke(cli, ["--config", str(ROOT / "kg.toml"), "export", "--store", str(built_store),
                                 "--site", str(out)])
    assert r.exit_code == 0, r.output
    return out
