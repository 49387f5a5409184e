"""The build pipeline: report files -> read -> extract -> RDF -> the store, one named graph per report.

Reports are processed in parallel worker processes (reading and extraction are pure Python, so
processes, not threads); the main process only writes to the store. A report whose file and build
fingerprint are unchanged since the last build is skipped, so a rebuild after one report changed
redoes only that report's graph.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from kg import __version__, assets
from kg.config import Config
from kg.errors import InputError, KgError

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class ReportResult:
    key: str
    path: str
    graph: str
    triples: int
    entities: int
    mentions: int
    warnings: tuple[str, ...]
    skipped: bool = False


@dataclass(frozen=True)
class BuildResult:
    store: Path
    reports: tuple[ReportResult, ...]
    errors: tuple[str, ...] = ()  # one message per report that could not be built

    @property
    def triples(self) -> int:
        return sum(r.triples for r in self.reports)

    @property
    def built(self) -> int:
        return sum(1 for r in self.reports if not r.skipped)


@dataclass
class _Job:
    path: str
    key: str
    meta: dict[str, str]
    base: str


@dataclass
class _Done:
    key: str
    path: str
    sha256: str
    ntriples: bytes | str  # UTF-8 N-Triples (bytes from a worker)
    keys: bytes  # the triples' canonical-Turtle sort keys, sorted (kg.ntriples.turtle_key)
    triples: int
    entities: int
    mentions: int
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def fingerprint() -> str:
    """What else, besides the report file, decides a report's graph: code version and reference data."""
    h = hashlib.sha256(__version__.encode())
    for kind in ("reference", "ontology"):
        for p in assets.files(kind):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def process_report(job: _Job) -> _Done:
    """Read, extract and serialise one report (runs in a worker process)."""
    from kg.extract import extract
    from kg.graph import report_triples
    from kg.ntriples import ntriples, turtle_keys
    from kg.read import read_report
    from kg.reference import load_reference

    try:
        report = read_report(job.path, key=job.key)
        extraction = extract(report, reference=load_reference())
        triples = set(report_triples(report, extraction, base=job.base, meta=job.meta))
    except KgError as err:
        return _Done(job.key, job.path, "", "", b"", 0, 0, 0, error=str(err))
    warnings = [f"{job.path}:{w.line or '-'}: warning: {w.message}" for w in (*report.warnings, *extraction.warnings)]
    return _Done(
        key=job.key,
        path=job.path,
        sha256=report.sha256,
        # In any order: the store does not keep it (sorting cost 6 ms of a worker's 170 ms per report).
        ntriples=ntriples(triples).encode("utf-8"),
        keys=turtle_keys(triples),
        triples=len(triples),
        entities=len(extraction.entities),
        mentions=len(extraction.mentions),
        warnings=warnings,
    )


AHEAD_PER_WORKER = 4  # reports a worker may have done or in hand before the loader takes them


def _bounded_map(pool, fn, jobs: Sequence, *, ahead: int) -> Iterator:
    """``pool.map(fn, jobs)`` in order, with at most ``ahead`` jobs submitted and not yet taken.

    ``Executor.map`` submits every job at once, and the finished reports (about 3 MB of N-Triples and turtle
    keys each) then wait in this process for the loader: when the loader is slower than the workers, memory
    grows with the number of reports (1.3 GB at N = 1000). A window keeps it at ``ahead`` reports."""
    from collections import deque

    pending: deque = deque()
    it = iter(jobs)
    for job in it:
        pending.append(pool.submit(fn, job))
        if len(pending) >= ahead:
            break
    while pending:
        yield pending.popleft().result()
        for job in it:
            pending.append(pool.submit(fn, job))
            break


