"""Result tables to files a person opens: CSV (UTF-8 with BOM, for Excel), Parquet, or Excel."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from workbench.files import atomic_path

SUFFIXES = (".csv", ".parquet", ".xlsx")


def write_table(frame: pl.DataFrame, path: str | Path, *, sheet: str = "data") -> Path:
    """Write ``frame`` by the extension of ``path``; list columns become ' → '-joined text outside Parquet.

    The file is written beside the target and renamed into place (:func:`workbench.files.atomic_path`),
    so a failure leaves no half file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"cannot write '{path.name}': use one of {', '.join(SUFFIXES)}")
    if suffix != ".parquet":
        frame = frame.with_columns(pl.col(c).list.join(" → ") for c, t in frame.schema.items()
                                   if isinstance(t, pl.List) and t.inner == pl.String)
    with atomic_path(path) as partial:
        if suffix == ".csv":
            frame.write_csv(partial, include_bom=True)
        elif suffix == ".parquet":
            frame.write_parquet(partial)
        else:
            frame.write_excel(partial, worksheet=sheet[:31], autofit=True, freeze_panes=(1, 0))
    return path
