"""`kg build` on files that are not what users expect: one clear message per file (file:line, exit 3) or a
warning where the input is usable; the good files are still built; never a traceback.

The reader's own unit tests (tests/test_reader.py) cover the messages in detail; these run the real command
line, as a user does, on a folder that mixes every kind of bad input with good reports.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPORT, ROOT

KG = [sys.executable, "-m", "kg.cli", "--config", str(ROOT / "kg.toml")]

SMALL = "3.1 Beleidsverslag\n\n3.1.1 Sterke rechtsstaat\n\nDe politie en het OM werkten samen.\n"
MARKERS = (  # markers 1 and 2, but no footnotes at all
    "3.1 Beleidsverslag\n\n3.1.1 Sterke rechtsstaat\n\n"
    "De politie deed veel werk.1 Het OM ook.2\n"
)
TRUNCATED = (  # marker 3 has no footnote; the list ends with a number line without its text
    "3.1 Beleidsverslag\n\n3.1.1 Sterke rechtsstaat\n\n"
    "De politie deed veel werk.1 Het OM ook.2 En de rechtspraak.3\n\n"
    "1\n\nKamerstukken II 2024/25, 29 911, nr. 454\n\n2\n"
)

# name -> (content, the start of the expected error line on stderr; None: no error, built with warnings)
BAD: dict[str, tuple[bytes, str]] = {
    "leeg.txt": (b"", "leeg.txt:1: the file is empty"),
    "alleen-witruimte.txt": (b"\xef\xbb\xbf\r\n \xc2\xa0\r\n", "alleen-witruimte.txt:1: the file is empty"),
    "programma.txt": (b"\x7fELF\x02\x01\x01\x00" + bytes(64) + bytes(range(256)),
                      "programma.txt:1:8: this is a program (ELF), a binary file"),
    "verslag-pdf.txt": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 >>\nstream\n",
                        "verslag-pdf.txt:1:1: this is a PDF document, not a report text"),
    "word.txt": (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "word.txt:1:6: this is a ZIP archive"),
    "latin1.txt": ("3.1 Beleidsverslag\n\n3.1.1 Werk\n\nDenk aan Oekraïne.\n".encode("latin-1"),
                   "latin1.txt:5:15: not valid UTF-8 (byte 0xef)"),
    "utf16.txt": (SMALL.encode("utf-16"), "utf16.txt:1:1: the file is UTF-16 encoded"),
    "utf16-zonder-bom.txt": (SMALL.encode("utf-16-le"), "utf16-zonder-bom.txt:1:1: the file is UTF-16 encoded"),
    "pagina.txt": (b"<!DOCTYPE html>\n<html><head><title>Jaarverslag</title></head><body>\n<h1>3.1 Beleidsverslag</h1>"
                   b"\n</body></html>\n", "pagina.txt:1: this is an HTML page"),
    "geen-koppen.txt": (b"\n\nGeachte voorzitter,\n\nHierbij stuur ik u het verslag.\n",
                        "geen-koppen.txt:3: no numbered heading such as '3.1 Beleidsverslag'"),
}
WARNINGS = {
    "markers.txt": (MARKERS, ["markers.txt:5: warning: footnote marker 1 has no footnote",
                              "markers.txt:5: warning: footnote marker 2 has no footnote"]),
    "afgekapt.txt": (TRUNCATED, ["afgekapt.txt:11: warning: footnote 2 has no text (truncated footnote list?)",
                                "afgekapt.txt:5: warning: footnote marker 3 has no footnote"]),
}


def kg(*args, cwd: Path, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    return subprocess.run([*KG, *args], capture_output=True, text=True, cwd=cwd, env=env, **kw)


def graphs(store: Path) -> list[str]:
    import pyoxigraph as ox

    s = ox.Store.read_only(str(store))
    return sorted(g.value for g in s.named_graphs())


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A folder with every kind of bad file, two usable-but-odd ones and the real report, built once."""
    tmp = tmp_path_factory.mktemp("mixed")
    folder = tmp / "verslagen"
    folder.mkdir()
    for name, (content, _) in BAD.items():
        (folder / name).write_bytes(content)
    for name, (text, _) in WARNINGS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "goed.txt").write_bytes(REPORT.read_bytes())
    (folder / "klein.txt").write_text(SMALL, encoding="utf-8")
    (folder / "notities.md").write_text("not a .txt file: not read", encoding="utf-8")
    r = kg("build", "--store", "st", "verslagen", cwd=tmp, timeout=300)
    return tmp, r


def test_mixed_folder_exits_3_and_names_every_bad_file(mixed):
    tmp, r = mixed
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    errors = [ln.removeprefix("error: ") for ln in r.stderr.splitlines() if ln.startswith("error: ")]
    for name, (_, expected) in BAD.items():
        assert any(e.startswith(f"verslagen/{expected}") for e in errors), (name, errors)
    assert len(errors) == len(BAD), errors
    # every error says what to do next
    assert r.stderr.count("  hint: ") == len(BAD)


def test_mixed_folder_still_builds_the_good_and_the_usable_files(mixed):
    tmp, r = mixed
    base = "https://kg.example.org/graph/"
    assert graphs(tmp / "st") == [base + k for k in ("afgekapt", "goed", "klein", "markers")]
    assert re.search(r"built 4 report\(s\), skipped 0 unchanged, 10 failed; \d+ triples", r.stderr), r.stderr


