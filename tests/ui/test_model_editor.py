"""ModelEditor on a real workspace: every operation saves at once, refusals and conflicts, live rules, viewers."""

from __future__ import annotations

import panel as pn
import pytest
from model_fixtures import small_model

from workbench.ui.model_editor import ModelEditor
from workbench.ui.session import Session
from workbench.workspace import Workspace

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def ws(tmp_path):
    return Workspace.create(tmp_path / "ws", model=small_model())


@pytest.fixture
def editor(ws) -> ModelEditor:
    return ModelEditor(session=Session.of_workspace(ws, can_edit=True))






def test_add_a_reason_with_a_slug_id(editor, ws):
    editor.add_label.value = "I ask for a refund"
    editor.add_phase.value = "using"
    editor.add_description.value = "The customer wants money back."
    editor.add_owner.value = "Finance"
    editor.add_button.clicks += 1
    added = ws.load().reasons["i-ask-for-a-refund"]
    assert (added.phase, added.label, added.description, added.owner) == (
        "using", "I ask for a refund", "The customer wants money back.", "Finance")
    assert editor.add_label.value == ""  # the form is cleared after a save
    assert "i-ask-for-a-refund" in editor.merge_into.values  # the choices follow the model
    editor.add_label.value = "i ask for a REFUND"
    editor.add_button.clicks += 1  # same label (ignoring case): refused
    assert editor.session.message.startswith("Not added")
    assert len(ws.load().reasons) == 6


def test_rename_move_and_merge_reasons(editor, ws):
    editor.rename_reason_id.value = "pay-bill"
    editor.rename_reason_label.value = "I pay my bill"
    editor.rename_reason_button.clicks += 1
    assert ws.load().reasons["pay-bill"].label == "I pay my bill"

    editor.move_reason_id.value = "change-details"
    editor.move_phase.value = "buying"
    editor.move_button.clicks += 1
    stored = ws.load()
    assert stored.reasons["change-details"].phase == "buying"
    assert stored.steps["move-2"].reason == "change-details"  # links stay

    editor.merge_source.value = "compare-offers"
    editor.merge_into.value = "place-order"
    editor.merge_button.clicks += 1
    stored = ws.load()
    assert "compare-offers" not in stored.reasons
    assert stored.steps["move-1"].reason == stored.steps["join-1"].reason == "place-order"
    assert editor.session.message == "Saved: merge reason 'compare-offers' into 'place-order'."


def test_delete_is_refused_with_the_linked_steps_unless_a_replacement_is_chosen(editor, ws):
    editor.delete_id.value = "change-details"
    editor.delete_replacement.value = ""
    editor.delete_button.clicks += 1
    assert "change-details" in ws.load().reasons
    assert editor.session.message.startswith("Not deleted: 'I change my details' is linked by 1 step(s): "
                                           "I move house / Changes address.")
    assert editor._message.visible and "Choose a replacement" in editor._message.object

    editor.delete_replacement.value = "pay-bill"
    editor.delete_button.clicks += 1
    stored = ws.load()
    assert "change-details" not in stored.reasons
    assert stored.steps["move-2"].reason == "pay-bill"
    assert "change-details" not in editor.delete_id.values


def test_add_and_rename_a_phase_and_the_rules_check_follows(editor, ws):
    assert "empty-phase" not in editor._rules.object
    editor.new_phase_label.value = "Leaving"
    editor.new_phase_stage.value = "being"
    editor.add_phase_button.clicks += 1
    assert ws.load().phases["leaving"].stage == "being"
    rules = editor._rules.object
    assert "<b>1</b> error(s)" in rules and "phase &#x27;Leaving&#x27; holds no contact reasons" in rules
    assert rules.index("empty-phase") < rules.index("episode-count")  # errors first

    editor.rename_phase_id.value = "leaving"
    editor.rename_phase_label.value = "Saying goodbye"
    editor.rename_phase_button.clicks += 1
    assert ws.load().phases["leaving"].label == "Saying goodbye"
    assert "Saying goodbye" in editor._outline.object


def test_a_conflicting_save_keeps_the_other_editors_change(editor, ws):
    other = Workspace.open(ws.path)
    base = other.load()
    theirs = base.copy()
    theirs.rename("reasons", "pay-bill", "I pay my bill (theirs)")
    other.commit(theirs, base=base)

    editor.rename_reason_id.value = "pay-bill"
    editor.rename_reason_label.value = "I pay my bill (mine)"
    editor.rename_reason_button.clicks += 1

    assert ws.load().reasons["pay-bill"].label == "I pay my bill (theirs)"
    assert editor.session.message.startswith("Not saved")
    assert "I pay my bill (theirs)" in editor._outline.object  # the view shows the reloaded model


def test_a_viewer_gets_no_editing_widgets(ws):
    viewer = ModelEditor(session=Session.of_workspace(ws, can_edit=False))
    layout = viewer.__panel__()
    assert layout.select(pn.widgets.Widget) == []
    assert "I receive and pay my bill" in viewer._outline.object
    assert "unlinked-step" in viewer._rules.object


def test_user_text_is_escaped(editor, ws):
    editor.add_label.value = SCRIPT
    editor.add_phase.value = "using"
    editor.add_button.clicks += 1
    assert SCRIPT in [r.label for r in ws.load().reasons.values()]
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped in editor._outline.object and SCRIPT not in editor._outline.object
    assert escaped in editor._rules.object and SCRIPT not in editor._rules.object  # customer-voice warning
    assert SCRIPT not in editor._message.object
