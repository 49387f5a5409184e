"""Read an annual-report text capture into the document model.

The format (see ../shared/corpus/README.md): page boilerplate, a numbered report heading ("3.1
Beleidsverslag"), part headings, numbered section headings, unnumbered subheadings and one-line
paragraphs separated by blank lines, then the footnotes as (number line, blank, text line) pairs and a
closing boilerplate line. Nothing here depends on one report's particulars.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.model import Footnote, Marker, Paragraph, Part, Report, Section, Sentence, Subsection, Warning_
from kg.read.sentences import split_sentences

# A report section is ~50 KB and a whole annual report well under 1 MB of text. Reading, extraction and the
# triples of a report are held in memory, and they grow with its size (a synthetic 4 MB report: 140 s and
# 1 GB peak in one worker), so larger files are refused before they are read (docs/security.md).
MAX_BYTES = 4_000_000

# Leading bytes of file types people mistake for a report text, to name them in the message.
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx, .xlsx or .odt document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc, .xls)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program (ELF)"),
)

# Lines of site chrome that captures of rijksfinancien.nl-style pages carry; matched case-insensitively.
BOILERPLATE = frozenset(
    s.casefold()
    for s in (
        "Base description which applies to whole site",
        "Licence",
        "License",
        "Licentie",
        "Print",
        "Delen",
        "Share",
    )
)

# What counts as blank around a line's text: all Unicode white space (non-breaking, figure, ideographic
# spaces ...) and the invisible characters a web capture leaves behind (BOM, zero-width space, word joiner).
_INVISIBLE = "\ufeff\u200b\u2060"
_WHITESPACE = (  # every character for which str.isspace() is true (a test checks)
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_BLANK = _WHITESPACE + _INVISIBLE
_SPACE = rf"[\s{_INVISIBLE}]"
# "3.1", "3.1.6", "2.1." or "4."; components of at most two digits, so "1.179" or "2.000" (a number with a
# thousands separator at the start of a line) is not a heading number.
_NUMBERED = re.compile(rf"^([0-9]{{1,2}}(?:\.[0-9]{{1,2}})+\.?|[0-9]{{1,2}}\.?)(?:{_SPACE})+(\S.*?)(?:{_SPACE})*$")
_FOOTNOTE_NUMBER = re.compile(r"^([0-9]{1,3})$")
# A footnote marker candidate: 1-3 ASCII digits (no leading zero) glued to a letter, a closing bracket or
# quote or punctuation, followed by white space, punctuation or the end of the line. Whether it is a marker
# is decided in _MarkerState.scan (a number such as 35.000 or 12,8 is not; an acronym such as KCR2 is not).
_MARKER = re.compile(r"(?<=[^\W\d_]|[.,;:)\]’”'\"])(?<![0-9])([1-9][0-9]{0,2})(?=[\s.,;:)\]’”'\"!?]|$)")
_MARKER_AFTER = frozenset(".,;:)]’”'\"")
_HEADING_MAX_CHARS = 160
# A heading has no closing full stop (or other closing punctuation, but a question is a heading: "Wat hebben
# we bereikt?"). A footnote marker glued after the punctuation does not hide it: "... situatie.5" is a
# paragraph's end, while "Versie 2.0" is a title.
_HEADING_END = re.compile(r"(?:[.!;:,]|(?<![0-9])[.!?;:,][’”\"')\]]*[0-9]{1,3})\s*$")
_OPENING = "‘“„'\"(["


def report_key(path: str | Path) -> str:
    """The report's stable key: a slug of the file's stem."""
    return slug(Path(path).stem)


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "x"


@dataclass(frozen=True, slots=True)
class _Line:
    number: int  # 1-based
    start: int
    end: int  # without the line break (and a trailing \r)
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip(_BLANK)

    def trimmed_span(self) -> tuple[int, int]:
        """The span of ``stripped`` in the source text."""
        s, e = self.start, self.end
        t = self.text
        lead = len(t) - len(t.lstrip(_BLANK))
        trail = len(t) - len(t.rstrip(_BLANK)) if lead < len(t) else 0
        return s + lead, e - trail


def _file_kind(data: bytes) -> str | None:
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 strictly; a clear message with line and column otherwise."""
    kind = _file_kind(data)
    if kind is not None and kind.startswith("an RTF"):
        raise InputError(f"this is {kind}, not a plain text capture of a report", path=path, line=1, column=1,
                         hint="save the report as plain text (UTF-8)")
    utf16 = None if kind else _utf16_kind(data)
    if utf16:
        raise InputError(
            f"the file is {utf16} encoded; kg reads UTF-8 text",
            path=path,
            line=1,
            column=1,
            hint=f"convert it first, e.g. iconv -f {utf16} -t UTF-8 {path} > report.txt",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        what = f"{kind}, a binary file" if kind else "a binary file"
        raise InputError(
            f"this is {what}, not a report text (it contains NUL bytes)",
            path=path,
            line=line,
            column=nul - (data.rfind(b"\n", 0, nul) + 1) + 1,
            hint="give the report's plain text (UTF-8)",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        if kind is not None:
            raise InputError(f"this is {kind}, not a report text", path=path, line=1, column=1,
                             hint="give the report's plain text (UTF-8)") from None
        line = data.count(b"\n", 0, err.start) + 1
        line_start = data.rfind(b"\n", 0, err.start) + 1
        # the column in characters: what precedes the bad byte on its line is valid UTF-8
        col = len(data[line_start : err.start].decode("utf-8")) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[err.start]:02x}); is it Latin-1 or Windows-1252?",
            path=path,
            line=line,
            column=col,
            hint=f"convert it first, e.g. iconv -f LATIN1 -t UTF-8 {path} > report.txt",
        ) from None


