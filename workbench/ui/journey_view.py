"""One journey: its steps in channel lanes, the emotion curve, and a table of steps with their reasons' KPIs.

Follows ``selection.journey`` (a selector sets it). When the journey has a current/future counterpart, a
toggle shows both side by side. Step KPIs are those of the linked reason under the current filters.
"""

from __future__ import annotations

import html

import panel as pn
import param
import polars as pl
from bokeh.models import BoxAnnotation, ColumnDataSource, FactorRange, HoverTool, Label, Range1d, Span
from bokeh.plotting import figure

from workbench.display.formats import format_kpi
from workbench.display.journeys import NO_CHANNEL, STEP_KPIS, counterpart, episode_spans, journey_steps, lanes
from workbench.model import Model
from workbench.ui.view import View

EXPERIENCED, TARGET, MOMENT = "#d6604d", "#1a9850", "#ffbf00"


def _shorten(text: str, width: int = 26) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def journey_figures(model: Model, steps: pl.DataFrame, width: int):
    """(lanes figure, emotion figure) sharing the x axis; step labels under the emotion curve."""
    n = max(steps.height, 1)
    lane_labels = lanes(model, steps) or [NO_CHANNEL]
    x_range = Range1d(0.5, n + 0.5)
    data = {c: steps[c].to_list() for c in ("order", "label", "channel_label", "touchpoint", "need", "reason_label")}
    data["emotion_text"] = [("–" if e is None else f"{e:+d}") for e in steps["emotion"]]
    data["marker"] = ["star" if m else "circle" for m in steps["moment_of_truth"]]
    data["size"] = [22 if m else 15 for m in steps["moment_of_truth"]]
    data["fill"] = [MOMENT if m else "#4292c6" for m in steps["moment_of_truth"]]
    data["number"] = [str(o) for o in steps["order"]]
    source = ColumnDataSource(data)
    top = figure(width=width, height=60 + 42 * len(lane_labels), x_range=x_range,
                 y_range=FactorRange(*reversed(lane_labels)), tools="", toolbar_location=None,
                 title="Steps by channel (★ moment of truth)")
    for i, (label, first, last) in enumerate(episode_spans(steps)):
        top.add_layout(BoxAnnotation(left=first - 0.5, right=last + 0.5, fill_alpha=1.0, level="underlay",
                                     fill_color="#eef1f5" if i % 2 == 0 else "#ffffff"))
        chars = max(3, int((last - first + 1) * (width - 80) / n / 6.5))
        top.add_layout(Label(x=first - 0.45, y=0, y_units="screen", y_offset=2, text=_shorten(label, chars),
                             text_font_size="10px", text_color="#555"))
    top.line("order", "channel_label", source=source, line_color="#b0b7c3", line_width=1.5)
    glyph = top.scatter("order", "channel_label", source=source, marker="marker", size="size", fill_color="fill",
                        line_color="#1f3b57")
    top.text("order", "channel_label", text="number", source=source, text_align="center",
             text_baseline="middle", text_font_size="8px", text_color="white")
    top.add_tools(HoverTool(renderers=[glyph], tooltips=[
        ("Step", "@order. @label"), ("Channel", "@channel_label"), ("Touchpoint", "@touchpoint"),
        ("Need", "@need"), ("Emotion", "@emotion_text"), ("Reason", "@reason_label")]))
    top.xaxis.visible = False
    top.xgrid.visible = False

    bottom = figure(width=width, height=300, x_range=x_range, y_range=Range1d(-2.5, 2.5), tools="",
                    toolbar_location=None, title="Emotion: experienced vs target (−2 … +2)")
    bottom.add_layout(Span(location=0, dimension="width", line_color="#999", line_dash="dotted"))
    emo = ColumnDataSource({"order": steps["order"].to_list(),
                            "emotion": [float("nan") if e is None else e for e in steps["emotion"]],
                            "target": [float("nan") if e is None else e for e in steps["target_emotion"]],
                            "label": steps["label"].to_list()})
    exp = bottom.line("order", "emotion", source=emo, color=EXPERIENCED, line_width=2.5, legend_label="experienced")
    bottom.scatter("order", "emotion", source=emo, color=EXPERIENCED, size=7)
    bottom.line("order", "target", source=emo, color=TARGET, line_width=2, line_dash="dashed", legend_label="target")
    bottom.add_tools(HoverTool(renderers=[exp], tooltips=[("Step", "@order. @label"), ("Experienced", "@emotion"),
                                                          ("Target", "@target")], mode="vline"))
    bottom.legend.label_text_font_size = "10px"
    bottom.add_layout(bottom.legend[0], "above")
    bottom.legend.orientation = "horizontal"
    bottom.yaxis.ticker = [-2, -1, 0, 1, 2]
    bottom.xaxis.ticker = list(range(1, steps.height + 1))
    bottom.xaxis.major_label_overrides = {o: f"{o}. {_shorten(lab)}" for o, lab in
                                          zip(steps["order"], steps["label"], strict=True)}
    bottom.xaxis.major_label_orientation = 0.9
    bottom.xaxis.major_label_text_font_size = "10px"
    bottom.height = 300 + 6 * min(max(len(v) for v in bottom.xaxis.major_label_overrides.values()) if n else 0, 27)
    return top, bottom


