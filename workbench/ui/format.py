"""Legends and table formats for the Panel components (numbers and colours come from ``display.formats``)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from bokeh.models.widgets.tables import NumberFormatter

from workbench.display.formats import colour_scale, direction_text, format_kpi, numeral_format
from workbench.metrics import CATALOGUE


def legend_html(kpi: str, values: Sequence) -> str:
    """An HTML colour legend for ``values``: the KPI's label, its gradient from lowest to highest, its direction."""
    scale = colour_scale(kpi, values)
    label = html.escape(CATALOGUE[kpi].label if kpi in CATALOGUE else kpi)
    low, high = format_kpi(kpi, scale.low), format_kpi(kpi, scale.high)
    return (
        '<div class="wb-legend" style="display:flex;align-items:center;gap:8px;font-size:12px">'
        f"<b>{label}</b><span>{low}</span>"
        f'<span style="display:inline-block;width:180px;height:12px;border-radius:3px;'
        f'background:{scale.gradient_css()}"></span><span>{high}</span>'
        f'<span style="color:#555">({direction_text(kpi)})</span>'
        '<span style="display:inline-block;width:12px;height:12px;background:#d9d9d9;border-radius:2px;'
        'margin-left:10px"></span><span style="color:#555">no data</span></div>'
    )


def kpi_formatters(columns: Mapping[str, str]) -> dict[str, NumberFormatter | dict]:
    """Tabulator formatters for numeric columns, by the catalogue unit of each column's KPI id
    (volumes with thousands separators, rates as %, NPS as signed points, cost in €)."""
    def one(kpi: str):
        if kpi in CATALOGUE and CATALOGUE[kpi].unit == "currency":
            return {"type": "money", "symbol": "€", "precision": 0 if kpi == "cost" else 2, "thousand": ","}
        return NumberFormatter(format=numeral_format(kpi), text_align="right")
    return {c: one(k) for c, k in columns.items()}
