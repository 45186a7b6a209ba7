"""A cube of additive KPI parts by reason × channel × segment × month, for dashboards that must answer fast.

Every catalogue KPI except distinct customers (and the share, computed after grouping) is a function of
parts that add up across cells: counts, sums, promoters minus detractors … (see ``buckets.Parts``).
So the KPIs of any group of cells — a phase, a journey, a segment in one month — are recomputed from
the summed parts exactly as ``measure`` computes them from the events: NPS from its responses, rates
from their counts, never an average of cell values. Repeat flags are marked on all events before the
cube is built, as ``measure`` marks them before filters. A cube of ten million contacts has a few
ten thousand cells and answers in milliseconds; the dataset keeps it on disk per workspace and
rebuilds it only when the data, the crosswalk or the channels change (``workbench.dataset``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from workbench.metrics.buckets import Parts
from workbench.metrics.dimensions import MANY_TO_MANY, REASON_ATTRIBUTES, Dimensions
from workbench.metrics.kpis import CATALOGUE
from workbench.metrics.measure import _apply_filters, _derive, _explode
from workbench.metrics.repeats import mark_repeats

GRAIN = ("reason", "channel", "segment", "month")
#: KPIs the cube answers; distinct customers need the events, the share is taken after grouping.
CUBE_KPIS = tuple(k for k in CATALOGUE if k not in ("customers", "share"))
#: What a cube can group and filter by.
CUBE_DIMENSIONS = (*GRAIN[:3], *REASON_ATTRIBUTES, *MANY_TO_MANY, "digital", "period")


@dataclass(frozen=True)
class Cube:
    """Parts of every cube KPI per cell of ``GRAIN`` (month as ``YYYY-MM`` text)."""

    cells: pl.DataFrame
    repeat_days: int = 7

    @classmethod
    def build(cls, events: pl.LazyFrame | pl.DataFrame, dims: Dimensions, *, repeat_days: int = 7) -> Cube:
        """Aggregate the events into cells (one pass; repeats marked on all events first)."""
        lf = mark_repeats(events.lazy(), repeat_days)
        channels = dims.channels
        lf = lf.with_columns(
            pl.col("timestamp").dt.strftime("%Y-%m").alias("month"),
            pl.col("channel").replace_strict(channels["channel"], channels["digital"], default=None,
                                             return_dtype=pl.Boolean).alias("digital"),
        )
        parts = _parts(lf.collect_schema())
        cells = lf.group_by(GRAIN).agg(parts.aggregations()).sort(GRAIN, nulls_last=True).collect()
        return cls(cells, repeat_days)

    def supports(self, by: Sequence[str], kpis: Sequence[str] | None, period: str | None = None,
                 filters: Mapping[str, Any] | None = None) -> bool:
        """Whether ``measure`` with these arguments can be answered from the cube."""
        dims_ok = all(d in CUBE_DIMENSIONS for d in [*by, *(filters or {})])
        return dims_ok and period in (None, "month") and kpis is not None and all(k in CUBE_KPIS for k in kpis)

    def measure(self, *, by: Sequence[str], kpis: Sequence[str], dims: Dimensions, period: str | None = None,
                filters: Mapping[str, Any] | None = None) -> pl.DataFrame:
        """The same frame as ``metrics.measure`` (for supported arguments), from the cells.

        ``filters`` may hold ``period: ["YYYY-MM", …]`` to keep months.
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
        parts = _parts(None, kpis)
        grouped = lf.group_by(by).agg(parts.combine()) if by else lf.select(parts.combine())
        out = grouped.select(*by, *parts.finish()).select(*by, *kpis)
        if by:
            out = out.sort(by, nulls_last=True)
        return out.collect()

    def write(self, path: str | Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        self.cells.write_parquet(partial)
        partial.replace(path)

    @classmethod
    def read(cls, path: str | Path, repeat_days: int = 7) -> Cube:
        return cls(pl.read_parquet(path), repeat_days)


def _parts(schema: pl.Schema | None, kpis: Sequence[str] = CUBE_KPIS) -> Parts:
    return Parts(list(kpis), schema or pl.Schema())
