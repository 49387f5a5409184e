"""Property-based tests (hypothesis) on bad input: the reader, the whole read -> extract -> RDF path, and the
Kamerstuk citation parser. Any bytes or text is read without an exception other than InputError (exit 3),
and every offset the model carries points into the source: ``text[start:end]`` is the element's text.

The example counts are modest (the ``kg-bad-input`` profile below: 100 examples, no deadline) so CI stays
fast; ``HYPOTHESIS_PROFILE=kg-bad-input-long`` runs ten times as many.
"""

from __future__ import annotations

import functools
import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import EXIT_INPUT, InputError
from kg.extract.kamerstukken import CITATION, parse_citations
from kg.read import parse_report, read_report

from test_reader import _DOCS, _JENV_LINES, check_offsets

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile("kg-bad-input", max_examples=100, deadline=None, suppress_health_check=_SLOW)
settings.register_profile("kg-bad-input-long", max_examples=1000, deadline=None, suppress_health_check=_SLOW)
_NAME = os.environ.get("HYPOTHESIS_PROFILE", "")
PROFILE = settings.get_profile(_NAME if _NAME.startswith("kg-bad-input") else "kg-bad-input")


# --- bytes: anything a user may hand to `kg build` --------------------------------------------------------

_REPORT_TEXT = _DOCS.map(lambda t: re.sub("[\ud800-\udfff]", "?", t))
_ENCODED = st.tuples(_REPORT_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "utf-16-le",
                                                    "utf-16-be", "utf-32"])).map(
    lambda t: t[0].encode(t[1], errors="replace"))
_PREFIXES = st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"%PDF-1.4\n", b"PK\x03\x04", b"\x7fELF",
                             b"<!DOCTYPE html>", b"<html>", b"{\\rtf1", b"\x89PNG\r\n\x1a\n", b"\x00"])
_BYTES = st.one_of(
    st.binary(max_size=2000),
    _ENCODED,
    st.tuples(_PREFIXES, _ENCODED, st.binary(max_size=50)).map(lambda t: t[0] + t[1] + t[2]),
    st.tuples(_ENCODED, st.integers(0, 4000)).map(lambda t: t[0][: t[1]]),  # cut anywhere, also mid-character
)


@PROFILE
@given(_BYTES)
def test_any_bytes_are_read_or_refused_with_file_and_line(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "verslag.txt"
    path.write_bytes(data)
    try:
        r = read_report(path)
    except InputError as err:
        assert err.exit_code == EXIT_INPUT
        assert err.path == str(path) and str(err).startswith(f"{path}:")
        assert err.line is None or 1 <= err.line <= data.count(b"\n") + 1
        return
    assert r.text == data.decode("utf-8")
    check_offsets(r)


# --- text: read, extract and turn into RDF; every span points into the source --------------------------------


@functools.cache
def _reference():
    from kg.reference import load_reference

    return load_reference()


def _check_extraction(text: str) -> None:
    from kg.extract import extract
    from kg.graph import report_triples
    from kg.ntriples import ntriples

    try:
        r = parse_report(text, path="p.txt", key="p")
    except InputError:
        return
    check_offsets(r)
    e = extract(r, reference=_reference())
    t = r.text
    for m in e.mentions:
        assert 0 <= m.start < m.end <= len(t) and t[m.start : m.end] == m.surface, m
    for f in e.figures:
        assert t[f.start : f.end] == f.surface, f
    for ev in e.events:
        assert t[ev.start : ev.end] == ev.surface, ev
    footnotes = {f.number: f for f in r.footnotes}
    for c in e.citations:
        fn = footnotes[c.footnote]
        assert fn.start <= c.start < c.end <= fn.end, c
    sentence_starts = {s.start for s in r.sentences()}
    assert {m.sentence_start for m in e.mentions} <= sentence_starts
    # the graph is valid N-Triples whatever the text held (quotes, backslashes, control characters ...)
    import pyoxigraph as ox

    triples = report_triples(r, e, base="https://kg.example.org", meta={})
    assert list(ox.parse(ntriples(sorted(set(triples))).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))


_NASTY_WORDS = st.sampled_from(
    ['"', "\\", "\\u0000", "<", ">", "\x7f", "\x1b[31m", "\u2028", "\u0301", "Ministerie van Justitie en Veiligheid",
     "(DJI)", "Wet COA", "Kamerstukken II 2023/24, 30 821, nr. 249", "NIS2-richtlijn", "Richtlijn (EU) 2022/2557",
     "Wwke", "programma Samen tegen mensenhandel", "op 16 april 2024", "€ 12,8 miljoen", "1", "2", "99"])
_NASTY_DOCS = st.tuples(_REPORT_TEXT, st.lists(_NASTY_WORDS, max_size=20)).map(
    lambda t: t[0] + "\n\n" + " ".join(t[1]) + ".")


@PROFILE
@given(st.one_of(_REPORT_TEXT, _NASTY_DOCS))  # text as a file gives it: no lone surrogates
def test_any_report_text_is_extracted_with_spans_into_the_source(text):
    _check_extraction(text)


@settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 5))  # ~0.4 s each: the whole report is extracted
@given(st.data())
def test_an_edited_real_report_is_extracted_with_spans_into_the_source(data):
    lines = list(_JENV_LINES)
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["drop", "cut", "insert"]))
        if op == "drop":
            del lines[i]
        elif op == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        else:
            lines.insert(i, data.draw(_NASTY_WORDS))
        if not lines:
            return
    _check_extraction("\n".join(lines))


