"""Checks on the gold annotation file itself (tests/gold/*.json), not on the extractor.

The gold file is what the extractors' precision and recall are measured against, so it has to be internally
consistent and anchored in the source text: every surface form must be an exact substring of the report, on a
line the entity lists; Kamerstuk identifiers must agree with the footnotes they come from; footnote markers,
events, figures and abbreviations must be findable on their lines. `gold_problems()` returns every violation
it finds; `test_checker_catches_errors` corrupts copies of the gold file to prove the checks can fail.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "gold"
CORPUS_DIR = REPO.parent / "shared" / "corpus"
# short excerpts in the same format (tests/data/excerpts/, other ministries) with their gold in tests/gold/excerpts/
EXCERPT_DIR = REPO / "tests" / "data" / "excerpts"
GOLD_FILES = sorted(GOLD_DIR.glob("*.json")) + sorted((GOLD_DIR / "excerpts").glob("*.json"))

ORG_SUBKINDS = {
    "ministry", "agency", "zbo", "court", "judiciary", "parliament", "advisory-body", "supervisory-body", "police",
    "security-service", "local-government", "partnership", "government", "eu-institution", "eu-agency",
    "international-organisation", "foreign-state", "civil-society", "research-institute", "other-organisation",
}
LEGAL_SUBKINDS = {"law", "bill", "code", "amvb", "ministerial-regulation", "eu-regulation", "eu-directive",
                  "eu-package", "treaty"}
LEGAL_STATUS = {"in-force", "adopted", "bill-pending", "in-consultation", "proposal", "unknown"}
PROGRAMME_SUBKINDS = {
    "programme", "strategy", "agenda", "action-plan", "plan", "pilot", "experiment", "campaign", "monitor", "system",
    "agreement", "report", "threat-assessment", "project", "approach", "vision", "fund", "other-initiative",
}
EVENT_TYPES = {
    "consultation", "council-of-state-advice", "submitted-to-parliament", "adopted-by-house-of-representatives",
    "adopted-by-senate", "entry-into-force", "publication", "motion-adopted", "start", "completion", "evaluation",
    "agreement-reached", "decision", "other-event",
}
KST_ID = re.compile(r"^kst-\d+(-[A-Z0-9]+)?-[0-9A-Z]+$")
DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
SESSION = re.compile(r"^(\d{4})-(\d{4})$")
TOP_KEYS = {"source", "guidelines", "entities", "abbreviations", "footnote_markers", "org_law_pairs", "events",
            "figures", "implements"}
# "Kamerstukken II 2024/25, 29 911, nr. 454", "Kamerstukken II, vergaderjaar 2024/25, 24587, nr. 1008.",
# "Kamerstukken II 2023/24, 22 112, nrs. 3868 en 3968."
CITATION = re.compile(
    r"Kamerstukken\s+(I{1,2})\b[^0-9]*?(\d{4})/(\d{2}),\s*(\d[\d \u00a0]*?)(?:-([A-Z0-9]+))?,\s*nrs?\.\s*"
    r"([0-9A-Z]+(?:(?:\s*,\s*|\s+en\s+)[0-9A-Z]+)*)"
)


def source_lines(gold: dict, gold_path: Path | None = None) -> list[str]:
    """The annotated text's lines: a report in the corpus, or (for tests/gold/excerpts/) a test excerpt."""
    base = EXCERPT_DIR if gold_path is not None and gold_path.parent.name == "excerpts" else CORPUS_DIR
    path = base / gold["source"]
    assert path.is_file(), f"source text {path} not found"
    return path.read_text(encoding="utf-8").split("\n")


def footnotes(lines: list[str]) -> dict[int, tuple[int, str]]:
    """{number: (1-based line of the footnote text, text)}: after the last paragraph the footnotes come as
    'number alone on a line, blank line, text'."""
    out = {}
    for i, line in enumerate(lines):
        if re.fullmatch(r"\d{1,3}", line.strip()) and i + 2 < len(lines) and not lines[i + 1].strip():
            n = int(line.strip())
            if n == len(out) + 1:  # footnotes are numbered 1, 2, 3, ... in order
                out[n] = (i + 3, lines[i + 2])
    return out


def is_heading(line: str) -> bool:
    s = line.rstrip("\u00a0 ")
    return bool(s) and not s.endswith((".", ":", ")")) and len(s) < 120


