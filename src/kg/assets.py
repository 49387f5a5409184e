"""The one place that finds ontology/, shapes/, queries/ and reference/.

In an installed wheel they live in ``kg/_assets/``; in a source checkout (editable install or
``PYTHONPATH=src``) at the repository's top level.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

_KINDS = ("ontology", "shapes", "queries", "reference")


@cache
def root() -> Path:
    """The folder that holds ontology/, shapes/, queries/, reference/ and kg.toml."""
    packaged = Path(str(resources.files("kg"))) / "_assets"
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        "kg's asset folders (ontology/, shapes/, queries/, reference/) were not found: "
        f"looked in {packaged} and {checkout}. Reinstall the package."
    )


def folder(kind: str) -> Path:
    if kind not in _KINDS:
        raise ValueError(f"unknown asset folder {kind!r}; one of {_KINDS}")
    return root() / kind


def ontology_dir() -> Path:
    return folder("ontology")


def shapes_dir() -> Path:
    return folder("shapes")


def queries_dir() -> Path:
    return folder("queries")


def reference_dir() -> Path:
    return folder("reference")


def default_config() -> Path:
    """The bundled configuration file, kg.toml."""
    return root() / "kg.toml"


def files(kind: str, pattern: str = "*.ttl") -> list[Path]:
    """The asset files of one kind, sorted by name (deterministic)."""
    return sorted(folder(kind).glob(pattern))
