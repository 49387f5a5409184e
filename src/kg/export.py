"""Serialise the store: canonical Turtle, N-Triples, N-Quads, TriG, JSON-LD.

Canonical means: the same graph always gives the same bytes — sorted, our prefixes only, no blank
nodes (the build mints none), no time stamps.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO
from pathlib import Path

from kg.ntriples import Quad, Triple, canonical_turtle

# Streamed formats are sorted in runs of this many lines (a run is about 250 MB of Python strings); more
# lines go through sorted temporary files merged at the end, so memory stays flat whatever N is.
RUN_LINES = 1_000_000


class Format(enum.Enum):
    """An RDF serialisation with its media type and file extension."""

    TURTLE = ("turtle", "text/turtle", "ttl")
    NTRIPLES = ("ntriples", "application/n-triples", "nt")
    NQUADS = ("nquads", "application/n-quads", "nq")
    TRIG = ("trig", "application/trig", "trig")
    JSONLD = ("jsonld", "application/ld+json", "jsonld")

    def __init__(self, name_: str, media_type: str, extension: str) -> None:
        self.id = name_
        self.media_type = media_type
        self.extension = extension

    @classmethod
    def from_name(cls, name: str) -> Format:
        for f in cls:
            if f.id == name:
                return f
        raise ValueError(name)


def prefixes() -> dict[str, str]:
    from kg.vocab import PREFIXES

    return dict(PREFIXES)


def parse_nquads_line(line: str) -> Quad:
    """Split one canonical N-Quads line (as pyoxigraph writes it) into its four terms."""
    body = line[:-2] if line.endswith(" .") else line.rstrip(" .")
    rest, graph = body.rsplit(" ", 1)
    s, p, o = rest.split(" ", 2)
    return s, p, o, graph


def store_quads(store) -> Iterator[Quad]:
    import pyoxigraph as ox

    data = store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8")
    for line in data.splitlines():
        if line:
            yield parse_nquads_line(line)


def ontology_triples() -> list[Triple]:
    """The ontology (and kind concepts) as triples, through pyoxigraph's parser."""
    import pyoxigraph as ox

    from kg import assets

    out: list[Triple] = []
    for p in assets.files("ontology"):
        for t in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE):
            out.append((str(t.subject), str(t.predicate), str(t.object)))
    return out


def serialise(quads: list[Quad], fmt: Format, *, with_ontology: bool = False, context: dict | None = None) -> str:
    """The graph in ``fmt``. Triple formats give the union of the named graphs (duplicates merged)."""
    triples = {(s, p, o) for s, p, o, _g in quads}
    if with_ontology:
        triples.update(ontology_triples())
    if fmt is Format.TURTLE:
        return canonical_turtle(triples, prefixes())
    if fmt is Format.NTRIPLES:
        return "".join(f"{s} {p} {o} .\n" for s, p, o in sorted(triples))
    if fmt is Format.NQUADS:
        return "".join(f"{s} {p} {o} {g} .\n" for s, p, o, g in sorted(set(quads)))
    if fmt is Format.TRIG:
        return _trig(quads, with_ontology=with_ontology)
    if fmt is Format.JSONLD:
        return _jsonld(triples, context=context)
    raise ValueError(fmt)


def _trig(quads: list[Quad], *, with_ontology: bool) -> str:
    by_graph: dict[str, list[Triple]] = {}
    for s, p, o, g in quads:
        by_graph.setdefault(g, []).append((s, p, o))
    pre = prefixes()
    out = ["".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(pre.items())), "\n"]
    if with_ontology:
        body = canonical_turtle(ontology_triples(), pre).split("\n\n", 1)[-1]
        out.append("{\n" + body + "}\n\n")
    for g in sorted(by_graph):
        body = canonical_turtle(by_graph[g], pre)
        body = body.split("\n\n", 1)[1] if body.startswith("@prefix") else body
        out.append(f"{g} {{\n{body}}}\n\n")
    return "".join(out)


