"""Every catalogue KPI on the eight-contact fixture (conftest.py), against figures worked out by hand."""

from __future__ import annotations

import doctest
import importlib

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.metrics import CATALOGUE, DEFAULT_KPIS, mark_repeats, measure

# Per reason (rows of conftest.events):
#   bill = rows 1-4, move = rows 5-7, join = row 8
BY_REASON = pl.DataFrame({
    "reason": ["bill", "join", "move"],
    "volume": [4, 1, 3],
    "customers": [2, 1, 2],                       # bill: a, b; move: b, c
    "share": [4 / 8, 1 / 8, 3 / 8],               # share_of defaults to reason: share of all 8
    "digital_share": [1 / 4, 1.0, 2 / 3],         # bill: app of phone, app, phone, shop
    "cost": [10.0, 1.0, 4.0],                     # move: 1 + 3 + null
    "cost_per_contact": [2.5, 1.0, 2.0],          # move: 4 / 2 known costs
    "aht": [75.0, 10.0, 165.0],                   # bill: (60+30+90+120)/4; move: (30+300)/2
    "complaints": [1, 0, 1],
    "complaint_rate": [1 / 4, None, 1 / 3],       # join: its only flag is null -> no rate
    "resolution_rate": [3 / 4, 1.0, 2 / 3],
    "repeats": [1, 0, 1],                         # bill Jan 5 (-> Jan 7); move Feb 3 (-> Feb 9)
    "repeat_rate": [1 / 4, 0.0, 1 / 3],
    "fcr": [3 / 4, 1.0, 2 / 3],
    "nps": [100 * (2 - 1) / 3, 100.0, -50.0],     # bill: 10, 3, 9; move: 6, 8; join: 10
    "ces": [4.5, None, 6.0],                      # bill: (7+2)/2
    "csat": [2 / 3, 0.0, 0.0],                    # bill: 5, 4, 2; move: 1; join: 3
    "nps_responses": [3, 1, 2],
    "ces_responses": [2, 0, 1],
    "csat_responses": [3, 1, 1],
})

# All eight contacts: cost 2+1+2+5+1+3+1 = 15 over 7 known; handling 640 s over 7 known.
TOTAL = pl.DataFrame({
    "volume": [8], "customers": [4], "share": [1.0], "digital_share": [4 / 8],
    "cost": [15.0], "cost_per_contact": [15 / 7], "aht": [640 / 7],
    "complaints": [2], "complaint_rate": [2 / 7], "resolution_rate": [6 / 8],
    "repeats": [2], "repeat_rate": [2 / 8], "fcr": [6 / 8],
    "nps": [100 * (3 - 2) / 6],                   # promoters 10, 9, 10; detractors 3, 6; passive 8
    "ces": [15 / 3], "csat": [2 / 5],             # csat: 5, 4 of 5, 4, 2, 1, 3
    "nps_responses": [6], "ces_responses": [3], "csat_responses": [5],
})


def test_every_kpi_by_reason(events, dims):
    got = measure(events, by=["reason"], dims=dims)
    assert got.columns == ["reason", *DEFAULT_KPIS]
    assert_frame_equal(got, BY_REASON)


def test_every_kpi_grand_total_is_recomputed(events, dims):
    assert_frame_equal(measure(events, by=[], dims=dims), TOTAL)


def test_repeat_example_from_examples_md(make_contacts):
    events = make_contacts(("c1", "2026-01-05", "bill"), ("c1", "2026-01-07", "bill"),  # repeat
                      ("c1", "2026-01-20", "bill"))                                 # 13 days: not
    got = measure(events, by=["reason"], kpis=["volume", "repeat_rate"])
    assert_frame_equal(got, pl.DataFrame({"reason": ["bill"], "volume": [3], "repeat_rate": [1 / 3]}))


@pytest.mark.parametrize(("second", "days", "repeated"), [
    ("2026-01-08T00:00", 7, True),     # exactly 7 days later counts
    ("2026-01-08T00:01", 7, False),    # one minute past the window
    ("2026-01-02T00:00", 0, False),    # N = 0: nothing is a repeat
    ("2026-01-01T00:00", 7, False),    # same instant: not "later" (e.g. a survey row of the contact)
])
def test_repeat_window_edges(make_contacts, second, days, repeated):
    events = make_contacts(("c1", "2026-01-01T00:00", "bill"), ("c1", second, "bill"))
    assert mark_repeats(events, days).collect()["repeat"].to_list() == [repeated, False]


def test_repeat_needs_same_customer_and_reason_and_skips_ties(make_contacts):
    events = make_contacts(("a", "2026-01-01", "bill"), ("a", "2026-01-02", "move"),   # other reason
                      ("b", "2026-01-02", "bill"),                                # other customer
                      ("c", "2026-01-01", "bill"), ("c", "2026-01-01", "bill"),   # tie, then
                      ("c", "2026-01-03", "bill"))                                # 2 days later
    got = mark_repeats(events).select("customer_id", "reason", "repeat").collect()
    assert got.rows() == [("a", "bill", False), ("a", "move", False), ("b", "bill", False),
                          ("c", "bill", True), ("c", "bill", True), ("c", "bill", False)]


def test_null_customer_never_repeats(make_contacts):
    events = make_contacts(("x", "2026-01-01", "bill"), ("x", "2026-01-02", "bill")).with_columns(
        pl.Series("customer_id", [None, None], pl.String))
    assert mark_repeats(events).collect()["repeat"].to_list() == [False, False]


def test_nps_with_more_detractors_than_promoters_is_negative():
    # unsigned bool sums would wrap around here: 1 promoter - 2 detractors over 3 responses
    df = pl.DataFrame({"nps": [1, 2, 10]})
    assert df.select(CATALOGUE["nps"].expr()).item() == pytest.approx(-100 / 3)


def test_catalogue_entries_are_consistent():
    for kpi_id, kpi in CATALOGUE.items():
        assert kpi.id == kpi_id
        assert kpi.expr().meta.output_name() == kpi_id
        assert kpi.description and kpi.label
        assert kpi.unit in {"count", "currency", "seconds", "fraction", "points", "score"}
    assert {k for k, d in CATALOGUE.items() if d.additive} == {
        "volume", "cost", "complaints", "repeats", "nps_responses", "ces_responses", "csat_responses"}


@pytest.mark.parametrize("module", ["kpis", "custom", "cache", "dimensions", "measure"])
def test_doctests(module):
    result = doctest.testmod(importlib.import_module(f"workbench.metrics.{module}"))
    assert result.failed == 0
