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


def replace_graph(store, graph: str, ntriples: str | bytes) -> None:
    """Replace one named graph atomically: one update = one transaction."""
    body = ntriples.decode("utf-8") if isinstance(ntriples, bytes) else ntriples
    store.update(f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}")


def drop_graph(store, graph: str) -> None:
    store.update(f"DROP SILENT GRAPH <{graph}>")


def graph_names(store) -> list[str]:
    return sorted(g.value for g in store.named_graphs())


def fresh_build(path: Path, chunks: Iterable[tuple[str, bytes]]) -> int:
    """Bulk-load (graph, N-Triples) chunks into a new store that replaces ``path`` only when complete.

    ``chunks`` may be a stream (each is loaded as it arrives). Returns how many were loaded; with none,
    nothing replaces ``path``.
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
    count = 0
    for graph, chunk in chunks:
        store.bulk_load(chunk, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
        count += 1
    if not count:
        del store
        shutil.rmtree(tmp, ignore_errors=True)
        return 0
    store.flush()
    store.optimize()
    del store
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
