"""Everything known about one contact reason: where it sits, its KPIs, what customers say about it (its
tagged feedback: how many comments, their NPS, a few verbatims), trend, channels, segments, links.

Follows ``selection.reason`` (a prompt when none is selected). The trend covers every month (the period
filter only highlights its month) with the segment and channel filters applied; every other figure
uses all the current filters.
"""

from __future__ import annotations

import html
from functools import partial
from typing import TYPE_CHECKING

import panel as pn
import param
import polars as pl

from workbench.display.formats import format_kpi
from workbench.display.listening import reason_voice, reason_voice_html
from workbench.display.reason import channel_mix, linked_steps, segment_mix
from workbench.errors import WorkbenchError
from workbench.metrics import CATALOGUE
from workbench.model import Model
from workbench.ui.background import Background, served_doc
from workbench.ui.view import View

if TYPE_CHECKING:
    import holoviews as hv


def _holoviews():
    """HoloViews with its Bokeh backend, imported when a plot is first drawn (not at the first paint)."""
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401 - registers the Bokeh backend, so Bokeh options apply

    return hv

CARD_KPIS = ("volume", "customers", "nps", "repeat_rate", "cost_per_contact")
SLOW_KPIS = ("customers",)  # distinct customers are counted from the events (seconds on millions), not the cube
PENDING = "…"
DIGITAL, NON_DIGITAL = "#2171b5", "#9e9e9e"
PLOT_WIDTH = 560


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


def cards_html(values: dict[str, float | str | None]) -> str:
    """KPI cards; a value of :data:`PENDING` shows as still being counted."""
    cards = "".join(
        "<div style='background:#f4f5f7;border-radius:6px;padding:8px 14px;min-width:110px'>"
        f"<div style='font-size:12px;color:#555'>{html.escape(CATALOGUE[k].label)}</div>"
        f"<div style='font-size:22px;font-weight:700'>{PENDING if v is PENDING else format_kpi(k, v)}</div></div>"
        for k, v in values.items())
    return f"<div style='display:flex;gap:10px;flex-wrap:wrap'>{cards}</div>"


def listing_html(title: str, labels: list[str]) -> str:
    items = "".join(f"<li>{html.escape(label)}</li>" for label in labels) or "<li><i>none</i></li>"
    return f"<b>{html.escape(title)}</b><ul style='margin:4px 0'>{items}</ul>"


