"""What-if scenarios: what happens to a reason's contacts, cost, handling time, repeats, digital share and
NPS when contacts move to another channel, are deflected, or repeat less — projected from the reason's
measured figures per channel. Pure: a frame in, frames out.

How a scenario is applied, per contact reason, in this order
-------------------------------------------------------------
1. **Channel shift** ``A → B: s``: a share ``s`` of the reason's contacts in A moves to B. A moved contact
   takes B's figures *for that reason* (cost per contact, handling time, repeat rate, survey response
   rate and NPS); when the reason has no contact in B yet, B's figures over all reasons are used.
   ``stimulated_demand`` adds that many extra contacts in B per moved contact (a lower-effort channel
   invites more contact). Without it a shift keeps the volume and changes the cost by
   ``moved × (cost per contact in B − in A)``.
2. **Deflection** ``d``: a share ``d`` of the reason's contacts (in every channel) no longer happens
   (self-service, the root cause fixed); per-contact figures stay.
3. **Repeat change** ``c``: the reason's repeat contacts change by ``c`` (−0.5 halves them). A repeat is a
   contact followed by another on the same reason within the window, so the follow-up contacts change by
   as many, at their channel's per-contact figures.

NPS is recombined from responses (``nps × responses``), never averaged; digital share from volumes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl

#: what a scenario needs per reason × channel (``Dataset.measure(["reason", "channel"], BASE_KPIS)``)
BASE_KPIS = ("volume", "cost", "aht", "repeats", "nps", "nps_responses")
FIGURES = ("volume", "cost", "handling_hours", "repeats", "repeat_rate", "digital_share", "nps")


@dataclass(frozen=True)
class Shift:
    """Move ``share`` (0–1) of the contacts in channel ``source`` to channel ``target``."""

    source: str
    target: str
    share: float

    def __post_init__(self):
        if not 0 <= self.share <= 1:
            raise ValueError(f"a channel shift moves a share between 0% and 100%, not {self.share:.0%}")
        if self.source == self.target:
            raise ValueError(f"a channel shift needs two different channels, not {self.source} twice")


@dataclass(frozen=True)
class Scenario:
    """What changes for the contact ``reasons`` (see the module docstring for the order and the rules)."""

    reasons: tuple[str, ...]
    shifts: tuple[Shift, ...] = ()
    deflection: float = 0.0
    repeat_change: float = 0.0
    stimulated_demand: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "reasons", tuple(self.reasons))
        object.__setattr__(self, "shifts", tuple(self.shifts))
        if not 0 <= self.deflection <= 1:
            raise ValueError(f"deflection is a share between 0% and 100%, not {self.deflection:.0%}")
        if self.repeat_change < -1:
            raise ValueError(f"repeats cannot fall by more than 100% (got {self.repeat_change:.0%})")
        if self.stimulated_demand < 0:
            raise ValueError("stimulated demand adds contacts: it cannot be negative")


@dataclass(frozen=True)
class WhatIf:
    """Figures before and after: ``by_reason`` (reason, figure columns ``<figure>`` and ``<figure>_after``),
    ``by_channel`` of the scenario's reasons, ``by_journey`` (journeys overlap: each has the contacts of
    all its reasons) and ``total`` over all reasons (one row)."""

    by_reason: pl.DataFrame
    by_channel: pl.DataFrame
    by_journey: pl.DataFrame
    total: pl.DataFrame
    notes: tuple[str, ...] = field(default=())


def whatif(base: pl.DataFrame, scenario: Scenario, *, digital: dict[str, bool],
           journeys: pl.DataFrame | None = None) -> WhatIf:
    """Apply ``scenario`` to ``base`` (reason, channel and :data:`BASE_KPIS` for every reason × channel).

    ``digital`` says which channels are digital; ``journeys`` (journey, reason) links reasons to journeys.

    Examples
    --------
    >>> base = pl.DataFrame({"reason": ["bill", "bill"], "channel": ["phone", "app"], "volume": [100, 50],
    ...                      "cost": [500.0, 25.0], "aht": [300.0, 60.0], "repeats": [20, 5],
    ...                      "nps": [0.0, 40.0], "nps_responses": [10, 10]})
    >>> out = whatif(base, Scenario(("bill",), (Shift("phone", "app", 0.3),)), digital={"app": True, "phone": False})
    >>> out.total.select("volume", "volume_after", "cost", "cost_after").row(0)
    (150.0, 150.0, 525.0, 390.0)
    """
    unknown = sorted(set(scenario.reasons) - set(base["reason"].drop_nulls().to_list()))
    notes = [f"no contacts measured for {', '.join(unknown)}: nothing to project there"] if unknown else []
    parts = _parts(base, digital)
    after, shift_notes = _apply(parts, scenario)
    notes += shift_notes
    joined = parts.join(after, on=["reason", "channel"], how="full", coalesce=True, suffix="_after")
    joined = joined.with_columns(pl.col(c).fill_null(0.0) for c in joined.columns if c not in ("reason", "channel")
                                 and joined.schema[c].is_numeric())
    return WhatIf(
        by_reason=_figures(joined, ["reason"]).filter(pl.col("reason").is_in(scenario.reasons)),
        by_channel=_figures(joined.filter(pl.col("reason").is_in(scenario.reasons)), ["channel"]),
        by_journey=_journeys(joined, journeys, scenario.reasons),
        total=_figures(joined, []),
        notes=tuple(notes))


_SUMS = ("volume", "cost", "handling", "repeats", "nps_points", "nps_responses", "digital_volume")


def _parts(base: pl.DataFrame, digital: dict[str, bool]) -> pl.DataFrame:
    """Additive parts per reason × channel: volume, cost, handling (seconds), repeats, nps_points
    (NPS × responses), nps_responses, digital_volume."""
    return base.filter(pl.col("reason").is_not_null()).select(
        "reason", "channel",
        pl.col("volume").cast(pl.Float64),
        pl.col("cost").fill_null(0.0).cast(pl.Float64),
        (pl.col("aht").fill_null(0.0) * pl.col("volume")).alias("handling"),
        pl.col("repeats").fill_null(0).cast(pl.Float64),
        (pl.col("nps").fill_null(0.0) * pl.col("nps_responses").fill_null(0)).alias("nps_points"),
        pl.col("nps_responses").fill_null(0).cast(pl.Float64),
        (pl.col("volume") * pl.col("channel").replace_strict(digital, default=False, return_dtype=pl.Boolean)
         .cast(pl.Float64)).alias("digital_volume"))


def _rates(row: dict) -> dict:
    """Per-contact figures of one reason × channel (or a channel over all reasons)."""
    n = row["volume"]
    return {k: (row[k] / n if n else 0.0) for k in _SUMS if k != "volume"}


def _apply(parts: pl.DataFrame, scenario: Scenario) -> tuple[pl.DataFrame, list[str]]:
    cells = {(r["reason"], r["channel"]): {k: r[k] for k in _SUMS} for r in parts.iter_rows(named=True)}
    by_channel = parts.group_by("channel").agg(pl.col(k).sum() for k in _SUMS)
    channel_rates = {r["channel"]: _rates(r) for r in by_channel.iter_rows(named=True)}
    notes = []
    for reason in scenario.reasons:
        for shift in scenario.shifts:
            source = cells.get((reason, shift.source))
            if not source or not source["volume"]:
                notes.append(f"{reason}: no contacts in {shift.source} to shift")
                continue
            target = cells.setdefault((reason, shift.target), dict.fromkeys(_SUMS, 0.0))
            rates_to = _rates(target) if target["volume"] else channel_rates.get(shift.target)
            if rates_to is None:
                notes.append(f"{reason}: {shift.target} has no contacts at all, so its figures are unknown; "
                             "the shift is left out")
                continue
            if not target["volume"]:
                notes.append(f"{reason}: no contacts in {shift.target} yet; its figures over all reasons are used")
            rates_from = _rates(source)
            moved = shift.share * source["volume"]
            arriving = moved * (1 + scenario.stimulated_demand)
            source["volume"] -= moved
            target["volume"] += arriving
            for k in _SUMS[1:]:
                source[k] -= moved * rates_from[k]
                target[k] += arriving * rates_to[k]
        for cell in (c for (r, _), c in cells.items() if r == reason):
            _scale(cell, 1 - scenario.deflection)
            if scenario.repeat_change and cell["volume"]:
                repeats = cell["repeats"]
                extra = scenario.repeat_change * repeats  # the follow-up contacts that (no longer) happen
                rates = _rates(cell)
                cell["volume"] += extra
                for k in _SUMS[1:]:
                    cell[k] += extra * rates[k]
                cell["repeats"] = repeats * (1 + scenario.repeat_change)
    rows = [{"reason": r, "channel": ch, **values} for (r, ch), values in cells.items()]
    schema = {"reason": pl.String, "channel": pl.String, **dict.fromkeys(_SUMS, pl.Float64)}
    return pl.DataFrame(rows, schema=schema), notes


def _scale(cell: dict, factor: float) -> None:
    for k in _SUMS:
        cell[k] *= factor


def _figures(joined: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """Sum the parts over ``by`` and turn them into figures before and after."""
    sums = [pl.col(f"{k}{s}").sum() for k in _SUMS for s in ("", "_after")]
    grouped = joined.group_by(by).agg(sums) if by else joined.select(sums)
    out = []
    for s in ("", "_after"):
        v = pl.col(f"volume{s}")
        out += [v.alias(f"volume{s}"), pl.col(f"cost{s}").alias(f"cost{s}"),
                (pl.col(f"handling{s}") / 3600).alias(f"handling_hours{s}"), pl.col(f"repeats{s}").alias(f"repeats{s}"),
                _ratio(pl.col(f"repeats{s}"), v).alias(f"repeat_rate{s}"),
                _ratio(pl.col(f"digital_volume{s}"), v).alias(f"digital_share{s}"),
                _ratio(pl.col(f"nps_points{s}"), pl.col(f"nps_responses{s}")).alias(f"nps{s}")]
    frame = grouped.select(*by, *out)
    frame = frame.select(*by, *(c for f in FIGURES for c in (f, f"{f}_after")))
    return frame.sort(by) if by else frame


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num / den).otherwise(None)


def _journeys(joined: pl.DataFrame, journeys: pl.DataFrame | None, reasons: Iterable[str]) -> pl.DataFrame:
    if journeys is None or journeys.is_empty():
        return pl.DataFrame(schema={"journey": pl.String})
    touched = journeys.filter(pl.col("reason").is_in(list(reasons)))["journey"].unique().to_list()
    links = journeys.filter(pl.col("journey").is_in(touched)).unique()
    return _figures(joined.join(links, on="reason", how="inner"), ["journey"])
