"""Build, store and export: determinism, provenance, named graphs, incremental rebuild."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kg.build import build
from kg.export import Format, serialise, store_quads
from kg.store import graph_names, open_store

from conftest import REPORT

KG = "https://kg.example.org/def/kg#"


def _export(store: Path, fmt: Format) -> str:
    return serialise(list(store_quads(open_store(store, read_only=True))), fmt)


def test_build_twice_gives_byte_identical_turtle(tmp_path, config):
    a, b = tmp_path / "a", tmp_path / "b"
    build([REPORT], config=config, store_dir=a, jobs=1)
    build([REPORT], config=config, store_dir=b, jobs=1)
    ta, tb = _export(a, Format.TURTLE), _export(b, Format.TURTLE)
    assert ta == tb
    assert ta.encode() == tb.encode()
    assert "_:" not in ta, "no blank nodes in the export"


def test_every_format_parses_to_the_same_graph(built_store):
    import rdflib
    from rdflib.compare import isomorphic

    store = open_store(built_store, read_only=True)
    quads = list(store_quads(store))
    ref = rdflib.Graph().parse(data=serialise(quads, Format.NTRIPLES), format="nt")
    assert len(ref) > 1000
    ttl = rdflib.Graph().parse(data=serialise(quads, Format.TURTLE), format="turtle")
    assert isomorphic(ref, ttl)
    ds = rdflib.Dataset()
    ds.parse(data=serialise(quads, Format.TRIG), format="trig")
    assert len([g for g in ds.graphs() if len(g)]) == 1
    jl = rdflib.Graph().parse(data=serialise(quads, Format.JSONLD), format="json-ld")
    assert isomorphic(ref, jl)


def test_one_named_graph_per_report(tmp_path, config):
    d = tmp_path / "reports"
    d.mkdir()
    shutil.copy(REPORT, d / "jenv-2024.txt")
    shutil.copy(REPORT, d / "jenv-2024-copy.txt")
    res = build([d / "jenv-2024.txt", d / "jenv-2024-copy.txt"], config=config, store_dir=tmp_path / "s", jobs=2)
    assert not res.errors
    names = graph_names(open_store(tmp_path / "s", read_only=True))
    assert names == [f"{config.base_iri}/graph/jenv-2024", f"{config.base_iri}/graph/jenv-2024-copy"]


def test_same_organisation_in_two_reports_is_one_iri(tmp_path, config):
    import pyoxigraph as ox

    d = tmp_path / "r"
    d.mkdir()
    shutil.copy(REPORT, d / "a.txt")
    shutil.copy(REPORT, d / "b.txt")
    build([d / "a.txt", d / "b.txt"], config=config, store_dir=tmp_path / "s", jobs=1)
    store = open_store(tmp_path / "s", read_only=True)
    q = f"SELECT ?o (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?o a <{KG}Organisation> }} }} GROUP BY ?o"
    rows = list(store.query(q))
    assert rows, "organisations are extracted"
    assert all(int(r["n"].value) == 2 for r in rows)
    assert isinstance(rows[0]["o"], ox.NamedNode)


def test_rebuild_redoes_only_the_changed_report(tmp_path, config):
    d = tmp_path / "r"
    d.mkdir()
    a, b = Path(shutil.copy(REPORT, d / "a.txt")), Path(shutil.copy(REPORT, d / "b.txt"))
    store = tmp_path / "s"
    first = build([a, b], config=config, store_dir=store, jobs=1)
    assert first.built == 2
    again = build([a, b], config=config, store_dir=store, jobs=1)
    assert again.built == 0 and all(r.skipped for r in again.reports)
    b.write_text(b.read_text(encoding="utf-8").replace("Opiumwet", "Opiumwet", 1) + "\n", encoding="utf-8")
    third = build([a, b], config=config, store_dir=store, jobs=1)
    assert [r.key for r in third.reports if not r.skipped] == ["b"]
    assert graph_names(open_store(store, read_only=True)) == [f"{config.base_iri}/graph/a", f"{config.base_iri}/graph/b"]


def test_bad_file_is_reported_and_good_files_still_built(tmp_path, config):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00binary")
    res = build([REPORT, bad], config=config, store_dir=tmp_path / "s", jobs=1)
    assert len(res.errors) == 1 and "bad.txt" in res.errors[0]
    assert [r.key for r in res.reports] == ["jenv-jaarverslag-2024-beleidsverslag"]


def test_provenance_every_entity_has_a_mention_with_offsets(report_graph, report_path):
    text = report_path.read_text(encoding="utf-8")
    q = f"""
    PREFIX kg: <{KG}>
    SELECT ?e WHERE {{ ?e a ?c . VALUES ?c {{ kg:Organisation kg:Law kg:Bill kg:Code kg:EURegulation
        kg:EUDirective kg:EUAct kg:Programme kg:GeneralAdministrativeOrder }}
        FILTER NOT EXISTS {{ ?m kg:refersTo ?e ; kg:inSentence ?s }} }}"""
    missing = list(report_graph.query(q))
    assert not missing, f"entities without a mention in a sentence: {missing[:5]}"
    q2 = f"""
    PREFIX kg: <{KG}>
    PREFIX oa: <http://www.w3.org/ns/oa#>
    SELECT ?form ?start ?end ?stext ?ss WHERE {{
      ?m kg:surfaceForm ?form ; oa:hasTarget/oa:hasSelector ?sel ; kg:inSentence ?s .
      ?sel a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
      ?s kg:text ?stext ; kg:start ?ss }}"""
    rows = list(report_graph.query(q2))
    assert len(rows) > 100
    for form, start, end, stext, ss in rows:
        assert text[int(start) : int(end)] == str(form)
        assert str(stext)[int(start) - int(ss) : int(end) - int(ss)] == str(form)


def test_one_query_reaches_the_sentence_from_a_kamerstuk(report_graph):
    q = f"""
    PREFIX kg: <{KG}>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?id ?text WHERE {{ ?k dcterms:identifier ?id . ?f kg:cites ?k . ?s kg:hasFootnote ?f ; kg:text ?text }}"""
    rows = {(str(i), str(t)) for i, t in report_graph.query(q)}
    ids = {i for i, _ in rows}
    assert "kst-29911-454" in ids
    assert any(i == "kst-22112-3868" and "(Wwke)" in t for i, t in rows)


def test_alignments_let_standard_vocabulary_consumers_find_things(report_graph):
    """A consumer who knows only ORG / ELI / DCTERMS + RDFS subclassing finds everything, with labels."""
    from kg.export import ontology_triples

    import rdflib

    g = rdflib.Graph()
    for t in report_graph:
        g.add(t)
    g.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o in ontology_triples()), format="nt")
    for cls in ("http://www.w3.org/ns/org#Organization", "http://data.europa.eu/eli/ontology#LegalResource",
                "http://purl.org/dc/terms/BibliographicResource"):
        q = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a/rdfs:subClassOf* <{cls}> . ?x skos:prefLabel|<http://purl.org/dc/terms/title>|<{KG}text> ?l }}"""
        n = int(next(iter(g.query(q)))[0])
        assert n > 5, cls