def _jsonld(triples: set[Triple], *, context: dict | None) -> str:
    """JSON-LD through rdflib, compacted with the project's context (sorted keys: deterministic)."""
    import json

    import rdflib

    g = rdflib.Graph()
    g.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o in sorted(triples)), format="nt")
    if context is None:  # the curated context: terms for the ontology's classes and properties
        from kg.publish.release import context as curated

        context = curated()
    ctx = context
    data = json.loads(g.serialize(format="json-ld", context=ctx, auto_compact=True))
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


STREAMED = (Format.TURTLE, Format.NTRIPLES, Format.NQUADS)


def export_store(store, fmt: Format, out, *, with_ontology: bool = False, run_lines: int = RUN_LINES,
                 folder: Path | None = None) -> int:
    """Write the store in ``fmt`` to the binary file ``out``; returns the number of bytes written.

    ``folder`` is the store's folder: canonical Turtle then merges the turtle keys the build keeps there
    (kg.store.KEYS_DIR) when they match the store, instead of dumping and sorting it.

    Turtle, N-Triples and N-Quads are streamed: pyoxigraph dumps the store to a temporary file, and an
    external sort puts the lines (for Turtle: their sort keys) in canonical order, so memory does not grow
    with the graph. N-Triples and N-Quads are sorted by GNU sort where there is one (C code, both cores,
    bytes in and out), else by an external merge sort in Python. The bytes are those of :func:`serialise`.
    The other formats are built in memory.
    """
    if fmt not in STREAMED:
        data = serialise(list(store_quads(store)), fmt, with_ontology=with_ontology).encode("utf-8")
        out.write(data)
        return len(data)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kg-export-") as tmp:
        if fmt is Format.TURTLE:
            return _stream_turtle(store, out, Path(tmp), with_ontology=with_ontology, run_lines=run_lines,
                                  folder=folder)
        quads = fmt is Format.NQUADS
        side = _side_key_graphs(store, folder)
        # the build's turtle keys hold every triple as N-Triples text: rewritten as lines, they spare the dump
        # (pyoxigraph reads every term back from the store: 13 s for 1 M quads, against 1 s this way)
        files = [_lines_from_keys(side, Path(tmp), graphs=quads) if side is not None
                 else _dump(store, Path(tmp), graphs=quads)]
        if with_ontology and fmt is Format.NTRIPLES:
            files.append(Path(tmp) / "ontology.nt")
            files[-1].write_bytes("".join(f"{s} {p} {o} .\n" for s, p, o in ontology_triples()).encode("utf-8"))
        exe = _gnu_sort()
        if exe is not None:
            return _gnu_sorted_unique(exe, files, Path(tmp), out)
        n = 0
        for line in _sorted_unique(itertools.chain.from_iterable(map(_file_lines, files)), Path(tmp), run_lines):
            data = line.encode("utf-8")
            out.write(data)
            n += len(data)
        return n


def _dump(store, tmp: Path, *, graphs: bool) -> Path:
    """The store written by pyoxigraph to a file in ``tmp``: as N-Quads (graphs), or the triples of every
    graph as N-Triples (the default graph's, then each named graph's: no line to parse for its graph term)."""
    import pyoxigraph as ox

    if graphs:
        path = tmp / "dump.nq"
        store.dump(output=str(path), format=ox.RdfFormat.N_QUADS)
        return path
    path = tmp / "dump.nt"
    with open(path, "wb") as fh:
        for g in [ox.DefaultGraph(), *sorted(store.named_graphs(), key=lambda n: n.value)]:
            store.dump(fh, ox.RdfFormat.N_TRIPLES, from_graph=g)
    return path


