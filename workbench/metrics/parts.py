"""The additive parts of the catalogue KPIs, defined once and rendered for Polars and for SQL engines.

Every cube KPI is finished from a few counts and sums per cell (``workbench.metrics.buckets``): contacts,
known values, hits of a condition, sums of a value. Each part is declared here once, with its input
written as a small SQL expression over canonical contact columns; :meth:`Part.polars` turns it into a
Polars aggregation (the condition parsed by Polars' SQL expression parser) and :meth:`Part.sql` into a
SQL aggregate that ``workbench.metrics.engines.sql`` transpiles with sqlglot for DuckDB, PostgreSQL,
Spark or any other dialect. Both give 0, never null, for a cell without input.

Examples
--------
>>> df = pl.DataFrame({"nps": [10, 9, 7, 3, None]})
>>> df.select(PARTS["promoters"].polars().alias("p"), PARTS["count_nps"].polars().alias("n")).row(0)
(2, 4)
>>> PARTS["promoters"].sql()
'COUNT(CASE WHEN nps >= 9 THEN 1 END)'
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

PREFIX = "__part_"  # the part columns of a cube


@dataclass(frozen=True)
class Part:
    """One additive part: ``rows`` (contacts), ``count`` (non-null ``of``), ``hits`` (rows where the
    condition ``of`` is true) or ``sum`` (of column ``of`` as a float, nulls left out)."""

    kind: str
    of: str = ""

    @property
    def dtype(self) -> pl.DataType:
        """Float64 for sums, Int64 for the counts."""
        return pl.Float64() if self.kind == "sum" else pl.Int64()

    def polars(self, cast: bool = True) -> pl.Expr:
        """The aggregation; ``cast=False`` leaves the cast to ``dtype`` for after the grouping (faster)."""
        if self.kind == "rows":
            expr = pl.len()
        elif self.kind == "count":
            expr = pl.col(self.of).count()
        elif self.kind == "hits":
            expr = pl.sql_expr(self.of).sum()
        else:
            expr = pl.col(self.of).sum()  # small integers widen to Int64 in a sum
        return expr.cast(self.dtype) if cast else expr

    def sql(self) -> str:
        """The aggregate as SQL (DuckDB dialect, the portable subset sqlglot transpiles)."""
        if self.kind == "rows":
            return "COUNT(*)"
        if self.kind == "count":
            return f"COUNT({self.of})"
        if self.kind == "hits":
            return f"COUNT(CASE WHEN {self.of} THEN 1 END)"
        return f"COALESCE(SUM(CAST({self.of} AS DOUBLE)), 0)"

    @property
    def columns(self) -> set[str]:
        """The canonical (or helper) columns the part reads."""
        return set(pl.sql_expr(self.of).meta.root_names()) if self.of else set()


#: Part name (without ``PREFIX``) -> its definition.
PARTS: dict[str, Part] = {
    "rows": Part("rows"),
    **{f"count_{c}": Part("count", c) for c in ("digital", "cost", "handling_seconds", "complaint", "resolved",
                                                "nps", "ces", "csat")},
    **{f"sum_{c}": Part("sum", c) for c in ("cost", "handling_seconds", "ces")},
    "digital": Part("hits", "digital"),
    "complaints": Part("hits", "complaint"),
    "resolved": Part("hits", "resolved"),
    "repeats": Part("hits", "repeat"),
    "csat_top": Part("hits", "csat >= 4"),
    "promoters": Part("hits", "nps >= 9"),
    "detractors": Part("hits", "nps <= 6"),
}


def column(name: str) -> str:
    """The cube column of part ``name``."""
    return PREFIX + name
