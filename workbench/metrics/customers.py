"""Customer and financial KPIs over a customers table: active, new and churned customers, churn rate, MRR,
ARPU, CLV, tenure, conversion and paying after N days — by month and any customer column (segment …).

The table (canonical columns): ``customer_id``, ``segment``, ``start`` (Date: became a customer; null for
a prospect who did not convert), ``end`` (Date: the churn date, null while active), ``monthly_revenue``
(Float64), and optionally ``prospect`` (Date: first seen as a prospect) and ``products``.

Definitions, per calendar month M (``period`` = its first day):

* **active** — customers with ``start`` before the end of M and no ``end`` before the end of M.
* **new** — ``start`` in M. **churned** — ``end`` in M.
* **churn_rate** — churned in M ÷ active at the start of M (= active at the end of the month before).
* **mrr** (monthly recurring revenue) — the ``monthly_revenue`` of the active customers.
* **arpu** — mrr ÷ active.
* **clv** (customer lifetime value) — ``arpu × margin ÷ churn_rate``: the margin a customer brings per
  month times the months a customer stays on average (1 ÷ monthly churn); null when nobody churned.
  ``margin`` is a workspace setting (default 0.3).
* **tenure_months** — the mean time the active customers have been customers, at the end of M
  (days ÷ 30.4375).
* **conversion** — of the prospects first seen in M, the share that became customers (any time).
* **paying_after** — of the customers who started in M, the share still a customer ``paying_days``
  (default 60) days after their start; customers who started less than that before the table's last
  date are left out (not known yet for all of them).

Every figure of a group is computed from that group's customers (counts and sums accumulate month by
month; rates are recomputed, never averaged), in one pass whatever the number of customers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

CUSTOMER_SCHEMA = {"customer_id": pl.String, "segment": pl.String, "start": pl.Date, "end": pl.Date,
                   "monthly_revenue": pl.Float64}
CUSTOMER_KPIS = ("active", "new", "churned", "churn_rate", "mrr", "arpu", "clv", "tenure_months", "conversion",
                 "paying_after")
LABELS = {"active": "Active customers", "new": "New customers", "churned": "Churned customers",
          "churn_rate": "Churn rate", "mrr": "MRR", "arpu": "ARPU", "clv": "CLV", "tenure_months": "Tenure (months)",
          "conversion": "Conversion", "paying_after": "Still paying after 60 days"}
#: each customer KPI's unit, as the catalogue names units (for formats)
UNITS = {"active": "count", "new": "count", "churned": "count", "churn_rate": "fraction", "mrr": "currency",
         "arpu": "currency", "clv": "currency", "tenure_months": "score", "conversion": "fraction",
         "paying_after": "fraction"}
_DAYS_PER_MONTH = 30.4375


def customer_kpis(customers: pl.DataFrame | pl.LazyFrame, *, by: Sequence[str] = (), margin: float = 0.3,
                  paying_days: int = 60, months: Sequence[date] | None = None) -> pl.DataFrame:
    """The customer KPIs per month (``period``) and ``by`` columns (see the module docstring).

    ``months`` (first days) default to every month from the first start to the last start or end.

    Examples
    --------
    >>> t = pl.DataFrame({"customer_id": ["a", "b"], "start": [date(2026, 1, 5), date(2026, 2, 1)],
    ...                   "end": [date(2026, 2, 20), None], "monthly_revenue": [10.0, 30.0]})
    >>> customer_kpis(t).select("period", "active", "new", "churned", "mrr").rows()
    [(datetime.date(2026, 1, 1), 1, 1, 0, 10.0), (datetime.date(2026, 2, 1), 1, 1, 1, 30.0)]
    """
    lf = customers.lazy()
    by = list(by)
    schema = lf.collect_schema()
    missing = [c for c in ("customer_id", "start", "end", "monthly_revenue", *by) if c not in schema]
    if missing:
        raise ValueError(f"the customers table has no column(s) {', '.join(missing)}")
    frame = lf.with_columns(pl.col("monthly_revenue").fill_null(0.0),
                            pl.col("start").dt.truncate("1mo").alias("_start_month"),
                            pl.col("end").dt.truncate("1mo").alias("_end_month")).collect()
    months = list(months) if months is not None else _months(frame)
    if not months:
        return pl.DataFrame(schema={**{c: frame.schema[c] for c in by}, "period": pl.Date,
                                    **dict.fromkeys(CUSTOMER_KPIS, pl.Float64)})
    calendar = pl.DataFrame({"period": months}, schema={"period": pl.Date})
    groups = frame.select(by).unique() if by else pl.DataFrame()
    grid = groups.join(calendar, how="cross") if by else calendar
    starts = (frame.filter(pl.col("start").is_not_null())
              .group_by(*by, pl.col("_start_month").alias("period"))
              .agg(pl.len().alias("n_start"), pl.col("monthly_revenue").sum().alias("rev_start"),
                   _day(pl.col("start")).sum().alias("day_start")))
    ends = (frame.filter(pl.col("end").is_not_null() & pl.col("start").is_not_null())
            .group_by(*by, pl.col("_end_month").alias("period"))
            .agg(pl.len().alias("n_end"), pl.col("monthly_revenue").sum().alias("rev_end"),
                 _day(pl.col("start")).sum().alias("day_start_ended")))
    before = _before_first(frame, by, months[0])
    joined = (grid.join(starts, on=[*by, "period"], how="left").join(ends, on=[*by, "period"], how="left")
              .with_columns(pl.col("n_start", "n_end").fill_null(0), pl.col("rev_start", "rev_end", "day_start",
                                                                              "day_start_ended").fill_null(0.0))
              .sort([*by, "period"]))
    if by:
        joined = joined.join(before, on=by, how="left")
    else:
        joined = joined.join(before, how="cross")
    joined = joined.with_columns(pl.col("^b_.*$").fill_null(0))
    over = by or None

    def cum(column: str) -> pl.Expr:
        return pl.col(column).cum_sum().over(over, order_by="period") if over else pl.col(column).cum_sum()

    month_end = pl.col("period").dt.offset_by("1mo")
    out = joined.with_columns(
        (pl.col("b_active") + cum("n_start") - cum("n_end")).alias("active"),
        (pl.col("b_rev") + cum("rev_start") - cum("rev_end")).alias("mrr"),
        (pl.col("b_day") + cum("day_start") - cum("day_start_ended")).alias("_start_days"),
        pl.col("n_start").alias("new"), pl.col("n_end").alias("churned"),
    ).with_columns(
        (pl.col("active") - pl.col("new") + pl.col("churned")).alias("_active_at_start"),
    ).with_columns(
        _ratio(pl.col("churned"), pl.col("_active_at_start")).alias("churn_rate"),
        _ratio(pl.col("mrr"), pl.col("active")).alias("arpu"),
        _ratio(pl.col("active") * _day(month_end) - pl.col("_start_days"), pl.col("active") * _DAYS_PER_MONTH)
        .alias("tenure_months"),
    ).with_columns(
        pl.when(pl.col("churn_rate") > 0).then(pl.col("arpu") * margin / pl.col("churn_rate")).alias("clv"),
    )
    out = out.join(_conversion(frame, by), on=[*by, "period"], how="left")
    out = out.join(_paying_after(frame, by, paying_days), on=[*by, "period"], how="left")
    return out.select(*by, "period", pl.col("active", "new", "churned").cast(pl.Int64), "churn_rate", "mrr",
                      "arpu", "clv", "tenure_months", "conversion", "paying_after").sort([*by, "period"])


def _day(date_expr: pl.Expr) -> pl.Expr:
    """Days since 1970 as a float (sums of days stay exact well past 10 million customers)."""
    return date_expr.cast(pl.Int32).cast(pl.Float64)


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num / den)


def _months(frame: pl.DataFrame) -> list[date]:
    bounds = frame.select(pl.col("_start_month").min().alias("lo"),
                          pl.max_horizontal(pl.col("_start_month").max(), pl.col("_end_month").max()).alias("hi"))
    lo, hi = bounds.row(0)
    if lo is None:
        return []
    return pl.date_range(lo, hi, "1mo", eager=True).to_list()


def _before_first(frame: pl.DataFrame, by: list[str], first: date) -> pl.DataFrame:
    """Customers (and their revenue and start days) active at the start of the first month shown."""
    earlier = frame.filter(pl.col("start") < first, pl.col("end").is_null() | (pl.col("end") >= first))
    aggs = [pl.len().alias("b_active"), pl.col("monthly_revenue").sum().alias("b_rev"),
            _day(pl.col("start")).sum().alias("b_day")]
    return earlier.group_by(by).agg(aggs) if by else earlier.select(aggs)


def _conversion(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    if "prospect" not in frame.columns:
        return pl.DataFrame(schema={**{c: frame.schema[c] for c in by}, "period": pl.Date, "conversion": pl.Float64})
    return (frame.filter(pl.col("prospect").is_not_null())
            .group_by(*by, pl.col("prospect").dt.truncate("1mo").alias("period"))
            .agg(pl.col("start").is_not_null().mean().alias("conversion")))


def _paying_after(frame: pl.DataFrame, by: list[str], days: int) -> pl.DataFrame:
    as_of = frame.select(pl.max_horizontal(pl.col("start").max(), pl.col("end").max())).item()
    stayed = (pl.col("end") - pl.col("start")).dt.total_days()
    # only customers whose N days are over: counting the early leavers of a recent cohort alone would bias it
    started = frame.filter(pl.col("start").is_not_null(), (pl.col("start") + pl.duration(days=days)) <= as_of)
    still = pl.col("end").is_null() | (stayed >= days)
    return started.group_by(*by, pl.col("_start_month").alias("period")).agg(still.mean().alias("paying_after"))
