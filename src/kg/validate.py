"""SHACL validation: the shapes in ``shapes/`` -> a typed, sorted list of findings.

Two engines give the same findings (a test holds them to it):

``pyshacl``
    the reference: pySHACL on an rdflib graph (no inference, no ``owl:imports``, no SHACL-AF).
``sparql``
    every constraint of the shapes compiled to one SPARQL SELECT that finds all failing focus nodes at once,
    run by pyoxigraph on the store (or on an in-memory store holding the given files). It supports the SHACL
    Core constraints the shapes use (targets by class and by subject-of; predicate, inverse and sequence paths;
    min/maxCount, datatype, class, pattern, in, nodeKind, hasValue, min/maxIn/Exclusive, languageIn,
    uniqueLang) and SPARQL-based constraints (``sh:sparql``) whose query starts by binding ``$this`` in a
    triple pattern. A shape that uses anything else raises :class:`UnsupportedShapeError`.

Both engines only produce raw results (shape, focus node, value, constraint component); everything a reader
sees — severity, names, messages, the path, the focus node's label and where it comes from in the report — is
looked up afterwards from the shapes and the data in the same way, so the report cannot depend on the engine.

Data files are parsed with pyoxigraph (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML): parse errors
name the file, line and column, nothing is ever fetched (no remote JSON-LD contexts, no external XML
entities, no ``owl:imports``), and the named graphs of TriG and N-Quads are merged into one graph.

    >>> from kg.validate import Severity
    >>> Severity.from_name("warning") > Severity.INFO
    True
"""

from __future__ import annotations

import enum
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from kg.errors import InputError, KgError, UsageError

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
KG = "https://kg.example.org/def/kg#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"

ENGINES = ("sparql", "pyshacl")
QUERY_THREADS = 2  # the SPARQL engine's shape queries run in this many threads
FORMATS = ("text", "turtle", "json", "junit", "github")

# file extension -> pyoxigraph RdfFormat attribute name
_EXTENSIONS = {
    ".ttl": "TURTLE",
    ".turtle": "TURTLE",
    ".nt": "N_TRIPLES",
    ".nq": "N_QUADS",
    ".trig": "TRIG",
    ".jsonld": "JSON_LD",
    ".json": "JSON_LD",
    ".rdf": "RDF_XML",
    ".owl": "RDF_XML",
    ".xml": "RDF_XML",
}


class UnsupportedShapeError(KgError):
    """A shape uses a SHACL feature the SPARQL engine does not compile (use ``engine="pyshacl"``)."""

    exit_code = UsageError.exit_code


class Severity(enum.IntEnum):
    """sh:Info < sh:Warning < sh:Violation."""

    INFO = 1
    WARNING = 2
    VIOLATION = 3

    @property
    def iri(self) -> str:
        return SH + self.name.capitalize()

    @property
    def label_nl(self) -> str:
        return {1: "melding", 2: "waarschuwing", 3: "overtreding"}[self.value]

    @classmethod
    def from_iri(cls, iri: str) -> Severity:
        for s in cls:
            if s.iri == iri:
                return s
        return cls.VIOLATION  # SHACL: an unknown severity still reports; treat it as the strictest

    @classmethod
    def from_name(cls, name: str) -> Severity:
        try:
            return cls[name.upper()]
        except KeyError:
            raise UsageError(f"unknown severity {name!r}; one of: violation, warning, info") from None


@dataclass(frozen=True, order=True)
class Source:
    """Where a focus node comes from in a report: the report, its section and the sentence."""

    report: str | None = None
    report_title: str | None = None
    section: str | None = None
    section_label: str | None = None  # "3.1.1 Title"
    sentence: str | None = None
    sentence_text: str | None = None

    def describe(self) -> str:
        parts = []
        if self.report_title or self.report:
            parts.append(self.report_title or self.report or "")
        if self.section_label:
            parts.append(f"§ {self.section_label}")
        if self.sentence_text:
            t = self.sentence_text
            parts.append("“" + (t if len(t) <= 160 else t[:157] + "…") + "”")
        return ", ".join(parts)


@dataclass(frozen=True)
class Finding:
    """One validation result. Terms are in N-Triples syntax (``<iri>``, ``"text"@nl``, ``_:b0``)."""

    severity: Severity
    shape: str  # IRI of the shape that holds the constraint
    shape_name: str  # its Dutch sh:name
    focus: str
    focus_label: str | None
    path: str | None  # SPARQL property path with full IRIs, e.g. <…#start> or ^<…#refersTo>
    value: str | None
    message_nl: str
    message_en: str
    source: Source
    component: str  # IRI of the constraint component, e.g. sh:MinCountConstraintComponent

    def sort_key(self) -> tuple:
        return (-self.severity, self.shape, self.focus, self.path or "", self.value or "", self.component)

    def key(self) -> tuple[str, str, str | None, str]:
        """What identifies a result independently of the engine."""
        return (self.shape, self.focus, self.value, self.component)


@dataclass(frozen=True)
class ValidationReport:
    findings: tuple[Finding, ...]
    engine: str
    shapes: tuple[str, ...]  # the shapes files used
    shape_names: dict[str, str] = field(default_factory=dict, compare=False)  # every shape IRI -> Dutch name

    @property
    def conforms(self) -> bool:
        """SHACL's sense: no results at all, whatever their severity."""
        return not self.findings

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failing(self, threshold: Severity = Severity.VIOLATION) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity >= threshold)

    def fails(self, threshold: Severity = Severity.VIOLATION) -> bool:
        """True when a finding of ``threshold`` or worse exists: what makes ``kg validate`` exit 1."""
        return any(f.severity >= threshold for f in self.findings)


# ---------------------------------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------------------------------


def _ox():
    import pyoxigraph

    return pyoxigraph


def _nt_from_rdflib(term) -> str:
    """An rdflib term in pyoxigraph's N-Triples spelling (so both engines spell terms alike)."""
    import rdflib

    ox = _ox()
    if isinstance(term, rdflib.URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    if isinstance(term, rdflib.Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        if term.datatype:
            return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))))
        return str(ox.Literal(str(term)))
    return str(term)


def compact(term: str | None) -> str:
    """``<https://kg.example.org/def/kg#start>`` -> ``kg:start`` for display (paths too)."""
    if term is None:
        return ""
    pre = _prefixes()

    def one(m: re.Match) -> str:
        iri = m.group(1)
        for p, ns in pre:
            if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_\-]*", iri[len(ns):]):
                return f"{p}:{iri[len(ns):]}"
        return m.group(0)

    if term.startswith('"'):
        return term
    return re.sub(r"<([^>]*)>", one, term)


@cache
def _prefixes() -> tuple[tuple[str, str], ...]:
    try:
        from kg.vocab import PREFIXES

        items = dict(PREFIXES)
    except Exception:  # the vocabulary module is optional for display
        items = {}
    items.setdefault("sh", SH)
    items.setdefault("kgsh", "https://kg.example.org/def/shapes#")
    items.setdefault("kg", KG)
    items.setdefault("xsd", XSD)
    # longest namespace first, so kgk: wins over a shorter overlapping one
    return tuple(sorted(((k, str(v)) for k, v in items.items()), key=lambda kv: -len(kv[1])))


# ---------------------------------------------------------------------------------------------------
# Loading data and shapes
# ---------------------------------------------------------------------------------------------------


def rdf_format(path: Path):
    """The pyoxigraph format for a file, from its extension."""
    name = _EXTENSIONS.get(path.suffix.lower())
    if name is None:
        raise InputError(
            f"cannot tell the RDF format from the extension {path.suffix or '(none)'!r}",
            path=str(path),
            hint="use .ttl, .nt, .nq, .trig, .jsonld or .rdf",
        )
    return getattr(_ox().RdfFormat, name)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# Where a JSON-LD file names a remote document: a context or an @import, alone or in an array of contexts.
_REMOTE_CONTEXT = re.compile(rb'"@(?:context|import)"\s*:\s*"([^"]*)"')
_CONTEXT_ARRAY = re.compile(rb'"@context"\s*:\s*\[')
_ARRAY_STRING = re.compile(rb'(?:^|[\[,])\s*"([^"]*)"\s*(?=[,\]])')


def _remote_context(data: bytes) -> tuple[str, int] | None:
    """(URL, offset) of the first remote context a JSON-LD file names."""
    found = [(m.start(), m.group(1)) for m in _REMOTE_CONTEXT.finditer(data)]
    for m in _CONTEXT_ARRAY.finditer(data):
        inner = data[m.end() - 1 : data.find(b"]", m.end()) + 1 or len(data)]
        depth_free = re.sub(rb"\{[^{}]*\}", lambda x: b" " * len(x.group()), inner)  # objects are inline contexts
        found += [(m.end() - 1 + a.start(1), a.group(1)) for a in _ARRAY_STRING.finditer(depth_free)]
    if not found:
        return None
    at, url = min(found)
    return url.decode("utf-8", "replace"), at


def _parse_error(path: Path, err: SyntaxError, data: bytes = b"") -> InputError:
    line = err.lineno if isinstance(err.lineno, int) else None
    col = err.offset if isinstance(err.offset, int) else None
    if "LoadDocumentCallback" in err.msg:  # pyoxigraph: a remote JSON-LD context, which is never fetched
        found = _remote_context(data)
        url = f" {found[0]}" if found else ""
        return InputError(
            f"the JSON-LD context{url} is a remote document; kg never fetches anything from the network",
            path=str(path), line=_line_of(data, found[1]) if found else line,
            hint="put the context in the file (\"@context\": { ... }), or convert the file to Turtle first")
    return InputError(f"invalid RDF: {err.msg}", path=str(path), line=line, column=col)


# XML declarations that make a parser read other files or URLs (XXE), or blow up in memory (entity expansion).
_XML_DOCTYPE_EXTERNAL = re.compile(rb"<!DOCTYPE\s+[^\s\[>]+\s+(?:SYSTEM|PUBLIC)\b", re.I)
_XML_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s>]+)\s+(?:(SYSTEM|PUBLIC)\b|\"([^\"]*)\"|'([^']*)')", re.S)
_XML_REF = re.compile(rb"&([A-Za-z_][\w.-]*);")
MAX_ENTITY_EXPANSION = 1_000_000  # characters that internal XML entities may add to a document


