"""One contact reason as its detail page shows it: channel and segment mix, the steps that link to it."""

from __future__ import annotations

import polars as pl

from workbench.model import Model


def channel_mix(model: Model, measured: pl.DataFrame, reason: str) -> pl.DataFrame:
    """Contacts of ``reason`` per channel, in model channel order: channel, label, digital, volume, share.

    ``measured`` is ``measure(by=["reason", "channel"], kpis=["volume"])``.
    """
    rows = measured.filter(pl.col("reason") == reason)
    total = rows["volume"].sum()
    order = {c: i for i, c in enumerate(model.channels)}
    return (rows.select("channel", "volume")
            .with_columns(pl.col("channel").replace_strict({c: ch.label for c, ch in model.channels.items()},
                                                           default=pl.col("channel")).alias("label"),
                          pl.col("channel").replace_strict({c: ch.digital for c, ch in model.channels.items()},
                                                           default=None, return_dtype=pl.Boolean).alias("digital"),
                          (pl.col("volume") / total).alias("share"),
                          pl.col("channel").replace_strict(order, default=len(order)).alias("_order"))
            .sort("_order", "channel").select("channel", "label", "digital", "volume", "share"))


def segment_mix(model: Model, measured: pl.DataFrame, reason: str) -> pl.DataFrame:
    """Contacts and NPS of ``reason`` per segment: segment, label, volume, share, nps (model order)."""
    rows = measured.filter(pl.col("reason") == reason)
    total = rows["volume"].sum()
    order = {s: i for i, s in enumerate(model.segments)}
    labels = {s: seg.label for s, seg in model.segments.items()}
    return (rows.with_columns(pl.col("segment").replace_strict(labels, default=pl.col("segment")).alias("label"),
                              (pl.col("volume") / total).alias("share"),
                              pl.col("segment").replace_strict(order, default=len(order)).alias("_order"))
            .sort("_order", "segment").select("segment", "label", "volume", "share", "nps"))


def linked_steps(model: Model, reason: str) -> pl.DataFrame:
    """The journey steps linked to ``reason``: journey, journey_state, step, channel (labels, raw text)."""
    rows = [(model.journeys[s.journey].label, model.journeys[s.journey].state, s.label,
             model.channels[s.channel].label if s.channel in model.channels else (s.channel or ""))
            for s in model.steps_linked_to(reason)]
    return pl.DataFrame(rows, schema=["journey", "journey_state", "step", "channel"], orient="row")



