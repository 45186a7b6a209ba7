"""The levels actual journeys are mined at, and the deviations per designed step that the conformance view
draws (the process map itself is drawn by :mod:`workbench.display.process_map`)."""

from __future__ import annotations

import polars as pl

from workbench.analysis.conformance_summary import DEVIATIONS, Checked
from workbench.model import Model

LEVELS = {"reason": "Contact reasons", "phase": "Phases", "stage": "Stages"}


def step_bars(result: Checked, model: Model) -> pl.DataFrame:
    """Per designed step and deviation: step (position and reason label), deviation, share of cases."""
    return (result.per_step.with_columns(
        pl.format("{}. {}", "position", pl.col("reason").replace({r.id: r.label for r in model.reasons.values()}))
        .alias("step"))
        .unpivot(on=list(DEVIATIONS), index=["position", "step"], variable_name="deviation", value_name="share")
        .with_columns(pl.col("deviation").replace(DEVIATIONS))
        .sort("position", maintain_order=True).select("step", "deviation", "share"))