def test_every_kg_term_in_the_graph_is_declared_in_the_ontology(report_quads):
    from kg.export import ontology_triples

    declared = {s for s, p, o in ontology_triples()}
    used = set()
    for q in report_quads:
        for term in q[:3]:
            if term.startswith(f"<{KG}") or term.startswith("<https://kg.example.org/def/kind/"):
                used.add(term)
    assert used, "the graph uses kg: terms"
    assert sorted(used - declared) == []


def test_turtle_uses_our_prefixes_only(built_store):
    ttl = _export(built_store, Format.TURTLE)
    from kg.vocab import PREFIXES

    declared = re.findall(r"^@prefix (\w*): <([^>]+)> \.$", ttl, flags=re.M)
    assert declared
    for prefix, ns in declared:
        assert PREFIXES[prefix] == ns


@pytest.mark.parametrize("fmt", list(Format))
def test_export_is_deterministic_per_format(built_store, fmt):
    assert _export(built_store, fmt) == _export(built_store, fmt)


def test_canonical_turtle_writes_rdf_type_as_a_only_as_predicate():
    import rdflib

    from kg.ntriples import RDF_TYPE, canonical_turtle

    t = [("<http://x/s>", RDF_TYPE, "<http://x/C>"), ("<http://x/s>", "<http://x/p>", RDF_TYPE),
         (RDF_TYPE, "<http://x/p>", '"v"')]
    ttl = canonical_turtle(t, {"x": "http://x/"})
    g = rdflib.Graph().parse(data=ttl, format="turtle")
    assert len(g) == 3


def test_only_ascii_integers_are_written_bare():
    """Turtle's INTEGER is -?[0-9]+: an xsd:integer written with other digits stays a quoted literal."""
    import rdflib

    from kg.ntriples import bare_integer, canonical_turtle

    assert bare_integer("42") and bare_integer("-7") and not bare_integer("\u0663") and not bare_integer("-")
    xi = "<http://www.w3.org/2001/XMLSchema#integer>"
    t = [("<http://x/s>", "<http://x/p>", f'"12"^^{xi}'), ("<http://x/s>", "<http://x/q>", f'"\u0663"^^{xi}')]
    ttl = canonical_turtle(t, {"x": "http://x/"})
    assert " 12 " in ttl or " 12\n" in ttl or " 12 ;" in ttl
    assert len(rdflib.Graph().parse(data=ttl, format="turtle")) == 2


