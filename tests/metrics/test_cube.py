"""The cube gives exactly what ``measure`` computes from the events, for every KPI it supports."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.metrics import measure
from workbench.metrics.cube import CUBE_KPIS, Cube
from workbench.metrics.model_dims import dimensions
from workbench.sample import generate
from workbench.sources.crosswalk import Crosswalk
from workbench.templates import load_template


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    model = load_template("telecom")
    folder = tmp_path_factory.mktemp("cube")
    result = generate(model, folder, events=20_000, seed=5, progress=False)
    events = Crosswalk(result.crosswalk).apply(pl.scan_parquet(folder, hive_partitioning=True).drop("month"))
    dims = dimensions(model)
    return events.collect().lazy(), dims, Cube.build(events, dims)


@pytest.mark.parametrize(("by", "filters", "period"), [
    ([], None, None),
    (["reason"], None, None),
    (["phase", "channel"], None, None),
    (["stage"], {"segment": ["seniors"]}, None),
    (["journey"], {"channel": ["phone", "web"]}, None),
    (["process", "digital"], None, None),
    (["system"], {"journey": ["i-move-house"]}, None),
    (["reason"], {"period": ["2026-03"]}, None),
    (["segment"], None, "month"),
])
def test_cube_equals_measure_on_the_events(demo, by, filters, period):
    events, dims, cube = demo
    kpis = list(CUBE_KPIS)
    assert cube.supports(by, kpis, period, filters)
    event_filters = dict(filters or {})
    months = event_filters.pop("period", None)
    if months:  # measure filters a period by grouping on it: the same contacts, repeats marked on all
        from datetime import date

        expected = measure(events, by=[*by, "period"], kpis=kpis, dims=dims, period="month")
        expected = expected.filter(pl.col("period") == date.fromisoformat(months[0] + "-01")).drop("period")
    else:
        expected = measure(events, by=by, kpis=kpis, dims=dims, filters=event_filters or None, period=period)
    got = cube.measure(by=by, kpis=kpis, dims=dims, filters=filters, period=period)
    assert_frame_equal(got, expected, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)


def test_cube_refuses_what_it_cannot_answer(demo):
    _events, _dims, cube = demo
    assert not cube.supports(["reason"], ["customers"])
    assert not cube.supports(["reason"], ["volume"], period="week")
    assert not cube.supports(["brand"], ["volume"])


def test_cube_round_trips_through_parquet(demo, tmp_path):
    _events, _dims, cube = demo
    cube.write(tmp_path / "cube.parquet")
    assert_frame_equal(Cube.read(tmp_path / "cube.parquet").cells, cube.cells)
