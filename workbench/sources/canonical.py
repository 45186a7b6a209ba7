"""The canonical contact-data schema that every connector produces and every KPI reads."""

from __future__ import annotations

from datetime import date

import polars as pl

from workbench.errors import InputError

UTC_DATETIME = pl.Datetime("us", "UTC")

#: One row per contact (or survey response tied to a contact). Survey scores are null where not asked.
CONTACT_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(),
    "timestamp": UTC_DATETIME,
    "channel": pl.String(),
    "reason": pl.String(),          # a contact reason id, after the crosswalk
    "source_code": pl.String(),     # the organisation's own reason code, as found in the source
    "segment": pl.String(),
    "cost": pl.Float64(),
    "handling_seconds": pl.Float64(),
    "complaint": pl.Boolean(),
    "resolved": pl.Boolean(),
    "nps": pl.Int8(),               # 0-10
    "ces": pl.Int8(),               # 1-7
    "csat": pl.Int8(),              # 1-5
}

REQUIRED_COLUMNS = ("customer_id", "timestamp", "channel", "source_code")
SURVEY_RANGES = {"nps": (0, 10), "ces": (1, 7), "csat": (1, 5)}


def empty_contacts() -> pl.DataFrame:
    """An empty frame in the canonical schema.

    Examples
    --------
    >>> empty_contacts().columns[:3]
    ['customer_id', 'timestamp', 'channel']
    """
    return pl.DataFrame(schema=CONTACT_SCHEMA)


def conform(frame: pl.LazyFrame | pl.DataFrame) -> pl.LazyFrame:
    """Cast the canonical columns to their dtypes and put them first; extra dimension columns follow.

    Missing optional columns are added as nulls, so every KPI can rely on every canonical column.
    """
    lf = frame.lazy()
    names = lf.collect_schema().names()
    cols = [
        (pl.col(c) if c in names else pl.lit(None)).cast(dtype).alias(c)
        for c, dtype in CONTACT_SCHEMA.items()
    ]
    extra = [pl.col(c) for c in names if c not in CONTACT_SCHEMA]
    return lf.select(*cols, *extra)


#: The workspace setting holding the plausible window of contact timestamps (``{"start": …, "end": …}``).
TIMESTAMP_WINDOW_SETTING = "sources.timestamp_window"
EARLIEST = date(2000, 1, 1)


def timestamp_window(setting: dict | list | None = None, *, today: date | None = None) -> tuple[date, date]:
    """The first and last plausible day of a contact: the setting's, else 2000-01-01 to a year after today.

    ``setting`` is ``{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}`` (either may be left out) or a pair.
    A timestamp outside the window (a year 9999 placeholder, a 1900 default) is a bad row.

    Examples
    --------
    >>> timestamp_window(today=date(2026, 2, 1))
    (datetime.date(2000, 1, 1), datetime.date(2027, 2, 1))
    >>> timestamp_window({"start": "2020-01-01"}, today=date(2024, 2, 29))
    (datetime.date(2020, 1, 1), datetime.date(2025, 2, 28))
    """
    today = today or date.today()
    try:
        last = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        last = today.replace(year=today.year + 1, day=28)
    if setting is None:
        return EARLIEST, last
    if isinstance(setting, list | tuple) and len(setting) == 2:
        setting = {"start": setting[0], "end": setting[1]}
    if not isinstance(setting, dict) or set(setting) - {"start", "end"}:
        raise InputError(f"the setting {TIMESTAMP_WINDOW_SETTING} must look like "
                         f'{{"start": "2000-01-01", "end": "2030-12-31"}}, not {setting!r}')
    try:
        start = date.fromisoformat(str(setting["start"])) if setting.get("start") else EARLIEST
        end = date.fromisoformat(str(setting["end"])) if setting.get("end") else last
    except ValueError as exc:
        raise InputError(f"the setting {TIMESTAMP_WINDOW_SETTING}: {exc} (write dates as YYYY-MM-DD)") from None
    if end < start:
        raise InputError(f"the setting {TIMESTAMP_WINDOW_SETTING}: end {end} is before start {start}")
    return start, end
