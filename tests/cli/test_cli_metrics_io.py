"""External metrics in (THEYDO json, long CSV) and our KPIs out, targets; through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.interchange.theydo_metrics import problems

FIXTURE = Path(__file__).parents[1] / "interchange" / "data" / "theydo_metrics.json"
runner = CliRunner()


def run(*args, code: int = 0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, f"exit {result.exit_code}:\n{result.output}\n{result.exception!r}"
    return result.output


@pytest.fixture
def ws(tmp_path):
    from model_fixtures import small_model

    from workbench.workspace import Workspace

    Workspace.create(tmp_path / "ws", model=small_model()).close()
    return tmp_path / "ws"


def test_a_long_csv_links_points_by_label_and_rolls_up_from_counts(ws, tmp_path):
    csv = tmp_path / "survey.csv"
    csv.write_text("metric;date;type;promoters;passives;detractors;stage;brand\n"
                   "nps-survey;2026-01-05;NPS;60;20;20;Being a customer;A\n"
                   "nps-survey;2026-01-20;NPS;10;0;90;being;B\n")
    shown = run("metrics-import", ws, csv)
    assert "imported 2 data points of 1 metric(s)" in shown and "-20" in shown  # (70 − 110) / 200


def test_a_bad_row_is_located_and_nothing_is_kept(ws, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("metric,date,type,value,stage\nmrr,2026-13-01,OTHER,10,being\nmrr,2026-01-01,OTHER,x,beeing\n")
    shown = run("metrics-import", ws, csv, code=1)
    assert "row 2:date" in shown and "row 3:value" in shown and "did you mean 'being'" in shown
    assert not (ws / "data" / "metrics").exists()


def test_theydo_in_and_our_kpis_out_with_targets(ws, tmp_path):
    run("metrics-import", ws, FIXTURE)
    run("targets", ws, "--set", "nps>=10", "--set", "repeat_rate<=0.1")
    out = tmp_path / "ours.json"
    from datetime import UTC, datetime

    import polars as pl

    events = pl.DataFrame({"customer_id": ["a", "b"], "timestamp": [datetime(2026, 1, 3, tzinfo=UTC)] * 2,
                           "source_code": ["pay-bill"] * 2, "channel": ["web"] * 2, "nps": [10, 2]})
    events.write_parquet(tmp_path / "contacts.parquet")
    run("crosswalk", ws, "--set", "pay-bill=pay-bill")
    run("sources", "add", ws, "--id", "c", "--kind", "parquet", "--location", tmp_path / "contacts.parquet",
        "--map", "customer_id=customer_id", "--map", "timestamp=timestamp", "--map", "source_code=source_code",
        "--map", "channel=channel", "--map", "nps=nps")
    run("metrics-export", ws, "--theydo", out, "--by", "stage", "--kpi", "nps")
    document = json.loads(out.read_text())
    assert problems(document) == []
    nps = document["metrics"][0]
    assert nps["importKey"] == "nps:stage:being" and nps["target"] == 10
    assert nps["dataPoints"][0]["promoters"] == 1 and nps["dataPoints"][0]["detractors"] == 1
    assert "unknown KPI 'nsp'" in run("targets", ws, "--set", "nsp>=1", code=2)