def check_xml(data: bytes, path: Path) -> None:
    """Refuse RDF/XML that declares external entities, an external DTD, or an entity expansion bomb.

    Neither parser kg uses would read them (pyoxigraph does not resolve external entities); refusing them with
    a clear message is better than a puzzling parse error or a file that reads differently elsewhere.
    """
    m = _XML_DOCTYPE_EXTERNAL.search(data)
    if m:
        raise InputError("the XML names an external DTD; kg never reads other files or URLs named in a document",
                         path=str(path), line=_line_of(data, m.start()), hint="remove the DOCTYPE's SYSTEM/PUBLIC id")
    sizes: dict[bytes, bytes] = {}
    for m in _XML_ENTITY.finditer(data):
        percent, name, external = m.group(1), m.group(2), m.group(3)
        if external or percent:
            what = "parameter entity" if percent else "external entity"
            target = re.search(rb"(?:SYSTEM|PUBLIC\s+[\"'][^\"']*[\"'])\s+[\"']([^\"']*)", data[m.start():m.start() + 500])
            named = f" ({target.group(1).decode('utf-8', 'replace')})" if target else ""
            raise InputError(
                f"the XML declares the {what} {name.decode('utf-8', 'replace')!r}{named}; kg never reads files or "
                "URLs named in a document (XXE)", path=str(path), line=_line_of(data, m.start()),
                hint="remove the <!ENTITY ...> declaration and write its text in the document")
        sizes[name] = m.group(4) if m.group(4) is not None else m.group(5)

    expanded: dict[bytes, int] = {}

    def size(name: bytes, seen: tuple[bytes, ...] = ()) -> int:
        if name in seen:
            raise InputError(f"the XML entity {name.decode('utf-8', 'replace')!r} refers to itself", path=str(path))
        if name not in expanded:
            value = sizes.get(name, b"")
            n = len(_XML_REF.sub(b"", value))
            for ref in _XML_REF.findall(value):
                n += size(ref, (*seen, name)) if ref in sizes else 1
                if n > MAX_ENTITY_EXPANSION:
                    break
            expanded[name] = n
        return expanded[name]

    if sizes:
        total = 0
        for ref in _XML_REF.findall(data):
            if ref in sizes:
                total += size(ref)
                if total > MAX_ENTITY_EXPANSION:
                    raise InputError(
                        f"the XML entities would expand the document by more than {MAX_ENTITY_EXPANSION:,} characters "
                        "(an entity expansion bomb?)", path=str(path), hint="write the text out without entities")


def parse_file(path: Path, data: bytes, fmt=None):
    """The quads of one RDF file's bytes, parsed by pyoxigraph; never fetches anything (see check_xml)."""
    ox = _ox()
    fmt = fmt or rdf_format(path)
    if fmt == ox.RdfFormat.RDF_XML:
        check_xml(data, path)
    try:
        return list(ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as err:
        raise _parse_error(path, err, data) from None
    except (ValueError, UnicodeDecodeError) as err:
        raise InputError(f"invalid RDF: {err}", path=str(path)) from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not an RDF file", path=str(path)) from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path=str(path)) from None


def load_files(paths: Sequence[Path], store=None):
    """Parse RDF files into an (in-memory) pyoxigraph store; named graphs are merged into the default graph."""
    ox = _ox()
    store = store if store is not None else ox.Store()
    for path in paths:
        path = Path(path)
        fmt = rdf_format(path)
        quads = parse_file(path, _read(path), fmt)
        store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return store


def _rdflib_graph(paths: Sequence[Path]):
    """An rdflib graph of the files, as pyoxigraph parsed them (terms as written: no datatype normalisation).

    rdflib never reads the files itself: its JSON-LD parser would fetch remote contexts.
    """
    import rdflib

    g = rdflib.Graph()
    for path in map(Path, paths):
        quads = parse_file(path, _read(path))
        g.parse(data="".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads), format="nt")
    return g


@dataclass(frozen=True)
class _Shape:
    iri: str
    name_nl: str
    name_en: str
    message_nl: str
    message_en: str
    severity: Severity
    path: str | None  # SPARQL path text; None for node shapes
    targets: tuple[tuple[str, str], ...]  # (kind, iri): ("class", C), ("subjectsOf", P), ("objectsOf", P), ("node", N)
    constraints: tuple[tuple[str, Any], ...]  # (component local name, parameter)
    deactivated: bool = False


@dataclass(frozen=True)
class Shapes:
    """A loaded shapes graph: the rdflib graph (for pySHACL) and the shapes read from it."""

    files: tuple[str, ...]
    graph: Any  # rdflib.Graph
    shapes: tuple[_Shape, ...]

    def by_iri(self) -> dict[str, _Shape]:
        return {s.iri: s for s in self.shapes}


def shapes_files(shapes: Path | Sequence[Path] | None) -> list[Path]:
    from kg import assets

    if shapes is None:
        return assets.files("shapes")
    items = [shapes] if isinstance(shapes, (str, Path)) else list(shapes)
    out: list[Path] = []
    for p in map(Path, items):
        if p.is_dir():
            found = sorted(p.glob("*.ttl"))
            if not found:
                raise InputError("no *.ttl shapes files in this folder", path=str(p))
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise InputError("no such shapes file or folder", path=str(p))
    return out


def load_shapes(shapes: Path | Sequence[Path] | None = None) -> Shapes:
    """Read the shapes files (default: the bundled ``shapes/``); cached per file list and mtimes."""
    files = shapes_files(shapes)
    key = tuple((str(p.resolve()), p.stat().st_mtime_ns) for p in files)
    return _load_shapes(key)


@cache
def _load_shapes(key: tuple[tuple[str, int], ...]) -> Shapes:
    import rdflib

    g = rdflib.Graph()
    for name, _ in key:
        path = Path(name)
        data = _read(path)
        quads = parse_file(path, data)  # pyoxigraph first: its errors carry line and column
        _refuse_service(path, data, quads)
        if path.suffix.lower() in (".ttl", ".turtle"):
            g.parse(data=data, format="turtle", publicID=path.as_uri())
        else:  # rdflib never reads other formats itself (its JSON-LD parser would fetch remote contexts)
            g.parse(data="".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads), format="nt")
    return Shapes(files=tuple(n for n, _ in key), graph=g, shapes=tuple(_read_shapes(g)))


_SPARQL_TEXT = {f"{SH}{p}" for p in ("select", "ask", "construct", "update")}
# SPARQL text without its strings, IRIs and comments: what is left are keywords, names and punctuation.
_SPARQL_NOISE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"'
                           r"|'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*")


_SERVICE = re.compile(r"(?<![\w:.?$-])SERVICE(?![\w:-])", re.I)  # the keyword, not kgk:security-service


def _refuse_service(path: Path, data: bytes, quads) -> None:
    """A SPARQL-based constraint with SERVICE would make the validator query another server: refused."""
    for q in quads:
        if q.predicate.value in _SPARQL_TEXT and _SERVICE.search(_SPARQL_NOISE.sub(" ", q.object.value)):
            at = re.search(_SERVICE.pattern.encode(), data, re.I)
            raise InputError(
                f"a SPARQL-based constraint of {q.subject} uses SERVICE; kg validate never queries other servers",
                path=str(path), line=_line_of(data, at.start()) if at else None,
                hint="load the data the constraint needs and validate it locally")


def _read_shapes(g) -> list[_Shape]:
    import rdflib
    from rdflib.collection import Collection

    S = rdflib.Namespace(SH)
    shapes: dict[str, _Shape] = {}
    nodes = set(g.subjects(rdflib.RDF.type, S.NodeShape)) | set(g.subjects(rdflib.RDF.type, S.PropertyShape))
    nodes |= set(g.objects(None, S.property)) | set(g.subjects(S.path, None))
    # property shapes inherit the targets of every node shape that points to them
    inherited: dict[Any, list[tuple[str, str]]] = {}

    def own_targets(n) -> list[tuple[str, str]]:
        t = [("class", str(c)) for c in g.objects(n, S.targetClass)]
        t += [("subjectsOf", str(p)) for p in g.objects(n, S.targetSubjectsOf)]
        t += [("objectsOf", str(p)) for p in g.objects(n, S.targetObjectsOf)]
        t += [("node", _nt_from_rdflib(x)) for x in g.objects(n, S.targetNode)]
        return t

    for n in nodes:
        for p in g.objects(n, S.property):
            inherited.setdefault(p, []).extend(own_targets(n))

    def text(n, prop, lang) -> str | None:
        vals = [v for v in g.objects(n, prop) if isinstance(v, rdflib.Literal)]
        for v in vals:
            if v.language == lang:
                return str(v)
        return None

    for n in sorted(nodes, key=str):
        if isinstance(n, rdflib.BNode):
            raise UnsupportedShapeError(
                "a shape is a blank node; kg's shapes are named with IRIs so that findings are stable",
                hint="give every node and property shape an IRI (kgsh:...)",
            )
        iri = str(n)
        path_node = g.value(n, S.path)
        path = _path_text(g, path_node) if path_node is not None else None
        constraints: list[tuple[str, Any]] = []
        for comp, prop in _SIMPLE_PARAMS.items():
            for v in g.objects(n, S[prop]):
                constraints.append((comp, _nt_from_rdflib(v) if not isinstance(v, rdflib.Literal) or comp in _TERM_PARAMS
                                    else v.toPython()))
        for v in g.objects(n, S.flags):
            constraints.append(("Flags", str(v)))
        for lst in g.objects(n, S["in"]):
            constraints.append(("In", tuple(_nt_from_rdflib(x) for x in Collection(g, lst))))
        for lst in g.objects(n, S.languageIn):
            constraints.append(("LanguageIn", tuple(str(x) for x in Collection(g, lst))))
        for c in g.objects(n, S.sparql):
            if (g.value(c, S.deactivated) or rdflib.Literal(False)).toPython() is True:
                continue
            select = g.value(c, S.select)
            if select is None:
                raise UnsupportedShapeError(f"{iri}: a SPARQL constraint without sh:select")
            constraints.append(("SPARQL", (_declared_prefixes(g, c), str(select))))
        for unsupported in ("node", "not", "and", "or", "xone", "qualifiedValueShape", "closed", "equals", "disjoint",
                            "lessThan", "lessThanOrEquals", "minLength", "maxLength"):
            if (n, S[unsupported], None) in g:
                raise UnsupportedShapeError(
                    f"{iri}: sh:{unsupported} is not compiled by the SPARQL engine",
                    hint="use engine='pyshacl' (--engine pyshacl), or express the rule as sh:sparql",
                )
        name_nl = text(n, S.name, "nl") or text(n, S.name, "en") or iri.rsplit("#", 1)[-1]
        msg_nl = text(n, S.message, "nl") or ""
        msg_en = text(n, S.message, "en") or ""
        sev = g.value(n, S.severity)
        deactivated = (g.value(n, S.deactivated) or rdflib.Literal(False)).toPython() is True
        shapes[iri] = _Shape(
            iri=iri,
            name_nl=name_nl,
            name_en=text(n, S.name, "en") or name_nl,
            message_nl=msg_nl or msg_en,
            message_en=msg_en or msg_nl,
            severity=Severity.from_iri(str(sev)) if sev is not None else Severity.VIOLATION,
            path=path,
            targets=tuple(sorted(set(own_targets(n) + inherited.get(n, [])))),
            constraints=tuple(constraints),
            deactivated=deactivated,
        )
    return [shapes[k] for k in sorted(shapes)]


# component local name (without "ConstraintComponent") -> SHACL parameter
_SIMPLE_PARAMS = {
    "MinCount": "minCount",
    "MaxCount": "maxCount",
    "Datatype": "datatype",
    "Class": "class",
    "Pattern": "pattern",
    "NodeKind": "nodeKind",
    "HasValue": "hasValue",
    "MinInclusive": "minInclusive",
    "MaxInclusive": "maxInclusive",
    "MinExclusive": "minExclusive",
    "MaxExclusive": "maxExclusive",
    "UniqueLang": "uniqueLang",
}
_TERM_PARAMS = {"HasValue", "MinInclusive", "MaxInclusive", "MinExclusive", "MaxExclusive"}