def _file_sha(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def build(
    paths: Sequence[Path],
    *,
    config: Config,
    store_dir: Path,
    jobs: int | None = None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the given reports into the store at ``store_dir``."""
    from kg import store as st
    from kg.graph import Minter
    from kg.read.reader import report_key

    minter = Minter(config.base_iri)
    st.recover(store_dir)
    manifest_path = store_dir / MANIFEST
    manifest: dict = {}
    if st.is_store(store_dir) and manifest_path.is_file():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
    fp = fingerprint()
    if manifest.get("fingerprint") != fp or manifest.get("base_iri") != config.base_iri:
        manifest = {"fingerprint": fp, "base_iri": config.base_iri, "reports": manifest.get("reports", {})}
        force = True
    known: dict = manifest.setdefault("reports", {})

    # Unique keys: two files with the same stem in different folders would collide.
    seen: dict[str, str] = {}
    todo: list[_Job] = []
    results: list[ReportResult] = []
    errors: list[str] = []
    for p in paths:
        key = report_key(p)
        if key in seen and seen[key] != str(p):
            errors.append(f"{p}: report key {key!r} is already used by {seen[key]}; rename one of the files")
            continue
        seen[key] = str(p)
        entry = known.get(key)
        if not force and entry and entry.get("sha256") == _file_sha(str(p)) and st.is_store(store_dir):
            results.append(ReportResult(key, str(p), minter.graph(key), entry.get("triples", 0), entry.get("entities", 0),
                                        entry.get("mentions", 0), (), skipped=True))
            continue
        todo.append(_Job(str(p), key, config.report_for(p).meta(), config.base_iri))

    # Results stream from the workers into the store as they arrive: the loader works while the workers
    # extract, and no more than a few reports' triples are held at once (a 1,000-report build would
    # otherwise keep gigabytes of N-Triples text in memory).
    good: list[_Done] = []  # metadata only; their N-Triples text is dropped once written

    def results_stream() -> Iterator[_Done]:
        workers = jobs or min(len(todo), os.cpu_count() or 1)
        if workers > 1 and len(todo) > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                yield from _bounded_map(pool, process_report, todo, ahead=AHEAD_PER_WORKER * workers)
        else:
            for job in todo:
                yield process_report(job)

    def written(done: Iterator[_Done]) -> Iterator[tuple[str, bytes, bytes, dict]]:
        entities = 0
        for i, d in enumerate(done, 1):
            if d.error is not None:
                errors.append(d.error)
            else:
                data, d.ntriples = d.ntriples, ""
                keys, d.keys = d.keys, b""
                good.append(d)
                entities += d.entities
                yield minter.graph(d.key), data, keys, {"key": d.key, "sha256": d.sha256, "fingerprint": fp}
            if progress:
                progress(f"built {i}/{len(todo)} reports, {entities} entities")

    fresh = not st.is_store(store_dir)
    if fresh and not results:
        if todo:
            st.fresh_build(store_dir, written(results_stream()))
        if not good:
            if errors:
                return BuildResult(store_dir, (), tuple(errors))
            raise InputError("no reports to build", hint="name report files, or list them in kg.toml")
    elif todo:
        store = st.open_store(store_dir)
        for graph, data, keys, meta in written(results_stream()):
            st.write_keys(store_dir, graph, keys, meta)  # first: see kg.store.KEYS_INDEX
            st.replace_graph(store, graph, data)
        store.flush()
        del store
    for d in good:
        known[d.key] = {"sha256": d.sha256, "path": d.path, "triples": d.triples, "entities": d.entities, "mentions": d.mentions}
        results.append(ReportResult(d.key, d.path, minter.graph(d.key), d.triples, d.entities, d.mentions, tuple(d.warnings)))
    st.write_json_atomic(manifest_path, manifest)
    results.sort(key=lambda r: r.key)
    return BuildResult(store_dir, tuple(results), tuple(errors))


def expand_inputs(inputs: Sequence[Path]) -> list[Path]:
    """Files as given; a directory stands for the *.txt files in it (sorted)."""
    out: list[Path] = []
    for p in inputs:
        if p.is_dir():
            out.extend(sorted(x for x in p.iterdir() if x.is_file() and x.suffix.lower() == ".txt"))
        else:
            out.append(p)
    return out
