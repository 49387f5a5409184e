"""A release folder: the graph in every format, the ontology, shapes, queries, a catalogue, checksums.

``build_release(store_dir, out_dir, config=...)`` writes everything into a fresh folder beside
``out_dir`` and swaps it in only when complete and checked (checksums re-read, catalogue validated
against the DCAT-AP-NL 3.0 shapes when they are found), so a failed or interrupted export leaves the
previous release untouched. Dates come from the configuration or ``SOURCE_DATE_EPOCH``, never the clock:
the same store and configuration give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from kg import assets
from kg.config import Config
from kg.errors import ConfigError, InputError, NotConformingError, UsageError

log = logging.getLogger(__name__)

CHECKSUMS = "SHA256SUMS"
CATALOG = "catalog.ttl"
CONTEXT = "context.jsonld"
ENV_DCAT_SHAPES = "KG_DCAT_SHAPES"
ENV_SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
ALL = "all"

# (file name, media type, EU file-type code) of the whole-graph files.
GRAPH_FILES = (
    ("kg.ttl", "text/turtle", "RDF_TURTLE", "turtle"),
    ("kg.nt", "application/n-triples", "RDF_N_TRIPLES", "ntriples"),
    ("kg.jsonld", "application/ld+json", "JSON_LD", "jsonld"),
    ("kg.trig", "application/trig", "RDF_TRIG", "trig"),
)


@dataclass(frozen=True)
class ReleasedFile:
    name: str
    byte_size: int
    sha256: str
    dataset: str


@dataclass(frozen=True)
class ReleaseResult:
    folder: Path
    files: tuple[ReleasedFile, ...]  # every file but SHA256SUMS, sorted by name
    triples: int
    graphs: tuple[str, ...]
    catalog_checked: bool  # False when the DCAT-AP-NL shapes were not found
    catalog_warnings: int = 0

    @property
    def byte_size(self) -> int:
        return sum(f.byte_size for f in self.files)


# --- configuration ----------------------------------------------------------------------------------


def context() -> dict:
    """The curated JSON-LD ``@context`` (ontology/context.jsonld): terms for the ontology's classes and properties."""
    path = assets.ontology_dir() / CONTEXT
    return json.loads(path.read_text(encoding="utf-8"))["@context"]


def release_date(value: object, what: str, *, source: str, env: Mapping[str, str]) -> date:
    """A date from the configuration (TOML date or ``YYYY-MM-DD``), else from SOURCE_DATE_EPOCH."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"[catalog] {what} must be a date like 2025-05-21, not {value!r}", path=source) from None
    if value is not None:
        raise ConfigError(f"[catalog] {what} must be a date like 2025-05-21, not {value!r}", path=source)
    epoch = env.get(ENV_SOURCE_DATE_EPOCH)
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
        except (ValueError, OverflowError):
            raise ConfigError(f"{ENV_SOURCE_DATE_EPOCH} must be seconds since 1970, not {epoch!r}") from None
    raise ConfigError(
        f"no release date: [catalog] {what} is not set and {ENV_SOURCE_DATE_EPOCH} is empty", path=source,
        hint=f"set {what} = \"YYYY-MM-DD\" in [catalog], or export {ENV_SOURCE_DATE_EPOCH}; the clock is never used",
    )


def catalog_config(config: Config, *, download_base: str | None = None, sparql_endpoint: str | None = None,
                   env: Mapping[str, str] | None = None):
    """The CatalogConfig from kg.toml's [catalog] table; the options override download_base and the endpoint."""
    from kg.publish.catalog import CatalogConfig, Contact

    env = os.environ if env is None else env
    c = dict(config.catalog)
    source = str(config.source) if config.source else "kg.toml"

    def need(key: str) -> str:
        v = c.get(key)
        if not isinstance(v, str) or not v.strip():
            raise ConfigError(f"[catalog] needs {key} (a string)", path=source)
        return v

    def strings(key: str) -> tuple[str, ...] | None:
        v = c.get(key)
        if v is None:
            return None
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise ConfigError(f"[catalog] {key} must be a list of strings", path=source)
        return tuple(v)

    base = download_base or c.get("download_base") or f"{config.base_iri}/release"
    kwargs = dict(
        base_iri=config.base_iri, download_base=str(base),
        title_nl=need("title_nl"), title_en=need("title_en"),
        description_nl=need("description_nl"), description_en=need("description_en"),
        contact=Contact(name=need("contact_name"), email=need("contact_email"), url=c.get("contact_url")),
        issued=release_date(c.get("issued"), "issued", source=source, env=env),
        modified=release_date(c.get("modified"), "modified", source=source, env=env),
        version=str(c.get("version") or "0"),
        sparql_endpoint=sparql_endpoint or c.get("sparql_endpoint"),
    )
    for key in ("publisher", "publisher_name", "creator", "creator_name", "licence", "language", "frequency",
                "access_rights", "homepage", "landing_page", "documentation", "sparql_endpoint_description"):
        if c.get(key) is not None:
            kwargs[key] = str(c[key])
    for key in ("themes", "donl_themes", "keywords_nl"):
        v = strings(key)
        if v is not None:
            kwargs[key] = v
    return CatalogConfig(**kwargs)


