"""The ranked priorities as the table and the scatter show them."""

from __future__ import annotations

import polars as pl

from workbench.analysis.priority import FACTORS, JOURNEY_FACTORS

RAW_COLUMNS = {"volume": "volume", "cost": "cost", "nps": "nps", "complaint_rate": "complaint_rate",
               "repeat_rate": "repeat_rate"}


def factors_of(level: str) -> tuple[str, ...]:
    return JOURNEY_FACTORS if level == "journey" else FACTORS


def table_frame(ranked: pl.DataFrame, level: str, selected: list[str] | None = None) -> pl.DataFrame:
    """The table's columns: rank, id, label, score, the points of each factor, then the raw values;
    only the ``selected`` ids when some are given (in rank order)."""
    frame = ranked if not selected else ranked.filter(pl.col("id").is_in(selected))
    return frame.select("rank", "id", "label", "score", *(f"contribution_{f}" for f in factors_of(level)),
                        *RAW_COLUMNS)


def scatter_frame(ranked: pl.DataFrame) -> pl.DataFrame:
    """One point per item: volume (x), dissatisfaction (y), cost (marker area), score (colour)."""
    top = ranked["cost"].max() or 0.0
    size = (6 + 24 * (pl.col("cost") / top).sqrt()) if top > 0 else pl.lit(10.0)
    return ranked.select("id", "label", "volume", "dissatisfaction", "cost", "score",
                         size.cast(pl.Float64).alias("size"))