def _streamed(store_dir: Path, monkeypatch=None, **kw) -> bytes:
    import io

    from kg.export import export_store

    out = io.BytesIO()
    export_store(open_store(store_dir, read_only=True), Format.TURTLE, out, folder=store_dir, **kw)
    return out.getvalue()


def test_turtle_from_the_build_keys_is_the_canonical_turtle(tmp_path, config, monkeypatch):
    """The export merges the turtle keys the build keeps beside the store: the same bytes as serialise(),
    with one or two writing processes, after a rebuild of one report, and (by a dump) when the keys do not
    match the store."""
    import json

    from kg import export as ex
    from kg.store import KEYS_DIR, KEYS_INDEX

    d = tmp_path / "reports"
    d.mkdir()
    for name in ("a-2024.txt", "b-2024.txt"):
        shutil.copy(REPORT, d / name)
    store = tmp_path / "s"
    build(sorted(d.iterdir()), config=config, store_dir=store, jobs=2)
    index = json.loads((store / KEYS_DIR / KEYS_INDEX).read_text(encoding="utf-8"))
    assert len(index["graphs"]) == 2
    expected = _export(store, Format.TURTLE).encode("utf-8")
    used = []
    real = ex._side_keys
    monkeypatch.setattr(ex, "_side_keys", lambda s, f: used.append(real(s, f)) or used[-1])
    for parts in (1, 2, 3):
        monkeypatch.setattr(ex, "EXPORT_PROCESSES", parts)
        assert _streamed(store) == expected
    assert used and all(u is not None for u in used), "the keys were used"
    assert _streamed(store, with_ontology=True) == ex.serialise(
        list(store_quads(open_store(store, read_only=True))), Format.TURTLE, with_ontology=True).encode("utf-8")

    text = (d / "b-2024.txt").read_text(encoding="utf-8")
    (d / "b-2024.txt").write_text(text.replace("Justitie", "Justitie en Veiligheid", 3), encoding="utf-8")
    build(sorted(d.iterdir()), config=config, store_dir=store, jobs=1)
    used.clear()
    changed = _export(store, Format.TURTLE).encode("utf-8")
    assert changed != expected
    assert _streamed(store) == changed and used[-1] is not None

    # keys that do not match the manifest (as after an interrupted rebuild) are not used
    index = json.loads((store / KEYS_DIR / KEYS_INDEX).read_text(encoding="utf-8"))
    next(iter(index["graphs"].values()))["sha256"] = "0" * 64
    (store / KEYS_DIR / KEYS_INDEX).write_text(json.dumps(index), encoding="utf-8")
    used.clear()
    assert _streamed(store) == changed and used[-1] is None


def test_merge_without_gnu_sort_gives_the_same_turtle(built_store, monkeypatch):
    from kg import export as ex

    expected = _streamed(built_store)
    monkeypatch.setattr(ex, "_gnu_sort", lambda: None)
    assert _streamed(built_store) == expected


@pytest.fixture(scope="module")
def two_report_store(tmp_path_factory, config) -> Path:
    """Two reports (the real one under two names: the same triples in two graphs), built once."""
    d = tmp_path_factory.mktemp("two")
    for name in ("a-2024.txt", "b-2024.txt"):
        shutil.copy(REPORT, d / name)
    store = d / "s"
    build(sorted(d.glob("*.txt")), config=config, store_dir=store, jobs=2)
    return store


