"""Downloads of the data behind a view, as CSV or Excel, for people who continue in a spreadsheet."""

from __future__ import annotations

import io
from collections.abc import Callable

import panel as pn
import polars as pl


def csv_bytes(frame: pl.DataFrame) -> io.BytesIO:
    """UTF-8 CSV with a BOM, so Excel opens accents and emoji correctly; list columns joined with ' → '."""
    buffer = io.BytesIO()
    _flat(frame).write_csv(buffer, include_bom=True)
    buffer.seek(0)
    return buffer


def xlsx_bytes(frame: pl.DataFrame, sheet: str = "data") -> io.BytesIO:
    buffer = io.BytesIO()
    _flat(frame).write_excel(buffer, worksheet=sheet[:31], autofit=True, freeze_panes=(1, 0))
    buffer.seek(0)
    return buffer


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col(c).cast(pl.List(pl.String)).list.join(" → ")
                              for c, t in frame.schema.items() if isinstance(t, pl.List))


def export_buttons(data: Callable[[], pl.DataFrame], name: str) -> pn.Row:
    """Two download buttons (CSV, Excel) that fetch the view's current data when clicked."""
    return pn.Row(
        pn.widgets.FileDownload(callback=lambda: csv_bytes(data()), filename=f"{name}.csv", label="⬇ CSV",
                                button_type="light", width=110, css_classes=["wb-download-csv"]),
        pn.widgets.FileDownload(callback=lambda: xlsx_bytes(data(), name), filename=f"{name}.xlsx",
                                label="⬇ Excel", button_type="light", width=110, css_classes=["wb-download-xlsx"]),
    )
