"""The report reader: structure, footnotes and markers, boilerplate, offsets, robustness.

The real report is ../shared/corpus/jenv-jaarverslag-2024-beleidsverslag.txt; the excerpts under
tests/data/reports/ are small reports of other ministries, years and section numbers written for these tests.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import EXIT_INPUT, InputError
from kg.model import Report
from kg.read import parse_report, read_report, report_key
from kg.read.reader import slug

ROOT = Path(__file__).resolve().parents[1]
JENV = ROOT.parent / "shared" / "corpus" / "jenv-jaarverslag-2024-beleidsverslag.txt"
DATA = Path(__file__).resolve().parent / "data" / "reports"
IENW = DATA / "ienw-jaarverslag-2023-beleidsverslag.txt"  # 2.1, no part headings
LNV = DATA / "lnv-jaarverslag-2022-beleidsverslag-crlf-bom.txt"  # 4.1, parts, CRLF, BOM
VWS = DATA / "vws-jaarverslag-2024-voetnootproblemen.txt"  # 5.1, footnote problems

BLANK = "".join(c for c in map(chr, range(0x110000)) if c.isspace()) + "\ufeff\u200b\u2060"


# --- the invariant every report satisfies -----------------------------------------------------


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def check_offsets(r: Report) -> None:
    """Every element's offsets point into the source text, and the text there is the element's text."""
    t = r.text
    n_lines = t.count("\n") + 1
    assert 0 <= r.heading_start < r.heading_end <= len(t)
    heading = t[r.heading_start : r.heading_end]
    assert heading.startswith(r.number) and heading.endswith(r.title) and r.title
    last = r.heading_end
    for part in r.parts:
        if part.title:
            assert t[part.start : part.end] == part.title
            assert part.line == line_of(t, part.start)
            assert part.start >= last
            last = part.end
        else:
            assert (part.start, part.end, part.line) == (0, 0, 0)
        for sec in part.sections:
            head = t[sec.start : sec.end]
            assert head.startswith(sec.number) and head.endswith(sec.title) and sec.title
            assert sec.title == sec.title.strip(BLANK)
            assert sec.line == line_of(t, sec.start)
            assert sec.start >= last
            last = sec.end
            for sub in sec.subsections:
                assert t[sub.start : sub.end] == sub.title
                assert sub.line == line_of(t, sub.start)
    paragraphs = [p for p, *_ in r.paragraphs()]
    prev_end = r.heading_end
    all_markers = []
    for p in paragraphs:
        assert t[p.start : p.end] == p.text
        assert p.text and p.text == p.text.strip(BLANK)
        assert p.line == line_of(t, p.start)
        assert "\n" not in p.text
        assert p.start >= prev_end, "paragraphs are in document order and do not overlap"
        prev_end = p.end
        sprev = p.start
        for s in p.sentences:
            assert t[s.start : s.end] == s.text
            assert p.start <= sprev <= s.start < s.end <= p.end
            assert t[sprev : s.start].strip() == ""
            sprev = s.end
            for m in s.markers:
                assert s.start <= m.start < m.end <= s.end
                assert t[m.start : m.end] == str(m.number)
                all_markers.append(m)
        assert t[sprev : p.end].strip() == ""
    assert all_markers == sorted(all_markers, key=lambda m: m.start)
    for f in r.footnotes:
        assert t[f.start : f.end] == f.text
        assert f.line == line_of(t, f.start)
        assert f.start >= prev_end, "footnotes follow the last paragraph"
    for w in r.warnings:
        assert w.line is None or 1 <= w.line <= n_lines


def marker_sentences(r: Report) -> dict[int, str]:
    out: dict[int, str] = {}
    for s in r.sentences():
        for m in s.markers:
            assert m.number not in out, f"marker {m.number} found twice"
            out[m.number] = s.text
    return out


def codes(r: Report) -> list[tuple[str, int | None]]:
    return sorted((w.code, w.line) for w in r.warnings)


# --- the real report --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jenv() -> Report:
    return read_report(JENV)


JENV_SECTIONS = {
    "3.1.1": "Sterke rechtsstaat",
    "3.1.2": "Brede aanpak georganiseerde, ondermijnende criminaliteit",
    "3.1.3": "Preventie",
    "3.1.4": "Nationale Veiligheid",
    "3.1.5": "Politie: basis op orde, goed toegerust en klaar voor de toekomst",
    "3.1.6": "Migratie, nationaliteit en grenstoezicht",
}

JENV_SUBSECTIONS = {
    "3.1.1": [
        "Een versterkte justitiële keten",
        "Een sterke digitale rechtsstaat",
        "Betere toegang tot het recht",
        "Recht doen aan slachtoffers en slachtofferschap voorkomen",
    ],
    "3.1.2": ["Voorkomen", "Doorbreken", "Bestraffen"],
    "3.1.3": [
        "Jeugd: preventie door betere bescherming en aanpak criminaliteit",
        "Adoptie",
        "Aanpak in detentie",
        "Beter straffen",
    ],
    "3.1.4": [
        "Crisisbeheersing: naar een robuust en landelijk dekkend stelsel",
        "Cybersecurity, vitale belangen, statelijke dreigingen en economische Veiligheid",
        "Bewaken en beveiligen",
        "Radicalisering, terrorisme en gewelddadig extremisme",
    ],
    "3.1.5": [
        "Een goed toegeruste politieorganisatie",
        "Versterken politiefunctie",
        "Personen met verward en onbegrepen gedrag",
        "Meldkamerdomein",
    ],
    "3.1.6": [
        "Reguliere migratie, grenzen en nationaliteit",
        "Instroom, doorstroom, opvang, uitstroom en vertrek",
        "Vertrek / terugkeer",
        "Opvang ontheemden uit Oekraïne",
        "Een robuuste keten en financiën",
    ],
}


def test_jenv_report_heading_and_identity(jenv):
    data = JENV.read_bytes()
    assert (jenv.number, jenv.title) == ("3.1", "Beleidsverslag")
    assert jenv.text[jenv.heading_start : jenv.heading_end] == "3.1 Beleidsverslag"
    assert jenv.key == "jenv-jaarverslag-2024-beleidsverslag" == report_key(JENV)
    assert jenv.sha256 == hashlib.sha256(data).hexdigest()
    assert jenv.text == data.decode("utf-8")
    assert jenv.path == str(JENV)


def test_jenv_parts(jenv):
    assert [p.title for p in jenv.parts] == ["Justitie en Veiligheid", "Asiel en Migratie"]
    assert [[s.number for s in p.sections] for p in jenv.parts] == [
        ["3.1.1", "3.1.2", "3.1.3", "3.1.4", "3.1.5"],
        ["3.1.6"],
    ]
    assert [p.line for p in jenv.parts] == [9, 153]


def test_jenv_sections(jenv):
    assert {s.number: s.title for s in jenv.sections()} == JENV_SECTIONS
    s316 = jenv.sections()[-1]
    heading = jenv.text[s316.start : s316.end]
    # the number, a run of non-breaking and ordinary spaces, the title; the trailing spaces are not part of it
    assert heading == "3.1.6\u00a0\u00a0 Migratie, nationaliteit en grenstoezicht"
    line = jenv.text.splitlines()[s316.line - 1]
    assert line != line.rstrip() and line.rstrip(BLANK) == heading


def test_jenv_subsections(jenv):
    assert {s.number: [u.title for u in s.subsections] for s in jenv.sections()} == JENV_SUBSECTIONS


def test_jenv_paragraph_counts(jenv):
    assert len(jenv.intro) == 2
    assert jenv.intro[0].text.startswith("Twintigvierentwintig was allerminst een rustig jaar.")
    assert jenv.intro[1].text.startswith("Tegen deze achtergrond beschrijven we hier")
    assert len(jenv.paragraphs()) == 68
    direct = {s.number: len(s.paragraphs) for s in jenv.sections()}
    assert direct == {"3.1.1": 0, "3.1.2": 1, "3.1.3": 0, "3.1.4": 1, "3.1.5": 0, "3.1.6": 2}
    sub = {u.title: len(u.paragraphs) for s in jenv.sections() for u in s.subsections}
    assert sub["Betere toegang tot het recht"] == 4
    assert sub["Cybersecurity, vitale belangen, statelijke dreigingen en economische Veiligheid"] == 6
    assert sub["Bestraffen"] == 1


def test_jenv_footnotes(jenv):
    assert [f.number for f in jenv.footnotes] == list(range(1, 13))
    by = {f.number: f for f in jenv.footnotes}
    assert by[1].text == "EL PAcCTO (Europe Latin America Programme of Assistance against Transnational Organised Crime)"
    assert by[2].text == "Kamerstukken II 2024/25, 29 911, nr. 454"
    assert by[5].text.startswith("Dat houdt in dat alle penitentiaire inrichtingen (PI’s) vol zijn")
    assert by[11].text == "Kamerstukken II 2023/24, 22\u00a0112, nrs. 3868 en 3968."
    assert by[12].text == "Kamerstukken II 2023/24, 30 821, nr. 241"
    assert by[12].line == 251


# marker number -> the word or punctuation it is glued to, as it appears in its sentence
JENV_MARKERS = {
    1: "PACCTO1",
    2: "Ondermijning II2",
    3: "stelsel3",
    4: "hierover4",
    5: "situatie.5",
    6: "TK6",
    7: "mitigeren7",
    8: "dreigingen8",
    9: "Kamer9",
    10: "kabinet10",
    11: "(Wwke)11",
    12: "(OBI)12",
}


def test_jenv_markers_resolve_to_their_sentences(jenv):
    found = marker_sentences(jenv)
    assert sorted(found) == list(range(1, 13))
    for n, glued in JENV_MARKERS.items():
        assert glued in found[n], (n, found[n])
    for s in jenv.sentences():
        for m in s.markers:
            # the digits sit right after the word they are glued to
            assert jenv.text[m.end - len(JENV_MARKERS[m.number]) : m.end] == JENV_MARKERS[m.number]
    assert found[1] == "Ook bouwden we EL PACCTO1 2.0 verder uit."
    assert found[2] == "Een mijlpaal is het wetsvoorstel Ondermijning II2 ."
    assert found[5].endswith("‘code zwart’- situatie.5")


def test_jenv_markers_sit_in_their_sections(jenv):
    where = {}
    for p, part, sec, sub in jenv.paragraphs():
        for s in p.sentences:
            for m in s.markers:
                where[m.number] = sec.number
    assert where == {
        1: "3.1.2", 2: "3.1.2", 3: "3.1.3", 4: "3.1.3", 5: "3.1.3", 6: "3.1.4",
        7: "3.1.4", 8: "3.1.4", 9: "3.1.4", 10: "3.1.4", 11: "3.1.4", 12: "3.1.4",
    }  # fmt: skip


def test_jenv_has_no_warnings(jenv):
    assert jenv.warnings == ()


def test_jenv_acronyms_and_numbers_are_not_markers(jenv):
    positions = {m.start for s in jenv.sentences() for m in s.markers}
    t = jenv.text
    for needle in ["KCR2", "Kabinet-Rutte IV", "35.000", "12,8", "1.179", "32.2", "2.0", "C2000", "NIS2", "2022-2025"]:
        starts = [m.start() for m in re.finditer(re.escape(needle), t)]
        assert starts, needle
        for st_ in starts:
            assert not any(st_ <= p < st_ + len(needle) for p in positions), needle
    # numbers inside footnotes and headings are never markers either
    assert all(p < jenv.footnotes[0].start for p in positions)


def test_jenv_boilerplate_is_left_out(jenv):
    lines = jenv.text.splitlines()
    assert lines[0] == "Base description which applies to whole site"
    assert lines[-1] == "Licence"
    for p, *_ in jenv.paragraphs():
        assert "Base description" not in p.text and p.text != "Licence"
    assert all("Licence" not in f.text for f in jenv.footnotes)
    first = [p for p, *_ in jenv.paragraphs()][0]
    assert first.line == 5


def test_jenv_sentences(jenv):
    sents = [s.text for s in jenv.sentences()]
    assert len(sents) == 360
    assert all(s.endswith((".", ".5")) or re.search(r"\d$", s) for s in sents)
    assert not [s for s in sents if s[:1].islower()]
    i = sents.index("1.179 Personen meldden zich aan bij het Ondersteuningsteam.")
    assert sents[i - 1].endswith("hulp en ondersteuning.")
    assert sents[i + 1] == "Hiervan zijn 380 personen nog in ondersteuning."
    # abbreviations keep a sentence whole
    assert (
        "‘Toegang tot het recht’ houdt in dat mensen toegang hebben tot 1) informatie, 2) advies en ondersteuning"
        " (o.a. rechtshulp en -bijstand) en 3) de mogelijkheid van een beslissing door een neutrale instantie."
    ) in sents
    assert any(s.startswith("Voor meer inzicht") and "is prof. dr. mr. Bram Sizoo aangesteld" in s for s in sents)
    assert any("Hoofdlijnenakkoord (d.d. 25\u00a0oktober 2024) startten we" in s for s in sents)
    assert "In de kamerbrief van 4\u00a0december jl. Gaven we aan dat er sprake is van een ‘code zwart’- situatie.5" in sents
    assert "De extra middelen voor het Juridisch Loket zijn toegevoegd aan artikel 32.2." in sents
    assert sum(s.count("o.a.") for s in sents) == jenv.text.count("o.a.") - sum(f.text.count("o.a.") for f in jenv.footnotes)
    assert not any(s.endswith("o.a.") for s in sents)


def test_jenv_offsets(jenv):
    check_offsets(jenv)
    # the non-breaking spaces and curly quotes are kept: offsets count characters of the decoded file
    assert "\u00a0" in jenv.sections()[0].title or "\u00a0" in jenv.text[jenv.sections()[0].start : jenv.sections()[0].end]
    assert any("’" in s.text for s in jenv.sentences())


# --- other reports of the same structure -------------------------------------------------------


def test_ienw_2_1_without_part_headings():
    r = read_report(IENW)
    check_offsets(r)
    assert (r.number, r.title, r.key) == ("2.1", "Beleidsverslag", "ienw-jaarverslag-2023-beleidsverslag")
    assert r.warnings == ()
    assert len(r.parts) == 1 and r.parts[0].title == ""
    assert {s.number: s.title for s in r.sections()} == {
        "2.1.1": "Bereikbaarheid",
        "2.1.2": "Water en klimaat",
        "2.1.3": "Luchtvaart",
    }
    assert {s.number: [u.title for u in s.subsections] for s in r.sections()} == {
        "2.1.1": ["Wegen en vaarwegen", "Wat hebben we bereikt?"],
        "2.1.2": ["‘Ruimte voor de Rivier’"],
        "2.1.3": [],
    }
    assert [len(s.paragraphs) for s in r.sections()] == [1, 1, 1]
    assert len(r.intro) == 1 and len(r.intro[0].sentences) == 3
    assert [f.number for f in r.footnotes] == [1, 2, 3, 4, 5]
    assert r.footnotes[3].text == "Unie van Waterschappen"


def test_ienw_markers_and_non_markers():
    r = read_report(IENW)
    found = marker_sentences(r)
    assert found == {
        1: "Dat is meer dan in 2022.1",  # a year closing the sentence, then the marker
        2: "Met het programma ‘Vervanging en Renovatie’2 herstelden we 35.000 meter oever.",
        3: "Het advies ging naar de Kamer3.",
        4: "We werkten nauw samen met de waterschappen (UvW)4.",
        5: "Dit is vastgelegd in de Luchtvaartnota5.",
    }
    # m2 and CO2 come where marker 2 is expected, the A4 and 2x4 where marker 4 is: none is a marker
    positions = {m.start for s in r.sentences() for m in s.markers}
    for needle in ["m2", "CO2", "A4", "2x4", "N33", "RES2", "3,2", "1.450", "452.500"]:
        i = r.text.index(needle)
        assert not any(i <= p < i + len(needle) for p in positions), needle


def test_ienw_sentences():
    r = read_report(IENW)
    sents = [s.text for s in r.sentences()]
    assert "12.500 Automobilisten per dag profiteren daarvan." in sents
    assert "Prof. dr. ir. J. de Vries leidde de commissie die d.d. 12\u00a0maart adviseerde over de N33." in sents
    assert "De eindevaluatie is op 5\u00a0juni jl. aan de Kamer gestuurd." in sents
    assert "Rijkswaterstaat werkte aan 1.450 objecten en legde 120.000 m2 stil asfalt aan." in sents
    assert "Het Kabinet-Rutte IV nam in 2023 een besluit over Schiphol." in sents
    assert len(sents) == 22


def test_lnv_4_1_with_parts_crlf_and_bom():
    data = LNV.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
    r = read_report(LNV)
    check_offsets(r)
    assert r.text[0] == "\ufeff"
    assert (r.number, r.title) == ("4.1", "Beleidsverslag")
    assert r.text[r.heading_start : r.heading_end] == "4.1 Beleidsverslag"
    assert r.warnings == ()
    assert [p.title for p in r.parts] == ["Landbouw en Visserij", "Natuur en Stikstof"]
    assert [[(s.number, s.title) for s in p.sections] for p in r.parts] == [
        [("4.1.1", "Kringlooplandbouw"), ("4.1.2", "Visserij")],
        [("4.1.3", "Natuur")],
    ]
    assert [[u.title for u in s.subsections] for s in r.sections()] == [["Mest en stikstof"], [], []]
    assert len(r.intro) == 1
    assert [f.number for f in r.footnotes] == [1, 2, 3]
    assert r.footnotes[2].text == "Zie artikel 1.1 van de Wet natuurbescherming."
    # nothing carries the carriage return
    texts = [p.text for p, *_ in r.paragraphs()] + [s.text for s in r.sentences()] + [f.text for f in r.footnotes]
    texts += [p.title for p in r.parts] + [s.title for s in r.sections()] + [u.title for s in r.sections() for u in s.subsections]
    assert not any("\r" in t or "\ufeff" in t for t in texts)
    assert marker_sentences(r) == {
        1: "Het Omschakelprogramma1 hielp 1.200 bedrijven.",
        2: "Het 7e Actieprogramma Nitraatrichtlijn2 trad in werking.",
        3: "Zo werken we aan een “gunstige staat van instandhouding”3.",
    }
    assert "Ook gaven we t.a.v. het mestbeleid duidelijkheid (zie de Kamerbrief d.d. 4\u00a0juli)." in [s.text for s in r.sentences()]
    # read_report and parse_report agree, and the line numbers count CRLF lines
    again = parse_report(data.decode("utf-8"), path=str(LNV), key=r.key, sha256=r.sha256)
    assert again == r
    assert r.parts[1].line == 21 and r.footnotes[0].line == 29


def test_vws_footnote_problems_are_warnings():
    r = read_report(VWS)
    check_offsets(r)
    assert r.number == "5.1"
    # the truncated list: footnote 3 has a number and no text; the footnotes before it are still read
    assert [f.number for f in r.footnotes] == [1, 2]
    assert codes(r) == [
        ("footnote-truncated", 23),
        ("footnote-without-marker", 21),
        ("marker-gap", 9),
        ("marker-without-footnote", 9),
        ("marker-without-footnote", 9),
    ]
    msgs = {w.code: w.message for w in r.warnings}
    assert "footnote 3" in msgs["footnote-truncated"]
    assert "footnote 2 " in msgs["footnote-without-marker"]
    assert {w.message for w in r.warnings if w.code == "marker-without-footnote"} == {
        "footnote marker 3 has no footnote",
        "footnote marker 4 has no footnote",
    }
    # the markers are not dropped: each is resolved to its sentence
    found = marker_sentences(r)
    assert sorted(found) == [1, 3, 4]
    assert found[3] == "Ook maakten we afspraken met de zorgverzekeraars3."
    assert found[4].endswith("(Wlz)4.")
    assert r.sections()[0].subsections[0].title == "Houdbare zorg"


# --- the format's variations, as small texts ----------------------------------------------------


def test_report_heading_directly_after_a_bom():
    r = parse_report("\ufeff2.1 Beleidsverslag\n\n2.1.1 Werk\n\nTekst over werk.\n")
    check_offsets(r)
    assert r.text[r.heading_start : r.heading_end] == "2.1 Beleidsverslag" and r.heading_start == 1
    assert r.warnings == ()


def test_text_before_the_heading_is_reported():
    r = parse_report("Rijksfinanciën — jaarverslag\n\nBase description which applies to whole site\n\n3.1 Beleidsverslag\n\n3.1.1 A\n\nTekst.\n")
    assert codes(r) == [("text-before-heading", 1)]


def test_blank_lines_may_hold_invisible_characters():
    # a web capture may leave a non-breaking, ideographic or zero-width space on a "blank" line
    text = "3.1 Beleidsverslag\n\u00a0\nDeel een\n\u3000\n3.1.1 Sectie\n\u200b\nKop\n \nTekst met een marker1.\n\u2003\n1\n\ufeff\nBron.\n"
    r = parse_report(text)
    check_offsets(r)
    assert [p.title for p in r.parts] == ["Deel een"]
    assert [u.title for u in r.sections()[0].subsections] == ["Kop"]
    assert [f.text for f in r.footnotes] == ["Bron."]
    assert marker_sentences(r) == {1: "Tekst met een marker1."}
    assert r.warnings == ()


def test_a_number_with_a_thousands_separator_is_not_a_section():
    r = parse_report("3.1 Beleidsverslag\n\n3.1.1 Politie\n\n2.000 Nieuwe agenten in 2024\n\nDat is goed.\n")
    assert [s.number for s in r.sections()] == ["3.1.1"]


def test_sections_of_another_chapter_are_reported():
    r = parse_report("3.1 Beleidsverslag\n\n3.1.1 A\n\nTekst.\n\n3.2 Bedrijfsvoering\n\nTekst.\n\n4.1.1 B\n\nTekst.\n")
    assert [s.number for s in r.sections()] == ["3.1.1", "3.2", "4.1.1"]
    assert codes(r) == [("heading-level", 7), ("heading-level", 11)]


def test_a_report_without_sections_is_read_as_its_introduction():
    r = parse_report("2.1 Beleidsverslag\n\nEen alinea.\n\nNog een alinea.\n")
    assert [p.text for p in r.intro] == ["Een alinea.", "Nog een alinea."]
    assert r.parts == ()
    assert codes(r) == [("no-sections", None)]


def test_footnote_numbering_problems():
    text = "3.1 B\n\n3.1.1 A\n\nEen zin1. Nog een zin2. En nog een3.\n\n1\n\nEen.\n\n3\n\nDrie.\n\n3\n\nNog eens drie.\n"
    r = parse_report(text)
    check_offsets(r)
    assert [f.text for f in r.footnotes] == ["Een.", "Drie."]
    assert codes(r) == [("footnote-duplicate", 17), ("footnote-numbering", 13), ("footnote-numbering", 17), ("marker-without-footnote", 5)]


def test_a_footnote_without_text_inside_the_list():
    text = "3.1 B\n\n3.1.1 A\n\nEen zin1. Nog een zin2. En nog een3.\n\n1\n\nEen.\n\n2\n\n3\n\nDrie.\n"
    r = parse_report(text)
    assert [f.number for f in r.footnotes] == [1, 3]
    assert ("footnote-truncated", 11) in codes(r)
    assert ("marker-without-footnote", 5) in codes(r)
    assert sorted(marker_sentences(r)) == [1, 2, 3]


def test_many_number_lines_at_the_end():
    # once a RecursionError: each bare number line at the end was handled by a recursive call
    text = "3.1 B\n\n3.1.1 A\n\nTekst.\n\n" + "\n\n".join(str(i % 999 + 1) for i in range(3000)) + "\n"
    r = parse_report(text)
    assert r.footnotes == ()
    assert len([w for w in r.warnings if w.code == "footnote-truncated"]) == 3000


@pytest.mark.parametrize(
    ("sentence", "markers"),
    [
        ("Het aantal steeg tot 35.000 mensen.", []),
        ("De caseload is 12,8 kinderen.", []),
        ("Zie artikel 5:1 van de Awb.", []),
        ("Zie artikel 32.2 van de regeling.", []),
        ("Het kabinet-Rutte IV besloot.", []),
        ("Het systeem C2000 werkt.", []),
        ("De NIS2-richtlijn geldt.", []),
        ("De NIS2 richtlijn geldt.", [2]),  # glued to an acronym, where marker 2 is due: read as a marker
        ("De NIS3 richtlijn geldt.", []),  # ... but not when there is no footnote 3
        ("In 2024.1 Dat was het.", []),  # a year and marker 1 while marker 1 is not due
        ("Het ging om de G2 landen.", []),
        ("Zie voetnoot07 hier.", []),
        ("Het kostte TK٣ veel.", []),  # not an ASCII digit
    ],
)
def test_what_is_not_a_marker(sentence, markers):
    # one marker 1 first, so that marker 2 is due
    r = parse_report(f"3.1 B\n\n3.1.1 A\n\nEerste zin1. {sentence}\n\n1\n\nEen.\n\n2\n\nTwee.\n")
    check_offsets(r)
    found = [m.number for s in r.sentences() for m in s.markers]
    assert found == [1, *markers]


def test_a_recurring_acronym_is_not_a_marker():
    r = parse_report("3.1 B\n\n3.1.1 A\n\nHet KCR1 werkt. Het KCR1 is nieuw. Dat staat vast1.\n\n1\n\nEen.\n")
    assert marker_sentences(r) == {1: "Dat staat vast1."}


def test_a_year_closing_a_sentence_then_the_marker():
    r = parse_report("4.1 B\n\n4.1.1 A\n\nDe wet geldt sinds 1 januari 2024.1 Daarna volgde meer.\n\n1\n\nStb. 2023, 12\n")
    assert marker_sentences(r) == {1: "De wet geldt sinds 1 januari 2024.1"}
    assert r.warnings == ()


def test_markers_after_a_gap_past_a_truncated_list():
    r = parse_report("3.1 B\n\n3.1.1 A\n\nEen1. Twee3. Drie4.\n\n1\n\nEen.\n")
    assert sorted(marker_sentences(r)) == [1, 3, 4]
    assert codes(r) == [("marker-gap", 5), ("marker-without-footnote", 5), ("marker-without-footnote", 5)]


def test_a_heading_that_is_a_question_or_starts_with_a_quote():
    r = parse_report("3.1 B\n\n3.1.1 A\n\nWat wilden we bereiken?\n\nTekst.\n\n“Samen sterk”\n\nTekst.\n")
    assert [u.title for u in r.sections()[0].subsections] == ["Wat wilden we bereiken?", "“Samen sterk”"]


def test_parse_report_with_lone_surrogates():
    r = parse_report("3.1 B\n\n3.1.1 A\n\nTekst \ud800 hier.\n")
    check_offsets(r)


def test_pathological_paragraphs_finish():
    # quadratic scanning would take minutes on these; linear scanning takes a moment
    for body in ["a" * 200_000 + "1.", "a1 " * 50_000, "." * 100_000, "Ab" * 100_000 + "3 x"]:
        check_offsets(parse_report(f"3.1 B\n\n3.1.1 A\n\n{body}\n"))


def test_report_key_and_slug():
    assert report_key("/x/y/JenV Jaarverslag 2024 (Beleidsverslag).txt") == "jenv-jaarverslag-2024-beleidsverslag"
    assert slug("Oekraïne  en België") == "oekraine-en-belgie"
    assert slug("***") == "x"


def test_read_report_key_option():
    assert read_report(IENW, key="ienw-2023").key == "ienw-2023"


# --- unreadable input: InputError with the file and the line ------------------------------------


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_report(path)
    err = info.value
    assert err.exit_code == EXIT_INPUT
    assert err.path == str(path)
    return err


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n\xc2\xa0\r\n"])
def test_empty_file(tmp_path, content):
    p = tmp_path / "leeg.txt"
    p.write_bytes(content)
    err = _error(p)
    assert str(err).startswith(f"{p}:1: ")
    assert "empty" in str(err)


def test_binary_file(tmp_path):
    p = tmp_path / "plaatje.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))
    err = _error(p)
    assert str(err).startswith(f"{p}:3:1: ")
    assert "binary" in str(err)


def test_latin1_file(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("3.1 Beleidsverslag\n\nDenk aan Oekraïne en Gaza.\n".encode("latin-1"))
    err = _error(p)
    # line 3, column 15: the 'ï', counted in characters
    assert str(err).startswith(f"{p}:3:15: ")
    assert "UTF-8" in str(err) and "iconv" in str(err)


def test_latin1_column_counts_characters(tmp_path):
    p = tmp_path / "mixed.txt"
    p.write_bytes("3.1 Beleidsverslag\n\nOekraïne en Belgi".encode() + "ë".encode("latin-1") + b"\n")
    assert str(_error(p)).startswith(f"{p}:3:18: ")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_file(tmp_path, encoding):
    p = tmp_path / "utf16.txt"
    p.write_bytes("3.1 Beleidsverslag\n\n3.1.1 Sterke rechtsstaat\n\nTekst.\n".encode(encoding))
    err = _error(p)
    assert str(err).startswith(f"{p}:1:1: ")
    assert "UTF-16" in str(err) or "UTF-32" in str(err)


@pytest.mark.parametrize(
    "page",
    [
        "<!DOCTYPE html>\n<html><head><title>Jaarverslag</title></head>\n<body>\n3.1 Beleidsverslag\n</body></html>\n",
        "\ufeff<html lang='nl'>\n<body><h1>3.1 Beleidsverslag</h1></body></html>",
        "<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'><body>3.1 Beleidsverslag</body></html>",
        "\n\n  <body>\n<p>Tekst</p>\n</body>",
    ],
)
def test_html_page(tmp_path, page):
    p = tmp_path / "pagina.html"
    p.write_text(page, encoding="utf-8")
    err = _error(p)
    assert str(err).startswith(f"{p}:1: ")
    assert "HTML" in str(err)


def test_no_headings(tmp_path):
    p = tmp_path / "brief.txt"
    p.write_text("\n\nGeachte voorzitter,\n\nHierbij stuur ik u het verslag.\n", encoding="utf-8")
    err = _error(p)
    assert str(err).startswith(f"{p}:3: ")
    assert "3.1 Beleidsverslag" in str(err)


def test_missing_file_and_directory(tmp_path):
    assert "no such file" in str(_error(tmp_path / "weg.txt"))
    assert "directory" in str(_error(tmp_path))


def test_unreadable_path(tmp_path):
    assert "cannot read" in str(_error(tmp_path / ("x" * 300 + ".txt")))
    loop = tmp_path / "lus.txt"
    loop.symlink_to(loop)
    _error(loop)


# --- properties: any text reads into a consistent report, or is refused with InputError ----------


def _parse_or_refuse(text: str) -> None:
    try:
        r = parse_report(text, path="p.txt")
    except InputError as err:
        assert str(err).startswith("p.txt:"), str(err)
        assert err.line is None or err.line >= 1
        return
    assert r.text is text or r.text == text
    check_offsets(r)


_LINES = st.sampled_from(
    [
        "Base description which applies to whole site", "Licence", "3.1 Beleidsverslag", "2.1 Beleidsverslag",
        "3.1.1\u00a0\u00a0 Sterke rechtsstaat", "3.1.2 Preventie\u00a0 \u00a0", "4.1.1 Natuur", "3.2 Bedrijfsvoering",
        "Justitie en Veiligheid", "Wat hebben we bereikt?", "‘Toegang tot het recht’", "1", "2", "3", "12", "2024",
        "Kamerstukken II 2024/25, 29 911, nr. 454", "Een mijlpaal is het wetsvoorstel Ondermijning II2 . Dit is o.a. goed.",
        "Er is sprake van een ‘code zwart’- situatie.5 Samen pakken we dit aan.", "Het KCR2 en de TK1 en de TK3.",
        "Jaarlijks 35.000 kinderen. 1.179 Personen meldden zich.", "In 2024.4 Daarna (Wwke)11.", "2.000 Nieuwe agenten",
        "", " ", "\u00a0", "\ufeff", "\u200b", "\t", "<html>", "\x00", "\ud800", "\r",
    ]
)  # fmt: skip
_DOCS = st.tuples(
    st.lists(st.one_of(_LINES, st.text(max_size=30)), max_size=40),
    st.sampled_from(["\n", "\r\n", "\n\n", "\r\n\r\n"]),
).map(lambda t: t[1].join(t[0]))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_reads_or_is_refused(text):
    _parse_or_refuse(text)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCS)
def test_report_like_text_reads_or_is_refused(text):
    _parse_or_refuse(text)


_JENV_LINES = JENV.read_text(encoding="utf-8").split("\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_an_edited_real_report_reads_or_is_refused(data):
    # drop, repeat, swap and cut lines of the real report: the reader never breaks its own invariants
    lines = list(_JENV_LINES)
    for _ in range(data.draw(st.integers(0, 8))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["drop", "repeat", "swap", "cut", "crlf", "nbsp"]))
        if op == "drop":
            del lines[i]
        elif op == "repeat":
            lines.insert(i, lines[i])
        elif op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif op == "cut":
            j = data.draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:j]
        elif op == "crlf":
            lines[i] += "\r"
        elif op == "nbsp":
            lines[i] = "\u00a0" + lines[i] + " \u00a0"
        if not lines:
            break
    _parse_or_refuse("\n".join(lines))


def test_the_reader_knows_every_white_space_character():
    from kg.read import reader

    assert set(reader._WHITESPACE) == {c for c in map(chr, range(0x110000)) if c.isspace()}


def test_too_large_a_file_or_pipe(tmp_path, monkeypatch):
    import os
    import threading

    from kg.read import reader

    monkeypatch.setattr(reader, "MAX_BYTES", 1000)
    big = tmp_path / "groot.txt"
    big.write_bytes(b"3.1 Beleidsverslag\n\n" + b"x" * 2000)
    assert "MB" in str(_error(big))

    def through_a_pipe(payload: bytes) -> Path:
        fifo = tmp_path / f"pijp{len(payload)}"
        os.mkfifo(fifo)

        def feed():
            with open(fifo, "wb") as f:
                f.write(payload)

        threading.Thread(target=feed, daemon=True).start()
        return fifo

    assert "MB" in str(_error(through_a_pipe(b"3.1 Beleidsverslag\n\n" + b"x" * 2000)))
    r = read_report(through_a_pipe("3.1 Beleidsverslag\n\n3.1.1 Werk\n\nTekst.\n".encode()))
    assert [s.number for s in r.sections()] == ["3.1.1"]


# --- round trip: a generated report of the documented structure reads back as generated ----------

_WORDS = st.sampled_from(
    "we de het een van en in op met voor aan rechtsstaat politie opvang gemeenten kinderen o.a. d.d. nr. "
    "35.000 12,8 2024 (TK) ‘code’ stelsel€ jl. 22\u00a0112 Oekraïne prof. dr. mr. C2000".split() + ["KCR2 en KCR2"]
)
_CAPITALS = st.sampled_from("De Het In We Ook Eind Sinds Samen Dat Nederland Justitie Oekraïne Ł".split())
_TITLE = st.lists(st.sampled_from("Sterke rechtsstaat Preventie Nationale Veiligheid en migratie Opvang".split()), min_size=1, max_size=5).map(
    lambda ws: " ".join([ws[0].capitalize(), *ws[1:]])
)


@st.composite
def _sentence(draw, marker: list[int]):
    words = [draw(_CAPITALS), *draw(st.lists(_WORDS, max_size=8)), draw(st.sampled_from(["woorden", "beleid", "(Wwke)"]))]
    n = None
    if draw(st.booleans()):
        marker[0] += 1
        n = marker[0]
        # glued to the last word or to the full stop
        if draw(st.booleans()):
            return " ".join(words) + f"{n}.", n
        return " ".join(words) + f".{n}", n
    return " ".join(words) + draw(st.sampled_from([".", "?", "!"])), n


@st.composite
def _paragraph(draw, marker: list[int]):
    sentences = [draw(_sentence(marker)) for _ in range(draw(st.integers(1, 4)))]
    # a short line ending in a question mark is a heading ("Wat hebben we bereikt?"); a paragraph does not
    last, n = sentences[-1]
    if last.endswith("?"):
        sentences[-1] = (last[:-1] + ".", n)
    return sentences


@st.composite
def _document(draw):
    marker = [0]
    number = draw(st.sampled_from(["2.1", "3.1", "4.1", "5.2", "12.1"]))
    with_parts = draw(st.booleans())
    intro = [draw(_paragraph(marker)) for _ in range(draw(st.integers(0, 2)))]
    parts = []
    k = 0
    for _ in range(draw(st.integers(1, 3)) if with_parts else 1):
        sections = []
        for _ in range(draw(st.integers(1, 3))):
            k += 1
            direct = [draw(_paragraph(marker)) for _ in range(draw(st.integers(0, 2)))]
            subs = [
                (draw(_TITLE), [draw(_paragraph(marker)) for _ in range(draw(st.integers(1, 3)))])
                for _ in range(draw(st.integers(0, 3)))
            ]
            sections.append((f"{number}.{k}", draw(_TITLE), direct, subs))
        parts.append((draw(_TITLE) if with_parts else "", sections))
    layout = {
        "eol": draw(st.sampled_from(["\n", "\r\n"])),
        "bom": draw(st.booleans()),
        "boilerplate": draw(st.booleans()),
        "gap": draw(st.sampled_from([" ", "\u00a0\u00a0 ", "\u00a0 \u00a0", "\t"])),
        "trail": draw(st.sampled_from(["", " ", "\u00a0\u00a0\u00a0\u00a0"])),
    }
    return number, intro, parts, marker[0], layout


def _render(doc) -> str:
    number, intro, parts, n_markers, lay = doc
    blocks = ["Base description which applies to whole site"] if lay["boilerplate"] else []
    blocks.append(f"{number} Beleidsverslag")
    para = lambda p: " ".join(s for s, _ in p)  # noqa: E731
    blocks += [para(p) for p in intro]
    for title, sections in parts:
        if title:
            blocks.append(title)
        for num, stitle, direct, subs in sections:
            blocks.append(f"{num}{lay['gap']}{stitle}{lay['trail']}")
            blocks += [para(p) for p in direct]
            for utitle, paras in subs:
                blocks.append(utitle)
                blocks += [para(p) for p in paras]
    for n in range(1, n_markers + 1):
        blocks += [str(n), f"Kamerstukken II 2024/25, 29 911, nr. {n}"]
    if lay["boilerplate"]:
        blocks.append("Licence")
    eol = lay["eol"]
    return ("\ufeff" if lay["bom"] else "") + (eol + eol).join(blocks) + eol


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_document())
def test_a_generated_report_reads_back(doc):
    number, intro, parts, n_markers, _ = doc
    r = parse_report(_render(doc))
    check_offsets(r)
    assert r.warnings == ()
    assert (r.number, r.title) == (number, "Beleidsverslag")

    def paras(ps):
        return [[(s, n) for s, n in p] for p in ps]

    def got(ps):
        return [[(s.text, s.markers[0].number if s.markers else None) for s in p.sentences] for p in ps]

    assert got(r.intro) == paras(intro)
    assert [p.title for p in r.parts] == [t for t, _ in parts]
    for part, (_, sections) in zip(r.parts, parts, strict=True):
        assert [(s.number, s.title) for s in part.sections] == [(n, t) for n, t, _, _ in sections]
        for sec, (_, _, direct, subs) in zip(part.sections, sections, strict=True):
            assert got(sec.paragraphs) == paras(direct)
            assert [u.title for u in sec.subsections] == [t for t, _ in subs]
            for sub, (_, ps) in zip(sec.subsections, subs, strict=True):
                assert got(sub.paragraphs) == paras(ps)
    assert [f.number for f in r.footnotes] == list(range(1, n_markers + 1))
    assert all(len(s.markers) <= 1 for s in r.sentences())
