"""PrioritiesView on a hand-made log: ranking, contributions, explanation, selection, weights and roles."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import polars as pl
import pytest
from model_fixtures import small_model

from workbench.analysis.priority import PriorityWeights, priorities, rescore
from workbench.settings import PRIORITY_WEIGHTS as SETTING
from workbench.sources.canonical import CONTACT_SCHEMA
from workbench.ui.priorities import PrioritiesView
from workbench.ui.session import Session
from workbench.workspace import Workspace

SCRIPT = "<script>alert(1)</script>"
#: only volume and cost count, so the scores can be worked out by hand
VOLUME_AND_COST = PriorityWeights(dissatisfaction=0, complaints=0, repeat=0, strategic=0, experience=0)


def contacts(*rows: tuple) -> pl.DataFrame:
    """Canonical contacts from (customer, day of Jan 2026, reason, channel, cost, segment) tuples."""
    return pl.DataFrame(
        {"customer_id": [r[0] for r in rows], "timestamp": [datetime(2026, 1, r[1], tzinfo=UTC) for r in rows],
         "channel": [r[3] for r in rows], "reason": [r[2] for r in rows], "source_code": ["x"] * len(rows),
         "segment": [r[5] for r in rows], "cost": [float(r[4]) for r in rows],
         "handling_seconds": [60.0] * len(rows), "complaint": [False] * len(rows), "resolved": [True] * len(rows),
         "nps": [None] * len(rows), "ces": [None] * len(rows), "csat": [None] * len(rows)},
        schema=CONTACT_SCHEMA)


EVENTS = contacts(("c1", 1, "pay-bill", "phone", 10, "families"), ("c1", 3, "pay-bill", "phone", 10, "families"),
                  ("c2", 2, "place-order", "web", 5, "seniors"))


def scripted_model():
    model = small_model()
    return model.add(replace(model.reasons["pay-bill"], label=SCRIPT))


def test_first_row_and_its_contributions_by_hand():
    # pay-bill: 2 contacts, cost 20 -> both maxima -> 50 + 50 points; place-order: 1/2 and 5/20 -> 25 + 12.5
    view = PrioritiesView(session=Session.from_frames(scripted_model(), EVENTS), weights=VOLUME_AND_COST)
    table = view.table.value
    first = table.iloc[0]
    assert (first["id"], first["rank"], first["score"]) == ("pay-bill", 1, pytest.approx(100.0))
    assert (first["contribution_volume"], first["contribution_cost"]) == (pytest.approx(50.0), pytest.approx(50.0))
    assert (first["volume"], first["cost"]) == (2, 20.0)
    second = table.iloc[1]
    assert (second["id"], second["score"]) == ("place-order", pytest.approx(37.5))
    assert list(table["id"][2:]) == ["change-details", "compare-offers", "report-fault"]  # no contacts: 0 points


def test_explanation_escapes_a_script_label():
    view = PrioritiesView(session=Session.from_frames(scripted_model(), EVENTS), weights=VOLUME_AND_COST)
    text = view.explanation.object
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ranks 1st" in text
    assert SCRIPT not in text
    assert "50 of 100 points from" in text


def test_scatter_selection_filters_the_table():
    view = PrioritiesView(session=Session.from_frames(small_model(), EVENTS), weights=VOLUME_AND_COST)
    points = view.scatter()
    assert points.dimension_values("volume").tolist()[:2] == [2, 1]
    assert points.dimension_values("id").tolist()[:2] == ["pay-bill", "place-order"]
    view.picked.event(index=[1])
    assert view.selected == ["place-order"]
    assert view.table.value["id"].tolist() == ["place-order"]
    assert "Showing 1 of 5 items" in view.note.object
    view.picked.event(index=[])
    assert len(view.table.value) == 5


def test_selecting_rows_selects_the_reason_and_journey():
    session = Session.from_frames(small_model(), EVENTS)
    view = PrioritiesView(session=session, weights=VOLUME_AND_COST)
    view.table.selection = [1]
    assert session.selection.reason == "place-order"
    assert "I place an order ranks 2nd" in view.explanation.object
    view.level = "journey"
    journeys = view.table.value["id"].tolist()
    assert sorted(journeys) == ["i-join", "i-move-house"]
    view.table.selection = [journeys.index("i-join")]
    assert session.selection.journey == "i-join"


def test_rescoring_equals_ranking_again_with_the_new_weights():
    model = small_model()
    weights = PriorityWeights(cost=3, volume=0.5, nps_target=40)
    for level in ("reason", "journey", "channel", "process", "system"):
        base = priorities(EVENTS, model, level=level)
        assert rescore(base, model, level, weights).equals(priorities(EVENTS, model, level=level, weights=weights))


def test_editor_saves_weights_and_viewer_cannot(tmp_path):
    ws = Workspace.create(tmp_path / "ws", model=small_model())
    editor = PrioritiesView(session=Session.of_workspace(ws, can_edit=True))
    assert not editor.sliders["cost"].disabled
    editor.sliders["cost"].value = 2.0
    assert editor.weights.cost == 2.0
    assert editor.save_weights()
    assert ws.store.get_setting(SETTING, {})["cost"] == 2.0
    assert editor.session.message == "Saved: priority weights."
    alert = editor._message
    assert alert.visible and alert.object == "Saved: priority weights." and alert in editor.weights_panel().objects

    viewer_session = Session.of_workspace(ws)
    viewer = PrioritiesView(session=viewer_session)
    assert viewer.weights.cost == 2.0  # read from the store
    assert all(slider.disabled for slider in viewer.sliders.values())
    assert not viewer.save_button.visible
    viewer.weights = replace(viewer.weights, cost=4.0)
    assert not viewer.save_weights()
    assert ws.store.get_setting(SETTING, {})["cost"] == 2.0
    assert "read-only" in viewer_session.message


def test_two_editors_saving_weights_conflict_and_nothing_is_lost(tmp_path):
    ws = Workspace.create(tmp_path / "ws", model=small_model())
    first = PrioritiesView(session=Session.of_workspace(ws, can_edit=True))
    second = PrioritiesView(session=Session.of_workspace(Workspace.open(tmp_path / "ws"), can_edit=True))
    first.sliders["volume"].value = 3.0
    assert first.save_weights()
    second.sliders["cost"].value = 2.0
    assert not second.save_weights()  # based on the weights as they were before the first save
    assert "changed by someone else" in second.session.message
    assert ws.store.get_setting("priority.weights")["volume"] == 3.0
    assert second.weights.volume == 3.0  # the second editor now sees the first editor's weights
    ws.close()


def test_the_explained_row_is_highlighted_after_a_level_switch_without_choosing_it():
    session = Session.from_frames(small_model(), EVENTS)
    view = PrioritiesView(session=session, weights=VOLUME_AND_COST)
    chosen = session.selection.reason
    for level in ("journey", "channel", "reason"):
        view.level = level
        first = view._shown.row(0, named=True)
        assert view.table.selection == [0]
        assert view.explanation.object.startswith("**Why:** ") and first["label"] in view.explanation.object
    assert session.selection.reason == chosen  # highlighting is not a choice made for the other pages
    assert "relative" in view.note.object and view._titles()["score"] == "Relative score"


def test_the_figures_behind_the_points_are_shown_on_request():
    view = PrioritiesView(session=Session.from_frames(small_model(), EVENTS), weights=VOLUME_AND_COST)
    assert {"id", "volume", "cost", "nps"} <= set(view.table.hidden_columns)
    assert "Figures" not in view.table.groups
    view.figures = True
    assert view.table.hidden_columns == ["id"] and view.table.groups["Figures"][0] == "volume"
