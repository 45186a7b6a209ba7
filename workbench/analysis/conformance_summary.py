"""Conformance overall and by segment and channel from one alignment pass (what a dashboard shows)."""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

from workbench.analysis.conformance import Conformance

#: deviation column → what people call it
DEVIATIONS = {"share_skipped": "Skipped", "share_repeated": "Repeated", "share_out_of_order": "Out of order"}


class Checked(NamedTuple):
    """Conformance overall (``per_step``, ``extras``, ``summary`` without ``by`` columns) and the summary
    by segment and by the channel of each customer's first contact in the journey. Every summary ends with
    ``cases_touching_only``: customers touching the journey on too few of its reasons, not scored."""

    per_step: pl.DataFrame
    extras: pl.DataFrame
    summary: pl.DataFrame
    by_segment: pl.DataFrame
    by_channel: pl.DataFrame


def split_conformance(result: Conformance) -> Checked:
    """Overall figures and per-segment / per-channel summaries from one ``conformance(by=[segment, channel])``
    (one alignment pass instead of three): shares are re-weighted by the customers of each group."""
    cases = result.cases
    summary = [pl.len().cast(pl.Int64).alias("cases"), pl.col("fitness").mean().alias("mean_fitness"),
               (pl.col("fitness") == 1).mean().alias("share_perfect")]
    only = (result.summary.select("segment", "channel", "cases_touching_only")
            if "cases_touching_only" in result.summary.columns else
            pl.DataFrame(schema={"segment": pl.String, "channel": pl.String, "cases_touching_only": pl.Int64}))
    sizes = cases.group_by("segment", "channel").agg(pl.len().alias("__n"))
    total = max(cases.height, 1)
    per_step = (result.per_step.join(sizes, on=["segment", "channel"], how="left", nulls_equal=True)
                .group_by("position", "reason")
                .agg(pl.col("cases_touching").sum(),
                     *[(pl.col(c) * pl.col("__n")).sum().truediv(total).alias(c) for c in DEVIATIONS])
                .sort("position"))
    extras = (result.extras.group_by("reason").agg(pl.col("events").sum(), pl.col("cases").sum())
              .with_columns((pl.col("cases") / total).alias("share_cases"))
              .sort(["events", "reason"], descending=[True, False]))
    return Checked(per_step, extras,
                   cases.select(summary).with_columns(pl.lit(only["cases_touching_only"].sum(), pl.Int64)
                                                      .alias("cases_touching_only")),
                   _with_touching_only(cases.group_by("segment").agg(summary), only, "segment"),
                   _with_touching_only(cases.group_by("channel").agg(summary), only, "channel"))


def _with_touching_only(summary: pl.DataFrame, only: pl.DataFrame, column: str) -> pl.DataFrame:
    """``summary`` per ``column`` with the touching-only customers of each group (groups of only those too)."""
    counts = only.group_by(column).agg(pl.col("cases_touching_only").sum())
    return (summary.join(counts, on=column, how="full", coalesce=True, nulls_equal=True)
            .with_columns(pl.col("cases", "cases_touching_only").fill_null(0)).sort(column))