def _path_text(g, node) -> str:
    import rdflib
    from rdflib.collection import Collection

    S = rdflib.Namespace(SH)
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if (node, rdflib.RDF.first, None) in g:
        return "(" + "/".join(_path_text(g, x) for x in Collection(g, node)) + ")"
    for prop, fmt in ((S.inversePath, "^{}"), (S.zeroOrMorePath, "{}*"), (S.oneOrMorePath, "{}+"),
                      (S.zeroOrOnePath, "{}?")):
        inner = g.value(node, prop)
        if inner is not None:
            return fmt.format(_path_text(g, inner))
    alt = g.value(node, S.alternativePath)
    if alt is not None:
        return "(" + "|".join(_path_text(g, x) for x in Collection(g, alt)) + ")"
    raise UnsupportedShapeError(f"a property path the SPARQL engine does not understand: {node}")


def _declared_prefixes(g, constraint) -> str:
    import rdflib

    S = rdflib.Namespace(SH)
    out: dict[str, str] = {}
    for holder in g.objects(constraint, S.prefixes):
        for decl in g.objects(holder, S.declare):
            p, ns = g.value(decl, S.prefix), g.value(decl, S.namespace)
            if p is not None and ns is not None:
                out[str(p)] = str(ns)
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(out.items()))


# ---------------------------------------------------------------------------------------------------
# The SPARQL engine
# ---------------------------------------------------------------------------------------------------

_RAW = tuple[str, str, str | None, str]  # (shape, focus, value, component local name)


def _focus_pattern(shape: _Shape, subclasses) -> str:
    parts = []
    for kind, x in shape.targets:
        if kind == "class":
            classes = " ".join(f"<{c}>" for c in subclasses(x))
            parts.append(f"{{ ?this <{RDF}type> ?_tc . VALUES ?_tc {{ {classes} }} }}")
        elif kind == "subjectsOf":
            parts.append(f"{{ ?this <{x}> ?_to . }}")
        elif kind == "objectsOf":
            parts.append(f"{{ ?_ts <{x}> ?this . }}")
        elif kind == "node":
            parts.append(f"{{ VALUES ?this {{ {x} }} }}")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


_CASTABLE = {f"{XSD}{t}" for t in ("integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time",
                                   "gYear", "gYearMonth", "duration")}


def _lit(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))


_SIMPLE_PATH = re.compile(r"\^?<[^<>\s]*>|\((?:\^?<[^<>\s]*>/)+\^?<[^<>\s]*>\)")


def _path_pairs(path: str) -> str:
    """The (?this, ?value) pairs of a path as a group pattern.

    For predicates, inverse predicates and sequences of them the pairs of the whole graph come from a
    subquery: Oxigraph evaluates it once and hash-joins it with the focus nodes, instead of one index lookup
    per focus node (about 4x faster from N = 100 reports on). Other paths (``*``, ``+``, ``?``, ``|``) stay
    in the pattern, bound by the focus nodes.
    """
    if _SIMPLE_PATH.fullmatch(path):
        return f"{{ SELECT ?this ?value WHERE {{ ?this {path} ?value }} }}"
    return f"?this {path} ?value ."


_VALUE_COMPONENTS = ("Datatype", "Class", "Pattern", "NodeKind", "MinInclusive", "MaxInclusive", "MinExclusive",
                     "MaxExclusive", "In", "LanguageIn")

# A plan: a query and the components that each of its rows' flags stand for. kind "count": rows of ?this
# and ?_n (number of distinct values); kind "values": rows of ?this, ?value and one flag per component
# (?_f0, ?_f1, ...), true where the value fails it; kind "rows": rows of ?this (and ?value) that fail the
# one component.
_Plan = tuple[str, str, tuple[tuple[str, Any], ...]]


def _fail_test(shape: _Shape, comp: str, param: Any, subclasses) -> tuple[str, str]:
    """(extra pattern, expression true where ?value fails the constraint). The pattern is joined first."""
    if comp == "Datatype":
        dt = param[1:-1]
        ok = f"(isLiteral(?value) && datatype(?value) = <{dt}>"
        if dt in _CASTABLE:
            ok += f" && COALESCE(isLiteral(<{dt}>(STR(?value))), false)"
        return "", f"!{ok})"
    if comp == "Class":  # the typed values found once and joined by hashing (not one lookup per value)
        classes = " ".join(f"<{c}>" for c in subclasses(param[1:-1]))
        return (f"OPTIONAL {{ SELECT DISTINCT ?value (true AS ?_okN) WHERE {{ ?value <{RDF}type> ?_vc . "
                f"VALUES ?_vc {{ {classes} }} }} }}"), "!BOUND(?_okN)"
    if comp == "Pattern":
        flags = next((f for c, f in shape.constraints if c == "Flags"), "")
        return "", f"isBlank(?value) || !REGEX(STR(?value), {_lit(param)}, {_lit(flags)})"
    if comp == "NodeKind":
        kind = param[1:-1].rsplit("#", 1)[-1]
        test = {
            "IRI": "isIRI(?value)",
            "Literal": "isLiteral(?value)",
            "BlankNode": "isBlank(?value)",
            "BlankNodeOrIRI": "(isIRI(?value) || isBlank(?value))",  # IRI first: one read of an IRI, not two
            "BlankNodeOrLiteral": "(isBlank(?value) || isLiteral(?value))",
            "IRIOrLiteral": "(isIRI(?value) || isLiteral(?value))",
        }[kind]
        return "", f"!{test}"
    if comp in ("MinInclusive", "MaxInclusive", "MinExclusive", "MaxExclusive"):
        op = {"MinInclusive": ">=", "MaxInclusive": "<=", "MinExclusive": ">", "MaxExclusive": "<"}[comp]
        return "", f"isBlank(?value) || isIRI(?value) || !COALESCE(?value {op} {param}, false)"
    if comp == "In":
        test = " || ".join(f"sameTerm(?value, {t})" for t in param) or "false"
        return "", f"!({test})"
    if comp == "LanguageIn":
        test = " || ".join(f"langMatches(lang(?value), {_lit(t)})" for t in param) or "false"
        return "", f"!(isLiteral(?value) && ({test}))"
    raise AssertionError(comp)


def _queries(shape: _Shape, subclasses) -> list[_Plan]:
    """The queries that find every failing (focus node, value) of a shape, as plans (see _Plan).

    On a property shape, sh:minCount and sh:maxCount share one query (the number of distinct values per focus
    node) and the constraints on each value (datatype, class, pattern, ...) share another (one flag per
    constraint): the focus nodes and their values are matched once per shape, not once per constraint.
    """
    focus = _focus_pattern(shape, subclasses)
    path = shape.path
    out: list[_Plan] = []
    counts: list[tuple[str, Any]] = []
    checks: list[tuple[str, Any]] = []

    for comp, param in shape.constraints:
        if comp in ("MinCount", "MaxCount"):
            if path is None:
                raise UnsupportedShapeError(f"{shape.iri}: sh:{comp[0].lower()}{comp[1:]} on a node shape")
            counts.append((comp, int(param)))
        elif comp in _VALUE_COMPONENTS:
            checks.append((comp, param))
        elif comp == "HasValue":
            p = path or None
            if p is None:
                out.append(("rows", f"SELECT ?this WHERE {{ {focus} FILTER(!sameTerm(?this, {param})) }}", ((comp, param),)))
            else:
                out.append(("rows", f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} {param} }} }}",
                            ((comp, param),)))
        elif comp == "UniqueLang":
            if param is True and path is not None and _SIMPLE_PATH.fullmatch(path):
                # two distinct values share a language (ignoring case): a group of more than one value
                out.append(("rows", f"SELECT DISTINCT ?this WHERE {{ {focus} {{ SELECT ?this WHERE {{ ?this {path} ?value . "
                                    f"FILTER(lang(?value) != \"\") }} GROUP BY ?this (LCASE(lang(?value)) AS ?_lang) "
                                    f"HAVING (COUNT(DISTINCT ?value) > 1) }} }}", ((comp, param),)))
            elif param is True and path is not None:
                out.append(("rows", f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?value . ?this {path} ?_v2 . "
                                    f"FILTER(!sameTerm(?value, ?_v2) && lang(?value) != \"\" "
                                    f"&& LCASE(lang(?value)) = LCASE(lang(?_v2))) }}", ((comp, param),)))
        elif comp == "SPARQL":
            prefixes, select = param
            inner = select.replace("$this", "?this").replace("$PATH", path or "")
            if "$" in re.sub(r'"[^"]*"', "", inner):
                raise UnsupportedShapeError(f"{shape.iri}: the SPARQL engine pre-binds only $this and $PATH")
            out.append(("rows", _plan_sparql(focus, prefixes, inner), ((comp, param),)))
    if counts:
        tests = []
        for comp, n in counts:
            tests.append(f"COUNT(DISTINCT ?value) {'<' if comp == 'MinCount' else '>'} {n}")
        out.append(("count", f"SELECT ?this (COUNT(DISTINCT ?value) AS ?_n) WHERE {{ {focus} OPTIONAL "
                             f"{_path_pairs(path)} }} GROUP BY ?this HAVING ({' || '.join(tests)})", tuple(counts)))
    if checks:
        pairs = "BIND(?this AS ?value)" if path is None else _path_pairs(path)  # node shape: the focus is the value
        out.append(("values", _values_query(shape, tuple(checks), focus, pairs, subclasses), tuple(checks)))
    return out


def _value_tests(shape: _Shape, checks: tuple[tuple[str, Any], ...], subclasses) -> tuple[list[str], list[str], list[str]]:
    """(patterns to join, BINDs of ?_f0, ?_f1, ... (true where ?value fails that check), the flag names)."""
    binds = []
    flags = []
    joins = []
    for i, (comp, param) in enumerate(checks):
        extra, fail = _fail_test(shape, comp, param, subclasses)
        extra, fail = extra.replace("?_okN", f"?_ok{i}"), fail.replace("?_okN", f"?_ok{i}")
        if extra:
            joins.append(extra)
        binds.append(f"BIND(COALESCE({fail}, false) AS ?_f{i})")
        flags.append(f"?_f{i}")
    return joins, binds, flags


def _values_query(shape: _Shape, checks: tuple[tuple[str, Any], ...], focus: str, pairs: str, subclasses) -> str:
    """The failing (?this, ?value) pairs of a property shape's value checks, with a flag per check."""
    joins, binds, flags = _value_tests(shape, checks, subclasses)
    return (f"SELECT DISTINCT ?this ?value {' '.join(flags)} WHERE {{ {focus} {pairs} {' '.join(joins)} "
            f"{' '.join(binds)} FILTER({' || '.join(flags)}) }}")


@dataclass(frozen=True)
class _Group:
    """The sh:minCount / sh:maxCount of every property shape (with a predicate, inverse or sequence path)
    that has the same targets, found by one query (see _group_query).

    ``counts``: (shape, index of its path in ``paths``, ((MinCount|MaxCount, n), ...)).
    """

    focus: str  # the targets' patterns, a UNION of groups binding ?this (not made distinct)
    paths: tuple[str, ...]
    counts: tuple[tuple[_Shape, int, tuple[tuple[str, int], ...]], ...]
    shape: _Shape  # one of the shapes (they all have these targets)

    def distinct(self, p: int) -> bool:
        """Whether path ``p`` is counted with COUNT(DISTINCT): needed for an sh:minCount above 1 only."""
        return any(c == "MinCount" and n > 1 for _s, q, comps in self.counts if q == p for c, n in comps)


