"""Downloads of the data behind a view, as CSV or Excel, for people who continue in a spreadsheet.

The files come from ``workbench.interchange.tables``: CSV with a BOM (Excel opens accents correctly) and
text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` …) escaped.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import panel as pn
import polars as pl

from workbench.interchange.tables import csv_bytes, xlsx_bytes


def export_buttons(data: Callable[[], pl.DataFrame], name: str) -> pn.Row:
    """Two download buttons (CSV, Excel) that fetch the view's current data when clicked."""
    return pn.Row(
        pn.widgets.FileDownload(callback=lambda: io.BytesIO(csv_bytes(data())), filename=f"{name}.csv",
                                label="⬇ CSV", color="light", width=110, css_classes=["wb-download-csv"]),
        pn.widgets.FileDownload(callback=lambda: io.BytesIO(xlsx_bytes(data(), name)), filename=f"{name}.xlsx",
                                label="⬇ Excel", color="light", width=110, css_classes=["wb-download-xlsx"]),
    )
