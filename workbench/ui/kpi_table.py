"""The KPI table of step 4 (Measure): every KPI by reason, phase, stage, journey, channel or segment."""

from __future__ import annotations

import panel as pn
import param
import polars as pl

from workbench.metrics import CATALOGUE
from workbench.metrics.labels import with_labels
from workbench.ui.exports import export_buttons
from workbench.ui.state import WorkbenchState

LEVELS = ("reason", "phase", "stage", "journey", "channel", "segment", "process", "system")
SHOWN = ("volume", "customers", "digital_share", "cost", "cost_per_contact", "aht", "complaint_rate",
         "repeat_rate", "fcr", "nps", "ces", "csat")


def kpi_frame(state: WorkbenchState, level: str) -> pl.DataFrame:
    """The shown KPIs by ``level`` for the state's filters, with labels, biggest volume first."""
    frame = state.measure([level], list(SHOWN))
    return with_labels(frame, state.model).sort("volume", descending=True, nulls_last=True)


class KpiTable(pn.viewable.Viewer):
    """Every KPI by the chosen level, recomputed from the events at that level (never averaged)."""

    state = param.ClassSelector(class_=WorkbenchState)
    level = param.Selector(default="reason", objects=list(LEVELS))

    def __init__(self, **params):
        super().__init__(**params)
        self._level = pn.widgets.RadioButtonGroup.from_param(self.param.level, button_type="light")

    @param.depends("level", "state.period", "state.segment", "state.channel", "state.model")
    def _table(self):
        frame = kpi_frame(self.state, self.level)
        label = f"{self.level}_label"
        shown = frame.select(pl.col(label).alias(self.level),  # Tabulator shows cell text as text (escapes it)
                             *(c for c in SHOWN if c in frame.columns))
        titles = {c: CATALOGUE[c].label for c in SHOWN}
        note = ("A contact counts toward every journey (process, system) linked to its reason: these rows "
                "overlap and do not add up to the total." if self.level in ("journey", "process", "system") else "")
        return pn.Column(
            pn.pane.Markdown(note, css_classes=["wb-note"]) if note else None,
            pn.widgets.Tabulator(shown.to_pandas(), titles=titles, show_index=False, disabled=True,
                                 pagination="local", page_size=25, sizing_mode="stretch_width",
                                 formatters=_formatters(), css_classes=["wb-kpi-table"]),
        )

    def data(self) -> pl.DataFrame:
        return kpi_frame(self.state, self.level)

    def __panel__(self):
        return pn.Column(pn.Row(self._level, export_buttons(self.data, "kpis")), self._table,
                         sizing_mode="stretch_width")


def _formatters() -> dict:
    from bokeh.models.widgets.tables import NumberFormatter

    percent = NumberFormatter(format="0.0%")
    return {"volume": NumberFormatter(format="0,0"), "customers": NumberFormatter(format="0,0"),
            "cost": {"type": "money", "symbol": "€", "thousand": ",", "precision": 0},
            "cost_per_contact": {"type": "money", "symbol": "€", "thousand": ",", "precision": 2},
            "aht": NumberFormatter(format="0"), "nps": NumberFormatter(format="+0"),
            "ces": NumberFormatter(format="0.00"), **{k: percent for k in
                                                      ("digital_share", "complaint_rate", "repeat_rate", "fcr",
                                                       "csat")}}
