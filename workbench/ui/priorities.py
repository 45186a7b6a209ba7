"""Priorities: the ranked reasons, journeys, channels, processes or systems, why, and the factor weights.

The ranking is ``Dataset.priorities``: its KPI part (the slow part) is computed once per level, filters
and model for every session; changing a weight only re-scores it. Selecting points in the scatter filters
the table; selecting a row explains it and, for a reason or a journey, selects that reason or journey.
"""

from __future__ import annotations

import html
from dataclasses import replace

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers the Bokeh backend for .opts)
import panel as pn
import param
import polars as pl
from bokeh.models import NumeralTickFormatter
from bokeh.models.widgets.tables import NumberFormatter

from workbench import settings
from workbench.analysis.priority import JOURNEY_FACTORS, LEVELS, PriorityWeights, explain
from workbench.display.formats import SEQUENTIAL
from workbench.display.priorities import RAW_COLUMNS, factors_of, scatter_frame, table_frame
from workbench.metrics import CATALOGUE
from workbench.ui.format import kpi_formatters
from workbench.ui.messages import message_alert
from workbench.ui.view import View

LEVEL_NAMES = {"reason": "Contact reasons", "journey": "Journeys", "channel": "Channels",
               "process": "Processes", "system": "IT systems"}
ITEM_NAMES = {"reason": "Contact reason", "journey": "Journey", "channel": "Channel", "process": "Process",
              "system": "IT system"}
RELATIVE = ("Scores are **relative**: each factor gives its full points to the largest item of this level, "
            "so compare scores within one ranking, not across levels or filters.")
#: factor titles that wrap in a narrow column (soft hyphens)
FACTOR_TITLES = {"dissatisfaction": "Dissatis\u00adfaction", "complaints": "Com\u00adplaints",
                 "strategic": "Stra\u00adtegic", "experience": "Expe\u00adrience"}
HEADER_TIPS = {"score": "Relative score: 100 would be the largest item on every factor of this level",
               "rank": "Rank by relative score"}
TARGETS = {"nps_target": ("NPS target", -100.0, 100.0, 5.0), "ces_target": ("CES target", 1.0, 7.0, 0.1),
           "csat_target": ("CSAT target (share 4–5)", 0.0, 1.0, 0.05)}