def _utf16_kind(data: bytes) -> str | None:
    """"UTF-16" or "UTF-32" when the bytes look like that (a byte-order mark, or NULs in every other byte)."""
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "UTF-32"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    head = data[:4096]
    if len(head) >= 4:
        # UTF-16 of Latin text: NULs in every other byte, and (almost) none in the others; a binary file
        # has NULs on both sides
        even, odd = head[0::2].count(0) / len(head[0::2]), head[1::2].count(0) / len(head[1::2])
        if max(even, odd) > 0.4 and min(even, odd) < 0.05:
            return "UTF-16"
    return None


def read_report(path: str | Path, *, key: str | None = None) -> Report:
    """Read a report file. Raises InputError (exit 3) for what cannot be read as a report."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise InputError("is a directory, not a report file", path=str(p))
        if size > MAX_BYTES:
            raise InputError(
                f"the file is {_size(size)}; kg reads reports of at most {_size(MAX_BYTES)} "
                "(a whole annual report is under 1 MB of text)",
                path=str(p),
                hint="is this the report's text? split a larger text into one file per report",
            )
        with p.open("rb") as f:  # capped: a pipe or a device has no size to check beforehand
            data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InputError(
                f"more than {_size(MAX_BYTES)}; kg reads reports of at most {_size(MAX_BYTES)}",
                path=str(p),
                hint="is this the report's text? split a larger text into one file per report",
            )
    except FileNotFoundError:
        raise InputError("no such file", path=str(p)) from None
    except PermissionError:
        raise InputError("permission denied", path=str(p)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a report file", path=str(p)) from None
    except OSError as err:  # a name too long, a symlink loop, an I/O error ...
        raise InputError(f"cannot read the file: {err.strerror or err}", path=str(p)) from None
    text = decode(data, str(p))
    return parse_report(text, path=str(p), key=key or report_key(p), sha256=hashlib.sha256(data).hexdigest())


def _size(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e6 else f"{n / 1e6:.3f} MB"


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for n, raw in enumerate(text.split("\n"), start=1):
        end = pos + len(raw)
        body_end = end - 1 if raw.endswith("\r") else end
        out.append(_Line(n, pos, body_end, text[pos:body_end]))
        pos = end + 1
    return out


def _looks_like_html(text: str) -> bool:
    head = text[:4096].lstrip(_BLANK).lower()
    return (
        head.startswith(("<!doctype html", "<html"))
        or (head.startswith("<?xml") and "<html" in head)
        or ("<body" in head and "</" in head)
    )


def parse_report(text: str, *, path: str = "<text>", key: str = "report", sha256: str | None = None) -> Report:
    """Parse a report's text. Usable-but-odd input gives warnings; unusable input raises InputError."""
    if sha256 is None:
        # surrogatepass: a str may hold lone surrogates (a file read by read_report never does)
        sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    warnings: list[Warning_] = []
    if not text.strip(_BLANK):
        raise InputError("the file is empty (it holds no text)", path=path, line=1,
                         hint="is it the right file? a report text starts with a heading such as '3.1 Beleidsverslag'")
    if _looks_like_html(text):
        raise InputError(
            "this is an HTML page, not a text capture of a report",
            path=path,
            line=1,
            hint="save the page as plain text (the report's text only)",
        )
    lines = _lines(text)
    content = [ln for ln in lines if ln.stripped]

    # 1. The report heading: the first numbered heading line. Lines before it are page chrome.
    head_idx = next((i for i, ln in enumerate(content) if _is_numbered_heading(ln)), None)
    if head_idx is None:
        raise InputError(
            "no numbered heading such as '3.1 Beleidsverslag' was found; is this an annual report section?",
            path=path,
            line=content[0].number,
            hint="a report starts with a numbered heading line, e.g. '3.1 Beleidsverslag'",
        )
    for ln in content[:head_idx]:
        if ln.stripped.casefold() not in BOILERPLATE:
            warnings.append(Warning_("text-before-heading", f"text before the report heading is left out: {ln.stripped[:60]!r}", ln.number))
    heading = content[head_idx]
    m = _NUMBERED.match(heading.stripped)
    assert m is not None
    report_number, report_title = m.group(1).rstrip("."), m.group(2)
    hs, he = heading.trimmed_span()
    body = content[head_idx + 1 :]

    # 2. Trailing boilerplate, then the footnote block at the end.
    while body and body[-1].stripped.casefold() in BOILERPLATE:
        body = body[:-1]
    body, footnotes, fn_warnings = _split_footnotes(body)
    warnings.extend(fn_warnings)

    # 3. Classify the remaining lines into parts, sections, subsections and paragraphs.
    intro, parts = _structure(body, report_number, warnings)
    numbers = {f.number for f in footnotes}

    # 4. Paragraph sentences and footnote markers (markers in document order, numbered 1, 2, 3 ...).
    state = _MarkerState(numbers, _glued_tokens(text))
    def build_para(ln: _Line) -> Paragraph:
        s, e = ln.trimmed_span()
        ptext = text[s:e]
        markers = state.scan(ptext, s, ln.number, warnings)
        sents = []
        for ss, se in split_sentences(ptext, s):
            sents.append(Sentence(ss, se, text[ss:se], tuple(mk for mk in markers if ss <= mk.start < se)))
        return Paragraph(s, e, ptext, ln.number, tuple(sents))

    intro_paras = tuple(build_para(ln) for ln in intro)
    built_parts = []
    for ptitle, pline, sections in parts:
        built_sections = []
        for sline, snum, stitle, sparas, subs in sections:
            direct = tuple(build_para(x) for x in sparas)  # before the subsections: document order
            built_subs = tuple(
                Subsection(ubline.stripped, *ubline.trimmed_span(), ubline.number, tuple(build_para(x) for x in uparas))
                for ubline, uparas in subs
            )
            ss, se = sline.trimmed_span()
            built_sections.append(
                Section(snum, stitle, ss, se, sline.number, direct, built_subs)
            )
        if pline is None:
            built_parts.append(Part("", 0, 0, 0, tuple(built_sections)))
        else:
            ps, pe = pline.trimmed_span()
            built_parts.append(Part(ptitle, ps, pe, pline.number, tuple(built_sections)))
    used = state.used
    for f in footnotes:
        if f.number not in used:
            warnings.append(Warning_("footnote-without-marker", f"footnote {f.number} is not referred to by any marker in the text", f.line))
    return Report(
        key=key,
        path=path,
        text=text,
        sha256=sha256,
        number=report_number,
        title=report_title,
        heading_start=hs,
        heading_end=he,
        intro=intro_paras,
        parts=tuple(built_parts),
        footnotes=tuple(footnotes),
        warnings=tuple(warnings),
    )


