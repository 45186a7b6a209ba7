"""The life cycle model drawn as a circle: the customer at the centre, stages, phases and reasons as rings.

Sectors are sized by the number of reasons (each reason gets the same angle) or by contact volume, and
coloured by the chosen KPI on one scale shared by the three rings. Hovering shows labels and figures
(Bokeh renders tooltip fields as text); clicking a reason sector selects it (``selection.reason``).
"""

from __future__ import annotations

import math
import textwrap

import panel as pn
import param
import polars as pl
from bokeh.models import ColumnDataSource, HoverTool, TapTool
from bokeh.plotting import figure

from workbench.display.formats import text_colour
from workbench.display.lifecycle import RINGS, circle_layout, ring_frames
from workbench.ui.format import legend_html
from workbench.ui.view import View

CENTRE = 0.28  # radius of the customer in the middle


def _angles(frame: pl.DataFrame) -> dict[str, list[float]]:
    """Clockwise from the top: a fraction t of the turn is at angle pi/2 - 2*pi*t."""
    return {"start": [math.pi / 2 - 2 * math.pi * t for t in frame["t1"]],
            "end": [math.pi / 2 - 2 * math.pi * t for t in frame["t0"]]}


def _wrap(label: str, width: int, lines: int) -> str:
    return "\n".join(textwrap.wrap(label, width, max_lines=lines, placeholder="…"))


def circle_figure(rings: dict[str, pl.DataFrame], kpi_label: str, centre: str = "Customer", size: int = 640):
    """A Bokeh figure of the rings; returns (figure, reason ColumnDataSource) for the tap selection."""
    fig = figure(width=size, height=size, x_range=(-1.02, 1.02), y_range=(-1.02, 1.02), match_aspect=True,
                 tools="", toolbar_location=None, outline_line_color=None)
    fig.axis.visible = False
    fig.grid.visible = False
    fig.circle(0, 0, radius=CENTRE, fill_color="#37474f", line_color="white")
    fig.text(0, 0, text=[centre], text_align="center", text_baseline="middle", text_color="white",
             text_font_size="15px", text_font_style="bold")
    sources = {}
    for ring, (inner, outer) in RINGS.items():
        frame = rings[ring]
        data = {**{c: frame[c].to_list() for c in ("id", "label", "text", "colour", "reasons")}, **_angles(frame)}
        data["ring"] = [ring] * frame.height
        source = ColumnDataSource(data)
        glyph = fig.annular_wedge(0, 0, inner, outer, "start", "end", source=source, fill_color="colour",
                                  line_color="white", line_width=1.5, nonselection_fill_alpha=1.0,
                                  selection_line_color="#111", selection_line_width=3)
        fig.add_tools(HoverTool(renderers=[glyph], tooltips=[
            (ring.capitalize(), "@label"), (kpi_label, "@text"), ("Reasons", "@reasons")]))
        sources[ring] = source
        if ring != "reason":
            _ring_labels(fig, frame, (inner + outer) / 2, 14 if ring == "stage" else 12,
                         "12px" if ring == "stage" else "10px", min_turn=0.05 if ring == "stage" else 0.035)
    fig.add_tools(TapTool(renderers=[r for r in fig.renderers if r.data_source is sources["reason"]]))
    return fig, sources["reason"]


def _ring_labels(fig, frame: pl.DataFrame, radius: float, width: int, font: str, min_turn: float) -> None:
    shown = frame.filter((pl.col("t1") - pl.col("t0")) >= min_turn)
    mids = [math.pi / 2 - math.pi * (a + b) for a, b in zip(shown["t0"], shown["t1"], strict=True)]
    fig.text([radius * math.cos(a) for a in mids], [radius * math.sin(a) for a in mids],
             text=[_wrap(label, width, 3) for label in shown["label"]], text_align="center",
             text_baseline="middle", text_font_size=font, text_color=[text_colour(c) for c in shown["colour"]])


class CircularView(View):
    """The framework as a circle coloured by the chosen KPI; clicking a reason sector selects it."""
    size_by = param.Selector(default="reasons", objects=["reasons", "volume"],
                             doc="Sector size: equal per reason, or by contact volume")

    def rings(self) -> dict[str, pl.DataFrame]:
        """The ring frames for the current KPI, filters and ``size_by`` (see :func:`ring_frames`)."""
        kpi = self.selection.kpi
        kpis = list(dict.fromkeys([kpi, "volume"]))
        values = {ring: self.data.measure([ring], kpis, self.selection.filter) for ring in RINGS}
        weights = None
        if self.size_by == "volume":
            weights = dict(values["reason"].select("reason", "volume").iter_rows())
        return ring_frames(self.model, circle_layout(self.model, weights), values, kpi)

    @param.depends("selection.kpi", "selection.filter", "session.data", "size_by")
    def _plot(self):
        fig, source = circle_figure(self.rings(), self.selection.kpi_label())
        ids = source.data["id"]
        if self.selection.reason in ids:
            source.selected.indices = [ids.index(self.selection.reason)]

        def on_tap(attr, old, new):
            if new:
                self.selection.reason = ids[new[0]]

        source.selected.on_change("indices", on_tap)
        return pn.pane.Bokeh(fig)

    @param.depends("selection.kpi", "selection.filter", "session.data", "size_by")
    def _legend(self):
        values = [v for frame in self.rings().values() for v in frame["value"].to_list()]
        return pn.pane.HTML(legend_html(self.selection.kpi, values))

    def __panel__(self):
        toggle = pn.widgets.RadioButtonGroup.from_param(self.param.size_by)
        caption = pn.pane.HTML("Inner ring: stages · middle: phases · outer: contact reasons. "
                               "Hover for figures; click a reason to select it.", styles={"color": "#555"})
        return pn.Column(pn.Row(pn.pane.HTML("Size sectors by"), toggle), self._legend, caption, self._plot)