def _lines_from_keys(pairs: list[tuple[str, Path]], tmp: Path, *, graphs: bool) -> Path:
    """The N-Triples lines (or N-Quads lines, with each file's graph) of files of turtle keys, in a file."""
    from kg.ntriples import lines_of_keys

    path = tmp / ("keys.nq" if graphs else "keys.nt")
    with open(path, "wb") as fh:
        for graph, keys in pairs:
            fh.write(lines_of_keys(keys.read_bytes(), f" <{graph}> .\n".encode("utf-8") if graphs else b" .\n"))
    return path


def _file_lines(path: Path) -> Iterator[str]:
    """The non-empty lines of a file written by _dump (or by us), with their newline."""
    with open(path, encoding="utf-8", newline="\n") as fh:
        for line in fh:
            if line.strip():
                yield line


def _dump_lines(store, tmp: Path, *, graphs: bool) -> Iterator[str]:
    """The store's quads as N-Quads lines (graphs) or N-Triples lines (graph terms left out)."""
    path = _dump(store, tmp, graphs=graphs)
    yield from _file_lines(path)
    path.unlink(missing_ok=True)


SORT_BUFFER = "256M"  # GNU sort's memory: more is no faster here, and the rest spills to files in tmp


def _gnu_sorted_unique(exe: str, files: list[Path], tmp: Path, out) -> int:
    """The lines of ``files`` sorted by byte (= code point) and each once, by GNU sort, written to ``out``.

    The bytes go from sort's output to ``out`` unchanged; a failed sort raises OSError.
    """
    import os
    import subprocess

    env = {**os.environ, "LC_ALL": "C"}
    threads = max(1, min(os.cpu_count() or 1, 4))
    argv = [exe, "-u", "-S", SORT_BUFFER, f"--parallel={threads}", "-T", str(tmp), "--", *map(str, files)]
    n = 0
    with open(tmp / "sort.err", "w+b") as errors:  # a file, not a pipe: nothing can block on it
        with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors, env=env) as proc:
            assert proc.stdout is not None
            while chunk := proc.stdout.read(1 << 20):
                out.write(chunk)
                n += len(chunk)
        if proc.returncode != 0:
            errors.seek(0)
            err = errors.read().decode("utf-8", "replace").strip()
            raise OSError(f"sort failed with exit status {proc.returncode}: {err or 'no message'}")
    return n


def _merge_unique(paths: list[Path]) -> Iterator[str]:
    """The lines of sorted files merged in order, each once."""
    import heapq

    files = [open(p, encoding="utf-8", newline="\n") for p in paths]  # noqa: SIM115 - closed below
    try:
        last = None
        for line in heapq.merge(*files):
            if line != last:
                yield line
                last = line
    finally:
        for fh in files:
            fh.close()


def _sorted_unique(lines, tmp: Path, run_lines: int) -> Iterator[str]:
    """Sorted, duplicate-free: in memory when the lines fit in one run, else an external merge sort."""

    runs: list[Path] = []
    buf: list[str] = []

    def spill() -> None:
        path = tmp / f"run-{len(runs)}"
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(sorted(set(buf)))
        runs.append(path)
        buf.clear()

    for line in lines:
        buf.append(line)
        if len(buf) >= run_lines:
            spill()
    if not runs:
        yield from sorted(set(buf))
        return
    if buf:
        spill()
    yield from _merge_unique(runs)


def _side_keys(store, folder: Path | None) -> list[Path] | None:
    """The files of turtle keys kept beside the store (see kg.store.KEYS_INDEX), if they match it exactly."""
    pairs = _side_key_graphs(store, folder)
    return None if pairs is None else [path for _, path in pairs]


