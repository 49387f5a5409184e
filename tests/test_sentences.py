"""Dutch sentence splitting: abbreviations, numbers, glued footnote markers, exact offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.read.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# --- abbreviations: a full stop that does not end the sentence ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Slachtoffers kunnen o.a. hun spreekrecht uitoefenen.",
        "We werkten samen met o.a. BZ, Politie en KMar.",
        "Dit staat in het Hoofdlijnenakkoord (d.d. 25 oktober 2024).",
        "De commissie onder leiding van prof. dr. mr. Bram Six adviseerde ons.",
        "De commissie onder leiding van Prof. Dr. Mr. Bram Six adviseerde ons.",
        "In de kamerbrief van 4\u00a0december jl. Gaven we aan dat er meer nodig is.",
        "Zie Kamerstukken II 2024/25, 29 911, nr. 454 voor de details.",
        "Zie nrs. 3868 en 3968 voor de details.",
        "We informeerden de Kamer t.a.v. Caribisch Nederland.",
        "We kozen i.p.v. Brussel voor Den Haag.",
        "Er kwamen ca. 35.000 aanvragen binnen.",
        "Het advies van J. de Vries volgden we.",
        "Het onderzoek van Jansen et al. Toonde dat aan.",
        "Zie art. 5 van de wet.",
        "Hierover sprak dhr. Schneiders met de korpsleiding.",
        "Dit geldt bijv. Voor de politie.",
        "De A.B.C.-regeling (z.g.a.n.) Werkt goed.",
    ],
)
def test_an_abbreviation_does_not_end_a_sentence(text):
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Dutch words that are not abbreviations end a sentence with their full stop
        ("Dat deden we al. Nu gaan we verder.", ["Dat deden we al.", "Nu gaan we verder."]),
        ("Nederland is lid. Daarom betalen we mee.", ["Nederland is lid.", "Daarom betalen we mee."]),
        ("We stuurden twee Kamerstukken. Beide zijn behandeld.", ["We stuurden twee Kamerstukken.", "Beide zijn behandeld."]),
        # before a capital these close the sentence
        ("Het kostte € 5 mln. De rest volgt.", ["Het kostte € 5 mln.", "De rest volgt."]),
        ("Denk aan fietsen, auto's enz. Daarna kwam het spoor.", ["Denk aan fietsen, auto's enz.", "Daarna kwam het spoor."]),
        # but not before a lower-case word
        ("Het kostte € 5 mln. euro meer.", ["Het kostte € 5 mln. euro meer."]),
    ],
)
def test_words_that_look_like_abbreviations(text, expected):
    assert sentences(text) == expected


# --- numbers and footnote markers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Zij kregen informatie over hulp en ondersteuning. 1.179 Personen meldden zich aan bij het Ondersteuningsteam.",
            ["Zij kregen informatie over hulp en ondersteuning.", "1.179 Personen meldden zich aan bij het Ondersteuningsteam."],
        ),
        ("Jaarlijks hebben ongeveer 35.000 kinderen hiermee te maken.", ["Jaarlijks hebben ongeveer 35.000 kinderen hiermee te maken."]),
        ("Dat waren er 1.179 Personen dus.", ["Dat waren er 1.179 Personen dus."]),
        ("De caseload is 12,8 kinderen. Dat is goed.", ["De caseload is 12,8 kinderen.", "Dat is goed."]),
        ("Dit staat in artikel 32.2. Hiermee borgen we het.", ["Dit staat in artikel 32.2.", "Hiermee borgen we het."]),
        ("Ook bouwden we EL PACCTO1 2.0 verder uit. Dat werkt.", ["Ook bouwden we EL PACCTO1 2.0 verder uit.", "Dat werkt."]),
        # a marker glued after the full stop belongs to the sentence it closes
        (
            "Er is sprake van een ‘code zwart’- situatie.5 Samen met de DJI zoeken we oplossingen.",
            ["Er is sprake van een ‘code zwart’- situatie.5", "Samen met de DJI zoeken we oplossingen."],
        ),
        ("We deelden dit met de TK6. Eind 2024 volgde meer.", ["We deelden dit met de TK6.", "Eind 2024 volgde meer."]),
        ("Het wetsvoorstel Ondermijning II2 . Dit voorstel is bedoeld.", ["Het wetsvoorstel Ondermijning II2 .", "Dit voorstel is bedoeld."]),
        # a year closing the sentence, then a marker: split after the marker
        ("Dat is meer dan in 2022.1 Rijkswaterstaat werkte door.", ["Dat is meer dan in 2022.1", "Rijkswaterstaat werkte door."]),
        # a sentence may start with a number
        ("Dat was in 2023. 35.000 mensen kwamen.", ["Dat was in 2023.", "35.000 mensen kwamen."]),
    ],
)
def test_numbers_and_markers(text, expected):
    assert sentences(text) == expected


# --- punctuation and quotes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wat nu? Dat zien we later!  Zeker.", ["Wat nu?", "Dat zien we later!", "Zeker."]),
        ("Hij zei: ‘Het is klaar.’ Daarna ging hij.", ["Hij zei: ‘Het is klaar.’", "Daarna ging hij."]),
        ("Het loket (gedeeld met beide Kamers.) Werkt.", ["Het loket (gedeeld met beide Kamers.)", "Werkt."]),
        ("Het is klaar. „Eindelijk”, zei hij.", ["Het is klaar.", "„Eindelijk”, zei hij."]),
        ("Het is klaar. “Eindelijk”, zei hij.", ["Het is klaar.", "“Eindelijk”, zei hij."]),
        ("Het is klaar. (Zie bijlage 2.)", ["Het is klaar.", "(Zie bijlage 2.)"]),
        ("Hij kwam uit Polen. Łukasz bleef. Émile ging.", ["Hij kwam uit Polen.", "Łukasz bleef.", "Émile ging."]),
        ("Het werkt.\u00a0Dat blijkt.", ["Het werkt.", "Dat blijkt."]),
        ("Het werkt. dat blijkt.", ["Het werkt. dat blijkt."]),
        ("Wacht... Nu.", ["Wacht...", "Nu."]),
        ("Zonder slotpunt", ["Zonder slotpunt"]),
    ],
)
def test_punctuation(text, expected):
    assert sentences(text) == expected


def test_offsets_are_absolute_and_trimmed():
    text = "  Eerste zin.   Tweede zin.\u00a0 "
    spans = split_sentences(text, 100)
    assert spans == [(102, 113), (116, 127)]
    assert [text[s - 100 : e - 100] for s, e in spans] == ["Eerste zin.", "Tweede zin."]


@pytest.mark.parametrize("text", ["", " ", "\u00a0\t ", "\n"])
def test_blank_text_has_no_sentences(text):
    assert split_sentences(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "." * 50_000 + " A",
        ("o.a. X " * 10_000),
        "a" * 50_000 + ". " + "B" * 10,
        ("x." + " " * 1000) * 200 + "Y",
        ("1.179 " * 10_000),
    ],
)
def test_pathological_input_finishes(text):
    # Quadratic scanning would take minutes on these; linear scanning takes milliseconds.
    spans = split_sentences(text)
    assert spans and all(s < e for s, e in spans)


# --- properties --------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "Zin", " ", ".", ". ", "o.a.", " d.d.", "prof.", "1.179", " Personen", "situatie.5", " TK6.", "?", "!",
        "’", "”", "(", ")", "\u00a0", "\t", "\n", "2024.", "3 ", "al.", "J.", " De", " de", "„", "Ł", "é", "...",
    ]
)
_TEXTS = st.one_of(st.text(), st.lists(_PIECES, max_size=40).map("".join))


@settings(max_examples=500)
@given(_TEXTS, st.integers(min_value=0, max_value=10_000))
def test_spans_partition_the_text(text, offset):
    spans = split_sentences(text, offset)
    prev_end = offset
    for s, e in spans:
        assert offset <= prev_end <= s < e <= offset + len(text)
        piece = text[s - offset : e - offset]
        assert piece == piece.strip(), "a sentence is trimmed"
        # only white space lies between sentences
        assert text[prev_end - offset : s - offset].strip() == ""
        prev_end = e
    assert text[prev_end - offset :].strip() == ""
