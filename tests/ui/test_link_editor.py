"""LinkEditor on a real workspace: accept / choose / clear save at once, conflicts, viewers, escaping."""

from __future__ import annotations

import re

import panel as pn
import pytest
from model_fixtures import small_model

from workbench.analysis.coverage import coverage
from workbench.display.journeys import link_rows
from workbench.model import Step
from workbench.ui.link_editor import LinkEditor, coverage_html
from workbench.ui.session import Session
from workbench.workspace import Workspace

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def ws(tmp_path):
    model = small_model()
    model.add(Step("join-4", "i-join", f"{SCRIPT} pays the first bill"))
    return Workspace.create(tmp_path / "ws", model=model)


def _editor(ws, can_edit=True) -> LinkEditor:
    session = Session.of_workspace(ws, can_edit=can_edit)
    session.selection.journey = "i-join"
    return LinkEditor(session=session)


def _html(editor: LinkEditor) -> str:
    return "\n".join(str(p.object) for p in editor.__panel__().select(pn.pane.HTML))








def test_accepting_a_suggestion_links_the_step_in_the_store(ws):
    editor = _editor(ws)
    first = link_rows(editor.session.model, "i-join")["suggested"].to_list()[3][0]  # join-4's best suggestion
    assert first == "pay-bill"  # "pays the first bill" -> "I receive and pay my bill"
    editor.controls["join-4"].accept[0].clicks += 1
    assert ws.load().steps["join-4"].reason == "pay-bill"
    assert editor.session.message.startswith("Saved: link step")
    # the view follows: the accepted suggestion is now marked and disabled
    assert editor.controls["join-4"].accept[0].disabled
    assert editor.controls["join-4"].choose.value == "pay-bill"


def test_choosing_another_reason_and_clearing_save_at_once(ws):
    editor = _editor(ws)
    editor.controls["join-3"].choose.value = "report-fault"
    assert ws.load().steps["join-3"].reason == "report-fault"
    editor.controls["join-3"].clear.clicks += 1
    assert ws.load().steps["join-3"].reason is None
    assert editor.controls["join-3"].clear.disabled  # nothing left to clear
    editor.controls["join-1"].choose.value = ""  # "— not linked —" clears too
    assert ws.load().steps["join-1"].reason is None


def test_a_conflicting_save_keeps_the_other_editors_change(ws):
    editor = _editor(ws)
    other = Workspace.open(ws.path)
    base = other.load()
    theirs = base.copy()
    theirs.link("join-3", "pay-bill")
    other.commit(theirs, base=base)

    editor.controls["join-3"].choose.value = "report-fault"  # based on the model before their change

    assert ws.load().steps["join-3"].reason == "pay-bill"
    assert editor.session.message.startswith("Not saved")
    assert editor.session.model.steps["join-3"].reason == "pay-bill"  # reloaded
    assert editor.controls["join-3"].choose.value == "pay-bill"  # and the view refreshed
    assert editor._message.visible and editor._message.alert_type == "warning"


def test_a_viewer_gets_the_same_information_and_no_controls(ws):
    editor = _editor(ws, can_edit=False)
    layout = editor.__panel__()
    widgets = layout.select(pn.widgets.Widget)
    # only the journey chooser (it edits nothing: it picks what to look at)
    assert [w.css_classes for w in widgets] == [["wb-link-journey"]]
    assert editor.controls == {}
    text = _html(editor)
    assert "I place an order" in text and "not linked" in text and "Suggestions" in text


def test_the_journey_chooser_follows_and_sets_the_shared_journey(ws):
    editor = _editor(ws, can_edit=False)
    chooser = editor.__panel__().select(pn.widgets.Select)[0]
    assert chooser.value == editor.session.selection.journey
    other = next(j for j in editor.session.model.journeys if j != chooser.value)
    chooser.value = other
    assert editor.session.selection.journey == other
    assert f"Link the steps of “{editor.session.model.journeys[other].label}”" in _html(editor)


def test_user_text_is_escaped(ws):
    model = ws.load()
    base = model.copy()
    model.rename("reasons", "report-fault", SCRIPT)
    ws.commit(model, base=base)
    editor = _editor(ws)
    text = _html(editor)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; pays the first bill" in text  # the step label
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <small>" in text  # the unused reason in the coverage panel
    assert SCRIPT not in text
    assert SCRIPT not in coverage_html(coverage(editor.session.model, "i-join"), editor.session.model)


def test_suggestions_say_what_drove_them_not_a_raw_score(ws):
    editor = _editor(ws, can_edit=False)
    shown = _html(editor)
    assert "wb-why" in shown and "rule: keyword &#x27;order&#x27; (as &#x27;orders&#x27;)" in shown
    assert not re.search(r"\(0\.\d\d\)", shown)
    editor = _editor(ws)
    assert all(not re.search(r"\(0\.\d\d\)", b.name) for c in editor.controls.values() for b in c.accept)


def test_the_workspace_keywords_drive_the_suggestions(ws):
    from workbench.text.rules import save_keywords

    editor = _editor(ws)
    assert editor.controls["join-3"].accept[0].name != "I report a fault"  # "Calls about the order"
    save_keywords(ws.store, editor.model, {"report-fault": ["calls"]}, revision=0)
    editor.session.reload()  # the next view of the page
    assert editor.controls["join-3"].accept[0].name == "I report a fault"
    assert "rule: keyword 'calls'" in editor.controls["join-3"].accept[0].description
