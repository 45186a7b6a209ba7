"""Writing workbooks with xlsxwriter: typed cells, bold frozen headers, widths and drop-downs.

Every workbook is built in memory and written whole (:func:`new_workbook`, through
:func:`workbench.files.write_bytes`: beside the target, then renamed into place); a text longer than a
cell holds continues on the Overflow sheet (:mod:`~workbench.interchange.overflow`).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import xlsxwriter

from workbench.files import write_bytes
from workbench.interchange.layout import HELP, ID_SHEET, SHEET_HELP, SHEETS, columns
from workbench.interchange.overflow import CELL_LIMIT, Overflow, too_long, utf16_len
from workbench.interchange.validate import FIELDS
from workbench.model import INSIGHT_KINDS, OPPORTUNITY_STATUSES, SOLUTION_STATUSES, Model

SPARE_ROWS = 1000  # drop-downs reach this far below the data, so added rows get them too
OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
EMOTIONS = ["-2", "-1", "0", "1", "2"]
SCORES = ["1", "2", "3", "4", "5"]
BOOLEANS = ["TRUE", "FALSE"]


@contextmanager
def new_workbook(path: str | Path) -> Iterator[xlsxwriter.Workbook]:
    """An xlsxwriter workbook that is written to ``path`` whole when the block ends, or not at all."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {**OPTIONS, "in_memory": True})
    yield book
    book.close()
    write_bytes(path, buffer.getvalue())


def write_workbook(model: Model, path: str | Path) -> None:
    """The model as a workspace workbook at ``path``, whole or not at all."""
    rows = sheet_rows(model)
    with new_workbook(path) as book:
        styles = Styles(book)
        overflow = Overflow()
        write_readme(book, styles)
        for sheet, headers in ((name, columns(name)) for name in SHEETS):
            ws = book.add_worksheet(sheet)
            write_table(ws, styles, headers, rows[sheet], overflow=overflow)
            last = len(rows[sheet]) + SPARE_ROWS
            for col, spec in enumerate(FIELDS[SHEETS[sheet]]):
                source = choices(spec.kind, spec.target, rows)
                if source is not None:
                    add_dropdown(ws, col, last, source, HELP.get(spec.name, ""))
        overflow.write(book, styles.header)


def sheet_rows(model: Model) -> dict[str, list[list[Any]]]:
    """The cell values of every sheet, row by row, in display order."""
    out = {"Workspace": [[model.name, model.language, model.description, "\n".join(model.voice_prefixes)]]}
    for sheet, kind in SHEETS.items():
        if kind in ("workspace", "process_reasons", "system_reasons"):
            continue
        out[sheet] = [[cell_value(f.kind, getattr(e, f.name)) for f in FIELDS[kind]]
                      for e in getattr(model, kind).values()]
    out["ProcessReasons"] = [[p.id, r] for p in model.processes.values() for r in p.reasons]
    out["SystemReasons"] = [[s.id, r] for s in model.systems.values() for r in s.reasons]
    return out


def cell_value(kind: str, value: Any) -> Any:
    """What a cell holds for a field: lists as comma-separated ids, pairs as "name=value; …", days as text.

    >>> cell_value("refs", ("a", "b")), cell_value("effects", (("volume", -0.3),)), cell_value("date", None)
    ('a, b', 'volume=-0.3', None)
    """
    if kind in ("refs", "tags"):
        return ", ".join(value)
    if kind in ("effects", "pairs"):
        return "; ".join(f"{k}={v!r}" if isinstance(v, float) else f"{k}={v}" for k, v in value)
    if kind == "date":
        return None if value is None else value.isoformat()
    return value


def choices(kind: str, target: str | None, rows: dict[str, list]) -> str | list[str] | None:
    """The drop-down list of a column: a range of ids on another sheet, or fixed values."""
    if kind == "ref" and target in ID_SHEET:
        sheet = ID_SHEET[target]
        return f"='{sheet}'!$A$2:$A${len(rows[sheet]) + SPARE_ROWS + 1}"
    fixed = {"emotion": EMOTIONS, "score": SCORES, "bool": BOOLEANS, "state": ["current", "future"],
             "insight_kind": list(INSIGHT_KINDS), "opportunity_status": list(OPPORTUNITY_STATUSES),
             "solution_status": list(SOLUTION_STATUSES)}
    return fixed.get(kind)


