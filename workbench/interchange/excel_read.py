"""Reading workbooks with fastexcel (calamine): every cell as text, typed and checked by us.

Only the sheets Stages, Phases and Reasons are required; a missing optional sheet means "none" (and
a missing Workspace sheet: a workspace named by whoever imports it). A sheet whose name is close to a
missing one ("Segment") is reported, as it is most likely that sheet misspelt.
"""

from __future__ import annotations

import re
from pathlib import Path

import fastexcel

from workbench.interchange import overflow
from workbench.interchange.layout import AUXILIARY_SHEETS, REQUIRED_SHEETS, SHEETS
from workbench.interchange.notes import ImportNotes
from workbench.interchange.problems import ImportRejected, Problem, ordered
from workbench.interchange.sheet import Table, table_records
from workbench.interchange.textfile import check_size
from workbench.interchange.validate import Record, build_model, suggestion
from workbench.model import Model

MAGIC = {b"\x89PNG": "a PNG image", b"%PDF": "a PDF document", b"\xff\xd8\xff": "a JPEG image",
         b"GIF8": "a GIF image"}
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx/ods (zip) and the old .xls format


def sheet_key(name: str) -> str:
    """How sheet names are compared: 'System reasons' and 'SystemReasons' are the same sheet."""
    return re.sub(r"[\s_\-]+", "", name.lower())


def open_workbook(path: str | Path, file: str, max_mb: float | None = None) -> fastexcel.ExcelReader:
    """Open a workbook (refused above the size limit), or raise :class:`ImportRejected` saying what the file is."""
    check_size(path, file, max_mb)
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        raise ImportRejected([Problem(file, None, None, None, "the file is empty")])
    if not head.startswith(WORKBOOK_MAGIC):
        kind = next((what for magic, what in MAGIC.items() if head.startswith(magic)), None)
        if kind is None:
            kind = "a text file" if _looks_like_text(Path(path)) else "not a spreadsheet"
        raise ImportRejected([Problem(file, None, None, None,
                                      f"this is not an Excel workbook (.xlsx): the file is {kind}")])
    try:
        return fastexcel.read_excel(str(path))
    except Exception as error:  # fastexcel raises its own error types for broken archives
        reason = str(error).splitlines()[0]
        raise ImportRejected([Problem(file, None, None, None,
                                      f"this file cannot be read as an Excel workbook ({reason})")]) from None


def _looks_like_text(path: Path) -> bool:
    sample = path.open("rb").read(4096)
    return b"\x00" not in sample


def read_tables(reader: fastexcel.ExcelReader, names: list[str], file: str = "",
                problems: list[Problem] | None = None) -> dict[str, Table]:
    """The named sheets as text tables, with the row numbers Excel shows, long texts whole again.

    ``skip_rows=0`` keeps the empty rows above a sheet's first used row, so row *i* of the frame is
    Excel's row *i + 1*; the header is the first row that is not empty. Pieces of long texts on the
    Overflow sheet (see :mod:`~workbench.interchange.overflow`) are appended to their cells.
    """
    out = {name: _table(reader, name) for name in names}
    continued = [n for n in reader.sheet_names if sheet_key(n) == sheet_key(overflow.SHEET)]
    if continued:
        overflow.apply(file, _table(reader, continued[0]), out, problems if problems is not None else [])
    return out


def _table(reader: fastexcel.ExcelReader, name: str) -> Table:
    frame = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
    numbered = [(i, list(cells)) for i, cells in enumerate(frame.rows(), start=1)
                if any(c is not None and c.strip() for c in cells)]
    if not numbered:
        return Table(name, 1, [])
    start, header = numbered[0]
    headers = [h.strip() if isinstance(h, str) and h.strip() else None for h in header]
    return Table(name, start, headers, numbered[1:])


def find_sheets(reader: fastexcel.ExcelReader) -> dict[str, str]:
    """Layout sheet name → the workbook's own name for it, for the sheets the workbook has."""
    present = {sheet_key(name): name for name in reader.sheet_names}
    return {sheet: present[sheet_key(sheet)] for sheet in SHEETS if sheet_key(sheet) in present}


def read_workbook(path: str | Path, *, notes: ImportNotes | None = None, keep: Model | None = None,
                  max_mb: float | None = None) -> Model:
    """The model in a workspace workbook; ``notes`` gets what the import made up (see :class:`ImportNotes`).

    With ``keep`` (the workspace's model), what the workbook leaves out is taken from it: the sheets
    it does not have, and the name, language and voice prefixes when it has no Workspace sheet.
    """
    file = str(path)
    notes = notes if notes is not None else ImportNotes()
    reader = open_workbook(path, file, max_mb)
    problems: list[Problem] = []
    found = find_sheets(reader)
    absent = [sheet for sheet in SHEETS if sheet not in found]
    known = {sheet_key(s) for s in [*SHEETS, *AUXILIARY_SHEETS]}
    strangers = [n for n in reader.sheet_names if sheet_key(n) not in known]
    for sheet in absent:
        if sheet in REQUIRED_SHEETS:
            problems.append(Problem(file, sheet, None, None,
                                    f"the sheet '{sheet}' is missing{suggestion(sheet, strangers)}"))
    order = [found.get(s, s) for s in SHEETS]
    misspelt: set[str] = set()
    for name in strangers:
        close = [s for s in absent if s not in REQUIRED_SHEETS and suggestion(name, [s])]
        if close:
            problems.append(Problem(file, name, None, None,
                                    f"the sheet '{name}' is not one the import reads{suggestion(name, close)}"))
            order.insert(order.index(close[0]), name)  # reported where the sheet it resembles would be
            misspelt.add(close[0])
    tables = read_tables(reader, list(found.values()), file, problems)
    meta = Record("workspace", {}, lambda name: ("Workspace", 2, name), frozenset({"name"}))
    records: list[Record] = []
    for sheet, actual in found.items():
        kind = SHEETS[sheet]
        sheet_records = table_records(file, tables[actual], kind, problems)
        if kind == "workspace":
            meta = _workspace_record(file, tables[actual], sheet_records, problems) or meta
        else:
            records.extend(sheet_records)
    notes.has_workspace = "Workspace" in found
    notes.absent |= {SHEETS[s] for s in absent if SHEETS[s] not in ("workspace", "process_reasons", "system_reasons")}
    missing = frozenset(SHEETS[s] for s in absent if s in REQUIRED_SHEETS or s in misspelt)
    optional = frozenset(SHEETS[s] for s in absent) - missing
    try:
        model = build_model(file, meta, records, order, missing, absent=optional, notes=notes, keep=keep)
    except ImportRejected as rejected:
        raise ImportRejected(ordered(problems + rejected.problems, order)) from None
    if problems:
        raise ImportRejected(ordered(problems, order))
    if keep is not None and not notes.has_workspace:
        model.name, model.language, model.description = keep.name, keep.language, keep.description
        model.voice_prefixes = keep.voice_prefixes
    return model


def _workspace_record(file: str, table: Table, records: list[Record], problems: list[Problem]):
    for extra in records[1:]:
        problems.append(Problem(file, table.sheet, extra.locate("name")[1], None,
                                "the Workspace sheet holds one row; this row is one too many"))
    if not records and table.headers:
        problems.append(Problem(file, table.sheet, table.header_row + 1, None,
                                "the Workspace sheet needs one row with the workspace name"))
    return records[0] if records else None
