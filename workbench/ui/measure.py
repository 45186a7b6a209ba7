"""Step 4 (Measure) as plots over the table: the chosen KPI month by month (the year before dashed), by the
chosen level, and per contact reason × channel, then the KPI table with its column chooser.

Survey KPIs are drawn only where they rest on enough responses (the workspace's minimum, default 30):
a bar or a heat-map cell on two answers would be read as a finding.
"""

from __future__ import annotations

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers the Bokeh backend for .opts)
import panel as pn
import param
import polars as pl

from workbench.analysis.overview import MIN_RESPONSES, RESPONSES
from workbench.display.formats import palette
from workbench.metrics import CATALOGUE
from workbench.metrics.labels import with_labels
from workbench.ui.kpi_table import LEVELS, NONE_ROW, KpiTable
from workbench.ui.view import View

TOP = 15


class MeasurePlots(View):
    """Trend, by level, and reason × channel of the chosen KPI (see the module docstring)."""

    level = param.Selector(default="stage", objects=list(LEVELS), doc="What the bar chart is split by")
    min_responses = param.Integer(default=MIN_RESPONSES, bounds=(1, None))

    def _kpis(self) -> list[str]:
        kpi = self.selection.kpi
        return list(dict.fromkeys([kpi, "volume", *([RESPONSES[kpi]] if kpi in RESPONSES else [])]))

    def _reliable(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` with the KPI blanked where it rests on too few responses."""
        kpi = self.selection.kpi
        if kpi not in RESPONSES:
            return frame
        return frame.with_columns(pl.when(pl.col(RESPONSES[kpi]) >= self.min_responses).then(pl.col(kpi)).alias(kpi))

    @param.depends("selection.kpi", "selection.filter", "session.data")
    def trend(self):
        kpi, label = self.selection.kpi, CATALOGUE[self.selection.kpi].label
        monthly = self._reliable(self.data.measure([], self._kpis(), self.selection.filter.without("period"),
                                                   period="month")).sort("period")
        if monthly.is_empty():
            return pn.pane.Markdown("No contact data yet.")
        last = monthly["period"].max()
        recent = monthly.filter(pl.col("period") > last.replace(year=last.year - 1))
        year_before = monthly.filter(pl.col("period") <= last.replace(year=last.year - 1)).with_columns(
            pl.col("period").dt.offset_by("1y"))
        curve = hv.Curve(recent.select(pl.col("period").cast(pl.Datetime("ms")), kpi), "period", kpi,
                         label="last 12 months").opts(color="#2c5d8f", line_width=2.5, tools=["hover"])
        plot = curve
        if year_before.height:
            plot = plot * hv.Curve(year_before.select(pl.col("period").cast(pl.Datetime("ms")), kpi), "period", kpi,
                                   label="the year before").opts(color="#8a8f98", line_dash="dashed", line_width=2)
        return pn.pane.HoloViews(plot.opts(title=f"{label} per month", responsive=True, height=260, xlabel="",
                                           ylabel=label, toolbar=None),
                                 sizing_mode="stretch_width")

    @param.depends("selection.kpi", "selection.filter", "session.data", "level")
    def bars(self):
        kpi, label = self.selection.kpi, CATALOGUE[self.selection.kpi].label
        frame = self._reliable(self.data.measure([self.level], self._kpis(), self.selection.filter))
        frame = with_labels(frame, self.model).with_columns(
            pl.col(f"{self.level}_label").fill_null(NONE_ROW.get(self.level, "—")).alias("item"))
        frame = frame.sort("volume", descending=True).head(TOP).drop_nulls(kpi)
        if frame.is_empty():
            return pn.pane.Markdown(f"No {label} to show by {LEVELS[self.level].lower()} in these filters.")
        values = list(dict.fromkeys([kpi, "volume"]))
        bars = hv.Bars(frame.select("item", *values).to_pandas(), "item", values).opts(
            invert_axes=True, color=palette(kpi)[-2], responsive=True, height=60 + 24 * frame.height, xlabel="",
            ylabel=label, tools=["hover"], toolbar=None,
            title=f"{label} by {LEVELS[self.level].lower()} (the {TOP} busiest)")
        return pn.pane.HoloViews(bars, sizing_mode="stretch_width")

    @param.depends("selection.kpi", "selection.filter", "session.data")
    def heatmap(self):
        kpi, label = self.selection.kpi, CATALOGUE[self.selection.kpi].label
        frame = self._reliable(self.data.measure(["reason", "channel"], self._kpis(), self.selection.filter))
        busiest = (frame.group_by("reason").agg(pl.col("volume").sum()).drop_nulls("reason")
                   .sort("volume", descending=True).head(20)["reason"].to_list())
        frame = with_labels(frame.filter(pl.col("reason").is_in(busiest)), self.model).drop_nulls(kpi)
        if frame.is_empty():
            return pn.pane.Markdown("No data for the heat map in these filters.")
        heat = hv.HeatMap(frame.select("channel_label", "reason_label", kpi).to_pandas(),
                          ["channel_label", "reason_label"], kpi).opts(
            cmap=list(palette(kpi)), colorbar=True, responsive=True, height=120 + 22 * len(busiest), xlabel="",
            ylabel="", tools=["hover"], toolbar=None, xrotation=30,
            title=f"{label}: the 20 busiest contact reasons × channel (blank: no data or too few answers)")
        return pn.pane.HoloViews(heat, sizing_mode="stretch_width")

    def __panel__(self):
        level = pn.widgets.Select.from_param(self.param.level, name="Bars by",
                                             options={v: k for k, v in LEVELS.items()}, width=220)
        return pn.Column(pn.Row(pn.panel(self.trend, loading_indicator=True),
                                pn.Column(level, pn.panel(self.bars, loading_indicator=True),
                                          sizing_mode="stretch_width"), sizing_mode="stretch_width"),
                         pn.panel(self.heatmap, loading_indicator=True), sizing_mode="stretch_width")


class MeasurePage(View):
    """The Measure page: the plots, then the KPI table."""

    def __panel__(self):
        return pn.Column(MeasurePlots(session=self.session), KpiTable(session=self.session),
                         sizing_mode="stretch_width")
