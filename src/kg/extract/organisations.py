"""Organisations found by pattern: a capitalised name phrase whose head word names an organisation.

"Kwartiermakersorganisatie Vernieuwing Missiekritische Communicatie", "Landelijk Steunpunt Extremisme",
"Detentie Intelligence Unit", "Raad voor de X", "Inspectie X", "ministerie van X": the head (a word or the
end of a compound) decides the kind. Known organisations come from the reference data first; this finds
the ones it lacks.
"""

from __future__ import annotations

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
    "samenwerkingsverband": "partnership", "taskforce": "other-organisation",
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


def head_kind(word: str, heads: dict[str, str]) -> tuple[str, str] | None:
    """The head a word ends in, and its kind: 'Kwartiermakersorganisatie' -> ('organisatie', ...)."""
    w = word.lower().rstrip("’'s") if word.endswith(("’s", "'s")) else word.lower()
    w = w.split("-")[-1]
    if w in heads:
        return w, heads[w]
    for h in _sorted_heads(id(heads), heads):
        if w.endswith(h) and len(w) - len(h) >= _MIN_COMPOUND:
            return h, heads[h]
    return None


def classify(words: list[str], heads: dict[str, str]) -> tuple[int, str, str] | None:
    """Index of the head word in a name phrase (before its first connector), head and kind."""
    from kg.extract.phrases import CONNECTORS

    for i, w in enumerate(words):
        if w.lower() in CONNECTORS and i > 0:
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
    if len(words) == 1 and words[0].lower() == head:
        return None  # a bare "Raad", "Kamer", "Dienst": not a name
    if any(w.lower().startswith(("europe", "eu")) for w in words[: i + 1]) and kind in ("advisory-body", "agency", "court", "supervisory-body"):
        kind = "eu-institution" if kind in ("advisory-body", "court") else "eu-agency"
    return Candidate("organisation", start, end, label, kind, "Organisation", None, "pattern", None, None, sstart)
