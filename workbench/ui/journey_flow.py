"""Journey flow: the paths customers actually take (directly-follows graph, variants) and how a designed
journey's sequence of reasons compares with them (conformance).

Why a layered graph and not a Sankey: a directly-follows graph is full of cycles (a customer comes back
to the same reason, or returns to an earlier one), and a Sankey cannot show those without dropping them.
So nodes stand in columns by life-cycle stage (left to right) and in model order within a column;
every arc bends to the right of its direction, so A→B and B→A never overlap; forward arcs (later in the
model order) are blue, backward ones orange and repeats (self-loops) grey; width shows frequency.

Conformance scores only the customers on the journey: by default those whose contacts cover at least half
of its distinct reasons, split into separate walks at gaps of more than 60 days (both can be changed in the
view; see :func:`workbench.analysis.conformance.conformance`). Customers with a single routine contact on
a busy journey reason would otherwise drown the deviations of the customers who really walk it.

Mining 1M events takes a second or two: the views compute only when shown (lazy), in a worker thread
with a loading indicator, and memoise per filters, level and journey.
"""

from __future__ import annotations

import asyncio
import math
from collections import OrderedDict
from typing import NamedTuple

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers the Bokeh backend for .opts)
import panel as pn
import param
import polars as pl

from workbench.analysis.conformance import Conformance, conformance, describe_rule
from workbench.analysis.mining import OrderedLog, directly_follows, order_events, variants, with_level
from workbench.model import Model
from workbench.ui.priorities import kpi_formatters
from workbench.ui.state import WorkbenchState

LEVELS = {"reason": "Contact reasons", "phase": "Phases", "stage": "Stages"}
KINDS = {"reason": "reasons", "phase": "phases", "stage": "stages"}
COLOURS = {"forward": "#2171b5", "back": "#e6550d", "repeat": "#969696"}
DEVIATIONS = {"share_skipped": "Skipped", "share_repeated": "Repeated", "share_out_of_order": "Out of order"}
_CACHE_SIZE = 8
# who is on a journey: the share (or, for "any", the number) of its distinct reasons a customer's contacts cover
ON_JOURNEY = {"any": 1, "quarter": 0.25, "half": 0.5, "three-quarters": 0.75, "all": 1.0}
ON_JOURNEY_LABELS = {"any of its reasons": "any", "a quarter of its reasons": "quarter",
                     "half of its reasons": "half", "three quarters of its reasons": "three-quarters",
                     "all of its reasons": "all"}
GAPS = {"never": 0, "30 days": 30, "60 days": 60, "90 days": 90, "180 days": 180, "a year": 365}


# -- data (plain functions, Polars) ------------------------------------------------------------------
def event_log(events: pl.LazyFrame, model: Model, level: str) -> tuple[pl.LazyFrame, int]:
    """customer_id, timestamp, activity (the reason, or its phase or stage); and how many events without a
    reason were left out (mining refuses nulls)."""
    lf = events.select("customer_id", "timestamp", "reason", "segment", "channel")
    missing = lf.select(pl.col("reason").is_null().sum()).collect().item()
    lf = lf.filter(pl.col("reason").is_not_null())
    if level != "reason":
        level_map = pl.DataFrame([(r.id, r.phase, model.phases[r.phase].stage) for r in model.reasons.values()],
                                 schema=["reason", "phase", "stage"], orient="row")
        lf = with_level(lf, level_map.select("reason", level), level)
    return lf.with_columns(pl.col(level).alias("activity")), missing


def model_order(model: Model, level: str) -> list[str]:
    return list(getattr(model, KINDS[level]))


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
        entity = getattr(model, KINDS[level]).get(n)
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
    labels = {k: v.label for k, v in getattr(model, KINDS[level]).items()}
    frame = variants(ordered, activity="activity", top=top)
    return frame.select(
        pl.col("variant").list.eval(pl.element().replace(labels)).list.join(" → ").alias("path"),
        pl.col("variant").list.len().alias("steps"), "cases", "share", "cumulative_share")


