"""Impact explorer: which reasons, journeys, steps, segments and customers an IT system, a process or a
closed channel hits (``workbench.analysis.impact.impact``), and what a journey depends on.

The flow system/process/channel → reasons → journeys is drawn as a Sankey: the graph has no cycles (a
node's kind is part of its id), so every link reads left to right and its width is its contacts.
"""

from __future__ import annotations

from collections import OrderedDict

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers the Bokeh backend for .opts)
import panel as pn
import param
import polars as pl

from workbench.analysis.impact import Impact, dependencies, impact
from workbench.ui.format import format_kpi
from workbench.ui.priorities import kpi_formatters
from workbench.ui.state import WorkbenchState

NO_CHANNEL = ""
TOP_REASONS = 15
HEADLINES = (("reasons", "Contact reasons", "volume"), ("journeys", "Journeys", "volume"),
             ("steps", "Journey steps", "volume"), ("contacts", "Contacts", "volume"),
             ("customers", "Distinct customers", "customers"), ("cost", "Cost", "cost"), ("nps", "NPS", "nps"))
_CACHE_SIZE = 16
REASON_TITLES = {"label": "Contact reason", "hit_by": "Hit by", "volume": "Contacts", "affected_volume": "Hit",
                 "channel_volume": "In the channel", "customers": "Customers", "cost": "Cost", "nps": "NPS"}
STEP_TITLES = {"journey_label": "Journey", "state": "State", "step_label": "Step", "reason_label": "Contact reason"}
SEGMENT_TITLES = {"label": "Segment", "volume": "Contacts", "customers": "Customers"}


def headline_html(totals: pl.DataFrame) -> str:
    """The totals as figure cards (numbers only: nothing user-typed reaches this HTML)."""
    row = totals.row(0, named=True)
    cards = "".join(
        f'<div style="padding:8px 16px;border:1px solid #ddd;border-radius:6px;min-width:110px">'
        f'<div style="font-size:12px;color:#555">{title}</div>'
        f'<div style="font-size:24px;font-weight:600">{format_kpi(kpi, row[key])}</div></div>'
        for key, title, kpi in HEADLINES)
    return f'<div style="display:flex;gap:10px;flex-wrap:wrap">{cards}</div>'


def reasons_table(result: Impact) -> pl.DataFrame:
    """Affected reasons: label, what hits it (labels), its contacts, those hit, customers, cost, NPS;
    by contacts hit."""
    via = result.links.group_by("reason", maintain_order=True).agg(
        pl.col("source_label").unique(maintain_order=True).str.join(", ").alias("hit_by"))
    extra = ["channel_volume"] if "channel_volume" in result.reasons.columns else []
    return (result.reasons.join(via, on="reason", how="left", maintain_order="left")
            .select("reason", "label", "hit_by", "volume", "affected_volume", *extra, "customers", "cost", "nps")
            .sort(["affected_volume", "reason"], descending=[True, False]))


