"""The cube computed in DuckDB and PostgreSQL equals the one Polars computes from the same contacts: every
part of every cell, the customers of every cell, hence every KPI at every level."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.metrics.cube import CUBE_KPIS, Cube
from workbench.metrics.engines.run import cube_on

GROUPINGS = [[], ["stage"], ["journey", "channel"], ["reason", "segment"], ["digital", "period"]]


def assert_same_cube(got: Cube, expected: Cube, dims) -> None:
    assert_frame_equal(got.cells, expected.cells, check_exact=False, rel_tol=1e-12)
    assert_frame_equal(got.customers, expected.customers)
    for by in GROUPINGS:
        period = "month" if "period" in by else None
        by = [b for b in by if b != "period"]
        assert_frame_equal(got.measure(by=by, kpis=list(CUBE_KPIS), dims=dims, period=period),
                           expected.measure(by=by, kpis=list(CUBE_KPIS), dims=dims, period=period),
                           check_exact=False, rel_tol=1e-12)


def _duckdb(demo):
    con = duckdb.connect()
    con.register("contacts", demo.raw.to_arrow())
    return con


def test_duckdb_computes_the_same_cube(demo):
    cells, customers = cube_on(_duckdb(demo), "SELECT * FROM contacts", channels=demo.channels,
                               crosswalk=demo.crosswalk)
    assert customers.columns == ["__cell", "customer_id"]  # few customers: the sets themselves
    assert_same_cube(Cube(cells, 7, customers), demo.cube, demo.dims)


def test_duckdb_sketches_customers_within_two_percent(demo):
    cells, customers = cube_on(_duckdb(demo), "SELECT * FROM contacts", channels=demo.channels,
                               crosswalk=demo.crosswalk, exact_pairs=0)
    assert customers.columns == ["__cell", "reg", "rank"]
    sketched = Cube(cells, 7, customers)
    assert_frame_equal(sketched.cells, demo.cube.cells, check_exact=False, rel_tol=1e-12)  # exact per cell
    assert_customers_within_error(sketched, demo)


def assert_customers_within_error(sketched: Cube, demo) -> None:
    """Customers from merged sketches within 2 % (or two customers) of the exact counts."""
    for by in (["stage"], ["phase"], ["segment"], ["journey", "channel"], []):
        got = sketched.measure(by=by, kpis=["customers"], dims=demo.dims)
        exact = demo.cube.measure(by=by, kpis=["customers"], dims=demo.dims)
        allowed = (0.02 * exact["customers"]).clip(lower_bound=2)
        assert ((got["customers"] - exact["customers"]).abs() <= allowed).all(), (by, got, exact)


def test_repeats_window_and_ties_in_sql_match_polars(make_edge_contacts):
    frame, channels = make_edge_contacts
    con = duckdb.connect()
    con.register("contacts", frame.to_arrow())
    for days in (0, 1, 7):
        cells, _ = cube_on(con, "SELECT * FROM contacts", channels=channels, crosswalk=None, repeat_days=days)
        from workbench.metrics.dimensions import Dimensions

        expected = Cube.build(frame.lazy(), Dimensions.build(reasons={}, channels=channels), repeat_days=days)
        assert_frame_equal(cells, expected.cells)


@pytest.mark.postgres
def test_postgresql_computes_the_same_cube(demo, pg_engine):
    demo.raw.write_database("contacts", pg_engine, if_table_exists="replace")
    cells, customers = cube_on(pg_engine, "SELECT * FROM contacts", channels=demo.channels,
                               crosswalk=demo.crosswalk)
    assert_same_cube(Cube(cells, 7, customers), demo.cube, demo.dims)
    cells, customers = cube_on(pg_engine, "contacts", channels=demo.channels, crosswalk=demo.crosswalk,
                               exact_pairs=0)
    assert customers.columns == ["__cell", "reg", "rank"] and customers["rank"].max() <= 33
    assert_frame_equal(cells, demo.cube.cells, check_exact=False, rel_tol=1e-12)
    assert_customers_within_error(Cube(cells, 7, customers), demo)  # PostgreSQL's own hash


@pytest.fixture
def make_edge_contacts():
    """Ties, nulls and the window's edges, with reasons already in place."""
    import datetime as dt

    start = dt.datetime(2026, 1, 31, 23, tzinfo=dt.UTC)
    rows = [("a", 0, "bill"), ("a", 24, "bill"), ("a", 24, "bill"), ("a", 24 * 8, "bill"), ("a", None, "bill"),
            ("a", 1, "move"), (None, 2, "bill"), (None, 3, "bill"), ("b", 0, None), ("b", 5, None),
            ("c", 0, "bill"), ("c", 24 * 7, "bill"), ("c", 24 * 14 + 1, "bill")]
    frame = pl.DataFrame({
        "customer_id": [r[0] for r in rows],
        "timestamp": [None if r[1] is None else start + dt.timedelta(hours=r[1]) for r in rows],
        "channel": ["phone", "app"] * 6 + ["phone"], "reason": [r[2] for r in rows],
        "source_code": "x", "segment": "s", "cost": 1.0, "handling_seconds": None, "complaint": None,
        "resolved": True, "nps": None, "ces": None, "csat": None,
    }, schema_overrides={"handling_seconds": pl.Float64, "complaint": pl.Boolean, "nps": pl.Int8,
                         "ces": pl.Int8, "csat": pl.Int8, "timestamp": pl.Datetime("us", "UTC")})
    return frame, {"phone": False, "app": True}
