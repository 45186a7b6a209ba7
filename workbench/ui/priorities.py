"""Priorities: the ranked reasons, journeys, channels, processes or systems, why, and the factor weights.

The ranking is ``workbench.analysis.priority.priorities`` on the state's filtered events. Its KPI part
(the slow part) is memoised per level, filters and model; changing a weight only re-scores it
(:func:`rescore`). Selecting points in the scatter filters the table; selecting a row explains it and,
for a reason or a journey, makes it the state's selected reason or journey.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers the Bokeh backend for .opts)
import panel as pn
import param
import polars as pl
from bokeh.models import NumeralTickFormatter
from bokeh.models.widgets.tables import NumberFormatter

from workbench.analysis.priority import (
    FACTORS,
    JOURNEY_FACTORS,
    KPIS,
    LEVELS,
    PriorityWeights,
    explain,
    priority_scores,
)
from workbench.metrics import CATALOGUE
from workbench.model import Model
from workbench.store import ConflictError
from workbench.ui.format import SEQUENTIAL
from workbench.ui.state import WorkbenchState

SETTING = "priority.weights"
LEVEL_NAMES = {"reason": "Contact reasons", "journey": "Journeys", "channel": "Channels",
               "process": "Processes", "system": "IT systems"}
ITEM_NAMES = {"reason": "Contact reason", "journey": "Journey", "channel": "Channel", "process": "Process",
              "system": "IT system"}
#: raw values shown beside the contributions: column -> KPI id (for its format)
RAW_COLUMNS = {"volume": "volume", "cost": "cost", "nps": "nps", "complaint_rate": "complaint_rate",
               "repeat_rate": "repeat_rate"}
NUMBER_FORMATS = {"count": "0,0", "fraction": "0.0%", "points": "+0", "seconds": "0,0",
                  "score": "0.00"}
TARGETS = {"nps_target": ("NPS target", -100.0, 100.0, 5.0), "ces_target": ("CES target", 1.0, 7.0, 0.1),
           "csat_target": ("CSAT target (share 4–5)", 0.0, 1.0, 0.05)}
_CACHE_SIZE = 8


def kpi_formatters(columns: Mapping[str, str]) -> dict[str, NumberFormatter | dict]:
    """Tabulator formatters for numeric columns, by the catalogue unit of each column's KPI id
    (volumes with thousands separators, rates as %, NPS as signed points, cost in €)."""
    def one(kpi: str):
        unit = CATALOGUE[kpi].unit
        if unit == "currency":
            return {"type": "money", "symbol": "€", "precision": 0, "thousand": ","}
        return NumberFormatter(format=NUMBER_FORMATS.get(unit, "0,0.[00]"), text_align="right")
    return {c: one(k) for c, k in columns.items()}


def factors_of(level: str) -> tuple[str, ...]:
    return JOURNEY_FACTORS if level == "journey" else FACTORS


def rescore(base: pl.DataFrame, model: Model, level: str, weights: PriorityWeights) -> pl.DataFrame:
    """Re-score a ``priorities`` result with other weights, without measuring the events again."""
    kpis = [c for c in (*KPIS, "strategic_weight") if c in base.columns]
    return priority_scores(base.select(pl.col("id").alias(level), *kpis), model, level=level, weights=weights)


def table_frame(ranked: pl.DataFrame, level: str, selected: list[str] | None = None) -> pl.DataFrame:
    """The table's columns: rank, id, label, score, the points of each factor, then the raw values;
    only the ``selected`` ids when some are given (in rank order)."""
    frame = ranked if not selected else ranked.filter(pl.col("id").is_in(selected))
    return frame.select("rank", "id", "label", "score", *(f"contribution_{f}" for f in factors_of(level)),
                        *RAW_COLUMNS)


def scatter_frame(ranked: pl.DataFrame) -> pl.DataFrame:
    """One point per item: volume (x), dissatisfaction (y), cost (marker area), score (colour)."""
    top = ranked["cost"].max() or 0.0
    size = (6 + 24 * (pl.col("cost") / top).sqrt()) if top > 0 else pl.lit(10.0)
    return ranked.select("id", "label", "volume", "dissatisfaction", "cost", "score",
                         size.cast(pl.Float64).alias("size"))


def load_weights(state: WorkbenchState) -> tuple[PriorityWeights, str]:
    """The workspace's saved weights (defaults without a workspace) and a problem text ('' if none)."""
    if state.workspace is None:
        return PriorityWeights(), ""
    try:
        return PriorityWeights.from_dict(state.workspace.store.get_setting(SETTING, {})), ""
    except ValueError as exc:
        return PriorityWeights(), f"The saved weights are invalid, defaults are used: {exc}"


