"""JourneyFlow on a hand-made log: the directly-follows arcs shown, variants and conformance bars."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from model_fixtures import small_model

from workbench.analysis.mining import END, START
from workbench.display.flow import step_bars
from workbench.sources.canonical import CONTACT_SCHEMA
from workbench.ui.journey_flow import JourneyFlow
from workbench.ui.process_map_figure import NODES
from workbench.ui.session import Session

CO, PO, PB, CD = "compare-offers", "place-order", "pay-bill", "change-details"
# i-join is designed as compare-offers -> place-order
PATHS = {"c1": [CO, PO],           # as designed
         "c2": [PO, CO],           # place-order out of order
         "c3": [CO, PB],           # place-order skipped (pay-bill comes after the journey's window)
         "c4": [CO, CD, PO, PO],   # change-details extra, place-order repeated
         "c5": [CO, PO]}           # as designed
SEGMENTS = {"c1": "families", "c2": "families", "c3": "seniors", "c4": "seniors", "c5": "seniors"}



def log() -> pl.DataFrame:
    rows = [(c, day + 1, reason) for c, path in PATHS.items() for day, reason in enumerate(path)]
    n = len(rows)
    return pl.DataFrame(
        {"customer_id": [r[0] for r in rows], "timestamp": [datetime(2026, 1, r[1], tzinfo=UTC) for r in rows],
         "channel": ["web"] * n, "reason": [r[2] for r in rows], "source_code": ["x"] * n,
         "segment": [SEGMENTS[r[0]] for r in rows], "cost": [1.0] * n, "handling_seconds": [60.0] * n,
         "complaint": [False] * n, "resolved": [True] * n, "nps": [None] * n, "ces": [None] * n, "csat": [None] * n},
        schema=CONTACT_SCHEMA)


def flow(**params) -> JourneyFlow:
    return JourneyFlow(session=Session.from_frames(small_model(), log(), journey="i-join"), **params)


def test_the_map_counts_customers_on_steps_and_arrows():
    view = flow(several=False)
    mined = view.mined()
    assert mined.missing == 0 and mined.dfg["frequency"].sum() == 12 - 5  # events minus customers
    pm = view.process_map()
    assert dict(pm.nodes.select("node", "cases").iter_rows()) == {START: 5, CO: 5, PO: 4, CD: 1, PB: 1, END: 5}
    arcs = {(s, t): n for s, t, n in pm.arcs.select("source", "target", "cases").iter_rows()}
    assert arcs[(CO, PO)] == 2 and arcs[(PO, PO)] == 1 and arcs[(START, CO)] == 4 and arcs[(PO, END)] == 3
    panel = view.map_view()
    plot = panel[1][0].object
    nodes = plot.select_one({"name": NODES}).data
    assert sorted(nodes["label"]) == sorted(["Start", "End", "I compare offers", "I place an order",
                                             "I receive and pay my bill", "I change my details"])
    assert "5 customers. Showing the 4 most frequent of 4 contact reasons" in panel[0].object


def test_clicking_a_step_filters_the_cases_and_the_variants():
    view = flow(several=False)
    view.map_view()
    assert len(view.variant_rows()) == 4
    view._tapped("indices", [], [view._shown_nodes.index(CD)])
    assert view.focus == CD
    rows = view.variant_rows()
    assert rows["path"].to_list() == ["I compare offers → I change my details → I place an order → I place an order"]
    view.how = "without"
    assert len(view.variant_rows()) == 3 and view.process_map().cases == 4
    view.how = "starting"
    assert view.process_map().cases == 0  # nobody starts with change-details
    view.focus = PO
    assert view.variant_rows()["path"].to_list() == ["I place an order → I compare offers"]  # c2
    view.how = "ending"
    assert view.process_map().cases == 3  # c1, c4, c5
    view._tapped("indices", [], [0])  # the start box chooses nothing
    assert view.focus == PO


def test_variants_shares_and_choosing_one_draws_its_customers():
    view = flow(several=False)
    rows = view.variant_rows()
    assert rows["path"][0] == "I compare offers → I place an order"
    assert (rows["steps"][0], rows["cases"][0]) == (2, 2) and "40.0 %" in rows["share"][0]
    panel = view.variants_view()
    table = panel[1]
    table.selection = [0]
    assert view.variant == (CO, PO) and view.process_map().cases == 2
    single = flow()  # by default only customers with two or more contacts: all five here
    assert single.process_map().cases == 5


def test_conformance_bars_and_summary_by_hand():
    view = flow()
    checked = view.checked("i-join")
    summary = checked.summary.row(0, named=True)
    # fitness = 2 * matched / (designed + actual): c1 1, c2 2/4, c3 2/3, c4 4/6, c5 1
    assert summary["cases"] == 5
    assert summary["mean_fitness"] == pytest.approx((1 + 0.5 + 2 / 3 + 2 / 3 + 1) / 5)
    assert summary["share_perfect"] == pytest.approx(0.4)
    bars = step_bars(checked, view.model)
    got = {(s, d): v for s, d, v in bars.rows()}
    assert got == {("1. I compare offers", "Skipped"): 0.0, ("1. I compare offers", "Repeated"): 0.0,
                   ("1. I compare offers", "Out of order"): 0.0, ("2. I place an order", "Skipped"): 0.2,
                   ("2. I place an order", "Repeated"): 0.2, ("2. I place an order", "Out of order"): 0.2}
    assert checked.extras.rows() == [(CD, 1, 1, 0.2)]
    by_segment = {r[0]: r[1:] for r in checked.by_segment.rows()}
    # i-join has 2 distinct reasons: "half" of them is 1, so every touching customer is on the journey
    assert by_segment["families"] == (2, pytest.approx(0.75), pytest.approx(0.5), 0)
    assert by_segment["seniors"] == (3, pytest.approx((2 / 3 + 2 / 3 + 1) / 3), pytest.approx(1 / 3), 0)
    panel = view.conformance_view()
    assert "**5** customers" in panel[0].object and "**40.0%**" in panel[0].object
    assert panel[1].object == ("*Customers on the journey: those with contacts on at least half of its 2 reasons "
                               "(1); a gap of more than 60 days starts a new journey, so a customer who walks it "
                               "twice counts twice.*")


def test_customers_on_too_few_reasons_are_counted_not_scored():
    view = flow(on_journey="all")
    checked = view.checked("i-join")
    # c3's window holds compare-offers only (pay-bill comes after it): touching only; c1 1, c2 2/4, c4 4/6, c5 1
    assert checked.summary.rows() == [(4, pytest.approx((1 + 0.5 + 2 / 3 + 1) / 4), 0.5, 1)]
    assert checked.by_segment.rows() == [("families", 2, 0.75, 0.5, 0),
                                         ("seniors", 2, pytest.approx((2 / 3 + 1) / 2), 0.5, 1)]
    assert checked.per_step.filter(pl.col("position") == 2)["share_skipped"].to_list() == [0.0]
    panel = view.conformance_view()
    assert "**4** customers" in panel[0].object and "1 more touch it on fewer reasons" in panel[0].object
    assert "contacts on all 2 of its reasons" in panel[1].object


def test_a_second_walk_after_a_long_gap_is_a_second_journey():
    again = log().filter(pl.col("customer_id") == "c1").with_columns(pl.col("timestamp").dt.offset_by("200d"))
    session = Session.from_frames(small_model(), pl.concat([log(), again]), journey="i-join")
    split = JourneyFlow(session=session).checked("i-join")
    assert split.summary.row(0)[:3] == (6, pytest.approx((1 + 1 + 0.5 + 2 / 3 + 2 / 3 + 1) / 6), 0.5)
    # never split: c1 is one case CO PO CO PO, 2 of 2 designed steps matched in 4 contacts -> 2*2/6
    whole = JourneyFlow(session=session, gap_days=0).checked("i-join")
    assert whole.summary.row(0)[:3] == (5, pytest.approx((2 / 3 + 0.5 + 2 / 3 + 2 / 3 + 1) / 5), 0.2)


def test_results_are_memoised_per_filters_and_level():
    view = flow()
    first = view.mined()
    assert view.mined() is first
    view.selection.segment = "seniors"
    assert view.mined() is not first
    assert view.mined().dfg["frequency"].sum() == 8 - 3  # c3, c4, c5: 2 + 4 + 2 events


def test_the_conformance_is_computed_when_its_tab_shows_and_redrawn_after_a_change_meanwhile():
    view = flow()
    parts = view._parts
    assert parts["map"].objects and parts["variants"].objects  # the first tab is drawn at once
    assert not parts["conformance"].objects  # nothing computed for a tab nobody looks at
    view.__panel__().active = 1
    assert "**5** customers" in parts["conformance"].objects[0][0].object
    view.__panel__().active = 0
    view.on_journey = "all"  # changed while the map shows: the conformance waits for its tab
    assert "**5** customers" in parts["conformance"].objects[0][0].object
    view.__panel__().active = 1
    assert "**4** customers" in parts["conformance"].objects[0][0].object
