"""The quarantine file of a source: its bad rows, as found, with where they came from and what is wrong.

``WORKSPACE/quarantine/<source-id>.parquet`` holds ``source_file``, ``source_row``, every source column
as text, and ``problem``. It is written through :func:`workbench.files.atomic_path` and streamed (the bad
rows are never all in memory): a kill while it is written leaves the previous file, or none, never a
half-written one.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from workbench.files import atomic_path

QUARANTINE = "quarantine"


def quarantine_path(workspace_dir: str | Path, source_id: str) -> Path:
    """Where a source's bad rows are set aside.

    >>> quarantine_path("ws", "calls").as_posix()
    'ws/quarantine/calls.parquet'
    """
    return Path(workspace_dir) / QUARANTINE / f"{source_id}.parquet"


def write_quarantine(bad_rows: pl.LazyFrame, path: Path) -> Path:
    """Stream ``bad_rows`` into ``path`` atomically; returns ``path``."""
    with atomic_path(path) as tmp:
        bad_rows.sink_parquet(tmp)
    return path


def clear_quarantine(path: Path) -> None:
    """Remove a quarantine file left by an earlier load whose rows are no longer bad."""
    path.unlink(missing_ok=True)