def _is_numbered_heading(ln: _Line) -> bool:
    s = ln.stripped
    if len(s) > _HEADING_MAX_CHARS or _HEADING_END.search(s):
        return False
    m = _NUMBERED.match(s)
    # "2024 was een jaar" is not a heading: a numbered heading needs a dotted number ("3.1") or "3." / "3"
    # followed by a capitalised title.
    return bool(m) and ("." in m.group(1)) and m.group(2)[:1].isupper()


def _is_heading(ln: _Line) -> bool:
    """An unnumbered heading: a short line without closing punctuation that starts with a capital."""
    s = ln.stripped
    if len(s) > _HEADING_MAX_CHARS or _HEADING_END.search(s) or len(s.split()) > 16:
        return False
    first = s.lstrip(_OPENING)  # "‘Toegang tot het recht’"
    return first[:1].isupper()


def _split_footnotes(body: list[_Line]) -> tuple[list[_Line], list[Footnote], list[Warning_]]:
    """Take the footnote block, (number line, text line) pairs, off the end of the body.

    A number line without its text (at the very end: a truncated list; before another number line: a
    footnote that lost its text) is reported and skipped; the footnotes before it are still read.
    """
    found: list[Footnote] = []
    missing: list[_Line] = []
    text_line: _Line | None = None  # the text line after the number line being looked for
    i = len(body)
    while i > 0:
        ln = body[i - 1]
        if _FOOTNOTE_NUMBER.match(ln.stripped):
            if text_line is None:
                missing.append(ln)
            else:
                s, e = text_line.trimmed_span()
                found.append(Footnote(int(ln.stripped), text_line.stripped, s, e, text_line.number))
            text_line = None
            i -= 1
        elif text_line is None and i >= 2 and _FOOTNOTE_NUMBER.match(body[i - 2].stripped):
            text_line = ln
            i -= 1
        else:
            break
    found.reverse()
    missing.reverse()
    warnings: list[Warning_] = []
    last = body[-1] if body else None
    for ln in missing:
        if ln is last:
            msg = f"footnote {ln.stripped} has no text (truncated footnote list?)"
        else:
            msg = f"footnote {ln.stripped} has no text; it is left out"
        warnings.append(Warning_("footnote-truncated", msg, ln.number))
    expected = 1
    for f in found:
        if f.number != expected:
            warnings.append(Warning_("footnote-numbering", f"footnote {f.number} follows footnote {expected - 1}; numbers should run 1, 2, 3 ...", f.line))
        expected = f.number + 1
    seen: set[int] = set()
    footnotes = []
    for f in found:
        if f.number in seen:
            warnings.append(Warning_("footnote-duplicate", f"footnote number {f.number} occurs twice; the second is left out", f.line))
            continue
        seen.add(f.number)
        footnotes.append(f)
    return body[:i], footnotes, warnings


