"""Extraction quality against the hand annotation in tests/gold/ (see tests/gold/README.md).

Kamerstukken must be found exactly. For the other kinds the issue's targets (0.95 organisations and legal
instruments, 0.85 programmes) are not met yet; the floors below are today's figures, so that a change that
makes extraction worse fails. Raise them as extraction improves. On failure the message lists
what was missed and what was spurious.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import evaluate
from kg.extract import extract
from kg.read import read_report
from kg.reference import load_reference

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "corpus" / "jenv-jaarverslag-2024-beleidsverslag.txt"
GOLD = REPO / "tests" / "gold" / "jenv-jaarverslag-2024-beleidsverslag.json"

# kind -> (precision floor, recall floor); targets: 0.95 / 0.95 (0.85 for programmes), issue 3
FLOORS = {
    "kamerstuk": (1.0, 1.0),
    "organisation": (1.0, 1.0),
    "legal": (1.0, 1.0),
    "programme": (1.0, 0.95),
}


@pytest.fixture(scope="module")
def evaluation():
    report = read_report(SOURCE, key="jenv-jaarverslag-2024-beleidsverslag")
    return evaluate(extract(report, reference=load_reference()), GOLD)


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_precision_and_recall_per_kind(evaluation, kind):
    score = evaluation.scores[kind]
    p_floor, r_floor = FLOORS[kind]
    detail = f"{score.kind}: P={score.precision:.3f} R={score.recall:.3f}; missed {score.missed}; spurious {score.spurious}"
    assert score.precision >= p_floor, detail
    assert score.recall >= r_floor, detail


def test_every_gold_kind_is_scored(evaluation):
    assert set(FLOORS) <= set(evaluation.scores)


def test_organisation_law_pairs_per_paragraph():
    """The pairs behind "which laws involve DJI?": every (organisation, legal instrument) named on one paragraph
    line, against the gold's org_law_pairs (issue 3's target 0.95 / 0.95; measured 1.0 / 1.0)."""
    report = read_report(SOURCE, key="jenv-jaarverslag-2024-beleidsverslag")
    ev = evaluate(extract(report, reference=load_reference()), GOLD, text=SOURCE.read_text(encoding="utf-8"))
    score = ev.pairs
    assert score is not None
    detail = f"P={score.precision:.3f} R={score.recall:.3f}; missed {score.missed}; spurious {score.spurious}"
    assert score.precision >= 0.95 and score.recall >= 0.95, detail
