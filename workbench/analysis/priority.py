"""Priority scores: which contact reasons, journeys, channels, processes and IT systems to tackle first.

Formula (one level at a time: all reasons, or all journeys, ...)
-----------------------------------------------------------------
Each factor f has a raw value r_f(i) per item i:

* ``volume``: contacts. ``cost``: total cost of the contacts.
* ``dissatisfaction``: the mean, over NPS, CES and CSAT (those with responses), of the gap below
  target on a 0-1 scale: ``max(0, nps_target - NPS) / 200``, ``max(0, ces_target - CES) / 6``,
  ``max(0, csat_target - CSAT)`` (CSAT as a fraction). 0 when at or above target, or without survey data.
* ``complaints``: complaint contacts (a count). ``repeat``: repeated contacts (a count: same customer,
  same reason again within ``repeat_days``, default 7). Counts, not rates, so a tiny item with one bad contact does not
  top the list; the rates are shown beside them.
* ``strategic``: ``ContactReason.strategic_weight`` (default 1.0), an additive factor like the others.
  A journey, process or system takes the largest weight of its linked reasons, a channel the largest
  weight of the reasons with contacts in it; 1.0 where no reason is linked. With equal strategic weights
  it adds the same points to every item and changes no rank.
* ``experience`` (journeys only): the journey's experience gap, the mean of
  ``max(0, target_emotion - emotion)`` over its steps that have both (moments of truth count twice).

Normalised share-of-max across the ranked items: ``x_f(i) = r_f(i) / max_j r_f(j)`` (0 when the
maximum is 0; a missing value counts as 0; negative values as 0), so the largest item gets 1 and one
half its size 0.5. With factor weights w_f (``PriorityWeights``)::

    contribution_f(i) = 100 * w_f * x_f(i) / sum_g w_g          (points; 0..100 in total)
    score(i)          = sum_f contribution_f(i)                  (exactly the sum of the contributions)

Rank 1 is the highest score; equal scores are ranked by id (ascending), so every rank is distinct.
A weight of 0 drops its factor. Non-additive KPIs of a journey (NPS, customers, ...) are recomputed by
``measure`` from the events of the journey's reasons, never summed from reason figures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import polars as pl

from workbench.metrics import PERIODS, Dimensions, measure
from workbench.metrics.model_dims import dimensions
from workbench.model import COLLECTIONS, Model, did_you_mean

LEVELS = {k: COLLECTIONS[k] for k in ("reason", "journey", "channel", "process", "system")}
FACTORS = ("volume", "cost", "dissatisfaction", "complaints", "repeat", "strategic")
JOURNEY_FACTORS = (*FACTORS, "experience")
#: factor -> the raw column it is normalised from
RAW = {"volume": "volume", "cost": "cost", "dissatisfaction": "dissatisfaction", "complaints": "complaints",
       "repeat": "repeats", "strategic": "strategic_weight", "experience": "experience_gap"}
KPIS = ("volume", "customers", "cost", "complaints", "complaint_rate", "repeats", "repeat_rate",
        "nps", "ces", "csat", "nps_responses", "ces_responses", "csat_responses")
COUNTS = ("volume", "customers", "complaints", "repeats", "nps_responses", "ces_responses", "csat_responses")
SURVEY_SCALE = {"nps": 200.0, "ces": 6.0, "csat": 1.0}
TARGET_RANGE = {"nps_target": (-100.0, 100.0), "ces_target": (1.0, 7.0), "csat_target": (0.0, 1.0)}


@dataclass(frozen=True)
class PriorityWeights:
    """Factor weights (>= 0; 0 drops a factor) and the survey targets the dissatisfaction gap is taken to.

    ``csat_target`` is a fraction (0.8 = 80 % of responses 4 or 5). Store it with
    ``store.set_setting("priority.weights", w.to_dict())`` and read it back with ``from_dict``.

    Examples
    --------
    >>> PriorityWeights.from_dict({"cost": 2, "nps_target": 20}).to_dict()["cost"]
    2.0
    """

    volume: float = 1.0
    cost: float = 1.0
    dissatisfaction: float = 1.0
    complaints: float = 1.0
    repeat: float = 1.0
    strategic: float = 1.0
    experience: float = 1.0
    nps_target: float = 10.0
    ces_target: float = 5.0
    csat_target: float = 0.8

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"priority weights: '{f.name}' must be a finite number, got {value!r}")
            object.__setattr__(self, f.name, float(value))
            low, high = TARGET_RANGE.get(f.name, (0.0, math.inf))
            if not low <= value <= high:
                hint = " (a fraction: 0.8 means 80%)" if f.name == "csat_target" else ""
                raise ValueError(f"priority weights: '{f.name}' must lie in {low:g}..{high:g}{hint}, got {value}")

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> PriorityWeights:
        """Weights from a dict (missing keys keep their default); unknown keys are an error."""
        valid = [f.name for f in fields(cls)]
        unknown = [k for k in (data or {}) if k not in valid]
        if unknown:
            raise ValueError(f"priority weights: unknown key(s) {unknown}{did_you_mean(unknown[0], valid)}; "
                             f"valid: {', '.join(valid)}")
        return cls(**dict(data or {}))

    def factors(self, level: str) -> dict[str, float]:
        """The factor weights that apply to ``level``."""
        return {f: getattr(self, f) for f in (JOURNEY_FACTORS if level == "journey" else FACTORS)}


def model_dimensions(model: Model, *, journey_states: tuple[str, ...] = ("current", "future")) -> Dimensions:
    """The model's ``Dimensions`` (``workbench.metrics.model_dims.dimensions``) with only the journeys
    of the given states."""
    dims = dimensions(model)
    keep = [j.id for j in model.journeys.values() if j.state in journey_states]
    return replace(dims, journey_reasons=dims.journey_reasons.filter(pl.col("journey").is_in(keep)))


def with_period_column(events: pl.LazyFrame | pl.DataFrame, filters: Mapping[str, Any] | None,
                       period: str | None) -> pl.LazyFrame:
    """Add a ``period`` column (start date of the UTC ``period``) when ``filters`` filter on it, so
    that ``measure`` can filter on periods without grouping by them."""
    lf = events.lazy()
    if filters and "period" in filters and "period" not in lf.collect_schema().names():
        if period not in PERIODS:
            raise ValueError(f"filters on 'period' need period= one of {', '.join(PERIODS)} (the values are "
                             f"the periods' start dates), got {period!r}")
        lf = lf.with_columns(pl.col("timestamp").dt.truncate(PERIODS[period]).dt.date().alias("period"))
    return lf


def priorities(events: pl.LazyFrame | pl.DataFrame, model: Model, *, level: str = "reason",
               weights: PriorityWeights | None = None, filters: Mapping[str, Any] | None = None,
               period: str | None = None, top: int | None = None, dims: Dimensions | None = None,
               repeat_days: int = 7) -> pl.DataFrame:
    """Rank the items of ``level`` (reason | journey | channel | process | system) by priority score.

    The KPIs come from ``measure(events, by=[level], filters=filters)`` (filters such as
    ``{"segment": [...], "channel": [...], "period": [date(2026, 1, 1)]}``; a period filter needs
    ``period="month"`` etc.). ``dims`` defaults to the model's, with current-state journeys only.
    Returns ``priority_scores`` of that frame (see the module docstring for the formula).
    """
    _check_level(level)
    dims = dims or model_dimensions(model, journey_states=("current",))
    lf = with_period_column(events, filters, period)
    frame = measure(lf, by=[level], kpis=list(KPIS), dims=dims, filters=filters, repeat_days=repeat_days)
    if level == "channel":
        by_reason = measure(lf, by=["channel", "reason"], kpis=["volume"], dims=dims, filters=filters)
        weight = pl.col("reason").replace_strict(list(model.reasons), _weights(model), default=1.0,
                                                 return_dtype=pl.Float64)
        strategic = (by_reason.filter(pl.col("volume") > 0, pl.col("channel").is_not_null())
                     .group_by("channel").agg(weight.max().alias("strategic_weight")))
        frame = frame.join(strategic, on="channel", how="left")
    return priority_scores(frame, model, level=level, weights=weights, top=top)


def priority_scores(frame: pl.DataFrame, model: Model, *, level: str = "reason",
                    weights: PriorityWeights | None = None, top: int | None = None) -> pl.DataFrame:
    """Score and rank a per-item KPI frame (as ``measure(..., by=[level])`` gives it).

    ``frame`` needs the ``level`` column and ``volume``; any of ``cost, complaints, repeats, nps, ces,
    csat, strategic_weight`` it lacks counts as missing (factor 0). Every item of the model at that
    level is ranked (journeys: current state), with zero figures when it has no contacts, plus any id
    of the frame the model lacks (labelled with its id); the null group is left out.

    Returns ``level, id, label, score, rank``, ``contribution_<factor>`` per factor, then the raw values
    (volume, customers, cost, complaints, complaint_rate, repeats, repeat_rate, nps, ces, csat, their
    gaps to target, dissatisfaction, strategic_weight, experience_gap for journeys), sorted by rank.

    Examples
    --------
    >>> from workbench.model import ContactReason, Phase, Stage
    >>> m = Model().add(Stage("s", "S"), Phase("p", "s", "P"), ContactReason("a", "p", "A"),
    ...                 ContactReason("b", "p", "B"))
    >>> kpis = pl.DataFrame({"reason": ["a", "b"], "volume": [100, 50]})
    >>> w = PriorityWeights(cost=0, dissatisfaction=0, complaints=0, repeat=0, strategic=0)
    >>> priority_scores(kpis, m, weights=w)[["id", "score", "rank"]].rows()
    [('a', 100.0, 1), ('b', 50.0, 2)]
    """
    _check_level(level)
    weights = weights or PriorityWeights()
    if level not in frame.columns or "volume" not in frame.columns:
        raise ValueError(f"priority frame: needs columns '{level}' and 'volume', has {frame.columns}")
    factor_weights = weights.factors(level)
    total_weight = sum(factor_weights.values())
    if total_weight == 0:
        raise ValueError("priority weights: every factor weight is 0; give at least one factor a weight")
    if top is not None and top < 0:
        raise ValueError(f"top must be >= 0, got {top}")

    items = _items(model, level, frame[level])
    data = frame.rename({level: "id"}).filter(pl.col("id").is_not_null())
    data = data.with_columns(pl.lit(None, pl.Float64).alias(c) for c in KPIS if c not in data.columns)
    data = items.join(data, on="id", how="left").with_columns(pl.col(c).fill_null(0) for c in COUNTS)
    data = data.with_columns(pl.col("cost").fill_null(0.0), *_gaps(weights))
    data = data.with_columns(
        pl.mean_horizontal([pl.col(f"{s}_gap") / scale for s, scale in SURVEY_SCALE.items()])
        .fill_null(0.0).alias("dissatisfaction"))
    if "strategic_weight" not in data.columns:
        data = data.with_columns(pl.col("id").replace_strict(_strategic(model, level), default=1.0,
                                                             return_dtype=pl.Float64).alias("strategic_weight"))
    data = data.with_columns(pl.col("strategic_weight").fill_null(1.0))
    if level == "journey":
        data = data.with_columns(pl.col("id").replace_strict(_experience_gaps(model), default=None,
                                                             return_dtype=pl.Float64).alias("experience_gap"))

    contributions = [(100.0 * w / total_weight * _share_of_max(RAW[f])).alias(f"contribution_{f}")
                     for f, w in factor_weights.items()]
    data = data.with_columns(contributions)
    data = data.with_columns(pl.sum_horizontal(f"contribution_{f}" for f in factor_weights).alias("score"))
    data = data.sort(["score", "id"], descending=[True, False]).with_row_index("rank", offset=1)
    raw = [*KPIS[:10], "nps_gap", "ces_gap", "csat_gap", "dissatisfaction", "strategic_weight",
           *(["experience_gap"] if level == "journey" else []), *KPIS[10:]]
    out = data.select(pl.lit(level).alias("level"), "id", "label", "score", pl.col("rank").cast(pl.Int64),
                      *(f"contribution_{f}" for f in factor_weights), *raw)
    return out if top is None else out.head(top)


def rescore(ranked: pl.DataFrame, model: Model, level: str, weights: PriorityWeights) -> pl.DataFrame:
    """Re-score a ``priorities`` / ``priority_scores`` result with other weights, without measuring again."""
    kpis = [c for c in (*KPIS, "strategic_weight") if c in ranked.columns]
    return priority_scores(ranked.select(pl.col("id").alias(level), *kpis), model, level=level, weights=weights)


def explain(row: Mapping[str, Any] | pl.DataFrame) -> str:
    """One line saying why an item ranks where it does, from a row of ``priorities``.

    Factors are listed by the points they add (those under half a point are left out); points are
    rounded, so they may not add up to the rounded score.

    Examples
    --------
    >>> explain({"label": "Bill", "rank": 1, "score": 58.3, "contribution_volume": 38.2,
    ...          "contribution_dissatisfaction": 20.1, "volume": 21000, "nps": -31.0, "nps_gap": 41.0})
    'Bill ranks 1st: 38 of 58 points from volume (21,000 contacts), 20 from dissatisfaction (NPS −31 against target 10)'
    """
    if isinstance(row, pl.DataFrame):
        if row.height != 1:
            raise ValueError(f"explain needs one row, got {row.height}")
        row = row.row(0, named=True)
    head = f"{row.get('label') or row.get('id')} ranks {_ordinal(int(row['rank']))}"
    points = [(row[f"contribution_{f}"], f) for f in JOURNEY_FACTORS if (row.get(f"contribution_{f}") or 0) >= 0.5]
    if not points:
        return f"{head} with {row['score']:.0f} points: no factor adds half a point or more"
    points.sort(key=lambda p: -p[0])
    total = f" of {row['score']:.0f} points"
    parts = [f"{p:.0f}{total if i == 0 else ''} from {f} ({_detail(f, row)})" for i, (p, f) in enumerate(points)]
    return f"{head}: " + ", ".join(parts)


# -- helpers --------------------------------------------------------------------------------------------
def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"unknown priority level '{level}'{did_you_mean(level, LEVELS)}; "
                         f"valid: {', '.join(LEVELS)}")


def _items(model: Model, level: str, ids: pl.Series) -> pl.DataFrame:
    """The model's items of a level (journeys: current state) in model order, plus unknown ids of the data."""
    entities = getattr(model, LEVELS[level])
    chosen = [e for e in entities.values() if level != "journey" or e.state == "current"]
    known = {e.id for e in chosen}
    extra = sorted({i for i in ids.drop_nulls().to_list() if i not in known})
    labels = [e.label for e in chosen] + [entities[i].label if i in entities else i for i in extra]
    return pl.DataFrame({"id": [e.id for e in chosen] + extra, "label": labels},
                        schema={"id": pl.String, "label": pl.String})


