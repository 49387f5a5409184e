"""Fast, dependency-free RDF terms as N-Triples text, and a canonical Turtle writer.

The build emits every triple as three N-Triples term strings. That is the cheapest form to produce in
Python, loads into pyoxigraph in bulk, and sorts into canonical output without any RDF library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

Triple = tuple[str, str, str]
Quad = tuple[str, str, str, str]

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

_ESC = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESC = re.compile(r'[\\"\n\r\t]')
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def iri(value: str) -> str:
    if _IRI_BAD.search(value):
        value = _IRI_BAD.sub(lambda m: "%%%02X" % ord(m.group(0)), value)
    return f"<{value}>"


def _quote(text: str) -> str:
    return '"' + _NEEDS_ESC.sub(lambda m: _ESC[m.group(0)], text) + '"'


def lit(text: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    q = _quote(text)
    if lang:
        return f"{q}@{lang}"
    if datatype and datatype != XSD + "string":
        return f"{q}^^<{datatype}>"
    return q


def integer(n: int) -> str:
    return f'"{n}"^^<{XSD}integer>'


def decimal(v: str) -> str:
    return f'"{v}"^^<{XSD}decimal>'


def typed(v: str, local: str) -> str:
    return f'"{v}"^^<{XSD}{local}>'


def nquads(quads: Iterable[Quad]) -> str:
    return "".join(f"{s} {p} {o} {g} .\n" for s, p, o, g in quads)


def ntriples(triples: Iterable[Triple]) -> str:
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples)


# --- canonical Turtle -----------------------------------------------------------------------

_XSD_INTEGER = f"<{XSD}integer>"
INTEGER_TAIL = '"^^' + _XSD_INTEGER  # how an xsd:integer literal's N-Triples form ends, after its lexical form


def bare_integer(lex: str) -> bool:
    """Whether an xsd:integer with this lexical form (unquoted) is written bare in Turtle: -?[0-9]+ (ASCII
    digits only: Turtle's INTEGER, while str.isdecimal also takes other scripts' digits)."""
    return lex.isascii() and (lex.isdecimal() or (lex[:1] == "-" and lex[1:].isdecimal()))


_PN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?$")


class _Shortener:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # the longest namespace first, so that kgk: wins over a shorter base namespace
        self.items = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.used: set[str] = set()
        self._iris: dict[str, tuple[str, str | None]] = {}  # IRI -> (short form, prefix); IRIs repeat a lot
        # When every namespace ends with / or #, the namespace of an IRI is one of its cuts after a / or #:
        # looked up from the longest cut, it is what the loop over the namespaces would find, sooner.
        self._by_ns: dict[str, str] | None = None
        if all(ns.endswith(("/", "#")) for _, ns in self.items):
            self._by_ns = {}
            for prefix, ns in self.items:
                self._by_ns.setdefault(ns, prefix)

    def __call__(self, term: str, *, predicate: bool = False) -> str:
        if term.startswith("<"):
            if predicate and term == RDF_TYPE:
                return "a"
            hit = self._iris.get(term)
            if hit is None:
                hit = self._shorten(term)
                if len(self._iris) > 200_000:  # bounded: a stream of millions of mention IRIs
                    self._iris.clear()
                self._iris[term] = hit
            if hit[1] is not None:
                self.used.add(hit[1])
            return hit[0]
        if '"^^<' in term:
            lex, dt = term.rsplit("^^", 1)
            if dt == _XSD_INTEGER and lex[:1] == '"' == lex[-1:] and bare_integer(lex[1:-1]):
                return lex[1:-1]
            return f"{lex}^^{self(dt)}"
        return term

    def _shorten(self, term: str) -> tuple[str, str | None]:
        value = term[1:-1]
        if self._by_ns is not None:
            # Only the cut after the last / or # can give a prefixed name: a shorter namespace would leave
            # that / or # in the local name, which _PN_LOCAL does not allow.
            cut = max(value.rfind("/"), value.rfind("#"))
            prefix = self._by_ns.get(value[: cut + 1]) if cut >= 0 else None
            if prefix is not None:
                local = value[cut + 1 :]
                if local == "" or _PN_LOCAL.match(local):
                    return f"{prefix}:{local}", prefix
            return term, None
        for prefix, ns in self.items:
            if value.startswith(ns):
                local = value[len(ns) :]
                if local == "" or _PN_LOCAL.match(local):
                    return f"{prefix}:{local}", prefix
        return term, None


def _sort_key(term: str) -> tuple[int, str]:
    # IRIs, then blank nodes, then literals; within each, code-point order of the N-Triples form
    return (0 if term.startswith("<") else 1 if term.startswith("_:") else 2, term)


def turtle_sort_key(t: Triple) -> tuple:
    """The canonical order: subjects (IRIs, blank nodes, literals), rdf:type first, predicates, objects."""
    return (_sort_key(t[0]), t[1] != RDF_TYPE, t[1], _sort_key(t[2]))


_SEP = "\x00"  # below every character of an N-Triples term, so that key order is the tuple order


_KIND = {"<": "0", "_": "1"}  # a term's kind, the first character of its part of a key (else "2": a literal)


def turtle_key(s: str, p: str, o: str) -> str:
    """One line (with its newline) whose code-point order is :func:`turtle_sort_key`'s order of triples:
    ``kind s SEP flag p SEP kind o``, the flag 0 for rdf:type (first), else 1."""
    kind = _KIND.get
    return f"{kind(s[0], '2')}{s}{_SEP}{'0' if p == RDF_TYPE else '1'}{p}{_SEP}{kind(o[0], '2')}{o}\n"


def turtle_keys(triples: Iterable[Triple]) -> bytes:
    """The sorted, unique turtle keys of the triples, UTF-8 (code-point order = byte order).

    :func:`turtle_key` written out in one expression (a worker makes ≈ 10 k keys per report): distinct
    triples have distinct keys, so the triples are made unique, not the keys.
    """
    kind, ty, sep = _KIND.get, RDF_TYPE, _SEP
    lines = [f"{kind(s[0], '2')}{s}{sep}{'0' if p == ty else '1'}{p}{sep}{kind(o[0], '2')}{o}\n"
             for s, p, o in (triples if isinstance(triples, (set, frozenset)) else set(triples))]
    lines.sort()
    return "".join(lines).encode("utf-8")


def lines_of_keys(keys: bytes, end: bytes = b" .\n") -> bytes:
    """Turtle keys (UTF-8, one per line) back to their triples as ``s p o`` + ``end`` lines, in the same order.

    Dropping the kind that starts each line and turning each SEP with the flag or kind after it into a space
    gives ``s p o``; N-Triples text holds no raw newline or U+0000, so these bytes occur nowhere else.
    """
    if not keys:
        return b""
    sep = _SEP.encode("utf-8")
    data = b"\n" + keys
    for c in (b"0", b"1", b"2"):
        data = data.replace(b"\n" + c, b"\n").replace(sep + c, b" ")
    return data[1:].replace(b"\n", end)


def canonical_turtle(triples: Iterable[Triple], prefixes: Mapping[str, str], *, header: str = "") -> str:
    """Sorted, prefixed, grouped Turtle. The same set of triples always gives the same bytes."""
    uniq = sorted(set(triples), key=turtle_sort_key)
    short = _Shortener(prefixes)
    body = "".join(turtle_body(uniq, short))
    return header + turtle_head(prefixes, short.used) + body


def turtle_head(prefixes: Mapping[str, str], used: set[str]) -> str:
    head = "".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(prefixes.items()) if k in used)
    return head + ("\n" if head else "")


def turtle_body(uniq: Iterable[Triple], short: _Shortener) -> Iterator[str]:
    """The Turtle statements for triples already in canonical order and unique (a stream: constant memory)."""
    subject = predicate = None
    for s, p, o in uniq:
        if s != subject:
            if subject is not None:
                yield " .\n\n"
            yield f"{short(s)}\n    {short(p, predicate=True)} {short(o)}"
            subject, predicate = s, p
        elif p != predicate:
            yield f" ;\n    {short(p, predicate=True)} {short(o)}"
            predicate = p
        else:
            yield f" ,\n        {short(o)}"
    if subject is not None:
        yield " .\n"
