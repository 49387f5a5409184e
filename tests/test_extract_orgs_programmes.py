"""The organisation and programme patterns on made-up sentences (not the corpus report): each test names the
rule it checks, and fails when that rule is removed."""

from __future__ import annotations

import pytest

from kg.extract import extract, gazetteer, resolve
from kg.extract.common import Candidate
from kg.read.reader import parse_report
from kg.reference import RefEntry, load_reference


def _run(body: str) -> dict[str, set[tuple[str, str]]]:
    """kind -> {(surface, label)} for a one-paragraph report."""
    report = parse_report(f"3.1 Beleidsverslag\n\n{body}\n", key="test-2024")
    ex = extract(report, reference=load_reference())
    out: dict[str, set[tuple[str, str]]] = {}
    for m in ex.mentions:
        out.setdefault(m.kind, set()).add((m.surface, ex.entities[(m.kind, m.key)].label))
    return out


def _labels(body: str, kind: str) -> set[str]:
    return {label for _, label in _run(body).get(kind, set())}


# --- organisations ------------------------------------------------------------------------------------------


def test_prison_establishments_by_pattern_with_expanded_label():
    got = _labels("Een afdeling in PI Alphen aan den Rijn ging open, net als JJI Den Hey-Acker en JC Schiphol.", "organisation")
    assert {"Penitentiaire Inrichting Alphen aan den Rijn", "Justitiële Jeugdinrichting Den Hey-Acker",
            "Justitieel Complex Schiphol"} <= got


def test_beide_kamers_names_both_chambers():
    got = _run("We stuurden de brief in mei naar beide Kamers.")["organisation"]
    assert ("beide Kamers", "Tweede Kamer der Staten-Generaal") in got
    assert ("Kamers", "Eerste Kamer der Staten-Generaal") in got  # its own span: mentions are keyed by span


def test_bare_kabinet_and_regering_are_not_entities():
    assert not _labels("In mei besloot het kabinet dat de regering een plan maakt.", "organisation")


def test_named_cabinet_is_found():
    assert "Kabinet-Schoof" in _labels("In juli trad het Kabinet Schoof aan.", "organisation")


def test_foreign_states_are_capitalised_and_uninflected():
    got = _labels("We werkten samen met Peru en Vietnam, niet met chili of Japanse bedrijven of Japans beleid.", "organisation")
    assert {"Peru", "Vietnam"} <= got
    assert "Chili" not in got and "Japan" not in got


def test_known_name_followed_by_coordination_is_cut():
    got = _labels("We namen de aanbevelingen over van de Algemene Rekenkamer en Inspecties.", "organisation")
    assert "Algemene Rekenkamer" in got
    assert not any("Inspecties" in g for g in got)


def test_two_coordinated_names_are_split():
    got = _labels("Het advies kwam van het LBIO en Inspectie Woningmarkt.", "organisation")
    assert "Inspectie Woningmarkt" in got
    assert not any(" en " in g for g in got)


def test_coordination_inside_an_english_name():
    assert "Search and Rescue Team" in _labels("Sinds mei is een Search and Rescue Team actief.", "organisation")


def test_body_word_plus_proper_name():
    assert "Commissie Remkes" in _labels("In juli bracht de commissie Remkes haar advies uit.", "organisation")
    assert "Adviescommissie Van Dam" in _labels("In juli bracht de adviescommissie Van Dam advies uit.", "organisation")


def test_bare_compound_head_with_article_but_not_a_bare_head():
    assert "Adviescommissie" in _labels("En de nieuwe onafhankelijke Adviescommissie startte.", "organisation")
    assert "Raad" not in _labels("Hierna nam de Raad maatregelen.", "organisation")


def test_lower_case_partnership_after_capitalised_adjective():
    got = _labels("De Internationale alliantie tegen mensenhandel kwam bijeen.", "organisation")
    assert "Internationale alliantie tegen mensenhandel" in got


def test_known_body_made_into_a_title_is_a_programme():
    body = "Rechtspraak voor Allen was een speerpunt van de korpsleiding."
    assert "Rechtspraak voor Allen" in _labels(body, "programme")
    assert "Rechtspraak voor Allen" not in _labels(body, "organisation")


def test_comma_inside_a_reference_name():
    got = _run("We spraken met het ministerie van Onderwijs, Cultuur en Wetenschap.")["organisation"]
    assert ("ministerie van Onderwijs, Cultuur en Wetenschap", "Ministerie van Onderwijs, Cultuur en Wetenschap") in got


# --- programmes ---------------------------------------------------------------------------------------------


def test_name_continued_in_lower_case_after_trigger():
    assert "Digitale overheid" in _labels("Dit plan is het sluitstuk van het deelprogramma Digitale overheid.", "programme")


def test_lower_case_continuation_stops_at_a_description():
    got = _labels("We verlengden de pilot Gratis Advies voor ouders die een procedure hebben.", "programme")
    assert got == {"Gratis Advies"}


