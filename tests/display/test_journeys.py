"""Journeys as the link and model editors show them: steps with links and suggestions, grouped choices,
the rules check as a table."""

from __future__ import annotations

from model_fixtures import small_model

from workbench.analysis.suggest import Suggester
from workbench.display.journeys import findings_frame, link_rows, reason_groups


def test_link_rows_lists_steps_in_order_with_link_and_suggestions():
    rows = link_rows(small_model(), "i-join", top=3)
    assert rows["step"].to_list() == ["join-1", "join-2", "join-3"]
    assert rows["order"].to_list() == [1, 2, 3]
    assert rows["linked_label"].to_list() == ["I compare offers", "I place an order", None]
    assert rows["channel_label"].to_list() == ["Website", "Website", "Phone"]
    # at most 3, best first, none scoring 0; "Compares" meets "compare", "Orders" / "order" meet "order"
    suggested = rows["suggested"].to_list()
    assert [suggested[0][0], suggested[2][0]] == ["compare-offers", "place-order"]
    # "Orders online": the words choose "place-order"; with three texts per reason that is a near tie, which
    # the neighbouring step's phase (join-1 is linked to compare-offers) may turn, but it stays suggested
    words = Suggester(small_model()).scores("join-2")["model"]
    assert list(small_model().reasons)[int(words.argmax())] == "place-order"
    assert "place-order" in suggested[1]
    assert all(1 <= len(s) <= 3 and s == sorted(s, reverse=True) and min(s) > 0 for s in rows["score"].to_list())


def test_reason_groups_follow_stage_and_phase():
    groups = reason_groups(small_model())
    assert groups["Being a customer / Using"] == {"I receive and pay my bill": "pay-bill",
                                                  "I change my details": "change-details",
                                                  "I report a fault": "report-fault"}



def test_findings_frame_is_the_rules_check_errors_first():
    # small_model: 5 reasons (reason-count), move has 2 episodes (episode-count), join-3 unlinked,
    # report-fault used by nothing: four warnings, no error, sorted by rule
    frame = findings_frame(small_model())
    assert frame["rule"].to_list() == ["episode-count", "reason-count", "unlinked-step", "unused-reason"]
    assert set(frame["severity"]) == {"warning"}
