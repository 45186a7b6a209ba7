"""A cube of additive KPI parts by reason × channel × segment × month, for dashboards that must answer fast.

Every catalogue KPI except the share (computed after grouping) is answered from the cube. All but distinct
customers are functions of parts that add up across cells: counts, sums, promoters, detractors … (declared
once in ``workbench.metrics.parts``, finished in ``buckets.Parts``).
So the KPIs of any group of cells — a phase, a journey, a segment in one month — are recomputed from
the summed parts exactly as ``measure`` computes them from the events: NPS from its responses, rates
from their counts, never an average of cell values. Repeat flags are marked on all events before the
cube is built, as ``measure`` marks them before filters. A cube of ten million contacts has a few
ten thousand cells and answers in milliseconds; the dataset keeps it on disk per workspace and
rebuilds it only when the data, the crosswalk or the channels change (``workbench.dataset``).

Distinct customers do not add up (one customer calls about two reasons), so each cell also keeps its own
exact count and, in ``customers``, its customer set or a HyperLogLog sketch (``workbench.metrics.sketch``):
a group of one cell gets the exact count, a group of several cells the size of the union of their sets
(exact) or of their merged sketches (within ``sketch.STANDARD_ERROR``).

The cells are computed where the data is: Polars here (``engines.local``, the default of :meth:`Cube.build`)
or a SQL engine (``engines.sql``: DuckDB, PostgreSQL, Spark), with the same figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from workbench.metrics import sketch
from workbench.metrics.buckets import Parts
from workbench.metrics.dimensions import MANY_TO_MANY, REASON_ATTRIBUTES, Dimensions
from workbench.metrics.engines.local import CELL, CUSTOMERS_PART, GRAIN, cube_cells
from workbench.metrics.kpis import CATALOGUE
from workbench.metrics.measure import _apply_filters, _derive, _explode

#: KPIs the cube answers; the share is taken after grouping (from the events).
CUBE_KPIS = tuple(k for k in CATALOGUE if k != "share")
#: What a cube can group and filter by.
CUBE_DIMENSIONS = (*GRAIN[:3], *REASON_ATTRIBUTES, *MANY_TO_MANY, "digital", "period")


@dataclass(frozen=True)
class Cube:
    """Parts of every cube KPI per cell of ``GRAIN`` (month as ``YYYY-MM`` text), numbered by ``__cell``,
    and the cells' customers (``__cell, customer_id`` exact, or ``__cell, reg, rank`` sketched)."""

    cells: pl.DataFrame
    repeat_days: int = 7
    customers: pl.DataFrame | None = None

    @classmethod
    def build(cls, events: pl.LazyFrame | pl.DataFrame, dims: Dimensions, *, repeat_days: int = 7,
              exact_pairs: int = sketch.EXACT_PAIRS) -> Cube:
        """Aggregate the events into cells with Polars (repeats marked on all events first)."""
        cells, customers = cube_cells(events, dims.channels, repeat_days=repeat_days, exact_pairs=exact_pairs)
        return cls(cells, repeat_days, customers)

    @classmethod
    def combine(cls, cubes: Sequence[Cube]) -> Cube:
        """One cube of the contacts of several (a source computed here and one pushed down, say): parts
        summed per cell, customer sets united (exact while every cube is exact, else merged sketches)."""
        if len(cubes) == 1:
            return cubes[0]
        parts = [c for c in cubes[0].cells.columns if c not in (CELL, *GRAIN, CUSTOMERS_PART)]
        stacked = pl.concat([c.cells.select(*GRAIN, *parts) for c in cubes], how="vertical_relaxed")
        cells = (stacked.group_by(GRAIN).agg(pl.col(parts).sum()).sort(GRAIN, nulls_last=True)
                 .with_row_index(CELL))
        renumbered = []
        for cube in cubes:
            old = cube.cells.select(pl.col(CELL).alias("__old"), *GRAIN).join(
                cells.select(CELL, *GRAIN), on=list(GRAIN), nulls_equal=True).select("__old", CELL)
            keyed = cube.customers.rename({CELL: "__old"}).join(old, on="__old")
            renumbered.append(keyed.select(CELL, *(c for c in cube.customers.columns if c != CELL)))
        if all(c.customers_mode == sketch.EXACT for c in cubes):
            customers = pl.concat(renumbered).unique().sort(CELL, "customer_id")
            counts = customers.group_by(CELL).agg(pl.len().cast(pl.Int64).alias(CUSTOMERS_PART))
        else:
            sketches = [sketch.registers(r) if "customer_id" in r.columns else r for r in renumbered]
            customers = (pl.concat(sketches).group_by(CELL, "reg").agg(pl.col("rank").max()).sort(CELL, "reg"))
            counts = sketch.estimate(customers.lazy(), [CELL]).collect().rename({"customers": CUSTOMERS_PART})
        cells = cells.join(counts, on=CELL, how="left").with_columns(pl.col(CUSTOMERS_PART).fill_null(0))
        return cls(cells.select(cubes[0].cells.columns), cubes[0].repeat_days, customers)

    @property
    def customers_mode(self) -> str:
        """``sketch.EXACT`` or ``sketch.HLL``."""
        return sketch.mode_of(self.customers) if self.customers is not None else sketch.EXACT

    def supports(self, by: Sequence[str], kpis: Sequence[str] | None, period: str | None = None,
                 filters: Mapping[str, Any] | None = None) -> bool:
        """Whether ``measure`` with these arguments can be answered from the cube."""
        dims_ok = all(d in CUBE_DIMENSIONS for d in [*by, *(filters or {})])
        kpis_ok = kpis is not None and all(k in CUBE_KPIS for k in kpis)
        return dims_ok and period in (None, "month") and kpis_ok and (
            "customers" not in kpis or self.customers is not None)

    def measure(self, *, by: Sequence[str], kpis: Sequence[str], dims: Dimensions, period: str | None = None,
                filters: Mapping[str, Any] | None = None) -> pl.DataFrame:
        """The same frame as ``metrics.measure`` (for supported arguments), from the cells.

        ``filters`` may hold ``period: ["YYYY-MM", …]`` to keep months. Distinct customers are exact for
        groups of one cell and for exact cubes, else estimated (see ``workbench.metrics.sketch``).
        """
        by = list(by) + (["period"] if period == "month" and "period" not in by else [])
        filters = {k: list(v) if isinstance(v, list | tuple | set) else [v] for k, v in (filters or {}).items()}
        lf = self.cells.lazy()
        if months := filters.pop("period", None):
            lf = lf.filter(pl.col("month").is_in([str(v)[:7] for v in months]))
        if "period" in by:
            lf = lf.with_columns(pl.col("month").str.to_date("%Y-%m").alias("period"))
        columns = lf.collect_schema().names()
        # the same derivations, filters and many-to-many joins as measure() applies to events
        lf = _derive(lf, (set(by) | set(filters)) - set(MANY_TO_MANY), columns, None, dims)
        lf = _apply_filters(lf, filters, columns, dims)
        lf = _explode(lf, by, columns, dims, filters)
        parts = _parts(None, [k for k in kpis if k != "customers"])
        grouped = lf.group_by(by).agg(parts.combine()) if by else lf.select(parts.combine())
        out = grouped.select(*by, *parts.finish())
        if "customers" in kpis:
            customers = self._customers(lf, by)
            out = out.join(customers, on=by, how="left", nulls_equal=True) if by else pl.concat(
                [out, customers], how="horizontal")
            out = out.with_columns(pl.col("customers").fill_null(0))
        out = out.select(*by, *kpis)
        if by:
            out = out.sort(by, nulls_last=True)
        return out.collect()

    def _customers(self, cells: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
        """Distinct customers per group of the (filtered, exploded) ``cells``."""
        keyed = cells.select(*by, CELL, CUSTOMERS_PART).collect().lazy()
        per_group = keyed.group_by(by).agg(pl.len().alias("__cells"), pl.col(CUSTOMERS_PART).first()) if by \
            else keyed.select(pl.len().alias("__cells"), pl.col(CUSTOMERS_PART).first())
        per_group = per_group.collect().lazy()
        # only groups of several cells need their cells' customers united
        if by:
            wanted = keyed.join(per_group.filter(pl.col("__cells") > 1).select(by), on=by, nulls_equal=True)
        else:
            wanted = keyed if per_group.collect()["__cells"].item() > 1 else keyed.head(0)
        members = wanted.select(*by, CELL).join(self.customers.lazy(), on=CELL)
        if self.customers_mode == sketch.EXACT:
            count = pl.col("customer_id").n_unique().cast(pl.Int64).alias("customers")
            union = members.group_by(by).agg(count) if by else members.select(count)
        else:
            union = sketch.estimate(members.select(*by, "reg", "rank"), by)
        joined = per_group.join(union, on=by, how="left", nulls_equal=True) if by else pl.concat(
            [per_group, union], how="horizontal")
        one_cell = pl.when(pl.col("__cells") == 1).then(pl.col(CUSTOMERS_PART)).otherwise(pl.col("customers"))
        return joined.select(*by, one_cell.fill_null(0).cast(pl.Int64).alias("customers"))

    def write(self, path: str | Path) -> None:
        """The cells to ``path`` and the customers beside it (``<name>.customers.parquet``)."""
        from workbench.files import atomic_path

        path = Path(path)
        if self.customers is not None:
            with atomic_path(_customers_path(path)) as tmp:
                self.customers.write_parquet(tmp)
        with atomic_path(path) as tmp:
            self.cells.write_parquet(tmp)

    @classmethod
    def read(cls, path: str | Path, repeat_days: int = 7) -> Cube:
        side = _customers_path(Path(path))
        return cls(pl.read_parquet(path), repeat_days, pl.read_parquet(side) if side.exists() else None)


def cached_cube(disk, key: Any, build: Callable[[], Cube], repeat_days: int = 7) -> Cube:
    """The cube stored in ``disk`` (a ``MetricsCache``) under ``key``, or ``build()`` stored there: its
    cells and its customers as two files, one of each kept per workspace."""
    made: list[Cube] = []

    def cells() -> pl.DataFrame:
        made.append(build())
        return made[0].cells

    stored = disk.get_or_compute(key, cells, prefix="cube-", keep_one=True)
    customers = disk.get_or_compute(key, lambda: (made[0] if made else build()).customers,
                                    prefix="customers-", keep_one=True)
    return Cube(stored, repeat_days, customers)


def _customers_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.customers.parquet")


def _parts(schema: pl.Schema | None, kpis: Sequence[str] = CUBE_KPIS) -> Parts:
    return Parts(list(kpis), schema or pl.Schema())