def test_kamerbrief_needs_its_title():
    assert "Kamerbrief aanpak van ondermijning en corruptie" in _labels(
        "We stuurden de TK de Kamerbrief aanpak van ondermijning en corruptie.", "programme")
    assert not _labels("In de Kamerbrief van 4 mei staat dat.", "programme")


def test_separable_particle_is_left_out():
    got = _labels("In juli leverde de commissie de Parlementaire Verkenning Wonen/zorg gedrag en veiligheid op.", "programme")
    assert "Parlementaire Verkenning Wonen/zorg gedrag en veiligheid" in got


def test_subject_of_an_experiment():
    assert "Buurtrechter" in _labels("We bereidden een experiment met de Buurtrechter voor.", "programme")


def test_lower_case_head_after_the_name():
    assert "Opvang & Begeleiding" in _labels("Dit jaar ontwierpen we een aangepast Opvang & Begeleiding proces.", "programme")


def test_abbreviation_then_head_after_the_bracket():
    got = _run("De Nederlandse Slimme Grens Controle (SGC)-pilot is afgerond.")["programme"]
    assert ("Slimme Grens Controle (SGC)-pilot", "Slimme Grens Controle-pilot") in got


def test_known_systems_and_numbers():
    assert "112" in _labels("We borgden de continuïteit van meldkamervoorzieningen (zoals 112).", "programme")
    assert "112" not in _labels("Er kwamen 112 meldingen binnen, samen € 112 miljoen.", "programme")
    assert {"C2000", "NL-Alert"} <= _labels("We verbeterden C2000 en stuurden NL-Alerts uit.", "programme")


def test_reversed_abbreviation_definition():
    got = _run("Het project ELEP (Europe Latin Exchange Programme) liep door. Daarna groeide ELEP verder.")["programme"]
    assert ("ELEP", "Europe Latin Exchange Programme") in got


def test_inflected_lower_case_is_not_a_learned_name():
    got = _run("Het programma Toekomstbestendig liep door. Dat is een toekomstbestendige aanpak.")["programme"]
    assert {s for s, _ in got} == {"Toekomstbestendig"}


def test_short_form_of_a_long_programme_name():
    got = _run("We publiceerden de Veiligheidsagenda voor het Waddengebied 2024-2028. De Veiligheidsagenda werkt.")["programme"]
    assert ("Veiligheidsagenda", "Veiligheidsagenda voor het Waddengebied 2024-2028") in got


def test_swallowed_connector_is_cut_from_the_label():
    got = _labels("We deelden de Landelijke Agenda Waterveiligheid met de TK.", "programme")
    assert got == {"Landelijke Agenda Waterveiligheid"}


# --- building blocks ----------------------------------------------------------------------------------------


def _c(kind: str, start: int, end: int, source: str = "pattern") -> Candidate:
    return Candidate(kind, start, end, "x", "x", "X", None, source)


def test_choose_longest_within_a_kind_and_no_nesting_across_kinds():
    kept = resolve.choose([
        _c("organisation", 0, 10), _c("organisation", 5, 12), _c("organisation", 20, 30),
        _c("legal", 22, 25),  # inside an organisation: dropped
        _c("legal", 28, 40),  # overlaps another kind without nesting: kept
        _c("programme", 5, 12, "reference"),  # overlaps an organisation without nesting: kept
    ])
    assert [(c.kind, c.start, c.end) for c in kept] == [
        ("organisation", 0, 10), ("programme", 5, 12), ("organisation", 20, 30), ("legal", 28, 40)]


def test_choose_prefers_the_reference_at_equal_length():
    kept = resolve.choose([_c("organisation", 0, 10), _c("organisation", 0, 10, "reference")])
    assert [c.source for c in kept] == ["reference"]


def test_scan_prefers_a_longer_match_starting_inside_a_shorter_one():
    g = gazetteer.Gazetteer()
    for key, name in (("a", "het kabinet"), ("b", "Kabinet Schoof")):
        ref = ("organisation", key)
        g.entries[ref] = RefEntry("organisation", key, "", name, "Organisation", "government")
        g.add_name(name, ref)
    got = gazetteer.scan(g, "Toen trad het Kabinet Schoof aan.", 0, 0)
    assert [(c.key, c.start, c.end) for c in got] == [("b", 14, 28)]


@pytest.mark.parametrize("name", ["Kabinet", "Regering"])
def test_generic_words_are_no_reference_names(name):
    g = gazetteer.build(load_reference())
    assert not [r for r in g.names.get(name.lower(), []) if r[0] == "organisation"]


def test_lower_case_continuation_not_into_a_particle():
    got = _labels("De opbrengst vloeit via het Wegenfonds terug naar de provincies.", "programme")
    assert got == {"Wegenfonds"}


def test_coordination_split_looks_past_the_article():
    got = _labels("We publiceerden de Uitvoeringsnota 2025 en de Beleidsnota 2024.", "programme")
    assert {"Uitvoeringsnota 2025", "Beleidsnota 2024"} <= got
    assert not any(" en " in g for g in got)
