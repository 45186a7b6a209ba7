"""Metrics other systems already compute (a survey platform's NPS per month, finance's MRR per product),
attached to a reason, phase, stage, journey or step, kept with their additive parts so that every roll-up
recomputes them: NPS from promoters, passives and detractors, CSAT from its five answer counts, CES from
score × respondents, a ratio from its numerator and denominator. Never an average of values.

A data point (one row of :data:`POINT_SCHEMA`): ``metric`` (a stable key), ``title``, ``type`` (NPS, CSAT,
CES, RATIO, OTHER), ``unit``, ``aggregation`` (OTHER only: SUM or AVERAGE), ``date``, ``level`` and
``target`` (what it belongs to: reason / phase / stage / journey / step and that id; null for the whole
organisation), the parts of its type, and ``dimensions`` (a list of ``{key, value}``). A CES point's
``score`` is the mean score of its ``respondents`` (as survey tools report it).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

TYPES = ("NPS", "CSAT", "CES", "RATIO", "OTHER")
LEVELS = ("reason", "phase", "stage", "journey", "step")
PARTS = {"NPS": ("promoters", "passives", "detractors"),
         "CSAT": ("very_unsatisfied", "unsatisfied", "neutral", "satisfied", "very_satisfied"),
         "CES": ("score", "respondents"), "RATIO": ("numerator", "denominator"), "OTHER": ("value",)}
_DIMENSION = pl.Struct({"key": pl.String, "value": pl.String})
POINT_SCHEMA = {"metric": pl.String, "title": pl.String, "type": pl.String, "unit": pl.String,
                "aggregation": pl.String, "date": pl.Date, "level": pl.String, "target": pl.String,
                **{p: pl.Float64 for parts in PARTS.values() for p in parts},
                "dimensions": pl.List(_DIMENSION)}


def empty_points() -> pl.DataFrame:
    """No data points, in the canonical schema."""
    return pl.DataFrame(schema=POINT_SCHEMA)


def conform_points(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every canonical column (missing ones null), in canonical order and types."""
    return frame.select(pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
                        for c, t in POINT_SCHEMA.items())


def roll_up(points: pl.DataFrame, by: Sequence[str] = ("metric",), *, period: str | None = "1mo",
            dimensions: Sequence[str] = ()) -> pl.DataFrame:
    """Each metric's value per group of ``by`` (columns of the points), per ``period`` of ``date`` (None:
    over all dates) and per extra ``dimensions`` keys, recomputed from the summed parts.

    Examples
    --------
    >>> from datetime import date
    >>> pts = conform_points(pl.DataFrame({"metric": ["nps", "nps"], "type": ["NPS", "NPS"],
    ...     "date": [date(2026, 1, 3), date(2026, 1, 20)], "promoters": [6.0, 1.0],
    ...     "passives": [2.0, 0.0], "detractors": [2.0, 9.0]}))
    >>> roll_up(pts, period=None).select("metric", "value", "n").row(0)  # (7 − 11) of 20: not the mean of +40, −80
    ('nps', -20.0, 20.0)
    """
    by = list(by)
    lf = points.lazy()
    if dimensions:
        lf = lf.with_columns(_dimension(d).alias(d) for d in dimensions)
    keys = [*by, "type", "aggregation", *dimensions]
    if period is not None:
        lf = lf.with_columns(pl.col("date").dt.truncate(period).alias("period"))
        keys.append("period")
    parts = sorted({p for ps in PARTS.values() for p in ps} - {"value"})
    summed = lf.group_by(keys).agg(*(pl.col(p).sum() for p in parts), pl.col("value").sum().alias("value_sum"),
                                   pl.col("value").mean().alias("value_mean"), pl.len().alias("points"),
                                   (pl.col("score") * pl.col("respondents")).sum().alias("score_points"))
    t = pl.col("type")
    nps_n = pl.col("promoters") + pl.col("passives") + pl.col("detractors")
    csat_n = pl.sum_horizontal(pl.col(p) for p in PARTS["CSAT"])
    value = (pl.when(t == "NPS").then(_ratio(100 * (pl.col("promoters") - pl.col("detractors")), nps_n))
             .when(t == "CSAT").then(_ratio(pl.col("satisfied") + pl.col("very_satisfied"), csat_n))
             .when(t == "CES").then(_ratio(pl.col("score_points"), pl.col("respondents")))
             .when(t == "RATIO").then(_ratio(pl.col("numerator"), pl.col("denominator")))
             .when(pl.col("aggregation") == "AVERAGE").then(pl.col("value_mean"))
             .otherwise(pl.col("value_sum")))
    n = (pl.when(t == "NPS").then(nps_n).when(t == "CSAT").then(csat_n).when(t == "CES").then(pl.col("respondents"))
         .when(t == "RATIO").then(pl.col("denominator")).otherwise(pl.col("points").cast(pl.Float64)))
    out = summed.with_columns(value.alias("value"), n.alias("n")).select(*keys, "value", "n", *parts)
    return out.sort(keys, nulls_last=True).collect()


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num / den)


def _dimension(key: str) -> pl.Expr:
    """The value of dimension ``key`` of each point (null when the point has none)."""
    return (pl.col("dimensions").list.eval(pl.element().filter(pl.element().struct.field("key") == key)
                                           .struct.field("value")).list.first())