def _structure(body: list[_Line], report_number: str, warnings: list[Warning_]):
    """Group lines into (intro paragraphs, parts[(title, line, sections[(line, number, title, paras, subs)])])."""
    intro: list[_Line] = []
    parts: list[list] = []  # [title, line, sections]
    cur_part: list | None = None
    cur_sec: list | None = None
    cur_sub: list | None = None
    depth = report_number.count(".") + 1
    for i, ln in enumerate(body):
        nxt = body[i + 1] if i + 1 < len(body) else None
        if _is_numbered_heading(ln):
            m = _NUMBERED.match(ln.stripped)
            assert m
            num = m.group(1).rstrip(".")
            if num.count(".") + 1 <= depth or not num.startswith(report_number + "."):
                warnings.append(Warning_("heading-level", f"heading {num!r} is not below the report heading {report_number!r}", ln.number))
            if cur_part is None:
                cur_part = ["", None, []]
                parts.append(cur_part)
            cur_sec = [ln, num, m.group(2), [], []]
            cur_part[2].append(cur_sec)
            cur_sub = None
        elif _is_heading(ln) and nxt is not None and _is_numbered_heading(nxt):
            cur_part = [ln.stripped, ln, []]
            parts.append(cur_part)
            cur_sec = cur_sub = None
        elif _is_heading(ln) and nxt is not None and not _is_numbered_heading(nxt):
            if cur_sec is None:
                # a subheading before any section: treat as paragraph text of the introduction
                warnings.append(Warning_("heading-outside-section", f"subheading outside a numbered section: {ln.stripped[:60]!r}", ln.number))
                intro.append(ln)
                continue
            cur_sub = [ln, []]
            cur_sec[4].append(cur_sub)
        else:
            if cur_sub is not None:
                cur_sub[1].append(ln)
            elif cur_sec is not None:
                cur_sec[3].append(ln)
            else:
                intro.append(ln)
    if not parts:
        warnings.append(Warning_("no-sections", "the report has no numbered sections; all text is read as its introduction", None))
    out_parts = []
    for title, line, sections in parts:
        out_parts.append((title, line, [(s[0], s[1], s[2], s[3], [(u[0], u[1]) for u in s[4]]) for s in sections]))
    return intro, out_parts