class Styles:
    def __init__(self, book: xlsxwriter.Workbook):
        self.header = book.add_format({"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "valign": "top"})
        self.text = book.add_format({"valign": "top"})
        self.wrap = book.add_format({"valign": "top", "text_wrap": True})
        self.example = book.add_format({"valign": "top", "italic": True, "font_color": "#7F7F7F"})
        self.title = book.add_format({"bold": True, "font_size": 14})


def write_table(ws, styles: Styles, headers: list[str], rows: list[list[Any]], style=None,
                overflow: Overflow | None = None) -> None:
    """Headers in bold on a frozen first row, then typed cells; widths fitted to the content.

    A text too long for its cell continues on ``overflow``; without one it is a :class:`CellTooLong` error.
    """
    ws.write_row(0, 0, headers, styles.header)
    ws.freeze_panes(1, 0)
    widths = [len(h) + 2 for h in headers]
    ids = headers.index("id") if "id" in headers else None
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            ident = str(row[ids]) if ids is not None and row[ids] is not None else None
            write_cell(ws, r, c, value, style or styles.text, overflow, ident)
            if isinstance(value, str):
                widths[c] = max(widths[c], max((len(line) for line in value[:10_000].split("\n")), default=0) + 2)
    for c, width in enumerate(widths):
        ws.set_column(c, c, min(max(width, 8), 60), styles.wrap if width > 60 else None)
    if rows:
        ws.autofilter(0, 0, len(rows), len(headers) - 1)


def write_cell(ws, row: int, col: int, value: Any, style, overflow: Overflow | None = None,
               ident: str | None = None) -> None:
    """One typed cell (nothing for None or ''); see :func:`write_table` for texts longer than a cell holds."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value, style)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, style)
    else:
        text = str(value)
        if len(text) > CELL_LIMIT // 2 and utf16_len(text) > CELL_LIMIT:
            if overflow is None:
                raise too_long(ws.name, row, col, text)
            text = overflow.fit(ws.name, row, col, text, ident)
        ws.write_string(row, col, text, style)


def add_dropdown(ws, col: int, last_row: int, source: str | list[str], tip: str = "",
                 strict: bool = True) -> None:
    """A list validation on ``col`` from row 2 to ``last_row`` (a warning only when not strict)."""
    options: dict[str, Any] = {"validate": "list", "source": source, "ignore_blank": True}
    if tip:
        options.update(input_title="", input_message=tip[:255])
    if not strict:
        options.update(error_type="warning", error_title="Not in the list",
                       error_message="This value is not in the list; the import will check it.")
    ws.data_validation(1, col, last_row, col, options)


def write_readme(book: xlsxwriter.Workbook, styles: Styles) -> None:
    ws = book.add_worksheet("README")
    ws.write(0, 0, "Journey Workbench workspace", styles.title)
    ws.write(1, 0, "One sheet per kind of entity, one row per entity; row order is display order. "
                   "Reference columns hold ids (or exact labels); a blank id is made from the label. Only Stages, "
                   "Phases and Reasons are required. Import with: workbench import PATH FILE.xlsx")
    ws.write_row(3, 0, ["sheet", "column", "required", "what it holds"], styles.header)
    row = 4
    for sheet, kind in SHEETS.items():
        ws.write(row, 0, sheet, styles.header)
        ws.write(row, 3, SHEET_HELP[sheet])
        row += 1
        for spec in FIELDS[kind]:
            ws.write_row(row, 0, [sheet, spec.name, "yes" if spec.required else "", HELP.get(spec.name, "")])
            row += 1
    ws.set_column(0, 1, 26)
    ws.set_column(2, 2, 9)
    ws.set_column(3, 3, 100)
    ws.freeze_panes(4, 0)
