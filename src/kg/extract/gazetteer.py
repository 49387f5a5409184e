"""The reference data compiled into a dictionary scan: names and abbreviations -> entries.

Full names are matched on their *compact* form (letters and digits, case- and accent-folded), one word
token at a time, so "AI-verordening", "AI Verordening" and "AI verordening" are one name, and an
inflected last word ("Veiligheidsregio’s", "RIECs", "NRA’s") still matches. Abbreviations are matched
case-sensitively on the exact token. The scan walks the word tokens of a sentence once and extends a
match only while the compact text so far is a prefix of some name: no per-sentence regex compilation,
and cost linear in the text. Built once per Reference and cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract.common import WORD, Candidate, compact, fold, is_abbreviation
from kg.reference import RefEntry, Reference

# characters allowed between two word tokens of one name
_GAP_OK = frozenset(" \t\u00a0\u2007\u202f-–’'/&,")
_SUFFIXES = ("s", "en", "n", "e")  # plural and inflection endings tried on the last word
_MAX_TOKENS = 16


@dataclass(slots=True)
class Gazetteer:
    names: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # compact name -> refs
    prefixes: set[str] = field(default_factory=set)
    abbreviations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # exact -> refs
    entries: dict[tuple[str, str], RefEntry] = field(default_factory=dict)
    firsts: set[str] = field(default_factory=set)  # compact first words of names: where a match may start
    starts: set[str] = field(default_factory=set)  # firsts plus their inflected forms (first + suffix)

    def _first(self, tok: str) -> None:
        if tok not in self.firsts:
            self.firsts.add(tok)
            self.starts.add(tok)
            self.starts.update(tok + x for x in _SUFFIXES)

    def add_name(self, name: str, ref: tuple[str, str]) -> None:
        if is_abbreviation(name):
            self.add_abbreviation(name, ref)
            return
        toks = [compact(t) for t in WORD.findall(name)]
        toks = [t for t in toks if t]
        if not toks or len(toks) > _MAX_TOKENS:
            return
        full = "".join(toks)
        if len(full) < 3:
            return
        self._first(toks[0])
        refs = self.names.setdefault(full, [])
        if ref not in refs:
            refs.append(ref)
        acc = ""
        for t in toks[:-1]:
            acc += t
            self.prefixes.add(acc)

    def add_abbreviation(self, abbr: str, ref: tuple[str, str]) -> None:
        abbr = abbr.strip()
        if not abbr:
            return
        refs = self.abbreviations.setdefault(abbr, [])
        if ref not in refs:
            refs.append(ref)
        # "NIS2-richtlijn" style abbreviations with inner separators are also names
        if not WORD.fullmatch(abbr):
            toks = [compact(t) for t in WORD.findall(abbr)]
            full = "".join(toks)
            if len(full) >= 3:
                self._first(toks[0])
                r = self.names.setdefault(full, [])
                if ref not in r:
                    r.append(ref)
                acc = ""
                for t in toks[:-1]:
                    acc += t
                    self.prefixes.add(acc)


@lru_cache(maxsize=8)
def build(reference: Reference) -> Gazetteer:
    g = Gazetteer()
    for ref, e in sorted(reference.entries.items()):
        g.entries[ref] = e
        g.add_name(e.label, ref)
        for a in e.alt_labels:
            g.add_name(a, ref)
        if e.label_en:
            g.add_name(e.label_en, ref)
        for a in e.abbreviations:
            g.add_abbreviation(a, ref)
    from kg.extract.programmes import add_known

    add_known(g)  # named public systems (112, C2000, NL-Alert, ...): general reference data kept with the code
    return g


_fold = lru_cache(maxsize=65536)(fold)


def _proper(g: Gazetteer, refs: list[tuple[str, str]]) -> bool:
    """Names of states are proper names: written with a capital and not inflected ("Japans" is not Japan)."""
    e = g.entries.get(refs[0])
    return e is not None and e.subkind == "foreign-state"


def _gap_ok(text: str, a: int, b: int) -> bool:
    if b - a > 3:
        return False
    return all(c in _GAP_OK for c in text[a:b])


def _abbr_lookup(g: Gazetteer, tok: str, nxt: tuple[int, int, str] | None, text: str, end: int) -> tuple[list, int] | None:
    refs = g.abbreviations.get(tok)
    if refs:
        # "NRA’s": the apostrophe-s belongs to the mention
        if nxt is not None and nxt[2] == "s" and text[end:nxt[0]] in ("’", "'"):
            return refs, nxt[1]
        return refs, end
    if len(tok) > 2 and tok[-1] == "s" and (tok[-2].isupper() or tok[-2].isdigit()):
        refs = g.abbreviations.get(tok[:-1])  # "RIECs"
        if refs:
            return refs, end
    return None


def tokens(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, token, folded token) of a text's word tokens: computed once, scanned with several gazetteers."""
    return [(m.start(), m.end(), m.group(), _fold(m.group())) for m in WORD.finditer(text)]


