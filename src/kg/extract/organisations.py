"""Organisations found by pattern: a capitalised name phrase whose head word names an organisation.

"Kwartiermakersorganisatie Vernieuwing Missiekritische Communicatie", "Landelijk Steunpunt Extremisme",
"Detentie Intelligence Unit", "Raad voor de X", "Inspectie X", "ministerie van X": the head (a word or the
end of a compound) decides the kind. Known organisations come from the reference data first; this finds
the ones it lacks.
"""

from __future__ import annotations

import re

from kg.extract.common import Candidate

# head word (end of a compound, lower case) -> organisation kind
HEADS: dict[str, str] = {
    "ministerie": "ministry", "departement": "ministry",
    "raad": "advisory-body", "adviesraad": "advisory-body", "commissie": "advisory-body", "adviescommissie": "advisory-body",
    "college": "advisory-body", "council": "advisory-body", "commission": "advisory-body",
    "inspectie": "supervisory-body", "inspecties": "supervisory-body", "autoriteit": "supervisory-body",
    "toezichthouder": "supervisory-body", "rekenkamer": "supervisory-body", "ombudsman": "supervisory-body",
    "rechtbank": "court", "hof": "court", "gerechtshof": "court", "court": "court", "tribunaal": "court",
    "kamer": "parliament", "parlement": "parliament",
    "politie": "police", "marechaussee": "police", "korps": "police", "eenheid": "police",
    "dienst": "agency", "agentschap": "agency", "loket": "agency", "bureau": "agency", "centrum": "agency",
    "centre": "agency", "center": "agency", "agency": "agency", "office": "agency", "directoraat": "agency",
    "stichting": "civil-society", "vereniging": "civil-society", "platform": "partnership", "platforms": "partnership",
    "instituut": "research-institute", "universiteit": "research-institute", "academie": "research-institute",
    "kenniscentrum": "research-institute",
    "team": "other-organisation", "unit": "other-organisation", "organisatie": "other-organisation",
    "steunpunt": "other-organisation", "coalitie": "partnership", "alliantie": "partnership",
    "samenwerkingsverband": "partnership", "taskforce": "other-organisation", "knooppunt": "partnership",
    "netwerk": "partnership", "werkgroep": "other-organisation", "kwartiermaker": "other-organisation",
    "gemeente": "local-government", "provincie": "local-government", "veiligheidsregio": "local-government",
    "waterschap": "local-government",
}
# a compound ending in one of these heads is not an organisation ("Kamerbrief" ends in "brief", fine;
# these end in a head but are not organisations)
NOT_HEADS = frozenset("tweedekamer eerstekamer".split())
_MIN_COMPOUND = 3


_SORTED: dict[int, list[str]] = {}


def _sorted_heads(hid: int, heads: dict[str, str]) -> list[str]:
    got = _SORTED.get(hid)
    if got is None:
        got = _SORTED[hid] = sorted(heads, key=len, reverse=True)
    return got


_HEAD_CACHE: dict[tuple[int, str], tuple[str, str] | None] = {}


def head_kind(word: str, heads: dict[str, str]) -> tuple[str, str] | None:
    """The head a word ends in, and its kind: 'Kwartiermakersorganisatie' -> ('organisatie', ...). Cached."""
    key = (id(heads), word)
    try:
        return _HEAD_CACHE[key]
    except KeyError:
        pass
    if len(_HEAD_CACHE) > 200_000:
        _HEAD_CACHE.clear()
    got = _HEAD_CACHE[key] = _head_kind(word, heads)
    return got


def _head_kind(word: str, heads: dict[str, str]) -> tuple[str, str] | None:
    w = word.lower().rstrip("’'s") if word.endswith(("’s", "'s")) else word.lower()
    w = w.split("-")[-1]
    if w in heads:
        return w, heads[w]
    for h in _sorted_heads(id(heads), heads):
        if w.endswith(h) and len(w) - len(h) >= _MIN_COMPOUND:
            return h, heads[h]
    return None


# coordinations join the words of one name ("Hit and Run Postteam", "Detentie & Re-integratie"): the head
# may come after them; any other connector ends the part of the name where the head is looked for
_COORDINATORS = frozenset(("en", "and", "&"))


def classify(words: list[str], heads: dict[str, str]) -> tuple[int, str, str] | None:
    """Index of the head word in a name phrase (before its first non-coordinating connector), head and kind."""
    from kg.extract.phrases import CONNECTORS

    for i, w in enumerate(words):
        lw = w.lower()
        if lw in CONNECTORS and i > 0 and lw not in _COORDINATORS:
            break
        hk = head_kind(w, heads)
        if hk:
            return i, hk[0], hk[1]
    return None


