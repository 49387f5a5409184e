"""The Kamerstuk citation parser: the forms annual reports use, and robustness on any text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.kamerstukken import parse_citations


def keys(text):
    return [c.key for c in parse_citations(text)]


def test_plain_citation():
    (c,) = parse_citations("Kamerstukken II 2024/25, 29 911, nr. 454")
    assert (c.key, c.chamber, c.session_year, c.dossier, c.number) == ("kst-29911-454", "II", "2024-2025", "29911", "454")


def test_spacing_variants_give_one_key():
    assert keys("Kamerstukken II 2023/24, 30 821, nr. 249") == keys("Kamerstukken II 2023/24, 30821, nr. 249") == ["kst-30821-249"]
    assert keys("Kamerstukken II 2023/24, 30\u00a0821, nr. 249") == ["kst-30821-249"]


def test_several_numbers():
    assert keys("Kamerstukken II 2023/24, 22 112, nrs. 3868 en 3968.") == ["kst-22112-3868", "kst-22112-3968"]
    assert keys("Kamerstukken II 2023/24, 36 600 VI, nrs. 3, 4 en 7") == ["kst-36600-VI-3", "kst-36600-VI-4", "kst-36600-VI-7"]


def test_embedded_in_explanation_and_vergaderjaar():
    text = "Dat houdt in dat alle PI's vol zijn. Kamerstukken II, vergaderjaar 2024/25, 24587, nr. 1008."
    (c,) = parse_citations(text, offset=100)
    assert c.key == "kst-24587-1008" and c.session_year == "2024-2025"
    assert text[c.start - 100 : c.end - 100].startswith("Kamerstukken II, vergaderjaar")


def test_suffix_and_senate_letters():
    assert keys("Kamerstuk 31 444 XVI, nr. 6") == ["kst-31444-XVI-6"]
    (c,) = parse_citations("Kamerstukken I 2012/13, 33 328, AI")
    assert (c.key, c.chamber) == ("kst-33328-AI", "I")
    assert keys("Kamerstukken II 2019/20, 35 300-VI, nr. 5") == ["kst-35300-VI-5"]


def test_not_citations():
    assert keys("EL PAcCTO (Europe Latin America Programme of Assistance against Transnational Organised Crime)") == []
    assert keys("De TK nam op 16 april 2024 een motie aan.") == []
    assert keys("") == []


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_and_spans_point_into_it(text):
    for c in parse_citations(text, offset=7):
        assert 7 <= c.start < c.end <= len(text) + 7
        assert c.key.startswith("kst-")


_pieces = st.sampled_from(
    ["Kamerstukken", "Kamerstuk", "II", "I", " ", ",", "2023/24", "30 821", "30821", "nr.", "nrs.", "249", "en", "XVI", "-", "vergaderjaar", "TK"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=14).map("".join))
def test_citation_like_text(text):
    for c in parse_citations(text):
        span = text[c.start : c.end]
        assert span.lower().startswith(("kamerst", "tk", "ek", "kst"))
        assert c.number in span
