"""XES reader: hand-made files with known content, bad files, and the two real logs against pm4py."""

import gzip
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from real_logs import real_log

from workbench.sources.xes import read_xes

SMALL = """<?xml version="1.0" encoding="utf-8" ?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
  <global scope="event"><string key="concept:name" value="UNKNOWN"/></global>
  <string key="meta" value="log-level attribute"/>
  <trace>
    <string key="concept:name" value="case-1"/>
    <int key="amount" value="500"/>
    <event>
      <string key="concept:name" value="submit"/>
      <date key="time:timestamp" value="2024-03-01T10:00:00.500+02:00"/>
      <string key="lifecycle:transition" value="complete"/>
      <string key="org:resource" value="ann"/>
    </event>
    <event>
      <string key="concept:name" value="review"/>
      <date key="time:timestamp" value="2024-03-01T07:00:00Z"/>
    </event>
  </trace>
  <trace>
    <event>
      <date key="time:timestamp" value="2024-03-02T09:30:00"/>
      <string key="concept:name" value="submit"/>
    </event>
    <string key="concept:name" value="case-2"/>
  </trace>
</log>
"""


def write(tmp_path: Path, text: str, name: str = "log.xes", compress: bool = False) -> Path:
    path = tmp_path / name
    data = text.encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("compress", [False, True])
def test_reads_cases_events_timestamps_and_attributes(tmp_path, compress):
    path = write(tmp_path, SMALL, "log.xes.gz" if compress else "log.xes", compress)
    got = read_xes(path, attributes=["case:amount", "org:resource"])
    expected = pl.DataFrame(
        {
            "case_id": ["case-1", "case-1", "case-2"],
            "event_index": [0, 1, 0],
            "activity": ["submit", "review", "submit"],
            # +02:00 offset converted; "Z" is UTC; no offset is taken as UTC
            "timestamp": [utc(2024, 3, 1, 8, 0, 0, 500_000), utc(2024, 3, 1, 7), utc(2024, 3, 2, 9, 30)],
            "lifecycle": ["complete", None, None],
            "case:amount": ["500", "500", None],
            "org:resource": ["ann", None, None],
        },
        schema_overrides={"event_index": pl.UInt32, "timestamp": pl.Datetime("us", "UTC")},
    )
    assert_frame_equal(got, expected)


def test_gzip_detected_from_content_not_name(tmp_path):
    path = write(tmp_path, SMALL, "plain-named.xes", compress=True)
    assert read_xes(path).height == 3


def test_missing_timestamp_names_file_trace_and_event(tmp_path):
    text = SMALL.replace('<date key="time:timestamp" value="2024-03-01T07:00:00Z"/>', "")
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=r"log\.xes: trace 1, event 2 \(case 'case-1'\).*time:timestamp"):
        read_xes(path)


def test_unreadable_timestamp_names_position(tmp_path):
    path = write(tmp_path, SMALL.replace("2024-03-02T09:30:00", "yesterday"))
    with pytest.raises(ValueError, match=r"trace 2, event 1: unreadable timestamp 'yesterday'"):
        read_xes(path)


def test_trace_without_case_id(tmp_path):
    path = write(tmp_path, SMALL.replace('<string key="concept:name" value="case-2"/>', ""))
    with pytest.raises(ValueError, match=r"trace 2: the trace has no 'concept:name'"):
        read_xes(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"activity,timestamp\nsubmit,2024-01-01\n", "not a well-formed XML file"),
        (b"", "not a well-formed XML file"),
        (b"<html><body>hello</body></html>", r"not an XES log \(root element <html>\)"),
        (gzip.compress(SMALL.encode())[:200], "not a well-formed XML file|cannot be read as XES"),
    ],
)
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.xes"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as error:
        read_xes(path)
    assert "bad.xes" in str(error.value)




@pytest.mark.parametrize(("name", "cases", "events"),
                         [("helpdesk.xes.gz", 4_580, 21_348), ("bpic2012.xes.gz", 13_087, 262_200)])
def test_real_logs_sizes(name, cases, events):
    log = read_xes(real_log(name))
    assert (log.height, log["case_id"].n_unique()) == (events, cases)
    assert log["timestamp"].null_count() == 0


@pytest.mark.filterwarnings("ignore:Install the optional requirement")
def test_helpdesk_equals_pm4py_reader():
    pm4py = pytest.importorskip("pm4py")
    path = real_log("helpdesk.xes.gz")
    ours = read_xes(path, attributes=["case:concept:name", "org:resource"])
    theirs = pm4py.read_xes(str(path), return_legacy_log_object=False)
    theirs = pl.from_pandas(theirs[["case:concept:name", "concept:name", "time:timestamp", "org:resource"]])
    assert ours["case_id"].to_list() == theirs["case:concept:name"].to_list()
    assert ours["activity"].to_list() == theirs["concept:name"].to_list()
    assert ours["org:resource"].to_list() == theirs["org:resource"].to_list()
    assert (ours["timestamp"] == theirs["time:timestamp"].dt.cast_time_unit("us")
            .dt.convert_time_zone("UTC")).all()
