"""The crosswalk: apply, unmapped volumes, validation against the model, import and export."""

from __future__ import annotations

import polars as pl
import pytest
import xlsxwriter

from workbench.interchange.problems import ImportRejected
from workbench.sources import Crosswalk

CONTACTS = pl.DataFrame(
    {
        "customer_id": ["a", "a", "b", "c", "c", "c", "d", "e"],
        "source_code": ["F1", "X1", "X1", "X2", "X2", "X2", "T0", "X3"],
    }
)


def test_apply_fills_reason_and_leaves_out_ignored_rows():
    got = Crosswalk({"F1": "pay-bill", "T0": "ignore"}).apply(CONTACTS.lazy()).collect()
    assert got.height == 7  # the one T0 row is ignored
    assert got.filter(pl.col("source_code") == "F1")["reason"].to_list() == ["pay-bill"]
    assert got["reason"].null_count() == 6


def test_unmapped_codes_biggest_first_with_distinct_customers():
    got = Crosswalk({"F1": "pay-bill", "T0": "ignore"}).unmapped(CONTACTS)
    # X2: 3 contacts by 1 customer; X1: 2 contacts by 2 customers; X3: 1 by 1
    assert got.rows() == [("X2", 3, 1), ("X1", 2, 2), ("X3", 1, 1)]
    assert got.columns == ["source_code", "contacts", "customers"]


def test_validate_names_targets_that_are_not_reasons(model):
    crosswalk = Crosswalk({"F1": "pay-bill", "A1": "change-detail", "T0": "ignore", "Z": "zzz"})
    assert crosswalk.validate(model) == [
        "crosswalk: code 'A1' maps to 'change-detail', which is not a contact reason "
        "(did you mean 'change-details'?)",
        "crosswalk: code 'Z' maps to 'zzz', which is not a contact reason",
    ]


def test_with_mapping_and_identity(model):
    crosswalk = (
        Crosswalk.identity(model)
        .with_mapping("F1", "pay-bill", "billing codes")
        .with_mapping("pay-bill", None)
    )
    assert "pay-bill" not in crosswalk.targets and crosswalk.targets["F1"] == "pay-bill"
    assert crosswalk.notes == {"F1": "billing codes"}
    assert crosswalk.validate(model) == []


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_and_import_round_trip(tmp_path, model, suffix):
    crosswalk = Crosswalk({"F1": "pay-bill", "A1": "change-details", "T0": "ignore"}, {"T0": "test calls"})
    path = crosswalk.write(tmp_path / f"crosswalk{suffix}")
    assert Crosswalk.read(path, model=model) == crosswalk


def test_import_collects_every_located_problem(tmp_path, model):
    path = tmp_path / "codes.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Notes")
    sheet = book.add_worksheet("Codes")
    sheet.write_row(0, 0, ["Source_Code", "Reason", "Note"])
    rows = [
        ("F1", "pay-bill", ""),
        ("F1", "pay-bill", "again"),
        ("A1", "I change my details", ""),
        ("", "", ""),
        ("", "pay-bill", ""),
        (404, "", ""),
        ("B2", "pay-bil", ""),
    ]
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    with pytest.raises(ImportRejected) as caught:
        Crosswalk.read(path, sheet="Codes", model=model)
    got = [(p.sheet, p.row, p.column, p.message) for p in caught.value.problems]
    assert got == [
        ("Codes", 3, "source_code", "code 'F1' is already mapped on row 2"),
        (
            "Codes",
            4,
            "reason",
            "'I change my details' is not a contact reason (did you mean 'change-details'? "
            "that is the id of the reason labelled 'I change my details')",
        ),
        ("Codes", 6, "source_code", "no source code"),
        ("Codes", 7, "reason", "no reason for code '404'; give a reason id or 'ignore'"),
        ("Codes", 8, "reason", "'pay-bil' is not a contact reason (did you mean 'pay-bill'?)"),
    ]
    assert all(p.file == str(path) for p in caught.value.problems)


def test_import_refuses_missing_columns_and_non_spreadsheets(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("code,reason\nF1,pay-bill\n")
    with pytest.raises(ImportRejected, match="no column 'source_code'"):
        Crosswalk.read(path)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"source_code,reason\nF\xe91,pay-bill\n")
    with pytest.raises(ImportRejected, match="line 2"):
        Crosswalk.read(broken)
    (tmp_path / "codes.txt").write_text("source_code,reason\n")
    with pytest.raises(ImportRejected, match="not a spreadsheet"):
        Crosswalk.read(tmp_path / "codes.txt")
    with pytest.raises(ImportRejected, match="no such file"):
        Crosswalk.read(tmp_path / "missing.xlsx")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("hello")
    with pytest.raises(ImportRejected, match="cannot be read as a spreadsheet"):
        Crosswalk.read(fake)
