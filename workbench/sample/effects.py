"""Improvements that went live in the demo organisation: after its go-live day a solution removes a share
of the contacts on its reasons (self-service, a fixed root cause), so monitoring has a real change to find.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import polars as pl


@dataclass(frozen=True)
class Effect:
    """From ``go_live`` on, each contact on ``reasons`` happens with probability ``1 + volume_change``
    (``volume_change=-0.3``: about 30 % fewer contacts); contacts before it are untouched."""

    reasons: tuple[str, ...]
    go_live: date
    volume_change: float

    def __post_init__(self):
        if not -1 < self.volume_change <= 0:
            raise ValueError(f"an effect removes a share of contacts: volume_change in (-1, 0], not "
                             f"{self.volume_change}")


def apply_effects(frame: pl.DataFrame, effects: Sequence[Effect], codes: dict[str, str],
                  rng: np.random.Generator) -> pl.DataFrame:
    """``frame`` (one month of generated contacts with ``source_code``) without the contacts the effects
    removed; ``codes`` maps reason ids to their source codes.

    >>> f = pl.DataFrame({"timestamp": [datetime(2026, 3, d, tzinfo=UTC) for d in (1, 2, 3)],
    ...                   "source_code": ["B1", "B1", "X"]})
    >>> apply_effects(f, [Effect(("bill",), date(2026, 3, 2), -0.999999)], {"bill": "B1"},
    ...               np.random.default_rng(0))["source_code"].to_list()
    ['B1', 'X']
    """
    if not effects or frame.is_empty():
        return frame
    keep = np.ones(frame.height, dtype=bool)
    draws = rng.random(frame.height)
    for effect in effects:
        when = datetime(effect.go_live.year, effect.go_live.month, effect.go_live.day, tzinfo=UTC)
        hit = frame.select((pl.col("source_code").is_in([codes[r] for r in effect.reasons if r in codes])
                            & (pl.col("timestamp") >= when)).alias("hit"))["hit"].to_numpy()
        keep &= ~(hit & (draws >= 1 + effect.volume_change))
    return frame.filter(pl.Series(keep))
