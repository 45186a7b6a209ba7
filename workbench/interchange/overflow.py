"""Text longer than an Excel cell holds (32,767 characters), written whole and read back whole.

The cell keeps the first 32,767 characters; the rest goes, in pieces of at most that size, to rows of
the sheet ``Overflow`` (columns ``sheet``, ``cell``, ``id``, ``text``), in order. Reading appends those
pieces to the cell again. ``id`` is the id on the cell's row when it was written: a row that holds
another id when read (rows were sorted or inserted) is a located problem rather than a text glued to
the wrong entity.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from workbench.errors import InputError
from workbench.interchange.problems import Problem
from workbench.interchange.sheet import Table, normal_header

#: The most characters (UTF-16 code units, as Excel counts them) one cell holds.
CELL_LIMIT = 32_767
SHEET = "Overflow"
HEADERS = ["sheet", "cell", "id", "text"]


class CellTooLong(InputError):
    """A text does not fit in one Excel cell and the writer has no Overflow sheet to continue it on."""


def utf16_len(text: str) -> int:
    """The length of ``text`` as Excel counts it (characters outside the BMP count twice).

    >>> utf16_len("abc"), utf16_len("🚀")
    (3, 2)
    """
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def pieces(text: str, limit: int = CELL_LIMIT) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` UTF-16 units, never inside a character.

    >>> pieces("abcdefg", 3), pieces("a🚀🚀", 3)
    (['abc', 'def', 'g'], ['a🚀', '🚀'])
    """
    out, start = [], 0
    while start < len(text):
        end = min(start + limit, len(text))
        while utf16_len(text[start:end]) > limit:
            end -= max(1, (utf16_len(text[start:end]) - limit + 1) // 2)
        out.append(text[start:end])
        start = end
    return out or [""]


class Overflow:
    """Collects the continuation of long cells while a workbook is written; :meth:`write` adds the sheet."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []

    def fit(self, sheet: str, row: int, col: int, text: str, ident: str | None = None) -> str:
        """What the cell at (``row``, ``col``) (0-based) gets; the rest is kept for the Overflow sheet."""
        if utf16_len(text) <= CELL_LIMIT:
            return text
        first, *rest = pieces(text)
        cell = xl_rowcol_to_cell(row, col)
        self.rows.extend([sheet, cell, ident or "", part] for part in rest)
        return first

    def write(self, book, header_style=None) -> None:
        """Add the Overflow sheet (only when some cell needed it)."""
        if not self.rows:
            return
        ws = book.add_worksheet(SHEET)
        ws.write_row(0, 0, HEADERS, header_style)
        for r, row in enumerate(self.rows, start=1):
            for c, value in enumerate(row):
                if value:
                    ws.write_string(r, c, value)
        ws.set_column(0, 2, 16)
        ws.set_column(3, 3, 100)


def too_long(sheet: str, row: int, col: int, text: str) -> CellTooLong:
    """The error for a text that does not fit in its cell."""
    return CellTooLong(f"the cell {sheet}!{xl_rowcol_to_cell(row, col)} would hold {utf16_len(text):,} "
                       f"characters; an Excel cell holds at most {CELL_LIMIT:,}")


def apply(file: str, overflow: Table, tables: dict[str, Table], problems: list[Problem]) -> None:
    """Append the pieces on the Overflow sheet to the cells they continue, in ``tables`` (by sheet name)."""
    columns = {normal_header(h): i for i, h in enumerate(overflow.headers) if h}
    if not {"sheet", "cell", "text"} <= set(columns):
        problems.append(Problem(file, SHEET, overflow.header_row, None,
                                "the Overflow sheet needs the columns sheet, cell, id and text"))
        return

    def cell(cells: list, name: str) -> str:
        i = columns.get(name)
        return (cells[i] or "") if i is not None and i < len(cells) else ""

    rows = {name: dict(table.rows) for name, table in tables.items()}
    for number, cells in overflow.rows:
        sheet, ref, ident, text = (cell(cells, name) for name in ("sheet", "cell", "id", "text"))
        if sheet.strip() not in tables:
            continue  # a sheet this reader does not read
        table = tables[sheet.strip()]
        try:
            row, col = xl_cell_to_rowcol(ref.strip())
        except (AttributeError, ValueError, TypeError):
            row, col = -1, -1
        target = rows[table.sheet].get(row + 1) if row >= 0 else None
        if target is None or col >= len(target):
            problems.append(Problem(file, SHEET, number, "cell", f"'{ref}' is not a filled cell of sheet {sheet}"))
            continue
        id_col = next((i for i, h in enumerate(table.headers) if h and normal_header(h) == "id"), None)
        found = (target[id_col] or "").strip() if id_col is not None and id_col < len(target) else ""
        if ident.strip() and found != ident.strip():
            problems.append(Problem(file, SHEET, number, "id",
                                    f"this text continues {sheet}!{ref} of '{ident.strip()}', but that row now "
                                    f"holds '{found}': put the row back, or move the text into the cell"))
            continue
        target[col] = (target[col] or "") + text