def _weights(model: Model) -> list[float]:
    return [r.strategic_weight for r in model.reasons.values()]


def _strategic(model: Model, level: str) -> dict[str, float]:
    """Strategic weight per item: a reason's own, else the largest of the linked reasons (1.0 if none)."""
    own = {r.id: r.strategic_weight for r in model.reasons.values()}
    if level == "reason":
        return own
    if level in ("process", "system"):
        linked = {e.id: e.reasons for e in getattr(model, LEVELS[level]).values()}
    elif level == "journey":
        linked = {}
        for s in model.steps.values():
            if s.reason is not None:
                linked.setdefault(s.journey, []).append(s.reason)
    else:
        return {}
    return {item: max((own.get(r, 1.0) for r in reasons), default=1.0) for item, reasons in linked.items()}


def _experience_gaps(model: Model) -> dict[str, float]:
    """Per journey: mean of max(0, target_emotion - emotion) over steps with both; moments of truth count twice."""
    sums: dict[str, list[float]] = {}
    for s in model.steps.values():
        if s.emotion is not None and s.target_emotion is not None:
            w = 2.0 if s.moment_of_truth else 1.0
            acc = sums.setdefault(s.journey, [0.0, 0.0])
            acc[0] += w * max(0, s.target_emotion - s.emotion)
            acc[1] += w
    return {j: total / n for j, (total, n) in sums.items()}