def gold_problems(gold: dict, lines: list[str]) -> list[str]:
    """Every inconsistency between the gold annotation and the source text (empty list = valid)."""
    p: list[str] = []
    text = "\n".join(lines)
    n_lines = len(lines)

    def line_ok(n, where):
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= n_lines:
            p.append(f"{where}: line {n!r} out of range 1..{n_lines}")
            return False
        return True

    missing = TOP_KEYS - gold.keys()
    if missing:
        return [f"missing top-level keys {sorted(missing)}"]
    if not isinstance(gold["entities"], list) or not gold["entities"]:
        return ["entities must be a non-empty list"]

    labels: dict[str, dict[str, dict]] = {"organisation": {}, "legal": {}, "programme": {}}
    kst_ids: set[str] = set()
    notes = footnotes(lines)

    for i, e in enumerate(gold["entities"]):
        kind = e.get("kind")
        where = f"entity {i} ({e.get('label') or e.get('id')})"
        if kind == "kamerstuk":
            kid = e.get("id", "")
            if not KST_ID.match(kid):
                p.append(f"{where}: id {kid!r} does not match {KST_ID.pattern}")
            dossier, number = e.get("dossier", ""), e.get("number", "")
            if kid != f"kst-{dossier}-{number}":
                p.append(f"{where}: id {kid!r} disagrees with dossier {dossier!r} / number {number!r}")
            if not re.fullmatch(r"\d+(-[A-Z0-9]+)?", str(dossier)):
                p.append(f"{where}: dossier {dossier!r} must be digits without spaces (optional -SUFFIX)")
            if e.get("chamber") not in ("I", "II"):
                p.append(f"{where}: chamber {e.get('chamber')!r} must be 'I' or 'II'")
            m = SESSION.match(str(e.get("session_year", "")))
            if not m or int(m.group(2)) != int(m.group(1)) + 1:
                p.append(f"{where}: session_year {e.get('session_year')!r} must be 'YYYY-YYYY' (consecutive years)")
            if kid in kst_ids:
                p.append(f"{where}: duplicate kamerstuk {kid}")
            kst_ids.add(kid)
            fns = e.get("footnotes")
            if not isinstance(fns, list) or not fns:
                p.append(f"{where}: footnotes must be a non-empty list")
                continue
            for fn in fns:
                if fn not in notes:
                    p.append(f"{where}: footnote {fn!r} does not exist in the text")
                    continue
                fline, ftext = notes[fn]
                cited = {(c[0], f"{c[1]}-{int(c[1]) + 1}", re.sub(r"[ \u00a0]", "", c[3]) + (f"-{c[4]}" if c[4] else ""),
                          nr) for c in CITATION.findall(ftext) for nr in re.split(r"\s*,\s*|\s+en\s+", c[5])}
                if (e.get("chamber"), e.get("session_year"), dossier, number) not in cited:
                    p.append(f"{where}: footnote {fn} ({ftext!r}) does not cite {kid} {e.get('session_year')}")
                if "lines" in e and fline not in e["lines"]:
                    p.append(f"{where}: lines {e['lines']} omit footnote {fn}'s line {fline}")
            for n in e.get("lines", []):
                line_ok(n, where)
            continue
        if kind not in labels:
            p.append(f"{where}: unknown kind {kind!r}")
            continue
        allowed = {"organisation": ORG_SUBKINDS, "legal": LEGAL_SUBKINDS, "programme": PROGRAMME_SUBKINDS}[kind]
        if e.get("subkind") not in allowed:
            p.append(f"{where}: subkind {e.get('subkind')!r} not allowed for {kind}")
        if kind == "legal" and e.get("status") not in LEGAL_STATUS:
            p.append(f"{where}: status {e.get('status')!r} not in {sorted(LEGAL_STATUS)}")
        label = e.get("label")
        if not isinstance(label, str) or not label.strip():
            p.append(f"{where}: empty label")
            continue
        if label in labels[kind]:
            p.append(f"{where}: duplicate {kind} label {label!r}")
        labels[kind][label] = e
        forms, elines = e.get("forms"), e.get("lines")
        if not isinstance(forms, list) or not forms or not isinstance(elines, list) or not elines:
            p.append(f"{where}: forms and lines must be non-empty lists")
            continue
        if len(set(forms)) != len(forms) or len(set(elines)) != len(elines):
            p.append(f"{where}: duplicate forms or lines")
        good_lines = [n for n in elines if line_ok(n, where)]
        for f in forms:
            if not isinstance(f, str) or not f or f != f.strip():
                p.append(f"{where}: bad form {f!r}")
                continue
            if f not in text:
                p.append(f"{where}: form {f!r} does not occur in the source text")
            elif not any(f in lines[n - 1] for n in good_lines):
                p.append(f"{where}: form {f!r} occurs on none of its lines {elines}")
        for n in good_lines:
            if not any(isinstance(f, str) and f and f in lines[n - 1] for f in forms):
                p.append(f"{where}: line {n} contains none of its forms")

    for a in gold["abbreviations"]:
        if not line_ok(a.get("line"), f"abbreviation {a}"):
            continue
        line = lines[a["line"] - 1]
        for key in ("short", "long"):
            if not a.get(key) or a[key] not in line:
                p.append(f"abbreviation {a.get('short')!r}: {key} {a.get(key)!r} not on line {a['line']}")

    seen_numbers = []
    for m in gold["footnote_markers"]:
        where = f"footnote marker {m.get('number')}"
        if not line_ok(m.get("line"), where):
            continue
        after, num = m.get("after", ""), m.get("number")
        if not isinstance(num, int) or len(after) != 15:
            p.append(f"{where}: 'after' must be exactly 15 characters and number an integer")
            continue
        if after + str(num) not in lines[m["line"] - 1]:
            p.append(f"{where}: {after + str(num)!r} not on line {m['line']}")
        seen_numbers.append(num)
    if sorted(seen_numbers) != sorted(notes):
        p.append(f"footnote markers {sorted(seen_numbers)} do not match the footnotes {sorted(notes)} in the text")

    pair_set = set()
    for pr in gold["org_law_pairs"]:
        n, o, g = pr.get("line"), pr.get("organisation"), pr.get("legal")
        if not line_ok(n, f"pair {pr}"):
            continue
        if o not in labels["organisation"]:
            p.append(f"pair {pr}: {o!r} is not an organisation label")
        elif n not in labels["organisation"][o]["lines"]:
            p.append(f"pair {pr}: organisation {o!r} does not list line {n}")
        if g not in labels["legal"]:
            p.append(f"pair {pr}: {g!r} is not a legal-instrument label")
        elif n not in labels["legal"][g]["lines"]:
            p.append(f"pair {pr}: legal instrument {g!r} does not list line {n}")
        if (n, o, g) in pair_set:
            p.append(f"pair {pr}: duplicate")
        pair_set.add((n, o, g))
    # completeness: every co-occurrence in a paragraph (not a heading) must be listed
    for o, oe in labels["organisation"].items():
        for g, ge in labels["legal"].items():
            for n in set(oe["lines"]) & set(ge["lines"]):
                if 1 <= n <= n_lines and not is_heading(lines[n - 1]) and (n, o, g) not in pair_set:
                    p.append(f"org_law_pairs misses ({n}, {o!r}, {g!r})")

    all_labels = {lab: k for k, d in labels.items() for lab in d}
    for ev in gold["events"]:
        where = f"event {ev.get('line')} {ev.get('type')} {ev.get('evidence', '')[:30]!r}"
        if not line_ok(ev.get("line"), where):
            continue
        if ev.get("type") not in EVENT_TYPES:
            p.append(f"{where}: unknown type")
        if not DATE.match(str(ev.get("date", ""))):
            p.append(f"{where}: date {ev.get('date')!r} not YYYY, YYYY-MM or YYYY-MM-DD")
        if ev.get("concerns") is not None and ev["concerns"] not in all_labels:
            p.append(f"{where}: concerns {ev['concerns']!r} is not an entity label")
        for org in ev.get("participants", []):
            if org not in labels["organisation"]:
                p.append(f"{where}: participant {org!r} is not an organisation label")
        if not ev.get("evidence") or ev["evidence"] not in lines[ev["line"] - 1]:
            p.append(f"{where}: evidence not on its line")

    for fg in gold["figures"]:
        where = f"figure {fg.get('line')} {fg.get('text')!r}"
        if not line_ok(fg.get("line"), where):
            continue
        if not fg.get("text") or fg["text"] not in lines[fg["line"] - 1]:
            p.append(f"{where}: text not on its line")
        if not isinstance(fg.get("value"), (int, float)) or isinstance(fg.get("value"), bool):
            p.append(f"{where}: value must be a number")
        if not fg.get("unit") or not fg.get("counts"):
            p.append(f"{where}: unit and counts required")

    for im in gold["implements"]:
        law, act = labels["legal"].get(im.get("law")), labels["legal"].get(im.get("eu_act"))
        if not law or law["subkind"] not in ("law", "bill", "amvb", "ministerial-regulation", "code"):
            p.append(f"implements {im}: law must be a Dutch legal-instrument label")
        if not act or not act["subkind"].startswith("eu-"):
            p.append(f"implements {im}: eu_act must be an EU act label")
        if law and act and line_ok(im.get("line"), f"implements {im}") and not (
                im["line"] in law["lines"] and im["line"] in act["lines"]):
            p.append(f"implements {im}: both acts must list line {im['line']}")
    return p