_LETTER = re.compile(r"[^\W\d_]")
# Letters+digits that are names, units or formulas, never a word with a footnote marker (case-folded).
_NOT_MARKERS = frozenset(
    t.casefold()
    for t in "CO2 NO2 SO2 CH4 NH3 N2O H2 O2 O3 PM2 PM10 m2 m3 km2 cm2 cm3 dm2 dm3 mm2 mm3".split()
)
_GLUED = re.compile(r"(?<![^\W\d_])([^\W\d_]+)([0-9]{1,3})(?!\w)")


def _glued_tokens(text: str) -> dict[str, int]:
    """How often each letters+digits token occurs: a token seen twice ("KCR2") is a name, not a marker."""
    counts: dict[str, int] = {}
    for m in _GLUED.finditer(text):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    return counts


def _word_before(text: str, end: int) -> str:
    """The run of letters that ends at ``end`` (scanning back: linear, unlike a ``$``-anchored search)."""
    k = end
    while k > 0 and _LETTER.match(text[k - 1]):
        k -= 1
    return text[k:end]


def _after_year(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes a year: "in 2024.5 Daarna" carries marker 5."""
    k = dot
    while k > 0 and "0" <= text[k - 1] <= "9":
        k -= 1
    if dot - k != 4 or text[k : k + 2] not in ("19", "20"):
        return False
    return k == 0 or text[k - 1] not in ".,"


class _MarkerState:
    """Finds footnote markers in document order: marker n is expected after marker n-1."""

    def __init__(self, numbers: set[int], tokens: dict[str, int]) -> None:
        self.numbers = numbers
        self.tokens = tokens
        self.expected = 1
        self.used: set[int] = set()
        self.highest = max(numbers, default=0)

    def scan(self, ptext: str, offset: int, line: int, warnings: list[Warning_]) -> list[Marker]:
        found = []
        for m in _MARKER.finditer(ptext):
            start, end = m.span(1)
            n = int(m.group(1))
            prev = ptext[start - 1]
            word = ""
            if prev in _MARKER_AFTER:
                if start >= 2 and "0" <= ptext[start - 2] <= "9":
                    # after a digit and punctuation it is a number: 35.000, 12,8, 5:1, artikel 32.2 ...
                    # ... unless it is the expected marker after a year that closes a sentence: "in 2024.5 Nu"
                    closes = end == len(ptext) or ptext[end].isspace()
                    if not (prev == "." and n == self.expected and closes and _after_year(ptext, start - 1)):
                        continue
            else:
                word = _word_before(ptext, start)
                token = word + m.group(1)
                if self.tokens.get(token, 0) > 1:
                    continue  # a name that recurs with its digits, e.g. "KCR2"
                if token.casefold() in _NOT_MARKERS:
                    continue  # CO2, m2 ...
                if len(word) == 1 and word.isupper():
                    continue  # a code: the A4 (a motorway), G7, F35
                k = start - len(word)
                if k > 0 and ptext[k - 1].isdecimal():
                    continue  # 2x4, 1e3: digits around a letter
            glued_to_upper = word[-1:].isupper()
            if glued_to_upper and n not in self.numbers:
                continue  # NIS2, EU27: an acronym with digits, unless a footnote n exists
            if n == self.expected:
                pass
            elif (
                n > self.expected
                and not glued_to_upper
                # a footnote that exists, or one past the end of a (truncated) footnote list
                and (n in self.numbers or n > self.highest)
                and n - self.expected <= 3
            ):
                missing = f"marker {self.expected} was" if n - self.expected == 1 else f"markers {self.expected}..{n - 1} were"
                warnings.append(Warning_("marker-gap", f"footnote marker {n} follows marker {self.expected - 1}; {missing} not found", line))
            else:
                continue
            if n not in self.numbers:
                warnings.append(Warning_("marker-without-footnote", f"footnote marker {n} has no footnote", line))
            self.used.add(n)
            self.expected = n + 1
            found.append(Marker(n, offset + start, offset + end))
        return found