class PrioritiesView(pn.viewable.Viewer):
    """Ranked items of a level with their explanation, a volume/dissatisfaction scatter and the weights."""

    state = param.ClassSelector(class_=WorkbenchState)
    level = param.Selector(default="reason", objects=list(LEVELS))
    weights = param.ClassSelector(class_=PriorityWeights)
    selected = param.List(default=[], doc="Ids selected in the scatter (all items when empty)")
    current = param.String(default=None, allow_None=True, doc="Id of the row selected in the table")

    def __init__(self, **params):
        problem = ""
        if params.get("weights") is None:
            params["weights"], problem = load_weights(params["state"])
        super().__init__(**params)
        if problem:
            self.state.message = problem
        self._cache: OrderedDict[tuple, pl.DataFrame] = OrderedDict()
        store = self.state.workspace.store if self.state.workspace is not None else None
        self._weights_revision = store.get_setting_revision(SETTING, {})[1] if store is not None else 0
        self._scatter_ids: list[str] = []
        self.selection = None  # the scatter's Selection1D stream
        self.level_select = pn.widgets.Select.from_param(
            self.param.level, name="Rank", options={v: k for k, v in LEVEL_NAMES.items()})
        self.sliders = self._weight_widgets()
        self.save_button = pn.widgets.Button(label="Save weights for everyone", color="primary",
                                             visible=self.state.can_edit, disabled=not self.state.can_edit)
        self.save_button.on_click(lambda _: self.save_weights())
        self.table = pn.widgets.Tabulator(None, show_index=False, selectable=1,
                                          hidden_columns=["id"], disabled=True, height=420,
                                          widths={"label": 240}, layout="fit_data_table",
                                          sizing_mode="stretch_width", pagination=None)
        self.table.param.watch(self._on_row_select, "selection")
        self.explanation = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.note = pn.pane.Markdown("", styles={"color": "#555"})
        self._refresh()

    # -- data -------------------------------------------------------------------------------------------
    def ranked(self) -> pl.DataFrame:
        """The ranked items of the current level, filters and weights (see module docstring)."""
        key = (self.level, tuple(self.state.filters().items()), self.state.model_key())
        base = self._cache.get(key)
        if base is None:
            base = self._base()
            self._cache[key] = base
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        return rescore(base, self.state.model, self.level, self.weights)

    def _base(self) -> pl.DataFrame:
        """Scores at default weights from the state's KPIs (the cube when it has them: milliseconds)."""
        kpis = [k for k in KPIS if k != "customers"]  # distinct customers would need every event
        frame = self.state.measure([self.level], kpis)
        if self.level == "journey":  # only current journeys are ranked; future ones are designs
            current = [j.id for j in self.state.model.journeys.values() if j.state == "current"]
            frame = frame.filter(pl.col("journey").is_in(current))
        return priority_scores(frame.drop_nulls(self.level), self.state.model, level=self.level)

    # -- reactions --------------------------------------------------------------------------------------
    @param.depends("level", "weights", "state.period", "state.segment", "state.channel", "state.model",
                   watch=True)
    def _refresh(self) -> None:
        self._ranked = self.ranked()
        for f, slider in self.sliders.items():
            slider.visible = f != "experience" or self.level == "journey"
        if self.selected:
            self.selected = []  # updates the table
        else:
            self._update_table()

    @param.depends("selected", watch=True)
    def _update_table(self) -> None:
        frame = table_frame(self._ranked, self.level, self.selected)
        self._shown = frame
        self.table.value = frame.to_pandas()
        self.table.titles = self._titles()
        self.table.groups = {"Points from": [f"contribution_{f}" for f in factors_of(self.level)],
                             "Figures": list(RAW_COLUMNS)}
        self.table.formatters = {**kpi_formatters(RAW_COLUMNS),
                                 **{c: NumberFormatter(format="0.0", text_align="right")
                                    for c in frame.columns if c == "score" or c.startswith("contribution_")}}
        self.table.selection = []
        n = self._ranked.height
        self.note.object = (f"Showing {frame.height} of {n} items selected in the chart (click an empty spot "
                            "in the chart to show all)." if self.selected else
                            f"{n} items ranked. Select points in the chart to filter the table.")
        self._explain(frame["id"][0] if frame.height else None)

    def _on_row_select(self, event) -> None:
        if not event.new:
            return
        row = self._shown.row(event.new[0], named=True)
        self.current = row["id"]
        self._explain(row["id"])
        if self.level == "reason":
            self.state.reason = row["id"]
        elif self.level == "journey":
            self.state.journey = row["id"]

    def _on_scatter_select(self, index: list[int]) -> None:
        self.selected = [self._scatter_ids[i] for i in index if i < len(self._scatter_ids)]

    def _explain(self, id: str | None) -> None:
        if id is None:
            self.explanation.object = ""
            return
        row = self._ranked.filter(pl.col("id") == id).row(0, named=True)
        self.explanation.object = "**Why:** " + html.escape(explain(row))

    def save_weights(self) -> bool:
        """Store the weights in the workspace (editors only); True when saved."""
        if not self.state.can_edit or self.state.workspace is None:
            self.state.message = "This session is read-only: sign in as an editor to change the weights."
            return False
        store = self.state.workspace.store
        try:
            self._weights_revision = store.set_setting(SETTING, self.weights.to_dict(),
                                                       expected_revision=self._weights_revision)
        except ConflictError as exc:  # someone else saved weights meanwhile: show theirs, keep nothing half
            self.state.message = f"Not saved: {exc}"
            saved, self._weights_revision = store.get_setting_revision(SETTING, {})
            self.weights = PriorityWeights.from_dict(saved)
            for name, slider in self.sliders.items():
                slider.value = getattr(self.weights, name)
            return False
        self.state.message = "Saved: priority weights."
        return True

    def _on_slider(self, name: str, value: float) -> None:
        self.weights = replace(self.weights, **{name: value})

    # -- widgets and views ----------------------------------------------------------------------------
    def _weight_widgets(self) -> dict[str, pn.widgets.FloatSlider]:
        sliders = {f: pn.widgets.FloatSlider(name=f"{f.capitalize()} weight", start=0.0, end=5.0, step=0.25,
                                             value=getattr(self.weights, f)) for f in JOURNEY_FACTORS}
        sliders |= {t: pn.widgets.FloatSlider(name=label, start=lo, end=hi, step=step, value=getattr(self.weights, t))
                    for t, (label, lo, hi, step) in TARGETS.items()}
        for name, slider in sliders.items():
            slider.disabled = not self.state.can_edit
            slider.param.watch(lambda e, name=name: self._on_slider(name, e.new), "value")
        return sliders

    def _titles(self) -> dict[str, str]:
        titles = {"rank": "#", "label": ITEM_NAMES[self.level], "score": "Score"}
        titles |= {f"contribution_{f}": f.capitalize() for f in JOURNEY_FACTORS}
        return titles | {c: CATALOGUE[k].label for c, k in RAW_COLUMNS.items()}

    @param.depends("level", "weights", "state.period", "state.segment", "state.channel", "state.model")
    def scatter(self):
        frame = scatter_frame(self.ranked())
        self._scatter_ids = frame["id"].to_list()
        tooltips = [("Item", "@label"), ("Contacts", "@volume{0,0}"), ("Dissatisfaction", "@dissatisfaction{0.00}"),
                    ("Cost", "€@cost{0,0}"), ("Score", "@score{0.0}")]
        points = hv.Points(frame.to_pandas(), kdims=["volume", "dissatisfaction"],
                           vdims=["score", "cost", "size", "label", "id"]).opts(
            color="score", cmap=list(SEQUENTIAL[2:]), size="size", colorbar=True, clabel="Priority score",
            line_color="#333", alpha=0.8, tools=["tap", "box_select", "hover"], hover_tooltips=tooltips,
            xlabel="Contacts", ylabel="Dissatisfaction (gap to target, 0–1)",
            xformatter=NumeralTickFormatter(format="0,0"),
            responsive=True, min_height=360, nonselection_alpha=0.25, active_tools=["box_select"],
            title="Volume against dissatisfaction (marker area: cost)")
        self.selection = hv.streams.Selection1D(source=points)
        self.selection.add_subscriber(lambda index: self._on_scatter_select(index))
        return points

    def weights_panel(self) -> pn.viewable.Viewable:
        head = ("Weights of the factors (0 drops a factor) and survey targets." if self.state.can_edit else
                "Weights used for this ranking (read-only: editors can change them).")
        return pn.Column(pn.pane.Markdown(f"#### Weights\n{head}"), *self.sliders.values(), self.save_button,
                         width=280)

    def __panel__(self):
        return pn.Row(
            pn.Column(self.level_select, self.note, self.table, self.explanation,
                      pn.pane.HoloViews(self.scatter, sizing_mode="stretch_width", min_height=380),
                      sizing_mode="stretch_width"),
            self.weights_panel(), sizing_mode="stretch_width")
