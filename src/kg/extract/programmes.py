"""Programmes and other named initiatives found by pattern, typed by the head word.

A capitalised name phrase whose head ends in a programme word ("Meerjarenagenda Slachtofferbeleid
2022-2025", "Nederlandse Cybersecurity Strategie 2022-2028", "Dreigingsbeeld Terrorisme Nederland",
"Hoofdlijnenakkoord") or that follows a trigger word ("programma Cyclotron", "pilot Kosteloze
Rechtsbijstand") is a programme; the head or trigger gives its kind.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.common import Candidate, slug
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
    "regeling": "other-initiative", "brief": "report", "kamerbrief": "report", "gelden": "fund",
    "voorziening": "programme", "registratie": "system", "basisregistratie": "system", "oefening": "other-initiative",
}
# a name that is only one of these compounds needs more words to be a name ("de Kamerbrief" is not one)
NEEDS_QUALIFIER = frozenset(("brief", "kamerbrief"))
# lower-case words that introduce a programme's name
TRIGGERS: dict[str, str] = {
    "programma": "programme", "deelprogramma": "programme", "pilot": "pilot", "project": "project",
    "campagne": "campaign", "strategie": "strategy", "agenda": "agenda", "actieplan": "action-plan",
    "monitor": "monitor", "systeem": "system", "experiment": "experiment", "fonds": "fund",
    "stelsel": "system", "oefening": "other-initiative", "regeling": "other-initiative",
}
# lower-case words right after a name that make it a programme: "een aangepast Detentie & Re-integratie proces"
POST_HEADS: dict[str, str] = {
    "programma": "programme", "proces": "approach", "traject": "approach", "aanpak": "approach",
    "project": "project", "pilot": "pilot", "systeem": "system", "plan": "plan", "experiment": "experiment",
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
    if len(words) == 1 and (head in NEEDS_QUALIFIER or words[0].lower().startswith("rijks")):
        return None  # "Kamerbrief", "Rijksgelden": a common noun ("Rijks-" is always capitalised)
    return Candidate("programme", start, end, label, kind, "Programme", None, "pattern", None, None, sstart)


def short_form(c: Candidate) -> str | None:
    """The first word of a longer programme name when that word is itself a compound ending in a head:
    'Veiligheidsstrategie' for 'Veiligheidsstrategie voor het Koninkrijk der Nederlanden 2023-2029'."""
    words = c.label.split()
    if len(words) < 2 or not words[0][:1].isupper():
        return None
    hit = classify(words[:1], HEADS)
    if hit is None or words[0].lower() == hit[1]:
        return None
    return words[0]


# --- a name continued in lower case -------------------------------------------------------------------------
# "deelprogramma Burgergerichte overheid.", "het stelsel Beveiligen van personen.", "de Contourennota
# versterking crisisbeheersing en brandweerzorg.", "de Kamerbrief weerbaarheid tegen militaire en hybride
# dreigingen.": a short capitalised start whose lower-case rest runs to the end of the clause.
_AUX = frozenset(
    "is zijn was waren wordt worden werd werden heeft hebben had hadden kan kunnen kon konden moet moeten "
    "zal zullen zou zouden gaat gaan ging gingen staat staan stond bleef blijft blijven komt kwam "
    "die dat welke waarin waarmee waarbij waardoor omdat zodat als dan maar want".split()
)
# irregular past-tense verbs common in annual reports; regular ones end in -te/-de(n) (_looks_past_tense)
_AUX |= frozenset(
    "liep liepen ging kwam kwamen bleef bleven nam namen gaf gaven sprak spraken bood boden schreef zag zagen "
    "trad traden stond vond vonden hield hielden bracht brachten dacht zocht kreeg kregen verscheen verschenen "
    "begon begonnen sloot sloten wees koos steeg stegen daalde viel vielen lag lagen".split()
)
_NOT_VERBS = frozenset("gemeente ruimte periode methode route orde vrede hoogte grootte diepte breedte lengte ronde".split())


def _looks_past_tense(w: str) -> bool:
    """'startte', 'leverde', 'zetten': a regular past-tense verb ends a clause, it does not continue a name.
    Not nouns like 'ruimte', not participle adjectives ('georganiseerde'), not '-ste' superlatives."""
    if len(w) < 5 or w in _NOT_VERBS or w.startswith("ge"):
        return False
    if w.endswith(("tte", "dde", "tten", "dden")):
        return True
    return w.endswith(("de", "te")) and w[-3] in "lrkpfgmnwd"


_ADVERBS = frozenset("niet nog ook al wel weer nu dan daar hier verder vooral alleen steeds zo".split())
_PARTICLES = frozenset("op aan af in uit mee door toe bij terug vast voor over na neer weg samen".split())
_TAIL_WORD = re.compile(r"\s+([a-zà-ÿ][\w’'/-]*)")
_CLAUSE_END = re.compile(r"\s*(?:[.;:(]|$)")
_MAX_TAIL = 6


def tail_end(text: str, end: int, limit: int, words: list[str], trigger: str, function_words: frozenset[str], before: str = "") -> int | None:
    """Where a programme name that continues in lower case ends, or None when it does not.

    Only for a name whose capitalised part is incomplete on its own: one word after a trigger ("deelprogramma
    Burgergerichte"), one compound ending in a head ("Contourennota"), or a part ending in "x/y" ("Verward/
    onbegrepen"). The lower-case rest must reach the end of the clause within six words and contain no
    auxiliary or relative word; a separable particle at the end ("... veiligheid op.") is left out.
    """
    single = len(words) == 1
    if not (single or "/" in words[-1]) or len(words) > 3:
        return None
    if len(before.split()) < 2:
        return None  # the name opens its clause ("Het programma X liep door"): what follows is the predicate
    if single and not trigger and classify(words, HEADS) is None:
        return None
    pos = end
    ends: list[tuple[int, str]] = []
    while len(ends) < _MAX_TAIL + 1:
        m = _TAIL_WORD.match(text, pos, limit)
        if not m:
            break
        w = m.group(1)
        if w in _AUX or _looks_past_tense(w):
            return None
        ends.append((m.end(1), w))
        pos = m.end(1)
    if not ends or len(ends) > _MAX_TAIL or not _CLAUSE_END.match(text, pos, limit):
        return None
    if ends[-1][1] in _PARTICLES and len(ends) > 1:
        ends.pop()
    first = ends[0][1]
    if first in function_words and not (single and trigger and first in ("van", "voor", "tegen", "met")):
        return None
    if first in _PARTICLES or first in _ADVERBS:
        return None  # "via het Mobiliteitsfonds terug naar de sector": the rest of the predicate
    if ends[-1][1] in function_words:
        return None
    return ends[-1][0]


# --- named systems that every Dutch annual report may mention -------------------------------------------------
# General reference data (public systems of the Dutch state and the EU), not read from any one report:
# (label, subkind, other names, abbreviations)
KNOWN: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("112", "system", ("alarmnummer 112",), ()),
    ("C2000", "system", (), ()),
    ("NL-Alert", "system", (), ()),
    ("Burgernet", "system", (), ()),
    ("Amber Alert", "system", (), ()),
    ("Waarschuwings- en Alarmeringssysteem", "system", (), ("WAS",)),
    ("Gemeenschappelijk Meldkamersysteem", "system", (), ("GMS",)),
    ("Basisregistratie Personen", "system", (), ("BRP",)),
    ("Basisregistratie Kadaster", "system", (), ("BRK",)),
    ("Basisvoorziening Vreemdelingen", "system", (), ("BVV",)),
    ("DigiD", "system", (), ()),
    ("MijnOverheid", "system", (), ()),
    ("eHerkenning", "system", (), ()),
    ("Schengeninformatiesysteem", "system", ("Schengen Informatiesysteem",), ("SIS", "SIS II")),
    ("Visuminformatiesysteem", "system", ("Visum Informatiesysteem",), ("VIS",)),
    ("Eurodac", "system", (), ()),
    ("Entry-Exitsysteem", "system", ("Entry/Exit System", "Entry-Exit Systeem"), ("EES",)),
    ("Europees reisinformatie- en -autorisatiesysteem", "system", (), ("ETIAS",)),
    ("Europees Strafregisterinformatiesysteem", "system", (), ("ECRIS", "ECRIS-TCN")),
)


def add_known(g) -> None:
    """Put the systems above into a gazetteer as programme entries (the reference gazetteer gets them)."""
    from kg.reference import RefEntry

    for label, sub, alts, abbrs in KNOWN:
        ref = ("programme", slug(label))
        if ref in g.entries:
            continue
        g.entries[ref] = RefEntry("programme", ref[1], "", label, "Programme", sub, abbreviations=abbrs, alt_labels=alts)
        for n in (label, *alts):
            g.add_name(n, ref)
        for a in abbrs:
            g.add_abbreviation(a, ref)


@lru_cache(maxsize=1)
def known():
    """The systems above as a gazetteer of their own."""
    from kg.extract.gazetteer import Gazetteer

    g = Gazetteer()
    add_known(g)
    return g


def plausible_number(text: str, start: int, end: int) -> bool:
    """A name that is a number ("112") only where it cannot be a quantity: not after "€" or a digit, and
    followed by a closing bracket, a hyphen (a compound: "112-meldingen") or the end of the text."""
    before = text[max(0, start - 2):start].strip()
    if before[-1:] in ("€", "$") or before[-1:].isdigit():
        return False
    after = text[end:end + 1]
    return after in (")", "-", "")