def step_bars(result: Conformance | Checked, model: Model) -> pl.DataFrame:
    """Per designed step and deviation: step (position and reason label), deviation, share of cases."""
    return (result.per_step.with_columns(
        pl.format("{}. {}", "position", pl.col("reason").replace({r.id: r.label for r in model.reasons.values()}))
        .alias("step"))
        .unpivot(on=list(DEVIATIONS), index=["position", "step"], variable_name="deviation", value_name="share")
        .with_columns(pl.col("deviation").replace(DEVIATIONS))
        .sort("position", maintain_order=True).select("step", "deviation", "share"))


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


# -- the component ----------------------------------------------------------------------------------
class JourneyFlow(pn.viewable.Viewer):
    """Actual customer paths (DFG and variants) at a level, and the conformance of a designed journey."""

    state = param.ClassSelector(class_=WorkbenchState)
    level = param.Selector(default="reason", objects=list(LEVELS))
    top = param.Integer(default=20, bounds=(1, 200), doc="Arcs shown in the directly-follows graph")
    on_journey = param.Selector(default="half", objects=list(ON_JOURNEY), doc="""
        Customers on a journey (scored): those whose contacts cover at least this part of its distinct reasons""")
    gap_days = param.Selector(default=60, objects=list(GAPS.values()), doc="""
        A gap of more than this many days between a customer's contacts starts a new journey (0: never)""")

    def __init__(self, **params):
        super().__init__(**params)
        self._logs: OrderedDict[tuple, tuple[OrderedLog, pl.DataFrame, int]] = OrderedDict()
        self._checks: OrderedDict[tuple, Checked] = OrderedDict()
        self.journey_select = pn.widgets.Select(name="Designed journey", width=300)
        self.journey_select.param.watch(lambda e: setattr(self.state, "journey", e.new) if e.new else None, "value")
        self._journeys()

    @param.depends("state.model", "state.journey", watch=True)
    def _journeys(self) -> None:
        self.journey_select.options = {j.label + (" (future)" if j.state == "future" else ""): j.id
                                       for j in self.state.model.journeys.values()}
        if self.state.journey in self.state.model.journeys:
            self.journey_select.value = self.state.journey

    # -- memoised computations --------------------------------------------------------------------------
    def _key(self, *extra) -> tuple:
        return (*extra, tuple(self.state.filters().items()), self.state.model_key())

    def mined(self) -> tuple[OrderedLog, pl.DataFrame, int]:
        """The ordered log, its full directly-follows graph and the events left out, for the level."""
        key = self._key(self.level)
        if key not in self._logs:
            log, missing = event_log(self.state.events(), self.state.model, self.level)
            ordered = order_events(log, activity="activity")
            self._logs[key] = (ordered, directly_follows(ordered, activity="activity"), missing)
            if len(self._logs) > _CACHE_SIZE:
                self._logs.popitem(last=False)
        return self._logs[key]

    def checked(self, journey: str) -> Checked | None:
        """Conformance of ``journey`` overall, by segment and by channel (None if it links no reason)."""
        designed = self.state.model.designed_sequence(journey)
        if not designed:
            return None
        key = self._key(journey, self.on_journey, self.gap_days)
        if key not in self._checks:
            log = self.state.events().filter(pl.col("reason").is_not_null())
            self._checks[key] = split_conformance(conformance(
                log, designed, by=["segment", "channel"], min_reasons=ON_JOURNEY[self.on_journey],
                gap_days=self.gap_days or None))
            if len(self._checks) > _CACHE_SIZE:
                self._checks.popitem(last=False)
        return self._checks[key]

    # -- views ------------------------------------------------------------------------------------------
    def graph(self, edges: pl.DataFrame) -> hv.Overlay:
        nodes, arcs = dfg_layout(edges, self.state.model, self.level)
        peak = max(arcs["frequency"].max() or 1, 1)
        arcs = arcs.with_columns((1 + 9 * pl.col("frequency") / peak).alias("width"))
        tips = [("Arc", "@arc"), ("Transitions", "@frequency{0,0}")]
        lines = [hv.Path([{"x": [p[0] for p in path], "y": [p[1] for p in path], "frequency": f, "width": w,
                           "arc": f"{s} → {t}"}
                          for path, f, w, s, t in part.select("path", "frequency", "width", "source_label",
                                                              "target_label").iter_rows()],
                         vdims=["frequency", "width", "arc"], label=kind).opts(
                    color=COLOURS[kind], line_width="width", alpha=0.7, tools=["hover"], hover_tooltips=tips)
                 for kind in COLOURS
                 if (part := self._labelled(arcs, nodes).filter(pl.col("direction") == kind)).height]
        points = hv.Points(nodes.to_pandas(), ["x", "y"], ["label", "node"]).opts(
            size=10, color="#333", tools=["hover"], hover_tooltips=[("", "@label")])
        labels = hv.Labels(nodes.to_pandas(), ["x", "y"], "label").opts(
            text_align="left", xoffset=0.06, text_font_size="9pt", text_baseline="middle")
        stages = list(self.state.model.stages.values())
        ticks = [(i, s.label) for i, s in enumerate(stages)]
        height = max(360, 34 * (1 - float(nodes["y"].min() or 0)) + 80)
        return hv.Overlay([*lines, points, labels]).opts(
            xticks=ticks, yaxis=None, xlim=(-0.5, len(stages) + 0.2), responsive=True, height=int(height),
            show_grid=False, toolbar="right", xlabel="",
            title=f"Top {edges.height} transitions (blue: forward, orange: back, grey: repeat)")

    @staticmethod
    def _labelled(arcs: pl.DataFrame, nodes: pl.DataFrame) -> pl.DataFrame:
        names = dict(zip(nodes["node"].to_list(), nodes["label"].to_list(), strict=True))
        return arcs.with_columns(pl.col("source").replace(names).alias("source_label"),
                                 pl.col("target").replace(names).alias("target_label"))

    @param.depends("level", "top", "state.period", "state.segment", "state.channel", "state.model")
    async def paths_view(self):
        ordered, dfg, missing = await asyncio.to_thread(self.mined)
        shown = top_edges(dfg, self.top)
        table = await asyncio.to_thread(variants_table, ordered, self.state.model, self.level)
        note = f" {missing:,} contacts without a reason are left out." if missing else ""
        return pn.Column(
            pn.pane.Markdown(f"{dfg.height:,} distinct transitions between {LEVELS[self.level].lower()}; the "
                             f"{shown.height} most frequent are drawn.{note}", styles={"color": "#555"}),
            pn.pane.HoloViews(self.graph(shown), sizing_mode="stretch_width") if shown.height else
            pn.pane.Markdown("No customer has two contacts in these filters."),
            pn.pane.Markdown("#### Most frequent paths"),
            pn.widgets.Tabulator(table.to_pandas(), show_index=False, disabled=True, sizing_mode="stretch_width",
                                 titles={"path": "Path", "steps": "Contacts", "cases": "Customers",
                                         "share": "Share", "cumulative_share": "Cumulative"},
                                 formatters=kpi_formatters({"cases": "volume", "share": "share",
                                                            "cumulative_share": "share"}),
                                 widths={"path": 700}, layout="fit_data_table"),
            sizing_mode="stretch_width")

    def rule(self, journey: str) -> str:
        """Who is on ``journey`` under the current settings, in words."""
        distinct = len(set(self.state.model.designed_sequence(journey)))
        text = describe_rule(ON_JOURNEY[self.on_journey], self.gap_days or None, distinct)
        if self.gap_days:
            text += ", so a customer who walks it twice counts twice"
        return text[0].upper() + text[1:] + "."

    @param.depends("state.journey", "state.period", "state.segment", "state.channel", "state.model", "on_journey",
                   "gap_days")
    async def conformance_view(self):
        journey = self.state.journey
        if journey not in self.state.model.journeys:
            return pn.pane.Markdown("Choose a journey.")
        result = await asyncio.to_thread(self.checked, journey)
        if result is None:
            return pn.pane.Markdown("This journey has no step linked to a contact reason yet.")
        overall = result
        model = self.state.model
        summary = overall.summary.row(0, named=True)
        rule = pn.pane.Markdown(f"*{self.rule(journey)}*", styles={"color": "#555"})
        if not summary["cases"]:
            if summary["cases_touching_only"]:
                return pn.Column(rule, pn.pane.Markdown(
                    f"No customer is on this journey in these filters: {summary['cases_touching_only']:,} touch "
                    "it on too few of its reasons. Lower *On the journey* to include them."))
            return pn.pane.Markdown("No customer's contacts touch this journey's reasons in these filters.")
        shares = step_bars(overall, model).with_columns((100 * pl.col("share")).alias("percent"))
        steps = shares["step"].unique(maintain_order=True).to_list()
        height = 90 + 26 * len(steps)
        charts = [hv.Bars(shares.filter(pl.col("deviation") == name).select("step", "percent", "share").to_pandas(),
                          "step", ["percent", "share"]).redim.values(step=steps[::-1]).opts(
                      invert_axes=True, color=colour, height=height, width=560 if i == 0 else 260, xlabel="",
                      ylabel="% of customers", yaxis="left" if i == 0 else None, title=name, tools=["hover"],
                      xlim=(0, 100), ylim=(0, 100))
                  for i, (name, colour) in enumerate(zip(DEVIATIONS.values(), ("#e6550d", "#fdae6b", "#9e9ac8"),
                                                         strict=True))]
        bars = hv.Layout(charts).cols(3).opts(shared_axes=False)
        names = {"segment": {k: v.label for k, v in model.segments.items()},
                 "channel": {k: v.label for k, v in model.channels.items()}}
        reasons = {k: v.label for k, v in model.reasons.items()}
        split = [(f"By {col}", self._table(frame.with_columns(pl.col(col).replace(names[col]))))
                 for col, frame in (("segment", result.by_segment), ("channel", result.by_channel))]
        extras = overall.extras.with_columns(pl.col("reason").replace(reasons))
        only = (f" {summary['cases_touching_only']:,} more touch it on fewer reasons and are not scored."
                if summary["cases_touching_only"] else "")
        return pn.Column(
            pn.pane.Markdown(f"**{summary['cases']:,}** customers on this journey. Mean fitness "
                             f"**{summary['mean_fitness']:.2f}**; **{summary['share_perfect']:.1%}** follow the "
                             f"designed sequence exactly.{only}"),
            rule,
            pn.pane.HoloViews(bars, sizing_mode="stretch_width"),
            pn.Tabs(("Extra reasons", self._table(extras)), *split, sizing_mode="stretch_width"),
            sizing_mode="stretch_width")

    @staticmethod
    def _table(frame: pl.DataFrame) -> pn.widgets.Tabulator:
        titles = {"reason": "Contact reason", "events": "Contacts", "cases": "Customers", "share_cases": "Share",
                  "mean_fitness": "Mean fitness", "share_perfect": "Perfect", "segment": "Segment",
                  "channel": "Channel", "cases_touching_only": "Touching only"}
        kpis = {c: k for c, k in (("events", "volume"), ("cases", "volume"), ("cases_touching_only", "volume"),
                                  ("share_cases", "share"),
                                  ("share_perfect", "share")) if c in frame.columns}
        return pn.widgets.Tabulator(frame.to_pandas(), show_index=False, disabled=True, titles=titles,
                                    formatters=kpi_formatters(kpis), pagination="local", page_size=12,
                                    sizing_mode="stretch_width", layout="fit_data_table")

    def __panel__(self):
        controls = pn.Row(pn.widgets.Select.from_param(self.param.level, name="Level", options={
            v: k for k, v in LEVELS.items()}, width=200),
            pn.widgets.IntSlider.from_param(self.param.top, name="Transitions shown", start=5, end=60, width=250))
        paths = pn.Column(controls, pn.param.ParamMethod(self.paths_view, lazy=True, loading_indicator=True),
                          sizing_mode="stretch_width")
        rules = pn.Row(
            self.journey_select,
            pn.widgets.Select.from_param(self.param.on_journey, name="On the journey: contacts on at least",
                                         options=ON_JOURNEY_LABELS, width=260),
            pn.widgets.Select.from_param(self.param.gap_days, name="New journey after a gap of more than",
                                         options=GAPS, width=240))
        check = pn.Column(rules,
                          pn.param.ParamMethod(self.conformance_view, lazy=True, loading_indicator=True),
                          sizing_mode="stretch_width")
        return pn.Tabs(("Actual paths", paths), ("Conformance", check), dynamic=True, sizing_mode="stretch_width")
