"""The Typer application and the helpers every command shares."""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

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


# -- tables ----------------------------------------------------------------------------------------
FORMATS = ("table", "csv", "json")
WIDE = 200  # a pipe or a file without COLUMNS gets tables this wide
MIN_TEXT = 16  # a text column is narrowed to no less than this (or its own width) before columns are left out

Columns = Annotated[str | None, typer.Option(
    "--columns", help="Comma-separated columns to show, in this order (default: a set that fits the terminal).")]
Format = Annotated[str, typer.Option(
    "--format", help="table (fits the terminal; long text cut with …), csv or json (every column, values "
                     "unformatted; several tables: csv blocks after '# NAME' lines, one JSON object by name).")]


def terminal_width() -> int:
    """Columns to fill: ``COLUMNS`` when set, else the terminal's width, else 200 for a pipe or a file."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return WIDE


class Tables:
    """Where a command's tables go: a table that fits the terminal, or CSV or JSON on stdout.

    ``columns`` is what the user typed after ``--columns``; each table otherwise shows its ``default``
    columns (all when it has none) as far as they fit. ``several=True`` for a command printing more than one
    table: each shows the chosen columns it has, a name no table has is refused at :meth:`close`. In csv
    and json formats prose (:meth:`note`) goes to stderr, so stdout parses as data.
    """

    def __init__(self, fmt: str = "table", columns: str | None = None, *, several: bool = False):
        if fmt not in FORMATS:
            raise fail(f"error: --format must be one of {', '.join(FORMATS)}, not '{fmt}'", 2)
        self.fmt, self.several = fmt, several
        self.wanted = [c.strip() for c in (columns or "").split(",") if c.strip()]
        self._found: set[str] = set()
        self._known: list[str] = []
        self._json: dict[str, object] = {}

    def show(self, frame: pl.DataFrame, *, name: str = "data", title: str | None = None,
             formats: dict[str, str] | None = None, default: list[str] | None = None) -> None:
        """One table; ``formats`` maps columns to format strings like ``{:,.0f}`` (table format only)."""
        self._known += [c for c in frame.columns if c not in self._known]
        chosen = [c for c in self.wanted if c in frame.columns]
        self._found.update(chosen)
        if self.wanted and not self.several and len(chosen) < len(self.wanted):
            self._refuse_unknown(frame.columns)
        if self.fmt == "table":
            columns = chosen or [c for c in (default or frame.columns) if c in frame.columns]
            _print_table(frame.select(columns), title, formats or {}, hidden=[c for c in frame.columns
                                                                              if c not in columns])
            return
        data = frame.select(chosen) if chosen else frame
        if self.fmt == "json":
            records = json.loads(data.write_json())
            if self.several:
                self._json[name] = records
            else:
                sys.stdout.write(json.dumps(records, ensure_ascii=False, default=str) + "\n")
            return
        flat = data.with_columns(pl.col(c).cast(pl.List(pl.String)).list.join(" → ")
                                 for c, t in data.schema.items() if isinstance(t, pl.List))
        sys.stdout.write((f"# {name}\n" if self.several else "") + flat.write_csv()
                         + ("\n" if self.several else ""))

    def note(self, text: str) -> None:
        """A line of prose: below the table in table format, on stderr in csv and json."""
        (out if self.fmt == "table" else err).print(Text(text), width=terminal_width(), soft_wrap=False)

    def close(self) -> None:
        """Refuse a chosen column no table had; print the JSON object of several tables."""
        if self.wanted and len(self._found) < len(self.wanted):
            self._refuse_unknown(self._known)
        if self._json:
            sys.stdout.write(json.dumps(self._json, ensure_ascii=False, default=str) + "\n")

    def _refuse_unknown(self, known: list[str]) -> None:
        from workbench.model import did_you_mean

        unknown = [c for c in self.wanted if c not in known]
        raise fail("error: --columns: " + "; ".join(f"no column '{c}'{did_you_mean(c, known)}" for c in unknown)
                   + f". The columns are: {', '.join(known)}", 2)


def print_frame(frame: pl.DataFrame, *, title: str | None = None, formats: dict[str, str] | None = None,
                default: list[str] | None = None) -> None:
    """A frame as a terminal table that fits (see :class:`Tables`)."""
    Tables().show(frame, title=title, formats=formats, default=default)


def _print_table(frame: pl.DataFrame, title: str | None, formats: dict[str, str], hidden: list[str]) -> None:
    """Render ``frame`` within the terminal's width: numbers whole, long text cut with an ellipsis, and
    columns left out (and named below) when even narrowed text does not fit; never a cell on two lines."""
    width = terminal_width()
    cells = {c: [_cell(v, formats.get(c)) for v in frame[c]] for c in frame.columns}
    numeric = {c for c, t in frame.schema.items() if t.is_numeric() or t == pl.Boolean or t.is_temporal()}
    widths = _fit({c: max([cell_len(c), *map(cell_len, cells[c])]) for c in frame.columns}, numeric, width)
    shown = list(widths)
    left_out = [c for c in frame.columns if c not in widths] + hidden
    if title:
        out.print(Text(title), width=width, soft_wrap=False)  # a title is prose: it wraps, a cell never does
    table = Table(show_header=True, expand=False)
    for c in shown:
        table.add_column(Text(c), width=widths[c], no_wrap=True, overflow="ellipsis")
    for i in range(frame.height):
        table.add_row(*(Text(cells[c][i], no_wrap=True, overflow="ellipsis") for c in shown))
    out.print(table, width=width, soft_wrap=False, crop=True)
    if left_out:
        out.print(Text(_more_columns(left_out, width)), width=width, soft_wrap=False)


def _more_columns(names: list[str], width: int) -> str:
    """One line naming the columns not shown, as many as fit.

    >>> _more_columns(["aht", "fcr", "share", "digital_share"], 55)
    '(+4 columns: aht, fcr, share, …; choose with --columns)'
    """
    tail = "; choose with --columns)"
    head = f"(+{len(names)} column{'s' if len(names) > 1 else ''}: "
    shown: list[str] = []
    for name in names:
        if len(head) + len(", ".join([*shown, name, "…"])) + len(tail) > width:
            break
        shown.append(name)
    rest = ", …" if len(shown) < len(names) else ""
    return head + (", ".join(shown) + rest if shown else "…") + tail


def _fit(natural: dict[str, int], numeric: set[str], width: int) -> dict[str, int]:
    """Column widths that add up (with the borders) to at most ``width``: text columns narrowed, widest first,
    to no less than :data:`MIN_TEXT`; failing that, columns left out from the end.

    >>> _fit({"id": 2, "label": 40, "n": 5}, {"n"}, 36)
    {'id': 2, 'label': 19, 'n': 5}
    >>> _fit({"a": 30, "b": 30, "c": 30}, set(), 50)
    {'a': 21, 'b': 21}
    """
    names = list(natural)
    while names:
        room = width - (3 * len(names) + 1)
        widths = {c: natural[c] for c in names}
        excess = sum(widths.values()) - room
        if excess <= 0:
            return widths
        floor = {c: min(natural[c], MIN_TEXT) for c in names if c not in numeric}
        if sum(widths[c] - f for c, f in floor.items()) >= excess:
            low, high = 0, max(widths[c] for c in floor)  # the largest cap that removes the excess
            while low < high:
                cap = (low + high + 1) // 2
                if sum(max(0, widths[c] - max(cap, f)) for c, f in floor.items()) >= excess:
                    low = cap
                else:
                    high = cap - 1
            return {c: max(min(w, low), floor[c]) if c in floor else w for c, w in widths.items()}
        if len(names) == 1:
            return {names[0]: max(room, 1)}
        names.pop()
    return {}


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
    return " ".join(str(value).split())  # a line break in a label would break the row


def write_out(frame: pl.DataFrame, path: Path | None, *, sheet: str = "data", tables: Tables | None = None) -> None:
    """Write ``frame`` to ``path`` by extension (.csv, .parquet, .xlsx); nothing when path is None.

    Written through :mod:`workbench.files` (see :data:`OutFile`): a bad extension is a usage error (exit 2),
    a folder in the way, no permission or a full disk one sentence naming the path (exit 1). The "wrote"
    line is a note of ``tables`` (on stderr when stdout carries csv or json).
    """
    if path is None:
        return
    from workbench.interchange.tables import write_table

    write_table(frame, path, sheet=sheet)
    (tables or Tables()).note(f"wrote {frame.height:,} rows to {path}")
