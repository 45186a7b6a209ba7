"""The contact data as an event log for process mining: one activity per contact, at a chosen level."""

from __future__ import annotations

import polars as pl

from workbench.analysis.mining import with_level
from workbench.model import Model

LEVELS = ("reason", "phase", "stage")


def event_log(events: pl.LazyFrame | pl.DataFrame, model: Model, level: str = "reason") -> tuple[pl.LazyFrame, int]:
    """customer_id, timestamp, reason, segment, channel and ``activity`` (the reason, or its phase or stage);
    and how many contacts without a reason were left out (mining refuses nulls).

    Examples
    --------
    >>> from workbench.model import Model, Stage, Phase, ContactReason
    >>> import datetime as dt
    >>> m = Model().add(Stage("s", "S"), Phase("p", "s", "P"), ContactReason("r", "p", "I pay"))
    >>> rows = pl.DataFrame({"customer_id": ["a", "a"], "timestamp": [dt.datetime(2026, 1, 1)] * 2,
    ...                      "reason": ["r", None], "segment": [None, None], "channel": ["web", "web"]})
    >>> log, missing = event_log(rows, m, "phase")
    >>> log.collect()["activity"].to_list(), missing
    (['p'], 1)
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    lf = events.lazy().select("customer_id", "timestamp", "reason", "segment", "channel")
    missing = lf.select(pl.col("reason").is_null().sum()).collect().item()
    lf = lf.filter(pl.col("reason").is_not_null())
    if level != "reason":
        level_map = pl.DataFrame([(r.id, r.phase, model.phases[r.phase].stage) for r in model.reasons.values()],
                                 schema=["reason", "phase", "stage"], orient="row")
        lf = with_level(lf, level_map.select("reason", level), level)
    return lf.with_columns(pl.col(level).alias("activity")), missing
