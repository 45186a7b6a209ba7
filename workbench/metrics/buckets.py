"""KPIs split into parts that add up across disjoint sets of customers, so big event sets can be measured
bucket by bucket (all contacts of a customer in one bucket) in bounded memory.

Why it is exact
---------------
* A bucket holds every contact of its customers (``customer_id.hash() % n``; a hash collision only
  puts two customers in the same bucket), so repeat flags, which only look at one customer's
  contacts, are the same as on the whole set.
* Every catalogue KPI is a function of parts that add up across buckets: counts, sums, and distinct
  customers (the buckets hold disjoint customers). Rates and means are recomputed from the summed
  parts (e.g. NPS = 100 x (promoters - detractors) / responses), never averaged.
* Custom ``count``, ``sum``, ``share`` and ``mean`` add up the same way, ``min`` and ``max`` take the
  min / max of the parts, and ``distinct`` of ``customer_id`` adds up. ``median`` and ``distinct`` of
  another column do not split: ``measure`` computes those in one extra pass over all events.
* Integer parts are exact. Float sums (cost, handling time, custom sums of float columns) are added
  in another order, so they may differ from one pass in the last bits (about 1e-15 relative), as
  they may between two runs of a parallel group-by.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from workbench.metrics.custom import CustomKpi, _condition
from workbench.metrics.parts import PARTS, PREFIX

#: Default rows per bucket: a bucket of the standard KPI set peaks around 1.5 GB here.
ROWS_PER_BUCKET = 12_000_000
_P = PREFIX  # prefix of the part columns


def bucket_of(n_buckets: int, customer: str = "customer_id") -> pl.Expr:
    """The bucket (0 ... n-1) of each row: a hash of the customer id (rows without one land in one bucket)."""
    return (pl.col(customer).hash(seed=7) % n_buckets).cast(pl.Int64)


def auto_buckets(rows: int, rows_per_bucket: int = ROWS_PER_BUCKET) -> int:
    """How many buckets ``rows`` events need: one up to ``rows_per_bucket``, then one per that many rows.

    Examples
    --------
    >>> auto_buckets(10_000_000), auto_buckets(100_000_000, 12_000_000)
    (1, 9)
    """
    return max(1, -(-rows // rows_per_bucket))


def splits(kpi: str | CustomKpi, schema: pl.Schema) -> bool:
    """Whether a KPI (catalogue id or custom) over events of ``schema`` can be computed bucket by bucket.

    Examples
    --------
    >>> schema = pl.Schema({"customer_id": pl.String, "cost": pl.Float64})
    >>> splits("nps", schema), splits(CustomKpi("m", "M", "median", column="cost"), schema)
    (True, False)
    """
    if isinstance(kpi, str):
        return kpi in _CATALOGUE_PARTS
    agg = kpi.aggregation
    if agg in ("sum", "mean"):
        return schema[kpi.column].is_numeric() or schema[kpi.column] == pl.Boolean
    return agg in ("count", "share", "min", "max") or (agg == "distinct" and kpi.column == "customer_id")


class Parts:
    """The part aggregations of some KPIs, how to combine them and how to finish each KPI from them."""

    def __init__(self, kpis: Iterable[str | CustomKpi], schema: pl.Schema):
        self._parts: dict[str, tuple[pl.Expr, str]] = {}  # name -> (aggregation over events, combine)
        self._final: list[pl.Expr] = []
        for kpi in kpis:
            self._final.append(self._catalogue(kpi) if isinstance(kpi, str) else self._custom(kpi, schema))

    def aggregations(self) -> list[pl.Expr]:
        """Aggregations over the events of one bucket (for ``group_by(...).agg``)."""
        return [expr.alias(name) for name, (expr, _) in self._parts.items()]

    def combine(self) -> list[pl.Expr]:
        """Aggregations over the stacked parts of all buckets."""
        return [getattr(pl.col(name), how)() for name, (_, how) in self._parts.items()]

    def finish(self) -> list[pl.Expr]:
        """The KPIs from the combined parts."""
        return self._final

    def _part(self, name: str, expr: pl.Expr, how: str = "sum") -> pl.Expr:
        self._parts.setdefault(_P + name, (expr, how))
        return pl.col(_P + name)

    def _catalogue(self, kpi: str) -> pl.Expr:
        return _CATALOGUE_PARTS[kpi](self).alias(kpi)

    def _custom(self, kpi: CustomKpi, schema: pl.Schema) -> pl.Expr:
        cond, agg, key = _condition(kpi.filter), kpi.aggregation, f"custom_{kpi.id}"
        dtype = pl.LazyFrame(schema=schema).select(kpi.expr()).collect_schema()[kpi.id]
        if agg in ("count", "share"):
            rows = pl.col(kpi.column).is_not_null() if kpi.column else pl.lit(True)
            hits = self._part(key, (rows & cond).sum().cast(pl.Int64))
            if agg == "count":
                return hits.alias(kpi.id)
            return (hits / self._part(f"{key}_rows", rows.sum().cast(pl.Int64))).fill_nan(None).alias(kpi.id)
        values = pl.col(kpi.column).filter(cond)
        if agg == "mean":
            total = self._part(f"{key}_sum", values.cast(pl.Float64).sum())
            return _ratio(total, self._part(f"{key}_n", values.count().cast(pl.Int64))).cast(dtype).alias(kpi.id)
        if agg == "distinct":  # only of customer_id (see ``splits``): buckets hold disjoint customers
            return self._part(key, values.drop_nulls().n_unique().cast(pl.Int64)).alias(kpi.id)
        how = "sum" if agg == "sum" else agg
        return self._part(key, getattr(values, agg)(), how).cast(dtype).alias(kpi.id)


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator as Float64, null when the denominator is 0 (as a mean of no rows)."""
    return pl.when(denominator > 0).then(numerator.cast(pl.Float64) / denominator)


