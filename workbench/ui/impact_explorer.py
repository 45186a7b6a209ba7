"""Impact explorer: which reasons, journeys, steps, segments and customers an IT system, a process or a
closed channel hits (``workbench.analysis.impact.impact``), and what a journey depends on.

The flow system/process/channel → reasons → journeys is drawn as a Sankey: the graph has no cycles (a
node's kind is part of its id), so every link reads left to right and its width is its contacts.
"""

from __future__ import annotations

import html

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers the Bokeh backend for .opts)
import panel as pn
import param
import polars as pl

from workbench.analysis.impact import Impact, dependencies
from workbench.display.choices import choices
from workbench.display.formats import format_kpi
from workbench.display.impact import TOP_REASONS, reasons_table, sankey_frames
from workbench.ui.format import kpi_formatters
from workbench.ui.view import View

NO_CHANNEL = ""
HEADLINES = (("reasons", "Contact reasons", "volume"), ("journeys", "Journeys", "volume"),
             ("steps", "Journey steps", "volume"), ("contacts", "Contacts", "volume"),
             ("customers", "Distinct customers", "customers"), ("cost", "Cost", "cost"), ("nps", "NPS", "nps"))
REASON_TITLES = {"label": "Contact reason", "hit_by": "Depends on", "volume": "Contacts",
                 "affected_volume": "Contacts affected",
                 "channel_volume": "In the channel", "customers": "Customers", "cost": "Cost", "nps": "NPS"}
STEP_TITLES = {"journey_label": "Journey", "state": "State", "step_label": "Step", "reason_label": "Contact reason"}
SEGMENT_TITLES = {"label": "Segment", "volume": "Contacts", "customers": "Customers"}


def _room_for_labels(plot, element) -> None:
    """Widen the Sankey's x range to the left, so the labels of its first column are not cut."""
    x_range = plot.state.x_range
    if x_range.start is not None and x_range.end is not None:
        width = x_range.end - x_range.start
        x_range.start = x_range.start - 0.25 * width  # the labels stand left of their columns


def headline_html(totals: pl.DataFrame) -> str:
    """The totals as figure cards (numbers only: nothing user-typed reaches this HTML)."""
    row = totals.row(0, named=True)
    cards = "".join(
        f'<div style="padding:8px 16px;border:1px solid #ddd;border-radius:6px;min-width:110px">'
        f'<div style="font-size:12px;color:#555">{title}</div>'
        f'<div style="font-size:24px;font-weight:600">{format_kpi(kpi, row[key])}</div></div>'
        for key, title, kpi in HEADLINES)
    return f'<div style="display:flex;gap:10px;flex-wrap:wrap">{cards}</div>'


