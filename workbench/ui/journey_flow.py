"""Journey flow: the paths customers actually take (directly-follows graph, variants) and how a designed
journey's sequence of reasons compares with them (conformance).

The process map is drawn as process-mining tools draw one: a layered left-to-right layout (start on
the left, end on the right) of the most frequent steps and arrows, with the counts on them; the sliders add
steps and arrows from the most frequent down; clicking a step keeps the customers with, without, starting
or ending at it; selecting a variant draws only its customers (see :mod:`workbench.analysis.process_map`).

Conformance scores only the customers on the journey: by default those whose contacts cover at least half
of its distinct reasons, split into separate walks at gaps of more than 60 days (both can be changed in the
view; see :func:`workbench.analysis.conformance.conformance`). Customers with a single routine contact on
a busy journey reason would otherwise drown the deviations of the customers who really walk it.

Mining 1M events takes a second or two: the views compute only when their tab is shown, in a worker thread
under a spinner (see :mod:`workbench.ui.background`); the Dataset remembers the results for every session.
"""

from __future__ import annotations

import html

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers the Bokeh backend for .opts)
import panel as pn
import param
import polars as pl

from workbench.analysis.conformance import describe_rule
from workbench.analysis.conformance_summary import DEVIATIONS, Checked
from workbench.analysis.mining import END, START, OrderedLog
from workbench.analysis.process_map import (
    HOW,
    ProcessMap,
    filter_cases,
    filter_min_events,
    filter_variant,
    process_map,
    variant_shares,
)
from workbench.dataset import Mined
from workbench.display.flow import LEVELS, step_bars
from workbench.display.process_map import KPI_HELP, KPIS, map_layout
from workbench.model import COLLECTIONS
from workbench.ui.background import Background
from workbench.ui.format import kpi_formatters
from workbench.ui.process_map_figure import NODES, process_map_figure
from workbench.ui.view import View

# who is on a journey: the share (or, for "any", the number) of its distinct reasons a customer's contacts cover
ON_JOURNEY = {"any": 1, "quarter": 0.25, "half": 0.5, "three-quarters": 0.75, "all": 1.0}
ON_JOURNEY_LABELS = {"any of its reasons": "any", "a quarter of its reasons": "quarter",
                     "half of its reasons": "half", "three quarters of its reasons": "three-quarters",
                     "all of its reasons": "all"}
#: the sliders' ends: beyond them a map is taller than a browser draws on one canvas, and takes seconds to lay out
MAX_STEPS, MAX_ARROWS = 40, 120
MAP_WIDTH = 1060  # pixels the process map is fitted to (the page's width at 1500 px, beside the filters)
LEVEL_BUTTONS = {"Reason": "reason", "Phase": "phase", "Stage": "stage"}
TAB_OF = {"map": 0, "variants": 0, "conformance": 1}  # the inner tab each drawn part sits in
GAPS = {"never": 0, "30 days": 30, "60 days": 60, "90 days": 90, "180 days": 180, "a year": 365}