def from_phrase(words: list[str], start: int, end: int, sstart: int, label: str) -> Candidate | None:
    hit = classify(words, HEADS)
    if hit is None:
        return None
    i, head, kind = hit
    if len(words) == 1 and words[0].lower() == head and not is_compound_head(head):
        return None  # a bare "Raad", "Kamer", "Dienst": not a name (a bare "Adviescommissie" may be one)
    if any(w.lower().startswith(("europe", "eu")) for w in words[: i + 1]) and kind in ("advisory-body", "agency", "court", "supervisory-body"):
        kind = "eu-institution" if kind in ("advisory-body", "court") else "eu-agency"
    return Candidate("organisation", start, end, label, kind, "Organisation", None, "pattern", None, None, sstart)


def is_compound_head(word: str) -> bool:
    """'adviescommissie', 'monitoringscommissie': a head that is itself a compound of a shorter head."""
    w = word.lower()
    return any(w.endswith(h) and len(w) - len(h) >= _MIN_COMPOUND for h in HEADS if h != w)


def named_by_trigger(trigger: str, words: list[str]) -> bool:
    """'monitoringscommissie Schneiders', 'commissie Remkes': a lower-case body word plus a proper name is one
    name, the body word included. Only for a compound body word or a bare 'commissie', and only before a
    name that is not an acronym (that would be a known body: 'toezichthouder AP')."""
    t = trigger.lower()
    hk = head_kind(t, HEADS)
    if hk is None or hk[1] not in ("advisory-body", "other-organisation", "partnership"):
        return False
    if not (t == "commissie" or len(t) - len(hk[0]) >= _MIN_COMPOUND or is_compound_head(t)):
        return False
    return 1 <= len(words) <= 2 and all(w[:1].isupper() and w[1:].islower() for w in words)


# Establishments of the prison service and other justice institutions: "PI Vught", "JJI De Haven",
# "Justitieel Complex Zeist", "Penitentiaire Inrichting Alphen aan den Rijn". The short form is expanded in
# the label.
_INSTITUTION_TYPES = {
    "PI": "Penitentiaire Inrichting", "JJI": "Justitiële Jeugdinrichting", "JC": "Justitieel Complex",
    "FPC": "Forensisch Psychiatrisch Centrum", "PPC": "Penitentiair Psychiatrisch Centrum",
    "Penitentiaire Inrichting": "Penitentiaire Inrichting",
    "Justitiële Jeugdinrichting": "Justitiële Jeugdinrichting", "Justitieel Complex": "Justitieel Complex",
    "Detentiecentrum": "Detentiecentrum", "Forensisch Psychiatrisch Centrum": "Forensisch Psychiatrisch Centrum",
    "Penitentiair Psychiatrisch Centrum": "Penitentiair Psychiatrisch Centrum",
}
_PLACE = r"(?:(?:De|Het|Den|Ter|'t)\s)?[A-Z][\w’'-]*[a-z][\w’'-]*(?:\s(?:aan\s(?:den|de)|op\sden)\s[A-Z][\w’'-]+|\s[A-Z][a-z][\w’'-]*)*"
_INSTITUTION = re.compile(
    r"(?<![\w-])(?P<t>%s)\s(?P<p>%s)" % ("|".join(sorted(map(re.escape, _INSTITUTION_TYPES), key=len, reverse=True)), _PLACE)
)


def institutions(text: str, offset: int, sstart: int) -> list[Candidate]:
    out = []
    for m in _INSTITUTION.finditer(text):
        label = f"{_INSTITUTION_TYPES[m.group('t')]} {m.group('p')}"
        out.append(Candidate("organisation", offset + m.start(), offset + m.end(), label, "agency", "Organisation", None, "pattern", None, None, sstart))
    return out


# A named partnership written in lower case after a capitalised adjective: "de Europese coalitie tegen
# georganiseerde criminaliteit", "het Internationale netwerk van toezichthouders" (article required).
_ADJ = "Europese|Internationale|Mondiale|Nationale|Landelijke|Regionale|Nederlandse|Caribische|Trans-Atlantische|Benelux"
_LC_PARTNERSHIP = re.compile(
    r"(?<![\w-])(?:[Dd]e|[Hh]et)\s(?P<n>(?:%s)\s(?:coalitie|alliantie|samenwerkingsverband|partnerschap|netwerk)"
    r"(?:\s(?:tegen|voor|van|ter)\s(?!de\b|het\b|een\b)(?:[a-zë]{4,}e\s){0,2}(?!de\b|het\b|een\b)[a-zë]{3,}(?![\w-])))" % _ADJ
)


def lowercase_partnerships(text: str, offset: int, sstart: int) -> list[Candidate]:
    out = []
    for m in _LC_PARTNERSHIP.finditer(text):
        out.append(Candidate("organisation", offset + m.start("n"), offset + m.end("n"), m.group("n"), "partnership", "Organisation", None, "pattern", None, None, sstart))
    return out


_BOTH_CHAMBERS = re.compile(r"(?<![\w-])[Bb]eide\s+Kamers(?![\w-])")


def both_chambers(text: str, offset: int) -> list[tuple[int, int]]:
    """'beide Kamers': one mention of each chamber of the Staten-Generaal (gold README §2)."""
    return [(offset + m.start(), offset + m.end()) for m in _BOTH_CHAMBERS.finditer(text)]
