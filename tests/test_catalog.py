"""The DCAT-AP-NL 3.0 catalogue: it conforms to the official shapes, the check can fail, and it is stable."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, VOID, Namespace

from kg.errors import InputError
from kg.publish.catalog import (
    SPDX,
    VCARD,
    CatalogConfig,
    CatalogInputError,
    Contact,
    DatasetInfo,
    ReleaseFile,
    VoidStats,
    build_catalog,
    validate_catalog,
)

# Plain namespaces: rdflib's DCAT and XSD warn when pytest inspects them during collection.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SHAPES = Path(__file__).resolve().parents[1].parent / "shared/standards/dcat-ap-nl-3.0"
BASE = "https://kg.example.org"
EU = "http://publications.europa.eu/resource/authority/"
DL = "https://kg.example.org/download/2024.1"

CONFIG = CatalogConfig(
    base_iri=BASE,
    download_base=DL,
    title_nl="Jaarverslagen van Justitie en Veiligheid als linked data",
    title_en="Annual reports of Justice and Security as linked data",
    description_nl="Organisaties, wetten, programma's en cijfers uit de jaarverslagen, met hun bron.",
    description_en="Organisations, laws, programmes and figures from the annual reports, with their source.",
    contact=Contact(name="Team kennisgraaf", email="kennisgraaf@example.org", url="https://kg.example.org/contact"),
    issued=date(2024, 5, 15),
    modified=date(2024, 6, 3),
    version="2024.1",
    keywords_nl=("jaarverslag", "justitie"),
    homepage="https://kg.example.org/",
    landing_page="https://kg.example.org/doc/catalog",
    documentation="https://kg.example.org/doc/model",
)
DATASETS = (
    DatasetInfo(
        key="all", title_nl="Alle jaarverslagen", title_en="All annual reports",
        description_nl="De hele graaf.", description_en="The whole graph.",
        issued=date(2024, 5, 15), modified=date(2024, 6, 3),
    ),
    DatasetInfo(
        key="jaarverslag-2023", title_nl="Jaarverslag 2023", title_en="Annual report 2023",
        description_nl="De graaf van het jaarverslag 2023.", description_en="The graph of the 2023 annual report.",
        issued=date(2024, 5, 15), modified=date(2024, 5, 15), year=2023,
        source_report_iri=f"{BASE}/id/report/jaarverslag-2023", keywords_nl=("2023",),
    ),
)
FILES = (
    ReleaseFile(name="kg-all.ttl", media_type="text/turtle", file_type="RDF_TURTLE", byte_size=1_234_567,
                sha256="0f" * 32, dataset="all", title_nl="Alles (Turtle)", title_en="All (Turtle)"),
    ReleaseFile(name="kg-all.nt", media_type="application/n-triples", file_type="RDF_N_TRIPLES",
                byte_size=2_345_678, sha256="A1" * 32, dataset="all", title_nl="Alles (N-Triples)",
                title_en="All (N-Triples)"),
    ReleaseFile(name="kg-all.trig", media_type="application/trig", file_type="RDF_TRIG", byte_size=0,
                sha256="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", dataset="all",
                title_nl="Alles per jaarverslag (TriG)", title_en="All by report (TriG)"),
    ReleaseFile(name="jaarverslag-2023.jsonld", media_type="application/ld+json", file_type="JSON_LD",
                byte_size=98_765, sha256="9c" * 32, dataset="jaarverslag-2023",
                title_nl="Jaarverslag 2023 (JSON-LD)", title_en="Annual report 2023 (JSON-LD)"),
)
VOID_STATS = {
    "all": VoidStats(
        triples=12_345, entities=678,
        classes={"https://kg.example.org/def/kg#Report": 1, "https://kg.example.org/def/kg#Organisation": 120},
        properties={"http://purl.org/dc/terms/title": 400, "http://www.w3.org/2004/02/skos/core#prefLabel": 900},
        vocabularies=("http://purl.org/dc/terms/", "https://kg.example.org/def/kg#"),
        example_resources=(f"{BASE}/id/report/jaarverslag-2023",),
    ),
}
ENDPOINT = "https://kg.example.org/sparql"


def build(config: CatalogConfig = CONFIG, **changes: object) -> Graph:
    return build_catalog(config, datasets=DATASETS, files=FILES, void=VOID_STATS, **changes)


@pytest.fixture(scope="module")
def catalog() -> Graph:
    return build()


@pytest.fixture(scope="module")
def with_service() -> Graph:
    return build(dataclasses.replace(CONFIG, sparql_endpoint=ENDPOINT))


def dist(name: str, dataset: str = "all") -> URIRef:
    return URIRef(f"{BASE}/id/distribution/{dataset}/{name}")


def without(graph: Graph, predicate: URIRef, subject: URIRef | None = None) -> Graph:
    g = Graph()
    g.namespace_manager = graph.namespace_manager
    for s, p, o in graph:
        if not (p == predicate and (subject is None or s == subject)):
            g.add((s, p, o))
    return g


# --- conformance ---------------------------------------------------------------------------------


def test_the_shapes_are_there() -> None:
    assert sorted(p.name for p in SHAPES.glob("*.ttl")) == [
        "dcat-ap-SHACL.ttl", "dcat-ap-nl-SHACL-aanbevolen.ttl", "dcat-ap-nl-SHACL-klassebereik-codelijsten.ttl",
        "dcat-ap-nl-SHACL-klassebereik.ttl", "dcat-ap-nl-SHACL.ttl",
    ]


def test_catalogue_conforms_to_dcat_ap_nl(catalog: Graph) -> None:
    report = validate_catalog(catalog, shapes_dir=SHAPES)
    assert report.violations == ()
    assert report.conforms


def test_only_recommendations_we_cannot_honestly_meet_are_left(catalog: Graph, with_service: Graph) -> None:
    # A file download is not served by a data service, so dcat:accessService stays a warning.
    report = validate_catalog(catalog, shapes_dir=SHAPES)
    assert {(w.path, w.severity) for w in report.warnings} == {(str(DCAT.accessService), "Warning")}
    assert {w.focus_node for w in report.warnings} == {str(dist(f.name, f.dataset)) for f in FILES}
    assert all("aanbevolen" in w.shape for w in report.warnings)
    # The SPARQL distribution has no file to download.
    report = validate_catalog(with_service, shapes_dir=SHAPES)
    assert report.conforms
    assert {w.path for w in report.warnings} == {str(DCAT.accessService), str(DCAT.downloadURL)}
    assert [w.focus_node for w in report.warnings if w.path == str(DCAT.downloadURL)] == [str(dist("sparql"))]


def test_with_sparql_endpoint_a_data_service_appears_and_conforms(with_service: Graph) -> None:
    g = with_service
    service = URIRef(f"{BASE}/id/service/sparql")
    assert (service, RDF.type, DCAT.DataService) in g
    assert (URIRef(f"{BASE}/id/catalog"), DCAT.service, service) in g
    assert g.value(service, DCAT.endpointURL) == URIRef(ENDPOINT)
    assert g.value(service, DCTERMS.conformsTo) == URIRef("https://www.w3.org/TR/sparql11-protocol/")
    assert set(g.objects(service, DCAT.servesDataset)) == {URIRef(f"{BASE}/id/dataset/{d.key}") for d in DATASETS}
    assert (dist("sparql"), DCAT.accessService, service) in g
    assert (URIRef(f"{BASE}/id/dataset/all"), DCAT.distribution, dist("sparql")) in g
    assert (URIRef(f"{BASE}/id/dataset/all"), VOID.sparqlEndpoint, URIRef(ENDPOINT)) in g
    assert validate_catalog(g, shapes_dir=SHAPES).violations == ()


def test_without_sparql_endpoint_there_is_no_data_service(catalog: Graph) -> None:
    assert not list(catalog.subjects(RDF.type, DCAT.DataService))
    assert not list(catalog.triples((None, VOID.sparqlEndpoint, None)))


# --- the check can fail --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("predicate", "subject", "name"),
    [
        (DCTERMS.publisher, None, "publisher"),
        (DCTERMS.license, dist("kg-all.ttl"), "license"),
        (DCAT.contactPoint, None, "contactPoint"),
    ],
    ids=["publisher", "licence", "contact-point"],
)
def test_removing_a_mandatory_property_gives_violations(catalog: Graph, predicate, subject, name) -> None:
    report = validate_catalog(without(catalog, predicate, subject), shapes_dir=SHAPES)
    assert not report.conforms
    assert report.violations
    for finding in report.violations:
        assert finding.path == str(predicate)
        assert finding.severity == "Violation"
        assert name in finding.message
    if subject is not None:
        assert {f.focus_node for f in report.violations} == {str(subject)}
    else:
        assert f"{BASE}/id/catalog" in {f.focus_node for f in report.violations}
        assert f"{BASE}/id/dataset/jaarverslag-2023" in {f.focus_node for f in report.violations}


def test_untyped_code_list_values_are_violations(catalog: Graph) -> None:
    # The shapes run without inference: a theme that is not stated to be a skos:Concept fails sh:class.
    g = Graph()
    for s, p, o in catalog:
        if not (p == RDF.type and o == SKOS.Concept and str(s).startswith(EU + "data-theme/")):
            g.add((s, p, o))
    g.namespace_manager = catalog.namespace_manager
    report = validate_catalog(g, shapes_dir=SHAPES)
    assert {(f.path, f.value) for f in report.violations} >= {
        (str(DCAT.theme), f"<{EU}data-theme/JUST>"), (str(DCAT.theme), f"<{EU}data-theme/GOVE>"),
    }
    assert all("skos:Concept" in f.message for f in report.violations)


def test_findings_are_sorted_and_unique(catalog: Graph) -> None:
    report = validate_catalog(without(catalog, DCTERMS.publisher), shapes_dir=SHAPES)
    assert list(report.violations) == sorted(set(report.violations))
    assert list(report.warnings) == sorted(set(report.warnings))


def test_an_empty_shapes_folder_is_an_input_error(tmp_path: Path, catalog: Graph) -> None:
    with pytest.raises(InputError, match="no SHACL shapes"):
        validate_catalog(catalog, shapes_dir=tmp_path)


# --- content -------------------------------------------------------------------------------------


def test_byte_sizes_and_checksums_appear_as_given(catalog: Graph) -> None:
    for f in FILES:
        d = dist(f.name, f.dataset)
        size = catalog.value(d, DCAT.byteSize)
        assert size == Literal(str(f.byte_size), datatype=XSD.nonNegativeInteger)
        assert int(size) == f.byte_size
        checksum = catalog.value(d, SPDX.checksum)
        assert checksum == URIRef(f"{d}#sha256")
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = catalog.value(checksum, SPDX.checksumValue)
        assert value.datatype == XSD.hexBinary
        assert str(value) == f.sha256.lower()


def test_distributions_download_from_the_download_base(catalog: Graph) -> None:
    for f in FILES:
        d = dist(f.name, f.dataset)
        url = URIRef(f"{DL}/{f.name}")
        assert catalog.value(d, DCAT.downloadURL) == url
        assert catalog.value(d, DCAT.accessURL) == url
        assert catalog.value(d, DCTERMS.format) == URIRef(f"{EU}file-type/{f.file_type}")
        assert catalog.value(d, DCAT.mediaType) == URIRef(f"https://www.iana.org/assignments/media-types/{f.media_type}")
        assert catalog.value(d, DCTERMS.license) == URIRef(CONFIG.licence)
        assert (URIRef(f"{BASE}/id/dataset/{f.dataset}"), DCAT.distribution, d) in catalog
        assert (URIRef(f"{BASE}/id/dataset/{f.dataset}"), VOID.dataDump, url) in catalog


def test_values_checked_with_sh_class_are_typed_in_the_catalogue(catalog: Graph) -> None:
    assert (URIRef(EU + "data-theme/JUST"), RDF.type, SKOS.Concept) in catalog
    assert (URIRef(EU + "data-theme/JUST"), SKOS.inScheme, URIRef(EU + "data-theme")) in catalog
    assert (URIRef(CONFIG.licence), RDF.type, DCTERMS.LicenseDocument) in catalog
    assert (URIRef(CONFIG.publisher), RDF.type, FOAF.Agent) in catalog
    assert (URIRef(f"{DL}/kg-all.ttl"), RDF.type, RDFS.Resource) in catalog
    contact = catalog.value(URIRef(f"{BASE}/id/catalog"), DCAT.contactPoint)
    assert {VCARD.Kind, VCARD.Organization} <= set(catalog.objects(contact, RDF.type))
    assert catalog.value(contact, VCARD.hasEmail) == URIRef("mailto:kennisgraaf@example.org")


def test_eu_and_data_overheid_themes_sit_side_by_side(catalog: Graph) -> None:
    ds = URIRef(f"{BASE}/id/dataset/all")
    themes = {str(t) for t in catalog.objects(ds, DCAT.theme)}
    assert themes == set(CONFIG.themes) | set(CONFIG.donl_themes)
    taxonomies = set(catalog.objects(URIRef(f"{BASE}/id/catalog"), DCAT.themeTaxonomy))
    assert taxonomies == {
        URIRef(EU + "data-theme"), URIRef("http://standaarden.overheid.nl/owms/terms/TaxonomieBeleidsagenda"),
    }


def test_agents_have_names(catalog: Graph) -> None:
    assert catalog.value(URIRef(CONFIG.publisher), FOAF.name) == Literal("Ministerie van Justitie en Veiligheid", lang="nl")
    other = "https://identifier.overheid.nl/tooi/id/ministerie/mnre1025"
    g = build(dataclasses.replace(CONFIG, creator=other, creator_name="Ministerie van Financiën"))
    assert g.value(URIRef(other), FOAF.name) == Literal("Ministerie van Financiën", lang="nl")
    assert (URIRef(f"{BASE}/id/dataset/all"), DCTERMS.creator, URIRef(other)) in g


def test_dataset_basics(catalog: Graph) -> None:
    ds = URIRef(f"{BASE}/id/dataset/jaarverslag-2023")
    assert {DCAT.Dataset, VOID.Dataset} <= set(catalog.objects(ds, RDF.type))
    assert list(catalog.objects(ds, DCTERMS.identifier)) == [Literal(str(ds))]
    assert list(catalog.objects(ds, DCTERMS.accessRights)) == [URIRef(EU + "access-right/PUBLIC")]
    period = catalog.value(ds, DCTERMS.temporal)
    assert period == URIRef(f"{BASE}/id/period/2023")
    assert catalog.value(period, DCAT.startDate) == Literal("2023-01-01", datatype=XSD.date)
    assert catalog.value(period, DCAT.endDate) == Literal("2023-12-31", datatype=XSD.date)
    assert (URIRef(f"{BASE}/id/dataset/all"), VOID.subset, ds) in catalog


def test_void_statistics(catalog: Graph) -> None:
    ds = URIRef(f"{BASE}/id/dataset/all")
    stats = VOID_STATS["all"]
    assert int(catalog.value(ds, VOID.triples)) == stats.triples
    assert int(catalog.value(ds, VOID.entities)) == stats.entities
    assert int(catalog.value(ds, VOID.classes)) == len(stats.classes)
    assert int(catalog.value(ds, VOID.properties)) == len(stats.properties)
    partitions = {catalog.value(p, VOID["class"]): int(catalog.value(p, VOID.entities))
                  for p in catalog.objects(ds, VOID.classPartition)}
    assert partitions == {URIRef(k): v for k, v in stats.classes.items()}
    partitions = {catalog.value(p, VOID.property): int(catalog.value(p, VOID.triples))
                  for p in catalog.objects(ds, VOID.propertyPartition)}
    assert partitions == {URIRef(k): v for k, v in stats.properties.items()}
    assert set(catalog.objects(ds, VOID.vocabulary)) == {URIRef(v) for v in stats.vocabularies}
    assert set(catalog.objects(ds, VOID.exampleResource)) == {URIRef(v) for v in stats.example_resources}


# --- determinism ---------------------------------------------------------------------------------


def test_no_blank_nodes(catalog: Graph, with_service: Graph) -> None:
    for g in (catalog, with_service):
        assert not [t for t in g if any(isinstance(x, BNode) for x in t)]


def test_building_twice_gives_the_same_graph_and_bytes(catalog: Graph) -> None:
    again = build()
    assert isomorphic(catalog, again)
    assert sorted(catalog.serialize(format="nt").splitlines()) == sorted(again.serialize(format="nt").splitlines())
    assert catalog.serialize(format="turtle") == again.serialize(format="turtle")


def test_dates_come_from_the_configuration_never_the_clock() -> None:
    old = dataclasses.replace(CONFIG, issued=date(2001, 2, 3), modified=date(2002, 3, 4))
    datasets = [dataclasses.replace(d, issued=date(2001, 2, 3), modified=date(2002, 3, 4), year=None)
                for d in DATASETS]
    g = build_catalog(old, datasets=datasets, files=FILES)
    dated = {o for o in g.objects() if isinstance(o, Literal) and o.datatype in (XSD.date, XSD.dateTime)}
    assert dated == {Literal("2001-02-03", datatype=XSD.date), Literal("2002-03-04", datatype=XSD.date)}
    again = build_catalog(old, datasets=datasets, files=FILES)
    assert sorted(g.serialize(format="nt").splitlines()) == sorted(again.serialize(format="nt").splitlines())


# --- invalid input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"files": (dataclasses.replace(FILES[0], dataset="nope"),)}, "unknown dataset 'nope'"),
        ({"files": (dataclasses.replace(FILES[0], sha256="xyz"),)}, "64 hexadecimal digits"),
        ({"files": (dataclasses.replace(FILES[0], file_type="TURTLE"),)}, "EU file-type list"),
        ({"files": (dataclasses.replace(FILES[0], byte_size=-1),)}, "non-negative integer"),
        ({"files": (FILES[0], FILES[0])}, "listed twice"),
        ({"files": (dataclasses.replace(FILES[0], name="a/b.ttl"),)}, "without folders"),
        ({"datasets": (dataclasses.replace(DATASETS[0], key="Alle Verslagen"),)}, "not a slug"),
        ({"datasets": (DATASETS[0], DATASETS[0])}, "duplicate dataset keys"),
        ({"datasets": (dataclasses.replace(DATASETS[0], themes=()),), "files": ()}, "EU data theme"),
        ({"datasets": (dataclasses.replace(DATASETS[0], modified=datetime(2024, 1, 1, 12)),), "files": ()},
         "no time of day"),
        ({"void": {"elders": VOID_STATS["all"]}}, "unknown dataset 'elders'"),
    ],
)
def test_invalid_input_is_refused(change: dict, message: str) -> None:
    kwargs = {"datasets": DATASETS, "files": FILES, "void": VOID_STATS} | change
    with pytest.raises(CatalogInputError, match=message):
        build_catalog(CONFIG, **kwargs)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"themes": ("http://example.org/theme/x",)}, "not a value of the code list"),
        ({"language": EU + "frequency/ANNUAL"}, "not a value of the code list"),
        ({"contact": Contact(name="x", email="not-an-address")}, "e-mail"),
        ({"base_iri": "kg.example.org"}, "not an absolute IRI"),
        ({"issued": datetime(2024, 1, 1, 8, 30)}, "no time of day"),
        ({"creator": "https://identifier.overheid.nl/tooi/id/ministerie/mnre1025"}, "creator_name"),
    ],
)
def test_invalid_configuration_is_refused(change: dict, message: str) -> None:
    with pytest.raises(CatalogInputError, match=message):
        build(dataclasses.replace(CONFIG, **change))