def _focus_union(shape: _Shape, subclasses) -> str:
    """The targets of a shape as a UNION of groups that bind ?this (duplicates left in)."""
    return _focus_pattern(shape, subclasses).removeprefix("{ SELECT DISTINCT ?this WHERE { ").removesuffix(" } }")


def _group_query(group: _Group) -> str:
    """One query for the counts of all the property shapes of one set of targets.

    It groups, by ?this, the UNION of the focus nodes (flagged with ?_isf) and the values of each path, and
    keeps the focus nodes whose number of values is out of bounds. There is no join: the focus nodes and each
    path's triples are read once and hashed once by ?this, instead of a hash join of the focus nodes with the
    pairs of each path, per shape. The values are counted with COUNT, not COUNT(DISTINCT) (half the cost):
    the union of the report graphs repeats a triple once per graph that has it, so a focus node over an
    sh:maxCount is only a candidate, recounted exactly in _group_rows; too few values (sh:minCount 1) is
    exact either way.
    """
    branches = [f"{{ {group.focus} BIND(1 AS ?_isf) }}"]
    counted = sorted({p for _shape, p, _comps in group.counts})
    for p in counted:
        branches.append(f"{{ ?this {group.paths[p]} ?_v{p} }}")
    heads = [f"(COUNT({'DISTINCT ' if group.distinct(p) else ''}?_v{p}) AS ?_n{p})" for p in counted]
    fails = []
    for _shape, p, comps in group.counts:
        for comp, n in comps:
            fails.append(f"COUNT({'DISTINCT ' if group.distinct(p) else ''}?_v{p}) {'<' if comp == 'MinCount' else '>'} {n}")
    return (f"SELECT ?this {' '.join(heads)} WHERE {{ {' UNION '.join(branches)} }} GROUP BY ?this "
            f"HAVING (COUNT(?_isf) > 0 && ({' || '.join(dict.fromkeys(fails))}))")


def _group_rows(store, group: _Group, rows, subclasses, *, union: bool) -> list[_RAW]:
    """The raw results of a group query's rows; a focus node with more values than an sh:maxCount allows
    is counted again with COUNT(DISTINCT), for those focus nodes only."""
    counts: dict[int, dict[str, int]] = {}  # path -> focus node -> number of values (exact or candidate)
    recount: dict[int, set[str]] = {}
    for row in rows:
        this = str(row["this"])
        for p in {q for _s, q, _c in group.counts}:
            n = int(row[f"_n{p}"].value)
            counts.setdefault(p, {})[this] = n
            if not group.distinct(p) and any(c == "MaxCount" and n > limit for _s, q, comps in group.counts
                                             if q == p for c, limit in comps):
                recount.setdefault(p, set()).add(this)
    for p, foci in recount.items():
        exact: dict[str, int] = {f: 0 for f in foci}
        if not all(f.startswith("<") for f in foci):  # a blank node cannot go in VALUES: every focus node
            q = (f"SELECT ?this (COUNT(DISTINCT ?_v) AS ?_n) WHERE {{ {{ {group.focus} BIND(1 AS ?_isf) }} UNION "
                 f"{{ ?this {group.paths[p]} ?_v }} }} GROUP BY ?this HAVING (COUNT(?_isf) > 0)")
            found = {str(r["this"]): int(r["_n"].value) for r in store.query(q, use_default_graph_as_union=union)}
            exact = {f: found.get(f, 0) for f in foci}
        else:
            for chunk in _chunks(sorted(foci)):
                q = (f"SELECT ?this (COUNT(DISTINCT ?_v) AS ?_n) WHERE {{ VALUES ?this {{ {' '.join(chunk)} }} "
                     f"?this {group.paths[p]} ?_v }} GROUP BY ?this")
                for r in store.query(q, use_default_graph_as_union=union):
                    exact[str(r["this"])] = int(r["_n"].value)
        counts[p].update(exact)
    out: list[_RAW] = []
    for shape, p, comps in group.counts:
        for this, n in counts.get(p, {}).items():
            for comp, limit in comps:
                if (n < limit) if comp == "MinCount" else (n > limit):
                    out.append((shape.iri, this, None, comp))
    return out


def _probe_test(shape: _Shape, comp: str, param: Any, subclasses, have: set[str]) -> tuple[str, str, set[str]]:
    """Like _fail_test, for _probe_query: (extra pattern, expression, the parts of ?value it reads).

    Every use of ?value in an expression reads the term from the store again (≈ 5 µs for an IRI or a long
    string), so the tests read it through three variables bound once per value: ?_dt = datatype(?value)
    (bound exactly for literals), ?_str = STR(?value) (bound unless a blank node) and ?_lang = lang(?value)
    (bound exactly for literals). ``have``: the parts the other tests read already (a node kind test reads
    ?value directly unless both its parts are read anyway: one read, not two)."""
    if comp == "Datatype":
        dt = param[1:-1]
        if dt in _CASTABLE:
            return "", f"!(BOUND(?_dt) && ?_dt = <{dt}> && COALESCE(isLiteral(<{dt}>(?_str)), false))", {"dt", "str"}
        return "", f"!(BOUND(?_dt) && ?_dt = <{dt}>)", {"dt"}
    if comp == "Pattern":
        flags = next((f for c, f in shape.constraints if c == "Flags"), "")
        return "", f"!BOUND(?_str) || !REGEX(?_str, {_lit(param)}, {_lit(flags)})", {"str"}
    if comp == "NodeKind":
        kind = param[1:-1].rsplit("#", 1)[-1]
        test, needs = {
            "IRI": ("(BOUND(?_str) && !BOUND(?_dt))", {"str", "dt"}),
            "Literal": ("BOUND(?_dt)", {"dt"}),
            "BlankNode": ("!BOUND(?_str)", {"str"}),
            "BlankNodeOrIRI": ("!BOUND(?_dt)", {"dt"}),
            "BlankNodeOrLiteral": ("(!BOUND(?_str) || BOUND(?_dt))", {"str", "dt"}),
            "IRIOrLiteral": ("BOUND(?_str)", {"str"}),
        }[kind]
        if needs <= have:
            return "", f"!{test}", needs
        extra, fail = _fail_test(shape, comp, param, subclasses)
        return extra, fail, set()
    if comp in ("MinInclusive", "MaxInclusive", "MinExclusive", "MaxExclusive"):
        op = {"MinInclusive": ">=", "MaxInclusive": "<=", "MinExclusive": ">", "MaxExclusive": "<"}[comp]
        return "", f"!BOUND(?_dt) || !COALESCE(?value {op} {param}, false)", {"dt"}
    if comp == "LanguageIn":
        test = " || ".join(f"langMatches(?_lang, {_lit(t)})" for t in param) or "false"
        return "", f"!(BOUND(?_lang) && ({test}))", {"lang"}
    extra, fail = _fail_test(shape, comp, param, subclasses)  # Class, In: they do not read the term
    return extra, fail, set()


def _probe_query(path: str, items: list[tuple[_Shape, _Plan]], subclasses) -> str:
    """Which of these shapes' value checks (all on ``path``) fail for some value of the path in the whole
    graph: one row per combination of ?_g0, ?_g1, ... (true: the shape has a failing value). Each distinct
    value is tested once, reading the term at most once per part (see _probe_test)."""
    tests: list[tuple[int, str, str, set[str]]] = []
    have: set[str] = set()
    for k, (shape, plan) in enumerate(items):
        for comp, param in plan[2]:
            if comp != "NodeKind":
                extra, fail, needs = _probe_test(shape, comp, param, subclasses, have)
                tests.append((k, extra, fail, needs))
                have |= needs
    for k, (shape, plan) in enumerate(items):
        for comp, param in plan[2]:
            if comp == "NodeKind":
                extra, fail, needs = _probe_test(shape, comp, param, subclasses, have)
                tests.append((k, extra, fail, needs))
    joins = []
    for i, (k, extra, fail, needs) in enumerate(tests):
        if extra:
            joins.append(extra.replace("?_okN", f"?_ok{i}"))
        tests[i] = (k, extra, fail.replace("?_okN", f"?_ok{i}"), needs)
    parts = {"dt": "BIND(datatype(?value) AS ?_dt)", "str": "BIND(STR(?value) AS ?_str)",
             "lang": "BIND(lang(?value) AS ?_lang)"}
    binds = [b for name, b in parts.items() if name in have]
    for k in range(len(items)):
        fails = [f"COALESCE({fail}, false)" for j, _e, fail, _n in tests if j == k]
        binds.append(f"BIND({' || '.join(fails)} AS ?_g{k})")
    flags = [f"?_g{k}" for k in range(len(items))]
    return (f"SELECT DISTINCT {' '.join(flags)} WHERE {{ {{ SELECT DISTINCT ?value WHERE {{ ?_subject {path} ?value }} }} "
            f"{' '.join(joins)} {' '.join(binds)} FILTER({' || '.join(flags)}) }}")


def _run_values(store, path: str, items: list[tuple[_Shape, _Plan]], subclasses, *, union: bool) -> list[_RAW]:
    """The "values" plans of the property shapes with this (simple) path: first the distinct values of the
    path are tested once, for every shape at once, over the whole graph (an entity's values are repeated in
    every report graph, and most checks find nothing); only for a shape with a failing value does its plan's
    query (the focus nodes joined with their values) say which focus nodes have them."""
    out: list[_RAW] = []
    failing: set[int] = set()
    values = f"{{ SELECT DISTINCT ?value WHERE {{ ?_subject {path} ?value }} }}"
    untyped: dict[str, bool] = {}  # sh:class (the same classes asked once): a value not typed, by a hashed MINUS
    for k, (shape, plan) in enumerate(items):
        for comp, param in plan[2]:
            if comp == "Class" and k not in failing:
                classes = " ".join(f"<{c}>" for c in subclasses(param[1:-1]))
                if classes not in untyped:
                    untyped[classes] = bool(store.query(
                        f"ASK {{ {values} MINUS {{ ?value <{RDF}type> ?_vc . VALUES ?_vc {{ {classes} }} }} }}",
                        use_default_graph_as_union=union))
                if untyped[classes]:
                    failing.add(k)
    rest = [k for k, (_shape, plan) in enumerate(items)
            if k not in failing and any(comp != "Class" for comp, _param in plan[2])]
    if rest:
        probe = [(shape, ("values", "", tuple(c for c in plan[2] if c[0] != "Class"))) for shape, plan in
                 (items[k] for k in rest)]
        for row in store.query(_probe_query(path, probe, subclasses), use_default_graph_as_union=union):
            failing.update(k for i, k in enumerate(rest) if row[f"_g{i}"] is not None and row[f"_g{i}"].value == "true")
    for k in sorted(failing):
        shape, plan = items[k]
        out.extend(_raw_rows(shape, plan, store.query(plan[1], use_default_graph_as_union=union)))
    return out


_FOCUS_MARK = "{ FOCUS }"
CANDIDATES_MAX = 5_000  # more candidate focus nodes than this: the query joined with the focus nodes instead


