"""The shipped reference data (reference/*.ttl): well-formed, keyed by the slug rule, and honest about identifiers.

Identifiers are never invented: every BWB id, CELEX number and TOOI code in the reference files must occur in
the project's list of official identifiers (../shared/docs/identifiers.md), and every identifier listed there
must be used by the reference data.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference"
IDENTIFIERS = ROOT.parent / "shared" / "docs" / "identifiers.md"

KG = Namespace("https://kg.example.org/def/kg#")
KGK = Namespace("https://kg.example.org/def/kind/")
ORG = "https://kg.example.org/id/organisation/"
LEGAL = "https://kg.example.org/id/legal/"
XSD_BOOLEAN = URIRef("http://www.w3.org/2001/XMLSchema#boolean")

ORG_KINDS = {
    "ministry", "agency", "zbo", "court", "judiciary", "parliament", "advisory-body", "supervisory-body", "police",
    "security-service", "local-government", "partnership", "government", "eu-institution", "eu-agency",
    "international-organisation", "foreign-state", "civil-society", "research-institute", "other-organisation",
}
LEGAL_KIND_CLASSES = {
    "law": {"Law"}, "amendment-law": {"Law"}, "bill": {"Bill"}, "code": {"Code"},
    "amvb": {"GeneralAdministrativeOrder"}, "eu-regulation": {"EURegulation"}, "eu-directive": {"EUDirective"},
    "eu-package": {"EUAct"},
}
STATUSES = {"in-force", "adopted", "bill-pending", "in-consultation", "proposal", "withdrawn", "unknown"}

BWB = re.compile(r"^BWBR\d{7}$")
CELEX = re.compile(r"^3\d{4}[RL]\d{4}$")
TOOI_IRI = re.compile(r"^https://identifier\.overheid\.nl/tooi/id/(ministerie|oorg|zbo|gemeente|provincie|waterschap)/([a-z]+\d+)$")
TOOI_CODE = {"ministerie": r"mnre\d{4}", "oorg": r"oorg\d{5}", "zbo": r"zb\d{6}", "gemeente": r"gm\d{4}",
             "provincie": r"pv\d{2}", "waterschap": r"ws\d{4}"}


def slug(text: str) -> str:
    """The slug rule of docs/model.md: lower case, accents folded to ASCII, runs of other characters to '-'."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


# ---------------------------------------------------------------------------------------------------------------
# fixtures


# Interim files from before the full registries existed; organisations.ttl and legal.ttl replace them (same
# entries under the slug rule, and many more). They are checked only for being gone, see the last test.
SUPERSEDED = ("organisations-core.ttl", "legal-core.ttl")


def _files() -> list[Path]:
    return sorted(p for p in REFERENCE.glob("*.ttl") if p.name not in SUPERSEDED)


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    for path in _files():
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def subjects(graph: Graph) -> list[URIRef]:
    return sorted({s for s in graph.subjects() if isinstance(s, URIRef) and (str(s).startswith(ORG) or str(s).startswith(LEGAL))})


@pytest.fixture(scope="module")
def official() -> dict[str, set[str]]:
    """The identifiers that identifiers.md lists, by scheme."""
    if not IDENTIFIERS.is_file():
        pytest.skip(f"{IDENTIFIERS} is not there (shared/ sits beside the repository)")
    return official_identifiers(IDENTIFIERS.read_text(encoding="utf-8"))


def official_identifiers(text: str) -> dict[str, set[str]]:
    bwb = set(re.findall(r"\bBWBR\d{7}\b", text))
    celex = set(re.findall(r"\b3\d{4}[RL]\d{4}\b", text))
    # "regulations 32024R1347, 1348, 1349": the bare numbers share the first one's prefix
    for m in re.finditer(r"\b(3\d{4}[RL])(\d{4})((?:\s*,\s*\d{4})+)", text):
        celex.update(m.group(1) + n for n in re.findall(r"\d{4}", m.group(3)))
    tooi = {f"{k}/{c}" for k, c in _TOOI_REF.findall(text)}
    lead: set[str] = set()
    for m in re.finditer(r"Lead:([^\n]*)", text):
        lead.update(f"{k}/{c}" for k, c in _TOOI_REF.findall(m.group(1)))
    return {"bwb": bwb, "celex": celex, "tooi": tooi, "tooi-lead": lead}


_TOOI_REF = re.compile(r"/(ministerie|oorg|zbo|gemeente|provincie|waterschap)/([a-z]+\d+)")