def _gaps(weights: PriorityWeights) -> list[pl.Expr]:
    return [(getattr(weights, f"{s}_target") - pl.col(s).cast(pl.Float64)).clip(lower_bound=0.0).alias(f"{s}_gap")
            for s in SURVEY_SCALE]


def _share_of_max(column: str) -> pl.Expr:
    value = pl.col(column).cast(pl.Float64).fill_null(0.0).clip(lower_bound=0.0)
    top = value.max()
    return pl.when(top > 0).then(value / top).otherwise(0.0)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _minus(text: str) -> str:
    return text.replace("-", "−")


def _detail(factor: str, row: Mapping[str, Any]) -> str:
    if factor == "dissatisfaction":
        parts = []
        for s, fmt in (("nps", "{:.0f}"), ("ces", "{:.1f}"), ("csat", "{:.0%}")):
            value, gap = row.get(s), row.get(f"{s}_gap")
            if value is not None and gap:
                parts.append(f"{s.upper()} {_minus(fmt.format(value))} against target "
                             f"{_minus(fmt.format(value + gap))}")
        return ", ".join(parts) or "below target"
    value = row.get(RAW[factor])
    if value is None:
        return "no data"
    nouns = {"volume": "contact", "complaints": "complaint", "repeat": "repeated contact"}
    if factor in nouns:
        return f"{value:,.0f} {nouns[factor]}{'' if value == 1 else 's'}"
    return {"cost": "€{:,.0f} in contact costs", "strategic": "strategic weight {:.1f}",
            "experience": "emotion {:.1f} below target on average"}[factor].format(value)
