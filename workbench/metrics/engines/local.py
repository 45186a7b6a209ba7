"""The cube's cells computed by Polars on one machine: only integer columns are sorted, the grouping
streams.

Steps: read the columns the parts need; mark repeats with :func:`~workbench.metrics.repeats.repeat_flags`
(a sort of a 64-bit pair hash and the timestamp, flags put back in row order); group by reason, channel,
segment and the month (a truncated timestamp) with Polars' streaming engine, the parts declared in
:mod:`workbench.metrics.parts` plus the distinct customers of each cell (by a 64-bit hash of the id);
format the month as ``YYYY-MM`` and take the digital parts from the channel on the few thousand cells.
Distinct customers across cells come from :mod:`workbench.metrics.sketch`: the customer sets of the cells
while they hold at most ``exact_pairs`` pairs, else their HyperLogLog registers.
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
    # the month as a truncated timestamp (fast), formatted once per cell; digital is a function of the
    # channel, a key of the cell, so its two parts come from the cell's rows after grouping
    rows = frame.lazy().with_columns(pl.col("timestamp").dt.truncate("1mo").alias("__month"),
                                     sketch.customer_hash().alias("__h"))
    per_row = {name: p for name, p in PARTS.items() if name not in ("digital", "count_digital")}
    aggs = [p.polars(cast=False).alias(column(name)) for name, p in per_row.items()]
    # distinct customers per cell by their 64-bit hash: three times faster than on the text, and two
    # customers of one cell share a hash with odds of about (customers in the cell)^2 / 2^65
    aggs.append(pl.col("__h").drop_nulls().n_unique().alias(CUSTOMERS_PART))
    keys = ["reason", "channel", "segment", "__month"]
    flag = pl.col("channel").replace_strict(channels["channel"], channels["digital"], default=None,
                                            return_dtype=pl.Boolean)
    rows_part = pl.col(column("rows"))
    keyed = (rows.group_by(keys).agg(aggs).collect(engine="streaming")
             .with_columns(*(pl.col(column(n)).cast(p.dtype) for n, p in per_row.items()),
                           pl.col(CUSTOMERS_PART).cast(pl.Int64),
                           pl.when(flag).then(rows_part).otherwise(0).cast(pl.Int64).alias(column("digital")),
                           pl.when(flag.is_not_null()).then(rows_part).otherwise(0).cast(pl.Int64)
                           .alias(column("count_digital")))
             .sort(keys, nulls_last=True).with_row_index(CELL))
    cells = keyed.select(CELL, *GRAIN[:3], pl.col("__month").dt.strftime("%Y-%m").alias("month"),
                         *(column(n) for n in PARTS), CUSTOMERS_PART)
    ids = keyed.lazy().select(CELL, *keys)
    if cells[CUSTOMERS_PART].sum() <= exact_pairs:
        found = rows.select(*keys, "customer_id").drop_nulls("customer_id").unique()
        found = found.join(ids, on=keys, nulls_equal=True).select(CELL, "customer_id")
        customers = found.collect(engine="streaming").sort(CELL, "customer_id")
    else:
        customers = _registers(rows, keyed, keys)
    return cells, customers


def _registers(rows: pl.LazyFrame, keyed: pl.DataFrame, keys: list[str], packed: bool = True) -> pl.DataFrame:
    """The cells' sketches (``__cell, reg, rank``), grouped on one 64-bit key: 48 bits of a hash of the
    cell and the 16 bits of the register (twice as fast as grouping on the cell's four columns). Should
    two cells share those 48 bits, the sketches are grouped on the columns instead."""
    size = sketch.REGISTERS
    cell_hash = pl.struct(keys).hash(seed=3) // size
    ids = keyed.select(CELL, cell_hash.alias("__ch"))
    reg, rank = sketch.hll_columns(pl.col("__h"))
    if not packed or ids["__ch"].n_unique() < ids.height:
        found = (rows.select(*keys, reg, rank).drop_nulls("reg").group_by(*keys, "reg").agg(pl.col("rank").max())
                 .join(keyed.lazy().select(CELL, *keys), on=keys, nulls_equal=True))
        return found.select(CELL, "reg", "rank").collect(engine="streaming")
    key = (cell_hash * size + pl.col("__h") % size).alias("__k")
    found = (rows.filter(pl.col("__h").is_not_null()).select(key, rank).group_by("__k")
             .agg(pl.col("rank").max()).collect(engine="streaming"))
    found = found.select((pl.col("__k") // size).alias("__ch"),
                         (pl.col("__k") % size).cast(pl.UInt16).alias("reg"), "rank")
    return found.join(ids, on="__ch").select(CELL, "reg", "rank")
