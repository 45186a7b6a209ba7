"""Everything known about one contact reason: where it sits, its KPIs, trend, channels, segments, links.

Follows ``state.reason`` (a prompt when none is selected). The trend covers every month (the period
filter only highlights its month) with the segment and channel filters applied; every other figure
uses all the current filters.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import panel as pn
import param
import polars as pl

from workbench.metrics import CATALOGUE, measure
from workbench.model import Model
from workbench.ui.format import format_kpi
from workbench.ui.state import ALL, WorkbenchState

if TYPE_CHECKING:
    import holoviews as hv


def _holoviews():
    """HoloViews with its Bokeh backend, imported when a plot is first drawn (not at the first paint)."""
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401 - registers the Bokeh backend, so Bokeh options apply

    return hv

CARD_KPIS = ("volume", "customers", "nps", "repeat_rate", "cost_per_contact")
DIGITAL, NON_DIGITAL = "#2171b5", "#9e9e9e"


def card_values(state: WorkbenchState, reason: str) -> dict[str, float | None]:
    """The headline KPIs of ``reason`` under the current filters (volume 0 and nulls when no data)."""
    row = state.measure(["reason"], list(CARD_KPIS)).filter(pl.col("reason") == reason)
    if row.is_empty():
        return {k: (0 if k in ("volume", "customers") else None) for k in CARD_KPIS}
    return {k: row[k][0] for k in CARD_KPIS}


def trend_frame(state: WorkbenchState, reason: str, kpi: str) -> pl.DataFrame:
    """Monthly ``kpi`` and volume of ``reason``: period (Date), kpi, volume; every month of the data.

    The segment and channel filters apply; the period filter does not (a trend needs the months).
    """
    filters = {k: v for k, v in state.filters().items() if k != "period"}
    events = state.events(with_filters=False)
    for column, value in filters.items():
        events = events.filter(pl.col(column) == value)
    kpis = list(dict.fromkeys([kpi, "volume"]))
    frame = measure(events.filter(pl.col("reason") == reason), by=["reason"], kpis=kpis, period="month",
                    dims=state.dims)
    return frame.select("period", *kpis)


def channel_mix(model: Model, measured: pl.DataFrame, reason: str) -> pl.DataFrame:
    """Contacts of ``reason`` per channel, in model channel order: channel, label, digital, volume, share.

    ``measured`` is ``measure(by=["reason", "channel"], kpis=["volume"])``.
    """
    rows = measured.filter(pl.col("reason") == reason)
    total = rows["volume"].sum()
    order = {c: i for i, c in enumerate(model.channels)}
    return (rows.select("channel", "volume")
            .with_columns(pl.col("channel").replace_strict({c: ch.label for c, ch in model.channels.items()},
                                                           default=pl.col("channel")).alias("label"),
                          pl.col("channel").replace_strict({c: ch.digital for c, ch in model.channels.items()},
                                                           default=None, return_dtype=pl.Boolean).alias("digital"),
                          (pl.col("volume") / total).alias("share"),
                          pl.col("channel").replace_strict(order, default=len(order)).alias("_order"))
            .sort("_order", "channel").select("channel", "label", "digital", "volume", "share"))


def segment_mix(model: Model, measured: pl.DataFrame, reason: str) -> pl.DataFrame:
    """Contacts and NPS of ``reason`` per segment: segment, label, volume, share, nps (model order)."""
    rows = measured.filter(pl.col("reason") == reason)
    total = rows["volume"].sum()
    order = {s: i for i, s in enumerate(model.segments)}
    labels = {s: seg.label for s, seg in model.segments.items()}
    return (rows.with_columns(pl.col("segment").replace_strict(labels, default=pl.col("segment")).alias("label"),
                              (pl.col("volume") / total).alias("share"),
                              pl.col("segment").replace_strict(order, default=len(order)).alias("_order"))
            .sort("_order", "segment").select("segment", "label", "volume", "share", "nps"))


def linked_steps(model: Model, reason: str) -> pl.DataFrame:
    """The journey steps linked to ``reason``: journey, journey_state, step, channel (labels, raw text)."""
    rows = [(model.journeys[s.journey].label, model.journeys[s.journey].state, s.label,
             model.channels[s.channel].label if s.channel in model.channels else (s.channel or ""))
            for s in model.steps_linked_to(reason)]
    return pl.DataFrame(rows, schema=["journey", "journey_state", "step", "channel"], orient="row")


def header_html(model: Model, reason: str) -> str:
    """Label, phase and stage, description and owner of ``reason``, all escaped."""
    r = model.reasons[reason]
    phase = model.phases[r.phase]
    stage = model.stages[phase.stage]
    parts = [f"<h2 style='margin:0 0 4px'>{html.escape(r.label)}</h2>",
             f"<div style='color:#555'>{html.escape(stage.label)} › {html.escape(phase.label)}"
             f"{' · owner: ' + html.escape(r.owner) if r.owner else ''}</div>"]
    if r.description:
        parts.append(f"<p>{html.escape(r.description)}</p>")
    return "".join(parts)


def cards_html(values: dict[str, float | None]) -> str:
    cards = "".join(
        "<div style='background:#f4f5f7;border-radius:6px;padding:8px 14px;min-width:110px'>"
        f"<div style='font-size:12px;color:#555'>{html.escape(CATALOGUE[k].label)}</div>"
        f"<div style='font-size:22px;font-weight:700'>{format_kpi(k, v)}</div></div>"
        for k, v in values.items())
    return f"<div style='display:flex;gap:10px;flex-wrap:wrap'>{cards}</div>"


def listing_html(title: str, labels: list[str]) -> str:
    items = "".join(f"<li>{html.escape(label)}</li>" for label in labels) or "<li><i>none</i></li>"
    return f"<b>{html.escape(title)}</b><ul style='margin:4px 0'>{items}</ul>"


class ReasonDetail(pn.viewable.Viewer):
    """The selected reason (``state.reason``): header, KPI cards, trend, channel and segment mix, links."""

    state = param.ClassSelector(class_=WorkbenchState)

    @param.depends("state.reason", "state.kpi", "state.period", "state.segment", "state.channel", "state.model")
    def _view(self):
        state, reason = self.state, self.state.reason
        if reason is None or reason not in state.model.reasons:
            return pn.pane.Alert("Pick a contact reason (click a tile on the map) to see its details.",
                                 alert_type="info")
        model = state.model
        channels = channel_mix(model, state.measure(["reason", "channel"], ["volume"]), reason)
        segments = segment_mix(model, state.measure(["reason", "segment"], ["volume", "nps"]), reason)
        steps = linked_steps(model, reason)
        processes = [p.label for p in model.processes.values() if reason in p.reasons]
        systems = [s.label for s in model.systems.values() if reason in s.reasons]
        lists = pn.Column(pn.pane.HTML(listing_html("Processes", processes)),
                          pn.pane.HTML(listing_html("IT systems", systems)), width=320)
        segment_table = _table(segments.drop("segment"), {"label": "Segment", "volume": "Contacts",
                                                          "share": "Share", "nps": "NPS"},
                               {"volume": "volume", "share": "share", "nps": "nps"})
        step_table = _table(steps, {"journey": "Journey", "journey_state": "State", "step": "Step",
                                    "channel": "Channel"}, {})
        return pn.Column(
            pn.Row(pn.pane.HTML(header_html(model, reason), sizing_mode="stretch_width"), lists,
                   sizing_mode="stretch_width"),
            pn.pane.HTML(cards_html(card_values(state, reason)), sizing_mode="stretch_width"),
            pn.Row(self.trend_plot(reason), self.channel_plot(channels)),
            pn.Row(pn.Column("**Segments**", segment_table, width=420),
                   pn.Column(f"**Journey steps linked to it** ({steps.height})", step_table,
                             sizing_mode="stretch_width", min_width=400),
                   sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )

    def trend_plot(self, reason: str) -> hv.Overlay:
        """The reason's monthly KPI as a curve with points; the chosen month marked when a period is set."""
        hv = _holoviews()
        kpi = self.state.kpi
        frame = trend_frame(self.state, reason, kpi)
        frame = frame.with_columns(formatted(frame[kpi], kpi).alias("shown"))
        label = CATALOGUE[kpi].label
        vdims = list(dict.fromkeys([kpi, "shown", "volume"]))
        data = frame.select(pl.col("period").cast(pl.Datetime("ms")), *vdims)
        curve = hv.Curve(data, "period", vdims, label=label).opts(color="#2171b5", line_width=2)
        tooltips = [("Month", "@period{%Y-%m}"), (label, "@shown"), ("Contacts", "@volume{0,0}")]
        points = hv.Scatter(data, "period", vdims).opts(size=7, color="#2171b5", tools=["hover"],
                                                        hover_tooltips=tooltips,
                                                        hover_formatters={"@period": "datetime"})
        plot = curve * points
        if self.state.period != ALL:
            month = pl.Series([f"{self.state.period}-01"]).str.to_datetime("%Y-%m-%d", time_unit="ms")[0]
            plot = plot * hv.VLine(month).opts(color="#ffbf00", line_width=2)
        return plot.opts(title=f"{label} per month", width=520, height=260, xlabel="", ylabel=label, padding=0.08,
                         show_legend=False, toolbar=None)

    def channel_plot(self, channels: pl.DataFrame) -> hv.Bars:
        """Contacts per channel, digital channels in blue and the others in grey."""
        hv = _holoviews()
        data = channels.select(
            "label", "volume", pl.when(pl.col("digital")).then(pl.lit("digital")).otherwise(pl.lit("assisted"))
            .alias("kind"), (pl.col("share") * 100).round(1).alias("pct"))
        return hv.Bars(data, "label", ["volume", "kind", "pct"]).opts(
            color="kind", cmap={"digital": DIGITAL, "assisted": NON_DIGITAL}, width=420, height=260,
            title="Channel mix (blue: digital)", xlabel="", ylabel="Contacts", yformatter="%d",
            tools=["hover"], hover_tooltips=[("Channel", "@label"), ("Contacts", "@volume{0,0}"), ("Share", "@pct%")],
            toolbar=None, show_legend=False, xrotation=30)

    def __panel__(self):
        return pn.panel(self._view, sizing_mode="stretch_width")


def formatted(values: pl.Series, kpi: str) -> pl.Series:
    """``values`` as display strings of ``kpi`` (same name)."""
    return pl.Series(values.name, [format_kpi(kpi, v) for v in values], pl.String)


def _table(frame: pl.DataFrame, titles: dict[str, str], kpis: dict[str, str]) -> pn.widgets.Tabulator:
    """A read-only table: KPI columns formatted as text, user text passed raw (Tabulator shows it as text)."""
    shown = frame.with_columns(formatted(frame[c], k) for c, k in kpis.items())
    return pn.widgets.Tabulator(shown.to_pandas(), titles=titles, show_index=False, disabled=True,
                                sizing_mode="stretch_width", max_height=260, layout="fit_data_stretch")
