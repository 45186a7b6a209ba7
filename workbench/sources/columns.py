"""Parse one source column into a canonical column, and flag the values that cannot be used.

Each function takes the source column as an expression with its dtype as read (text from CSV, typed
values from Parquet, Excel, SQL or XES) and returns the parsed expression; the ``*_problems`` helpers
return ``(kind, flag)`` pairs, a flag being true on rows where that problem occurs.
"""

from __future__ import annotations

import polars as pl

from workbench.sources.canonical import UTC_DATETIME

TRUE_WORDS = ("true", "yes", "y", "1", "t", "ja", "j", "waar", "oui", "si", "x")
FALSE_WORDS = ("false", "no", "n", "0", "f", "nee", "onwaar", "non")
#: Timestamp layouts tried, in order, when the source gives no format (ISO 8601 and its common variants).
ISO_LAYOUTS = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
OFFSET_SUFFIXES = ("%#z",)


def _is_text(dtype: pl.DataType) -> bool:
    return dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum)


def present(raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """True where the source holds a value (not null, not blank text)."""
    if _is_text(dtype):
        return raw.cast(pl.String).str.strip_chars().fill_null("") != ""
    return raw.is_not_null()


def as_text(raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Text, stripped, blank → null; a whole float (``101.0`` from Excel) reads as ``"101"``."""
    if _is_text(dtype):
        text = raw.cast(pl.String).str.strip_chars()
        return pl.when(text != "").then(text)
    if dtype.is_float():
        whole = raw.is_finite() & (raw == raw.round())
        as_whole = raw.cast(pl.Int64, strict=False).cast(pl.String)
        return pl.when(whole).then(as_whole).otherwise(raw.cast(pl.String))
    return raw.cast(pl.String)


def as_number(raw: pl.Expr, dtype: pl.DataType, decimal_comma: bool = False) -> pl.Expr:
    """A finite Float64, or null (text that is no number, NaN, infinity)."""
    if _is_text(dtype):
        text = raw.cast(pl.String).str.strip_chars()
        if decimal_comma:
            text = text.str.replace_all(",", ".", literal=True)
        number = text.cast(pl.Float64, strict=False)
    else:
        number = raw.cast(pl.Float64, strict=False)
    return pl.when(number.is_finite()).then(number)


def as_boolean(raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """True/False from booleans, 1/0, or words (true/false, yes/no, ja/nee …); null where unreadable."""
    if dtype == pl.Boolean:
        return raw
    if _is_text(dtype):
        word = raw.cast(pl.String).str.strip_chars().str.to_lowercase()
        return pl.when(word.is_in(TRUE_WORDS)).then(True).when(word.is_in(FALSE_WORDS)).then(False)
    if dtype.is_numeric():
        return pl.when(raw == 1).then(True).when(raw == 0).then(False)
    return pl.lit(None, dtype=pl.Boolean)


def as_timestamp(raw: pl.Expr, dtype: pl.DataType, fmt: str | None, timezone: str) -> pl.Expr:
    """A ``Datetime(us, UTC)``: values with an offset are converted; values without are ``timezone`` local.

    Null where unreadable, or where a local time does not exist (the hour skipped at the start of
    daylight saving time). An ambiguous local time (the hour repeated at its end) reads as the earlier one.
    """

    def local(naive: pl.Expr) -> pl.Expr:
        return (naive.cast(pl.Datetime("us")).dt.replace_time_zone(timezone, ambiguous="earliest",
                                                                    non_existent="null")
                .dt.convert_time_zone("UTC"))

    if isinstance(dtype, pl.Datetime):
        return raw.cast(pl.Datetime("us", dtype.time_zone)).dt.convert_time_zone("UTC") \
            if dtype.time_zone else local(raw)
    if dtype == pl.Date:
        return local(raw.cast(pl.Datetime("us")))
    if not _is_text(dtype):
        return pl.lit(None, dtype=UTC_DATETIME)
    text = raw.cast(pl.String).str.strip_chars()
    if fmt is not None:
        parsed = text.str.to_datetime(fmt, strict=False, time_unit="us")
        return parsed.dt.convert_time_zone("UTC") if _has_offset(fmt) else local(parsed)
    text = text.str.replace(r"Z$", "+00:00")
    with_offset = [text.str.to_datetime(f + z, strict=False, time_unit="us")
                   for f in ISO_LAYOUTS for z in OFFSET_SUFFIXES]
    naive = [text.str.to_datetime(f, strict=False, time_unit="us") for f in ISO_LAYOUTS]
    date_only = text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us"))
    return pl.coalesce(*(e.dt.convert_time_zone("UTC") for e in with_offset),
                       local(pl.coalesce(*naive, date_only)))


def _has_offset(fmt: str) -> bool:
    return any(z in fmt for z in ("%z", "%:z", "%#z", "%::z"))
