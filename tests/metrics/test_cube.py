"""The cube gives exactly what ``measure`` computes from the events, for every KPI it supports."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal, assert_series_equal

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
    assert cube.supports(["reason"], ["customers"]) and cube.customers_mode == "exact"
    assert not cube.supports(["reason"], ["share"])
    assert not cube.supports(["reason"], ["volume"], period="week")
    assert not cube.supports(["brand"], ["volume"])


def test_cube_round_trips_through_parquet(demo, tmp_path):
    _events, _dims, cube = demo
    cube.write(tmp_path / "cube.parquet")
    again = Cube.read(tmp_path / "cube.parquet")
    assert_frame_equal(again.cells, cube.cells)
    assert_frame_equal(again.customers, cube.customers)


@pytest.mark.parametrize(("by", "filters"), [
    ([], None), (["stage"], None), (["journey"], {"segment": ["seniors"]}), (["phase", "channel"], None),
    (["reason", "channel", "segment", "period"], None),
])
def test_sketched_customers_are_within_two_percent_and_exact_for_one_cell(demo, by, filters):
    events, dims, _cube = demo
    sketched = Cube.build(events, dims, exact_pairs=0)
    assert sketched.customers_mode == "hll" and set(sketched.customers.columns) == {"__cell", "reg", "rank"}
    period = "month" if "period" in by else None
    by = [b for b in by if b != "period"]
    expected = measure(events, by=by, kpis=["customers", "volume"], dims=dims, filters=filters, period=period)
    got = sketched.measure(by=by, kpis=["customers", "volume"], dims=dims, filters=filters, period=period)
    assert_frame_equal(got.drop("customers"), expected.drop("customers"))
    # within 2 %, or two customers for groups of a few dozen (two of them may share a register)
    allowed = (0.02 * expected["customers"]).clip(lower_bound=2)
    assert ((got["customers"] - expected["customers"]).abs() <= allowed).all()
    if len(by) == 3:  # reason x channel x segment x month: every group is one cell, counted exactly
        assert_series_equal(got["customers"], expected["customers"])