#: Survey answer counts as custom KPIs (``metrics.measure(custom=SURVEY_PARTS)``), for exports with parts.
SURVEY_PARTS = [
    {"id": "nps_promoters", "label": "Promoters", "aggregation": "count", "filter": {"nps": {"op": ">=", "value": 9}},
     "additive": True},
    {"id": "nps_passives", "label": "Passives", "aggregation": "count", "filter": {"nps": [7, 8]}, "additive": True},
    {"id": "nps_detractors", "label": "Detractors", "aggregation": "count",
     "filter": {"nps": {"op": "<=", "value": 6}}, "additive": True},
    *({"id": f"csat_{k}", "label": f"CSAT {k}", "aggregation": "count", "filter": {"csat": k}, "additive": True}
      for k in range(1, 6)),
    {"id": "ces_points", "label": "CES sum", "aggregation": "sum", "column": "ces", "additive": True},
    {"id": "ces_answers", "label": "CES answers", "aggregation": "count", "column": "ces", "additive": True},
]
#: our KPI → (type, unit, how its parts come from the measured columns)
EXPORTS = {
    "nps": ("NPS", "points", {"promoters": "nps_promoters", "passives": "nps_passives",
                              "detractors": "nps_detractors"}),
    "csat": ("CSAT", "%", {"very_unsatisfied": "csat_1", "unsatisfied": "csat_2", "neutral": "csat_3",
                           "satisfied": "csat_4", "very_satisfied": "csat_5"}),
    "ces": ("CES", "score 1-7", {"score": "ces", "respondents": "ces_answers"}),
    "repeat_rate": ("RATIO", "%", {"numerator": "repeats", "denominator": "volume"}),
    "complaint_rate": ("RATIO", "%", {"numerator": "complaints", "denominator": "volume"}),
    "cost_per_contact": ("RATIO", "EUR", {"numerator": "cost", "denominator": "volume"}),
    "volume": ("OTHER", "contacts", {"value": "volume"}),
    "cost": ("OTHER", "EUR", {"value": "cost"}),
    "complaints": ("OTHER", "complaints", {"value": "complaints"}),
}
#: what to measure for the exports: catalogue KPIs and the custom survey parts
MEASURED = ("volume", "cost", "complaints", "repeats", "ces")


def points_from_kpis(measured: pl.DataFrame, level: str, kpis: Sequence[str], *, titles: dict[str, str],
                     labels: dict[str, str], dimensions: Sequence[str] = ()) -> pl.DataFrame:
    """Our KPIs as data points with parts: ``measured`` is ``measure(by=[level, *dimensions], period="month",
    kpis=MEASURED, custom=SURVEY_PARTS)``; one metric per KPI and item of ``level`` (``labels``: id → label,
    ``titles``: KPI → its label), keyed ``kpi:level:id``.
    """
    unknown = [k for k in kpis if k not in EXPORTS]
    if unknown:
        raise ValueError(f"cannot export {', '.join(unknown)} with its parts; exportable: {', '.join(EXPORTS)}")
    rows = []
    for r in measured.filter(pl.col(level).is_not_null()).iter_rows(named=True):
        dims = [{"key": d, "value": str(r[d])} for d in dimensions if r.get(d) is not None]
        for kpi in kpis:
            kind, unit, parts = EXPORTS[kpi]
            values = {part: float(r[column] or 0) for part, column in parts.items()}
            if kind in ("NPS", "CSAT") and not sum(values.values()):
                continue  # no survey answers in this group and month
            if kind == "CES" and not values["respondents"]:
                continue
            rows.append({"metric": f"{kpi}:{level}:{r[level]}", "title": f"{titles.get(kpi, kpi)} — "
                         f"{labels.get(r[level], r[level])}", "type": kind, "unit": unit,
                         "aggregation": "SUM" if kind == "OTHER" else None, "date": r["period"], "level": level,
                         "target": r[level], **values, "dimensions": dims})
    return conform_points(pl.DataFrame(rows, infer_schema_length=None)) if rows else empty_points()


def to_level(points: pl.DataFrame, level: str, reasons: pl.DataFrame, step_reasons: dict[str, str]) -> pl.DataFrame:
    """The points that belong to ``level`` (reason, phase or stage) or to something inside it, with an ``item``
    column: a point on a reason counts toward its phase and stage, a point on a step toward its reason's.

    ``reasons``: reason, phase, stage (the model's dimension table); ``step_reasons``: step → reason.

    >>> pts = conform_points(pl.DataFrame({"metric": ["m", "m"], "level": ["reason", "stage"],
    ...                                    "target": ["bill", "being"]}))
    >>> dims = pl.DataFrame({"reason": ["bill"], "phase": ["billing"], "stage": ["being"]})
    >>> to_level(pts, "stage", dims, {})["item"].to_list()
    ['being', 'being']
    """
    order = ("step", "reason", "phase", "stage")
    if level not in order[1:]:  # a journey or a step: only its own points
        return points.filter(pl.col("level") == level).with_columns(pl.col("target").alias("item"))
    reason = (pl.when(pl.col("level") == "step").then(pl.col("target").replace_strict(step_reasons, default=None))
              .when(pl.col("level") == "reason").then(pl.col("target")))
    mapped = points.with_columns(reason.alias("_reason")).join(
        reasons.select(pl.col("reason").alias("_reason"), pl.col("phase").alias("_phase"),
                       pl.col("stage").alias("_stage")), on="_reason", how="left")
    finer = order[: order.index(level) + 1]
    item = (pl.when(pl.col("level") == level).then(pl.col("target"))
            .when(pl.col("level").is_in(list(finer))).then(pl.col(f"_{level}")))
    return (mapped.with_columns(item.alias("item")).filter(pl.col("item").is_not_null())
            .drop("_reason", "_phase", "_stage"))
