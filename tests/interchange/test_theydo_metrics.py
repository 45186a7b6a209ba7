"""THEYDO_METRICS_V1 in and out: validated against the format, rolled up from parts, our KPIs exported."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import polars as pl
import pytest

from workbench.interchange.problems import ImportRejected
from workbench.interchange.theydo_metrics import problems, read_theydo_metrics, theydo_document, write_theydo_metrics
from workbench.metrics.external import roll_up

FIXTURE = Path(__file__).parent / "data" / "theydo_metrics.json"


def values(frame: pl.DataFrame) -> dict:
    return {r["metric"]: r["value"] for r in frame.iter_rows(named=True)}


def test_every_type_imports_and_rolls_up_from_its_parts():
    points = read_theydo_metrics(FIXTURE)
    assert points.height == 10
    assert points.filter(pl.col("metric") == "csat-support")["level"].item() == "phase"
    january = roll_up(points.filter(pl.col("date").dt.month() == 1), period=None)
    got = values(january)
    assert got["nps-after-usage"] == pytest.approx(100 * (70 - 110) / 200)   # not the mean of +40 and −80
    assert got["csat-support"] == pytest.approx(6 / 10)
    assert got["ces-ordering"] == pytest.approx((2 * 10 + 5 * 30) / 40)
    assert got["mrr"] == pytest.approx(1500.0)
    assert got["conversion"] == pytest.approx(40 / 100)                        # not the mean of 25 % and 50 %
    by_brand = roll_up(points.filter(pl.col("metric") == "nps-after-usage"), period=None, dimensions=["brand"])
    assert dict(zip(by_brand["brand"], by_brand["value"], strict=True)) == {"A": 40.0, "B": -80.0, None: 30.0}


def test_a_round_trip_keeps_every_point(tmp_path):
    points = read_theydo_metrics(FIXTURE)
    out = write_theydo_metrics(points, tmp_path / "again.json")
    again = read_theydo_metrics(out)
    assert again.sort("metric", "date").equals(points.sort("metric", "date"))
    assert problems(json.loads(out.read_text())) == []


@pytest.mark.parametrize(("change", "where", "says"), [
    (lambda d: d["metrics"][0]["dataPoints"][1].pop("promoters"), "metrics[0].dataPoints[1]", "'promoters'"),
    (lambda d: d["metrics"][3].pop("aggregationMethod"), "metrics[3]", "aggregationMethod"),
    (lambda d: d["metrics"][1].update(colour="red"), "metrics[1]", "colour"),
    (lambda d: d["metrics"][2]["dataPoints"][0].update(dateOfMeasurement="2026-02-30"),
     "metrics[2].dataPoints[0].dateOfMeasurement", "not a calendar date"),
    (lambda d: d.update(format="THEYDO_METRICS_V2"), "format", "THEYDO_METRICS_V1"),
    (lambda d: d["metrics"][0]["dataPoints"][0].update(detractors=-3), "metrics[0].dataPoints[0].detractors",
     "minimum"),
])
def test_bad_files_are_refused_with_the_json_path(tmp_path, change, where, says):
    document = json.loads(FIXTURE.read_text())
    change(document)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ImportRejected) as err:
        read_theydo_metrics(path)
    assert any(p.column == where and says in p.message for p in err.value.problems), err.value.problems


def test_our_kpis_export_as_a_valid_file_with_counts(tmp_path):
    from datetime import UTC, datetime, timedelta

    from model_fixtures import small_model

    from workbench.dataset import Dataset

    rows = [("a", 5, "pay-bill", 10, 5), ("b", 6, "pay-bill", 3, 4), ("c", 7, "place-order", 9, None),
            ("a", 40, "pay-bill", 7, 2)]
    events = pl.DataFrame([{"customer_id": c, "timestamp": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=d),
                            "channel": "web", "reason": r,
                            "source_code": r, "cost": 2.0, "nps": n, "csat": s} for c, d, r, n, s in rows])
    data = Dataset.from_frames(small_model(), events)
    points = data.kpi_points("stage", ["nps", "csat", "volume", "repeat_rate"])
    document = theydo_document(points)
    assert problems(document) == []
    nps = next(m for m in document["metrics"] if m["importKey"] == "nps:stage:being")
    assert nps["type"] == "NPS" and nps["dataPoints"][0] == {"dateOfMeasurement": "2026-01-01", "promoters": 1,
                                                              "passives": 0, "detractors": 1}
    assert nps["groupTags"] == [{"tagGroup": "stage", "tag": "being"}]
    # the export rolls up to the same NPS the workbench computes from the contacts
    assert values(roll_up(points, by=["metric"], period=None))["nps:stage:being"] == pytest.approx(
        data.measure(["stage"], ["nps"]).filter(pl.col("stage") == "being")["nps"].item())
    assert write_theydo_metrics(points, tmp_path / "ours.json").exists()
    tampered = copy.deepcopy(document)
    tampered["metrics"][0]["extra"] = 1
    assert problems(tampered)