def find_dcat_shapes(option: str | os.PathLike[str] | None = None, *, required: bool = False) -> Path | None:
    """The DCAT-AP-NL 3.0 shapes folder: the option, $KG_DCAT_SHAPES, or ../shared/standards/dcat-ap-nl-3.0
    beside the checkout or the current folder."""
    if option or os.environ.get(ENV_DCAT_SHAPES):
        p = Path(option or os.environ[ENV_DCAT_SHAPES])
        if not p.is_dir():
            raise InputError("DCAT-AP-NL shapes folder not found", path=str(p))
        return p
    for root in (assets.root().parent, Path.cwd().parent, Path.cwd()):
        p = root / "shared" / "standards" / "dcat-ap-nl-3.0"
        if p.is_dir() and any(p.glob("*.ttl")):
            return p
    if required:
        raise InputError(
            "the DCAT-AP-NL 3.0 shapes were not found",
            hint=f"pass --shapes DIR or set ${ENV_DCAT_SHAPES} to the folder with the official *.ttl shapes",
        )
    return None


# --- statistics -----------------------------------------------------------------------------------


def void_stats(store, graph: str | None = None):
    """VoID figures for one named graph (or the union when ``graph`` is None), from the store."""
    from kg.publish.catalog import VoidStats

    where = f"GRAPH <{graph}> {{ %s }}" if graph else "%s"

    def rows(q: str):
        return list(store.query(q, use_default_graph_as_union=graph is None))

    triples = int(rows(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where % '?s ?p ?o'} }}")[0]["n"].value)
    entities = int(rows(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where % '?s ?p ?o'} FILTER isIRI(?s) }}")[0]["n"].value)
    classes = {r["c"].value: int(r["n"].value) for r in rows(
        f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where % '?s a ?c'} }} GROUP BY ?c ORDER BY ?c")}
    properties = {r["p"].value: int(r["n"].value) for r in rows(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {where % '?s ?p ?o'} }} GROUP BY ?p ORDER BY ?p")}
    vocabularies = sorted({_namespace(i) for i in (*classes, *properties)})
    examples = [r["s"].value for r in rows(
        f"SELECT ?s WHERE {{ {where % '?s a <https://kg.example.org/def/kg#Report>'} }} ORDER BY ?s LIMIT 3")]
    examples += [r["s"].value for r in rows(
        f"SELECT ?s WHERE {{ {where % '?s a <https://kg.example.org/def/kg#Organisation>'} }} ORDER BY ?s LIMIT 2")]
    return VoidStats(triples=triples, entities=entities, classes=classes, properties=properties,
                     vocabularies=tuple(vocabularies), example_resources=tuple(examples))


def _namespace(i: str) -> str:
    cut = max(i.rfind("#"), i.rfind("/"))
    return i[: cut + 1]


# --- the release -----------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def checksums_text(files: Mapping[str, str]) -> str:
    """coreutils ``sha256sum`` format: ``<hex>  <name>``, sorted by name (``sha256sum -c`` reads it)."""
    return "".join(f"{files[name]}  {name}\n" for name in sorted(files))