def _candidates(shape: _Shape, plan: _Plan, subclasses) -> str | None:
    """A "rows" plan's query without its focus nodes, where they are a separate group joined with the rest
    (its rows then are a superset: each row's ?this is checked against the targets afterwards)."""
    comps = plan[2]
    if len(comps) != 1:
        return None
    comp, param = comps[0]
    if comp == "SPARQL":
        prefixes, select = param
        inner = select.replace("$this", "?this").replace("$PATH", shape.path or "")
        marked = _plan_sparql(_FOCUS_MARK, prefixes, inner)
        head = f"{prefixes}SELECT DISTINCT ?this ?value WHERE {{ {_FOCUS_MARK} "
        if marked.startswith(head) and marked.count(_FOCUS_MARK) == 1:
            return marked.replace(_FOCUS_MARK, "", 1)
        return None
    focus = _focus_pattern(shape, subclasses)
    if comp == "UniqueLang" and plan[1].startswith(f"SELECT DISTINCT ?this WHERE {{ {focus} {{ SELECT ?this WHERE"):
        return plan[1].replace(focus, "", 1)
    return None


def _focus_members(store, shape: _Shape, nodes: list[str], subclasses, *, union: bool) -> set[str]:
    """Which of these nodes (IRIs or literals, N-Triples) are focus nodes of the shape."""
    body = _focus_union(shape, subclasses)
    out: set[str] = set()
    for chunk in _chunks(nodes):
        q = f"SELECT ?this WHERE {{ VALUES ?this {{ {' '.join(chunk)} }} FILTER EXISTS {{ {body} }} }}"
        out.update(str(r["this"]) for r in store.query(q, use_default_graph_as_union=union))
    return out


def _run_rows(store, shape: _Shape, plan: _Plan, candidates: str | None, subclasses, *, union: bool) -> list[_RAW]:
    """A "rows" plan: its query without the focus nodes first, the few rows it finds checked against the
    targets; the query as planned (joined with the focus nodes) when there are many or blank nodes."""
    if candidates is not None:
        rows = list(store.query(candidates, use_default_graph_as_union=union))
        nodes = sorted({str(r["this"]) for r in rows})
        if len(nodes) <= CANDIDATES_MAX and all(n.startswith("<") for n in nodes):  # IRIs, for VALUES
            members = _focus_members(store, shape, nodes, subclasses, union=union) if nodes else set()
            return list(_raw_rows(shape, plan, [r for r in rows if str(r["this"]) in members]))
    return list(_raw_rows(shape, plan, store.query(plan[1], use_default_graph_as_union=union)))


@dataclass(frozen=True)
class _Values:
    """The value checks of every property shape with this (simple) path: see _run_values."""

    path: str
    items: tuple[tuple[_Shape, _Plan], ...]


def _plan_all(shapes: Shapes, subclasses) -> tuple[list[_Group], list[_Values], list[tuple[_Shape, _Plan, str | None]]]:
    """The group queries (counts of property shapes with simple paths, by targets), the value checks by
    path, and the other plans (one shape each: node shapes, other paths, sh:hasValue, sh:uniqueLang,
    sh:sparql), each "rows" plan with its query without the focus nodes where it has one (see _candidates)."""
    groups: dict[tuple, dict] = {}
    values: dict[str, list[tuple[_Shape, _Plan]]] = {}
    rest: list[tuple[_Shape, _Plan, str | None]] = []
    for shape in shapes.shapes:
        if shape.deactivated or not shape.targets:
            continue
        plans = _queries(shape, subclasses)
        simple = shape.path is not None and _SIMPLE_PATH.fullmatch(shape.path)
        for plan in plans:
            if plan[0] == "count" and simple:
                g = groups.setdefault(shape.targets, {"focus": _focus_union(shape, subclasses), "paths": {},
                                                      "counts": [], "shape": shape})
                p = g["paths"].setdefault(shape.path, len(g["paths"]))
                g["counts"].append((shape, p, plan[2]))
            elif plan[0] == "values" and simple:
                values.setdefault(shape.path, []).append((shape, plan))
            else:
                rest.append((shape, plan, _candidates(shape, plan, subclasses) if plan[0] == "rows" else None))
    out = [_Group(focus=g["focus"], paths=tuple(g["paths"]), counts=tuple(g["counts"]), shape=g["shape"])
           for g in groups.values()]
    return out, [_Values(path, tuple(items)) for path, items in values.items()], rest


# Tokens of a SPARQL constraint's query, enough to see its basic graph pattern: strings, IRIs, variables,
# prefixed names and punctuation. Anything else makes _plan_sparql leave the query as it is.
_TOKEN = re.compile(r'''\s+|#[^\n]*|(?P<tok>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
                    r'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|[?$][A-Za-z0-9_]+'''
                    r'''|[A-Za-z][A-Za-z0-9_-]*(?::(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?)?|:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?|[0-9]+|&&|\|\||!=|<=|>=|.)''',
                    re.S)
_TERM = re.compile(r"[?$][A-Za-z0-9_]+|<[^>]*>|[A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9_.-]*|:[A-Za-z0-9_.-]+|a")


def _tokens(text: str) -> tuple[list[str], list[int], list[int]] | None:
    """The tokens of a query, with where each starts and ends in the text."""
    out, starts, ends, at = [], [], [], 0
    while at < len(text):
        m = _TOKEN.match(text, at)
        if m is None:
            return None
        if m.group("tok") is not None:
            out.append(m.group("tok"))
            starts.append(m.start("tok"))
            ends.append(m.end("tok"))
        at = m.end()
    return out, starts, ends


