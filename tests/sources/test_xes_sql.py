"""XES event logs and SQL tables as contact sources."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from real_logs import real_log_path
from sqlalchemy import create_engine, text

from workbench.sources import Crosswalk, SourceError, SourceSpec, load_source

UTC = UTC
HELPDESK = real_log_path("helpdesk.xes.gz")  # shipped in tests/data
BPIC2012 = real_log_path("bpic2012.xes.gz")  # only where ../shared/data/real is


@pytest.mark.skipif(not HELPDESK.exists(), reason="the real helpdesk log is not on this machine")
def test_helpdesk_log_case_is_customer_activity_is_code():
    spec = SourceSpec(id="helpdesk", kind="xes", location=str(HELPDESK), constants={"channel": "web"})
    result = load_source(spec, channels={"web"}, crosswalk=Crosswalk({"Closed": "ignore"}))
    report = result.report
    assert report.rows_read == 21_348
    got = result.frame.collect()
    assert got["customer_id"].n_unique() == 4_580
    # every event is accounted for: 'Closed' events are ignored, the other activities are unmapped but kept
    assert report.rows_kept + report.rows_ignored + report.rows_bad == 21_348
    assert report.rows_ignored == 21_348 - got.height > 0
    assert report.unmapped["contacts"].sum() == got.height == report.rows_unmapped
    assert got["timestamp"].dtype == pl.Datetime("us", "UTC")


@pytest.mark.slow
@pytest.mark.skipif(not BPIC2012.exists(), reason=f"the real BPIC 2012 log is not at {BPIC2012} (not in tests/data)")
def test_bpic2012_log_loads_every_event():
    spec = SourceSpec(
        id="bpic",
        kind="xes",
        location=str(BPIC2012),
        constants={"channel": "web"},
        extra_dimensions=["lifecycle"],
    )
    result = load_source(spec, channels={"web"})
    got = result.frame.collect()
    assert (result.report.rows_read, got.height) == (262_200, 262_200)
    assert got["customer_id"].n_unique() == 13_087
    assert set(got["lifecycle"].unique()) == {"SCHEDULE", "START", "COMPLETE"}


def write_xes(path, events):
    body = "".join(
        f'<trace><string key="concept:name" value="{case}"/>'
        + "".join(
            f'<event><string key="concept:name" value="{a}"/><date key="time:timestamp" value="{t}"/>'
            f'<string key="medium" value="{m}"/></event>'
            for a, t, m in evts
        )
        + "</trace>"
        for case, evts in events
    )
    path.write_text(f'<?xml version="1.0"?><log xmlns="http://www.xes-standard.org/">{body}</log>')


def test_xes_channel_from_an_event_attribute_with_bad_rows_located(tmp_path):
    path = tmp_path / "log.xes"
    write_xes(
        path,
        [
            ("c1", [("Ask", "2026-01-05T10:00:00+01:00", "phone"), ("Pay", "2026-01-06T10:00:00Z", "mail")]),
            ("c2", [("Ask", "2026-01-07T10:00:00", "web")]),
        ],
    )
    spec = SourceSpec(
        id="log", kind="xes", location=str(path), options={"channel": "medium"}, on_bad_rows="quarantine"
    )
    result = load_source(spec, channels={"phone", "web"}, workspace_dir=tmp_path)
    got = result.frame.collect()
    assert got.select("customer_id", "source_code", "channel", "timestamp").rows() == [
        ("c1", "Ask", "phone", datetime(2026, 1, 5, 9, tzinfo=UTC)),
        ("c2", "Ask", "web", datetime(2026, 1, 7, 10, tzinfo=UTC)),
    ]
    [bad] = result.report.problems["unknown_channel"].examples
    assert (bad.row, bad.column, bad.value) == (2, "medium", "mail")  # the second event of the log
    assert result.report.row_unit == "event"


CONTACTS_SQL = """
CREATE TABLE "Contact Log" (klant TEXT, moment TIMESTAMP, kanaal TEXT, code TEXT, kosten REAL);
INSERT INTO "Contact Log" VALUES ('k1', '2026-01-05 10:00:00', 'phone', 'FACT', 2.5),
                                 ('k2', '2026-01-06 11:00:00', 'web', 'ADR', -1.0),
                                 (NULL, '2026-01-07 12:00:00', 'web', 'ADR', 1.0);
"""
SQL_MAPPING = {
    "customer_id": "klant",
    "timestamp": "moment",
    "channel": "kanaal",
    "source_code": "code",
    "cost": "kosten",
}


def fill(url):
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in CONTACTS_SQL.strip().split(";")[:-1]:
            conn.execute(text(statement))
    engine.dispose()


def check_sql_source(url, tmp_path):
    for options in ({"table": "Contact Log"}, {"query": 'SELECT * FROM "Contact Log" ORDER BY klant'}):
        spec = SourceSpec(
            id="db", kind="sql", location=url, mapping=SQL_MAPPING, options=options, on_bad_rows="quarantine"
        )
        result = load_source(spec, channels={"phone", "web"}, workspace_dir=tmp_path)
        got = result.frame.collect()
        assert got.select("customer_id", "cost", "timestamp").rows() == [
            ("k1", 2.5, datetime(2026, 1, 5, 10, tzinfo=UTC))
        ]
        assert result.report.counts == {"missing_customer_id": 1, "negative_cost": 1}
        assert result.report.rows_quarantined == 2


def test_sqlite_table_and_query(tmp_path):
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    fill(url)
    check_sql_source(url, tmp_path)
    [example] = (
        load_source(
            SourceSpec(
                id="db",
                kind="sql",
                location=url,
                mapping=SQL_MAPPING,
                options={"table": "Contact Log"},
                on_bad_rows="quarantine",
            ),
            channels={"phone", "web"},
            workspace_dir=tmp_path,
        )
        .report.problems["negative_cost"]
        .examples
    )
    assert (example.file, example.row, example.value) == (f"{url} [Contact Log]", 2, "-1")


def test_unknown_table_is_a_clear_error(tmp_path):
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    fill(url)
    spec = SourceSpec(id="db", kind="sql", location=url, mapping=SQL_MAPPING, options={"table": "Contacts"})
    with pytest.raises(SourceError, match="cannot read table 'Contacts'"):
        load_source(spec, channels={"phone", "web"})


@pytest.mark.postgres
def test_postgresql_table_and_query(pg_url, tmp_path):
    fill(pg_url)
    check_sql_source(pg_url, tmp_path)