class ReasonDetail(View):
    """The selected reason: header, KPI cards, trend, channel and segment mix, linked steps and systems."""

    def card_values(self, reason: str, kpis: tuple[str, ...] = CARD_KPIS) -> dict[str, float | None]:
        """The headline KPIs of ``reason`` under the current filters (volume 0 and nulls when no data)."""
        row = self.data.measure(["reason"], list(kpis), self.selection.filter).filter(pl.col("reason") == reason)
        if row.is_empty():
            return {k: (0 if k in ("volume", "customers") else None) for k in kpis}
        return {k: row[k][0] for k in kpis}

    def cards(self, reason: str) -> pn.pane.HTML:
        """The KPI cards. When served, the cube's KPIs show at once and the slow ones are counted in a worker
        thread and filled in (so the detail opens in a fraction of a second on millions of contacts)."""
        if served_doc() is None:
            return pn.pane.HTML(cards_html(self.card_values(reason)), sizing_mode="stretch_width")
        quick = self.card_values(reason, tuple(k for k in CARD_KPIS if k not in SLOW_KPIS))
        pane = pn.pane.HTML(cards_html({k: quick.get(k, PENDING) for k in CARD_KPIS}), sizing_mode="stretch_width")

        def fill(slow: dict) -> None:
            pane.object = cards_html({k: {**quick, **slow}[k] for k in CARD_KPIS})

        Background().run(lambda: self.card_values(reason, SLOW_KPIS), fill)
        return pane

    def voice_html(self, reason: str) -> str:
        """What customers say about ``reason`` (its tagged feedback in the period and channel filters)."""
        try:
            feedback = self.data.feedback(self.selection.filter)
        except WorkbenchError as exc:  # a feedback source that cannot be read: the rest of the detail stands
            return f"<b>What customers say</b> <i>the feedback cannot be read: {html.escape(str(exc))}</i>"
        return reason_voice_html(reason_voice(feedback, reason))

    def voice(self, reason: str) -> pn.pane.HTML:
        """The "What customers say" section. When served, tagging the feedback (seconds the first time) runs
        in a worker thread and the section is filled in (at once when not served)."""
        pane = pn.pane.HTML("<b>What customers say</b> <i>reading the feedback …</i>", sizing_mode="stretch_width",
                            css_classes=["wb-voice"])
        Background().run(lambda: self.voice_html(reason), partial(setattr, pane, "object"))
        return pane

    @param.depends("selection.reason", "selection.kpi", "selection.filter", "session.data")
    def _view(self):
        reason, model, filters = self.selection.reason, self.model, self.selection.filter
        if reason is None or reason not in model.reasons:
            return pn.pane.Alert("Pick a contact reason (click a tile on the map) to see its details.",
                                 alert_type="info")
        channels = channel_mix(model, self.data.measure(["reason", "channel"], ["volume"], filters), reason)
        segments = segment_mix(model, self.data.measure(["reason", "segment"], ["volume", "nps"], filters), reason)
        steps = linked_steps(model, reason)
        processes = [p.label for p in model.processes.values() if reason in p.reasons]
        systems = [s.label for s in model.systems.values() if reason in s.reasons]
        lists = pn.Row(pn.pane.HTML(listing_html("Processes", processes), width=280),
                       pn.pane.HTML(listing_html("IT systems", systems), width=280))
        segment_table = _table(segments.drop("segment"), {"label": "Segment", "volume": "Contacts",
                                                          "share": "Share", "nps": "NPS"},
                               {"volume": "volume", "share": "share", "nps": "nps"})
        step_table = _table(steps, {"journey": "Journey", "journey_state": "State", "step": "Step",
                                    "channel": "Channel"}, {})
        return pn.Column(  # one column: it fits the drawer the dashboard shows it in
            pn.pane.HTML(header_html(model, reason), sizing_mode="stretch_width"), lists,
            self.cards(reason), self.voice(reason),
            self.trend_plot(reason), self.channel_plot(channels),
            pn.Column("**Segments**", segment_table, sizing_mode="stretch_width"),
            pn.Column(f"**Journey steps linked to it** ({steps.height})", step_table, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )

    def trend_plot(self, reason: str) -> hv.Overlay:
        """The reason's monthly KPI as a curve with points; the chosen month marked when a period is set."""
        hv = _holoviews()
        kpi = self.selection.kpi
        frame = self.data.trend(reason, kpi, self.selection.filter)
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
        if self.selection.filter.period is not None:
            month = pl.Series([f"{self.selection.filter.period}-01"]).str.to_datetime("%Y-%m-%d", time_unit="ms")[0]
            plot = plot * hv.VLine(month).opts(color="#ffbf00", line_width=2)
        return plot.opts(title=f"{label} per month", width=PLOT_WIDTH, height=240, xlabel="", ylabel=label,
                         padding=0.08, show_legend=False, toolbar=None)

    def channel_plot(self, channels: pl.DataFrame) -> hv.Bars:
        """Contacts per channel, digital channels in blue and the others in grey."""
        hv = _holoviews()
        data = channels.select(
            "label", "volume", pl.when(pl.col("digital")).then(pl.lit("digital")).otherwise(pl.lit("assisted"))
            .alias("kind"), (pl.col("share") * 100).round(1).alias("pct"))
        return hv.Bars(data, "label", ["volume", "kind", "pct"]).opts(
            color="kind", cmap={"digital": DIGITAL, "assisted": NON_DIGITAL}, width=PLOT_WIDTH, height=240,
            title="Channel mix (blue: digital)", xlabel="", ylabel="Contacts", yformatter="%d",
            tools=["hover"], hover_tooltips=[("Channel", "@label"), ("Contacts", "@volume{0,0}"), ("Share", "@pct%")],
            toolbar=None, show_legend=False, xrotation=30)

    def __panel__(self):
        return pn.panel(self._view, sizing_mode="stretch_width", loading_indicator=True)


def formatted(values: pl.Series, kpi: str) -> pl.Series:
    """``values`` as display strings of ``kpi`` (same name)."""
    return pl.Series(values.name, [format_kpi(kpi, v) for v in values], pl.String)


def _table(frame: pl.DataFrame, titles: dict[str, str], kpis: dict[str, str]) -> pn.widgets.Tabulator:
    """A read-only table: KPI columns formatted as text, user text passed raw (Tabulator shows it as text)."""
    shown = frame.with_columns(formatted(frame[c], k) for c, k in kpis.items())
    return pn.widgets.Tabulator(shown.to_pandas(), titles=titles, show_index=False, disabled=True,
                                sizing_mode="stretch_width", max_height=260, layout="fit_data_stretch")
