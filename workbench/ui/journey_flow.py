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
with a loading indicator; the Dataset remembers the results for every session.
"""

from __future__ import annotations

import asyncio
import html

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers the Bokeh backend for .opts)
import panel as pn
import param
import polars as pl

from workbench.analysis.conformance import describe_rule
from workbench.analysis.conformance_summary import DEVIATIONS, Checked
from workbench.dataset import Mined
from workbench.display.flow import COLOURS, LEVELS, dfg_layout, step_bars, top_edges, variants_table
from workbench.ui.format import kpi_formatters
from workbench.ui.view import View

# who is on a journey: the share (or, for "any", the number) of its distinct reasons a customer's contacts cover
ON_JOURNEY = {"any": 1, "quarter": 0.25, "half": 0.5, "three-quarters": 0.75, "all": 1.0}
ON_JOURNEY_LABELS = {"any of its reasons": "any", "a quarter of its reasons": "quarter",
                     "half of its reasons": "half", "three quarters of its reasons": "three-quarters",
                     "all of its reasons": "all"}
GAPS = {"never": 0, "30 days": 30, "60 days": 60, "90 days": 90, "180 days": 180, "a year": 365}


# -- the component ----------------------------------------------------------------------------------
class JourneyFlow(View):
    """Actual customer paths (DFG and variants) at a level, and the conformance of a designed journey."""

    level = param.Selector(default="reason", objects=list(LEVELS))
    top = param.Integer(default=20, bounds=(1, 200), doc="Arcs shown in the directly-follows graph")
    on_journey = param.Selector(default="half", objects=list(ON_JOURNEY), doc="""
        Customers on a journey (scored): those whose contacts cover at least this part of its distinct reasons""")
    gap_days = param.Selector(default=60, objects=list(GAPS.values()), doc="""
        A gap of more than this many days between a customer's contacts starts a new journey (0: never)""")

    def __init__(self, **params):
        super().__init__(**params)
        self.journey_select = pn.widgets.Select.from_param(self.selection.param.journey, name="Designed journey",
                                                           width=300)

    # -- figures (the Dataset computes and remembers them) ---------------------------------------------
    def mined(self) -> Mined:
        """The ordered log, its full directly-follows graph and the events left out, for the level."""
        return self.data.mine(self.level, self.selection.filter)

    def checked(self, journey: str) -> Checked | None:
        """Conformance of ``journey`` overall, by segment and by channel (None if it links no reason)."""
        return self.data.conformance(journey, self.selection.filter, min_reasons=ON_JOURNEY[self.on_journey],
                                     gap_days=self.gap_days or None)

    # -- views ------------------------------------------------------------------------------------------
    def graph(self, edges: pl.DataFrame) -> hv.Overlay:
        nodes, arcs = dfg_layout(edges, self.model, self.level)
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
        stages = list(self.model.stages.values())
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

    @param.depends("level", "top", "selection.filter", "session.data")
    async def paths_view(self):
        mined = await asyncio.to_thread(self.mined)
        dfg, missing = mined.dfg, mined.missing
        shown = top_edges(dfg, self.top)
        table = await asyncio.to_thread(variants_table, mined.ordered, self.model, self.level)
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
        distinct = len(set(self.model.designed_sequence(journey)))
        text = describe_rule(ON_JOURNEY[self.on_journey], self.gap_days or None, distinct)
        if self.gap_days:
            text += ", so a customer who walks it twice counts twice"
        return text[0].upper() + text[1:] + "."

    @param.depends("selection.journey", "selection.filter", "session.data", "on_journey", "gap_days")
    async def conformance_view(self):
        journey = self.selection.journey
        if journey not in self.model.journeys:
            return pn.pane.Markdown("Choose a journey.")
        result = await asyncio.to_thread(self.checked, journey)
        if result is None:
            return pn.pane.Markdown("This journey has no step linked to a contact reason yet.")
        overall = result
        model = self.model
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

    # -- what is shown while computing: never the previous journey's or level's figures ---------------
    @param.depends("level", "top", "selection.filter", "session.data")
    async def _paths_shown(self):
        yield _computing(f"Finding the paths between {LEVELS[self.level].lower()} …")
        yield await self.paths_view()

    @param.depends("selection.journey", "selection.filter", "session.data", "on_journey", "gap_days")
    async def _conformance_shown(self):
        journey = self.selection.journey
        if journey in self.model.journeys:
            yield _computing(f"Checking “{html.escape(self.model.journey_title(journey))}” against the customers' "
                             "contacts …")
        yield await self.conformance_view()

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
        paths = pn.Column(controls, pn.param.ParamMethod(self._paths_shown, lazy=True),
                          sizing_mode="stretch_width")
        rules = pn.Row(
            self.journey_select,
            pn.widgets.Select.from_param(self.param.on_journey, name="On the journey: contacts on at least",
                                         options=ON_JOURNEY_LABELS, width=260),
            pn.widgets.Select.from_param(self.param.gap_days, name="New journey after a gap of more than",
                                         options=GAPS, width=240))
        check = pn.Column(rules,
                          pn.param.ParamMethod(self._conformance_shown, lazy=True),
                          sizing_mode="stretch_width")
        return pn.Tabs(("Actual paths", paths), ("Conformance", check), dynamic=True, sizing_mode="stretch_width")


def _computing(text: str) -> pn.Row:
    """A spinner and what is being computed (``text`` is HTML, user parts escaped by the caller)."""
    return pn.Row(pn.indicators.LoadingSpinner(value=True, size=28, margin=(8, 10)),
                  pn.pane.HTML(f"<i>{text}</i>", margin=(14, 0)), sizing_mode="stretch_width")
