"""Extraction on the JenV report with a small fixture reference: offsets, kinds, citations."""

from pathlib import Path

import pytest

from kg.extract import extract
from kg.read import read_report
from kg.reference import load_reference

CORPUS = Path("/work/shared/corpus/jenv-jaarverslag-2024-beleidsverslag.txt")
FIXTURE = Path(__file__).parent / "data" / "reference"


@pytest.fixture(scope="module")
def ex_report():
    if not CORPUS.exists():
        pytest.skip("corpus not available")
    r = read_report(CORPUS)
    return r, extract(r, reference=load_reference(FIXTURE))


def test_mentions_have_exact_offsets_inside_sentences(ex_report):
    r, ex = ex_report
    sents = {s.start: s for s in r.sentences()}
    for m in ex.mentions:
        assert r.text[m.start:m.end] == m.surface
        s = sents[m.sentence_start]
        assert s.start <= m.start < m.end <= s.end
        assert (m.kind, m.key) in ex.entities


def test_no_overlap_within_a_kind(ex_report):
    _, ex = ex_report
    by_kind = {}
    for m in ex.mentions:
        by_kind.setdefault(m.kind, []).append(m)
    for ms in by_kind.values():
        ms.sort(key=lambda m: m.start)
        for a, b in zip(ms, ms[1:]):
            assert a.end <= b.start


def test_kamerstukken_all_found(ex_report):
    _, ex = ex_report
    keys = {k for kind, k in ex.entities if kind == "kamerstuk"}
    assert keys == {
        "kst-29911-454", "kst-31819-1031", "kst-31839-1047", "kst-24587-1008", "kst-30821-231", "kst-30821-251",
        "kst-30821-249", "kst-26956-220", "kst-22112-3868", "kst-22112-3968", "kst-30821-241",
    }
    assert len(ex.citations) == 12


def test_reference_and_abbreviations_resolve_to_one_entity(ex_report):
    _, ex = ex_report
    dji = [m for m in ex.mentions if m.key == "dienst-justitiele-inrichtingen"]
    assert dji and all(m.surface == "DJI" for m in dji)
    hla = {m.surface for m in ex.mentions if m.kind == "programme" and m.key == "hoofdlijnenakkoord"}
    assert {"Hoofdlijnenakkoord", "HLA"} <= hla
    pmg = {m.surface for m in ex.mentions if m.key == "preventie-met-gezag"}
    assert {"Preventie met Gezag", "PmG"} <= pmg