@pytest.mark.parametrize("fmt", [Format.NTRIPLES, Format.NQUADS])
@pytest.mark.parametrize("gnu", [True, False])
def test_ntriples_and_nquads_from_the_build_keys_or_a_dump_are_serialise(two_report_store, monkeypatch, fmt, gnu):
    """N-Triples and N-Quads are written from the build's turtle keys (or, when they do not match the store,
    from pyoxigraph's dump), sorted by GNU sort (or in Python): always the bytes of serialise()."""
    import io

    from kg import export as ex

    store = two_report_store
    if not gnu:
        monkeypatch.setattr(ex, "_gnu_sort", lambda: None)
    used = []
    real = ex._side_key_graphs
    monkeypatch.setattr(ex, "_side_key_graphs", lambda s, f: used.append(real(s, f)) or used[-1])
    quads = list(store_quads(open_store(store, read_only=True)))
    assert len({q[3] for q in quads}) == 2
    for onto in (False, True):
        want = ex.serialise(quads, fmt, with_ontology=onto).encode("utf-8")
        out = io.BytesIO()
        n = ex.export_store(open_store(store, read_only=True), fmt, out, with_ontology=onto, folder=store)
        assert out.getvalue() == want and n == len(want), (fmt, onto)
        assert used[-1] is not None, "the keys were used"
        monkeypatch.setattr(ex, "_side_key_graphs", lambda s, f: used.append(None))  # as if they did not match
        out = io.BytesIO()
        ex.export_store(open_store(store, read_only=True), fmt, out, with_ontology=onto, folder=store)
        assert out.getvalue() == want, (fmt, onto, "dump")
        monkeypatch.setattr(ex, "_side_key_graphs", lambda s, f: used.append(real(s, f)) or used[-1])


def test_a_failing_sort_is_an_error_not_a_short_file(built_store, monkeypatch, tmp_path):
    import io
    import shutil as sh

    from kg import export as ex

    monkeypatch.setattr(ex, "_gnu_sort", lambda: sh.which("false"))
    with pytest.raises(OSError, match="sort failed"):
        ex.export_store(open_store(built_store, read_only=True), Format.NTRIPLES, io.BytesIO(), folder=built_store)


@pytest.mark.parametrize("gnu", [True, "groups", False])
def test_merged_keys_from_a_lower_bound_over_many_blocks(tmp_path, monkeypatch, gnu):
    """The merge that a part of the parallel Turtle export reads: from ``lo`` up to ``hi``, each line once, in
    order — over more than one 1 MiB block of sort's output, so whole blocks below ``lo`` are skipped and the
    block holding a bound is cut."""
    from kg import export as ex

    if not gnu:
        monkeypatch.setattr(ex, "_gnu_sort", lambda: None)
    if gnu == "groups":  # files merged in groups by sorts of their own, whose outputs one more sort merges
        monkeypatch.setattr(ex, "MERGE_GROUP", 2)
    lines = [f"0<https://kg.example.org/id/x/{i:07d}>\x000<p>\x002\"{'é' * (i % 7)}\"" for i in range(60_000)]
    files = []
    for n in range(3):  # three files, overlapping: lines repeat across files
        f = tmp_path / f"{n}.keys"
        f.write_text("".join(x + "\n" for x in sorted(lines[n * 15_000 : n * 15_000 + 30_000])), encoding="utf-8")
        files.append(f)
    everything = sorted(set(lines))
    assert sum(f.stat().st_size for f in files) > 3 << 20
    assert list(ex._merged_keys(files, tmp_path)) == everything
    bounds = (everything[0], everything[25_000][:40], everything[41_234].split("\x00")[0], "0<zzz")
    for lo in bounds:
        assert list(ex._merged_keys(files, tmp_path, lo)) == [x for x in everything if x >= lo]
        for hi in bounds:
            got = list(ex._merged_keys(files, tmp_path, lo, hi))
            assert got == [x for x in everything if lo <= x <= hi], (lo, hi)
        assert list(ex._merged_keys(files, tmp_path, None, lo)) == [x for x in everything if x <= lo]


def test_builds_in_one_process_do_not_hold_the_store(tmp_path, config):
    """Three builds in a row in one process (fresh, then two incremental) and read-only opens in between:
    nothing keeps a writable store (and its lock) alive."""
    d = tmp_path / "reports"
    d.mkdir()
    shutil.copy(REPORT, d / "a-2024.txt")
    store = tmp_path / "s"
    for i in range(3):
        if i:
            (d / "a-2024.txt").write_text(REPORT.read_text(encoding="utf-8") + f"\nExtra {i}.\n", encoding="utf-8")
        res = build([d / "a-2024.txt"], config=config, store_dir=store, jobs=1)
        assert not res.errors and res.built == 1
        assert _streamed(store) == _export(store, Format.TURTLE).encode("utf-8")


def _tiny_report(body: str) -> str:
    """A report in the corpus format with one numbered section of one-line paragraphs."""
    return ("Base description which applies to whole site\n\n3.1 Beleidsverslag\n\n"
            "3.1.1\u00a0\u00a0 Wetgeving\n\n" + "\n\n".join(body.strip().splitlines()) + "\n\nLicence\n")


