"""Import and export of a whole workspace model (YAML, Excel), of flat model sheets and of workshop
journey sheets.

Reading never touches a store: it returns a new :class:`~workbench.model.Model` or raises
:class:`ImportRejected` listing every problem with its file, sheet, row and column. :func:`import_file`
is the one door the command line and the dashboard use: it tells the kinds of file apart and keeps
from the workspace what a file does not hold. Files above :data:`MAX_FILE_MB` (or
``$WORKBENCH_MAX_FILE_MB``) are refused before they are read.
"""

from __future__ import annotations

from pathlib import Path

from workbench.interchange.excel import read_excel, write_excel
from workbench.interchange.flat import read_flat
from workbench.interchange.flat_columns import parse_columns
from workbench.interchange.importing import Imported, import_file
from workbench.interchange.notes import ImportNotes
from workbench.interchange.problems import ImportRejected, Problem
from workbench.interchange.textfile import MAX_FILE_MB
from workbench.interchange.workshop import read_workshop, write_workshop
from workbench.interchange.yaml_io import model_from_yaml_text, model_to_yaml, read_yaml, write_yaml
from workbench.model import Model

READERS = {".yaml": read_yaml, ".yml": read_yaml, ".xlsx": read_excel}
WRITERS = {".yaml": write_yaml, ".yml": write_yaml, ".xlsx": write_excel}


def read_model(path: str | Path, *, max_mb: float | None = None) -> Model:
    """Read a whole workspace model from .yaml/.yml or .xlsx (chosen by the extension)."""
    reader = READERS.get(Path(path).suffix.lower())
    if reader is None:
        raise ImportRejected([_unknown_extension(path)])
    return reader(path, max_mb=max_mb)


def write_model(model: Model, path: str | Path) -> None:
    """Write a whole workspace model as .yaml/.yml or .xlsx (chosen by the extension)."""
    writer = WRITERS.get(Path(path).suffix.lower())
    if writer is None:
        raise ImportRejected([_unknown_extension(path)])
    writer(model, path)


def _unknown_extension(path: str | Path) -> Problem:
    suffix = Path(path).suffix or "(none)"
    return Problem(str(path), None, None, None,
                   f"unknown file type {suffix}: use .yaml, .yml or .xlsx (workshop sheets: .xlsx or .csv "
                   "with --journeys)")


__all__ = ["MAX_FILE_MB", "ImportNotes", "ImportRejected", "Imported", "Problem", "import_file", "parse_columns",
           "read_flat", "read_model", "write_model", "read_yaml", "write_yaml", "model_to_yaml",
           "model_from_yaml_text", "read_excel", "write_excel", "read_workshop", "write_workshop"]
