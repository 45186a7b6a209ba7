"""Property: phase figures equal the sum over their reasons (additive KPIs) or a direct recomputation
from the phase's events by a plain-Python oracle (NPS, CES, CSAT, repeat rate), for random data."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.metrics import Dimensions, measure, rollup
from workbench.sources.canonical import conform

REASONS = ["r1", "r2", "r3", "r4", "r5"]
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ADDITIVE = ["volume", "cost", "complaints", "repeats", "nps_responses", "ces_responses", "csat_responses"]
RECOMPUTED = ["nps", "ces", "csat", "repeat_rate"]

event = st.fixed_dictionaries({
    "customer_id": st.sampled_from(["a", "b", "c"]),
    "reason": st.sampled_from(REASONS),
    "timestamp": st.integers(0, 40 * 24).map(lambda h: START + dt.timedelta(hours=h)),
    "cost": st.sampled_from([0.5, 1.0, 2.0, 4.0]),
    "complaint": st.booleans(),
    "nps": st.none() | st.integers(0, 10),
    "ces": st.none() | st.integers(1, 7),
    "csat": st.none() | st.integers(1, 5),
})
mapping = st.fixed_dictionaries({r: st.tuples(st.sampled_from(["p1", "p2", "p3"]), st.sampled_from(["s1", "s2"]))
                                 for r in REASONS})


def oracle(rows: list[dict], everyone: list[dict], days: int) -> dict[str, float | None]:
    """The recomputed KPIs of ``rows``, straight from the definitions (repeats look at ``everyone``)."""
    def mean(values):
        return sum(values) / len(values) if values else None
    nps = [r["nps"] for r in rows if r["nps"] is not None]
    csat = [r["csat"] for r in rows if r["csat"] is not None]
    return {
        "nps": mean([100.0 * ((s >= 9) - (s <= 6)) for s in nps]),
        "ces": mean([r["ces"] for r in rows if r["ces"] is not None]),
        "csat": mean([float(s >= 4) for s in csat]),
        "repeat_rate": mean([float(any(o is not r and o["customer_id"] == r["customer_id"]
                                       and o["reason"] == r["reason"]
                                       and dt.timedelta(0) < o["timestamp"] - r["timestamp"]
                                       <= dt.timedelta(days=days) for o in everyone))
                             for r in rows]),
    }


@settings(max_examples=50, deadline=None)
@given(rows=st.lists(event, min_size=1, max_size=30), reasons=mapping, days=st.integers(0, 10))
def test_phases_add_up_or_are_recomputed(rows, reasons, days):
    events = conform(pl.DataFrame(rows, schema_overrides={"timestamp": pl.Datetime("us", "UTC")}))
    dims = Dimensions.build(reasons=reasons)
    kpis = ADDITIVE + RECOMPUTED
    by_reason = measure(events, by=["reason"], kpis=kpis, dims=dims, repeat_days=days)
    by_phase = measure(events, by=["phase"], kpis=kpis, dims=dims, repeat_days=days)

    sums = (by_reason.join(dims.reasons, on="reason").group_by("phase")
            .agg(pl.col(ADDITIVE).sum()).sort("phase"))
    assert sums.rows() == by_phase.select("phase", *ADDITIVE).rows()

    for phase_row in by_phase.iter_rows(named=True):
        expected = oracle([r for r in rows if reasons[r["reason"]][0] == phase_row["phase"]], rows, days)
        for kpi in RECOMPUTED:
            assert phase_row[kpi] == pytest.approx(expected[kpi]), (phase_row["phase"], kpi)


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(event, min_size=1, max_size=20), reasons=mapping)
def test_every_rollup_level_matches_a_direct_measure(rows, reasons):
    events = conform(pl.DataFrame(rows, schema_overrides={"timestamp": pl.Datetime("us", "UTC")}))
    dims = Dimensions.build(reasons=reasons)
    kpis = ["volume", "customers", "nps", "repeat_rate"]
    outline = rollup(events, by=["stage", "phase"], dims=dims, kpis=kpis)
    for level, by in enumerate([[], ["stage"], ["stage", "phase"]]):
        direct = measure(events, by=by, dims=dims, kpis=kpis)
        got = outline.filter(pl.col("level") == level).select(*by, *kpis)
        assert got.rows() == direct.rows()