# --- the Kamerstuk citation parser ------------------------------------------------------------------


def _check_citations(text: str, offset: int) -> None:
    for c in parse_citations(text, offset=offset):
        span = text[c.start - offset : c.end - offset]
        assert offset <= c.start < c.end <= offset + len(text)
        assert CITATION.fullmatch(span), (span, c)  # the span is exactly one citation
        assert parse_citations(span) and c.key in {x.key for x in parse_citations(span)}
        assert c.key == f"kst-{c.dossier}-{c.number}"
        digits = c.dossier.split("-", 1)[0]
        assert digits in re.sub(r"[^0-9]", "", span)
        # the number is written in the span, or lies in a range written there ("nrs. 3 t/m 7")
        assert c.number in span or "t/m" in span or "tot en met" in span, (span, c)
        if c.session_year:
            a, b = map(int, c.session_year.split("-"))
            assert b == a + 1 and str(a) in span


_CITE_PIECES = st.sampled_from(
    ["Kamerstukken", "Kamerstuk", "Kamerst.", "Kst.", "TK", "EK", "II", "I", " ", "\u00a0", ",", "2023/24", "2019-2020",
     "1999/00", "30 821", "30821", "30.821", "36 600", "VI", "-VI", "(XVI)", "AI", "nr.", "nrs.", "nummer", "249", "3",
     "en", "&", "t/m", "tot en met", "-", "–", "vergaderjaar", "dossier", "12a", "\n", ".", "2024/25"]
)


@PROFILE
@given(st.text(max_size=300), st.integers(0, 10_000))
def test_any_text_gives_citations_whose_spans_are_citations(text, offset):
    _check_citations(text, offset)


@PROFILE
@given(st.lists(_CITE_PIECES, max_size=20).map("".join), st.integers(0, 100))
def test_citation_like_text_gives_citations_whose_spans_are_citations(text, offset):
    _check_citations(text, offset)


_SP = st.sampled_from([" ", "\u00a0", "  ", "\u202f"])


@st.composite
def _citation(draw) -> tuple[str, str]:
    """A well-formed citation in one of the written forms, and the key of its first paper."""
    sp = draw(_SP)
    a = draw(st.integers(1990, 2030))
    year = draw(st.sampled_from([f"{a}/{(a + 1) % 100:02d}", f"{a}-{a + 1}", f"vergaderjaar {a}/{(a + 1) % 100:02d}"]))
    dossier = draw(st.integers(21000, 36999))
    gap = draw(st.sampled_from([" ", "\u00a0", "\u202f", ".", ""]))  # one character at most: "30 821", "30821"
    written = f"{dossier // 1000}{gap}{dossier % 1000:03d}"
    suffix = draw(st.sampled_from(["", " VI", "-XVI", " (VII)", " A"]))
    number = draw(st.integers(1, 4999))
    more = draw(st.sampled_from(["", f" en {number + 7}", f", {number + 1} en {number + 2}", f" t/m {number + 3}"]))
    head = draw(st.sampled_from(["Kamerstukken II", "Kamerstukken I", "Kamerstuk II", "Kst."]))
    nr = "nrs." if more else draw(st.sampled_from(["nr.", "nr", "nummer"]))
    text = f"{head}{sp}{year},{sp}{written}{suffix},{sp}{nr}{sp}{number}{more}"
    bare = suffix.strip(" -()")
    return text, f"kst-{dossier}{'-' + bare if bare else ''}-{number}"


@PROFILE
@given(_citation(), st.text(max_size=40), st.sampled_from(["", ".", ";", " ", "\n"]), st.integers(0, 10_000))
def test_a_written_citation_is_found_with_its_span(cite, before, after, offset):
    written, key = cite
    before = before + " " if before else ""
    text = before + written + after
    found = parse_citations(text, offset=offset)
    assert key in [c.key for c in found], (text, found)
    _check_citations(text, offset)
    c = next(c for c in found if c.key == key)
    # the span starts at the citation's head (the text before it cannot extend it) and covers its first number
    assert c.start - offset <= len(before) + 1 and text[c.start - offset:].startswith(written[:3])
    assert str(written.split()[-1]) in text[c.start - offset : c.end - offset] or "t/m" in written


@PROFILE
@given(_citation(), st.integers(0, 80), st.sampled_from(["", "x", "5", " ", ",", "\u00a0", "-", "/"]))
def test_a_damaged_citation_never_breaks_the_parser(cite, cut, junk):
    written, _ = cite
    text = written[:cut] + junk + written[cut:]
    _check_citations(text, 3)
    _check_citations(written[:cut], 0)


@PROFILE
@given(st.lists(st.one_of(_CITE_PIECES, st.text(max_size=5)), max_size=30).map("".join))
def test_citations_inside_other_text_are_found_at_the_same_place(text):
    # a citation embedded in longer text keeps its key and its span shifts with the prefix
    alone = parse_citations(text)
    shifted = parse_citations("Zie ook: " + text, offset=0)
    if alone and not re.match(r"[A-Za-z0-9]", text):
        assert [c.key for c in alone] == [c.key for c in shifted]
        assert [c.start + 9 for c in alone] == [c.start for c in shifted]
