"""Actual customer paths as the process map draws them: nodes in columns by stage, arcs with their
direction and shape, the variant table and the deviations per designed step."""

from __future__ import annotations

import math

import polars as pl

from workbench.analysis.conformance_summary import DEVIATIONS, Checked
from workbench.analysis.mining import OrderedLog, variants
from workbench.model import COLLECTIONS, Model

LEVELS = {"reason": "Contact reasons", "phase": "Phases", "stage": "Stages"}


COLOURS = {"forward": "#2171b5", "back": "#e6550d", "repeat": "#969696"}


def model_order(model: Model, level: str) -> list[str]:
    return list(getattr(model, COLLECTIONS[level]))


def column_of(model: Model, level: str) -> dict[str, int]:
    """Each node's column: the position of its life-cycle stage."""
    stages = {s: i for i, s in enumerate(model.stages)}
    if level == "stage":
        return stages
    if level == "phase":
        return {p.id: stages[p.stage] for p in model.phases.values()}
    return {r.id: stages[model.stage_of(r.id)] for r in model.reasons.values()}


def top_edges(dfg: pl.DataFrame, top: int) -> pl.DataFrame:
    """The ``top`` most frequent arcs of a directly-follows graph (ties by source, target)."""
    return dfg.sort(["frequency", "source", "target"], descending=[True, False, False]).head(top)


def dfg_layout(edges: pl.DataFrame, model: Model, level: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Nodes (node, label, x, y) of the arcs in columns by stage, and the arcs with their ``direction``
    (forward | back | repeat, by model order) and drawn ``path`` (list of [x, y])."""
    order = {n: i for i, n in enumerate(model_order(model, level))}
    columns = column_of(model, level)
    present = sorted(set(edges["source"].to_list()) | set(edges["target"].to_list()),
                     key=lambda n: (order.get(n, len(order)), n))
    rows, filled = [], {}
    for n in present:
        x = columns.get(n, max(columns.values(), default=0) + 1)
        filled[x] = filled.get(x, 0) + 1
        entity = getattr(model, COLLECTIONS[level]).get(n)
        rows.append((n, entity.label if entity else n, float(x), -float(filled[x] - 1)))
    nodes = pl.DataFrame(rows, schema=["node", "label", "x", "y"], orient="row")
    where = {n: (x, y) for n, _, x, y in rows}
    direction, paths = [], []
    for s, t in edges.select("source", "target").iter_rows():
        kind = "repeat" if s == t else ("forward" if order.get(t, -1) > order.get(s, -1) else "back")
        direction.append(kind)
        paths.append(_arc(where[s], where[t]))
    arcs = edges.with_columns(pl.Series("direction", direction), pl.Series("path", paths))
    return nodes, arcs


def _arc(a: tuple[float, float], b: tuple[float, float], steps: int = 16) -> list[list[float]]:
    """A quadratic curve from a to b bending to the right of the travel direction, with an arrowhead;
    a small loop above-left of a when a == b."""
    (x0, y0), (x1, y1) = a, b
    if a == b:
        return [[x0 - 0.12 + 0.12 * math.cos(t), y0 + 0.12 + 0.12 * math.sin(t)]
                for t in (i * 2 * math.pi / steps - math.pi / 2 for i in range(steps + 1))]
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy)
    cx, cy = (x0 + x1) / 2 + 0.25 * dy, (y0 + y1) / 2 - 0.25 * dx  # control point, to the right
    def bezier(t: float, p0: float, c: float, p1: float) -> float:
        return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * c + t ** 2 * p1

    pts = [[bezier(t, x0, cx, x1), bezier(t, y0, cy, y1)] for t in (i / steps for i in range(steps + 1))]
    ex, ey = pts[-1]
    angle = math.atan2(ey - pts[-2][1], ex - pts[-2][0])
    size = min(0.12, length / 4)
    wings = [[ex - size * math.cos(angle + s), ey - size * math.sin(angle + s)] for s in (0.45, -0.45)]
    return [*pts, wings[0], [ex, ey], wings[1]]


def variants_table(ordered: OrderedLog, model: Model, level: str, top: int = 10) -> pl.DataFrame:
    """The ``top`` variants: path (labels joined by →), steps, cases, share, cumulative share."""
    labels = {k: v.label for k, v in getattr(model, COLLECTIONS[level]).items()}
    frame = variants(ordered, activity="activity", top=top)
    return frame.select(
        pl.col("variant").list.eval(pl.element().replace(labels)).list.join(" → ").alias("path"),
        pl.col("variant").list.len().alias("steps"), "cases", "share", "cumulative_share")


def step_bars(result: Checked, model: Model) -> pl.DataFrame:
    """Per designed step and deviation: step (position and reason label), deviation, share of cases."""
    return (result.per_step.with_columns(
        pl.format("{}. {}", "position", pl.col("reason").replace({r.id: r.label for r in model.reasons.values()}))
        .alias("step"))
        .unpivot(on=list(DEVIATIONS), index=["position", "step"], variable_name="deviation", value_name="share")
        .with_columns(pl.col("deviation").replace(DEVIATIONS))
        .sort("position", maintain_order=True).select("step", "deviation", "share"))



