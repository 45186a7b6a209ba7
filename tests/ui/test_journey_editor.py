"""Editing on the map, saved in a real workspace store: steps added, moved, changed and removed, undo, new
journeys, two sessions following each other's saves, and a conflicting field edit that loses nothing."""

from __future__ import annotations

import panel as pn
import pytest

from workbench.ui.journey_editor import JourneyEditor
from workbench.ui.journey_view import JourneyView, journey_page
from workbench.ui.session import Session
from workbench.workspace import Workspace


@pytest.fixture
def ws(tmp_path, ui_session):
    workspace = Workspace.create(tmp_path / "ws", model=ui_session.model.copy())  # conftest's hand-made model
    yield workspace
    workspace.close()


def editor_on(ws, journey: str = "i-move-house") -> JourneyEditor:
    session = Session.of_workspace(ws, can_edit=True, journey=journey)
    return JourneyEditor(session=session)


def click(button) -> None:
    button.clicks += 1


def order(ws, journey: str = "i-move-house") -> list[tuple[str, str | None]]:
    return [(s.id, s.episode) for s in ws.load().steps_of(journey)]


def test_add_change_move_remove_and_undo(ws):
    ed = editor_on(ws)
    assert ed.step == "move-1" and ed.fields["label"].value == "Checks coverage"
    click(ed._add)
    new = ed.step
    assert new != "move-1" and ed.session.message == "Saved: added a step."
    assert order(ws) == [("move-1", "move-prepare"), (new, "move-prepare"), ("move-2", "move-prepare"),
                         ("move-3", "move-settle"), ("move-4", "move-settle")]
    ed.fields["label"].value = "Reads the moving letter"
    ed.fields["emotion"].value = "-2"
    ed.fields["moment_of_truth"].value = True
    ed.fields["reason"].value = "pay-bill"
    ed.fields["channel"].value = "phone"
    stored = ws.load().steps[new]
    assert (stored.label, stored.emotion, stored.moment_of_truth, stored.reason, stored.channel) == \
        ("Reads the moving letter", -2, True, "pay-bill", "phone")
    ed.step = "move-2"                   # the last step of "I prepare": later moves it into "I settle in"
    click(ed._later)
    assert order(ws)[2] == ("move-2", "move-settle")
    click(ed._undo)
    assert order(ws)[2] == ("move-2", "move-prepare") and ed._undo.disabled
    ed.step = "move-1"
    click(ed._later)                     # within an episode: the steps swap
    assert [s for s, _ in order(ws)][:2] == [new, "move-1"]
    ed.step = new
    click(ed._remove)
    assert new not in ws.load().steps and ed.step == "move-1"
    click(ed._undo)                      # undo brings the removed step back where it was
    assert [s for s, _ in order(ws)][:2] == [new, "move-1"]


def test_a_bad_value_is_refused_and_nothing_is_written(ws):
    ed = editor_on(ws)
    before = ws.store.revision()
    ed.fields["label"].value = "   "
    assert ed.session.message.startswith("Not saved: a step needs a label")
    assert ws.store.revision() == before and ws.load().steps["move-1"].label == "Checks coverage"


def test_episodes_and_journeys(ws):
    ed = editor_on(ws)
    ed._new_episode.value = "I unpack"
    click(ed._add_episode)
    model = ws.load()
    assert [e.label for e in model.episodes_of("i-move-house")] == ["I prepare", "I settle in", "I unpack"]
    ed._episode_title.value = "I get ready"            # the episode of the edited step (move-1)
    assert ws.load().episodes["move-prepare"].label == "I get ready"
    ed._new_title.value = "I get married"
    click(ed._blank)
    journey = ed.selection.journey
    assert ws.load().journeys[journey].label == "I get married" and ed._future.visible
    click(ed._future)
    future = ed.selection.journey
    assert ws.load().journeys[future].counterpart == journey and ws.load().journeys[future].state == "future"
    click(ed._undo)                                    # undoing the future version removes it
    assert future not in ws.load().journeys and journey in ws.load().journeys


def test_a_second_session_follows_the_first(ws):
    a, b = editor_on(ws), editor_on(ws)
    view = JourneyView(session=a.session)
    click(b._add)
    assert a.session.behind() and not b.session.behind()
    assert a.session.catch_up() and not a.session.catch_up()
    assert len(view.grid().steps) == 5 and len(a._choose.options) == 5
    # a move saved by a session that had not caught up yet is made again on the newer version
    click(b._add)
    a.step = "move-3"
    click(a._later)
    assert a.session.message == "Saved: moved “Gets first bill” later."
    assert [s for s, _ in order(ws)][-2:] == ["move-4", "move-3"] and len(order(ws)) == 6


def test_a_conflicting_field_edit_is_reported_and_nothing_is_lost(ws):
    a, b = editor_on(ws), editor_on(ws)
    need = a.fields["need"]
    need.value_input = "A: one call for everything"    # A is typing, not saved yet
    b.fields["need"].value = "B: no call at all"        # B saves the same field of the same step
    assert a.session.catch_up()
    assert need.value_input == "A: one call for everything"          # A's typing is kept
    assert a._conflict.visible and "B: no call at all" in a._conflict_text.object
    need.value = "A: one call for everything"           # A presses Enter: not saved over B's silently
    assert ws.load().steps["move-1"].need == "B: no call at all"
    assert a._conflict.visible and need.value == "A: one call for everything"
    click(a._keep)                                      # A decides to keep theirs
    assert ws.load().steps["move-1"].need == "A: one call for everything" and not a._conflict.visible
    # the other way round: B has not caught up and saves over a field A changed: refused, B's value kept
    b.fields["need"].value = "B: again"
    assert ws.load().steps["move-1"].need == "A: one call for everything"
    assert b._conflict.visible and b.fields["need"].value == "B: again"
    click(b._take)
    assert b.fields["need"].value == "A: one call for everything" and not b._conflict.visible


def test_viewers_get_no_editor(ws):
    def editors(page) -> list:
        return [c for c in page.select(pn.Card) if "jm-editor" in c.css_classes]

    assert not editors(journey_page(Session.of_workspace(ws, can_edit=False)))
    assert len(editors(journey_page(Session.of_workspace(ws, can_edit=True)))) == 1


def test_a_workspace_without_journeys_starts_its_first_one(tmp_path):
    from workbench.model import Model

    empty = Workspace.create(tmp_path / "empty", model=Model())
    ed = JourneyEditor(session=Session.of_workspace(empty, can_edit=True))
    assert ed.step is None and ed._remove.disabled and not ed._choose.options
    ed._new_title.value = "I move house"
    click(ed._blank)
    model = empty.load()
    assert list(model.journeys) == ["i-move-house"] and ed.selection.journey == "i-move-house"
    assert [e.label for e in model.episodes_of("i-move-house")] == ["First episode"]
    click(ed._add)                                     # the first step goes into the first episode
    assert [(s.label, s.episode) for s in empty.load().steps_of("i-move-house")] == \
        [("New step", model.episodes_of("i-move-house")[0].id)]
    empty.close()
