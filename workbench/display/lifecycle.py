"""The life cycle model as the map and the circle draw it: one row per reason or sector, with figures and
colours."""

from __future__ import annotations

import polars as pl

from workbench.analysis.overview import MIN_RESPONSES, RESPONSES
from workbench.display.formats import colour_scale, format_kpi
from workbench.model import Model


def sample_guard(frame: pl.DataFrame, kpi: str, min_responses: int) -> pl.DataFrame:
    """``frame`` with ``n`` (the responses behind a survey KPI, else null) and ``reliable`` (n below the
    minimum: not reliable); the colour scale then leaves the unreliable values out."""
    column = RESPONSES.get(kpi)
    if column is None or column not in frame.columns:
        return frame.with_columns(pl.lit(None, pl.Int64).alias("n"), pl.lit(True).alias("reliable"))
    n = pl.col(column).fill_null(0).cast(pl.Int64)
    return frame.with_columns(n.alias("n"), (n >= min_responses).alias("reliable"))


def guarded_text(kpi: str, value, n, reliable: bool) -> str:
    """The formatted value, with its sample size when it is too small to trust ("+100 · n = 2").

    >>> guarded_text("nps", 100.0, 2, False), guarded_text("nps", 12.0, 400, True)
    ('+100 · n = 2', '+12')
    """
    text = format_kpi(kpi, value)
    return text if reliable or value is None else f"{text} · n = {n}"


def tile_frame(model: Model, measured: pl.DataFrame, kpi: str, *, min_responses: int = MIN_RESPONSES) -> pl.DataFrame:
    """One row per reason of the model, in model order (stage, then phase, then reason).

    Columns: stage, stage_label, phase, phase_label, reason, label (raw text), value (the KPI, null when
    the reason has no data), volume (0 when none), n and reliable (a survey KPI on fewer than
    ``min_responses`` responses is not reliable), text (the formatted value, with n when unreliable) and
    colour (the KPI's scale over the reliable values shown; grey for null or unreliable values, so a
    tile is never coloured by one or two answers). ``measured`` holds the KPI and, for a survey KPI, its
    responses (``nps_responses`` …).
    """
    rows = [(s.id, s.label, p.id, p.label, r.id, r.label)
            for s in model.stages.values() for p in model.phases_of(s.id) for r in model.reasons_of(p.id)]
    frame = pl.DataFrame(rows, schema=["stage", "stage_label", "phase", "phase_label", "reason", "label"],
                         orient="row")
    extra = [c for c in (RESPONSES.get(kpi),) if c and c in measured.columns]
    values = measured.select("reason", pl.col(kpi).cast(pl.Float64).alias("value"), "volume", *extra)
    frame = frame.join(values, on="reason", how="left", maintain_order="left").with_columns(
        pl.col("volume").fill_null(0))
    frame = sample_guard(frame, kpi, min_responses).drop(extra)
    shown = [v if ok else None for v, ok in zip(frame["value"], frame["reliable"], strict=True)]
    scale = colour_scale(kpi, shown)
    return frame.with_columns(
        pl.Series("text", [guarded_text(kpi, v, n, ok) for v, n, ok in frame.select("value", "n", "reliable")
                           .iter_rows()], pl.String),
        pl.Series("colour", [scale.colour(v) for v in shown], pl.String),
    )



RINGS = {"stage": (0.30, 0.56), "phase": (0.57, 0.80), "reason": (0.81, 0.97)}


def circle_layout(model: Model, weights: dict[str, float] | None = None) -> pl.DataFrame:
    """Each reason's sector as fractions of the full turn: reason, phase, stage, t0, t1 (model order).

    ``weights`` (reason → size, e.g. volume) default to 1 per reason; a reason missing from them gets 0.
    When every weight is 0 the reasons share the circle equally.

    Examples
    --------
    >>> from workbench.model import Model, Stage, Phase, ContactReason
    >>> m = Model().add(Stage("s", "S"), Phase("p", "s", "P"), ContactReason("a", "p", "A"),
    ...                 ContactReason("b", "p", "B"))
    >>> circle_layout(m, {"a": 3, "b": 1}).select("reason", "t0", "t1").rows()
    [('a', 0.0, 0.75), ('b', 0.75, 1.0)]
    """
    order = [(r.id, p.id, s.id) for s in model.stages.values() for p in model.phases_of(s.id)
             for r in model.reasons_of(p.id)]
    sizes = [1.0 if weights is None else float(weights.get(r, 0) or 0) for r, _, _ in order]
    total = sum(sizes)
    if total <= 0:
        sizes, total = [1.0] * len(order), float(len(order) or 1)
    t, rows = 0.0, []
    for (reason, phase, stage), size in zip(order, sizes, strict=True):
        rows.append((reason, phase, stage, t, t + size / total))
        t += size / total
    return pl.DataFrame(rows, schema=["reason", "phase", "stage", "t0", "t1"], orient="row")


def ring_frames(model: Model, layout: pl.DataFrame, values: dict[str, pl.DataFrame],
                kpi: str) -> dict[str, pl.DataFrame]:
    """Per ring (stage, phase, reason): id, label, t0, t1, reasons, value, text, colour.

    ``values[ring]`` holds the KPI measured by that ring's dimension (a column named like the ring, and
    ``kpi``); all rings share one colour scale.
    """
    out = {}
    for ring in RINGS:
        spans = (layout.group_by(ring, maintain_order=True)
                 .agg(pl.col("t0").min(), pl.col("t1").max(), pl.len().alias("reasons"))
                 .rename({ring: "id"}))
        items = getattr(model, f"{ring}s")
        measured = values[ring].select(pl.col(ring).alias("id"), pl.col(kpi).cast(pl.Float64).alias("value"))
        out[ring] = (spans.with_columns(pl.col("id").replace_strict(
            {k: v.label for k, v in items.items()}, return_dtype=pl.String).alias("label"))
            .join(measured, on="id", how="left", maintain_order="left"))
    scale = colour_scale(kpi, [v for f in out.values() for v in f["value"].to_list()])
    for ring, frame in out.items():
        out[ring] = frame.with_columns(
            pl.Series("text", [format_kpi(kpi, v) for v in frame["value"]], pl.String),
            pl.Series("colour", [scale.colour(v) for v in frame["value"]], pl.String))
    return out



