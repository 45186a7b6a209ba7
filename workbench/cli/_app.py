"""The Typer application and the helpers every command shares."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from workbench.files import OUTPUT_POLICY


class WorkbenchApp(typer.Typer):
    """A Typer app whose commands turn the workbench's own errors into a message and an exit code.

    This is the one place where exceptions become exit codes (see :mod:`workbench.errors`): a command
    raises a :class:`~workbench.errors.WorkbenchError` and the user sees ``error: <message>`` (or the
    located problem list of an import) on stderr, with the error kind's exit code.
    """

    def command(self, *args, **kwargs):
        register = super().command(*args, **kwargs)
        return lambda fn: register(_reporting(fn))


def _reporting(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def run(*args, **kwargs):
        from workbench.errors import WorkbenchError, exit_code

        try:
            return fn(*args, **kwargs)
        except WorkbenchError as exc:
            located = hasattr(exc, "problems") or hasattr(exc, "report")
            raise fail(str(exc) if located else f"error: {exc}", exit_code(exc)) from None

    return run


app = WorkbenchApp(
    name="workbench", no_args_is_help=True, add_completion=False, rich_markup_mode=None,
    help="Journey Workbench: data-driven customer journey management (Frame, Map, Link, Measure, "
         "Prioritise, Publish). Exit codes: 0 ok, 1 findings or rejected input, 2 usage errors.",
)
_WIDTH = None if sys.stdout.isatty() else 200  # files and pipes get wide tables, not 80 columns
# User text (labels, ids, file names) is printed literally: no [markup], no :emoji: codes, no highlighting.
out = Console(highlight=False, soft_wrap=True, width=_WIDTH, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH, markup=False, emoji=False)

WorkspacePath = Annotated[Path, typer.Argument(help="The workspace folder.")]
OutFile = Annotated[Path | None, typer.Option("--out", help="Also write the table to FILE (.csv, .parquet or .xlsx). "
                                                           + OUTPUT_POLICY)]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr and return the Exit to raise."""
    err.print(message, markup=False)
    return typer.Exit(code)


def open_workspace(path: Path):
    from workbench.workspace import Workspace, WorkspaceError

    try:
        ws = Workspace.open(path)
    except WorkspaceError as exc:
        raise fail(f"error: {exc}", 2) from None
    _close_when_done(ws)
    return ws


def _close_when_done(ws) -> None:
    """Close the workspace's store when the program ends (SQLite then checkpoints its journal)."""
    import atexit

    atexit.register(ws.close)


def print_frame(frame: pl.DataFrame, *, title: str | None = None, formats: dict[str, str] | None = None) -> None:
    """A frame as a terminal table; ``formats`` maps columns to format strings like ``{:,.0f}``."""
    formats = formats or {}
    table = Table(*frame.columns, title=title, title_justify="left")
    for row in frame.iter_rows():
        table.add_row(*(_cell(v, formats.get(c)) for c, v in zip(frame.columns, row, strict=True)))
    out.print(table)


def _cell(value, fmt: str | None) -> str:
    if value is None:
        return "—"
    if fmt:
        return fmt.format(value)
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list):
        return " → ".join(map(str, value))
    return str(value)


def write_out(frame: pl.DataFrame, path: Path | None, *, sheet: str = "data") -> None:
    """Write ``frame`` to ``path`` by extension (.csv, .parquet, .xlsx); nothing when path is None.

    Written through :mod:`workbench.files` (see :data:`OutFile`): a bad extension is a usage error (exit 2),
    a folder in the way, no permission or a full disk one sentence naming the path (exit 1).
    """
    if path is None:
        return
    from workbench.interchange.tables import write_table

    write_table(frame, path, sheet=sheet)
    out.print(f"wrote {frame.height:,} rows to {path}", markup=False)
