"""kg.toml's IRIs are checked before a build writes them, and the first build's threaded bulk loader
loads every batch, reports a failed load, and replaces nothing when a load or the input fails."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest

from kg import store as st
from kg.config import load_config
from kg.errors import ConfigError, EXIT_INPUT

from conftest import REPORT

GOOD = "https://identifier.overheid.nl/tooi/id/ministerie/mnre1058"


def config_file(tmp_path, *, base="https://kg.example.org", publisher=GOOD):
    p = tmp_path / "kg.toml"
    p.write_text(f'base_iri = "{base}"\n\n[[report]]\npath = "{REPORT.as_posix()}"\npublisher = "{publisher}"\n',
                 encoding="utf-8")
    return p


@pytest.mark.parametrize("base", ["https://kg example.org", "https://kg.example.org/<x>", "ftp://kg.example.org",
                                  "https://kg.example.org/a{b}", "kg.example.org"])
def test_a_base_iri_that_is_no_iri_is_refused_naming_the_file(tmp_path, base):
    p = config_file(tmp_path, base=base)
    with pytest.raises(ConfigError, match="base_iri must be an http") as err:
        load_config(p)
    assert str(p) in str(err.value)


@pytest.mark.parametrize("publisher", ["mnre1058", "https://identifier.overheid.nl/tooi/id/ministerie/mnre 1058",
                                       "https://x.org/a|b"])
def test_a_publisher_that_is_no_iri_is_refused_naming_the_report(tmp_path, publisher):
    with pytest.raises(ConfigError, match=r"\[\[report\]\] number 1: publisher must be an http"):
        load_config(config_file(tmp_path, publisher=publisher))


def test_good_iris_pass(tmp_path):
    cfg = load_config(config_file(tmp_path, base="https://data.example.nl/kg/"))
    assert cfg.base_iri == "https://data.example.nl/kg"
    assert cfg.reports[0].publisher == GOOD


def test_build_with_a_bad_publisher_exits_with_the_input_code_and_writes_no_store(tmp_path):
    p = config_file(tmp_path, publisher="https://x.org/a b")
    r = subprocess.run([sys.executable, "-m", "kg.cli", "--config", str(p), "build", "--store", str(tmp_path / "s")],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == EXIT_INPUT, r.stderr
    assert str(p) in r.stderr and "publisher" in r.stderr
    assert not (tmp_path / "s").exists()


def nt(i: int) -> bytes:
    return "".join(f"<https://kg.example.org/id/s{i}> <https://kg.example.org/def/kg#p> \"{j}\" .\n"
                   for j in range(50)).encode()


def chunks(n: int, *, bad_at: int | None = None, fail_at: int | None = None):
    for i in range(n):
        if i == fail_at:
            raise RuntimeError("input failed")
        yield f"https://kg.example.org/graph/g{i}", (b"this is not n-triples .\n" if i == bad_at else nt(i))


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(st, "BULK_BYTES", 1000)  # several batches, so that loads overlap with the input


def test_every_batch_is_loaded_into_its_graph(tmp_path, small_batches):
    assert st.fresh_build(tmp_path / "s", chunks(40)) == 40
    store = ox.Store.read_only(str(tmp_path / "s"))
    assert len(store) == 40 * 50
    assert len(list(store.named_graphs())) == 40
    assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode("https://kg.example.org/graph/g7")))) == 50


@pytest.mark.parametrize("case", [{"bad_at": 25}, {"fail_at": 25}], ids=["a-load-fails", "the-input-fails"])
def test_a_failure_replaces_nothing_and_is_raised(tmp_path, small_batches, case):
    assert st.fresh_build(tmp_path / "s", chunks(3)) == 3
    with pytest.raises((SyntaxError, RuntimeError)):
        st.fresh_build(tmp_path / "s", chunks(40, **case))
    store = ox.Store.read_only(str(tmp_path / "s"))  # the old store, untouched
    assert len(store) == 3 * 50
