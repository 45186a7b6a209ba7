"""Readers per source kind: each returns the source's own columns, untouched, plus where each row came from.

Every reader returns a :class:`RawSource`: a LazyFrame of the source columns as found, with two more
columns, ``_wb_file`` (the file, or the database and table) and ``_wb_row`` (the row as the user sees it:
the line in a CSV file with the header on line 1, the row in an Excel sheet with the header on row 1,
the 1-based row within a Parquet file or a query result, the 1-based event in an XES log).
Mapping to the canonical schema and bad-row handling happen in :mod:`workbench.sources.load`.
"""

from __future__ import annotations

import codecs
import glob as globbing
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from workbench.errors import InputError
from workbench.model import did_you_mean
from workbench.sources.spec import SourceSpec

FILE, ROW = "_wb_file", "_wb_row"
LOCATION_COLUMNS = (FILE, ROW)


class SourceError(InputError):
    """A source cannot be read at all (missing file, broken encoding, unknown sheet or column …)."""


@dataclass(frozen=True)
class RawSource:
    frame: pl.LazyFrame
    row_unit: str  # "line", "row" or "event": how ``_wb_row`` counts

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.collect_schema().names() if c not in LOCATION_COLUMNS]


def read_raw(spec: SourceSpec) -> RawSource:
    """Read a source's own columns (see the module docstring) with the reader for its kind."""
    from workbench.sources.remote import read_spark

    readers = {"csv": _csv, "parquet": _parquet, "excel": _excel, "xes": _xes, "sql": _sql, "spark": read_spark}
    reader = readers[spec.kind]
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


def check_encoding(path: Path, encoding: str = "utf-8", chunk_size: int = 1 << 20) -> None:
    """Raise :class:`SourceError` naming the byte offset and line of the first byte ``encoding`` cannot read.

    The file is streamed, so a large file is checked in constant memory.
    """
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        raise SourceError(f"{path}: unknown encoding '{encoding}' (try 'utf-8' or 'cp1252')") from None
    offset = 0
    with open(path, "rb") as stream:
        while True:
            chunk = stream.read(chunk_size)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                # the decoder may hold back a few bytes of a previous chunk; locate within what it saw
                held = len(error.object) - len(chunk)
                at = offset - held + error.start
                with open(path, "rb") as again:
                    line = again.read(at).count(b"\n") + 1
                bad = error.object[error.start:error.end]
                raise SourceError(
                    f"{path}: not valid {encoding} at byte {at} (line {line}): cannot decode {bad!r}; "
                    "set the source option 'encoding' to the file's encoding (e.g. 'cp1252')"
                ) from None
            if not chunk:
                return
            offset += len(chunk)


def _csv(spec: SourceSpec) -> RawSource:
    options = spec.options
    encoding = _encoding(options.get("encoding"))
    frames = []
    for path in expand_files(spec.location, (".csv", ".txt", ".tsv")):
        check_encoding(path, "utf-8-sig" if encoding == "utf-8" else encoding)
        source = path if encoding == "utf-8" else io.BytesIO(
            path.read_bytes().decode(encoding).encode("utf-8"))
        try:
            frame = pl.scan_csv(
                source, separator=options.get("separator", ","), quote_char=options.get("quote_char", '"'),
                infer_schema=False, row_index_name=ROW, row_index_offset=2, raise_if_empty=False,
            )
            frame.collect_schema()
        except pl.exceptions.PolarsError as error:
            raise SourceError(f"{path}: cannot be read as CSV ({error})") from None
        frames.append(frame.with_columns(pl.lit(str(path)).alias(FILE), pl.col(ROW).cast(pl.Int64)))
    return RawSource(pl.concat(frames, how="diagonal"), "line")


def _encoding(name: str | None) -> str:
    try:
        return codecs.lookup(name or "utf-8").name
    except LookupError:
        raise SourceError(f"unknown encoding '{name}' (try 'utf-8' or 'cp1252')") from None


def _parquet(spec: SourceSpec) -> RawSource:
    files = expand_files(spec.location, (".parquet", ".pq"))
    try:
        frame = pl.scan_parquet(
            [str(f) for f in files], hive_partitioning=True,
            include_file_paths=FILE, row_index_name=ROW,
        )
        frame.collect_schema()
    except pl.exceptions.PolarsError as error:
        raise SourceError(f"{spec.location}: cannot be read as Parquet ({error})") from None
    row = pl.col(ROW).cast(pl.Int64)
    return RawSource(frame.with_columns((row - row.min().over(FILE) + 1).alias(ROW)), "row")


def _excel(spec: SourceSpec) -> RawSource:
    import fastexcel

    path = expand_files(spec.location, (".xlsx", ".xlsm", ".xls", ".ods"))
    if len(path) != 1:
        raise SourceError(f"{spec.location}: names {len(path)} workbooks; an excel source reads one")
    path = path[0]
    try:
        sheets = fastexcel.read_excel(str(path)).sheet_names
    except Exception as error:  # fastexcel raises its own error types for non-spreadsheets
        raise SourceError(f"{path}: cannot be read as a spreadsheet ({error})") from None
    sheet = spec.options.get("sheet") or sheets[0]
    if sheet not in sheets:
        raise SourceError(f"{path}: no sheet '{sheet}'{did_you_mean(sheet, sheets)}; "
                          f"the sheets are {', '.join(sheets)}")
    try:
        frame = pl.read_excel(path, sheet_name=sheet, drop_empty_rows=False, drop_empty_cols=False,
                              infer_schema_length=None, raise_if_empty=False)
    except Exception as error:
        raise SourceError(f"{path}, sheet '{sheet}': cannot be read ({error})") from None
    frame = frame.with_columns(pl.lit(f"{path} [{sheet}]").alias(FILE),
                               pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(ROW))
    return RawSource(frame.lazy(), "row")


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
