"""Opportunity value from the data: contributions add up, figures by hand, missing data said."""

from __future__ import annotations

import polars as pl
import pytest

from workbench.analysis.value import Opportunity, affected_customers, explain_value, value

PER_REASON = pl.DataFrame({"reason": ["bill", "move", "fault"], "volume": [100, 40, 10],
                           "cost_per_contact": [5.0, 2.0, 8.0], "repeats": [20, 4, 0],
                           "strategic_weight": [1.0, 2.0, 1.0]})
EVENTS = pl.DataFrame({"customer_id": ["a", "b", "c", "d"], "reason": ["bill", "bill", "move", "fault"],
                       "nps": [0, 3, 10, None]})
OPPS = [Opportunity("clear-bill", "Clear first bill", ("bill",), effort=3),
        Opportunity("online-move", "Move online", ("move",), effort=2),
        Opportunity("fix-faults", "Fewer faults", ("fault",), effort=5)]


def test_contributions_add_up_to_the_value_and_the_sides():
    ranked = value(OPPS, PER_REASON, affected_customers(EVENTS, OPPS))
    parts = [c for c in ranked.columns if c.startswith("contribution_")]
    for row in ranked.iter_rows(named=True):
        assert sum(row[c] for c in parts) == pytest.approx(row["value"])
        assert (row["customer_value"] + row["business_value"]) / 2 == pytest.approx(row["value"])


def test_figures_by_hand():
    ranked = value(OPPS, PER_REASON, affected_customers(EVENTS, OPPS))
    bill = ranked.row(0, named=True)
    # bill: avoidable 20 repeats × €5 = €100 (the largest: 25 points), contacts 100 (largest: 25 points);
    # customers a, b (2 of the largest 2: 50/3 points); NPS of a, b = -100 against c's +100: gap 200 (the
    # largest: 50/3); strategic 1 of the largest 2: 50/3 / 2
    assert bill["id"] == "clear-bill" and bill["eur_per_period"] == 100.0
    assert bill["contribution_avoidable_cost"] == pytest.approx(25.0)
    assert bill["contribution_contacts"] == pytest.approx(25.0)
    assert bill["nps_gap"] == pytest.approx(200.0)
    assert bill["value"] == pytest.approx(50 + 50 / 3 + 50 / 3 + 50 / 6)
    assert bill["business_value"] == pytest.approx(100.0)


def test_missing_survey_data_is_said_not_guessed():
    ranked = value(OPPS, PER_REASON, affected_customers(EVENTS, OPPS))
    faults = ranked.filter(pl.col("id") == "fix-faults").row(0, named=True)
    assert faults["nps_gap"] is None and "no survey responses: NPS not used" in faults["notes"]
    assert "NPS not used" in explain_value(faults)


def test_no_reason_or_no_contacts_gives_zero_with_a_note():
    opps = [Opportunity("empty", "Nothing linked", ()), Opportunity("quiet", "Quiet", ("unknown-reason",))]
    ranked = value(opps, PER_REASON, affected_customers(EVENTS, opps))
    assert ranked["value"].to_list() == [0.0, 0.0]
    assert ranked["id"].to_list() == ["empty", "quiet"]  # a tie: by id
    assert "no contact reason linked" in ranked["notes"][0] and "no contacts" in ranked["notes"][1]


def test_a_weight_of_zero_drops_its_factor():
    ranked = value(OPPS, PER_REASON, affected_customers(EVENTS, OPPS), weights={"contacts": 0})
    assert "contribution_contacts" not in ranked.columns
    assert ranked.row(0, named=True)["contribution_avoidable_cost"] == pytest.approx(50.0)
