"""Monitoring after go-live: did a solution move its contact reasons' figures as expected?

The reasons' monthly figures in the same number of full months before and after the go-live month are
compared, corrected for what would have happened anyway:

- **same months a year earlier** (seasonality), when the data holds both windows a year back: the change
  this year is divided by the change over the same months a year earlier;
- else **the other reasons as a control**: the change of the solution's reasons divided by the change of
  all other reasons over the same months (a difference in differences);
- else a **plain before/after** comparison (said so).

Counts and sums (contacts, cost, repeats) are compared as relative changes (``-0.2`` = 20 % fewer); rates
and scores (repeat rate, NPS) as differences in their own unit (points for NPS). NPS is recombined from
responses, never averaged. Pure: monthly frames in, a frame out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

#: the monthly parts a check needs (``Dataset.measure(["reason"], MONTHLY_KPIS, period="month")``)
MONTHLY_KPIS = ("volume", "cost", "repeats", "nps", "nps_responses")
RELATIVE = ("volume", "cost", "repeats")
POINTS = ("repeat_rate", "nps")
FIGURES = (*RELATIVE, *POINTS)
SEASONAL, CONTROL, PLAIN = "same months a year earlier", "other contact reasons as a control", "plain before/after"


@dataclass(frozen=True)
class Check:
    """The result of :func:`check_effect`.

    figures : figure, before, after, change (this year's change), effect (corrected), expected, realised
        (effect / expected when an effect was expected), unit ("relative" or "points").
    series : period, figure values of the solution's reasons month by month (for a chart).
    method : how the effect was corrected (see the module docstring); ``before`` / ``after`` the months.
    """

    figures: pl.DataFrame
    series: pl.DataFrame
    method: str
    before: tuple[date, ...]
    after: tuple[date, ...]


def months_around(go_live: date, months: int) -> tuple[list[date], list[date]]:
    """The ``months`` full months before the go-live month and from the first full month after it.

    A go-live on the 1st makes its own month the first one after.

    >>> months_around(date(2026, 5, 12), 2)
    ([datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)], [datetime.date(2026, 6, 1), datetime.date(2026, 7, 1)])
    """
    first = date(go_live.year, go_live.month, 1)
    start_after = first if go_live.day == 1 else _add(first, 1)
    return [_add(first, -k) for k in range(months, 0, -1)], [_add(start_after, k) for k in range(months)]


def _add(month: date, k: int) -> date:
    index = month.year * 12 + month.month - 1 + k
    return date(index // 12, index % 12 + 1, 1)


def check_effect(monthly: pl.DataFrame, reasons: Sequence[str], go_live: date, *, months: int = 3,
                 expected: Mapping[str, float] | None = None) -> Check:
    """How the figures of ``reasons`` moved after ``go_live`` (see the module docstring).

    ``monthly`` has period (first day of the month, Date), reason and :data:`MONTHLY_KPIS`; ``expected``
    maps figures to the expected effect in the same unit (``{"volume": -0.2, "nps": 5}``).
    """
    if months < 1:
        raise ValueError("compare at least one month before and after the go-live")
    before, after = months_around(go_live, months)
    present = set(monthly["period"].to_list())
    missing = [m for m in [*before, *after] if m not in present]
    if missing:
        raise ValueError(f"no contact data for {', '.join(f'{m:%Y-%m}' for m in missing)}: monitoring needs "
                         f"{months} full month(s) before and after the go-live ({go_live:%Y-%m-%d})")
    mine = monthly.filter(pl.col("reason").is_in(list(reasons)))
    others = monthly.filter(~pl.col("reason").is_in(list(reasons)) & pl.col("reason").is_not_null())
    treated = _window(mine, before), _window(mine, after)
    year_back = [_add(m, -12) for m in before], [_add(m, -12) for m in after]
    if all(m in set(mine["period"].to_list()) for m in [*year_back[0], *year_back[1]]):
        method, reference = SEASONAL, (_window(mine, year_back[0]), _window(mine, year_back[1]))
    elif not others.is_empty():
        method, reference = CONTROL, (_window(others, before), _window(others, after))
    else:
        method, reference = PLAIN, None
    rows = []
    for figure in FIGURES:
        b, a = treated[0][figure], treated[1][figure]
        change = _change(figure, b, a)
        if reference is None:
            effect = change
        else:
            ref = _change(figure, reference[0][figure], reference[1][figure])
            effect = _correct(figure, change, ref)
        wanted = (expected or {}).get(figure)
        realised = effect / wanted if wanted not in (None, 0) and effect is not None else None
        rows.append((figure, b, a, change, effect, wanted, realised, "relative" if figure in RELATIVE else "points"))
    figures = pl.DataFrame(rows, schema={"figure": pl.String, "before": pl.Float64, "after": pl.Float64,
                                         "change": pl.Float64, "effect": pl.Float64, "expected": pl.Float64,
                                         "realised": pl.Float64, "unit": pl.String}, orient="row")
    return Check(figures, _series(mine), method, tuple(before), tuple(after))


def _window(frame: pl.DataFrame, months: list[date]) -> dict[str, float | None]:
    """Monthly means of the counts, and the rates recomputed from the summed parts, over ``months``."""
    part = frame.filter(pl.col("period").is_in(months))
    sums = part.select(pl.col("volume").sum(), pl.col("cost").sum(), pl.col("repeats").sum(),
                       (pl.col("nps") * pl.col("nps_responses")).sum().alias("nps_points"),
                       pl.col("nps_responses").sum()).row(0, named=True)
    n = len(months)
    volume = sums["volume"] or 0
    return {"volume": volume / n, "cost": (sums["cost"] or 0.0) / n, "repeats": (sums["repeats"] or 0) / n,
            "repeat_rate": (sums["repeats"] or 0) / volume if volume else None,
            "nps": sums["nps_points"] / sums["nps_responses"] if sums["nps_responses"] else None}


def _change(figure: str, before: float | None, after: float | None) -> float | None:
    if before is None or after is None:
        return None
    if figure in RELATIVE:
        return after / before - 1 if before else None
    return after - before


def _correct(figure: str, change: float | None, reference: float | None) -> float | None:
    if change is None or reference is None:
        return change  # nothing to correct with (no reference figure): the change as it is
    if figure in RELATIVE:
        return (1 + change) / (1 + reference) - 1
    return change - reference


def _series(mine: pl.DataFrame) -> pl.DataFrame:
    return (mine.group_by("period").agg(pl.col("volume").sum(), pl.col("cost").sum(), pl.col("repeats").sum(),
                                        (pl.col("nps") * pl.col("nps_responses")).sum().alias("_points"),
                                        pl.col("nps_responses").sum())
            .with_columns((pl.col("repeats") / pl.col("volume")).alias("repeat_rate"),
                          pl.when(pl.col("nps_responses") > 0).then(pl.col("_points") / pl.col("nps_responses"))
                          .alias("nps"))
            .drop("_points").sort("period"))
