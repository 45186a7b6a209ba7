"""The demo organisation's customers table, made from its generated contacts: who they are, since when,
what they pay, and who left — customers with unresolved repeat contacts leave more often.

Every customer with a contact gets a ``start`` (most long before the data; a quarter during it, on any
day: the new customers, whose contacts before it were made as a prospect), a ``monthly_revenue`` by
segment, and may churn during the data: the chance grows with the number of repeated contacts that were
not resolved. Four in ten new customers come with a ``prospect`` date a few weeks before their start, and
as many prospects never convert (no start), so conversion can be measured.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

#: monthly revenue by segment id pattern (first match), else the default
REVENUE = (("business", 95.0), ("family", 72.0), ("famil", 72.0), ("student", 28.0), ("young", 38.0),
           ("senior", 41.0))
DEFAULT_REVENUE = 45.0
BASE_CHURN = 0.06          # chance to leave during the data, without problems
PER_FAILURE = 0.07         # extra chance per unresolved repeated contact
NEW_SHARE = 0.25           # customers who started during the data


def customers_from_contacts(contacts: pl.LazyFrame | pl.DataFrame, *, seed: int = 0,
                            data_start: date = date(2026, 1, 1)) -> pl.DataFrame:
    """The customers table (``customer_id, segment, start, end, monthly_revenue, prospect``) of the
    customers in ``contacts`` (canonical rows; ``repeat`` marked or not: it is marked here)."""
    from workbench.metrics.repeats import mark_repeats

    marked = mark_repeats(contacts.lazy(), 7).with_columns(
        (pl.col("repeat").fill_null(False) & ~pl.col("resolved").fill_null(True)).alias("_failed"))
    per = (marked.group_by("customer_id")
           .agg(pl.col("segment").drop_nulls().mode().first().alias("segment"),
                pl.col("timestamp").min().dt.date().alias("first"), pl.col("timestamp").max().dt.date().alias("last"),
                pl.col("_failed").sum().alias("failures"))
           .sort("customer_id").collect())
    n = per.height
    rng = np.random.default_rng([seed, 9])
    span = max((per["last"].max() - data_start).days, 60)
    is_new = rng.random(n) < NEW_SHARE
    start = np.where(is_new, np.datetime64(data_start) + rng.integers(0, span - 30, n).astype("timedelta64[D]"),
                     np.datetime64(data_start) - rng.integers(30, 2000, n).astype("timedelta64[D]"))
    data_end = np.datetime64(data_start) + np.timedelta64(span, "D")
    chance = np.clip(BASE_CHURN + PER_FAILURE * per["failures"].to_numpy(), 0, 0.9)
    stay = np.maximum((data_end - np.maximum(start, np.datetime64(data_start))).astype(int), 1)
    end = np.maximum(start, np.datetime64(data_start)) + (rng.random(n) * stay).astype("timedelta64[D]")
    churns = (rng.random(n) < chance) & (end > start)
    revenue = np.array([_revenue(s) for s in per["segment"].fill_null("").to_list()]) * rng.uniform(0.7, 1.3, n)
    prospect = np.where(is_new & (rng.random(n) < 0.4), start - rng.integers(5, 45, n).astype("timedelta64[D]"),
                        np.datetime64("NaT"))
    table = pl.DataFrame({
        "customer_id": per["customer_id"], "segment": per["segment"],
        "start": pl.Series(start).cast(pl.Date), "end": pl.Series(np.where(churns, end, np.datetime64("NaT")))
        .cast(pl.Date), "monthly_revenue": np.round(revenue, 2), "prospect": pl.Series(prospect).cast(pl.Date)})
    return pl.concat([table, _lost_prospects(table, rng, data_start)], how="vertical_relaxed")


def _revenue(segment: str) -> float:
    return next((value for key, value in REVENUE if key in segment), DEFAULT_REVENUE)


def _lost_prospects(table: pl.DataFrame, rng: np.random.Generator, data_start: date) -> pl.DataFrame:
    """Prospects who did not become customers: as many as the converted ones, spread over the data."""
    converted = table.filter(pl.col("prospect").is_not_null())
    k = converted.height
    days = rng.integers(0, 330, k)
    return pl.DataFrame({"customer_id": [f"P{i:07d}" for i in range(k)],
                         "segment": converted["segment"].to_list(),
                         "start": pl.Series([None] * k, dtype=pl.Date), "end": pl.Series([None] * k, dtype=pl.Date),
                         "monthly_revenue": [0.0] * k,
                         "prospect": [data_start + timedelta(days=int(d)) for d in days]})