def test_reports_that_disagree_about_a_law_still_conform(tmp_path, config):
    """Two years' reports: a bill that became a law, a project that became a programme, a law named in lower
    case in one and capitalised in the other. Each report graph gives one kind and at most one status per
    entity; the union keeps both years' statements and conforms to the shapes; the name is one prefLabel."""
    from kg.validate import validate

    d = tmp_path / "r"
    d.mkdir()
    (d / "szw-2022.txt").write_text(_tiny_report("""
Op 1 maart 2022 dienden we het wetsvoorstel Wet eerlijke arbeidsmarktregels in bij de Tweede Kamer.
We startten het project Vakkrachten Voorop in drie regio's.
Ruim 547 professionals volgden een opleiding over de Tijdelijke wet betere werkvloer en de e-Evidence-verordening."""), encoding="utf-8")
    (d / "szw-2024.txt").write_text(_tiny_report("""
De Wet eerlijke arbeidsmarktregels is op 1 januari 2024 in werking getreden.
Het programma Vakkrachten Voorop liep door in alle regio's.
De Wet betere werkvloer is in werking getreden."""), encoding="utf-8")
    res = build(sorted(d.iterdir()), config=config, store_dir=tmp_path / "s", jobs=1)
    assert not res.errors
    store = open_store(tmp_path / "s", read_only=True)
    per_graph = f"""SELECT ?g ?e ?p (COUNT(?o) AS ?n) WHERE {{
        GRAPH ?g {{ ?e ?p ?o FILTER(?p IN (<{KG}kind>, <{KG}status>)) FILTER(!CONTAINS(STR(?e), "/event/")) }}
    }} GROUP BY ?g ?e ?p"""
    rows = [(str(r["e"].value), str(r["p"].value), int(r["n"].value)) for r in store.query(per_graph)]
    assert rows and all(n == 1 for _, _, n in rows), [r for r in rows if r[2] != 1]
    union = f"""SELECT ?e ?p (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?e ?p ?o FILTER(?p IN (<{KG}kind>, <{KG}status>)) }}
        GROUP BY ?e ?p"""
    values = {(e.rsplit("/", 1)[-1], p.rsplit("#", 1)[-1]): n for e, p, n in
              ((str(r["e"].value), str(r["p"].value), int(r["n"].value))
               for r in store.query(union, use_default_graph_as_union=True))}
    # the fixture does what it says: the reports disagree, so the union has two of each
    assert values[("wet-eerlijke-arbeidsmarktregels", "kind")] == 2
    assert values[("wet-eerlijke-arbeidsmarktregels", "status")] == 2
    assert values[("vakkrachten-voorop", "kind")] == 2
    labels = {str(r["l"].value) for r in store.query(
        f"SELECT ?l WHERE {{ <{config.base_iri}/id/legal/wet-betere-werkvloer> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}",
        use_default_graph_as_union=True)}
    assert labels == {"Wet betere werkvloer"}
    report = validate(open_store(tmp_path / "s", read_only=True))
    assert not report.fails(), report.failing()


def test_workers_run_at_most_a_window_ahead_of_the_loader():
    """The build takes the workers' reports in order and keeps at most ``ahead`` of them submitted and not
    yet taken, so memory does not grow with the number of reports while the loader catches up."""
    from concurrent.futures import Future

    from kg.build import _bounded_map

    class Pool:
        def __init__(self):
            self.outstanding = self.most = 0

        def submit(self, fn, job):
            self.outstanding += 1
            self.most = max(self.most, self.outstanding)
            f = Future()
            f.set_result(fn(job))
            return f

    pool = Pool()
    out = []
    for x in _bounded_map(pool, lambda j: j * 2, range(100), ahead=5):
        pool.outstanding -= 1
        out.append(x)
    assert out == [j * 2 for j in range(100)]
    assert pool.most == 5


def test_turtle_keys_are_turtle_key_of_each_triple_sorted_and_unique():
    """kg.ntriples.turtle_keys writes turtle_key out in one expression: the same lines, for sets and lists."""
    from kg.ntriples import RDF_TYPE, turtle_key, turtle_keys

    triples = [
        ("<https://e/a>", RDF_TYPE, "<https://e/C>"),
        ("<https://e/a>", "<https://e/p>", '"x"@nl'),
        ("_:b1", "<https://e/p>", "<https://e/a>"),
        ("<https://e/a>", "<https://e/p>", "_:b1"),
        ("<https://e/b>", "<https://e/q>", '"7"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("<https://e/a>", "<https://e/p>", '"x"@nl'),  # a duplicate
    ]
    want = "".join(sorted({turtle_key(*t) for t in triples})).encode("utf-8")
    assert turtle_keys(triples) == want
    assert turtle_keys(set(triples)) == want
    assert turtle_keys(iter(triples)) == want
    assert want.count(b"\n") == 5