def verify_checksums(folder: Path) -> list[str]:
    """Names of the files in ``folder/SHA256SUMS`` that are missing or whose SHA-256 differs."""
    bad = []
    for line in (folder / CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        p = folder / name
        if not p.is_file() or sha256_file(p) != digest:
            bad.append(name)
    return bad


def _is_release(folder: Path) -> bool:
    return (folder / CHECKSUMS).is_file() or (folder / CATALOG).is_file()


def _reports(config: Config) -> dict[str, object]:
    from kg.read.reader import report_key

    return {report_key(r.path): r for r in config.reports}


def build_release(
    store_dir: Path,
    out_dir: Path,
    *,
    config: Config,
    download_base: str | None = None,
    sparql_endpoint: str | None = None,
    shapes_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReleaseResult:
    """Write the release for the store at ``store_dir`` into ``out_dir``, atomically.

    Raises :class:`NotConformingError` (and leaves ``out_dir`` as it was) when the catalogue violates the
    DCAT-AP-NL shapes in ``shapes_dir``; with ``shapes_dir=None`` the catalogue is not checked.
    """
    from kg import store as st

    out_dir = Path(out_dir).resolve()
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not _is_release(out_dir))):
        raise UsageError(f"{out_dir} exists and is not a kg release; refusing to replace it",
                         hint="choose an empty or new folder for --release")
    cat_config = catalog_config(config, download_base=download_base, sparql_endpoint=sparql_endpoint, env=env)
    st.recover(out_dir)
    store = st.open_store(Path(store_dir), read_only=True)
    tmp = out_dir.with_name(f".{out_dir.name}.building-{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        result = _write(store, tmp, config=config, cat_config=cat_config, shapes_dir=shapes_dir, progress=progress)
        bad = verify_checksums(tmp)
        if bad:  # a disk or concurrency problem: never publish a release that does not match its sums
            raise InputError(f"release files changed while writing: {', '.join(bad)}", path=str(tmp))
        st.swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReleaseResult(out_dir, result.files, result.triples, result.graphs, result.catalog_checked,
                         result.catalog_warnings)


def _write(store, folder: Path, *, config: Config, cat_config, shapes_dir: Path | None,
           progress: Callable[[str], None] | None) -> ReleaseResult:
    from kg.export import Format, serialise, store_quads, write_atomic
    from kg.publish.catalog import DatasetInfo, ReleaseFile, build_catalog, validate_catalog
    from kg.store import graph_names

    say = progress or (lambda _m: None)
    quads = list(store_quads(store))
    graphs = tuple(graph_names(store))
    prefix = f"{config.base_iri}/graph/"
    keys = {g: g[len(prefix):] if g.startswith(prefix) else None for g in graphs}
    for g, k in keys.items():
        if not k or k == ALL or "/" in k:
            raise InputError(f"graph <{g}> is not a report graph under {prefix}", hint="rebuild the store with this base_iri")
    files: list[ReleaseFile] = []

    def add(name: str, data: bytes, media: str, ftype: str, dataset: str, nl: str, en: str) -> None:
        path = folder / name
        path.write_bytes(data)
        files.append(ReleaseFile(name=name, media_type=media, file_type=ftype, byte_size=len(data),
                                 sha256=hashlib.sha256(data).hexdigest(), dataset=dataset, title_nl=nl, title_en=en))

    ctx = context()
    names_nl = {"turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "trig": "TriG, één graaf per jaarverslag"}
    names_en = {"turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "trig": "TriG, one graph per report"}
    for name, media, ftype, fmt in GRAPH_FILES:
        say(f"writing {name}")
        text = serialise(quads, Format.from_name(fmt), with_ontology=False, context=ctx if fmt == "jsonld" else None)
        add(name, text.encode("utf-8"), media, ftype, ALL,
            f"De hele graaf ({names_nl[fmt]})", f"The whole graph ({names_en[fmt]})")
    add(CONTEXT, (assets.ontology_dir() / CONTEXT).read_bytes(), "application/ld+json", "JSON_LD", ALL,
        "JSON-LD-context met de termen van de ontologie", "JSON-LD context with the ontology's terms")
    for p in assets.files("ontology"):
        add(f"ontology-{p.name}", p.read_bytes(), "text/turtle", "RDF_TURTLE", ALL,
            f"Ontologie: {p.name}", f"Ontology: {p.name}")
    for p in assets.files("shapes"):
        add(f"shapes-{p.name}", p.read_bytes(), "text/turtle", "RDF_TURTLE", ALL,
            f"SHACL-shapes: {p.name}", f"SHACL shapes: {p.name}")
    for p in assets.files("queries", "*.rq"):
        add(f"query-{p.name}", p.read_bytes(), "application/sparql-query", "SPARQLQ", ALL,
            f"SPARQL-query: {p.stem}", f"SPARQL query: {p.stem}")

    reports = _reports(config)
    datasets = [DatasetInfo(
        key=ALL, title_nl=cat_config.title_nl, title_en=cat_config.title_en,
        description_nl=cat_config.description_nl, description_en=cat_config.description_en,
        issued=cat_config.issued, modified=cat_config.modified,
    )]
    void = {ALL: void_stats(store)}
    for g in graphs:
        key = keys[g]
        say(f"writing report-{key}.ttl")
        r = reports.get(key)
        title = getattr(r, "title", None) or key
        year = getattr(r, "year", None)
        datasets.append(DatasetInfo(
            key=key, title_nl=title, title_en=f"Annual report graph: {title}",
            description_nl=f"De graaf van één jaarverslag ({title}): de opbouw, de genoemde organisaties, regelingen, "
                           f"programma's en Kamerstukken, met de zin waarop elke bewering berust.",
            description_en=f"The graph of one annual report ({title}): its structure and the organisations, legal "
                           f"instruments, programmes and parliamentary papers it names, each with its sentence.",
            issued=cat_config.issued, modified=cat_config.modified, year=int(year) if year else None,
            source_report_iri=f"{config.base_iri}/id/report/{key}",
        ))
        own = [q for q in quads if q[3] == f"<{g}>"]
        text = serialise(own, Format.TURTLE)
        add(f"report-{key}.ttl", text.encode("utf-8"), "text/turtle", "RDF_TURTLE", key,
            f"{title} (Turtle)", f"{title} (Turtle)")
        void[key] = void_stats(store, g)

    say("writing catalog.ttl")
    graph = build_catalog(cat_config, datasets=datasets, files=files, void=void)
    checked, warnings = False, 0
    if shapes_dir is not None:
        say("checking the catalogue against DCAT-AP-NL 3.0")
        report = validate_catalog(graph, shapes_dir=shapes_dir)
        if report.violations:
            shown = "\n  ".join(str(v) for v in report.violations[:10])
            raise NotConformingError(
                f"the catalogue does not conform to DCAT-AP-NL 3.0 ({len(report.violations)} violation(s)); "
                f"the previous release is left as it was:\n  {shown}")
        checked, warnings = True, len(report.warnings)
    catalog_text = catalog_turtle(graph)
    write_atomic(folder / CATALOG, catalog_text)
    sums = {f.name: f.sha256 for f in files}
    sums[CATALOG] = hashlib.sha256(catalog_text.encode("utf-8")).hexdigest()
    write_atomic(folder / CHECKSUMS, checksums_text(sums))
    released = [ReleasedFile(f.name, f.byte_size, f.sha256, f.dataset) for f in files]
    released.append(ReleasedFile(CATALOG, len(catalog_text.encode("utf-8")), sums[CATALOG], ALL))
    return ReleaseResult(folder, tuple(sorted(released, key=lambda f: f.name)), void[ALL].triples, graphs,
                         checked, warnings)


def catalog_turtle(graph) -> str:
    """The catalogue as canonical Turtle (sorted, prefixed): the same graph gives the same bytes."""
    import pyoxigraph as ox

    from kg.ntriples import RDF_TYPE, canonical_turtle
    from kg.publish.catalog import PREFIXES

    nt = graph.serialize(format="nt", encoding="utf-8")
    # canonical_turtle writes rdf:type as "a" in every position; "a" is only valid as a predicate, and
    # VoID property partitions have rdf:type as an object, so those go through a placeholder.
    placeholder = "<urn:kg:placeholder:rdf-type>"
    triples = [(str(t.subject), str(t.predicate), placeholder if str(t.object) == RDF_TYPE else str(t.object))
               for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)]
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    prefixes.update({"kg": "https://kg.example.org/def/kg#"})
    text = canonical_turtle(triples, prefixes, header="# DCAT-AP-NL 3.0 catalogue and VoID description of this release.\n")
    return text.replace(placeholder, RDF_TYPE)


def validate_catalog_file(path: Path, *, shapes_dir: Path | None = None):
    """Check a catalogue file (Turtle or any RDF rdflib reads) against the DCAT-AP-NL 3.0 shapes -> CatalogReport."""
    import rdflib
    from rdflib.util import guess_format

    from kg.publish.catalog import validate_catalog

    path = Path(path)
    if path.is_dir():
        path = path / CATALOG
    if not path.is_file():
        raise InputError("catalogue file not found", path=str(path))
    g = rdflib.Graph()
    try:
        g.parse(str(path), format=guess_format(str(path)) or "turtle")
    except Exception as err:  # rdflib raises many parser exception types
        raise InputError(f"cannot parse the catalogue: {err}", path=str(path)) from None
    return validate_catalog(g, shapes_dir=shapes_dir or find_dcat_shapes(required=True))
