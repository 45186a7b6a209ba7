"""What a manager reads first: headline figures with their change, the biggest movers, busy reasons no
journey covers, and a grid of stages (or key journeys) × metric families — every survey figure with its
number of responses, and below a minimum sample (default 30) marked as not reliable instead of shown
as if it were.

Change is month on month: the chosen month against the one before (with no month chosen, the last month
of the data against the one before). A mover is *significant* when its change is at least two standard
errors: for a count (contacts) the errors of two Poisson counts, ``(a − b) / √(a + b)``; for NPS the
error of a difference of two NPS values, each ``√((p + d − (p − d)²) / n) × 100`` for shares p of
promoters and d of detractors among n responses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

#: survey KPI → its responses column
RESPONSES = {"nps": "nps_responses", "ces": "ces_responses", "csat": "csat_responses"}
HEADLINE_KPIS = ("volume", "cost", "nps", "ces", "csat", "repeat_rate", "digital_share")
MIN_RESPONSES = 30
#: metric family → KPIs, as CX practice steers on them
FAMILIES = {"Voice of the customer": ("nps", "ces", "csat"), "Operational": ("volume", "repeat_rate", "cost"),
            "Financial": ("churn_rate", "mrr")}


@dataclass(frozen=True)
class Target:
    """A KPI's target, for every item of a level (``item`` None) or for one item: met when the value is
    ``<=`` or ``>=`` the target."""

    kpi: str
    value: float
    direction: str = ">="
    level: str | None = None
    item: str | None = None

    def __post_init__(self):
        if self.direction not in ("<=", ">="):
            raise ValueError(f"a target is met at '<=' or '>=', not '{self.direction}'")

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value <= self.value if self.direction == "<=" else value >= self.value

    @classmethod
    def from_dict(cls, spec: Mapping) -> Target:
        return cls(spec["kpi"], float(spec["value"]), spec.get("direction", ">="), spec.get("level"),
                   spec.get("item"))

    def to_dict(self) -> dict:
        return {"kpi": self.kpi, "value": self.value, "direction": self.direction, "level": self.level,
                "item": self.item}


def target_for(targets: Sequence[Target], kpi: str, level: str | None = None, item: str | None = None) -> Target | None:
    """The most specific target of ``kpi``: for the item, else for its level, else for everything."""
    for wanted in ((level, item), (level, None), (None, None)):
        for t in targets:
            if t.kpi == kpi and (t.level, t.item) == wanted:
                return t
    return None


def months_compared(months: Sequence[date], chosen: date | None) -> tuple[date | None, date | None]:
    """The month shown and the one it is compared with.

    >>> months_compared([date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)], None)
    (datetime.date(2026, 3, 1), datetime.date(2026, 2, 1))
    """
    months = sorted(months)
    if not months:
        return None, None
    current = chosen if chosen in months else months[-1]
    i = months.index(current)
    return current, months[i - 1] if i > 0 else None


def headline(monthly: pl.DataFrame, chosen: date | None = None, *, kpis: Sequence[str] = HEADLINE_KPIS,
             targets: Sequence[Target] = (), min_responses: int = MIN_RESPONSES) -> pl.DataFrame:
    """One row per KPI: value (the month shown), previous, change (relative for counts and money, in the
    KPI's own unit for rates and scores), n (responses of a survey KPI), reliable, on_track and the monthly
    series (``spark``) for a sparkline. ``monthly``: period and the KPIs (and responses) of all contacts."""
    current, previous = months_compared(monthly["period"].to_list(), chosen)
    rows = []
    for kpi in kpis:
        if kpi not in monthly.columns:
            continue
        now, before = _value(monthly, current, kpi), _value(monthly, previous, kpi)
        n = _value(monthly, current, RESPONSES[kpi]) if kpi in RESPONSES else None
        reliable = n is None or n >= min_responses
        target = target_for(targets, kpi)
        rows.append({"kpi": kpi, "value": now, "previous": before, "change": change(kpi, before, now),
                     "n": n, "reliable": reliable, "target": target.value if target else None,
                     "on_track": target.met(now) if target and reliable else None,
                     "spark": monthly.sort("period")[kpi].cast(pl.Float64).to_list()})
    return pl.DataFrame(rows, schema={"kpi": pl.String, "value": pl.Float64, "previous": pl.Float64,
                                      "change": pl.Float64, "n": pl.Float64, "reliable": pl.Boolean,
                                      "target": pl.Float64, "on_track": pl.Boolean,
                                      "spark": pl.List(pl.Float64)})


RELATIVE = ("volume", "cost", "customers", "mrr", "complaints", "repeats")


def change(kpi: str, before: float | None, now: float | None) -> float | None:
    """Relative change for counts and money, difference for rates and scores.

    >>> change("volume", 200, 150), change("nps", 10, 4)
    (-0.25, -6)
    """
    if before is None or now is None:
        return None
    if kpi in RELATIVE:
        return now / before - 1 if before else None
    return now - before


def _value(frame: pl.DataFrame, month: date | None, column: str) -> float | None:
    if month is None or column not in frame.columns:
        return None
    row = frame.filter(pl.col("period") == month)
    return None if row.is_empty() else row[column][0]


def movers(by_reason: pl.DataFrame, chosen: date | None = None, *, top: int = 5,
           min_responses: int = MIN_RESPONSES) -> pl.DataFrame:
    """Reasons whose contacts or NPS changed most from the month before, most significant first (an NPS
    only when both months have at least ``min_responses`` responses: below that its error is not known).

    ``by_reason``: period, reason, volume, nps_promoters, nps_detractors, nps_responses (monthly). Returns
    reason, figure (volume | nps), before, now, change, z (the change in standard errors), significant.
    """
    current, previous = months_compared(by_reason["period"].unique().to_list(), chosen)
    empty = pl.DataFrame(schema={"reason": pl.String, "figure": pl.String, "before": pl.Float64, "now": pl.Float64,
                                 "change": pl.Float64, "z": pl.Float64, "significant": pl.Boolean})
    if previous is None:
        return empty
    a = by_reason.filter(pl.col("period") == previous).drop("period")
    b = by_reason.filter(pl.col("period") == current).drop("period")
    both = a.join(b, on="reason", how="full", coalesce=True, suffix="_now").fill_null(0)
    rows = []
    for r in both.filter(pl.col("reason").is_not_null()).iter_rows(named=True):
        v0, v1 = r["volume"], r["volume_now"]
        if v0 + v1:
            rows.append((r["reason"], "volume", float(v0), float(v1), change("volume", v0, v1),
                         (v1 - v0) / math.sqrt(v0 + v1)))
        n0, n1 = r["nps_responses"], r["nps_responses_now"]
        if n0 >= min_responses and n1 >= min_responses:
            s0, e0 = _nps(r["nps_promoters"], r["nps_detractors"], n0)
            s1, e1 = _nps(r["nps_promoters_now"], r["nps_detractors_now"], n1)
            error = math.hypot(e0, e1)
            rows.append((r["reason"], "nps", s0, s1, s1 - s0, (s1 - s0) / error if error else 0.0))
    if not rows:
        return empty
    frame = pl.DataFrame(rows, schema=[c for c in empty.columns if c != "significant"], orient="row")
    return (frame.with_columns((pl.col("z").abs() >= 2).alias("significant"))
            .sort([pl.col("z").abs(), "reason"], descending=[True, False]).head(top))


def _nps(promoters: float, detractors: float, n: float) -> tuple[float, float]:
    p, d = promoters / n, detractors / n
    return 100 * (p - d), 100 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)


def uncovered(by_reason: pl.DataFrame, covered: set[str], *, top: int = 5) -> pl.DataFrame:
    """The busiest reasons no current journey has a step on: reason, volume, share of all contacts."""
    total = by_reason["volume"].sum() or 1
    return (by_reason.filter(pl.col("reason").is_not_null() & ~pl.col("reason").is_in(list(covered)))
            .select("reason", "volume", (pl.col("volume") / total).alias("share"))
            .sort(["volume", "reason"], descending=[True, False]).head(top))


def grid(by_row: pl.DataFrame, level: str, *, targets: Sequence[Target] = (), min_responses: int = MIN_RESPONSES,
         families: Mapping[str, Sequence[str]] = FAMILIES) -> pl.DataFrame:
    """One row per item of ``level`` and KPI of each metric family: item, family, kpi, value, n, reliable,
    on_track. A KPI the data cannot give (no customers table: no churn) has a null value."""
    rows = []
    for r in by_row.filter(pl.col(level).is_not_null()).iter_rows(named=True):
        for family, kpis in families.items():
            for kpi in kpis:
                value = r.get(kpi)
                n = r.get(RESPONSES[kpi]) if kpi in RESPONSES else None
                reliable = n is None or n >= min_responses
                target = target_for(targets, kpi, level, r[level])
                rows.append((r[level], family, kpi, value, n, reliable,
                             target.met(value) if target and reliable else None))
    return pl.DataFrame(rows, schema={"item": pl.String, "family": pl.String, "kpi": pl.String, "value": pl.Float64,
                                      "n": pl.Float64, "reliable": pl.Boolean, "on_track": pl.Boolean}, orient="row")