def _balanced(toks: list[str], i: int, open_: str, close: str) -> int:
    """The index after the bracket that closes toks[i] (== open_)."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j] == open_:
            depth += 1
        elif toks[j] == close:
            depth -= 1
            if depth == 0:
                return j + 1
    raise ValueError("unbalanced")


_IN_FILTER = re.compile(r"FILTER\s*\(\s*([?$][A-Za-z0-9_]+)\s+IN\s*\(([^()]*)\)\s*\)", re.I)
_IRI_OR_NAME = re.compile(r"<[^<>\"{}|^`\\\s]*>|[A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def _in_as_values(text: str, bound: set[str]) -> str:
    """``FILTER (?v IN (iri, ...))`` on a variable that every row binds, as ``VALUES ?v { iri ... }``: the same
    rows (IN compares IRIs by identity), found by one index lookup per IRI instead of a scan of every value
    (``?value a ?class . FILTER (?class IN (...))`` otherwise reads every rdf:type triple). Other text as is."""
    m = _IN_FILTER.fullmatch(text.strip())
    if m is None or "?" + m.group(1)[1:] not in bound:
        return text
    items = [x.strip() for x in m.group(2).split(",")]
    if not items or not all(_IRI_OR_NAME.fullmatch(x) for x in items):
        return text
    return f"VALUES ?{m.group(1)[1:]} {{ {' '.join(items)} }}"


_STR_DIFFERS = re.compile(r"FILTER\s*\(\s*STR\s*\(\s*([?$][A-Za-z0-9_]+)\s*\)\s*!=\s*STR\s*\(\s*([?$][A-Za-z0-9_]+)\s*\)\s*\)",
                          re.I)


def _same_first(text: str) -> str:
    """``FILTER (STR(?a) != STR(?b))`` as ``FILTER (!sameTerm(?a, ?b) && STR(?a) != STR(?b))``: the same
    answer (the same term has the same string; an unbound or blank term is an error either way), but the
    common case, the same term, is decided on the stored ids without reading both strings from the store."""
    m = _STR_DIFFERS.fullmatch(text.strip())
    if m is None:
        return text
    a, b = m.group(1), m.group(2)
    return f"FILTER (!sameTerm({a}, {b}) && STR({a}) != STR({b}))"


def _plan_sparql(focus: str, prefixes: str, inner: str) -> str:
    """The query for a SPARQL-based constraint (``inner``: its SELECT with ``?this`` for ``$this``).

    The plain form joins the focus nodes with the constraint's own query, which Oxigraph evaluates on the
    whole graph first. Two rewrites keep the answers and change the plan, where the query is a SELECT of
    variables over triple patterns (``;`` and ``,`` allowed, terms only: no paths, literals or blank nodes)
    and FILTERs, and nothing else:

    - it reads the class of the focus node with a variable (``?this a ?class``, which otherwise lists the
      type of everything): the focus nodes go into the query, first, so that each pattern is looked up for
      them only;
    - otherwise each triple pattern with a fixed predicate becomes a subquery, so that they are joined by
      hashing instead of one index lookup per row and pattern (the patterns of a BGP are joined either way).
    """
    plain = f"{prefixes}SELECT DISTINCT ?this ?value WHERE {{ {focus} {{ {inner} }} }}"
    tokens = _tokens(inner)
    if not tokens or not tokens[0] or tokens[0][0].upper() != "SELECT":
        return plain
    toks, starts, ends = tokens
    try:
        where = toks.index("{")
    except ValueError:
        return plain
    head = toks[1:where]
    if head and head[-1].upper() == "WHERE":
        head = head[:-1]
    if head and head[0].upper() in ("DISTINCT", "REDUCED"):
        head = head[1:]
    if not head or not all(re.fullmatch(r"[?$][A-Za-z0-9_]+", t) for t in head):
        return plain
    try:
        if _balanced(toks, where, "{", "}") != len(toks):  # GROUP BY, ORDER BY, LIMIT ... after the pattern
            return plain
    except ValueError:
        return plain
    class _NoPlan(Exception):
        pass

    def group(lo: int, hi: int) -> tuple[list[tuple[str, str, str]], list[tuple[str, tuple[int, int] | None, int, int]]]:
        """Triple patterns and FILTERs of the tokens lo..hi: (s, p, o) and (text, NOT EXISTS body, first, end)."""
        triples: list[tuple[str, str, str]] = []
        filters: list[tuple[str, tuple[int, int] | None, int, int]] = []
        i = lo
        try:
            while i < hi:
                t = toks[i]
                if t == ".":
                    i += 1
                elif t.upper() == "FILTER":
                    j = i + 1
                    inside = None
                    if toks[j] == "(":
                        end = _balanced(toks, j, "(", ")")
                    elif toks[j].upper() == "NOT" and toks[j + 1].upper() == "EXISTS" and toks[j + 2] == "{":
                        end = _balanced(toks, j + 2, "{", "}")
                        inside = (j + 3, end - 1)
                    elif toks[j].upper() == "EXISTS" and toks[j + 1] == "{":
                        end = _balanced(toks, j + 1, "{", "}")
                        inside = (-1, -1)  # EXISTS: never rewritten
                    else:
                        raise _NoPlan
                    if end > hi:
                        raise _NoPlan
                    filters.append((inner[starts[i]:ends[end - 1]], inside, i, end))
                    i = end
                elif _TERM.fullmatch(t) and t != "a":
                    subject = t
                    i += 1
                    while True:
                        pred, obj = toks[i], toks[i + 1]
                        if i + 1 >= hi or not (_TERM.fullmatch(pred) and _TERM.fullmatch(obj)) or obj == "a":
                            raise _NoPlan
                        triples.append((subject, pred, obj))
                        i += 2
                        while i < hi and toks[i] == ",":
                            if i + 1 >= hi or not _TERM.fullmatch(toks[i + 1]) or toks[i + 1] == "a":
                                raise _NoPlan
                            triples.append((subject, pred, toks[i + 1]))
                            i += 2
                        if i < hi and toks[i] == ";":
                            i += 1
                            if i < hi and _TERM.fullmatch(toks[i]) and toks[i] != "a" or i < hi and toks[i] == "a":
                                continue
                        break
                else:
                    raise _NoPlan
        except (IndexError, ValueError):
            raise _NoPlan from None
        return triples, filters

    def variables(items) -> set[str]:
        return {"?" + x[1:] for t in items for x in t if x.startswith(("?", "$"))}

    def minus(text_inside: tuple[int, int], outer: set[str]) -> str | None:
        """FILTER NOT EXISTS { P } as MINUS { SELECT DISTINCT shared WHERE { P } }, where that is the same:
        P is triple patterns with fixed predicates and FILTERs on P's own variables only, and shares a
        variable with the outer triple patterns (all bound in every outer row). Evaluated once and hashed,
        instead of once per row (an entity's labels are repeated in every report graph)."""
        try:
            sub, subfilters = group(*text_inside)
        except _NoPlan:
            return None
        if not sub or any(p.startswith(("?", "$")) for _s, p, _o in sub) or any(f[1] is not None for f in subfilters):
            return None
        own = variables(sub)
        for _text, _inside, first, end in subfilters:
            used = {"?" + t[1:] for t in toks[first:end] if re.fullmatch(r"[?$][A-Za-z0-9_]+", t)}
            if not used <= own:
                return None
        shared = sorted(own & outer)
        if not shared:
            return None
        pattern = " . ".join(f"{a} {b} {c}" for a, b, c in sub)
        return (f"MINUS {{ SELECT DISTINCT {' '.join(shared)} WHERE {{ {pattern} . "
                f"{' '.join(_in_as_values(f[0], own) for f in subfilters)} }} }}")

    try:
        triples, found = group(where + 1, len(toks) - 1)
    except _NoPlan:
        return plain
    if not triples:
        return plain
    outer = variables(triples)
    filters: list[str] = []
    minuses: list[str] = []
    for text, inside, _first, _end in found:
        m = minus(inside, outer) if inside is not None and inside[0] >= 0 else None
        if m is None:
            filters.append(_same_first(text))
        else:
            minuses.append(m)
    filters += minuses  # MINUS binds nothing: after the FILTERs, as they apply to the whole group anyway
    select = inner[:starts[where]]
    rdf_type = (f"<{RDF}type>", "a", "rdf:type")
    if any(s == "?this" and p in rdf_type and o.startswith(("?", "$")) for s, p, o in triples):
        # The matches of the triple patterns are made distinct before the FILTERs: the union of the report
        # graphs repeats an entity's type once per report, and each repetition ran the FILTERs again.
        pattern = " . ".join(f"{s} {p} {o}" for s, p, o in triples)
        names = " ".join(dict.fromkeys(x for t in triples for x in t if x.startswith(("?", "$"))))
        return (f"{prefixes}SELECT DISTINCT ?this ?value WHERE {{ {{ {select} {{ {{ SELECT DISTINCT {names} WHERE "
                f"{{ {focus} {pattern} }} }} {' '.join(filters)} }} }} }}")
    parts = []
    for s, p, o in triples:
        names = [x for x in dict.fromkeys((s, p, o)) if x.startswith(("?", "$"))]
        if p.startswith(("?", "$")) or not names:
            parts.append(f"{s} {p} {o} .")
        else:
            parts.append(f"{{ SELECT {' '.join(names)} WHERE {{ {s} {p} {o} }} }}")
    return (f"{prefixes}SELECT DISTINCT ?this ?value WHERE {{ {focus} {{ {select} {{ {' '.join(parts)} "
            f"{' '.join(filters)} }} }} }}")


def _raw_rows(shape: _Shape, plan: _Plan, rows) -> Iterable[_RAW]:
    kind, _query, comps = plan
    if kind == "count":
        for row in rows:
            n = int(row["_n"].value)
            for comp, limit in comps:
                if (n < limit) if comp == "MinCount" else (n > limit):
                    yield (shape.iri, str(row["this"]), None, comp)
    elif kind == "values":
        for row in rows:
            for i, (comp, _param) in enumerate(comps):
                flag = row[f"_f{i}"]
                if flag is not None and flag.value == "true":
                    yield (shape.iri, str(row["this"]), str(row["value"]), comp)
    else:
        comp = comps[0][0]
        value_too = comp not in ("HasValue", "UniqueLang")
        for row in rows:
            v = row["value"] if value_too else None
            yield (shape.iri, str(row["this"]), str(v) if v is not None else None, comp)


def _sparql_engine(store, shapes: Shapes, *, union: bool) -> set[_RAW]:
    subclass_cache: dict[str, tuple[str, ...]] = {}

    def subclasses(c: str) -> tuple[str, ...]:
        if c not in subclass_cache:
            q = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* <{c}> }}"
            found = {r["c"].value for r in store.query(q, use_default_graph_as_union=union)
                     if hasattr(r["c"], "value") and not str(r["c"]).startswith("_:")}
            subclass_cache[c] = tuple(sorted(found | {c}))
        return subclass_cache[c]

    groups, values, rest = _plan_all(shapes, subclasses)
    # the long queries first, so that the two threads end together: the groups with the most target classes
    # and paths and the SPARQL constraints that join the most patterns, then the value checks (one probe
    # each, mostly quick)
    def weight(item) -> int:
        if isinstance(item, _Group):
            return item.focus.count(" UNION ") + 1 + len(item.paths)
        return item[1][1].count("SELECT")

    work: list[Any] = sorted([*groups, *(r for r in rest if r[1][0] == "rows")], key=lambda item: -weight(item))
    work += [*values, *(r for r in rest if r[1][0] != "rows")]

    def run(item) -> list[_RAW]:
        if isinstance(item, _Group):
            try:
                result = store.query(_group_query(item), use_default_graph_as_union=union)
                return _group_rows(store, item, result, subclasses, union=union)
            except SyntaxError as err:  # a bug in the compiler (or a shape's parameter): say which shapes
                names = ", ".join(sorted({s.iri for s, _p, _c in item.counts}))
                raise UnsupportedShapeError(f"{names}: the compiled SPARQL query is invalid: {err}") from None
        if isinstance(item, _Values):
            try:
                return _run_values(store, item.path, list(item.items), subclasses, union=union)
            except SyntaxError as err:
                names = ", ".join(sorted({s.iri for s, _p in item.items}))
                raise UnsupportedShapeError(f"{names}: the compiled SPARQL query is invalid: {err}") from None
        shape, plan, candidates = item
        try:
            if plan[0] == "rows":
                return _run_rows(store, shape, plan, candidates, subclasses, union=union)
            return list(_raw_rows(shape, plan, store.query(plan[1], use_default_graph_as_union=union)))
        except SyntaxError as err:  # a bug in a shape's SPARQL or in the compiler: say which shape
            raise UnsupportedShapeError(f"{shape.iri}: the compiled SPARQL query is invalid: {err}") from None

    # pyoxigraph lets go of the GIL while it evaluates a query: two threads keep two cores busy
    raw: set[_RAW] = set()
    threads = min(QUERY_THREADS, os.cpu_count() or 1)
    if threads > 1 and len(work) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads) as pool:
            for rows in pool.map(run, work):
                raw.update(rows)
    else:
        for item in work:
            raw.update(run(item))
    return raw


# ---------------------------------------------------------------------------------------------------
# The pySHACL engine (reference)
# ---------------------------------------------------------------------------------------------------


def _pyshacl_engine(data_graph, shapes: Shapes) -> set[_RAW]:
    import pyshacl
    import rdflib

    S = rdflib.Namespace(SH)
    _conforms, results, text = pyshacl.validate(
        data_graph, shacl_graph=shapes.graph, inference="none", advanced=False, meta_shacl=False,
        do_owl_imports=False, js=False, abort_on_first=False, allow_warnings=False, allow_infos=False,
    )
    if not isinstance(results, rdflib.Graph):  # pySHACL could not run the shapes (it returns a failure object)
        first = str(text).strip().splitlines()[:3]
        raise InputError("pySHACL cannot run these shapes: " + " ".join(first),
                         path=", ".join(shapes.files) if len(shapes.files) == 1 else None,
                         hint="check the shapes with --engine sparql, which names the unsupported part")
    raw: set[_RAW] = set()
    for r in results.subjects(rdflib.RDF.type, S.ValidationResult):
        shape = results.value(r, S.sourceShape)
        focus = results.value(r, S.focusNode)
        value = results.value(r, S.value)
        comp = str(results.value(r, S.sourceConstraintComponent)).rsplit("#", 1)[-1]
        comp = comp.removesuffix("ConstraintComponent")
        raw.add((str(shape), _nt_from_rdflib(focus), _nt_from_rdflib(value) if value is not None else None, comp))
    return raw


# ---------------------------------------------------------------------------------------------------
# validate(): one call for every kind of input
# ---------------------------------------------------------------------------------------------------


def validate(
    data,
    *,
    shapes: Path | Sequence[Path] | Shapes | None = None,
    engine: str = "sparql",
) -> ValidationReport:
    """Validate ``data`` against the shapes (default: the bundled ``shapes/``).

    ``data`` is a pyoxigraph ``Store`` (the kg store: the union of its named graphs is validated), an rdflib
    ``Graph``, or a list of RDF file paths (merged into one graph). Raises :class:`InputError` for a file
    that is missing or does not parse, :class:`UnsupportedShapeError` when the SPARQL engine cannot compile
    a shape.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; one of: {', '.join(ENGINES)}")
    sh = shapes if isinstance(shapes, Shapes) else load_shapes(shapes)
    store, union = _as_store(data)
    if engine == "sparql":
        raw = _sparql_engine(store, sh, union=union)
    else:
        raw = _pyshacl_engine(_as_rdflib(data, store, union), sh)
    return _report(raw, sh, store, union=union, engine=engine)


def _as_store(data):
    """(pyoxigraph store, whether to query the union of its named graphs)."""
    ox = _ox()
    if isinstance(data, ox.Store):
        return data, True
    if isinstance(data, (str, Path)):
        data = [Path(data)]
    if isinstance(data, (list, tuple)):
        return load_files([Path(p) for p in data]), False
    import rdflib

    if isinstance(data, rdflib.Graph):
        store = ox.Store()
        nt = data.serialize(format="nt", encoding="utf-8")
        store.load(nt, format=ox.RdfFormat.N_TRIPLES)
        return store, False
    raise TypeError(f"validate() takes a pyoxigraph Store, an rdflib Graph or file paths, not {type(data).__name__}")


def _as_rdflib(data, store, union: bool):
    import rdflib

    if isinstance(data, rdflib.Graph) and not isinstance(data, rdflib.Dataset):
        return data
    ox = _ox()
    g = rdflib.Graph()
    nt = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=union).serialize(
        format=ox.RdfFormat.N_TRIPLES)
    g.parse(data=nt, format="nt")
    return g


def _report(raw: set[_RAW], sh: Shapes, store, *, union: bool, engine: str) -> ValidationReport:
    by_iri = sh.by_iri()
    foci = sorted({f for _, f, _, _ in raw})
    labels, sources = _describe_threads(store, foci, union=union)
    findings = []
    for shape_iri, focus, value, comp in raw:
        s = by_iri.get(shape_iri)
        if s is None:  # a blank-node shape in pySHACL's results: cannot happen with kg's shapes
            continue
        findings.append(Finding(
            severity=s.severity, shape=shape_iri, shape_name=s.name_nl, focus=focus, focus_label=labels.get(focus),
            path=s.path, value=value, message_nl=s.message_nl, message_en=s.message_en,
            source=sources.get(focus, Source()), component=f"{SH}{comp}ConstraintComponent",
        ))
    findings.sort(key=Finding.sort_key)
    return ValidationReport(findings=tuple(findings), engine=engine, shapes=sh.files,
                            shape_names={s.iri: s.name_nl for s in sh.shapes})


_DESCRIBE = f"""
PREFIX kg: <{KG}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <{DCT}>
PREFIX rdfs: <{RDFS}>
SELECT ?focus
  (MIN(STR(?report)) AS ?r) (MIN(STR(?section)) AS ?s) (MIN(STR(?sentence)) AS ?z)
