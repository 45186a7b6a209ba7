"""The KPI table of step 4 (Measure): every KPI by reason, phase, stage, journey, channel or segment."""

from __future__ import annotations

import panel as pn
import param
import polars as pl

from workbench.metrics import CATALOGUE
from workbench.metrics.labels import with_labels
from workbench.ui.exports import export_buttons
from workbench.ui.format import kpi_formatters
from workbench.ui.view import View

LEVELS = {"reason": "Contact reasons", "phase": "Phases", "stage": "Stages", "journey": "Journeys",
          "channel": "Channels", "segment": "Segments", "process": "Processes", "system": "IT systems"}
ITEM = {"reason": "Contact reason", "phase": "Phase", "stage": "Stage", "journey": "Journey", "channel": "Channel",
        "segment": "Segment", "process": "Process", "system": "IT system"}
#: the KPIs the table can show (a column chooser picks them); DEFAULT fits a 1,100 px box without scrolling
SHOWN = ("volume", "customers", "digital_share", "cost", "cost_per_contact", "aht", "complaint_rate",
         "repeat_rate", "fcr", "nps", "ces", "csat")
DEFAULT = ("volume", "cost", "aht", "repeat_rate", "fcr", "nps", "ces", "csat")
#: the item column's width (px); the KPI columns share the rest of the box, their titles wrapped
ITEM_WIDTH = 320
#: what a row without an item of the level means
NONE_ROW = {"journey": "Contacts on no journey", "process": "Contacts on no process",
            "system": "Contacts on no IT system", "reason": "Contacts without a reason (unmapped code)"}


class KpiTable(View):
    """Every KPI by the chosen level, recomputed from the events at that level (never averaged)."""

    level = param.Selector(default="reason", objects=list(LEVELS))
    columns = param.ListSelector(default=list(DEFAULT), objects=list(SHOWN), doc="The KPIs shown as columns")

    def __init__(self, **params):
        super().__init__(**params)
        self._level = pn.widgets.RadioButtonGroup.from_param(self.param.level, button_type="light",
                                                             options={v: k for k, v in LEVELS.items()}, width=820)
        self._columns = pn.widgets.MultiChoice.from_param(self.param.columns, name="Columns",
                                                          options={CATALOGUE[k].label: k for k in SHOWN},
                                                          width=520, css_classes=["wb-kpi-columns"])

    def data_frame(self) -> pl.DataFrame:
        """The shown KPIs by the level under the current filters, with labels, biggest volume first."""
        frame = self.data.measure([self.level], list(SHOWN), self.selection.filter)
        frame = with_labels(frame, self.model)
        if self.level == "journey":  # today's contacts belong to today's journeys, never to a future design
            journeys = self.model.journeys
            frame = frame.filter(pl.col("journey").is_null() | pl.col("journey").is_in(
                [j for j, v in journeys.items() if v.state != "future"])).with_columns(
                pl.col("journey").replace_strict({j: self.model.journey_title(j) for j in journeys},
                                                 default=pl.col("journey_label")).alias("journey_label"))
        return frame.sort("volume", descending=True, nulls_last=True)

    @param.depends("level", "columns", "selection.filter", "session.data")
    def _table(self):
        frame = self.data_frame()
        label = pl.col(f"{self.level}_label")
        if self.level in NONE_ROW:
            label = label.fill_null(NONE_ROW[self.level])
        kpis = [c for c in SHOWN if c in self.columns and c in frame.columns]
        shown = frame.select(label.alias(self.level), *kpis)  # Tabulator shows cell text as text (escapes it)
        titles = {self.level: ITEM[self.level], **{c: _title(c) for c in kpis}}
        note = ("A contact counts toward every journey (process, system) linked to its reason: these rows "
                "overlap and do not add up to the total." if self.level in ("journey", "process", "system") else "")
        if self.level == "journey":
            note += " Future designs have no contacts yet and are not listed."
        return pn.Column(
            pn.pane.Markdown(note, css_classes=["wb-note"]) if note else None,
            pn.widgets.Tabulator(shown.to_pandas(), titles=titles, show_index=False, disabled=True,
                                 pagination="local", page_size=25, sizing_mode="stretch_width",
                                 formatters=kpi_formatters({c: c for c in kpis}), css_classes=["wb-kpi-table"],
                                 layout="fit_columns", widths={self.level: ITEM_WIDTH},
                                 configuration={"columnDefaults": {"headerWordWrap": True, "headerTooltip": True}},
                                 header_tooltips={c: CATALOGUE[c].description for c in kpis}),
        )

    def __panel__(self):
        return pn.Column(pn.Row(self._level, export_buttons(self.data_frame, "kpis")), self._columns, self._table,
                         sizing_mode="stretch_width")


def _title(kpi: str) -> str:
    """A column title with its unit where the number alone does not say it ("Handling time (s)")."""
    unit = {"seconds": " (s)", "currency": " (€)"}.get(CATALOGUE[kpi].unit, "")
    label = CATALOGUE[kpi].label
    return label if label.endswith(")") else f"{label}{unit}"
