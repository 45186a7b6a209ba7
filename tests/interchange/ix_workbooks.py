"""Test helpers that build workbooks: through xlsxwriter from plain lists, and by hand as raw XML.

The raw writer stands in for "another program than xlsxwriter" (openpyxl is not installed): it
writes the Open XML parts itself, with shared strings, inline strings, numbers as 2.0, cells
without an explicit type, styled blank cells and a sheet that does not start in row 1.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from workbench.interchange.excel_write import sheet_rows, write_cell
from workbench.interchange.layout import SHEETS, columns
from workbench.model import Model


def model_sheets(model: Model) -> dict[str, list[list]]:
    """Sheet name → [headers, *rows], exactly as write_excel would lay them out."""
    rows = sheet_rows(model)
    return {sheet: [columns(sheet), *rows[sheet]] for sheet in SHEETS}


def write_sheets(path: Path, sheets: dict[str, list[list]]) -> Path:
    with xlsxwriter.Workbook(str(path)) as book:
        for name, rows in sheets.items():
            ws = book.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    write_cell(ws, r, c, value, None)
    return path


def set_cell(sheets: dict[str, list[list]], sheet: str, row: int, column: str, value) -> None:
    """Change one cell; ``row`` as Excel numbers it (header = 1)."""
    headers = sheets[sheet][0]
    sheets[sheet][row - 1][headers.index(column)] = value


OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{OOXML}.sheet.main+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="{OOXML}.sharedStrings+xml"/>
{{sheets}}
</Types>"""
SHEET_TYPE = f"{OOXML}.worksheet+xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_raw_xlsx(path: Path, sheets: dict[str, list[list]], first_row: dict[str, int] | None = None) -> Path:
    """A minimal .xlsx written by hand. Strings alternate between shared and inline strings; floats are
    written with a decimal point (2 → '2.0'); None leaves a styled blank cell."""
    first_row = first_row or {}
    shared: list[str] = []
    parts = {}
    for i, (name, rows) in enumerate(sheets.items(), start=1):
        xml_rows = []
        for r, row in enumerate(rows, start=first_row.get(name, 1)):
            cells = []
            for c, value in enumerate(row):
                ref = f"{xl_col_to_name(c)}{r}"
                if value is None:
                    cells.append(f'<c r="{ref}" s="0"/>')
                elif isinstance(value, bool):
                    cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
                elif isinstance(value, int | float):
                    cells.append(f'<c r="{ref}"><v>{float(value)!r}</v></c>')
                elif (r + c) % 2:
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>')
                else:
                    shared.append(value)
                    cells.append(f'<c r="{ref}" t="s"><v>{len(shared) - 1}</v></c>')
            xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        parts[f"xl/worksheets/sheet{i}.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>'
                                                f'<sheetData>{"".join(xml_rows)}</sheetData></worksheet>')
    names = list(sheets)
    parts["[Content_Types].xml"] = CONTENT_TYPES.format(sheets="".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
        for i in range(1, len(names) + 1)))
    parts["_rels/.rels"] = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
                            f'<Relationship Id="rId1" Type="{DOC_REL}/officeDocument" Target="xl/workbook.xml"/>'
                            "</Relationships>")
    parts["xl/workbook.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} {REL_NS}><sheets>' + "".join(
        f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, start=1))
        + "</sheets></workbook>")
    rels = "".join(f'<Relationship Id="rId{i}" Type="{DOC_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(names) + 1))
    rels += f'<Relationship Id="rId{len(names) + 1}" Type="{DOC_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    parts["xl/_rels/workbook.xml.rels"] = (f'<?xml version="1.0" encoding="UTF-8"?>'
                                           f'<Relationships xmlns="{PKG_REL}">{rels}</Relationships>')
    parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{len(shared)}" '
                                     f'uniqueCount="{len(shared)}">' + "".join(
                                         f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in shared)
                                     + "</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path