# -- the component ----------------------------------------------------------------------------------
class JourneyFlow(View):
    """Actual customer paths (DFG and variants) at a level, and the conformance of a designed journey."""

    level = param.Selector(default="reason", objects=list(LEVELS))
    kpi = param.Selector(default="cases", objects=list(KPIS), doc="What the map's numbers count or time")
    activities = param.Integer(default=12, bounds=(1, None), doc="Activities drawn, the most frequent first")
    arcs = param.Integer(default=30, bounds=(1, None), doc="Arrows drawn, the most frequent first")
    several = param.Boolean(default=True, doc="Only customers with two or more contacts (a path, not a visit)")
    focus = param.String(default="", doc="The activity whose cases are kept (empty: every case)")
    how = param.Selector(default="with", objects=list(HOW), doc="Keep the cases with, without, starting or "
                                                               "ending at the focus")
    variant = param.Parameter(default=None, doc="Draw only the cases of this variant (a tuple of activities)")
    on_journey = param.Selector(default="half", objects=list(ON_JOURNEY), doc="""
        Customers on a journey (scored): those whose contacts cover at least this part of its distinct reasons""")
    gap_days = param.Selector(default=60, objects=list(GAPS.values()), doc="""
        A gap of more than this many days between a customer's contacts starts a new journey (0: never)""")

    def __init__(self, **params):
        super().__init__(**params)
        self.journey_select = pn.widgets.Select.from_param(self.selection.param.journey, name="Designed journey",
                                                           width=300)
        self._activity_slider = pn.widgets.IntSlider.from_param(self.param.activities, name="Steps shown",
                                                                start=1, end=MAX_STEPS, width=200)
        self._arc_slider = pn.widgets.IntSlider.from_param(self.param.arcs, name="Arrows shown", start=1,
                                                           end=MAX_ARROWS, width=200)
        self._shown_nodes: list[str] = []
        self._variants: list[list[str]] = []
        self._parts = {part: pn.Column(sizing_mode="stretch_width", min_height=40) for part in TAB_OF}
        self._work = {part: Background() for part in self._parts}
        self._stale = {"conformance"}
        self._tabs = self._layout()
        self._draw_map()
        self._draw_variants()

    # -- figures (the Dataset computes and remembers them) ---------------------------------------------
    def mined(self) -> Mined:
        """The ordered log, its full directly-follows graph and the events left out, for the level."""
        return self.data.mine(self.level, self.selection.filter)

    def checked(self, journey: str) -> Checked | None:
        """Conformance of ``journey`` overall, by segment and by channel (None if it links no reason)."""
        return self.data.conformance(journey, self.selection.filter, min_reasons=ON_JOURNEY[self.on_journey],
                                     gap_days=self.gap_days or None)

    # -- the process map ---------------------------------------------------------------------------------
    def process_map(self) -> ProcessMap:
        """The map of the chosen cases (node filter, then variant), cut by the two sliders."""
        return process_map(self.cases(), activities=self.activities, arcs=self.arcs)

    def cases(self, *, variant: bool = True) -> OrderedLog:
        """The mined log of the cases the node filter (and, with ``variant``, the chosen variant) keeps."""
        ordered = self.mined().ordered
        if self.several:
            ordered = filter_min_events(ordered, 2)
        if self.focus:
            ordered = filter_cases(ordered, self.focus, self.how)
        if variant and self.variant:
            ordered = filter_variant(ordered, list(self.variant))
        return ordered

    def labels(self) -> dict[str, str]:
        return {k: v.label for k, v in getattr(self.model, COLLECTIONS[self.level]).items()}

    def variant_rows(self, top: int = 20) -> pl.DataFrame:
        """The variant explorer's rows: path (labels), steps, customers, share in % (of the filtered cases)."""
        labels = self.labels()
        shares = variant_shares(self.cases(variant=False), top)
        return shares.select(
            pl.col("variant").list.eval(pl.element().replace(labels)).list.join(" → ").alias("path"),
            pl.col("variant").list.len().alias("steps"), "cases",
            pl.format('<div style="display:flex;align-items:center;gap:6px"><div style="background:#6baed6;'
                      'height:12px;width:{}px"></div>{} %</div>',
                      (150 * pl.col("share") / pl.col("share").max()).round(0),
                      (100 * pl.col("share")).round(1)).alias("share"),
            pl.col("variant"))

    def _tapped(self, attr, old, new) -> None:
        nodes = self._shown_nodes
        if new and nodes and new[0] < len(nodes) and nodes[new[0]] not in (START, END):
            self.param.update(focus=nodes[new[0]], variant=None)

    def map_figures(self) -> tuple[Mined, ProcessMap | None, object]:
        """The mined log, its map under the current settings and the map's layout (slow: a worker thread's)."""
        mined = self.mined()
        if mined.ordered.events.height == 0:
            return mined, None, None
        pm = self.process_map()
        return mined, pm, map_layout(pm, self.labels(), self.kpi, width=MAP_WIDTH)

    def map_view(self, figures: tuple[Mined, ProcessMap | None, object] | None = None) -> pn.viewable.Viewable:
        """The process map with its note (from :meth:`map_figures`, computed now when not given)."""
        mined, pm, drawn = figures or self.map_figures()
        if pm is None:
            return pn.pane.Markdown("No contacts in these filters.")
        self._activity_slider.end = max(min(pm.activities_total, MAX_STEPS), 2)
        self._arc_slider.end = max(min(pm.arcs_total, MAX_ARROWS), 2)
        self._shown_nodes = drawn.nodes["node"].to_list()
        plot = process_map_figure(drawn)
        plot.select_one({"name": NODES}).selected.on_change("indices", self._tapped)
        shown = pm.nodes.height - 2
        who = " with two or more contacts" if self.several else ""
        note = (f"{pm.cases:,} customers{who}. Showing the {shown} most frequent of {pm.activities_total} "
                f"{LEVELS[self.level].lower()} and {pm.arcs.height} of {pm.arcs_total} arrows. "
                f"{KPIS[self.kpi]}: {KPI_HELP[self.kpi]}.")
        if mined.missing:
            note += f" {mined.missing:,} contacts without a reason are left out."
        return pn.Column(pn.pane.Markdown(html.escape(note), styles={"color": "#555"}, margin=(0, 10)),
                         _scrolling(pn.pane.Bokeh(plot, sizing_mode="fixed", width=plot.width, height=plot.height)),
                         sizing_mode="stretch_width")

    def variants_view(self, rows: pl.DataFrame | None = None) -> pn.viewable.Viewable:
        """The variants table (from :meth:`variant_rows`, computed now when not given)."""
        rows = self.variant_rows() if rows is None else rows
        self._variants = rows["variant"].to_list()
        table = pn.widgets.Tabulator(
            rows.drop("variant").to_pandas(), show_index=False, disabled=True, selectable=1,
            titles={"path": "Path", "steps": "Steps", "cases": "Customers", "share": "Share of customers"},
            formatters={"share": {"type": "html"}, "path": {"type": "textarea"},
                        "cases": {"type": "money", "thousand": ",", "precision": 0}},
            widths={"path": 640, "share": 220}, sizing_mode="stretch_width", layout="fit_data_table",
            name="variants")
        table.param.watch(self._chose_variant, "selection")
        return pn.Column(pn.pane.Markdown("#### Variants: the most frequent paths (select one to draw only its "
                                          "customers)"), table, sizing_mode="stretch_width")

    def _chose_variant(self, event) -> None:
        chosen = event.new[0] if event.new else None
        self.variant = tuple(self._variants[chosen]) if chosen is not None and chosen < len(self._variants) else None

    def _filter_text(self) -> str:
        if not self.focus:
            return "Click a step on the map to keep only the customers with, without, starting or ending at it."
        label = self.labels().get(self.focus, self.focus)
        text = f"Customers **{HOW[self.how]}** “{html.escape(label)}”"
        if self.variant:
            text += " and on the chosen variant"
        return text + "."

    @param.depends("focus", "how", "variant", "level")
    def _filter_bar(self):
        clear = pn.widgets.Button(name="Show all customers", button_type="light", width=170,
                                  disabled=not (self.focus or self.variant))
        clear.on_click(lambda _: self.param.update(focus="", variant=None))
        return pn.Row(pn.pane.Markdown(self._filter_text(), margin=(8, 10)), clear)

    @param.depends("level", watch=True)
    def _new_level(self) -> None:
        self.param.update(focus="", variant=None)

    def rule(self, journey: str) -> str:
        """Who is on ``journey`` under the current settings, in words."""
        distinct = len(set(self.model.designed_sequence(journey)))
        text = describe_rule(ON_JOURNEY[self.on_journey], self.gap_days or None, distinct)
        if self.gap_days:
            text += ", so a customer who walks it twice counts twice"
        return text[0].upper() + text[1:] + "."

    def conformance_view(self, journey: str | None = None, result: object = ...) -> pn.viewable.Viewable:
        """The conformance of ``journey`` (default the selected one) from ``result`` (:meth:`checked`, computed now
        when not given)."""
        journey = self.selection.journey if journey is None else journey
        if journey not in self.model.journeys:
            return pn.pane.Markdown("Choose a journey.")
        result = self.checked(journey) if result is ... else result
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
                             f"**{summary['mean_fitness']:.2f}** (how closely their contacts follow the designed "
                             f"order: 1 exactly, 0 not at all); **{summary['share_perfect']:.1%}** follow the "
                             f"designed sequence exactly.{only}"),
            rule,
            pn.pane.HoloViews(bars, sizing_mode="stretch_width"),
            pn.Tabs(("Extra reasons", self._table(extras)), *split, sizing_mode="stretch_width"),
            sizing_mode="stretch_width")

    # -- drawn in a worker thread when their tab shows; never the previous journey's or level's figures ---
    @param.depends("level", "kpi", "activities", "arcs", "focus", "how", "variant", "several",
                   "selection.filter", "session.data", watch=True)
    def _draw_map(self) -> None:
        self._draw("map", f"Drawing the paths between {LEVELS[self.level].lower()} …", self.map_figures,
                   self.map_view)

    @param.depends("level", "focus", "how", "several", "selection.filter", "session.data", watch=True)
    def _draw_variants(self) -> None:
        self._draw("variants", "Counting the variants …", self.variant_rows, self.variants_view)

    @param.depends("selection.journey", "selection.filter", "session.data", "on_journey", "gap_days", watch=True)
    def _draw_conformance(self) -> None:
        journey = self.selection.journey
        if journey not in self.model.journeys:
            self._parts["conformance"].objects = [self.conformance_view(journey)]
            return
        title = html.escape(self.model.journey_title(journey))
        self._draw("conformance", f"Checking “{title}” against the customers' contacts …",
                   lambda: self.checked(journey), lambda result: self.conformance_view(journey, result))

    def _draw(self, part: str, doing: str, compute, view) -> None:
        """Recompute ``part`` now if its tab shows, else when it is next shown."""
        if self._tabs.active != TAB_OF[part]:
            self._stale.add(part)
            return
        self._stale.discard(part)
        self._work[part].fill(self._parts[part], compute, view, doing=doing)

    def _tab_shown(self, _event) -> None:
        for part in [p for p in TAB_OF if p in self._stale]:
            getattr(self, f"_draw_{part}")()

    @staticmethod
    def _table(frame: pl.DataFrame) -> pn.widgets.Tabulator:
        titles = {"reason": "Contact reason", "events": "Contacts", "cases": "Customers", "share_cases": "Share",
                  "mean_fitness": "Mean fitness (0–1)", "share_perfect": "Follow it exactly", "segment": "Segment",
                  "channel": "Channel", "cases_touching_only": "On too few of its reasons (not scored)"}
        tips = {"mean_fitness": "How closely the contacts follow the designed order: 1 exactly, 0 not at all",
                "cases_touching_only": "Customers with contacts on some of the journey's reasons, fewer than "
                                       "'On the journey' asks for"}
        kpis = {c: k for c, k in (("events", "volume"), ("cases", "volume"), ("cases_touching_only", "volume"),
                                  ("share_cases", "share"),
                                  ("share_perfect", "share")) if c in frame.columns}
        return pn.widgets.Tabulator(frame.to_pandas(), show_index=False, disabled=True, titles=titles,
                                    formatters=kpi_formatters(kpis), pagination="local", page_size=12,
                                    sizing_mode="stretch_width", layout="fit_data_table",
                                    header_tooltips={c: t for c, t in tips.items() if c in frame.columns})

    def __panel__(self):
        return self._tabs

    def _layout(self) -> pn.Tabs:
        controls = pn.Row(
            pn.Column(pn.pane.HTML("<b>Level</b>", margin=(0, 10)),
                      pn.widgets.RadioButtonGroup.from_param(self.param.level, options=LEVEL_BUTTONS,
                                                             button_type="primary", button_style="outline",
                                                             width=220)),
            pn.widgets.Select.from_param(self.param.kpi, name="Show", options={v: k for k, v in KPIS.items()},
                                         width=230),
            self._activity_slider, self._arc_slider, sizing_mode="stretch_width")
        several = pn.widgets.Checkbox.from_param(self.param.several, name="Only customers with two or more "
                                                 "contacts (a path, not a single visit)")
        how = pn.Row(pn.pane.HTML("<b>Clicking a step keeps the customers</b>", margin=(12, 10)),
                     pn.widgets.RadioButtonGroup.from_param(self.param.how, options={v: k for k, v in HOW.items()},
                                                            button_type="primary", button_style="outline", width=340))
        paths = pn.Column(controls, several, how, self._filter_bar, self._parts["map"],
                          self._parts["variants"], sizing_mode="stretch_width")
        rules = pn.Row(
            self.journey_select,
            pn.widgets.Select.from_param(self.param.on_journey, name="On the journey: contacts on at least",
                                         options=ON_JOURNEY_LABELS, width=260),
            pn.widgets.Select.from_param(self.param.gap_days, name="New journey after a gap of more than",
                                         options=GAPS, width=240))
        check = pn.Column(rules,
                          self._parts["conformance"],
                          sizing_mode="stretch_width")
        tabs = pn.Tabs(("Process map", paths), ("Conformance", check), dynamic=True, sizing_mode="stretch_width")
        tabs.param.watch(self._tab_shown, "active")
        return tabs


def _scrolling(pane: pn.viewable.Viewable) -> pn.Row:
    """``pane`` in a box as wide as the page that scrolls when the pane is wider (a map at one pixel per unit)."""
    return pn.Row(pane, scroll=True, sizing_mode="stretch_width", styles={"min-width": "0", "max-width": "100%"})
