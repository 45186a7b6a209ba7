"""Readers per source kind: each returns the source's own columns, untouched, plus where each row came from.

Every reader returns a :class:`RawSource`: a LazyFrame of the source columns as found, with two more
columns, ``_wb_file`` (the file, or the database and table) and ``_wb_row`` (the row as the user sees it:
the line in a CSV file with the header on line 1, the row in an Excel sheet with the header on row 1,
the 1-based row within a Parquet file or a query result, the 1-based event in an XES log).
Mapping to the canonical schema and bad-row handling happen in :mod:`workbench.sources.load`.
"""

from __future__ import annotations

import glob as globbing
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from workbench.errors import InputError
from workbench.files import OutputError
from workbench.model import did_you_mean
from workbench.sources import textfile
from workbench.sources.filetype import KIND_NAMES, suggested_kind, what_is
from workbench.sources.spec import SourceSpec
from workbench.sources.textfile import (
    BAD_LINE,
    LINE_LIMIT,
    TextFile,
    TextFileError,
    duplicate_columns,
    prepare_csv,
)

FILE, ROW, BAD_LINE_COLUMN = "_wb_file", "_wb_row", "_wb_bad_line"
LOCATION_COLUMNS = (FILE, ROW, BAD_LINE_COLUMN)


class SourceError(InputError):
    """A source cannot be read at all (missing file, broken encoding, unknown sheet or column …)."""


@dataclass(frozen=True)
class RawSource:
    frame: pl.LazyFrame
    row_unit: str  # "line", "row" or "event": how ``_wb_row`` counts
    detected: tuple[str, ...] = ()  # what a reader found out by itself (a CSV's encoding and separator)
    texts: tuple[TextFile, ...] = ()  # a CSV source's files as read

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.collect_schema().names() if c not in LOCATION_COLUMNS]


def read_raw(spec: SourceSpec, scratch: Path | None = None) -> RawSource:
    """Read a source's own columns (see the module docstring) with the reader for its kind.

    ``scratch`` is a folder for UTF-8 copies of CSV files that need one (another encoding, bad lines).
    A CSV source's frame has one more column, ``_wb_bad_line``: the marker of a line set apart as too long
    or holding NUL bytes (see :mod:`~workbench.sources.textfile`), null on every other line.
    """
    if spec.kind == "csv":
        return _csv(spec, scratch)
    from workbench.sources.remote import read_spark

    reader = {"parquet": _parquet, "excel": _excel, "xes": _xes, "sql": _sql, "spark": read_spark}[spec.kind]
    return reader(spec)


# -- files ------------------------------------------------------------------------------------------
def expand_files(location: str, suffixes: tuple[str, ...] = ()) -> list[Path]:
    """The files a location names: a file, every matching file in a folder (recursively), or a glob."""
    path = Path(location).expanduser()
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(suffixes)
                       and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts))
    else:
        files = sorted(Path(p) for p in globbing.glob(str(path), recursive=True) if Path(p).is_file())
    if not files:
        raise SourceError(f"{location}: no {'/'.join(suffixes) or ''} file found there".replace("  ", " "))
    return files


def check_encoding(path: Path, encoding: str = "utf-8", chunk_size: int = textfile.CHUNK) -> None:
    """Raise :class:`SourceError` naming the byte offset and line of the first byte ``encoding`` cannot read.

    The file is streamed, so a large file is checked in constant memory.
    """
    try:
        textfile.check_encoding(path, encoding, chunk_size)
    except TextFileError as error:
        raise SourceError(str(error)) from None


def _csv(spec: SourceSpec, scratch: Path | None) -> RawSource:
    options = spec.options
    frames, texts = [], []
    for path in expand_files(spec.location, (".csv", ".txt", ".tsv")):
        text = _prepared(path, options, scratch)
        texts.append(text)
        if twice := duplicate_columns(text.header):
            raise SourceError(f"{path}: " + "; ".join(
                f"the header names '{name}' {len(at)} times (columns {_and(map(str, at))})"
                for name, at in twice.items()) + "; rename all but one, so no value is read from the wrong column")
        try:
            frame = pl.scan_csv(
                text.path, separator=text.separator, quote_char=options.get("quote_char", '"'),
                infer_schema=False, row_index_name=ROW, row_index_offset=2, raise_if_empty=False,
            )
            names = frame.collect_schema().names()
        except pl.exceptions.PolarsError as error:
            raise SourceError(f"{path}: cannot be read as CSV ({plain_error(error)})") from None
        first = next((n for n in names if n != ROW), None)
        marker = (pl.when(pl.col(first).str.starts_with(BAD_LINE)).then(pl.col(first))
                  if text.copied and first is not None else pl.lit(None, pl.String))
        frames.append(frame.with_columns(pl.lit(str(path)).alias(FILE), pl.col(ROW).cast(pl.Int64),
                                         marker.alias(BAD_LINE_COLUMN)))
    return RawSource(pl.concat(frames, how="diagonal"), "line", _detected(texts), tuple(texts))