def test_usable_odd_files_give_warnings_with_file_and_line(mixed):
    _, r = mixed
    for _, (_, warnings) in WARNINGS.items():
        for w in warnings:
            assert f"verslagen/{w}" in r.stderr.splitlines(), (w, r.stderr)


def test_a_rebuild_skips_the_good_files_and_reports_the_bad_ones_again(mixed):
    tmp, _ = mixed
    r = kg("build", "--store", "st", "verslagen", cwd=tmp, timeout=300)
    assert r.returncode == 3
    assert "built 0 report(s), skipped 4 unchanged, 10 failed" in r.stderr
    assert sum(ln.startswith("error: ") for ln in r.stderr.splitlines()) == len(BAD)


@pytest.mark.parametrize("name", sorted(BAD))
def test_one_bad_file_alone_exits_3_and_leaves_no_store(tmp_path, name):
    content, expected = BAD[name]
    (tmp_path / name).write_bytes(content)
    r = kg("build", "--store", "st", name, cwd=tmp_path, timeout=120)
    assert r.returncode == 3
    assert r.stderr.startswith(f"error: {expected}"), r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "st").exists()


def test_a_usable_file_with_footnote_problems_exits_0(tmp_path):
    (tmp_path / "afgekapt.txt").write_text(TRUNCATED, encoding="utf-8")
    r = kg("build", "--store", "st", "afgekapt.txt", cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "afgekapt.txt:11: warning: footnote 2 has no text" in r.stderr
    assert graphs(tmp_path / "st") == ["https://kg.example.org/graph/afgekapt"]


# Runs a command and prints its exit code and peak RSS (KB). The command is started from this small process,
# not from pytest: Linux counts the peak RSS of the process that forks into a child's ru_maxrss, so measured
# from pytest (a few hundred MB after many tests) the figure would be pytest's, not the command's.
_MEASURE = """import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _run_measured(args: list[str], cwd: Path) -> tuple[int, str, float, int]:
    """(exit code, stderr, seconds, peak RSS in KB) of one ``kg`` process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    started = time.monotonic()
    p = subprocess.run([sys.executable, "-c", _MEASURE, *KG, *args], cwd=cwd, env=env, capture_output=True)
    code, rss_kb = (int(x) for x in p.stdout.split())
    return code, p.stderr.decode(), time.monotonic() - started, rss_kb


def test_a_200_mb_file_is_refused_fast_without_reading_it(tmp_path):
    big = tmp_path / "groot.txt"
    line = ("De politie en het OM werkten samen aan de aanpak van ondermijning in 2024. " * 20 + "\n\n").encode()
    with big.open("wb") as f:
        f.write(b"3.1 Beleidsverslag\n\n3.1.1 Werk\n\n")
        chunk = line * (8 * 2**20 // len(line))
        while f.tell() < 200 * 2**20:
            f.write(chunk)
    (tmp_path / "klein.txt").write_text(SMALL, encoding="utf-8")
    try:
        code, err, seconds, rss_kb = _run_measured(["build", "--store", "st", "groot.txt", "klein.txt"], tmp_path)
    finally:
        big.unlink()  # pytest keeps the last runs' temporary folders: not 200 MB each
    assert code == 3, err
    assert re.search(r"^error: groot\.txt: the file is 2\d\d MB; kg reads reports of at most 4 MB", err, re.M), err
    assert "Traceback" not in err
    assert graphs(tmp_path / "st") == ["https://kg.example.org/graph/klein"]
    assert seconds < 60
    assert rss_kb < 200 * 1024, f"peak RSS {rss_kb} KB: the file was read into memory"


def test_a_large_stream_is_cut_off_at_the_limit(tmp_path):
    """A pipe has no size to check beforehand: reading stops at the limit (never 200 MB in memory)."""
    fifo = tmp_path / "stroom.txt"
    os.mkfifo(fifo)
    feeder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nout = open(sys.argv[1], 'wb')\nout.write(b'3.1 Beleidsverslag\\n\\n')\n"
         "block = b'x' * 2**20\ntry:\n    for _ in range(200):\n        out.write(block)\nexcept BrokenPipeError:\n"
         "    pass\n", str(fifo)], stderr=subprocess.DEVNULL)
    try:
        code, err, _seconds, rss_kb = _run_measured(["build", "--store", "st", "stroom.txt"], tmp_path)
    finally:
        feeder.kill()
        feeder.wait()
    assert code == 3, err
    assert "stroom.txt: more than 4 MB; kg reads reports of at most 4 MB" in err
    assert rss_kb < 200 * 1024


@pytest.mark.parametrize("store", ["a-file/sub", "a-file"])
def test_a_store_path_the_file_system_refuses_exits_3_naming_it(tmp_path, store):
    """A --store under a regular file is the user's path, not a bug: exit 3 with the path, no traceback."""
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text(SMALL, encoding="utf-8")
    r = kg("build", "--store", store, "r.txt", cwd=tmp_path, timeout=120)
    assert r.returncode in (2, 3), r.stderr
    assert "error: " in r.stderr.lower() and "a-file" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "not a folder\n"
