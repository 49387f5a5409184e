"""Programmes and other named initiatives found by pattern, typed by the head word.

A capitalised name phrase whose head ends in a programme word ("Meerjarenagenda Slachtofferbeleid
2022-2025", "Nederlandse Cybersecurity Strategie 2022-2028", "Dreigingsbeeld Terrorisme Nederland",
"Hoofdlijnenakkoord") or that follows a trigger word ("programma Cyclotron", "pilot Kosteloze
Rechtsbijstand") is a programme; the head or trigger gives its kind.
"""

from __future__ import annotations

from kg.extract.common import Candidate
from kg.extract.organisations import classify

HEADS: dict[str, str] = {
    "programma": "programme", "programme": "programme", "deelprogramma": "programme",
    "strategie": "strategy", "strategy": "strategy",
    "agenda": "agenda", "actieplan": "action-plan", "plan": "plan", "afbouwplan": "plan",
    "pilot": "pilot", "experiment": "experiment", "campagne": "campaign", "monitor": "monitor",
    "systeem": "system", "system": "system", "akkoord": "agreement", "convenant": "agreement", "agreement": "agreement",
    "rapport": "report", "rapportage": "report", "factsheet": "report", "verkenning": "report", "nota": "report",
    "trendanalyse": "report", "dreigingsbeeld": "threat-assessment", "dreigingsanalyse": "threat-assessment",
    "assessment": "threat-assessment", "assessments": "threat-assessment",
    "project": "project", "aanpak": "approach", "offensief": "approach", "visie": "vision", "fonds": "fund",
    "kader": "other-initiative", "kwaliteitskader": "other-initiative", "beleidskader": "other-initiative",
    "responsekader": "other-initiative", "scenario": "other-initiative", "overleg": "other-initiative",
    "regeling": "other-initiative",
}
# lower-case words that introduce a programme's name
TRIGGERS: dict[str, str] = {
    "programma": "programme", "deelprogramma": "programme", "pilot": "pilot", "project": "project",
    "campagne": "campaign", "strategie": "strategy", "agenda": "agenda", "actieplan": "action-plan",
    "monitor": "monitor", "systeem": "system", "experiment": "experiment", "fonds": "fund",
}


def from_phrase(words: list[str], start: int, end: int, sstart: int, label: str, trigger: str) -> Candidate | None:
    t = trigger.lower()
    if t in TRIGGERS:
        return Candidate("programme", start, end, label, TRIGGERS[t], "Programme", None, "pattern", None, None, sstart)
    hit = classify(words, HEADS)
    if hit is None:
        return None
    i, head, kind = hit
    if len(words) == 1 and words[0].lower() == head:
        return None
    return Candidate("programme", start, end, label, kind, "Programme", None, "pattern", None, None, sstart)
