"""Reading workbooks with fastexcel (calamine): every cell as text, typed and checked by us."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
from xlsxwriter.utility import xl_col_to_name

from workbench.interchange.layout import SHEETS
from workbench.interchange.problems import ImportRejected, Problem, ordered, read_bytes
from workbench.interchange.validate import FIELDS, Field, Record, build_model, suggestion
from workbench.model import Model

MAGIC = {b"\x89PNG": "a PNG image", b"%PDF": "a PDF document", b"\xff\xd8\xff": "a JPEG image",
         b"GIF8": "a GIF image"}
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx/ods (zip) and the old .xls format


@dataclass
class Table:
    """A sheet as text: ``headers`` from its first non-empty row, ``rows`` as (row number, cells)."""

    sheet: str
    header_row: int
    headers: list[str | None]
    rows: list[tuple[int, list[str | None]]] = field(default_factory=list)



def normal_header(text: str) -> str:
    """'Target emotion ' → 'target_emotion'."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _sheet_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.lower())


def open_workbook(path: str | Path, file: str) -> fastexcel.ExcelReader:
    """Open a workbook, or raise :class:`ImportRejected` saying what the file is instead."""
    head = read_bytes(path, file)[:8]
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


def read_tables(reader: fastexcel.ExcelReader, path: str | Path, names: list[str]) -> dict[str, Table]:
    """The named sheets (those present) as text tables, with the row numbers Excel shows.

    ``skip_rows=0`` keeps the empty rows above a sheet's first used row, so row *i* of the frame is
    Excel's row *i + 1*; the header is the first row that is not empty.
    """
    out = {}
    for name in names:
        frame = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
        numbered = [(i, list(cells)) for i, cells in enumerate(frame.rows(), start=1)
                    if any(c is not None and c.strip() for c in cells)]
        if not numbered:
            out[name] = Table(name, 1, [])
            continue
        start, header = numbered[0]
        headers = [h.strip() if isinstance(h, str) and h.strip() else None for h in header]
        out[name] = Table(name, start, headers, numbered[1:])
    return out


def read_workbook(path: str | Path) -> Model:
    file = str(path)
    reader = open_workbook(path, file)
    problems: list[Problem] = []
    present = {_sheet_key(name): name for name in reader.sheet_names}
    found: dict[str, str] = {}
    for sheet in SHEETS:
        if _sheet_key(sheet) in present:
            found[sheet] = present[_sheet_key(sheet)]
        else:
            others = [n for n in reader.sheet_names if _sheet_key(n) not in map(_sheet_key, SHEETS)]
            problems.append(Problem(file, sheet, None, None,
                                    f"the sheet '{sheet}' is missing{suggestion(sheet, others)}"))
    tables = read_tables(reader, path, list(found.values()))
    meta = Record("workspace", {}, lambda name: ("Workspace", 2, name), frozenset({"name"}))
    records: list[Record] = []
    for sheet, actual in found.items():
        kind = SHEETS[sheet]
        sheet_records = table_records(file, tables[actual], kind, problems)
        if kind == "workspace":
            meta = _workspace_record(file, tables[actual], sheet_records, problems) or meta
        else:
            records.extend(sheet_records)
    order = [found.get(s, s) for s in SHEETS]
    try:
        missing = frozenset(SHEETS[s] for s in SHEETS if s not in found)
        model = build_model(file, meta, records, order, missing)
    except ImportRejected as rejected:
        raise ImportRejected(ordered(problems + rejected.problems, order)) from None
    if problems:
        raise ImportRejected(ordered(problems, order))
    return model


def _workspace_record(file: str, table: Table, records: list[Record], problems: list[Problem]):
    for extra in records[1:]:
        problems.append(Problem(file, table.sheet, extra.locate("name")[1], None,
                                "the Workspace sheet holds one row; this row is one too many"))
    if not records and table.headers:
        problems.append(Problem(file, table.sheet, table.header_row + 1, None,
                                "the Workspace sheet needs one row with the workspace name"))
    return records[0] if records else None


def table_records(file: str, table: Table, kind: str, problems: list[Problem],
                  specs: list[Field] | None = None) -> list[Record]:
    """Records of one sheet; missing, doubled or misspelt columns become problems."""
    specs = specs or FIELDS[kind]
    names = {f.name: f.name for f in specs}
    if not table.headers:
        problems.append(Problem(file, table.sheet, None, None,
                                f"the sheet is empty: it needs a header row with {', '.join(names)}"))
        return []
    seen: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        if header and normal_header(header) in names:
            field_name = normal_header(header)
            if field_name in seen:
                problems.append(Problem(file, table.sheet, table.header_row, header,
                                        f"the column '{field_name}' appears twice (columns "
                                        f"{xl_col_to_name(seen[field_name])} and {xl_col_to_name(i)})"))
            seen.setdefault(field_name, i)
    positions = seen
    header_of = {name: table.headers[i] or name for name, i in positions.items()}
    missing = [f for f in specs if f.name not in positions]
    unknown = [h for h in table.headers if h and normal_header(h) not in names]
    for spec in missing:
        if spec.required:
            problems.append(Problem(file, table.sheet, table.header_row, spec.name,
                                    f"the required column '{spec.name}' is missing"
                                    + suggestion(spec.name, unknown)))
    for header in unknown:
        close = suggestion(normal_header(header), [f.name for f in missing if not f.required])
        if close:
            problems.append(Problem(file, table.sheet, table.header_row, header,
                                    f"unknown column '{header}'{close}"))
    implied = frozenset(f.name for f in missing if f.required)
    records = []
    for row_number, cells in table.rows:
        values = {name: cells[i] for name, i in positions.items() if i < len(cells)}

        def locate(name: str, row=row_number):
            return table.sheet, row, header_of.get(name, name)

        records.append(Record(kind, values, locate, implied))
    return records
