"""A sheet read as text (from a workbook or a CSV file) and its rows turned into located records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xlsxwriter.utility import xl_col_to_name

from workbench.interchange.problems import Problem
from workbench.interchange.validate import FIELDS, Field, Record, suggestion


@dataclass
class Table:
    """A sheet as text: ``headers`` from its first non-empty row, ``rows`` as (row number, cells).

    ``sheet`` is None for a CSV file; ``encoding`` names the encoding a CSV file was read in.
    """

    sheet: str | None
    header_row: int
    headers: list[str | None]
    rows: list[tuple[int, list[str | None]]] = field(default_factory=list)
    encoding: str | None = None


def normal_header(text: str) -> str:
    """'Target emotion ' → 'target_emotion'."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


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