@pytest.fixture(params=GOLD_FILES, ids=[f.name for f in GOLD_FILES])
def gold_and_lines(request):
    raw = request.param.read_text(encoding="utf-8")
    gold = json.loads(raw)
    return gold, source_lines(gold, request.param), raw


def test_there_is_a_gold_file():
    assert GOLD_FILES, "no gold annotation in tests/gold/"


def test_gold_file_format(gold_and_lines):
    gold, _, raw = gold_and_lines
    # written with indent=1, ensure_ascii=False
    assert raw == json.dumps(gold, indent=1, ensure_ascii=False) + "\n"
    assert (REPO / gold["guidelines"]).is_file()


def test_gold_is_consistent_with_the_source(gold_and_lines):
    gold, lines, _ = gold_and_lines
    problems = gold_problems(gold, lines)
    assert not problems, "\n".join(problems)


def test_gold_covers_every_kamerstuk_citation(gold_and_lines):
    gold, lines, _ = gold_and_lines
    cited = set()
    for n, (_, ftext) in footnotes(lines).items():
        for c in CITATION.findall(ftext):
            dossier = re.sub(r"[ \u00a0]", "", c[3]) + (f"-{c[4]}" if c[4] else "")
            for nr in re.split(r"\s*,\s*|\s+en\s+", c[5]):
                cited.add(f"kst-{dossier}-{nr}")
    annotated = {e["id"] for e in gold["entities"] if e["kind"] == "kamerstuk"}
    assert cited == annotated