def sankey_frames(result: Impact, top: int = TOP_REASONS) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Nodes (id, label, kind) and edges (source, target, value: contacts) of the Sankey.

    The ``top`` reasons by contacts hit are drawn; the others are merged into one "Other reasons" node.
    A reason that no journey uses flows into a "No journey uses it" node, so every reason sits in the
    middle column. Links without contacts are left out; future-state journeys are marked "(future)".
    """
    graph = result.graph()
    ranked = result.reasons.sort(["affected_volume", "reason"], descending=[True, False])
    kept = set(ranked.head(top)["reason"].to_list())
    others = ranked.height - len(kept)
    other_id, none_id = "reason:__other", "journey:__none"
    merge = {f"reason:{r}": other_id for r in ranked["reason"].to_list() if r not in kept}
    edges = graph.edges.with_columns(pl.col("source").replace(merge), pl.col("target").replace(merge))
    with_journey = set(edges.filter(pl.col("target").str.starts_with("journey:"))["source"].to_list())
    lone = (result.reasons.select(pl.concat_str(pl.lit("reason:"), "reason").replace(merge).alias("source"),
                                  pl.lit(none_id).alias("target"), pl.col("affected_volume").alias("value"))
            .filter(~pl.col("source").is_in(list(with_journey))))
    edges = (pl.concat([edges, lone], how="vertical_relaxed").group_by("source", "target", maintain_order=True)
             .agg(pl.col("value").sum()).filter(pl.col("value") > 0))
    future = set(result.journeys.filter(pl.col("state") == "future")["journey"].to_list())
    nodes = pl.concat([
        graph.nodes.select("id", pl.when(pl.col("kind").eq("journey") & pl.col("key").is_in(list(future)))
                           .then(pl.col("label") + " (future)").otherwise("label").alias("label"), "kind"),
        pl.DataFrame({"id": [other_id, none_id], "label": [f"Other reasons ({others})", "No journey uses it"],
                      "kind": ["reason", "journey"]})])
    used = set(edges["source"].to_list()) | set(edges["target"].to_list())
    return nodes.filter(pl.col("id").is_in(list(used))).unique("id", maintain_order=True), edges


class ImpactExplorer(pn.viewable.Viewer):
    """Choose IT systems, processes and a channel to close; see what they hit. Plus journey dependencies."""

    state = param.ClassSelector(class_=WorkbenchState)
    systems = param.ListSelector(default=[], objects=[])
    processes = param.ListSelector(default=[], objects=[])
    channel = param.Selector(default=NO_CHANNEL, objects=[NO_CHANNEL], doc="A channel to be closed")

    def __init__(self, **params):
        chosen = {k: params.pop(k) for k in ("systems", "processes", "channel") if k in params}
        super().__init__(**params)
        self._cache: OrderedDict[tuple, Impact] = OrderedDict()
        self.journey_select = pn.widgets.Select(name="Journey")
        self.journey_select.param.watch(self._on_journey, "value")
        self._choices()
        self.param.update(**chosen)
        self.chooser = pn.Column(
            pn.widgets.MultiChoice.from_param(self.param.systems, name="IT systems", width=300),
            pn.widgets.MultiChoice.from_param(self.param.processes, name="Back-office processes", width=300),
            pn.widgets.Select.from_param(self.param.channel, name="Channel to be closed", width=300), width=320)

    @param.depends("state.model", watch=True)
    def _choices(self) -> None:
        model = self.state.model
        self.param.systems.objects = {s.label: s.id for s in model.systems.values()}
        self.param.processes.objects = {p.label: p.id for p in model.processes.values()}
        self.param.channel.objects = {"(none)": NO_CHANNEL, **{c.label: c.id for c in model.channels.values()}}
        self.systems = [s for s in self.systems if s in model.systems]
        self.processes = [p for p in self.processes if p in model.processes]
        if self.channel not in model.channels:
            self.channel = NO_CHANNEL
        self.journey_select.options = {j.label: j.id for j in model.journeys.values()}
        self._follow_journey()

    # -- data -------------------------------------------------------------------------------------------
    def result(self) -> Impact | None:
        """``impact`` of the chosen items on the filtered events (memoised); None when nothing is chosen."""
        channels = [self.channel] if self.channel else []
        if not (self.systems or self.processes or channels):
            return None
        key = (tuple(self.systems), tuple(self.processes), tuple(channels), tuple(self.state.filters().items()),
               self.state.model_key())
        if key not in self._cache:
            self._cache[key] = impact(self.state.model, self.state.events(), systems=self.systems,
                                      processes=self.processes, channels=channels, dims=self.state.dims)
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        return self._cache[key]

    # -- views ------------------------------------------------------------------------------------------
    @param.depends("systems", "processes", "channel", "state.period", "state.segment", "state.channel",
                   "state.model")
    def impact_view(self):
        result = self.result()
        if result is None:
            return pn.pane.Markdown("Choose at least one IT system, process or channel to see what it hits.")
        reasons = reasons_table(result)
        journeys = result.journeys.with_columns(
            pl.col("reason").replace_strict({r.id: r.label for r in self.state.model.reasons.values()},
                                            default=pl.col("reason")).alias("reason_label"))
        segments = result.segments
        return pn.Column(
            pn.pane.HTML(headline_html(result.totals), sizing_mode="stretch_width"),
            pn.pane.Markdown("A contact counts once even when several choices hit it; journey figures overlap "
                             "(a reason's contacts count toward every journey that uses it).",
                             styles={"color": "#555"}),
            pn.pane.HoloViews(self.sankey(result), sizing_mode="stretch_width", min_height=420),
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
            labels="label", label_position="right", node_color="kind", cmap="Category10", edge_color="source",
            edge_alpha=0.35, node_width=14, responsive=True, min_height=420, show_values=False,
            title=f"What the choice hits: contacts by contact reason (top {TOP_REASONS}) and journey")

    @staticmethod
    def _table(frame: pl.DataFrame, titles: dict[str, str], hidden: list[str]) -> pn.widgets.Tabulator:
        kpis = {c: k for c, k in (("volume", "volume"), ("affected_volume", "volume"), ("channel_volume", "volume"),
                                  ("customers", "customers"), ("cost", "cost"), ("nps", "nps")) if c in frame.columns}
        return pn.widgets.Tabulator(frame.to_pandas(), show_index=False, disabled=True, titles=titles,
                                    hidden_columns=hidden, formatters=kpi_formatters(kpis), pagination="local",
                                    page_size=15, sizing_mode="stretch_width", layout="fit_data_table")

    # -- journey dependencies ---------------------------------------------------------------------------
    @param.depends("state.journey", watch=True)
    def _follow_journey(self) -> None:
        if self.state.journey in self.state.model.journeys:
            self.journey_select.value = self.state.journey

    def _on_journey(self, event) -> None:
        if event.new and event.new != self.state.journey:
            self.state.journey = event.new

    @param.depends("state.journey", "state.model")
    def dependencies_view(self):
        journey = self.state.journey
        if journey not in self.state.model.journeys:
            return pn.pane.Markdown("Choose a journey.")
        deps = dependencies(self.state.model, journey).with_columns(
            pl.col("kind").replace_strict({"process": "Process", "system": "IT system"}, default="—"),
            pl.col("label").fill_null("(none linked)"))
        title = self.state.label("journeys", journey)
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
