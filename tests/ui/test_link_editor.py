"""LinkEditor on a real workspace: accept / choose / clear save at once, conflicts, viewers, escaping."""

from __future__ import annotations

import panel as pn
import pytest
from model_fixtures import small_model

from workbench.model import Step
from workbench.sources.canonical import empty_contacts
from workbench.ui.link_editor import LinkEditor, coverage, coverage_html, link_rows, reason_groups
from workbench.ui.state import WorkbenchState
from workbench.workspace import Workspace

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def ws(tmp_path):
    model = small_model()
    model.add(Step("join-4", "i-join", f"{SCRIPT} pays the first bill"))
    return Workspace.create(tmp_path / "ws", model=model)


def _editor(ws, can_edit=True) -> LinkEditor:
    state = WorkbenchState(ws, can_edit=can_edit, events=empty_contacts().lazy())
    state.journey = "i-join"
    return LinkEditor(state=state)


def _html(editor: LinkEditor) -> str:
    return "\n".join(str(p.object) for p in editor.__panel__().select(pn.pane.HTML))


def test_link_rows_lists_steps_in_order_with_link_and_suggestions():
    rows = link_rows(small_model(), "i-join", top=3)
    assert rows["step"].to_list() == ["join-1", "join-2", "join-3"]
    assert rows["order"].to_list() == [1, 2, 3]
    assert rows["linked_label"].to_list() == ["I compare offers", "I place an order", None]
    assert rows["channel_label"].to_list() == ["Website", "Website", "Phone"]
    # at most 3, best first, none scoring 0; "Compares" meets "compare", "Orders" / "order" meet "order"
    assert [s[0] for s in rows["suggested"].to_list()] == ["compare-offers", "place-order", "place-order"]
    assert all(1 <= len(s) <= 3 and s == sorted(s, reverse=True) and min(s) > 0 for s in rows["score"].to_list())


def test_coverage_counts_unlinked_shared_and_unused_reasons():
    cov = coverage(small_model(), "i-join")
    # i-join: join-1..3, join-3 unlinked; overall 6 steps, only join-3 unlinked
    assert (cov.journey_steps, cov.journey_unlinked, cov.all_steps, cov.all_unlinked) == (3, 1, 6, 1)
    # compare-offers is linked from move-1 and join-1: the only reason two journeys share
    assert cov.shared.rows() == [("compare-offers", "I compare offers", ["I move house", "I become a customer"], 2)]
    assert cov.unused["reason"].to_list() == ["report-fault"]  # linked by no step


def test_reason_groups_follow_stage_and_phase():
    groups = reason_groups(small_model())
    assert groups["Being a customer / Using"] == {"I receive and pay my bill": "pay-bill",
                                                  "I change my details": "change-details",
                                                  "I report a fault": "report-fault"}


def test_accepting_a_suggestion_links_the_step_in_the_store(ws):
    editor = _editor(ws)
    first = link_rows(editor.state.model, "i-join")["suggested"].to_list()[3][0]  # join-4's best suggestion
    assert first == "pay-bill"  # "pays the first bill" -> "I receive and pay my bill"
    editor.controls["join-4"].accept[0].clicks += 1
    assert ws.load().steps["join-4"].reason == "pay-bill"
    assert editor.state.message.startswith("Saved: link step")
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
    assert editor.state.message.startswith("Not saved")
    assert editor.state.model.steps["join-3"].reason == "pay-bill"  # reloaded
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
    assert chooser.value == editor.state.journey
    other = next(j for j in editor.state.model.journeys if j != chooser.value)
    chooser.value = other
    assert editor.state.journey == other
    assert f"Link the steps of “{editor.state.model.journeys[other].label}”" in _html(editor)


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
    assert SCRIPT not in coverage_html(coverage(editor.state.model, "i-join"), editor.state.model)
