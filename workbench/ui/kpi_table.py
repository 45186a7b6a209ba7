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

LEVELS = ("reason", "phase", "stage", "journey", "channel", "segment", "process", "system")
SHOWN = ("volume", "customers", "digital_share", "cost", "cost_per_contact", "aht", "complaint_rate",
         "repeat_rate", "fcr", "nps", "ces", "csat")


class KpiTable(View):
    """Every KPI by the chosen level, recomputed from the events at that level (never averaged)."""

    level = param.Selector(default="reason", objects=list(LEVELS))

    def __init__(self, **params):
        super().__init__(**params)
        self._level = pn.widgets.RadioButtonGroup.from_param(self.param.level, button_type="light")

    def data_frame(self) -> pl.DataFrame:
        """The shown KPIs by the level under the current filters, with labels, biggest volume first."""
        frame = self.data.measure([self.level], list(SHOWN), self.selection.filter)
        return with_labels(frame, self.model).sort("volume", descending=True, nulls_last=True)

    @param.depends("level", "selection.filter", "session.data")
    def _table(self):
        frame = self.data_frame()
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
                                 formatters=kpi_formatters({c: c for c in SHOWN}), css_classes=["wb-kpi-table"]),
        )

    def __panel__(self):
        return pn.Column(pn.Row(self._level, export_buttons(self.data_frame, "kpis")), self._table,
                         sizing_mode="stretch_width")