WHERE {{
  VALUES ?focus {{ %s }}
  BIND(IRI(REPLACE(STR(?focus), "#.*$", "")) AS ?anchor0)
  OPTIONAL {{ ?m kg:refersTo ?focus }}
  BIND(COALESCE(?m, ?anchor0) AS ?anchor)
  OPTIONAL {{ ?anchor kg:inReport ?r1 }}
  OPTIONAL {{ ?anchor kg:inSection ?s1 }}
  OPTIONAL {{ ?anchor kg:inSentence ?z1 }}
  OPTIONAL {{ ?f kg:cites ?focus ; dcterms:isPartOf ?r2 }}
  OPTIONAL {{ ?anchor dcterms:isPartOf* ?s2 . ?s2 a kg:Section }}
  OPTIONAL {{ ?anchor dcterms:isPartOf* ?r3 . ?r3 a kg:Report }}
  OPTIONAL {{ ?anchor a kg:Sentence . BIND(?anchor AS ?z2) }}
  BIND(COALESCE(?r1, ?r2, ?r3) AS ?report)
  BIND(COALESCE(?s1, ?s2) AS ?section)
  BIND(COALESCE(?z1, ?z2) AS ?sentence)
}} GROUP BY ?focus
"""

# Where a focus node comes from, the common case: it is named by mentions that each give their report,
# section and sentence directly. The numbers of mention rows lacking one of them (?nr, ?ns, ?nz) say whether
# the case applies; if not (or the focus has no mention), _DESCRIBE answers for that focus node. Where it
# applies, this gives what _DESCRIBE gives (its COALESCEs then always take the direct value) without its
# isPartOf* paths and citing footnotes, which multiplied the rows per mention (N = 100: minutes).
_DESCRIBE_MENTIONS = f"""
PREFIX kg: <{KG}>
SELECT ?focus
  (MIN(STR(?r1)) AS ?r) (MIN(STR(?s1)) AS ?s) (MIN(STR(?z1)) AS ?z)
  (SUM(IF(BOUND(?r1), 0, 1)) AS ?nr) (SUM(IF(BOUND(?s1), 0, 1)) AS ?ns) (SUM(IF(BOUND(?z1), 0, 1)) AS ?nz)
WHERE {{
  VALUES ?focus {{ %s }}
  ?m kg:refersTo ?focus .
  OPTIONAL {{ ?m kg:inReport ?r1 }}
  OPTIONAL {{ ?m kg:inSection ?s1 }}
  OPTIONAL {{ ?m kg:inSentence ?z1 }}
}} GROUP BY ?focus
"""

_NL_LABEL = f"""
PREFIX skos: <{SKOS}>
SELECT ?focus (SAMPLE(?label) AS ?l) WHERE {{
  VALUES ?focus {{ %s }}
  ?focus skos:prefLabel ?label . FILTER(lang(?label) = "nl")
}} GROUP BY ?focus
"""

_LABELS = f"""
PREFIX kg: <{KG}>
PREFIX dcterms: <{DCT}>
PREFIX rdfs: <{RDFS}>
SELECT ?x (SAMPLE(?t) AS ?title) (SAMPLE(?n) AS ?number) (SAMPLE(?txt) AS ?text) WHERE {{
  VALUES ?x {{ %s }}
  OPTIONAL {{ ?x dcterms:title ?t }}
  OPTIONAL {{ ?x kg:number ?n }}
  OPTIONAL {{ ?x kg:text ?txt }}
}} GROUP BY ?x
"""

_FALLBACK_LABEL = f"""
PREFIX kg: <{KG}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <{DCT}>
PREFIX rdfs: <{RDFS}>
SELECT ?x (SAMPLE(COALESCE(?a, ?b, ?c, ?d)) AS ?label) WHERE {{
  VALUES ?x {{ %s }}
  OPTIONAL {{ ?x skos:prefLabel ?a }}
  OPTIONAL {{ ?x dcterms:title ?b }}
  OPTIONAL {{ ?x rdfs:label ?c }}
  OPTIONAL {{ ?x kg:surfaceForm ?d }}
}} GROUP BY ?x
"""


def _chunks(items: list[str], n: int = 400) -> Iterable[list[str]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


_ERROR = object()  # STR() of a blank node: an error, which makes _DESCRIBE's MIN unbound


def _str(term) -> Any:
    return _ERROR if isinstance(term, _ox().BlankNode) else term.value


def _pairs(store, query: str, items: list[str], *, union: bool, value: bool = True) -> dict[str, set]:
    """{?k: {STR(?x), ...}} of a query with ``%s`` for the VALUES of ?k (without ``value``: {True})."""
    out: dict[str, set] = {}
    for chunk in _chunks(items):
        for row in store.query(query % " ".join(chunk), use_default_graph_as_union=union):
            out.setdefault(str(row["k"]), set()).add(_str(row["x"]) if value else True)
    return out


def _where_by_parts(store, foci: list[str], *, union: bool) -> dict[str, tuple]:
    """What _DESCRIBE gives for these focus nodes (IRIs), from one small query per part of it.

    _DESCRIBE's OPTIONALs make, per focus node, every combination of its anchors' values (the mentions that
    name it, else its IRI without the fragment), the citing footnotes' parts and the isPartOf* ancestors;
    each of report, section and sentence is the first bound of its COALESCE, and MIN(STR(...)) over the rows
    is unbound (Oxigraph) when one row leaves it unbound or STR fails. Evaluated as one query, Oxigraph
    follows isPartOf* from every node of the graph; here each part is looked up for the anchors only.
    """
    pre = f"PREFIX kg: <{KG}>\nPREFIX dcterms: <{DCT}>\n"
    mentions = _pairs(store, pre + "SELECT ?k ?x WHERE { VALUES ?k { %s } ?m kg:refersTo ?k . BIND(?m AS ?x) }",
                      foci, union=union)
    out: dict[str, tuple] = {}
    anchors: dict[str, list[str]] = {}
    for f in foci:
        found = mentions.get(f)
        if found is None:
            anchors[f] = ["<" + re.sub(r"#.*$", "", f[1:-1]) + ">"]
        elif all(isinstance(m, str) for m in found):
            anchors[f] = [f"<{m}>" for m in sorted(found)]
        else:  # a mention that is a blank node cannot go in VALUES: the query itself, for this focus node
            for row in store.query(_DESCRIBE % f, use_default_graph_as_union=union):
                out[f] = tuple(row[k].value if row[k] is not None else None for k in ("r", "s", "z"))
    every = sorted({a for f, items in anchors.items() for a in items})
    r1 = _pairs(store, pre + "SELECT ?k ?x WHERE { VALUES ?k { %s } ?k kg:inReport ?x }", every, union=union)
    s1 = _pairs(store, pre + "SELECT ?k ?x WHERE { VALUES ?k { %s } ?k kg:inSection ?x }", every, union=union)
    z1 = _pairs(store, pre + "SELECT ?k ?x WHERE { VALUES ?k { %s } ?k kg:inSentence ?x }", every, union=union)
    s2 = _pairs(store, pre + "SELECT ?k ?x WHERE { VALUES ?k { %s } ?k dcterms:isPartOf* ?x . ?x a kg:Section }",
                every, union=union)
    r3 = _pairs(store, pre + "SELECT ?k ?x WHERE { VALUES ?k { %s } ?k dcterms:isPartOf* ?x . ?x a kg:Report }",
                every, union=union)
    z2 = _pairs(store, pre + "SELECT ?k WHERE { VALUES ?k { %s } ?k a kg:Sentence }", every, union=union, value=False)
    r2 = _pairs(store, pre + "SELECT ?k ?x WHERE { VALUES ?k { %s } ?f kg:cites ?k ; dcterms:isPartOf ?x }",
                list(anchors), union=union)

    def least(choices: list[set]) -> Any:
        values: set = set()
        for found in choices:
            if not found or _ERROR in found:
                return None
            values |= found
        return min(values)

    for f, items in anchors.items():
        report = least([r1.get(a) or r2.get(f) or r3.get(a) or set() for a in items])
        section = least([s1.get(a) or s2.get(a) or set() for a in items])
        sentence = least([z1.get(a) or ({a[1:-1]} if a in z2 else set()) for a in items])
        out[f] = (report, section, sentence)
    return out


def _describe_threads(store, foci: list[str], *, union: bool) -> tuple[dict[str, str], dict[str, Source]]:
    """_describe in QUERY_THREADS threads, each for a share of the focus nodes (each focus node is described
    on its own, so the answer is the same)."""
    threads = min(QUERY_THREADS, os.cpu_count() or 1)
    if threads < 2 or len(foci) < 2 * 400:
        return _describe(store, foci, union=union)
    from concurrent.futures import ThreadPoolExecutor

    shares = [foci[i::threads] for i in range(threads)]
    labels: dict[str, str] = {}
    sources: dict[str, Source] = {}
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for found_labels, found_sources in pool.map(lambda share: _describe(store, share, union=union), shares):
            labels.update(found_labels)
            sources.update(found_sources)
    return labels, sources


def _describe(store, foci: list[str], *, union: bool) -> tuple[dict[str, str], dict[str, Source]]:
    """Labels of the focus nodes and where each comes from in a report (report, section, sentence)."""
    labels: dict[str, str] = {}
    where: dict[str, tuple[str | None, str | None, str | None]] = {}
    iris = [f for f in foci if f.startswith("<")]
    for chunk in _chunks(iris):
        vals = " ".join(chunk)
        # Labels in a query of their own: joined with the mentions, the label (repeated in every report
        # that names the entity) multiplied the rows by the number of reports.
        for row in store.query(_NL_LABEL % vals, use_default_graph_as_union=union):
            f = str(row["focus"])
            if f not in labels:
                labels[f] = row["l"].value
        rest = set(chunk)
        for row in store.query(_DESCRIBE_MENTIONS % vals, use_default_graph_as_union=union):
            if any(int(row[k].value) for k in ("nr", "ns", "nz")):
                continue
            f = str(row["focus"])
            where[f] = tuple(row[k].value for k in ("r", "s", "z"))  # type: ignore
            rest.discard(f)
        if rest:
            where.update(_where_by_parts(store, sorted(rest), union=union))
        missing = [f for f in chunk if f not in labels]
        if missing:
            for row in store.query(_FALLBACK_LABEL % " ".join(missing), use_default_graph_as_union=union):
                if row["label"] is not None:
                    labels[str(row["x"])] = row["label"].value
    parts = sorted({x for w in where.values() for x in w if x})
    info: dict[str, tuple[str | None, str | None, str | None]] = {}
    for chunk in _chunks([f"<{p}>" for p in parts]):
        for row in store.query(_LABELS % " ".join(chunk), use_default_graph_as_union=union):
            info[row["x"].value] = tuple(row[k].value if row[k] is not None else None  # type: ignore
                                         for k in ("title", "number", "text"))
    sources: dict[str, Source] = {}
    for f, (r, s, z) in where.items():
        if not (r or s or z):
            continue
        sec_label = None
        if s:
            title, number, _ = info.get(s, (None, None, None))
            sec_label = " ".join(x for x in (number, title) if x) or None
        sources[f] = Source(
            report=r, report_title=info.get(r, (None,))[0] if r else None,
            section=s, section_label=sec_label,
            sentence=z, sentence_text=info.get(z, (None, None, None))[2] if z else None,
        )
    return labels, sources


# ---------------------------------------------------------------------------------------------------
# Renderers
# ---------------------------------------------------------------------------------------------------

_SEV_HEAD = {Severity.VIOLATION: "OVERTREDING", Severity.WARNING: "WAARSCHUWING", Severity.INFO: "MELDING"}


def render(report: ValidationReport, fmt: str, *, threshold: Severity = Severity.VIOLATION,
           data_label: str | None = None) -> str:
    """The report as text (for people), turtle (SHACL report), json, junit (XML) or github (annotations)."""
    if fmt == "text":
        return render_text(report, threshold=threshold)
    if fmt == "turtle":
        return render_turtle(report)
    if fmt == "json":
        return render_json(report, threshold=threshold)
    if fmt == "junit":
        return render_junit(report, threshold=threshold)
    if fmt == "github":
        return render_github(report, threshold=threshold, file=data_label)
    raise UsageError(f"unknown format {fmt!r}; one of: {', '.join(FORMATS)}")


def _groups(report: ValidationReport) -> list[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = {}
    for f in report.findings:
        groups.setdefault(f.shape, []).append(f)
    return sorted(groups.items(), key=lambda kv: (-kv[1][0].severity, kv[0]))


def _summary_nl(report: ValidationReport) -> str:
    v, w, i = (report.count(s) for s in (Severity.VIOLATION, Severity.WARNING, Severity.INFO))
    return (f"{v} {'overtreding' if v == 1 else 'overtredingen'}, "
            f"{w} {'waarschuwing' if w == 1 else 'waarschuwingen'}, {i} {'melding' if i == 1 else 'meldingen'}")


def render_text(report: ValidationReport, *, threshold: Severity = Severity.VIOLATION) -> str:
    """For policy staff: grouped by shape, the Dutch message, each thing's name and where it comes from."""
    out: list[str] = []
    for shape, items in _groups(report):
        first = items[0]
        out.append(f"{_SEV_HEAD[first.severity]}: {first.shape_name} ({len(items)}×)  [{compact(f'<{shape}>')}]")
        out.append(f"  {first.message_nl}")
        for f in items:
            name = f.focus_label or compact(f.focus)
            line = f"  - {name}"
            if f.focus_label:
                line += f"  {f.focus}"
            out.append(line)
            if f.value is not None:
                out.append(f"      waarde: {compact(f.value)}")
            where = f.source.describe()
            if where:
                out.append(f"      bron: {where}")
        out.append("")
    verdict = "voldoet NIET" if report.fails(threshold) else "voldoet"
    out.append(f"{verdict}: {_summary_nl(report)} (engine {report.engine}, {len(report.shapes)} vormbestanden)")
    return "\n".join(out) + "\n"


