"""Excel and Parquet sources: typed and text dates, sheets by name, hive partitions, globs."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
import xlsxwriter

from workbench.sources import SourceError, SourceSpec, load_source

UTC = UTC
CHANNELS = {"phone", "web", "app"}


def write_workbook(path):
    """A sheet 'Contacten' with Excel-typed dates, text dates, numeric and text customer ids."""
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Intro").write(0, 0, "read me")
    sheet = book.add_worksheet("Contacten")
    stamp = book.add_format({"num_format": "dd-mm-yyyy hh:mm"})
    sheet.write_row(0, 0, ["Klant", "Datum", "DatumTekst", "Kanaal", "Code", "NPS"])
    rows = [
        (101, datetime(2026, 1, 5, 10, 30), "05-01-2026 10:30", "phone", "FACT", 9),
        ("K-2", datetime(2026, 1, 6, 0, 0), "06-01-2026 00:00", "web", "ADR", 6),
        (103, datetime(2026, 2, 1, 12, 0), "01-02-2026 12:00", "app", "FACT", 11),
    ]
    for r, (klant, when, text, channel, code, nps) in enumerate(rows, start=1):
        sheet.write(r, 0, klant)
        sheet.write_datetime(r, 1, when, stamp)
        sheet.write_string(r, 2, text)
        sheet.write_row(r, 3, [channel, code])
        sheet.write_number(r, 5, nps)
    book.close()


def excel_spec(path, date_column, **change):
    mapping = {
        "customer_id": "Klant",
        "timestamp": date_column,
        "channel": "Kanaal",
        "source_code": "Code",
        "nps": "NPS",
    }
    return SourceSpec(
        **{
            **dict(
                id="survey",
                kind="excel",
                location=str(path),
                mapping=mapping,
                content="survey",
                options={"sheet": "Contacten"},
                on_bad_rows="quarantine",
                timezone="Europe/Amsterdam",
                timestamp_format="%d-%m-%Y %H:%M",
            ),
            **change,
        }
    )


@pytest.mark.parametrize("date_column", ["Datum", "DatumTekst"])
def test_excel_dates_typed_or_text_read_the_same(tmp_path, date_column):
    path = tmp_path / "survey.xlsx"
    write_workbook(path)
    result = load_source(excel_spec(path, date_column), channels=CHANNELS, workspace_dir=tmp_path)
    got = result.frame.collect()
    assert got["customer_id"].to_list() == ["101", "K-2"]  # a whole number reads without '.0'
    assert got["timestamp"].to_list() == [
        datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
        datetime(2026, 1, 5, 23, 0, tzinfo=UTC),
    ]
    assert got["nps"].to_list() == [9, 6]
    [bad] = result.report.problems["score_out_of_range"].examples
    assert (bad.file, bad.row, bad.column, bad.value) == (f"{path} [Contacten]", 4, "NPS", "11")


def test_excel_unknown_sheet_suggests_one(tmp_path):
    path = tmp_path / "survey.xlsx"
    write_workbook(path)
    with pytest.raises(SourceError, match=r"no sheet 'Contacts' \(did you mean 'Contacten'\?\)"):
        load_source(excel_spec(path, "Datum", options={"sheet": "Contacts"}), channels=CHANNELS)


def test_excel_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "survey.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(SourceError, match=r"survey.xlsx: this is a text file, not an Excel workbook"):
        load_source(excel_spec(path, "Datum"), channels=CHANNELS)


def write_months(root):
    """month=2026-01 holds two files (2 + 1 rows), month=2026-02 one file (2 rows, the second bad)."""

    def part(month, name, ids, channels):
        folder = root / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        n = len(ids)
        pl.DataFrame(
            {
                "customer_id": ids,
                "channel": channels,
                "code": ["FACT"] * n,
                "cost": [1.0] * n,
                "timestamp": pl.Series([datetime(2026, int(month[-2:]), d + 1, 12) for d in range(n)]),
            }
        ).write_parquet(folder / name)

    part("2026-01", "a.parquet", ["c1", "c2"], ["phone", "web"])
    part("2026-01", "b.parquet", ["c3"], ["web"])
    part("2026-02", "a.parquet", ["c4", "c5"], ["app", "telex"])


PARQUET_MAPPING = {
    "customer_id": "customer_id",
    "timestamp": "timestamp",
    "channel": "channel",
    "source_code": "code",
    "cost": "cost",
}


@pytest.mark.parametrize("location", ["{root}", "{root}/month=*/*.parquet"])
def test_hive_partitioned_folder_and_glob(tmp_path, location):
    root = tmp_path / "contacts"
    write_months(root)
    spec = SourceSpec(
        id="contacts",
        kind="parquet",
        location=location.format(root=root),
        mapping=PARQUET_MAPPING,
        extra_dimensions=["month"],
        on_bad_rows="quarantine",
    )
    result = load_source(spec, channels=CHANNELS, workspace_dir=tmp_path)
    got = result.frame.collect().sort("customer_id")
    assert got["customer_id"].to_list() == ["c1", "c2", "c3", "c4"]
    assert got["month"].to_list() == ["2026-01", "2026-01", "2026-01", "2026-02"]
    assert got["timestamp"][0] == datetime(2026, 1, 1, 12, tzinfo=UTC)  # naive → the spec's time zone (UTC)
    [bad] = result.report.problems["unknown_channel"].examples
    assert (bad.file, bad.row, bad.value) == (str(root / "month=2026-02" / "a.parquet"), 2, "telex")
    assert (result.report.rows_read, result.report.rows_kept, result.report.rows_bad) == (5, 4, 1)


def test_a_single_parquet_file(tmp_path):
    root = tmp_path / "contacts"
    write_months(root)
    spec = SourceSpec(
        id="jan", kind="parquet", location=str(root / "month=2026-01" / "a.parquet"), mapping=PARQUET_MAPPING
    )
    assert load_source(spec, channels=CHANNELS).frame.collect()["customer_id"].to_list() == ["c1", "c2"]


def test_empty_folder_is_an_error(tmp_path):
    spec = SourceSpec(id="none", kind="parquet", location=str(tmp_path), mapping=PARQUET_MAPPING)
    with pytest.raises(SourceError, match="no .parquet/.pq file found"):
        load_source(spec, channels=CHANNELS)