def _side_key_graphs(store, folder: Path | None) -> list[tuple[str, Path]] | None:
    """(graph IRI, file of its turtle keys) for every graph, if the files kept beside the store match it.

    They match when the index names exactly the store's named graphs, each made from the report file and
    build fingerprint the build manifest records, and the default graph is empty. Else None (dump instead).
    """
    import json

    from kg import store as st

    if folder is None:
        return None
    index = st.read_keys_index(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not index or not isinstance(index.get("graphs"), dict):
        return None
    graphs = index["graphs"]
    if set(graphs) != {g.value for g in store.named_graphs()}:
        return None
    if store.query("ASK { ?s ?p ?o }"):  # the default graph alone: the build writes nothing there
        return None
    reports = manifest.get("reports", {})
    files = []
    for graph in sorted(graphs):
        entry = graphs[graph]
        known = reports.get(entry.get("key"), {})
        if entry.get("fingerprint") != manifest.get("fingerprint") or entry.get("sha256") != known.get("sha256"):
            return None
        path = folder / st.KEYS_DIR / str(entry.get("file"))
        if not path.is_file():
            return None
        files.append((graph, path))
    return files


def _gnu_sort() -> str | None:
    """GNU sort, which merges sorted files fast (C code, in a process of its own); None if there is none."""
    import shutil
    import subprocess

    exe = shutil.which("sort")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return exe if b"GNU" in out else None


MERGE_GROUP = 200  # files merged by one sort process; more are merged in groups, then the groups' outputs


def _merged_keys(files: list[Path], tmp: Path, lo: str | None = None, hi: str | None = None) -> Iterator[str]:
    """The lines of sorted files, merged, each once (byte order = code-point order), without their newline.

    With ``lo``, only the lines from the first one that is not below ``lo``; with ``hi``, only those up to
    ``hi`` (a line above it ends the merge). GNU sort's output is read in blocks of 1 MiB, and the bounds are
    tested per block: a block whose last line is below ``lo`` is dropped undecoded (a part of the export that
    starts halfway skips the first half at the cost of a comparison per block), and the block that holds a
    bound is cut by bisection.
    """
    import os
    import subprocess
    from bisect import bisect_left, bisect_right

    exe = _gnu_sort()
    if exe is None:
        for line in _merge_unique(files):
            key = line[:-1]
            if lo is not None and key < lo:
                continue
            if hi is not None and key > hi:
                return
            yield key
        return
    env = {**os.environ, "LC_ALL": "C"}

    def merge(inputs: list[str], **kw) -> subprocess.Popen:
        batch = max(2, min(len(inputs), 1000))
        return subprocess.Popen([exe, "-m", "-u", f"--batch-size={batch}", "-T", str(tmp), "--", *inputs],
                                stdout=subprocess.PIPE, env=env, **kw)

    # GNU sort's merge costs more than linearly in the number of files (1,000 files: 5.5 s of CPU, 3.5 s of
    # it before the first line): above MERGE_GROUP files, groups are merged by sorts of their own, whose
    # outputs (pipes) one more sort merges: 4.3 s, in several processes.
    groups: list[subprocess.Popen] = []
    if len(files) > MERGE_GROUP:
        size = -(-len(files) // -(-len(files) // MERGE_GROUP))
        groups = [merge([str(f) for f in files[i : i + size]]) for i in range(0, len(files), size)]
    fds = [g.stdout.fileno() for g in groups if g.stdout is not None]
    low = lo.encode("utf-8") if lo is not None else None
    try:
        top = merge([f"/dev/fd/{fd}" for fd in fds], pass_fds=fds) if groups else merge([str(f) for f in files])
    finally:
        for g in groups:
            if g.stdout is not None:
                g.stdout.close()  # the top sort holds them now
    try:
        with top as proc:
            assert proc.stdout is not None
            rest = b""
            while True:
                chunk = proc.stdout.read(1 << 20)
                if not chunk:
                    break
                block = rest + chunk
                end = block.rfind(b"\n")
                if end < 0:
                    rest = block
                    continue
                rest = block[end + 1 :]
                if low is not None and block[block.rfind(b"\n", 0, end) + 1 : end] < low:
                    continue  # every line of the block is below lo
                lines = block[:end].decode("utf-8").split("\n")
                start = 0
                if low is not None:
                    start, low = bisect_left(lines, lo), None
                if hi is not None and lines[-1] > hi:
                    yield from lines[start : bisect_right(lines, hi)]
                    proc.kill()  # the rest is not wanted
                    return
                yield from lines[start:] if start else lines
            if rest:
                raise OSError("sort -m output does not end with a newline")
            failed = [p.returncode for p in (proc, *groups) if p.wait() != 0]
            if failed:
                raise OSError(f"sort -m failed with exit status {failed[0]}")
    finally:
        for g in groups:  # stopped early (or failed): the group sorts end on a broken pipe; reap them
            if g.poll() is None:
                g.kill()
            g.wait()


def _turtle_body_from_keys(keys: Iterator[str], short, fh) -> None:
    """kg.ntriples.turtle_body for sorted, unique turtle keys (without their newline), written to ``fh``: the
    same text, in one loop.

    The export of 1,000 reports writes about 9 M triples; this is the per-triple cost that is left after the
    merge, so it caches the short forms of predicates and IRI objects and writes in large pieces.
    """
    from kg.ntriples import _SEP, INTEGER_TAIL, RDF_TYPE, bare_integer

    preds: dict[str, str] = {}  # predicate key -> its short form
    terms: dict[str, str] = {}  # IRI object key -> its short form; bounded
    out: list[str] = []
    subject = predicate = None
    for key in keys:
        s, p, o = key.split(_SEP)
        if p != predicate or s != subject:
            pp = preds.get(p)
            if pp is None:
                pp = "a" if p == "0" + RDF_TYPE else short(p[1:], predicate=True)
                preds[p] = pp
        if o[0] == "0":  # an IRI
            oo = terms.get(o)
            if oo is None:
                oo = short(o[1:])
                if len(terms) > 500_000:
                    terms.clear()
                terms[o] = oo
        elif o.endswith(INTEGER_TAIL) and bare_integer(o[2 : -len(INTEGER_TAIL)]):
            oo = o[2 : -len(INTEGER_TAIL)]  # offsets, positions, lines: a quarter of the triples
        elif '"^^<' in o:  # a typed literal: the shortener writes its datatype (or an integer) short
            oo = short(o[1:])
        else:
            oo = o[1:]
        if s != subject:
            if subject is not None:
                out.append(f" .\n\n{short(s[1:])}\n    {pp} {oo}")
            else:
                out.append(f"{short(s[1:])}\n    {pp} {oo}")
            subject, predicate = s, p
        elif p != predicate:
            out.append(f" ;\n    {pp} {oo}")
            predicate = p
        else:
            out.append(f" ,\n        {oo}")
        if len(out) >= 65536:
            fh.write("".join(out))
            out.clear()
    if subject is not None:
        out.append(" .\n")
    fh.write("".join(out))


def _body_part(files: list[Path], tmp: Path, lo: str | None, hi: str | None, pre: dict[str, str],
               out: Path) -> set[str]:
    """Write the Turtle of the keys from ``lo`` (a subject, included) to ``hi`` (excluded); the prefixes used.

    Each part merges all the files (GNU sort is quick) and skips the keys outside its range: a key is below a
    subject exactly when its own subject is, so every subject's statements fall in one part.
    """
    from kg.ntriples import _Shortener

    short = _Shortener(pre)

    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        _turtle_body_from_keys(_merged_keys(files, tmp, lo, hi), short, fh)
    return short.used


def _split_subjects(files: list[Path], parts: int) -> list[str]:
    """Subjects that cut the merged keys into about ``parts`` equal parts (from a line in the middle of each file)."""
    from kg.ntriples import _SEP

    samples = []
    for path in files:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            for at in (size // 4, size // 2, 3 * size // 4):
                fh.seek(at)
                fh.readline()
                line = fh.readline()
                if line:
                    samples.append(line.decode("utf-8").split(_SEP, 1)[0])
    samples.sort()
    if not samples:
        return []
    cuts = sorted({samples[len(samples) * i // parts] for i in range(1, parts)})
    return [c for c in cuts if c]


def _parallel_body(files: list[Path], tmp: Path, pre: dict[str, str], parts: int) -> tuple[list[Path], set[str]]:
    """The Turtle body in ``parts`` processes, one range of subjects each: their files in order, prefixes used."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    cuts = _split_subjects(files, parts)
    bounds = list(zip([None, *cuts], [*cuts, None]))
    outs = [tmp / f"body-{i}.ttl" for i in range(len(bounds))]
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=len(bounds), mp_context=ctx) as pool:
        futures = [pool.submit(_body_part, files, tmp, lo, hi, pre, out) for (lo, hi), out in zip(bounds, outs)]
        used: set[str] = set()
        for f in futures:
            used |= f.result()
    return outs, used


EXPORT_PROCESSES = 2  # processes that write the Turtle of the turtle keys, a range of subjects each


def _stream_turtle(store, out, tmp: Path, *, with_ontology: bool, run_lines: int, folder: Path | None) -> int:
    """Canonical Turtle (the bytes of ntriples.canonical_turtle), sorted externally and written in a stream.

    The prefix block lists only the prefixes used, which is known at the end: the body goes to a temporary
    file first and is copied after the block.
    """
    import os
    import shutil

    from kg.ntriples import _SEP, _Shortener, turtle_body, turtle_head, turtle_key, turtle_keys

    def keys() -> Iterator[str]:
        for line in _dump_lines(store, tmp, graphs=False):
            s, p, o = line[:-3].split(" ", 2)
            yield turtle_key(s, p, o)
        if with_ontology:
            for s, p, o in ontology_triples():
                yield turtle_key(s, p, o)

    side = _side_keys(store, folder)
    if side is not None:  # the build's sorted keys per report graph, merged: no dump, no sort
        if with_ontology:
            onto = tmp / "ontology.keys"
            onto.write_bytes(turtle_keys(ontology_triples()))
            side = [*side, onto]
        ordered = _merged_keys(side, tmp)
    else:
        ordered = _sorted_unique(keys(), tmp, run_lines)

    def triples() -> Iterator[Triple]:
        for key in ordered:
            s, p, o = key[:-1].split(_SEP)
            yield s[1:], p[1:], o[1:]

    pre = prefixes()
    parts = min(EXPORT_PROCESSES, os.cpu_count() or 1)
    if side is not None and parts > 1 and _gnu_sort() is not None:
        bodies, used = _parallel_body(side, tmp, pre, parts)
    else:
        short = _Shortener(pre)
        bodies = [tmp / "body.ttl"]
        with open(bodies[0], "w", encoding="utf-8", newline="\n") as fh:
            if side is not None:
                _turtle_body_from_keys(ordered, short, fh)
            else:
                for chunk in turtle_body(triples(), short):
                    fh.write(chunk)
        used = short.used
    head = turtle_head(pre, used).encode("utf-8")
    out.write(head)
    n = len(head)
    for body in bodies:
        size = body.stat().st_size
        if not size:
            continue
        if n > len(head):  # the previous part ended its last statement with " .\n": a blank line between
            out.write(b"\n")
            n += 1
        with open(body, "rb") as fh:
            shutil.copyfileobj(fh, out, 1 << 20)
        n += size
    return n


@contextmanager
def _atomic(path: Path, mode: str) -> Iterator[IO]:
    """Open a temp file beside ``path``; on success fsync and rename it over ``path``, on failure remove it."""
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        text = {"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {}
        with os.fdopen(fd, mode, **text) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_file(store, fmt: Format, path: Path, *, with_ontology: bool = False, folder: Path | None = None) -> int:
    """:func:`export_store` into ``path``, atomically (temp file + rename); returns the bytes written."""
    with _atomic(path, "wb") as fh:
        return export_store(store, fmt, fh, with_ontology=with_ontology, folder=folder)


def write_atomic(path: Path, text: str) -> None:
    """Write a file so that a reader never sees it half-written (temp file + rename)."""
    with _atomic(path, "w") as fh:
        fh.write(text)
