"""The embedded store: pyoxigraph (RocksDB on disk), one named graph per report.

Writes are atomic per report (one SPARQL update: drop the graph and insert its new content), and a
first build of many reports goes through bulk loading into a fresh folder that replaces the old one
only when complete. Readers open the store read-only, so queries run while nothing else writes.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from kg.errors import StoreError, UsageError

ENV_STORE = "KG_STORE"
DEFAULT_STORE = "kg-store"
_MARK = "KG-STORE"  # a file that says: this folder is a kg store


def store_path(option: str | os.PathLike[str] | None) -> Path:
    """--store, else $KG_STORE, else ./kg-store."""
    return Path(option or os.environ.get(ENV_STORE) or DEFAULT_STORE)


def _ox():
    import pyoxigraph

    return pyoxigraph


def is_store(path: Path) -> bool:
    return (path / _MARK).is_file()


def open_store(path: Path, *, read_only: bool = False):
    """Open the store folder. Read-only opening needs an existing store."""
    ox = _ox()
    if read_only:
        if not is_store(path):
            raise StoreError(
                f"no kg store at {path}",
                hint="run `kg build` first, or point --store / $KG_STORE at the store folder",
            )
        try:
            return ox.Store.read_only(str(path))
        except OSError as err:
            raise StoreError(f"cannot open the store at {path}: {err}") from None
    if path.exists() and any(path.iterdir()) and not is_store(path):
        raise UsageError(
            f"{path} exists and is not a kg store; refusing to write into it",
            hint="choose another --store folder",
        )
    path.mkdir(parents=True, exist_ok=True)
    try:
        store = ox.Store(str(path))
    except OSError as err:
        raise StoreError(
            f"cannot open the store at {path} for writing: {err}",
            hint="is another kg process writing to it?",
        ) from None
    (path / _MARK).write_text("kg store (pyoxigraph); do not edit\n", encoding="utf-8")
    return store


# --- turtle keys: each report graph's triples as canonical-Turtle sort keys, sorted, beside the store --------
# The canonical Turtle export merges these files instead of dumping and sorting the whole store. index.json
# says which report (key, file SHA-256, build fingerprint) each file was made from; the export uses them only
# when they match the store's graphs and the build manifest (else it dumps the store as before). A rebuild
# writes a graph's file and index entry before it replaces the graph, and the manifest last, so an interrupted
# build leaves a mismatch (and a dump), never a stale file that looks current.
KEYS_DIR = "turtle-keys"
KEYS_INDEX = "index.json"


def keys_file_name(graph: str) -> str:
    import hashlib

    return hashlib.sha256(graph.encode("utf-8")).hexdigest()[:32] + ".keys"


def read_keys_index(path: Path) -> dict | None:
    import json

    try:
        return json.loads((path / KEYS_DIR / KEYS_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json_atomic(target: Path, data: dict) -> None:
    import json

    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, target)


def write_keys(path: Path, graph: str, keys: bytes, meta: dict) -> None:
    """Write one graph's turtle keys and its index entry (before the graph itself is replaced)."""
    folder = path / KEYS_DIR
    folder.mkdir(exist_ok=True)
    name = keys_file_name(graph)
    tmp = folder / (name + ".tmp")
    tmp.write_bytes(keys)
    os.replace(tmp, folder / name)
    index = read_keys_index(path) or {"graphs": {}}
    index["graphs"][graph] = {**meta, "file": name}
    write_json_atomic(folder / KEYS_INDEX, index)


def replace_graph(store, graph: str, ntriples: str | bytes) -> None:
    """Replace one named graph atomically: one update = one transaction."""
    body = ntriples.decode("utf-8") if isinstance(ntriples, bytes) else ntriples
    store.update(f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}")


def drop_graph(store, graph: str) -> None:
    store.update(f"DROP SILENT GRAPH <{graph}>")


def graph_names(store) -> list[str]:
    return sorted(g.value for g in store.named_graphs())