def _detected(texts: list[TextFile]) -> tuple[str, ...]:
    """What was found per file, files alike said once: ``("encoding cp1252 (detected), separator ';' …",)``."""
    groups: dict[str, list[str]] = {}
    for text in texts:
        groups.setdefault(text.describe(), []).append(text.original.name)
    if len(texts) == 1:
        return tuple(groups)
    return tuple(f"{described} ({'all ' + str(len(names)) + ' files' if len(groups) == 1 else ', '.join(names[:3])}"
                 f"{' …' if len(groups) > 1 and len(names) > 3 else ''})" for described, names in groups.items())


def _prepared(path: Path, options: dict, scratch: Path | None) -> TextFile:
    """The CSV file made ready (see :mod:`~workbench.sources.textfile`); copies go to the system's temporary
    folder when the workspace's cache cannot take them."""
    kwargs = dict(encoding=options.get("encoding"), separator=options.get("separator"),
                  quote_char=options.get("quote_char", '"'))
    try:
        return prepare_csv(path, scratch=scratch, **kwargs)
    except TextFileError as error:
        raise SourceError(str(error)) from None
    except OutputError:
        if scratch is None:
            raise
        return prepare_csv(path, scratch=None, **kwargs)


def locate_read_error(spec: SourceSpec, raw: RawSource, error: Exception) -> str:
    """A reader's error met while the data was read, as one sentence naming the file (and line, where it can)."""
    sentence = plain_error(error)
    for text in raw.texts:
        if (where := _longer_row(text)) is not None:
            return f"{text.original}: {where}"
    return f"{spec.location}: cannot be read ({sentence})"


def _longer_row(text: TextFile) -> str | None:
    """The first row of a CSV file with more values than its header has columns, said with its line."""
    import csv

    csv.field_size_limit(max(csv.field_size_limit(), 4 * LINE_LIMIT))
    with open(text.path, encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream, delimiter=text.separator, quotechar=text.quote_char or None)
        width = len(next(reader, []))
        for row in reader:
            if len(row) > width:
                return (f"line {reader.line_num} holds {len(row)} values but the header has {width} columns "
                        "(a separator inside a value that is not quoted?)")
    return None


