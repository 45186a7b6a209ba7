"""Nothing accepted silently: duplicate headers, empty files, implausible timestamps, bad lines, wrong files."""

from __future__ import annotations

import zipfile
from datetime import date

import polars as pl
import pytest
import xlsxwriter

from workbench.sources import SourceError, SourceRejected, SourceSpec, load_source
from workbench.sources.textfile import BAD_LINE, TextFileError, prepare_csv

CHANNELS = {"phone", "web"}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def csv_spec(path, **change) -> SourceSpec:
    return SourceSpec(**{"id": "calls", "kind": "csv", "location": str(path), **change})


def test_two_columns_of_one_name_are_a_located_error(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("customer_id,timestamp,channel,source_code,cost,segment,note,cost\n"
                    "c1,2026-01-05,web,X,1,s,n,99\n")
    with pytest.raises(SourceError) as caught:
        load_source(csv_spec(path), channels=CHANNELS)
    assert str(caught.value) == (f"{path}: the header names 'cost' 2 times (columns 5 and 8); rename all but one, "
                                 "so no value is read from the wrong column")


def test_two_columns_of_one_name_in_a_sheet(tmp_path):
    path = tmp_path / "calls.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("Data")
        sheet.write_row(0, 0, ["customer_id", "cost", "timestamp", "cost", "channel", "source_code"])
        sheet.write_row(1, 0, ["c1", 1, "2026-01-05", 2, "web", "X"])
    spec = SourceSpec(id="calls", kind="excel", location=str(path))
    with pytest.raises(SourceError, match=r"sheet 'Data': row 1 names 'cost' 2 times \(columns B and D\)"):
        load_source(spec, channels=CHANNELS)


@pytest.mark.parametrize(("content", "said"), [(b"", "the file is empty"),
                                               (b"\xef\xbb\xbf \r\n\n", "the file is empty (only blank space)")])
def test_an_empty_csv_says_it_is_empty(tmp_path, content, said):
    path = tmp_path / "calls.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        load_source(csv_spec(path), channels=CHANNELS)
    assert str(caught.value) == f"{path}: {said}"


def test_an_empty_sheet_and_an_empty_parquet_file_say_so(tmp_path):
    book = tmp_path / "calls.xlsx"
    with xlsxwriter.Workbook(book) as workbook:
        workbook.add_worksheet("Leeg")
    with pytest.raises(SourceError, match=r"calls.xlsx, sheet 'Leeg': the sheet is empty$"):
        load_source(SourceSpec(id="calls", kind="excel", location=str(book)), channels=CHANNELS)
    empty = tmp_path / "calls.parquet"
    empty.write_bytes(b"")
    with pytest.raises(SourceError, match=r"calls.parquet: the file is empty$"):
        load_source(SourceSpec(id="calls", kind="parquet", location=str(empty)), channels=CHANNELS)


def test_timestamps_outside_the_plausible_window_are_bad_rows(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("customer_id,timestamp,channel,source_code\n"
                    "c1,1999-12-31 23:59:59,web,X\n"     # line 2: a second too early
                    "c2,2000-01-01 00:00,web,X\n"        # line 3: the first plausible moment
                    "c3,2026-06-30 23:59:59,web,X\n"     # line 4: the last day of the window
                    "c4,2026-07-01 00:00,web,X\n"        # line 5: a day too late
                    "c5,9999-12-31 00:00,web,X\n")       # line 6: a placeholder year
    window = (date(2000, 1, 1), date(2026, 6, 30))
    with pytest.raises(SourceRejected) as caught:
        load_source(csv_spec(path), channels=CHANNELS, timestamp_window=window)
    problem = caught.value.report.problems["implausible_timestamp"]
    assert [(e.row, e.value) for e in problem.examples] == [
        (2, "1999-12-31 23:59:59"), (5, "2026-07-01 00:00"), (6, "9999-12-31 00:00")]
    assert problem.examples[2].message == ("'9999-12-31 00:00' is outside the plausible window 2000-01-01 to "
                                           "2026-06-30 (the workspace setting sources.timestamp_window)")
    kept = load_source(csv_spec(path, on_bad_rows="quarantine"), channels=CHANNELS, timestamp_window=window,
                       workspace_dir=tmp_path).frame.collect()
    assert kept["customer_id"].to_list() == ["c2", "c3"]


def test_the_default_window_ends_a_year_from_today(tmp_path):
    today = date.today()
    path = tmp_path / "calls.csv"
    path.write_text("customer_id,timestamp,channel,source_code\n"
                    f"c1,{today.isoformat()},web,X\nc2,{today.year + 2}-01-01,web,X\n")
    with pytest.raises(SourceRejected) as caught:
        load_source(csv_spec(path), channels=CHANNELS)
    [late] = caught.value.report.problems["implausible_timestamp"].examples
    assert late.row == 3


def test_the_window_comes_from_the_workspace_setting(tmp_path, model):
    from workbench.sources.registry import add_source, contacts
    from workbench.store import Store

    path = tmp_path / "calls.csv"
    path.write_text("customer_id,timestamp,channel,source_code\nc1,2019-05-01,web,X\nc2,2021-05-01,web,X\n")
    store = Store.create(f"sqlite:///{tmp_path}/wb.db", model)
    try:
        add_source(store, csv_spec(path, on_bad_rows="quarantine"))
        assert contacts(store, tmp_path).reports["calls"].rows_bad == 0
        store.set_setting("sources.timestamp_window", {"start": "2020-01-01"})
        result = contacts(store, tmp_path)
        assert result.reports["calls"].counts == {"implausible_timestamp": 1}
        assert result.frame.collect()["customer_id"].to_list() == ["c2"]
        store.set_setting("sources.timestamp_window", {"start": "2020-13-01"})
        with pytest.raises(ValueError, match="sources.timestamp_window"):
            contacts(store, tmp_path)
    finally:
        store.close()


@pytest.mark.parametrize(("kind", "name", "content", "said"), [
    ("excel", "calls.xlsx", PNG, "this is a PNG image, not an Excel workbook (.xlsx, .xls, .ods)"),
    ("csv", "calls.csv", PNG, "this is a PNG image, not a CSV text file"),
    ("parquet", "calls.parquet", b"customer_id,timestamp\nc1,2026-01-01\n",
     "this is a text file, not a Parquet file (use --kind csv)"),
    ("csv", "calls.csv", b"PAR1" + bytes(40), "this is a Parquet file, not a CSV text file (use --kind parquet)"),
    ("csv", "log.csv", b'<?xml version="1.0"?>\n<log xes.version="1.0">\n</log>\n',
     "this is an XES event log, not a CSV text file (use --kind xes)"),
])
def test_a_wrong_kind_of_file_is_said_in_one_plain_sentence(tmp_path, kind, name, content, said):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        load_source(SourceSpec(id="calls", kind=kind, location=str(path)), channels=CHANNELS)
    assert str(caught.value) == f"{path}: {said}"


def test_a_zip_that_is_no_workbook_and_a_damaged_workbook(tmp_path):
    path = tmp_path / "calls.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    spec = SourceSpec(id="calls", kind="excel", location=str(path))
    with pytest.raises(SourceError, match=r"this is a ZIP archive, not an Excel workbook"):
        load_source(spec, channels=CHANNELS)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<broken")
    with pytest.raises(SourceError) as caught:
        load_source(spec, channels=CHANNELS)
    assert str(caught.value) == (f"{path}: cannot be read as a spreadsheet: the workbook is damaged, "
                                 "password-protected or not a workbook")


def test_a_row_with_more_values_than_the_header_is_located(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("customer_id,timestamp,channel,source_code\nc1,2026-01-05,web,X\n"
                    'c2,"2026-01-05",web,X,oops\n')
    with pytest.raises(SourceError) as caught:
        load_source(csv_spec(path), channels=CHANNELS)
    assert str(caught.value) == (f"{path}: line 3 holds 5 values but the header has 4 columns "
                                 "(a separator inside a value that is not quoted?)")


def test_a_line_too_long_or_holding_nul_bytes_is_a_bad_row(tmp_path):
    path = tmp_path / "calls.csv"
    long_line = "c3,2026-01-05,web," + "X" * (2 << 20)
    path.write_bytes(("customer_id,timestamp,channel,source_code\nc1,2026-01-05,web,A\n"
                      f"{long_line}\nc4,2026-01-06,web,\x00B\nc5,2026-01-07,web,C\n").encode())
    with pytest.raises(SourceRejected) as caught:
        load_source(csv_spec(path), channels=CHANNELS, workspace_dir=tmp_path)
    report = caught.value.report
    assert report.counts == {"line_too_long": 1, "nul_bytes": 1}  # and no other problem on those lines
    [long], [nul] = report.problems["line_too_long"].examples, report.problems["nul_bytes"].examples
    assert (long.row, long.column, long.message) == (
        3, "(whole line)", f"the line is {len(long_line):,} bytes long; a row may be at most 1,048,576 bytes (1 MB)")
    assert (nul.row, nul.message) == (4, "the line holds 1 NUL byte(s): the file is damaged there")
    result = load_source(csv_spec(path, on_bad_rows="quarantine"), channels=CHANNELS, workspace_dir=tmp_path)
    assert result.frame.collect()["customer_id"].to_list() == ["c1", "c5"]
    quarantine = pl.read_parquet(tmp_path / "quarantine" / "calls.parquet")
    assert quarantine["source_row"].to_list() == [3, 4]
    assert quarantine["problem"].to_list() == [f"line_too_long: {len(long_line)} bytes long",
                                               "nul_bytes: 1 NUL byte(s)"]


def test_nul_bytes_in_the_header_mean_a_binary_file(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes(b"cust\x00omer,timestamp\nc1,2026-01-05\n")
    with pytest.raises(SourceError) as caught:
        load_source(csv_spec(path), channels=CHANNELS)
    assert str(caught.value).startswith(f"{path}: NUL bytes from byte 4 (line 1) on: this is not a text file")


@pytest.mark.parametrize("limit", [5, 6, 7, 11, 16])
def test_the_copy_replaces_exactly_the_bad_lines(tmp_path, limit):
    """Against a plain-Python oracle, with a line limit so small that lines cross the scanner's pieces."""
    lines = ["h1,h2", "ab", "abcdefghij", "a\x00", "", "abcd", "abcde", "x" * 40, "é" * 3, "last"]
    path = tmp_path / "data.csv"
    path.write_bytes("\n".join(lines).encode() + b"\n")
    got = prepare_csv(path, scratch=tmp_path / "copies", line_limit=limit)

    def expected(line: str) -> str:
        size = len(line.encode())
        if size > limit:
            return f"{BAD_LINE}long:{size}"
        return f"{BAD_LINE}nul:{line.count(chr(0))}" if "\x00" in line else line

    assert got.copied and got.header == ("h1", "h2")
    assert got.path.read_text(encoding="utf-8").split("\n")[:-1] == [expected(line) for line in lines]


def test_a_header_longer_than_a_line_may_be_is_refused(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("h" * 20 + "\nab\n")
    with pytest.raises(TextFileError, match=r"data.csv: the first line is 20 bytes long"):
        prepare_csv(path, scratch=tmp_path / "copies", line_limit=10)


def test_a_last_line_without_newline_is_checked_too(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("h1,h2\nab,cd\n" + "x" * 30)
    got = prepare_csv(path, scratch=tmp_path / "copies", line_limit=10)
    assert got.path.read_text() == f"h1,h2\nab,cd\n{BAD_LINE}long:30"
