"""ImpactExplorer on a hand-made log: totals, tables, Sankey links and journey dependencies."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from model_fixtures import small_model

from workbench.display.impact import sankey_frames
from workbench.sources.canonical import CONTACT_SCHEMA
from workbench.ui.impact_explorer import ImpactExplorer, headline_html
from workbench.ui.session import Session


def contacts(*rows: tuple) -> pl.DataFrame:
    """Canonical contacts from (customer, day of Jan 2026, reason, channel, cost, nps) tuples."""
    return pl.DataFrame(
        {"customer_id": [r[0] for r in rows], "timestamp": [datetime(2026, 1, r[1], tzinfo=UTC) for r in rows],
         "channel": [r[3] for r in rows], "reason": [r[2] for r in rows], "source_code": ["x"] * len(rows),
         "segment": ["families"] * len(rows), "cost": [float(r[4]) for r in rows],
         "handling_seconds": [60.0] * len(rows), "complaint": [False] * len(rows), "resolved": [True] * len(rows),
         "nps": [r[5] for r in rows], "ces": [None] * len(rows), "csat": [None] * len(rows)},
        schema=CONTACT_SCHEMA)


# crm is linked to change-details and place-order; pay-bill is not hit
EVENTS = contacts(("c1", 1, "change-details", "app", 3, 10), ("c2", 2, "place-order", "web", 5, 0),
                  ("c1", 4, "place-order", "phone", 2, None), ("c3", 5, "pay-bill", "phone", 7, 9))


def view(**params) -> ImpactExplorer:
    return ImpactExplorer(session=Session.from_frames(small_model(), EVENTS), **params)


def test_totals_for_the_crm_system_by_hand():
    explorer = view(systems=["crm"])
    totals = explorer.result().totals.row(0, named=True)
    # 2 reasons; steps move-2 (change-details) and join-2 (place-order) in 2 journeys; 3 contacts of c1, c2;
    # cost 3 + 5 + 2; NPS: one promoter (10), one detractor (0) -> 0
    assert totals == {"reasons": 2, "journeys": 2, "steps": 2, "contacts": 3, "customers": 2, "cost": 10.0,
                      "nps": 0.0}
    html = headline_html(explorer.result().totals)
    assert "€10<" in html and "€10.00" not in html and ">3<" in html


def test_tables_and_sankey_links():
    explorer = view(systems=["crm"])
    layout = explorer.impact_view()
    tabs = layout[3]
    reasons = tabs[0].value
    assert reasons["reason"].tolist() == ["place-order", "change-details"]
    assert reasons["hit_by"].tolist() == ["CRM", "CRM"]
    assert sorted(tabs[1].value["step"]) == ["join-2", "move-2"]
    nodes, edges = sankey_frames(explorer.result())
    assert sorted(edges.rows()) == [("reason:change-details", "journey:i-move-house", 1),
                                    ("reason:place-order", "journey:i-join", 2),
                                    ("system:crm", "reason:change-details", 1),
                                    ("system:crm", "reason:place-order", 2)]
    assert dict(nodes.select("id", "label").rows())["system:crm"] == "CRM"


def test_closing_a_channel_counts_only_its_contacts():
    totals = view(channel="phone").result().totals.row(0, named=True)
    assert (totals["reasons"], totals["contacts"], totals["customers"], totals["cost"]) == (2, 2, 2, 9.0)


def test_nothing_chosen_asks_for_a_choice():
    explorer = view()
    assert explorer.result() is None
    assert "Choose at least one" in explorer.impact_view().object


def test_journey_dependencies_follow_the_selection():
    explorer = view()
    explorer.selection.journey = "i-move-house"
    assert explorer.journey_select.value == "i-move-house"
    deps = explorer.dependencies_view()[1].value
    assert deps[["reason", "kind", "label"]].values.tolist() == [
        ["compare-offers", "—", "(none linked)"], ["change-details", "IT system", "CRM"],
        ["pay-bill", "Process", "Billing run"]]
    explorer.journey_select.value = "i-join"
    assert explorer.selection.journey == "i-join"
