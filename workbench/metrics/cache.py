"""A folder of computed aggregates as Parquet, keyed by a fingerprint of everything they depend on."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from workbench.files import OutputError, atomic_path
from workbench.metrics.custom import CustomKpi, parse_custom_kpis
from workbench.metrics.dimensions import Dimensions
from workbench.metrics.kpis import CATALOGUE, DEFAULT_KPIS
from workbench.metrics.measure import measure


def fingerprint(*parts: Any) -> str:
    """A stable hex digest of ``parts``.

    ``Path`` objects stand for files or folders and are reduced to each file's path, size and
    modification time (a changed input gives a new key); ``Dimensions`` to their content hash;
    ``CustomKpi`` to their definition; small ``pl.DataFrame`` to their CSV text; dicts, lists, strings,
    numbers, dates and None to themselves. Anything else is a ``TypeError``.

    Examples
    --------
    >>> fingerprint({"by": ["reason"], "kpis": ["nps"]}) == fingerprint({"kpis": ["nps"], "by": ["reason"]})
    True
    """
    text = json.dumps([_canonical(p) for p in parts], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _canonical(obj: Any) -> Any:
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    if isinstance(obj, Path):
        return {"files": _file_stats(obj)}
    if isinstance(obj, Dimensions):
        return {"dims": obj.content_hash()}
    if isinstance(obj, CustomKpi):
        return {"custom_kpi": obj.to_dict()}
    if isinstance(obj, pl.DataFrame):
        return {"frame": hashlib.sha256(obj.write_csv().encode()).hexdigest(), "schema": str(obj.schema)}
    if isinstance(obj, dt.date | dt.datetime):
        return obj.isoformat()
    if isinstance(obj, Mapping):
        return {str(k): _canonical(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        items = [_canonical(v) for v in obj]
        return sorted(items, key=json.dumps) if isinstance(obj, set | frozenset) else items
    raise TypeError(f"cannot fingerprint a {type(obj).__name__}; pass a data version string or a Path")


def _file_stats(path: Path) -> list[list]:
    path = path.resolve()
    if not path.exists():
        raise FileNotFoundError(f"cache key: input {path} does not exist")
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [[str(p), (st := p.stat()).st_size, st.st_mtime_ns] for p in files]


def kpi_definitions(kpis: list[str] | None = None, custom: list | None = None) -> dict[str, str]:
    """KPI id -> the text of its Polars expression, so that a changed definition changes the key."""
    custom_kpis = [c if isinstance(c, CustomKpi) else parse_custom_kpis([c])[0] for c in custom or []]
    ids = [k for k in (kpis or DEFAULT_KPIS) if k in CATALOGUE]
    return {**{k: str(CATALOGUE[k].expr()) for k in ids}, **{c.id: str(c.expr()) for c in custom_kpis}}


class MetricsCache:
    """Computed aggregates stored as ``<prefix><fingerprint>.parquet`` in ``folder``.

    Files are written to a temporary file and renamed into place, so concurrent processes never read
    half a file (two processes computing the same key both write the same result). A folder that cannot
    be written is not an error: the frame is computed and returned, ``problem`` says why it was not kept
    (a server then serves from memory). ``hits`` and ``misses`` count what ``get_or_compute`` did.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.hits = 0
        self.misses = 0
        self.problem = ""

    def path_for(self, key_parts: Any, prefix: str = "") -> Path:
        """The file that holds (or will hold) the aggregate for ``key_parts``."""
        return self.folder / f"{prefix}{fingerprint(key_parts)}.parquet"

    def get_or_compute(self, key_parts: Any, compute: Callable[[], pl.DataFrame], *, prefix: str = "",
                       keep_one: bool = False) -> pl.DataFrame:
        """The stored frame for ``key_parts``, or ``compute()`` stored and returned.

        ``keep_one`` removes the other files with the same ``prefix`` once a new one is stored (one cube
        per workspace, say).
        """
        path = self.path_for(key_parts, prefix)
        if path.exists():
            try:
                frame = pl.read_parquet(path)
            except (OSError, pl.exceptions.PolarsError):
                pass  # unreadable (e.g. removed meanwhile): recompute and overwrite
            else:
                self.hits += 1
                return frame
        self.misses += 1
        frame = compute()
        try:
            with atomic_path(path) as tmp:
                frame.write_parquet(tmp)
        except OutputError as exc:
            self.problem = f"the cache could not be written, so figures are kept in memory only: {exc}"
            warnings.warn(self.problem, stacklevel=2)
            return frame
        self.problem = ""
        if keep_one:
            for old in self.folder.glob(f"{prefix}*.parquet"):
                if old != path:
                    old.unlink(missing_ok=True)
        return frame

    def measure(self, events: pl.LazyFrame | pl.DataFrame, *, data_version: str | Path | list,
                **options: Any) -> pl.DataFrame:
        """``measure(events, **options)`` through the cache.

        ``data_version`` identifies the events: a version string, or the input file/folder ``Path``(s)
        (fingerprinted by path, size and modification time).
        """
        key = {"data": data_version, "options": {k: v for k, v in options.items() if k not in ("dims", "custom")},
               "dims": options.get("dims"), "custom": list(options.get("custom") or []),
               "definitions": kpi_definitions(options.get("kpis"), options.get("custom"))}
        return self.get_or_compute(key, lambda: measure(events, **options))

    def clear(self) -> None:
        """Remove every stored aggregate."""
        for path in self.folder.glob("*.parquet"):
            path.unlink(missing_ok=True)