def _mutations():
    """(name, function that breaks a deep copy of the gold file)."""
    def first(g, kind):
        return next(e for e in g["entities"] if e["kind"] == kind)

    def form_not_in_text(g):
        first(g, "organisation")["forms"].append("Ministerie van Nergens")

    def form_on_wrong_line(g):
        e = first(g, "legal")
        e["lines"] = [3]

    def line_out_of_range(g):
        first(g, "programme")["lines"].append(10_000)

    def bad_kst_id(g):
        first(g, "kamerstuk")["id"] = "kst-29 911-454"

    def kst_disagrees(g):
        first(g, "kamerstuk")["number"] = "455"

    def kst_wrong_session(g):
        first(g, "kamerstuk")["session_year"] = "2024/25"

    def marker_shifted(g):
        g["footnote_markers"][0]["after"] = g["footnote_markers"][0]["after"][1:] + "x"

    def pair_wrong_kind(g):
        pr = g["org_law_pairs"][0]
        pr["organisation"], pr["legal"] = pr["legal"], pr["organisation"]

    def pair_dropped(g):
        g["org_law_pairs"].pop()

    def duplicate_label(g):
        g["entities"].append(copy.deepcopy(first(g, "organisation")))

    def event_bad_date(g):
        g["events"][0]["date"] = "eind 2024"

    def figure_not_on_line(g):
        g["figures"][0]["line"] += 2

    return [(f.__name__, f) for f in (form_not_in_text, form_on_wrong_line, line_out_of_range, bad_kst_id,
                                      kst_disagrees, kst_wrong_session, marker_shifted, pair_wrong_kind,
                                      pair_dropped, duplicate_label, event_bad_date, figure_not_on_line)]


@pytest.mark.parametrize("name,mutate", _mutations(), ids=[n for n, _ in _mutations()])
def test_checker_catches_errors(gold_and_lines, name, mutate):
    gold, lines, _ = gold_and_lines
    broken = copy.deepcopy(gold)
    try:
        mutate(broken)
    except (IndexError, StopIteration):
        pytest.skip(f"{name}: this gold file has nothing to corrupt there (e.g. events not annotated)")
    assert gold_problems(broken, lines), f"checker missed the corruption {name}"