def scan(g: Gazetteer, text: str, offset: int, sentence_start: int, toks: list[tuple[int, int, str, str]] | None = None) -> list[Candidate]:
    """Reference names and abbreviations in ``text`` (a sentence); spans are absolute.

    Every token where a name may start is tried, also inside a name already found: a later match that is
    longer than the one it overlaps replaces it ("het kabinet" | "Kabinet Schoof"), so the result never overlaps.
    ``toks`` are the text's ``tokens`` when the caller has them already.
    """
    if toks is None:
        toks = tokens(text)
    out: list[Candidate] = []
    n = len(toks)
    names, prefixes, starts, abbrs = g.names, g.prefixes, g.starts, g.abbreviations
    last_start, last_end = -1, -1  # span of the last match (relative)
    for i in range(n):
        s0, e0, t0, f0 = toks[i]
        if f0 not in starts and t0 not in abbrs and not (t0[-1:] == "s" and t0[:-1] in abbrs):
            continue
        best: tuple[int, list] | None = None  # (end offset in text, refs)
        acc = ""
        prev_end = s0
        for j in range(i, min(n, i + _MAX_TOKENS)):
            sj, ej, tj, ft = toks[j]
            if j > i and not _gap_ok(text, prev_end, sj):
                break
            acc += ft
            refs = names.get(acc)
            if refs:
                best = (ej, refs)
            else:
                for suf in _SUFFIXES:
                    if len(ft) > len(suf) + 1 and acc.endswith(suf):
                        refs = names.get(acc[: -len(suf)])
                        if refs and (j > i or len(acc) - len(suf) >= 4) and not _proper(g, refs):
                            best = (ej, refs)
                            break
            if acc not in prefixes and not (ft == "s" and j > i):
                # a lone "s" after an apostrophe may still extend ("regio’s")
                if j + 1 < n and toks[j + 1][2] == "s" and text[ej:toks[j + 1][0]] in ("’", "'"):
                    ej2 = toks[j + 1][1]
                    if names.get(acc + "s") or names.get(acc):
                        best = (ej2, names.get(acc + "s") or names.get(acc))
                break
            prev_end = ej
        abbr = _abbr_lookup(g, t0, toks[i + 1] if i + 1 < n else None, text, e0)
        cand = None
        if abbr and (best is None or abbr[1] >= best[0]):
            refs, end = abbr
            if end > last_end:
                cand = _cand(g, refs, offset + s0, offset + end, sentence_start, abbreviation=t0.rstrip("s") if t0 not in g.abbreviations else t0)
        elif best is not None:
            end, refs = best
            if _proper(g, refs) and not text[s0].isupper():
                continue  # "chili", not Chili
            if end > last_end:
                cand = _cand(g, refs, offset + s0, offset + end, sentence_start)
        if cand is None:
            continue
        if s0 < last_end:  # overlaps the last match: the longer one stays
            if end - s0 <= last_end - last_start:
                continue
            out.pop()
        out.append(cand)
        last_start, last_end = s0, end
    return out


def _cand(g: Gazetteer, refs: list[tuple[str, str]], start: int, end: int, sentence_start: int, abbreviation: str | None = None) -> Candidate:
    ref = refs[0]
    e = g.entries[ref]
    c = Candidate(
        kind=e.kind,
        start=start,
        end=end,
        label=e.label,
        subkind=e.subkind,
        cls=e.cls,
        key=e.key,
        source="reference",
        status=e.status,
        abbreviation=abbreviation,
        sentence_start=sentence_start,
        alternatives=tuple(refs),
    )
    return c
