"""The cube's cells computed by Polars on one machine: only integer columns are sorted, the grouping
streams.

Steps: read the columns the parts need; mark repeats with :func:`~workbench.metrics.repeats.repeat_flags`
(a sort of a 64-bit pair hash and the timestamp, flags put back in row order); group by reason, channel,
segment and a numeric month with Polars' streaming engine, the parts declared in
:mod:`workbench.metrics.parts` plus the exact distinct customers of each cell; format the month as
``YYYY-MM`` on the few thousand cells. Distinct customers across cells come from
:mod:`workbench.metrics.sketch`: the customer sets of the cells while they hold at most ``exact_pairs``
pairs, else their HyperLogLog registers.
"""

from __future__ import annotations

import polars as pl

from workbench.metrics import sketch
from workbench.metrics.parts import PARTS, column

GRAIN = ("reason", "channel", "segment", "month")
CELL = "__cell"
CUSTOMERS_PART = column("customers")


def cube_cells(events: pl.LazyFrame | pl.DataFrame, channels: pl.DataFrame, *, repeat_days: int = 7,
               exact_pairs: int = sketch.EXACT_PAIRS) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(cells, customers)`` of the events: one row per cell of ``GRAIN`` with its parts (sorted, nulls
    last, numbered by ``__cell``), and the cells' customers (exact or sketched, see ``workbench.metrics.sketch``)."""
    from workbench.metrics.repeats import repeat_flags

    lf = events.lazy()
    names = lf.collect_schema().names()
    wanted = {"customer_id", "timestamp", "channel", "reason", "segment"}
    wanted |= set().union(*(p.columns for p in PARTS.values())) - {"repeat", "digital"}
    frame = lf.select([c for c in names if c in wanted]).collect()
    frame = frame.with_columns(repeat_flags(frame, repeat_days)) if frame.height else frame.with_columns(
        pl.lit(False).alias("repeat"))
    month = (pl.col("timestamp").dt.year() * 100 + pl.col("timestamp").dt.month()).alias("__month")
    digital = pl.col("channel").replace_strict(channels["channel"], channels["digital"], default=None,
                                               return_dtype=pl.Boolean).alias("digital")
    rows = frame.lazy().with_columns(month, digital)
    aggs = [p.polars().alias(column(name)) for name, p in PARTS.items()]
    aggs.append(pl.col("customer_id").drop_nulls().n_unique().cast(pl.Int64).alias(CUSTOMERS_PART))
    keys = ["reason", "channel", "segment", "__month"]
    keyed = (rows.group_by(keys).agg(aggs).collect(engine="streaming")
             .sort(keys, nulls_last=True).with_row_index(CELL))
    cells = keyed.select(CELL, *GRAIN[:3], _month_text(pl.col("__month")).alias("month"),
                         pl.exclude(CELL, *keys))
    ids = keyed.lazy().select(CELL, *keys)
    if cells[CUSTOMERS_PART].sum() <= exact_pairs:
        found = rows.select(*keys, "customer_id").drop_nulls("customer_id").unique()
        found = found.join(ids, on=keys, nulls_equal=True).select(CELL, "customer_id")
        customers = found.collect(engine="streaming").sort(CELL, "customer_id")
    else:
        found = (rows.select(*keys, *sketch.hll_columns(sketch.customer_hash())).drop_nulls("reg")
                 .group_by(*keys, "reg").agg(pl.col("rank").max()))
        found = found.join(ids, on=keys, nulls_equal=True).select(CELL, "reg", "rank")
        customers = found.collect(engine="streaming").sort(CELL, "reg")
    return cells, customers


def _month_text(number: pl.Expr) -> pl.Expr:
    """``YYYY-MM`` from ``year * 100 + month``."""
    return pl.format("{}-{}", (number // 100).cast(pl.String),
                     (number % 100).cast(pl.String).str.zfill(2))