class PrioritiesView(View):
    """Ranked items of a level with their explanation, a volume/dissatisfaction scatter and the weights."""

    level = param.Selector(default="reason", objects=list(LEVELS))
    weights = param.ClassSelector(class_=PriorityWeights)
    selected = param.List(default=[], doc="Ids selected in the scatter (all items when empty)")
    current = param.String(default=None, allow_None=True, doc="Id of the row selected in the table")
    figures = param.Boolean(default=False, doc="Show the raw figures beside the points (a wider table)")

    def __init__(self, **params):
        session = params["session"]
        store = session.workspace.store if session.workspace is not None else None
        weights, self._weights_revision, problem = settings.priority_weights(store)
        params.setdefault("weights", weights)
        super().__init__(**params)
        self._message = message_alert(self.session)
        if problem:
            self.session.message = problem
        self._scatter_ids: list[str] = []
        self._quiet = False
        self.picked = None  # the scatter's Selection1D stream
        self.level_select = pn.widgets.Select.from_param(
            self.param.level, name="Rank", options={v: k for k, v in LEVEL_NAMES.items()})
        self.sliders = self._weight_widgets()
        self.save_button = pn.widgets.Button(label="Save weights for everyone", color="primary",
                                             visible=self.session.can_edit, disabled=not self.session.can_edit)
        self.save_button.on_click(lambda _: self.save_weights())
        self.table = pn.widgets.Tabulator(None, show_index=False, selectable=1,
                                          hidden_columns=self._hidden(), disabled=True, height=420,
                                          widths={"rank": 46, "label": 290}, layout="fit_columns",
                                          sizing_mode="stretch_width", pagination=None,
                                          header_tooltips=HEADER_TIPS, configuration={
                                              "columnDefaults": {"headerWordWrap": True}})
        self.figures_box = pn.widgets.Checkbox.from_param(
            self.param.figures, name="Show the figures behind the points (contacts, cost, NPS, rates)")
        self.table.param.watch(self._on_row_select, "selection")
        self.explanation = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.note = pn.pane.Markdown("", styles={"color": "#555"})
        self._refresh()

    # -- data -------------------------------------------------------------------------------------------
    def ranked(self) -> pl.DataFrame:
        """The ranked items of the current level, filters and weights."""
        return self.data.priorities(self.level, self.selection.filter, self.weights)

    # -- reactions --------------------------------------------------------------------------------------
    @param.depends("level", "weights", "selection.filter", "session.data", watch=True)
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
                             **({"Figures": list(RAW_COLUMNS)} if self.figures else {})}
        self.table.hidden_columns = self._hidden()
        self.table.formatters = {"label": {"type": "textarea"}, **kpi_formatters(RAW_COLUMNS),
                                 **{c: NumberFormatter(format="0.0", text_align="right")
                                    for c in frame.columns if c == "score" or c.startswith("contribution_")}}
        self._quiet = True  # highlight the row that is explained, without choosing it for the other pages
        self.table.selection = [0] if frame.height else []
        self._quiet = False
        n = self._ranked.height
        self.note.object = (f"Showing {frame.height} of {n} items selected in the chart (click an empty spot "
                            "in the chart to show all)." if self.selected else
                            f"{n} items ranked. Select points in the chart to filter the table.") + " " + RELATIVE
        self._explain(frame["id"][0] if frame.height else None)

    def _hidden(self) -> list[str]:
        return ["id"] if self.figures else ["id", *RAW_COLUMNS]

    @param.depends("figures", watch=True)
    def _show_figures(self) -> None:
        self._update_table()

    def _on_row_select(self, event) -> None:
        if not event.new or self._quiet:
            return
        row = self._shown.row(event.new[0], named=True)
        self.current = row["id"]
        self._explain(row["id"])
        if self.level == "reason":
            self.selection.reason = row["id"]
        elif self.level == "journey":
            self.selection.journey = row["id"]

    def _on_scatter_select(self, index: list[int]) -> None:
        self.selected = [self._scatter_ids[i] for i in index if i < len(self._scatter_ids)]

    def _explain(self, id: str | None) -> None:
        if id is None:
            self.explanation.object = ""
            return
        row = self._ranked.filter(pl.col("id") == id).row(0, named=True)
        self.explanation.object = "**Why:** " + html.escape(explain(row))

    def save_weights(self) -> bool:
        """Store the weights in the workspace (editors only); True when saved. Someone else's saved weights
        meanwhile win: they are shown, and nothing is overwritten."""
        if self.session.workspace is None:
            self.session.message = "Weights are saved in a workspace; this session holds its data in memory."
            return False
        store = self.session.workspace.store
        revision = self.session.save_setting(
            lambda: settings.save_priority_weights(store, self.weights, revision=self._weights_revision),
            "priority weights")
        if revision is not None:
            self._weights_revision = revision
            return True
        if self.session.can_edit:  # a conflict: show the weights that were saved
            self.weights, self._weights_revision, _ = settings.priority_weights(store)
            for name, slider in self.sliders.items():
                slider.value = getattr(self.weights, name)
        return False

    def _on_slider(self, name: str, value: float) -> None:
        self.weights = replace(self.weights, **{name: value})

    # -- widgets and views ----------------------------------------------------------------------------
    def _weight_widgets(self) -> dict[str, pn.widgets.FloatSlider]:
        sliders = {f: pn.widgets.FloatSlider(name=f"{f.capitalize()} weight", start=0.0, end=5.0, step=0.25,
                                             value=getattr(self.weights, f)) for f in JOURNEY_FACTORS}
        sliders |= {t: pn.widgets.FloatSlider(name=label, start=lo, end=hi, step=step, value=getattr(self.weights, t))
                    for t, (label, lo, hi, step) in TARGETS.items()}
        for name, slider in sliders.items():
            slider.disabled = not self.session.can_edit
            slider.param.watch(lambda e, name=name: self._on_slider(name, e.new), "value")
        return sliders

    def _titles(self) -> dict[str, str]:
        titles = {"rank": "#", "label": ITEM_NAMES[self.level], "score": "Relative score"}
        titles |= {f"contribution_{f}": FACTOR_TITLES.get(f, f.capitalize()) for f in JOURNEY_FACTORS}
        return titles | {c: CATALOGUE[k].label for c, k in RAW_COLUMNS.items()}

    @param.depends("level", "weights", "selection.filter", "session.data")
    def scatter(self):
        frame = scatter_frame(self.ranked())
        self._scatter_ids = frame["id"].to_list()
        tooltips = [("Item", "@label"), ("Contacts", "@volume{0,0}"),
                    ("Shortfall below the survey targets", "@dissatisfaction{0.00}"),
                    ("Cost", "€@cost{0,0}"), ("Score", "@score{0.0}")]
        points = hv.Points(frame.to_pandas(), kdims=["volume", "dissatisfaction"],
                           vdims=["score", "cost", "size", "label", "id"]).opts(
            color="score", cmap=list(SEQUENTIAL[2:]), size="size", colorbar=True, clabel="Priority score",
            line_color="#333", alpha=0.8, tools=["tap", "box_select", "hover"], hover_tooltips=tooltips,
            xlabel="Contacts", ylabel="Shortfall below the survey targets (0–1)",
            xformatter=NumeralTickFormatter(format="0,0"),
            responsive=True, min_height=360, nonselection_alpha=0.25, active_tools=["box_select"],
            title="Volume against dissatisfaction (marker area: cost)")
        self.picked = hv.streams.Selection1D(source=points)
        self.picked.add_subscriber(lambda index: self._on_scatter_select(index))
        return points

    def weights_panel(self) -> pn.viewable.Viewable:
        head = ("Weights of the factors (0 drops a factor) and survey targets." if self.session.can_edit else
                "Weights used for this ranking (read-only: editors can change them).")
        return pn.Column(pn.pane.Markdown(f"#### Weights\n{head}"), *self.sliders.values(), self.save_button,
                         self._message, width=280)

    def __panel__(self):
        return pn.Row(
            pn.Column(self.level_select, self.note, self.figures_box, self.table, self.explanation,
                      pn.pane.HoloViews(self.scatter, sizing_mode="stretch_width", min_height=380),
                      sizing_mode="stretch_width"),
            self.weights_panel(), sizing_mode="stretch_width")