class ImpactExplorer(View):
    """Choose IT systems, processes and a channel to close; see what they hit. Plus journey dependencies."""

    systems = param.ListSelector(default=[], objects=[])
    processes = param.ListSelector(default=[], objects=[])
    channel = param.Selector(default=NO_CHANNEL, objects=[NO_CHANNEL], doc="A channel to be closed")

    def __init__(self, **params):
        chosen = {k: params.pop(k) for k in ("systems", "processes", "channel") if k in params}
        super().__init__(**params)
        self.journey_select = pn.widgets.Select.from_param(self.selection.param.journey, name="Journey")
        self._choices()
        self.param.update(**chosen)
        # option labels are user text: MultiChoice renders them as HTML, so they are escaped here
        self.chooser = pn.Column(
            pn.widgets.MultiChoice.from_param(self.param.systems, name="IT systems", width=300),
            pn.widgets.MultiChoice.from_param(self.param.processes, name="Back-office processes", width=300),
            pn.widgets.Select.from_param(self.param.channel, name="Channel to be closed", width=300), width=320)

    @param.depends("session.data", watch=True)
    def _choices(self) -> None:
        model = self.model
        self.param.systems.objects = {html.escape(k): v for k, v in choices(model, "system").items()}
        self.param.processes.objects = {html.escape(k): v for k, v in choices(model, "process").items()}
        self.param.channel.objects = {"(none)": NO_CHANNEL, **choices(model, "channel")}
        self.systems = [s for s in self.systems if s in model.systems]
        self.processes = [p for p in self.processes if p in model.processes]
        if self.channel not in model.channels:
            self.channel = NO_CHANNEL

    # -- data -------------------------------------------------------------------------------------------
    def result(self) -> Impact | None:
        """What the chosen items hit under the current filters; None when nothing is chosen."""
        channels = [self.channel] if self.channel else []
        if not (self.systems or self.processes or channels):
            return None
        return self.data.impact(systems=self.systems, processes=self.processes, channels=channels,
                                filters=self.selection.filter)

    # -- views ------------------------------------------------------------------------------------------
    @param.depends("systems", "processes", "channel", "selection.filter", "session.data")
    def impact_view(self):
        result = self.result()
        if result is None:
            return pn.pane.Markdown("Choose at least one IT system, process or channel to see what it hits.")
        reasons = reasons_table(result)
        journeys = result.journeys.with_columns(
            pl.col("reason").replace_strict({r.id: r.label for r in self.model.reasons.values()},
                                            default=pl.col("reason")).alias("reason_label"))
        segments = result.segments
        return pn.Column(
            pn.pane.HTML(headline_html(result.totals), sizing_mode="stretch_width"),
            pn.pane.Markdown("A contact counts once even when several choices hit it; journey figures overlap "
                             "(a reason's contacts count toward every journey that uses it).",
                             styles={"color": "#555"}),
            pn.pane.HoloViews(self.sankey(result), sizing_mode="stretch_width", min_height=420, linked_axes=False),
            pn.Tabs(("Contact reasons", self._table(reasons, REASON_TITLES, hidden=["reason"])),
                    ("Journeys and steps", self._table(journeys, STEP_TITLES, hidden=["journey", "step", "reason"])),
                    ("Segments", self._table(segments, SEGMENT_TITLES, hidden=["segment"])),
                    sizing_mode="stretch_width"),
            sizing_mode="stretch_width")

    def sankey(self, result: Impact) -> hv.Element:
        nodes, edges = sankey_frames(result)
        if edges.height == 0:
            return hv.Text(0, 0, "No contacts are hit in the chosen period and filters.")
        return hv.Sankey((edges.to_pandas(), hv.Dataset(nodes.to_pandas(), "id")), ["source", "target"], "value").opts(
            labels="label", label_position="left", label_text_font_size="9pt", node_padding=14, node_color="kind",
            cmap="Category10", edge_color="source", edge_alpha=0.35, node_width=14, responsive=True, min_height=420,
            show_values=False, hooks=[_room_for_labels],
            title=f"What the choice hits: contacts by contact reason (top {TOP_REASONS}) and journey")

    @staticmethod
    def _table(frame: pl.DataFrame, titles: dict[str, str], hidden: list[str]) -> pn.widgets.Tabulator:
        kpis = {c: k for c, k in (("volume", "volume"), ("affected_volume", "volume"), ("channel_volume", "volume"),
                                  ("customers", "customers"), ("cost", "cost"), ("nps", "nps")) if c in frame.columns}
        texts = {c: {"type": "textarea"} for c in frame.columns if frame.schema[c] == pl.String and c in titles}
        untitled = [c for c in frame.columns if c not in titles]  # ids and helpers: never an id as a header
        return pn.widgets.Tabulator(frame.to_pandas(), show_index=False, disabled=True, titles=titles,
                                    hidden_columns=list(dict.fromkeys([*hidden, *untitled])),
                                    formatters={**texts, **kpi_formatters(kpis)}, pagination="local",
                                    page_size=15, sizing_mode="stretch_width", layout="fit_columns",
                                    configuration={"columnDefaults": {"headerWordWrap": True}})

    # -- journey dependencies ---------------------------------------------------------------------------
    @param.depends("selection.journey", "session.data")
    def dependencies_view(self):
        journey = self.selection.journey
        if journey not in self.model.journeys:
            return pn.pane.Markdown("Choose a journey.")
        deps = dependencies(self.model, journey).with_columns(
            pl.col("kind").replace_strict({"process": "Process", "system": "IT system"}, default="—"),
            pl.col("label").fill_null("(none linked)"))
        title = html.escape(self.model.journey_title(journey))
        return pn.Column(
            pn.pane.HTML(f"<h4>What <em>{title}</em> depends on</h4><p>Each contact reason of the journey (in "
                         "step order) and the processes and IT systems behind it.</p>"),
            self._table(deps, {"reason_label": "Contact reason", "steps": "Steps", "kind": "Kind",
                               "label": "Process or system"}, hidden=["journey", "reason", "id"]),
            sizing_mode="stretch_width")

    def __panel__(self):
        impact_tab = pn.Row(self.chooser, pn.panel(self.impact_view, loading_indicator=True),
                            sizing_mode="stretch_width")
        deps_tab = pn.Column(self.journey_select, self.dependencies_view, sizing_mode="stretch_width")
        return pn.Tabs(("Impact", impact_tab), ("Journey dependencies", deps_tab), dynamic=True,
                       sizing_mode="stretch_width")