def _ttl_term(term: str) -> str:
    return term  # N-Triples terms are valid Turtle


def render_turtle(report: ValidationReport) -> str:
    """The standard SHACL validation report (sh:ValidationReport), deterministic."""
    lines = [f"@prefix sh: <{SH}> .", f"@prefix xsd: <{XSD}> .", ""]
    lines.append("[] a sh:ValidationReport ;")
    lines.append(f"    sh:conforms {'true' if report.conforms else 'false'}" + (" ;" if report.findings else " ."))
    ox = _ox()
    for n, f in enumerate(report.findings):
        body = [
            "a sh:ValidationResult",
            f"sh:resultSeverity <{f.severity.iri}>",
            f"sh:sourceShape <{f.shape}>",
            f"sh:sourceConstraintComponent <{f.component}>",
            f"sh:focusNode {_ttl_term(f.focus)}",
        ]
        if f.path:
            body.append(f"sh:resultPath {_path_turtle(f.path)}")
        if f.value is not None:
            body.append(f"sh:value {_ttl_term(f.value)}")
        msgs = [str(ox.Literal(f.message_nl, language="nl")), str(ox.Literal(f.message_en, language="en"))]
        body.append("sh:resultMessage " + " , ".join(msgs))
        end = " ;" if n < len(report.findings) - 1 else " ."
        lines.append("    sh:result [\n        " + " ;\n        ".join(body) + "\n    ]" + end)
    return "\n".join(lines) + "\n"


def _path_turtle(path: str) -> str:
    """A SPARQL path back to SHACL's RDF form (predicates and inverse paths; others as sequences)."""
    if path.startswith("^<") and path.endswith(">") and path.count("<") == 1:
        return f"[ sh:inversePath {path[1:]} ]"
    if path.startswith("<") and path.endswith(">") and path.count("<") == 1:
        return path
    items = re.findall(r"\^?<[^>]*>", path.strip("()"))
    return "( " + " ".join(f"[ sh:inversePath {i[1:]} ]" if i.startswith("^") else i for i in items) + " )"


def render_json(report: ValidationReport, *, threshold: Severity = Severity.VIOLATION) -> str:
    def one(f: Finding) -> dict:
        d = asdict(f)
        d["severity"] = f.severity.name.lower()
        return d

    doc = {
        "conforms": report.conforms,
        "fails": report.fails(threshold),
        "threshold": threshold.name.lower(),
        "engine": report.engine,
        "counts": {s.name.lower(): report.count(s) for s in Severity},
        "findings": [one(f) for f in report.findings],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def render_junit(report: ValidationReport, *, threshold: Severity = Severity.VIOLATION) -> str:
    """JUnit XML: one test case per shape; failing findings are <failure>s, the others <system-out>."""
    groups = dict(_groups(report))
    names = dict(report.shape_names)
    for shape, items in groups.items():
        names.setdefault(shape, items[0].shape_name)
    failures = sum(1 for s in names if any(f.severity >= threshold for f in groups.get(s, [])))
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="kg validate" tests="{len(names)}" failures="{failures}">',
           f'  <testsuite name="kg validate" tests="{len(names)}" failures="{failures}" errors="0" skipped="0">']
    for shape in sorted(names):
        items = groups.get(shape, [])
        attrs = f'classname="kg.shapes" name={quoteattr(compact(f"<{shape}>") + " " + names[shape])}'
        bad = [f for f in items if f.severity >= threshold]
        if not items:
            out.append(f"    <testcase {attrs}/>")
            continue
        out.append(f"    <testcase {attrs}>")
        detail = "\n".join(
            f"{f.severity.name.lower()}: {f.focus_label or f.focus} {f.focus}"
            + (f" value={f.value}" if f.value is not None else "")
            + (f" ({f.source.describe()})" if f.source.describe() else "")
            for f in items
        )
        if bad:
            out.append(f"      <failure message={quoteattr(items[0].message_nl)} type={quoteattr(bad[0].severity.name.lower())}>"
                       f"{xml_escape(detail)}</failure>")
        else:
            out.append(f"      <system-out>{xml_escape(items[0].message_nl + chr(10) + detail)}</system-out>")
        out.append("    </testcase>")
    out += ["  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(report: ValidationReport, *, threshold: Severity = Severity.VIOLATION, file: str | None = None) -> str:
    """GitHub Actions workflow commands: ::error / ::warning / ::notice, one per finding."""
    level = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for f in report.findings:
        cmd = "error" if f.severity >= threshold else level[f.severity]
        props = [f"title={_gh_escape(f.shape_name + ' (' + compact(f'<{f.shape}>') + ')', prop=True)}"]
        if file:
            props.insert(0, f"file={_gh_escape(file, prop=True)}")
        msg = f"{f.message_nl} — {f.focus_label + ' ' if f.focus_label else ''}{f.focus}"
        if f.value is not None:
            msg += f" (waarde {f.value})"
        where = f.source.describe()
        if where:
            msg += f" — bron: {where}"
        lines.append(f"::{cmd} {','.join(props)}::{_gh_escape(msg)}")
    lines.append(f"{'voldoet NIET' if report.fails(threshold) else 'voldoet'}: {_summary_nl(report)}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------
# The DCAT-AP-NL catalogue hook (issue #5): kg.publish.catalog.validate_catalog does the work
# ---------------------------------------------------------------------------------------------------


def catalog_validator():
    """``kg.publish.catalog.validate_catalog`` if that module exists, else None."""
    try:
        from kg.publish.catalog import validate_catalog
    except ImportError:
        return None
    return validate_catalog


def validate_catalog_files(paths: Sequence[Path], *, shapes_dir: Path | None = None) -> ValidationReport:
    """Check DCAT catalogue files against the DCAT-AP-NL 3.0 shapes (``kg validate --catalog``).

    The work is done by ``kg.publish.catalog.validate_catalog``; this loads the files the same way as
    :func:`validate` and turns its findings into a :class:`ValidationReport`, so every renderer works.
    """
    check = catalog_validator()
    if check is None:
        raise UsageError("catalogue validation is not available in this installation (kg.publish.catalog missing)")
    from kg.publish.release import find_dcat_shapes

    folder = find_dcat_shapes(shapes_dir, required=True)
    # The terms as written, parsed by pyoxigraph (file:line:column messages, exit 3; nothing fetched): the
    # store round trip would normalise literal datatypes (xsd:nonNegativeInteger -> xsd:integer) and give
    # false sh:datatype violations.
    graph = _rdflib_graph(list(paths))
    result = check(graph, shapes_dir=folder)
    findings = []
    for sev, items in ((Severity.VIOLATION, result.violations), (Severity.WARNING, result.warnings)):
        for f in items:
            severity = Severity.from_name(f.severity) if f.severity.upper() in Severity.__members__ else sev
            focus = f.focus_node if f.focus_node.startswith("_:") else f"<{f.focus_node}>"
            findings.append(Finding(
                severity=severity, shape=f.shape, shape_name=f.shape.rsplit("#", 1)[-1].rsplit("/", 1)[-1],
                focus=focus, focus_label=None, path=f"<{f.path}>" if f.path and "://" in f.path else None,
                value=f.value or None, message_nl=f.message, message_en=f.message, source=Source(),
                component=f"{SH}ConstraintComponent",
            ))
    findings.sort(key=Finding.sort_key)
    return ValidationReport(findings=tuple(findings), engine="pyshacl", shapes=tuple(str(p) for p in
                                                                                     sorted(Path(folder).glob("*.ttl"))))