def plain_error(error: Exception) -> str:
    """A reader's error as one plain sentence: its first line, without the reader's hints and context."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "more fields than defined" in text:
        return "a line holds more values than the header has columns (a separator inside an unquoted value?)"
    if "unterminated" in text.lower() or "quote" in text.lower():
        return "a quoted value is never closed"
    return text.rstrip(".")


def _parquet(spec: SourceSpec) -> RawSource:
    files = expand_files(spec.location, (".parquet", ".pq"))
    for path in files:
        _refuse_wrong_file(path, "a Parquet file", "parquet")
    try:
        frame = pl.scan_parquet(
            [str(f) for f in files], hive_partitioning=True,
            include_file_paths=FILE, row_index_name=ROW,
        )
        frame.collect_schema()
    except pl.exceptions.PolarsError as error:
        raise SourceError(f"{spec.location}: cannot be read as Parquet: the file is damaged or not Parquet "
                          f"({plain_error(error)})") from None
    row = pl.col(ROW).cast(pl.Int64)
    return RawSource(frame.with_columns((row - row.min().over(FILE) + 1).alias(ROW)), "row")


def _excel(spec: SourceSpec) -> RawSource:
    import fastexcel

    path = expand_files(spec.location, (".xlsx", ".xlsm", ".xls", ".ods"))
    if len(path) != 1:
        raise SourceError(f"{spec.location}: names {len(path)} workbooks; an excel source reads one")
    path = path[0]
    _refuse_wrong_file(path, "an Excel workbook", "excel", also=("an old-style Office file (.xls, .doc)",))
    try:
        reader = fastexcel.read_excel(str(path))
        sheets = reader.sheet_names
    except Exception:  # fastexcel raises its own error types; their text is calamine's, not the user's
        raise SourceError(f"{path}: cannot be read as a spreadsheet: the workbook is damaged, "
                          "password-protected or not a workbook") from None
    sheet = spec.options.get("sheet") or sheets[0]
    if sheet not in sheets:
        raise SourceError(f"{path}: no sheet '{sheet}'{did_you_mean(sheet, sheets)}; "
                          f"the sheets are {', '.join(sheets)}")
    try:
        header = reader.load_sheet(sheet, header_row=None, n_rows=1).to_polars()
        frame = pl.read_excel(path, sheet_name=sheet, drop_empty_rows=False, drop_empty_cols=False,
                              infer_schema_length=None, raise_if_empty=False)
    except Exception:
        raise SourceError(f"{path}, sheet '{sheet}': cannot be read: the sheet is damaged or holds "
                          "values the reader does not understand") from None
    if header.is_empty():
        raise SourceError(f"{path}, sheet '{sheet}': the sheet is empty")
    names = tuple("" if v is None else str(v) for v in header.row(0))
    if twice := duplicate_columns(names):
        raise SourceError(f"{path}, sheet '{sheet}': " + "; ".join(
            f"row 1 names '{name}' {len(at)} times (columns {_and(_letter(i) for i in at)})"
            for name, at in twice.items()) + "; rename all but one, so no value is read from the wrong column")
    frame = frame.with_columns(pl.lit(f"{path} [{sheet}]").alias(FILE),
                               pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(ROW))
    return RawSource(frame.lazy(), "row")


def _and(items) -> str:
    """``["5", "8", "9"]`` → ``"5, 8 and 9"``."""
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _letter(position: int) -> str:
    """A 1-based column position as Excel names it (1 → A, 27 → AA)."""
    letters = ""
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _refuse_wrong_file(path: Path, wanted: str, kind: str, also: tuple[str, ...] = ()) -> None:
    """Say in one sentence what ``path`` is when it is not what the reader of ``kind`` needs."""
    found = what_is(path)
    if found in (wanted, *also):
        return
    if found == "an empty file":
        raise SourceError(f"{path}: the file is empty")
    raise SourceError(f"{path}: this is {found}, not {KIND_NAMES[kind]}{suggested_kind(found)}")


def _xes(spec: SourceSpec) -> RawSource:
    from workbench.sources.xes import read_xes

    base = {"case_id", "event_index", "activity", "timestamp", "lifecycle"}
    wanted = [*spec.effective_mapping.values(), *(spec.source_column(d) for d in spec.extra_dimensions)]
    attributes = list(dict.fromkeys(c for c in wanted if c not in base))
    path = expand_files(spec.location, (".xes", ".xes.gz"))
    if len(path) != 1:
        raise SourceError(f"{spec.location}: names {len(path)} logs; an xes source reads one")
    try:
        frame = read_xes(path[0], attributes=attributes)
    except ValueError as error:
        raise SourceError(str(error)) from None
    frame = frame.with_columns(pl.lit(str(path[0])).alias(FILE),
                               pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(ROW))
    return RawSource(frame.lazy(), "event")


def _sql(spec: SourceSpec) -> RawSource:
    if spec.options.get("pushdown"):  # the cube is computed in the database: read rows only when asked
        from workbench.sources.remote import deferred

        return deferred(spec, _sql_rows)
    return _sql_rows(spec)


def _sql_rows(spec: SourceSpec) -> RawSource:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    try:
        url = make_url(spec.location)
    except Exception:
        raise SourceError(f"source '{spec.id}': '{spec.location}' is not a SQLAlchemy URL") from None
    safe = url.render_as_string(hide_password=True)
    engine = create_engine(url)
    try:
        table, query = spec.options.get("table"), spec.options.get("query")
        if table:
            quote = engine.dialect.identifier_preparer.quote
            schema = spec.options.get("schema")
            query = f"SELECT * FROM {quote(schema) + '.' if schema else ''}{quote(table)}"
        where = f"{safe} [{table or 'query'}]"
        with engine.connect() as connection:
            frame = pl.read_database(query, connection, infer_schema_length=None)
    except (SQLAlchemyError, pl.exceptions.PolarsError) as error:
        raise SourceError(f"{safe}: cannot read {('table ' + repr(table)) if table else 'the query'} "
                          f"({getattr(error, 'orig', None) or error})") from None
    finally:
        engine.dispose()
    frame = frame.with_columns(pl.lit(where).alias(FILE),
                               pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(ROW))
    return RawSource(frame.lazy(), "row")
