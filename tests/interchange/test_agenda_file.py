"""Adding opportunities, solutions, insights and layers from a small YAML file: by id or label, located
problems, nothing added when there is one."""

from __future__ import annotations

from datetime import date

import pytest
from model_fixtures import small_model

from workbench.interchange.agenda import read_agenda
from workbench.interchange.problems import ImportRejected

GOOD = """
opportunities:
  - title: Clearer bills
    reasons: [I receive and pay my bill, change-details]
    journeys: [I move house]
    effort: 2
    tags: [billing]
    solutions:
      - title: New bill layout
        status: live
        go_live: 2026-07-01
        expected: {volume: -0.3, nps: 5}
insights:
  - kind: quote
    title: "I never know what I pay for"
    reasons: [pay-bill]
layers:
  - id: capabilities
    label: Capability
    items:
      - label: Online identity check
        reasons: [I place an order]
"""


def test_a_file_adds_by_label_and_makes_ids(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD)
    model = read_agenda(tmp_path / "a.yaml", small_model())
    opp = model.opportunities["clearer-bills"]
    assert opp.reasons == ("pay-bill", "change-details") and opp.journeys == ("i-move-house",)
    solution = model.solutions["new-bill-layout"]
    assert (solution.opportunity, solution.status, solution.go_live) == ("clearer-bills", "Live", date(2026, 7, 1))
    assert dict(solution.expected) == {"volume": -0.3, "nps": 5.0}
    assert model.insights["i-never-know-what-i-pay-for"].kind == "quote"
    assert model.layer_items["online-identity-check"].reasons == ("place-order",)
    assert model.reasons == small_model().reasons  # nothing else changed


def test_every_problem_is_located_and_nothing_is_added(tmp_path):
    bad = GOOD.replace("I receive and pay my bill", "I pay my bil").replace("status: live", "status: shipped") \
        .replace("kind: quote", "kind: rumour").replace("go_live: 2026-07-01", "go_live: next week")
    (tmp_path / "b.yaml").write_text(bad)
    with pytest.raises(ImportRejected) as err:
        read_agenda(tmp_path / "b.yaml", small_model())
    found = {p.column: p.message for p in err.value.problems}
    assert "did you mean" in found["opportunities[0].reasons"]
    assert "is not one of Planned, In progress, Live, Dropped" in found["opportunities[0].solutions[0].status"]
    assert "is not a date" in found["opportunities[0].solutions[0].go_live"]
    assert "is not one of quote, need, pain, observation" in found["insights[0].kind"]
    assert all(p.row for p in err.value.problems)


def test_the_same_id_replaces_and_a_made_id_never_takes_an_existing_one(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD)
    once = read_agenda(tmp_path / "a.yaml", small_model())
    twice = read_agenda(tmp_path / "a.yaml", once)
    assert set(twice.opportunities) == {"clearer-bills", "clearer-bills-2"}
    (tmp_path / "c.yaml").write_text("opportunities:\n  - id: clearer-bills\n    title: Renamed\n")
    assert read_agenda(tmp_path / "c.yaml", once).opportunities["clearer-bills"].title == "Renamed"
