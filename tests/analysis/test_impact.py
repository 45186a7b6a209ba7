"""Impact analysis on the small hand-built model (tests/conftest.py) with answers worked out by hand.

small_model: system crm -> change-details, place-order; process billing -> pay-bill.
Journeys: i-move-house = move-1 compare-offers, move-2 change-details, move-3 pay-bill;
          i-join = join-1 compare-offers, join-2 place-order, join-3 (unlinked).
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.analysis.impact import dependencies, impact
from workbench.model import Process, Step
from workbench.sources.canonical import conform


def contacts(*rows) -> pl.DataFrame:
    """(customer, channel, reason, segment, cost, nps) rows, all on 2026-01-01."""
    names = ("customer_id", "channel", "reason", "segment", "cost", "nps")
    data = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    data["timestamp"] = [datetime(2026, 1, 1, tzinfo=UTC)] * len(rows)
    data["source_code"] = data["reason"]
    return conform(pl.DataFrame(data, strict=False)).collect()


EVENTS = contacts(
    ("c1", "phone", "change-details", "families", 4.0, 10),   # 1
    ("c1", "web", "place-order", "families", 2.0, 3),         # 2
    ("c2", "app", "change-details", "seniors", 1.0, 9),       # 3
    ("c3", "phone", "pay-bill", "seniors", 5.0, 0),           # 4
    ("c3", "web", "compare-offers", "seniors", 1.0, 8),       # 5
    ("c4", "phone", "report-fault", "families", 6.0, None),   # 6
    ("c2", "web", "change-details", "seniors", 1.0, 7),       # 7
)


def test_a_system_hits_its_reasons_journeys_and_customers(model):
    got = impact(model, EVENTS, systems=["crm"])
    # change-details: events 1, 3, 7 -> 3 contacts, customers {c1, c2}, cost 6, NPS [10, 9, 7] = 2/3 promoters
    # place-order: event 2 -> 1 contact, NPS [3] = -100
    assert got.reasons.select("reason", "label", "via", "volume", "customers", "cost", "affected_volume").rows() == [
        ("change-details", "I change my details", ["crm"], 3, 2, 6.0, 3),
        ("place-order", "I place an order", ["crm"], 1, 1, 2.0, 1)]
    assert got.reasons["nps"].to_list() == pytest.approx([200 / 3, -100.0])
    assert "channel_volume" not in got.reasons.columns
    assert got.journeys.select("journey", "journey_label", "state", "step", "step_label", "reason").rows() == [
        ("i-move-house", "I move house", "current", "move-2", "Changes address", "change-details"),
        ("i-join", "I become a customer", "current", "join-2", "Orders online", "place-order")]
    # 4 contacts; customers {c1, c2} = 2 (the reasons' 2 + 1 would count c1 twice); cost 8;
    # NPS over [10, 3, 9, 7]: 2 promoters, 1 detractor of 4 = 25 (not the mean of 66.7 and -100)
    expected = pl.DataFrame({"reasons": [2], "journeys": [2], "steps": [2], "contacts": [4], "customers": [2],
                             "cost": [8.0], "nps": [25.0]})
    assert_frame_equal(got.totals, expected)
    # families: events 1, 2 of c1; seniors: events 3, 7 of c2
    assert got.segments.rows() == [("families", "Families", 2, 1), ("seniors", "Seniors", 2, 1)]


def test_closing_a_channel(model):
    got = impact(model, EVENTS, channels=["phone"])
    # phone contacts: event 1 (change-details), 4 (pay-bill), 6 (report-fault)
    assert got.reasons.select("reason", "via", "volume", "channel_volume", "affected_volume").rows() == [
        ("change-details", ["phone"], 3, 1, 1), ("pay-bill", ["phone"], 1, 1, 1), ("report-fault", ["phone"], 1, 1, 1)]
    assert got.journeys["step"].to_list() == ["move-2", "move-3"]    # report-fault is in no journey
    # contacts 1, 4, 6: customers {c1, c3, c4}, cost 15, NPS over [10, 0] = 0
    assert got.totals.row(0) == (3, 1, 2, 3, 3, 15.0, 0.0)
    assert got.segments.rows() == [("families", "Families", 2, 2), ("seniors", "Seniors", 1, 1)]


def test_several_choices_count_each_contact_once(model):
    got = impact(model, EVENTS, systems=["crm"], processes=["billing"], channels=["phone"])
    # crm: events 1, 2, 3, 7; billing: 4; phone: 1, 4, 6 -> events 1, 2, 3, 4, 6, 7
    assert got.totals.select("reasons", "contacts", "customers", "cost").row(0) == (4, 6, 4, 19.0)
    assert got.reasons.filter(pl.col("reason") == "change-details")["via"].item().to_list() == ["crm", "phone"]
    assert got.reasons.filter(pl.col("reason") == "pay-bill")["via"].item().to_list() == ["billing", "phone"]
    # NPS over [10, 3, 9, 0, 7]: 2 promoters, 2 detractors -> 0
    assert got.totals["nps"].item() == 0.0


def test_filters_restrict_the_contacts(model):
    got = impact(model, EVENTS, systems=["crm"], filters={"segment": "families"})
    assert got.totals.select("contacts", "customers", "cost").row(0) == (2, 1, 6.0)   # events 1, 2
    assert got.reasons.select("reason", "volume").rows() == [("change-details", 1), ("place-order", 1)]


def test_graph_nodes_and_edges(model):
    nodes, edges = impact(model, EVENTS, systems=["crm"]).graph()
    assert nodes.rows() == [
        ("system:crm", "system", "crm", "CRM", 4),
        ("reason:change-details", "reason", "change-details", "I change my details", 3),
        ("reason:place-order", "reason", "place-order", "I place an order", 1),
        ("journey:i-move-house", "journey", "i-move-house", "I move house", 3),
        ("journey:i-join", "journey", "i-join", "I become a customer", 1)]
    assert edges.rows() == [
        ("system:crm", "reason:change-details", 3), ("system:crm", "reason:place-order", 1),
        ("reason:change-details", "journey:i-move-house", 3), ("reason:place-order", "journey:i-join", 1)]
    assert set(edges["source"]) | set(edges["target"]) == set(nodes["id"])


def test_a_reason_without_contacts_is_still_hit(model):
    got = impact(model, EVENTS.filter(pl.col("reason") != "pay-bill"), processes=["billing"])
    assert got.reasons.select("reason", "volume", "customers", "cost", "nps").rows() == [("pay-bill", 0, 0, 0.0, None)]
    assert got.totals.select("reasons", "journeys", "steps", "contacts", "customers").row(0) == (1, 1, 1, 0, 0)


def test_unknown_ids_suggest_a_name(model):
    with pytest.raises(ValueError, match="unknown system 'crn' \\(did you mean 'crm'\\?\\)"):
        impact(model, EVENTS, systems=["crn"])
    with pytest.raises(ValueError, match="unknown channel 'phon'.*did you mean 'phone'"):
        impact(model, EVENTS, channels="phon")
    with pytest.raises(ValueError, match="at least one"):
        impact(model, EVENTS)


def test_dependencies_of_a_journey(model):
    model.add(Process("address-change", "Address change", reasons=("change-details",)),
              Step("move-4", "i-move-house", "Pays the final bill", channel="web", reason="pay-bill"))
    got = dependencies(model, "i-move-house")
    assert got.rows() == [
        ("i-move-house", "compare-offers", "I compare offers", 1, None, None, None),
        ("i-move-house", "change-details", "I change my details", 1, "process", "address-change", "Address change"),
        ("i-move-house", "change-details", "I change my details", 1, "system", "crm", "CRM"),
        ("i-move-house", "pay-bill", "I receive and pay my bill", 2, "process", "billing", "Billing run")]
    with pytest.raises(ValueError, match="did you mean 'i-join'"):
        dependencies(model, "i-jion")


def test_a_custom_layer_item_hits_its_reasons_directly_and_through_its_steps():
    from model_fixtures import small_model

    from workbench.analysis.impact import dependencies, impact
    from workbench.model import Layer, LayerItem

    model = small_model().add(
        Layer("capabilities", "Capability"),
        LayerItem("identity-check", "capabilities", "Online identity check", reasons=("place-order",),
                  steps=("move-2",)))                     # move-2 is linked to change-details
    events = pl.DataFrame({"customer_id": ["a", "b", "c"], "reason": ["place-order", "change-details", "pay-bill"],
                           "channel": ["web", "app", "phone"], "cost": [1.0, 2.0, 4.0], "nps": [10, 0, None],
                           "timestamp": [datetime(2026, 1, d, tzinfo=UTC) for d in (1, 2, 3)],
                           "segment": ["families"] * 3, "source_code": ["x"] * 3})
    result = impact(model, conform(events), items=["identity-check"])
    assert sorted(result.reasons["reason"].to_list()) == ["change-details", "place-order"]
    assert result.totals.select("contacts", "cost").row(0) == (2, 3.0)
    assert result.links["source_label"].unique().to_list() == ["Capability: Online identity check"]
    assert "item:identity-check" in result.graph().nodes["id"].to_list()
    deps = dependencies(model, "i-join")
    assert ("place-order", "item", "Capability: Online identity check") in deps.select("reason", "kind", "label").rows()
