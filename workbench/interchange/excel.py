"""The workspace model as an Excel workbook: one sheet per entity kind, one row per entity.

Layout (also written into the workbook's README sheet):

* ``Workspace`` holds one row: name, language, description and voice_prefixes (separated by commas,
  semicolons or line breaks inside the cell).
* ``Stages`` … ``Steps`` hold one row per entity; row order is display order. Columns are the
  entity's fields; a reference column holds the id of the entity it points to, or its exact label
  (ignoring case and accents) when no other entity of that kind has it. A blank id is made from the
  label; the import says which ids it made.
* Only Stages, Phases and Reasons are required: a sheet left out holds nothing.
* A text longer than a cell holds (32,767 characters) continues on the sheet ``Overflow``.
* Processes and systems are linked to contact reasons through the sheets ``ProcessReasons`` and
  ``SystemReasons``, one link per row (not a ';'-separated column): each cell then gets a drop-down.

Reading is lenient about the shape (extra columns, another column order, header spelling such as
"Target emotion", blank rows, numbers typed as 2.0) and strict about the content: every problem is
reported with its sheet, row and column, and nothing is imported while any remains.
"""

from __future__ import annotations

from pathlib import Path

from workbench.interchange.excel_read import read_workbook
from workbench.interchange.excel_write import write_workbook
from workbench.interchange.layout import HELP, ID_SHEET, SHEET_HELP, SHEETS, columns
from workbench.model import Model


def write_excel(model: Model, path: str | Path) -> None:
    """Write the whole model as an .xlsx workbook (see the module docstring for the layout)."""
    write_workbook(model, path)


def read_excel(path: str | Path, *, max_mb: float | None = None) -> Model:
    """Read a workbook written by :func:`write_excel` (or by hand in that layout); sheets it leaves out
    hold nothing (:func:`~workbench.interchange.import_file` keeps the workspace's instead)."""
    return read_workbook(path, max_mb=max_mb)


__all__ = ["HELP", "ID_SHEET", "SHEET_HELP", "SHEETS", "columns", "read_excel", "write_excel"]