BULK_BYTES = 32 << 20  # N-Quads gathered for one bulk load in a first build (see fresh_build)


class _Loader:
    """Bulk loads in a thread of their own, so that the reports keep coming while a batch loads.

    pyoxigraph releases the GIL while it loads; the caller meanwhile collects the next batch from the worker
    processes. At most one batch waits while another loads, so memory stays at about three batches.
    """

    def __init__(self, store) -> None:
        import queue
        import threading

        self.store = store
        self.error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._run, name="kg-bulk-load", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        ox = _ox()
        while (data := self._queue.get()) is not None:
            if self.error is None:
                try:
                    # lenient: skips IRI validation. The N-Quads are kg's own output: its IRIs are minted from
                    # slugs, come from the reference data, or from kg.toml, which kg.config checks.
                    self.store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
                except BaseException as err:  # re-raised in the caller's thread
                    self.error = err

    def put(self, data: bytes) -> None:
        self._check()
        self._queue.put(data)

    def close(self, *, reraise: bool = True) -> None:
        """Wait for the batches given so far; re-raise the first error a load raised."""
        self._queue.put(None)
        self._thread.join()
        if reraise:
            self._check()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error


def fresh_build(path: Path, chunks: Iterable[tuple]) -> int:
    """Bulk-load (graph, N-Triples) chunks into a new store that replaces ``path`` only when complete.

    ``chunks`` may be a stream (each is loaded as it arrives). A chunk (graph, N-Triples, turtle keys, meta)
    also writes the graph's turtle keys and index entry. Returns how many were loaded; with none, nothing
    replaces ``path``.

    Reports are loaded several at a time, as N-Quads, in batches of ``BULK_BYTES``: one bulk load per report
    cost about a third more, and at N = 1000 (2.4 GB of N-Quads) batches of 32 MB took 173 s of CPU against 184 s
    for 64 MB and 208 s for 256 MB (which also peaked at 1.7 GB). The loads run in a thread of their own
    (``_Loader``) while the caller takes the next reports from the workers.
    """
    ox = _ox()
    path = path.resolve()
    if path.exists() and any(path.iterdir()) and not is_store(path):
        raise UsageError(f"{path} exists and is not a kg store; refusing to replace it")
    tmp = path.with_name(path.name + ".building")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    store = ox.Store(str(tmp))
    loader = _Loader(store)
    count = 0
    index: dict = {"graphs": {}}
    batch: list[bytes] = []
    size = 0

    def load() -> None:
        nonlocal size
        if batch:
            loader.put(b"".join(batch))
            batch.clear()
            size = 0

    try:
        for graph, chunk, *side in chunks:
            # A raw newline only ends a line in N-Triples, so every " .\n" is the end of a triple.
            data = chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")
            batch.append(data.replace(b" .\n", f" {ox.NamedNode(graph)} .\n".encode("utf-8")))
            size += len(batch[-1])
            if size >= BULK_BYTES:
                load()
            if side:
                keys, meta = side
                (tmp / KEYS_DIR).mkdir(exist_ok=True)
                name = keys_file_name(graph)
                (tmp / KEYS_DIR / name).write_bytes(keys)
                index["graphs"][graph] = {**meta, "file": name}
            count += 1
        load()
    except BaseException:
        loader.close(reraise=False)  # no load may still be writing when the caller goes on
        raise
    loader.close()
    if not count:
        del store
        shutil.rmtree(tmp, ignore_errors=True)
        return 0
    store.flush()
    store.optimize()
    del store
    if index["graphs"]:
        write_json_atomic(tmp / KEYS_DIR / KEYS_INDEX, index)
    (tmp / _MARK).write_text("kg store (pyoxigraph); do not edit\n", encoding="utf-8")
    swap_in(tmp, path)
    return count


def swap_in(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target``; the old one stays until the new one is in place."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def recover(path: Path) -> None:
    """After a crash between the two renames of swap_in: put the old store back."""
    old = path.with_name(path.name + ".old")
    if not path.exists() and old.exists():
        os.replace(old, path)
