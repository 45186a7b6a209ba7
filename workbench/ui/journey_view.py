"""The Map page: one journey as a journey map (a grid of steps under episodes, lanes the team chooses,
the emotion curve, the linked reason's KPI as a heat strip), its current and future versions compared,
and, for editors, the map editor (see :mod:`workbench.ui.journey_editor`).

Follows ``selection.journey`` and ``selection.kpi``; the KPI heat strip uses the current filters. The
page is :func:`journey_page`; :class:`JourneyView` is the map alone (notebooks, the snapshot).
"""

from __future__ import annotations

import html

import panel as pn
import param
import polars as pl

from workbench.analysis.journey_compare import compare_journeys
from workbench.display.journey_compare import compare_html
from workbench.display.journey_grid import SHORT, grid_html, grid_kpis, journey_grid
from workbench.display.journeys import STEP_KPIS, counterpart, journey_steps
from workbench.ui.view import View

MODES = {"Journey map": "map", "Current vs future": "compare"}


class JourneyView(View):
    """The selected journey as a map, or its current and future versions compared (see the module docstring)."""

    mode = param.Selector(default="map", objects=MODES, doc="The map, or current vs future")
    hidden = param.List(default=[], item_type=str, doc="Lanes the user chose not to see")
    compare = param.Boolean(default=False, doc="Open on current vs future (same as mode='compare')")
    width = param.Integer(default=None, allow_None=True, doc="Ignored: the map follows the window's width")
    highlight = param.String(default=None, allow_None=True, doc="A step to outline (the one being edited)")
    editor = param.Parameter(default=None, doc="The map editor, shown under the journey chooser (editors only)")

    def __init__(self, **params):
        super().__init__(**params)
        if self.compare:
            self.mode = "compare"
        self._select = pn.widgets.Select.from_param(self.selection.param.journey, name="Journey", width=340)
        self._kpi = pn.widgets.Select.from_param(self.selection.param.kpi, name="KPI of the heat strip", width=220)
        self._mode = pn.widgets.RadioButtonGroup.from_param(self.param.mode, name="", align="end", width=320,
                                                            description=None, button_type="primary",
                                                            button_style="outline")
        self._lanes = pn.widgets.CheckButtonGroup(name="Lanes", options={}, value=[], button_type="default",
                                                  button_style="outline", sizing_mode="stretch_width")
        self._lanes.param.watch(self._choose_lanes, "value")
        self._follow()

    @param.depends("selection.journey", "session.data", watch=True)
    def _follow(self) -> None:
        journey = self.selection.journey
        has_other = journey in self.model.journeys and counterpart(self.model, journey) is not None
        self._mode.visible = has_other
        if not has_other and self.mode == "compare":
            self.mode = "map"

    def _choose_lanes(self, event) -> None:
        self.hidden = [lane for lane in self._lanes.options.values() if lane not in event.new]

    # -- figures --------------------------------------------------------------------------------------
    def steps(self, journey: str | None = None) -> pl.DataFrame:
        """The step frame of ``journey`` (default the selected one) with its reasons' KPIs under the filters."""
        measured = self.data.measure(["reason"], list(STEP_KPIS), self.selection.filter)
        return journey_steps(self.model, journey or self.selection.journey, measured)

    def grid(self, journey: str | None = None):
        """The :class:`~workbench.display.journey_grid.JourneyGrid` of ``journey`` (default the selected one)."""
        kpi = self.selection.kpi
        measured = self.data.measure(["reason"], grid_kpis(kpi), self.selection.filter)
        return journey_grid(self.model, journey or self.selection.journey, measured, kpi)

    def comparison(self):
        """(current id, future id, Comparison) for the selected journey (today's contacts per reason, under
        the filters)."""
        journey = self.selection.journey
        other = counterpart(self.model, journey)
        current, future = (journey, other) if self.model.journeys[journey].state == "current" else (other, journey)
        measured = self.data.measure(["reason"], ["volume"], self.selection.filter)
        volumes = dict(zip(measured["reason"].to_list(), measured["volume"].to_list(), strict=True))
        return current, future, compare_journeys(self.model, current, future, volumes)

    # -- views ----------------------------------------------------------------------------------------
    def head(self, journey: str) -> str:
        j = self.model.journeys[journey]
        steps = self.model.steps_of(journey)
        linked = sum(1 for s in steps if s.reason)
        segment = self.model.segments[j.segment].label if j.segment in self.model.segments else ""
        bits = [f"{j.state} state", f"{len(steps)} steps, {linked} linked to a contact reason"]
        bits += [f"persona: {segment}"] if segment else []
        bits += [f"owner: {j.owner}"] if j.owner else []
        scope = f"<div style='color:#555'>{html.escape(j.scope)}</div>" if j.scope else ""
        return (f"<div class='jm-head'><b style='font-size:16px'>{html.escape(self.model.journey_title(journey))}"
                f"</b> — {html.escape(' · '.join(bits))}{scope}</div>")

    @param.depends("selection.journey", "selection.filter", "selection.kpi", "session.data", "mode", "hidden",
                   "highlight")
    def _view(self):
        journey = self.selection.journey
        if journey not in self.model.journeys:
            return pn.pane.Alert("There are no journeys yet.", alert_type="info")
        if self.mode == "compare" and counterpart(self.model, journey):
            return pn.pane.HTML(compare_html(self.model, *self.comparison()), sizing_mode="stretch_width",
                                css_classes=["jm-compare"])
        grid = self.grid(journey)
        options = {SHORT[lane]: lane for lane in grid.lanes if lane != "action"}
        self._lanes.param.update(options=options, value=[v for v in options.values() if v not in self.hidden])
        head = pn.pane.HTML(self.head(journey), sizing_mode="stretch_width")
        if not grid.steps:
            return pn.Column(head, pn.pane.Alert("This journey has no steps yet.", alert_type="info"),
                             sizing_mode="stretch_width")
        for lane in self.hidden:
            grid.lanes.pop(lane, None)
        return pn.Column(head, pn.pane.HTML(grid_html(grid, highlight=self.highlight), sizing_mode="stretch_width",
                                            css_classes=["jm-map"]), sizing_mode="stretch_width")

    @param.depends("mode")
    def _lane_row(self):
        return pn.Row(pn.pane.HTML("<b>Lanes</b>", width=50, align="center"), self._lanes,
                      sizing_mode="stretch_width", visible=self.mode == "map")

    def __panel__(self):
        parts = [pn.FlexBox(self._select, self._kpi, self._mode), self._lane_row, self._view]
        if self.editor is not None:
            parts.insert(1, self.editor)
        return pn.Column(*parts, sizing_mode="stretch_width")


def journey_page(session) -> pn.viewable.Viewable:
    """The Map page for ``session``: the journey map and current vs future; for editors also the map editor,
    and for everyone the live follow of other sessions' saves (see :mod:`workbench.ui.live`)."""
    from workbench.ui.journey_editor import JourneyEditor
    from workbench.ui.live import follow_store

    view = JourneyView(session=session)
    if session.can_edit:
        editor = JourneyEditor(session=session)
        view.param.update(editor=editor, highlight=editor.step)
        editor.param.watch(lambda event: setattr(view, "highlight", event.new), "step")
    follow_store(session)
    return pn.Column(view, sizing_mode="stretch_width")
