"""Result tables to files a person opens: CSV (UTF-8 with BOM, for Excel), Parquet, or Excel.

Every file is written through :mod:`workbench.files`: beside the target and renamed into place, so a
failure or a kill leaves the old file (or none), never half a table; missing folders are created, and a
folder in the way, no permission or a full disk is one sentence naming the path.

CSV is opened by spreadsheets, which run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (``=HYPERLINK(…)`` planted in a reason's label becomes a link in a
colleague's Excel). Such text cells, and such column names, get a leading single quote, as OWASP advises
against CSV injection: the spreadsheet then shows the text as it is. Only text is escaped: number columns
stay numbers, negative ones included (a number cannot hold a formula), so ``-3`` in an integer column is
written ``-3`` while the text ``"-3"`` is written ``'-3``. Excel files need no escaping (their cells are
typed: text is never run as a formula) and Parquet is not opened by spreadsheets.
"""

from __future__ import annotations

import io
import os
from contextlib import ExitStack
from pathlib import Path

import polars as pl

from workbench.errors import UsageError
from workbench.files import atomic_path

SUFFIXES = (".csv", ".parquet", ".xlsx")
#: First characters that make a spreadsheet read a CSV cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA = "^[" + "".join({"-": r"\-", "\t": r"\t", "\r": r"\r"}.get(c, c) for c in FORMULA_START) + "]"
#: Options of every workbook written here: text stays text (xlsxwriter would otherwise turn "=…" into formulas).
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "nan_inf_to_errors": True, "use_zip64": True}


def write_table(frame: pl.DataFrame, path: str | Path, *, sheet: str = "data") -> Path:
    """Write ``frame`` by the extension of ``path`` (.csv, .parquet or .xlsx); returns the path.

    List columns become ' → '-joined text outside Parquet; CSV text cells that a spreadsheet would run
    as a formula are escaped (see the module docstring). Raises :class:`~workbench.errors.UsageError`
    for another extension and :class:`~workbench.files.OutputError` when the file cannot be written.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "new" / "t.csv"
    >>> _ = write_table(pl.DataFrame({"label": ["=1+1", "a - b"], "delta": [-2, 3]}), target)
    >>> target.read_text(encoding="utf-8-sig").splitlines()
    ['label,delta', "'=1+1,-2", 'a - b,3']
    """
    path = Path(path)
    suffix = _suffix(path)
    with atomic_path(path) as tmp:
        _write(frame, tmp, suffix, sheet)
    return path


def write_tables(frames: dict[str, pl.DataFrame], path: str | Path) -> list[Path]:
    """Several tables: sheets of one workbook for .xlsx, else one file per table beside ``path``
    (``out.csv`` → ``out-<name>.csv``). All or nothing: if one file cannot be written, none is."""
    path = Path(path)
    suffix = _suffix(path)
    if suffix == ".xlsx":
        with atomic_path(path) as tmp:
            _write_bytes(tmp, xlsx_bytes(frames))
        return [path]
    targets = [path.with_name(f"{path.stem}-{name}{path.suffix}") for name in frames]
    with ExitStack() as renames:  # every file is renamed into place only once all were written
        for target, (name, frame) in zip(targets, frames.items(), strict=True):
            _write(frame, renames.enter_context(atomic_path(target)), suffix, name)
    return targets


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """``frame`` as CSV for a spreadsheet: UTF-8 with a BOM (so Excel reads accents and emoji), list
    columns joined with ' → ', and text cells that would run as a formula escaped with a leading ``'``.

    >>> data = csv_bytes(pl.DataFrame({"reason": ["@SUM(A1)", "I pay"], "path": [["a", "b"], []]}))
    >>> data[:3] == "\\ufeff".encode(), data.decode("utf-8-sig").splitlines()
    (True, ['reason,path', "'@SUM(A1),a → b", 'I pay,""'])
    """
    buffer = io.BytesIO()
    for_spreadsheet(frame).write_csv(buffer, include_bom=True)
    return buffer.getvalue()


def xlsx_bytes(frames: pl.DataFrame | dict[str, pl.DataFrame], sheet: str = "data") -> bytes:
    """An Excel workbook of one table (in sheet ``sheet``) or of several (sheet name → table): list columns
    joined with ' → ', a frozen header row, and text kept as text (never turned into formulas).

    >>> data = xlsx_bytes({"a": pl.DataFrame({"x": ["=1+1"]}), "b": pl.DataFrame({"y": [2]})})
    >>> import fastexcel
    >>> reader = fastexcel.read_excel(data)
    >>> reader.sheet_names, reader.load_sheet("a").to_polars()["x"].to_list()
    (['a', 'b'], ['=1+1'])
    """
    import xlsxwriter

    tables = frames if isinstance(frames, dict) else {sheet: frames}
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {**WORKBOOK_OPTIONS, "in_memory": True}) as book:
        for name, frame in tables.items():
            flatten(frame).write_excel(book, worksheet=name[:31], autofit=True, freeze_panes=(1, 0))
    return buffer.getvalue()


def for_spreadsheet(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` ready for a CSV a spreadsheet opens: lists flattened, formula-like text escaped."""
    return escape_formulas(flatten(frame))


def flatten(frame: pl.DataFrame) -> pl.DataFrame:
    """List columns as ' → '-joined text (a path of reasons reads as one).

    >>> flatten(pl.DataFrame({"path": [["a", "b"], [], None]}))["path"].to_list()
    ['a → b', '', None]
    """
    return frame.with_columns(pl.col(c).cast(pl.List(pl.String)).list.join(" → ")
                              for c, t in frame.schema.items() if isinstance(t, pl.List))


def escape_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells (and column names) starting with ``= + - @``, a tab or a carriage return get a leading ``'``;
    numbers and other cells are left as they are.

    >>> frame = pl.DataFrame({"text": ["-1", "a-b", "+x", None], "number": [-1, 2, -3, 4]})
    >>> escape_formulas(frame).rows()
    [("'-1", -1), ('a-b', 2), ("'+x", -3), (None, 4)]
    """
    text = [c for c, t in frame.schema.items() if t in (pl.String, pl.Categorical) or isinstance(t, pl.Enum)]
    escaped = frame.with_columns(
        pl.when(pl.col(c).cast(pl.String).str.contains(_FORMULA))
        .then(pl.lit("'") + pl.col(c).cast(pl.String))
        .otherwise(pl.col(c).cast(pl.String))
        .alias(c)
        for c in text)
    return escaped.rename({c: f"'{c}" for c in frame.columns if c.startswith(FORMULA_START)})


def _write(frame: pl.DataFrame, tmp: Path, suffix: str, sheet: str) -> None:
    if suffix == ".csv":
        for_spreadsheet(frame).write_csv(tmp, include_bom=True)
    elif suffix == ".parquet":
        frame.write_parquet(tmp)
    else:  # built in memory, so a full disk fails in one plain write (xlsxwriter's zip would leave noise)
        _write_bytes(tmp, xlsx_bytes(frame, sheet))
        return
    _sync(tmp)


def _write_bytes(tmp: Path, data: bytes) -> None:
    with open(tmp, "wb") as f:
        f.write(data)
    _sync(tmp)


def _sync(path: Path) -> None:
    """Flush ``path`` to the disk before it is renamed into place (so a power cut leaves no empty file)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(f"cannot write '{path}': use a file name ending in {', '.join(SUFFIXES)}")
    return suffix
