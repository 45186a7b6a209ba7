"""The process map as a Bokeh figure (used by the Actual journeys page and by ``workbench mine --html``).

The figure draws a :class:`~workbench.display.process_map.MapLayout`: arcs (lines, arrowheads, counts),
then the boxes (tap to choose an activity) and their text. The glyph sources are named
``process-map-nodes`` and ``process-map-arcs`` so that a page or a test can find them.
"""

from __future__ import annotations

import html

from bokeh.embed import file_html
from bokeh.models import ColumnDataSource, HoverTool, TapTool
from bokeh.plotting import figure
from bokeh.resources import INLINE

from workbench.display.process_map import MapLayout

NODES, ARCS = "process-map-nodes", "process-map-arcs"
TOOLBAR, TITLE = 30, 24  # pixels above the drawing: the drawing itself is one pixel per unit


def process_map_figure(drawn: MapLayout, *, title: str = ""):
    """A Bokeh figure of ``drawn`` at one pixel per unit, with hover texts and a tap tool on the boxes."""
    x0, x1, y0, y1 = drawn.extent
    plot = figure(title=title or None, x_range=(x0, x1), y_range=(y0, y1), width=int(x1 - x0),
                  height=int(y1 - y0) + TOOLBAR + (TITLE if title else 0), tools="pan,wheel_zoom,box_zoom,reset,save",
                  toolbar_location="above", min_border=0, sizing_mode="fixed", x_axis_type=None, y_axis_type=None)
    plot.grid.visible = False
    plot.outline_line_color = None
    arcs = ColumnDataSource({c: drawn.arcs[c].to_list() for c in drawn.arcs.columns}, name=ARCS)
    nodes = ColumnDataSource({c: drawn.nodes[c].to_list() for c in drawn.nodes.columns}, name=NODES)
    lines = plot.multi_line("xs", "ys", line_width="width", line_color="colour", line_alpha=0.85, source=arcs)
    plot.patches("head_xs", "head_ys", fill_color="colour", line_color="colour", source=arcs)
    plot.text("label_x", "label_y", text="text", source=arcs, text_font_size="9pt", text_align="center",
              text_baseline="middle", text_color="#333", background_fill_color="white", background_fill_alpha=0.8)
    boxes = plot.rect("x", "y", width="w", height="h", fill_color="fill", line_color="#6b6b6b", source=nodes,
                      border_radius=6, selection_line_color="#d94801", selection_line_width=3,
                      nonselection_fill_alpha=1.0, nonselection_line_alpha=1.0)
    plot.text("x", "y", text="text", source=nodes, text_font_size="9pt", text_align="center",
              text_baseline="middle", text_color="text_colour", text_line_height=1.15)
    plot.add_tools(HoverTool(renderers=[boxes], tooltips="@hover"), HoverTool(renderers=[lines], tooltips="@hover",
                                                                                line_policy="interp"),
                   TapTool(renderers=[boxes]))
    return plot


def standalone_html(drawn: MapLayout, title: str) -> str:
    """A whole HTML page holding the figure, with Bokeh's JavaScript inline so it opens offline."""
    return file_html(process_map_figure(drawn, title=title), INLINE, title=html.escape(title))