def steps_table(steps: pl.DataFrame) -> pn.widgets.Tabulator:
    """The steps as a read-only table (Tabulator shows cell text as text); KPIs formatted."""
    shown = steps.select(
        "order", pl.col("episode_label").alias("episode"), "label", pl.col("channel_label").alias("channel"),
        "touchpoint", "need", "emotion", "target_emotion",
        pl.when(pl.col("moment_of_truth")).then(pl.lit("★")).otherwise(pl.lit("")).alias("moment_of_truth"),
        pl.col("reason_label").alias("reason"),
        *(pl.Series(k, [format_kpi(k, v) for v in steps[k]], pl.String) for k in STEP_KPIS))
    titles = {"order": "#", "episode": "Episode", "label": "Step", "channel": "Channel", "touchpoint": "Touchpoint",
              "need": "Need", "emotion": "Emotion", "target_emotion": "Target", "moment_of_truth": "MoT",
              "reason": "Contact reason", "volume": "Contacts", "nps": "NPS", "repeat_rate": "Repeat rate"}
    return pn.widgets.Tabulator(shown.to_pandas(), titles=titles, show_index=False, disabled=True,
                                sizing_mode="stretch_width", max_height=420, layout="fit_data_table")


class JourneyView(View):
    """The selected journey as channel lanes, emotion curve and step table."""

    compare = param.Boolean(default=False, doc="Show the current and future state side by side")
    width = param.Integer(default=1300, doc="Width of the plots (halved per journey when comparing)")

    def __init__(self, **params):
        super().__init__(**params)
        self._select = pn.widgets.Select.from_param(self.selection.param.journey, name="Journey", width=360)
        self._toggle = pn.widgets.Toggle.from_param(self.param.compare, name="Compare current and future",
                                                    width=240, align="end")
        self._follow()

    @param.depends("selection.journey", "session.data", watch=True)
    def _follow(self) -> None:
        journey = self.selection.journey
        self._toggle.visible = journey in self.model.journeys and counterpart(self.model, journey) is not None

    def steps(self, journey: str | None = None) -> pl.DataFrame:
        """The step frame of ``journey`` (default the selected one) under the current filters."""
        measured = self.data.measure(["reason"], list(STEP_KPIS), self.selection.filter)
        return journey_steps(self.model, journey or self.selection.journey, measured)

    def journey_panel(self, journey: str, width: int) -> pn.Column:
        model = self.model
        j = model.journeys[journey]
        steps = self.steps(journey)
        linked = steps.filter(pl.col("reason").is_not_null()).height
        head = pn.pane.HTML(f"<b style='font-size:15px'>{html.escape(j.label)}</b> — {j.state} state · "
                            f"{steps.height} steps, {linked} linked to a contact reason", sizing_mode="stretch_width")
        if steps.is_empty():
            return pn.Column(head, pn.pane.Alert("This journey has no steps yet.", alert_type="info"))
        top, bottom = journey_figures(model, steps, width)
        return pn.Column(head, pn.pane.Bokeh(top), pn.pane.Bokeh(bottom), steps_table(steps),
                         sizing_mode="stretch_width")

    @param.depends("selection.journey", "selection.filter", "session.data", "compare")
    def _view(self):
        model, journey = self.model, self.selection.journey
        if journey not in model.journeys:
            return pn.pane.Alert("There are no journeys yet.", alert_type="info")
        other = counterpart(model, journey)
        if not (self.compare and other):
            return self.journey_panel(journey, self.width)
        current, future = (journey, other) if model.journeys[journey].state == "current" else (other, journey)
        half = self.width // 2 - 10
        return pn.Row(self.journey_panel(current, half), self.journey_panel(future, half),
                      sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Column(pn.Row(self._select, self._toggle), self._view, sizing_mode="stretch_width")
