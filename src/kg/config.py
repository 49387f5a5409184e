"""The configuration file (kg.toml): base IRI, the reports to build, catalogue metadata."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import assets
from kg.errors import ConfigError

ENV_CONFIG = "KG_CONFIG"


@dataclass(frozen=True)
class ReportConfig:
    path: Path
    title: str | None = None
    year: int | None = None
    budget_chapter: str | None = None
    publisher: str | None = None

    def meta(self) -> dict[str, str]:
        out = {}
        for k in ("title", "year", "budget_chapter", "publisher"):
            v = getattr(self, k)
            if v is not None:
                out[k] = str(v)
        return out


@dataclass(frozen=True)
class Config:
    base_iri: str
    reports: tuple[ReportConfig, ...]
    source: Path | None  # the file it came from
    catalog: dict[str, Any] = field(default_factory=dict)

    def report_for(self, path: Path) -> ReportConfig:
        """The configured metadata for a report file, or metadata inferred from its name."""
        rp = path.resolve()
        for r in self.reports:
            if r.path.resolve() == rp:
                return r
        return infer_report(path)


def infer_report(path: Path) -> ReportConfig:
    import re

    m = re.search(r"(?<!\d)(20\d\d|19\d\d)(?!\d)", path.stem)
    return ReportConfig(path=path, year=int(m.group(1)) if m else None)


def find_config(option: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """(path, bundled): --config, else $KG_CONFIG, else ./kg.toml, else the bundled kg.toml."""
    if option:
        return Path(option), False
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env), False
    local = Path("kg.toml")
    if local.is_file():
        return local, False
    return assets.default_config(), True


# An absolute http(s) IRI without the characters an IRI may not hold (RFC 3987: no spaces, controls, or
# <>"{}|\\^`). The build writes IRIs from here into the store unchecked (kg.store: lenient bulk loads).
_IRI = re.compile(r'https?://[^\x00-\x20<>"{}|\\^`\x7f]+')


def _check_iri(value: object, what: str, path: Path) -> None:
    if not isinstance(value, str) or not _IRI.fullmatch(value):
        raise ConfigError(f"{what} must be an http(s) IRI, without spaces or any of <>\"{{}}|\\^`, not {value!r}",
                          path=str(path))


def load_config(option: str | os.PathLike[str] | None = None) -> Config:
    path, bundled = find_config(option)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("configuration file not found", path=str(path)) from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"invalid TOML: {err}", path=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError("configuration is not UTF-8 text", path=str(path)) from None
    root = Path.cwd() if bundled else path.resolve().parent
    base = data.get("base_iri", "https://kg.example.org")
    _check_iri(base, "base_iri", path)
    reports = []
    for i, r in enumerate(data.get("report", []), start=1):
        if not isinstance(r, dict) or "path" not in r:
            raise ConfigError(f"[[report]] number {i} needs a path", path=str(path))
        if r.get("publisher") is not None:
            _check_iri(r["publisher"], f"[[report]] number {i}: publisher", path)
        rp = Path(r["path"])
        reports.append(
            ReportConfig(
                path=rp if rp.is_absolute() else root / rp,
                title=r.get("title"),
                year=r.get("year"),
                budget_chapter=r.get("budget_chapter"),
                publisher=r.get("publisher"),
            )
        )
    catalog = data.get("catalog", {})
    if not isinstance(catalog, dict):
        raise ConfigError("[catalog] must be a table", path=str(path))
    return Config(base_iri=base.rstrip("/"), reports=tuple(reports), source=path, catalog=dict(catalog))
