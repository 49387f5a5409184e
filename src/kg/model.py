"""The document model and what is extracted from it: frozen dataclasses, no rdflib.

Offsets are character offsets into the decoded source text: ``report.text[x.start:x.end] == x.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Marker:
    """A footnote marker glued to a word or punctuation: the digits' span and the footnote number."""

    number: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    markers: tuple[Marker, ...] = ()


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int
    text: str
    line: int  # 1-based line number in the source file
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True)
class Subsection:
    title: str
    start: int  # span of the heading line's title
    end: int
    line: int
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Section:
    number: str  # "3.1.1"
    title: str
    start: int  # span of the whole heading line's text (number + title)
    end: int
    line: int
    paragraphs: tuple[Paragraph, ...]  # before the first subsection
    subsections: tuple[Subsection, ...]


@dataclass(frozen=True, slots=True)
class Part:
    title: str
    start: int
    end: int
    line: int
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class Footnote:
    number: int
    text: str
    start: int  # span of the footnote's text (not its number)
    end: int
    line: int


@dataclass(frozen=True, slots=True)
class Warning_:
    """Something in the input that is usable but suspicious; never silently dropped."""

    code: str  # e.g. "marker-without-footnote"
    message: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Report:
    key: str  # slug of the file stem: the report's stable IRI key
    path: str
    text: str  # the decoded source text; every offset points into it
    sha256: str
    number: str  # the report heading's number, e.g. "3.1"
    title: str  # e.g. "Beleidsverslag"
    heading_start: int
    heading_end: int
    intro: tuple[Paragraph, ...]  # paragraphs between the heading and the first part or section
    parts: tuple[Part, ...]  # when the report has no part headings: one Part with title ""
    footnotes: tuple[Footnote, ...]
    warnings: tuple[Warning_, ...] = ()

    def sections(self) -> list[Section]:
        return [s for p in self.parts for s in p.sections]

    def paragraphs(self) -> list[tuple[Paragraph, Part | None, Section | None, Subsection | None]]:
        """Every paragraph in document order with its context."""
        out: list[tuple[Paragraph, Part | None, Section | None, Subsection | None]] = [
            (p, None, None, None) for p in self.intro
        ]
        for part in self.parts:
            for sec in part.sections:
                out.extend((p, part, sec, None) for p in sec.paragraphs)
                for sub in sec.subsections:
                    out.extend((p, part, sec, sub) for p in sub.paragraphs)
        return out

    def sentences(self) -> list[Sentence]:
        return [s for p, *_ in self.paragraphs() for s in p.sentences]


# --- what the extractors find ---------------------------------------------------------------

ORGANISATION = "organisation"
LEGAL = "legal"
PROGRAMME = "programme"
KAMERSTUK = "kamerstuk"
ENTITY_KINDS = (ORGANISATION, LEGAL, PROGRAMME, KAMERSTUK)


@dataclass(frozen=True, slots=True)
class Entity:
    """A thing the report names: an organisation, legal instrument, programme or Kamerstuk.

    ``kind`` is one of ENTITY_KINDS and, with ``key``, names the IRI ``{base}/id/{kind}/{key}``.
    ``cls`` is the ontology class's local name (``Organisation``, ``Law``, ``Bill``, ``EUDirective``,
    ``Programme``, ``Kamerstuk`` ...); ``subkind`` the local name of its ``kg:kind`` concept.
    """

    kind: str
    key: str
    label: str
    cls: str
    subkind: str
    label_en: str | None = None
    abbreviations: tuple[str, ...] = ()
    alt_labels: tuple[str, ...] = ()
    status: str | None = None  # legal status concept local name
    identifiers: tuple[tuple[str, str], ...] = ()  # (kg property local name, value): ("bwbId", "BWBR...")
    exact_match: tuple[str, ...] = ()  # official IRIs (TOOI, ELI)
    pages: tuple[str, ...] = ()  # official pages (wetten.overheid.nl, EUR-Lex, officielebekendmakingen)
    identifier_status: str | None = None  # "confirmed" | "lead"
    parent: str | None = None  # key of the parent organisation
    # Kamerstuk fields
    chamber: str | None = None  # "II" or "I"
    session_year: str | None = None  # "2024-2025"
    dossier: str | None = None
    number: str | None = None

    @property
    def ref(self) -> tuple[str, str]:
        return (self.kind, self.key)


@dataclass(frozen=True, slots=True)
class Mention:
    kind: str
    key: str
    start: int
    end: int
    surface: str
    sentence_start: int


@dataclass(frozen=True, slots=True)
class Citation:
    """A footnote cites a Kamerstuk."""

    footnote: int
    kamerstuk: str  # the Kamerstuk entity key, "kst-30821-249"
    start: int  # span of the citation inside the footnote text
    end: int


@dataclass(frozen=True, slots=True)
class Figure:
    start: int
    end: int
    surface: str
    value: str  # decimal as text, e.g. "123000" or "0.5"
    unit: str  # "euro", "percent", "count", ...
    counts: str  # what is counted, e.g. "ontheemden uit Oekraïne"
    sentence_start: int


@dataclass(frozen=True, slots=True)
class Event:
    start: int
    end: int
    type: str  # event-kind concept local name
    date: str  # "2024-04-16" | "2024-04" | "2024"
    surface: str
    sentence_start: int
    participants: tuple[tuple[str, str], ...] = ()  # entity refs (kind, key)
    concerns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Relation:
    """A statement a sentence makes: subject predicate object, e.g. a bill implements a directive."""

    subject: tuple[str, str]
    predicate: str  # kg property local name: implements, amends, responsibleOrganisation
    object: tuple[str, str]
    sentence_start: int
    start: int


@dataclass(slots=True)
class Extraction:
    entities: dict[tuple[str, str], Entity] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
