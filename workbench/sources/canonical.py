"""The canonical contact-data schema that every connector produces and every KPI reads."""

from __future__ import annotations

import polars as pl

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
