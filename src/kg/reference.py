"""The reference data shipped in ``reference/*.ttl``, loaded into plain frozen dataclasses.

The Turtle files describe organisations (``{base}/id/organisation/{key}``) and legal instruments
(``{base}/id/legal/{key}``) with their labels, abbreviations, kinds and official identifiers. They are
parsed once with pyoxigraph (fast, no rdflib) and cached. An entry's key is the last path segment of its
subject IRI; that key is also the entity key the extractors use, so reference entities keep one IRI.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kg import assets

KG = "https://kg.example.org/def/kg#"
KGK = "https://kg.example.org/def/kind/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
FOAF_PAGE = "http://xmlns.com/foaf/0.1/page"
OWL_SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"

_ORG_SEGMENT = "/id/organisation/"
_LEGAL_SEGMENT = "/id/legal/"
_PROGRAMME_SEGMENT = "/id/programme/"

# class local name -> subkind when a file gives a class but no kg:kind
_LEGAL_CLASS_KIND = {
    "Law": "law",
    "Bill": "bill",
    "Code": "code",
    "GeneralAdministrativeOrder": "amvb",
    "EURegulation": "eu-regulation",
    "EUDirective": "eu-directive",
    "EUAct": "eu-package",
}
_LEGAL_KIND_CLASS = {
    "law": "Law",
    "bill": "Bill",
    "code": "Code",
    "amvb": "GeneralAdministrativeOrder",
    "ministerial-regulation": "Law",
    "amendment-law": "Law",
    "treaty": "Law",
    "eu-regulation": "EURegulation",
    "eu-directive": "EUDirective",
    "eu-package": "EUAct",
}


@dataclass(frozen=True, slots=True)
class RefEntry:
    """One organisation or legal instrument from the reference data."""

    kind: str  # "organisation" | "legal" | "programme"
    key: str
    iri: str
    label: str  # Dutch preferred label
    cls: str  # ontology class local name (Organisation, Law, EUDirective ...)
    subkind: str  # kind concept local name
    label_en: str | None = None
    abbreviations: tuple[str, ...] = ()
    alt_labels: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()
    exact_match: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    identifier_status: str | None = None
    parent: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """All reference entries, by (kind, key)."""

    entries: dict[tuple[str, str], RefEntry] = field(default_factory=dict)
    source: tuple[str, ...] = ()

    def get(self, kind: str, key: str) -> RefEntry | None:
        return self.entries.get((kind, key))

    def of_kind(self, kind: str) -> list[RefEntry]:
        return [e for (k, _), e in sorted(self.entries.items()) if k == kind]

    def __len__(self) -> int:
        return len(self.entries)

    def __hash__(self) -> int:  # cached gazetteers are keyed on the Reference object
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


def _entity_kind(iri: str) -> str | None:
    if _ORG_SEGMENT in iri:
        return "organisation"
    if _LEGAL_SEGMENT in iri:
        return "legal"
    if _PROGRAMME_SEGMENT in iri:
        return "programme"
    return None


def parse_reference(paths: list[Path]) -> Reference:
    """Parse Turtle files into a Reference (no caching)."""
    props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for path in paths:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            s = quad.subject
            if not isinstance(s, ox.NamedNode):
                continue
            props[s.value][quad.predicate.value].append(quad.object)
    entries: dict[tuple[str, str], RefEntry] = {}
    for iri, p in props.items():
        kind = _entity_kind(iri)
        if kind is None:
            continue
        key = iri.rstrip("/").rsplit("/", 1)[1]
        labels = p.get(SKOS + "prefLabel", []) or p.get(RDFS_LABEL, [])
        label_nl = next((x.value for x in labels if isinstance(x, ox.Literal) and x.language in ("nl", None, "")), None)
        label_en = next((x.value for x in labels if isinstance(x, ox.Literal) and x.language == "en"), None)
        if label_nl is None:
            label_nl = label_en or key
        abbrs = tuple(dict.fromkeys(x.value for x in p.get(KG + "abbreviation", []) if isinstance(x, ox.Literal)))
        alts = tuple(
            dict.fromkeys(
                x.value
                for x in p.get(SKOS + "altLabel", []) + p.get(SKOS + "hiddenLabel", [])
                if isinstance(x, ox.Literal) and x.value not in abbrs and x.value != label_nl
            )
        )
        if label_en and label_en != label_nl:
            alts = alts + (label_en,)
        classes = [_local(x.value) for x in p.get(RDF_TYPE, []) if isinstance(x, ox.NamedNode)]
        kinds = [_local(x.value) for x in p.get(KG + "kind", []) if isinstance(x, ox.NamedNode)]
        subkind = kinds[0] if kinds else ""
        if kind == "organisation":
            cls = "Organisation"
            subkind = subkind or "other-organisation"
        elif kind == "legal":
            specific = [c for c in classes if c in _LEGAL_CLASS_KIND]
            cls = specific[0] if specific else _LEGAL_KIND_CLASS.get(subkind, "Law")
            subkind = subkind or _LEGAL_CLASS_KIND.get(cls, "law")
        else:
            cls = "Programme"
            subkind = subkind or "programme"
        idents: list[tuple[str, str]] = []
        for prop in ("bwbId", "celex", "tooiCode"):
            for x in p.get(KG + prop, []):
                idents.append((prop, x.value))
        exact = tuple(sorted({x.value for x in p.get(SKOS + "exactMatch", []) + p.get(OWL_SAMEAS, []) if isinstance(x, ox.NamedNode)}))
        pages = tuple(sorted({x.value for x in p.get(FOAF_PAGE, []) if isinstance(x, ox.NamedNode)}))
        ist = next((x.value for x in p.get(KG + "identifierStatus", [])), None)
        parent = next((x.value for x in p.get(KG + "parentOrganisation", []) if isinstance(x, ox.NamedNode)), None)
        status = next((_local(x.value) for x in p.get(KG + "status", []) if isinstance(x, ox.NamedNode)), None)
        entries[(kind, key)] = RefEntry(
            kind=kind,
            key=key,
            iri=iri,
            label=label_nl,
            cls=cls,
            subkind=subkind,
            label_en=label_en,
            abbreviations=abbrs,
            alt_labels=alts,
            identifiers=tuple(sorted(set(idents))),
            exact_match=exact,
            pages=pages,
            identifier_status=ist,
            parent=parent.rstrip("/").rsplit("/", 1)[1] if parent else None,
            status=status,
        )
    return Reference(entries=entries, source=tuple(str(p) for p in paths))


@cache
def _load_dir(folder: str) -> Reference:
    paths = sorted(Path(folder).glob("*.ttl"))
    return parse_reference(paths)


def load_reference(folder: Path | None = None) -> Reference:
    """Load (once) the reference data from ``folder`` (default: the shipped ``reference/``)."""
    if folder is None:
        try:
            folder = assets.reference_dir()
        except FileNotFoundError:
            return Reference()
    return _load_dir(str(Path(folder).resolve()))


def empty_reference() -> Reference:
    return Reference()
