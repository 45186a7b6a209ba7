"""JourneyFlow on a hand-made log: the directly-follows arcs shown, variants and conformance bars."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import polars as pl
import pytest
from model_fixtures import small_model

from workbench.display.flow import dfg_layout, step_bars, top_edges
from workbench.sources.canonical import CONTACT_SCHEMA
from workbench.ui.journey_flow import JourneyFlow
from workbench.ui.session import Session

CO, PO, PB, CD = "compare-offers", "place-order", "pay-bill", "change-details"
# i-join is designed as compare-offers -> place-order
PATHS = {"c1": [CO, PO],           # as designed
         "c2": [PO, CO],           # place-order out of order
         "c3": [CO, PB],           # place-order skipped (pay-bill comes after the journey's window)
         "c4": [CO, CD, PO, PO],   # change-details extra, place-order repeated
         "c5": [CO, PO]}           # as designed
SEGMENTS = {"c1": "families", "c2": "families", "c3": "seniors", "c4": "seniors", "c5": "seniors"}



def run_async(coroutine):
    """Run a coroutine to its end in a thread of its own (the browser tests may leave a loop running here)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()

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


def test_top_k_arcs_of_the_directly_follows_graph():
    view = flow()
    mined = view.mined()
    dfg, missing = mined.dfg, mined.missing
    assert missing == 0
    # CO->PO twice (c1, c5); every other arc once; ties by source then target
    assert top_edges(dfg, 2).select("source", "target", "frequency").rows() == [(CO, PO, 2), (CD, PO, 1)]
    assert dfg["frequency"].sum() == 12 - 5  # events minus customers
    overlay = view.graph(top_edges(dfg, 2))
    drawn = [p for p in overlay if type(p).__name__ == "Path"]
    assert sum(len(p.split()) for p in drawn) == 2
    labels = [el for el in overlay if type(el).__name__ == "Labels"][0]
    assert sorted(labels.dimension_values("label")) == ["I change my details", "I compare offers", "I place an order"]


def test_stage_level_arcs_and_their_directions():
    view = flow(level="stage")
    dfg = view.mined().dfg
    # becoming -> becoming: c1, c2, c4 (PO->PO), c5; becoming -> being: c3, c4 (CO->CD); being -> becoming: c4
    assert dfg.select("source", "target", "frequency").rows() == [
        ("becoming", "becoming", 4), ("becoming", "being", 2), ("being", "becoming", 1)]
    nodes, arcs = dfg_layout(dfg, view.model, "stage")
    assert arcs["direction"].to_list() == ["repeat", "forward", "back"]
    assert nodes.select("node", "x").rows() == [("becoming", 0.0), ("being", 1.0)]


def test_variants_table_shares():
    view = flow()
    panel = run_async(view.paths_view())
    table = panel[3].value
    assert table["path"].iloc[0] == "I compare offers → I place an order"
    assert (table["cases"].iloc[0], table["share"].iloc[0]) == (2, pytest.approx(0.4))
    assert table["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert len(table) == 4


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
    panel = run_async(view.conformance_view())
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
    panel = run_async(view.conformance_view())
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
