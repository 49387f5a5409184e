"""Generality of extraction: five short excerpts from other ministries' annual reports (IenW, SZW, Financiën, VWS,
OCW).

The excerpts (tests/data/excerpts/) were written for this test in the corpus format, with names of real public
bodies, laws and EU acts; their hand annotation (tests/gold/excerpts/) follows tests/gold/README.md. They were
written and annotated before the legal patterns were extended for them: the gaps they revealed were closed with
general patterns (each also unit-tested on other sentences in tests/test_extract_legal.py) and one general
reference entry (Stabiliteits- en groeipact), so the legal figures here are a regression check, no longer a blind
measure. The fourth (VWS) was written and committed after that, as a blind check; its blind scores are noted at
its floors, and the general gaps it showed were then closed too (one more reference entry: the EHDS). The fifth
(OCW) was a second blind check after that; nothing was changed after it was run.
Organisations and programmes were not tuned on any of them.

Targets (issue 3): precision and recall >= 0.95 per kind (0.85 for programmes). The floors below are the figures
measured when the test was written, rounded down, so that a change that makes extraction worse fails; legal
instruments and Kamerstukken meet the target, organisations and programmes (extracted by patterns that are
worked on separately) do not yet on every excerpt. Raise the floors as extraction improves. Figures, events and
the implements pairs are checked too.

Two further tests prove the generality claim for legal instruments with names that occur nowhere in the JenV
report:
(a) names that are in no reference file are found by the patterns alone: extraction with an *empty* reference
    still finds them;
(b) names that only the reference data knows are found with the reference and not without it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.evaluate import evaluate
from kg.extract import extract
from kg.extract.common import compact
from kg.extract.gazetteer import build
from kg.read import read_report
from kg.reference import Reference, load_reference

REPO = Path(__file__).resolve().parents[1]
EXCERPTS = REPO / "tests" / "data" / "excerpts"
GOLD = REPO / "tests" / "gold" / "excerpts"
JENV = REPO.parent / "shared" / "corpus" / "jenv-jaarverslag-2024-beleidsverslag.txt"
NAMES = ("ienw", "szw", "fin", "vws", "ocw")

# excerpt -> kind -> (precision floor, recall floor), measured figures rounded down
FLOORS = {
    "ienw": {"kamerstuk": (1.0, 1.0), "legal": (1.0, 1.0), "organisation": (1.0, 0.90), "programme": (0.83, 0.83)},
    "szw": {"kamerstuk": (1.0, 1.0), "legal": (1.0, 1.0), "organisation": (1.0, 0.87), "programme": (0.0, 0.0)},
    "fin": {"kamerstuk": (1.0, 1.0), "legal": (1.0, 1.0), "organisation": (0.94, 0.89), "programme": (0.0, 0.0)},
    # blind check, written after the other three were passed: before the fixes it revealed, legal P=0.778
    # R=0.700 (a title run into "voor alle fabrikanten", a particle "uit", the EHDS unknown), implements 0/1
    "vws": {"kamerstuk": (1.0, 1.0), "legal": (1.0, 1.0), "organisation": (0.9, 1.0), "programme": (1.0, 1.0)},
    # second blind check (nothing changed after it was run): legal P=R=1.0, also with an empty reference
    "ocw": {"kamerstuk": (1.0, 1.0), "legal": (1.0, 1.0), "organisation": (1.0, 1.0), "programme": (0.5, 0.33)},
}

# events (gold "events", tests/gold/README.md §7): (precision, recall) floors on (line, date) and on (line, date,
# type), measured figures rounded down; the JenV report is listed too. No issue target is set for events.
EVENT_FLOORS = {
    "ienw": ((1.0, 0.75), (0.88, 0.66)),
    "szw": ((1.0, 1.0), (1.0, 1.0)),
    "fin": ((1.0, 0.77), (1.0, 0.77)),
    "vws": ((1.0, 1.0), (1.0, 1.0)),
    "ocw": ((1.0, 0.85), (0.83, 0.71)),
    "jenv": ((0.98, 0.68), (0.82, 0.57)),
}

# (a) legal instruments named in the excerpts, absent from the JenV report and from reference/*.ttl
BY_PATTERN = {
    "ienw": ["Wet bodembescherming", "Richtlijn overstromingsrisico’s", "Wet vrachtwagenheffing",
             "Wetsvoorstel vlootvernieuwing binnenvaart", "Scheepvaartverkeerswet", "Europees mobiliteitspakket",
             "Verordening infrastructuur voor alternatieve brandstoffen",
             "Wet implementatie herziene richtlijn hernieuwbare energie vervoer"],
    "szw": ["Wetsvoorstel Participatiewet in balans", "Wet implementatie EU-richtlijn toereikende minimumlonen",
            "Richtlijn toereikende minimumlonen", "Wet verduidelijking beoordeling arbeidsrelaties en rechtsvermoeden",
            "Wet toelating terbeschikkingstelling arbeidskrachten", "Wet allocatie arbeidskrachten door intermediairs",
            "Platformwerkrichtlijn", "Loontransparantierichtlijn"],
    "fin": ["Wet werkelijk rendement box 3", "Wet minimumbelasting 2024", "Richtlijn minimumbelasting",
            "Wet hersteloperatie kinderopvangtoeslag", "Implementatiewet richtlijn duurzaamheidsrapportering",
            "Corporate Sustainability Reporting Directive"],
    "vws": ["Wet integrale aanpak zorg thuis", "Wet toetreding zorgaanbieders", "Wet medische hulpmiddelen",
            "Verordening medische hulpmiddelen", "Wet elektronische gegevensuitwisseling in de zorg"],
    "ocw": ["Wetsvoorstel vrijheid van onderwijs", "Wet internationalisering in balans", "Europese mediavrijheidsverordening"],
}
# (b) legal instruments absent from the JenV report that the reference data knows and the patterns alone miss
BY_REFERENCE = {
    "ienw": [],
    "szw": ["Algemene Ouderdomswet"],
    "fin": ["Stabiliteits- en groeipact"],
    "vws": ["Tabaks- en rookwarenwet", "Europese ruimte voor gezondheidsgegevens"],
    "ocw": [],
}


def _paths(name: str) -> tuple[Path, Path]:
    return EXCERPTS / f"{name}-jaarverslag-2024-beleidsverslag.txt", GOLD / f"{name}-jaarverslag-2024-beleidsverslag.json"


@pytest.fixture(scope="module")
def reference():
    return load_reference()


@pytest.fixture(scope="module")
def extractions(reference):
    return {name: (read_report(_paths(name)[0], key=_paths(name)[0].stem),) for name in NAMES}


@pytest.fixture(scope="module")
def evaluations(reference, extractions):
    out = {}
    for name in NAMES:
        report = extractions[name][0]
        gold = _paths(name)[1]
        out[name] = (evaluate(extract(report, reference=reference), gold),
                     evaluate(extract(report, reference=Reference()), gold))
    return out


def _gold_entity(name: str, label: str) -> dict:
    import json

    gold = json.loads(_paths(name)[1].read_text(encoding="utf-8"))
    return next(e for e in gold["entities"] if e.get("label") == label)


def _in_reference(reference, entity: dict) -> bool:
    """Whether the reference data knows one of the names the text uses for the entity."""
    g = build(reference)
    refs = [r for f in entity["forms"] for r in g.names.get(compact(f), []) + g.abbreviations.get(f, [])]
    return any(kind == entity["kind"] for kind, _ in refs)


def _in_jenv(entity: dict) -> bool:
    """Whether the JenV report names the entity (a form or the label, as a word, not inside a longer word)."""
    if not JENV.exists():
        return False
    text = JENV.read_text(encoding="utf-8")
    for f in [entity["label"], *entity["forms"]]:
        flags = 0 if f.isupper() or len(f) <= 5 else re.IGNORECASE
        if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text, flags):
            return True
    return False


@pytest.mark.parametrize("name,kind", [(n, k) for n in NAMES for k in sorted(FLOORS[n])])
def test_precision_and_recall_per_kind(evaluations, name, kind):
    score = evaluations[name][0].scores[kind]
    p_floor, r_floor = FLOORS[name][kind]
    detail = f"{name} {kind}: P={score.precision:.3f} R={score.recall:.3f}; missed {score.missed}; spurious {score.spurious}"
    assert score.precision >= p_floor, detail
    assert score.recall >= r_floor, detail


@pytest.mark.parametrize("name", NAMES)
def test_implements_pairs(evaluations, name):
    score = evaluations[name][0].implements
    assert score is not None and score.precision == 1.0 and score.recall == 1.0, score


@pytest.mark.parametrize("name", NAMES)
def test_unseen_names_found_by_patterns_alone(evaluations, reference, name):
    with_ref, without_ref = evaluations[name]
    assert BY_PATTERN[name]
    for label in BY_PATTERN[name]:
        e = _gold_entity(name, label)
        assert not _in_jenv(e), f"{label} occurs in the JenV report"
        assert not _in_reference(reference, e), f"{label} is in the reference data: not a pattern test"
        assert label not in without_ref.scores["legal"].missed, f"{label} not found with an empty reference"
        assert label not in with_ref.scores["legal"].missed, f"{label} not found"


@pytest.mark.parametrize("name", NAMES)
def test_unseen_names_found_through_reference_data(evaluations, reference, name):
    with_ref, without_ref = evaluations[name]
    for label in BY_REFERENCE[name]:
        e = _gold_entity(name, label)
        assert not _in_jenv(e), f"{label} occurs in the JenV report"
        assert _in_reference(reference, e), f"{label} is not in the reference data"
        assert label not in with_ref.scores["legal"].missed, f"{label} not found with the reference"
        assert label in without_ref.scores["legal"].missed, f"{label} is found by the patterns too: move it to BY_PATTERN"


def test_reference_names_are_found_in_every_excerpt(evaluations, reference):
    """Every annotated legal instrument, organisation or programme that the reference data names is found."""
    import json

    missed = []
    for name in NAMES:
        gold = json.loads(_paths(name)[1].read_text(encoding="utf-8"))
        ev = evaluations[name][0]
        for e in gold["entities"]:
            if e["kind"] in ("legal", "organisation") and _in_reference(reference, e) and e["label"] in ev.scores[e["kind"]].missed:
                missed.append((name, e["kind"], e["label"]))
    assert not missed, missed


@pytest.mark.parametrize("name", NAMES)
def test_figures(extractions, reference, name):
    """Stated quantities (gold "figures", matched on line and value): all found, none spurious."""
    import json
    from decimal import Decimal

    report = extractions[name][0]
    ex = extract(report, reference=reference)
    gold = json.loads(_paths(name)[1].read_text(encoding="utf-8"))

    def line(pos: int) -> int:
        return report.text.count("\n", 0, pos) + 1

    got = {(line(f.start), Decimal(f.value)) for f in ex.figures}
    want = {(f["line"], Decimal(str(f["value"]))) for f in gold["figures"]}
    assert got == want, (sorted(want - got), sorted(got - want))


@pytest.mark.parametrize("name", sorted(EVENT_FLOORS))
def test_events(extractions, reference, name):
    if name == "jenv":
        if not JENV.exists():
            pytest.skip("corpus not available")
        report = read_report(JENV, key=JENV.stem)
        gold = REPO / "tests" / "gold" / "jenv-jaarverslag-2024-beleidsverslag.json"
    else:
        report, gold = extractions[name][0], _paths(name)[1]
    ev = evaluate(extract(report, reference=reference), gold, report.text)
    for score, (p_floor, r_floor) in zip((ev.events, ev.event_types), EVENT_FLOORS[name]):
        detail = f"{name} {score.kind}: P={score.precision:.3f} R={score.recall:.3f}; missed {score.missed}; spurious {score.spurious}"
        assert score.precision >= p_floor and score.recall >= r_floor, detail


# organisation-law pairs per paragraph line (the basis of laws-for-organisation): measured 0.94-1.0 / 0.91-1.0
PAIR_FLOORS = (0.90, 0.90)


@pytest.mark.parametrize("name", NAMES)
def test_organisation_law_pairs(extractions, reference, name):
    src, gold = _paths(name)
    ev = evaluate(extract(extractions[name][0], reference=reference), gold, text=src.read_text(encoding="utf-8"))
    score = ev.pairs
    assert score is not None, "the gold file has no org_law_pairs"
    detail = f"P={score.precision:.3f} R={score.recall:.3f}; missed {score.missed}; spurious {score.spurious}"
    assert score.precision >= PAIR_FLOORS[0] and score.recall >= PAIR_FLOORS[1], detail