def _named(p: Parts, name: str) -> pl.Expr:
    """A part declared once in ``workbench.metrics.parts`` (the cube and the SQL engines use the same)."""
    return p._part(name, PARTS[name].polars())


def _rate(p: Parts, hits: str, known: str) -> pl.Expr:
    return _ratio(_named(p, hits), _named(p, f"count_{known}"))


def _mean(p: Parts, column: str) -> pl.Expr:
    return _ratio(_named(p, f"sum_{column}"), _named(p, f"count_{column}"))


def _repeat_rate(p: Parts) -> pl.Expr:
    return _ratio(_named(p, "repeats"), _named(p, "rows"))


def _nps(p: Parts) -> pl.Expr:
    net = _named(p, "promoters") - _named(p, "detractors")
    return 100.0 * _ratio(net, _named(p, "count_nps"))


_CATALOGUE_PARTS = {
    "volume": lambda p: _named(p, "rows"),
    "customers": lambda p: p._part("customers", pl.col("customer_id").drop_nulls().n_unique().cast(pl.Int64)),
    "digital_share": lambda p: _rate(p, "digital", "digital"),
    "cost": lambda p: _named(p, "sum_cost"),
    "cost_per_contact": lambda p: _mean(p, "cost"),
    "aht": lambda p: _mean(p, "handling_seconds"),
    "complaints": lambda p: _named(p, "complaints"),
    "complaint_rate": lambda p: _rate(p, "complaints", "complaint"),
    "resolution_rate": lambda p: _rate(p, "resolved", "resolved"),
    "repeats": lambda p: _named(p, "repeats"),
    "repeat_rate": _repeat_rate,
    "fcr": lambda p: 1.0 - _repeat_rate(p),
    "nps": _nps,
    "ces": lambda p: _mean(p, "ces"),
    "csat": lambda p: _rate(p, "csat_top", "csat"),
    "nps_responses": lambda p: _named(p, "count_nps"),
    "ces_responses": lambda p: _named(p, "count_ces"),
    "csat_responses": lambda p: _named(p, "count_csat"),
}