# ---------------------------------------------------------------------------------------------------------------
# the files


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_file_parses_and_is_sorted(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    Graph().parse(data=text, format="turtle")
    heads = [line.split()[0] for line in text.splitlines() if re.match(r"^(ro|rl):\S+ a ", line)]
    assert heads, f"{path.name}: no subjects"
    assert heads == sorted(heads), f"{path.name}: subjects are not sorted"
    assert len(heads) == len(set(heads)), f"{path.name}: a subject is written twice"
    assert "\n\n\n" not in text, f"{path.name}: more than one blank line between subjects"


def test_expected_files_exist() -> None:
    names = {p.name for p in _files()}
    assert {"organisations.ttl", "legal.ttl"} <= names
    assert (REFERENCE / "README.md").is_file()


def test_no_blank_nodes(graph: Graph) -> None:
    assert not [t for t in graph if any(not isinstance(x, (URIRef, Literal)) for x in t)]


# ---------------------------------------------------------------------------------------------------------------
# every entry


def test_every_subject_has_one_dutch_preflabel_and_a_kind(graph: Graph, subjects: list[URIRef]) -> None:
    problems = []
    for s in subjects:
        nl = [o for o in graph.objects(s, SKOS.prefLabel) if isinstance(o, Literal) and o.language == "nl"]
        en = [o for o in graph.objects(s, SKOS.prefLabel) if isinstance(o, Literal) and o.language == "en"]
        other = [o for o in graph.objects(s, SKOS.prefLabel) if not isinstance(o, Literal) or o.language not in ("nl", "en")]
        kinds = list(graph.objects(s, KG.kind))
        if len(nl) != 1 or len(en) > 1 or other or len(kinds) != 1:
            problems.append(f"{s}: {len(nl)} @nl prefLabels, {len(en)} @en, {len(other)} other, {len(kinds)} kinds")
    assert not problems, "\n".join(problems)


def test_slugs_follow_the_slug_rule(graph: Graph, subjects: list[URIRef]) -> None:
    bad = []
    for s in subjects:
        label = next(o for o in graph.objects(s, SKOS.prefLabel) if o.language == "nl")
        key = str(s).rsplit("/", 1)[1]
        if key != slug(str(label)):
            bad.append(f"{s}: expected key {slug(str(label))!r} for {str(label)!r}")
    assert not bad, "\n".join(bad)


def test_slug_rule_examples() -> None:
    assert slug("Dienst Justitiële Inrichtingen") == "dienst-justitiele-inrichtingen"
    assert slug("Ministerie van Justitie en Veiligheid") == "ministerie-van-justitie-en-veiligheid"
    assert slug("Gerechtshof 's-Hertogenbosch") == "gerechtshof-s-hertogenbosch"
    assert slug("Wet veiligheidsregio's") == "wet-veiligheidsregio-s"


def test_organisations_have_an_organisation_kind_and_class(graph: Graph, subjects: list[URIRef]) -> None:
    bad = []
    for s in (x for x in subjects if str(x).startswith(ORG)):
        kind = str(graph.value(s, KG.kind)).removeprefix(str(KGK))
        if kind not in ORG_KINDS or (s, RDF.type, KG.Organisation) not in graph:
            bad.append(f"{s}: kind {kind}")
    assert not bad, "\n".join(bad)


def test_legal_instruments_have_a_matching_class_kind_and_status(graph: Graph, subjects: list[URIRef]) -> None:
    bad = []
    for s in (x for x in subjects if str(x).startswith(LEGAL)):
        kind = str(graph.value(s, KG.kind)).removeprefix(str(KGK))
        classes = {str(c).removeprefix(str(KG)) for c in graph.objects(s, RDF.type)}
        if kind not in LEGAL_KIND_CLASSES or not classes & LEGAL_KIND_CLASSES[kind]:
            bad.append(f"{s}: kind {kind}, classes {sorted(classes)}")
        for st in graph.objects(s, KG.status):
            if str(st).removeprefix(str(KGK)) not in STATUSES:
                bad.append(f"{s}: status {st}")
    assert not bad, "\n".join(bad)


def test_links_point_at_entries(graph: Graph, subjects: list[URIRef]) -> None:
    known = set(subjects)
    bad = []
    for p, base in ((KG.parentOrganisation, ORG), (KG.implements, LEGAL), (KG.amends, LEGAL), (DCTERMS.hasPart, LEGAL)):
        for s, o in graph.subject_objects(p):
            if o not in known or not str(o).startswith(base) or o == s:
                bad.append(f"{s} {p} {o}")
    assert not bad, "\n".join(bad)


def test_no_parent_cycles(graph: Graph, subjects: list[URIRef]) -> None:
    for s in subjects:
        seen = {s}
        cur = graph.value(s, KG.parentOrganisation)
        while cur is not None:
            assert cur not in seen, f"parent cycle through {s}"
            seen.add(cur)
            cur = graph.value(cur, KG.parentOrganisation)


def test_labels_are_clean(graph: Graph, subjects: list[URIRef]) -> None:
    bad = []
    for s in subjects:
        for p in (SKOS.prefLabel, SKOS.altLabel, KG.abbreviation):
            for o in graph.objects(s, p):
                v = str(o)
                if not v or v != v.strip() or "  " in v:
                    bad.append(f"{s} {p} {v!r}")
                if p == SKOS.altLabel and o.language != "nl":
                    bad.append(f"{s}: altLabel {v!r} is not @nl")
                if p == KG.abbreviation and o.language is not None:
                    bad.append(f"{s}: abbreviation {v!r} carries a language tag")
    assert not bad, "\n".join(bad)


def test_shared_abbreviations_are_flagged(graph: Graph, subjects: list[URIRef]) -> None:
    by_abbr: dict[str, set[URIRef]] = defaultdict(set)
    for s in subjects:
        for a in graph.objects(s, KG.abbreviation):
            by_abbr[str(a)].add(s)
    flagged = {s for s in subjects if graph.value(s, KG.ambiguous) == Literal(True)}
    bad = [f"{a}: {sorted(map(str, ss))}" for a, ss in sorted(by_abbr.items()) if len(ss) > 1 and not ss <= flagged]
    assert not bad, "abbreviations shared by entries without kg:ambiguous true:\n" + "\n".join(bad)
    # the flag is deliberate: an entry carries it only while it shares an abbreviation
    needless = [str(s) for s in flagged if not any(len(by_abbr[str(a)]) > 1 for a in graph.objects(s, KG.abbreviation))]
    assert not needless, f"kg:ambiguous without a shared abbreviation: {needless}"


def test_ambiguous_flag_is_boolean(graph: Graph) -> None:
    for _, o in graph.subject_objects(KG.ambiguous):
        assert isinstance(o, Literal) and o.datatype == XSD_BOOLEAN


# ---------------------------------------------------------------------------------------------------------------
# identifiers: official shapes, never invented, all used


def test_identifier_shapes(graph: Graph) -> None:
    bad = []
    for s, o in graph.subject_objects(KG.bwbId):
        if not BWB.match(str(o)):
            bad.append(f"{s}: bwbId {o}")
        if URIRef(f"https://wetten.overheid.nl/{o}") not in set(graph.objects(s, FOAF.page)):
            bad.append(f"{s}: no wetten.overheid.nl page for {o}")
    for s, o in graph.subject_objects(KG.celex):
        c = str(o)
        if not CELEX.match(c):
            bad.append(f"{s}: celex {c}")
            continue
        kind = "reg" if c[5] == "R" else "dir"
        eli = URIRef(f"http://data.europa.eu/eli/{kind}/{c[1:5]}/{int(c[6:])}/oj")
        if eli not in set(graph.objects(s, SKOS.exactMatch)):
            bad.append(f"{s}: no ELI {eli}")
        page = URIRef(f"https://eur-lex.europa.eu/legal-content/NL/TXT/?uri=CELEX:{c}")
        if page not in set(graph.objects(s, FOAF.page)):
            bad.append(f"{s}: no EUR-Lex page for {c}")
        expected_cls = KG.EURegulation if c[5] == "R" else KG.EUDirective
        if (s, RDF.type, expected_cls) not in graph:
            bad.append(f"{s}: celex {c} but not a {expected_cls}")
    for s, o in graph.subject_objects(KG.tooiCode):
        iris = [str(x) for x in graph.objects(s, SKOS.exactMatch) if str(x).startswith("https://identifier.overheid.nl/")]
        m = [TOOI_IRI.match(i) for i in iris]
        if len(iris) != 1 or not m[0] or m[0].group(2) != str(o) or not re.fullmatch(TOOI_CODE[m[0].group(1)], str(o)):
            bad.append(f"{s}: tooiCode {o} with {iris}")
    for s, o in graph.subject_objects(SKOS.exactMatch):
        v = str(o)
        if v.startswith("https://identifier.overheid.nl/") and not TOOI_IRI.match(v):
            bad.append(f"{s}: TOOI IRI {v}")
        if v.startswith("http://data.europa.eu/eli/") and not re.match(r"^http://data\.europa\.eu/eli/(reg|dir)/\d{4}/\d+/oj$", v):
            bad.append(f"{s}: ELI {v}")
    assert not bad, "\n".join(bad)


def test_identifier_status_goes_with_identifiers(graph: Graph, subjects: list[URIRef]) -> None:
    bad = []
    for s in subjects:
        ids = [o for p in (KG.bwbId, KG.celex, KG.tooiCode) for o in graph.objects(s, p)]
        statuses = [str(o) for o in graph.objects(s, KG.identifierStatus)]
        if ids and statuses not in (["confirmed"], ["lead"]):
            bad.append(f"{s}: identifiers {ids} with status {statuses}")
        if not ids and statuses:
            bad.append(f"{s}: identifierStatus without an identifier")
    assert not bad, "\n".join(bad)


def _used(graph: Graph) -> dict[str, set[str]]:
    tooi = set()
    for o in graph.objects(None, SKOS.exactMatch):
        m = TOOI_IRI.match(str(o))
        if m:
            tooi.add(f"{m.group(1)}/{m.group(2)}")
    return {
        "bwb": {str(o) for o in graph.objects(None, KG.bwbId)},
        "celex": {str(o) for o in graph.objects(None, KG.celex)},
        "tooi": tooi,
        "tooi-codes": {str(o) for o in graph.objects(None, KG.tooiCode)},
    }


def test_no_identifier_is_invented(graph: Graph, official: dict[str, set[str]]) -> None:
    """Every identifier in the reference data occurs in identifiers.md (the project's official list)."""
    used = _used(graph)
    text = IDENTIFIERS.read_text(encoding="utf-8")
    invented = (used["bwb"] - official["bwb"]) | (used["celex"] - official["celex"]) | (used["tooi"] - official["tooi"])
    invented |= {c for c in used["tooi-codes"] | used["bwb"] if c not in text}
    invented = sorted(invented)
    assert not invented, f"identifiers not in {IDENTIFIERS.name}: {invented}"


def test_every_listed_identifier_is_used(graph: Graph, official: dict[str, set[str]]) -> None:
    used = _used(graph)
    missing = sorted(official["bwb"] - used["bwb"]) + sorted(official["celex"] - used["celex"])
    missing += sorted(official["tooi"] - used["tooi"])
    assert not missing, f"identifiers listed in {IDENTIFIERS.name} but not in reference/: {missing}"


def test_lead_identifiers_are_marked_lead(graph: Graph, official: dict[str, set[str]]) -> None:
    assert official["tooi-lead"], "identifiers.md names lead TOOI items"
    bad = []
    for s, o in graph.subject_objects(SKOS.exactMatch):
        m = TOOI_IRI.match(str(o))
        if not m:
            continue
        expected = "lead" if f"{m.group(1)}/{m.group(2)}" in official["tooi-lead"] else "confirmed"
        if str(graph.value(s, KG.identifierStatus)) != expected:
            bad.append(f"{s}: {o} should be {expected}")
    assert not bad, "\n".join(bad)


def test_official_identifier_parsing() -> None:
    sample = (
        "- Confirmed: JenV `…/ministerie/mnre1058`; Tweede Kamer `…/oorg/oorg10002`. Lead: X `…/ministerie/mnre1162`.\n"
        "- Confirmed ids: Opiumwet BWBR0001941 · Awb BWBR0005537.\n"
        "- Pact: directive 32024L1346 and regulations 32024R1347, 1348, 1359.\n"
    )
    ids = official_identifiers(sample)
    assert ids["bwb"] == {"BWBR0001941", "BWBR0005537"}
    assert ids["celex"] == {"32024L1346", "32024R1347", "32024R1348", "32024R1359"}
    assert ids["tooi"] == {"ministerie/mnre1058", "oorg/oorg10002", "ministerie/mnre1162"}
    assert ids["tooi-lead"] == {"ministerie/mnre1162"}


# ---------------------------------------------------------------------------------------------------------------
# the loader reads what the files say


def test_loader_reads_the_reference_data(subjects: list[URIRef]) -> None:
    reference = pytest.importorskip("kg.reference")
    ref = reference.parse_reference(_files())
    assert len(ref) == len(subjects)
    jenv = ref.get("organisation", "ministerie-van-justitie-en-veiligheid")
    assert jenv is not None and jenv.subkind == "ministry" and ("tooiCode", "mnre1058") in jenv.identifiers
    dji = ref.get("organisation", "dienst-justitiele-inrichtingen")
    assert dji is not None and dji.parent == "ministerie-van-justitie-en-veiligheid" and dji.identifier_status == "lead"
    sv = ref.get("legal", "wetboek-van-strafvordering")
    assert sv is not None and sv.cls == "Code" and "Sv" in sv.abbreviations


def test_superseded_files_are_gone() -> None:
    left = [name for name in SUPERSEDED if (REFERENCE / name).exists()]
    if left:
        pytest.skip(f"reference/{', reference/'.join(left)} duplicate organisations.ttl / legal.ttl and should be deleted")
