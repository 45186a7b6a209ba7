"""The listening path and the review queue on a real workspace: what they draw, what a click stores."""

from __future__ import annotations

import panel as pn
import polars as pl
import pytest
from listening_fixtures import HOSTILE, ROWS, feedback_workspace

from workbench.text.tags import NOT_A_REASON, confirm, confirmed_tags
from workbench.ui.listening import ListeningPath, listening_page
from workbench.ui.review_queue import ReviewQueue, review_page
from workbench.ui.session import Session

MESS, SIMILAR = "The mechanic left a huge mess in my hallway", "the mechanic left a mess in the hallway again"
EXTRA = [("F6", "2026-02-10T10:00:00Z", HOSTILE, 1, "nps", None),
         ("F7", "2026-02-11T10:00:00Z", MESS, 4, "nps", None),
         ("F8", "2026-02-12T10:00:00Z", "asdf", None, None, None),
         ("F9", "2026-02-13T10:00:00Z", "ASDF ", None, None, None)]


@pytest.fixture
def ws(tmp_path):
    workspace = feedback_workspace(tmp_path / "ws", [*ROWS, *EXTRA])
    yield workspace
    workspace.close()


def _html(view) -> str:
    return "\n".join(str(p.object) for p in pn.panel(view).select(pn.pane.HTML))


def test_the_listening_path_shows_the_journey_and_escapes_verbatims(ws):
    session = Session.of_workspace(ws)
    session.selection.journey = "i-move-house"
    view = listening_page(session)
    assert isinstance(view, ListeningPath)
    confirm(ws.store, session.model, [("F6", "question-bill")], {"F6": HOSTILE}, source="survey")
    shown = "\n".join(str(p.object) for p in view.path_view("i-move-house").select(pn.pane.HTML))
    assert "Listening path of “I move house”" in shown and "9 comments in these filters: 1 tagged by people" in shown
    assert ">Billing and paying<" in shown and "&lt;img src=x onerror=" in shown and "<img" not in shown
    assert "<script" not in shown
    verbatims = str(view.verbatims_view("i-move-house").object)
    assert "What customers say about" in verbatims
    view.reason = "question-bill"
    by_month = str(view.verbatims_view("i-move-house").object)
    assert "“I question a charge on my bill”" in by_month and "&lt;script&gt;" in by_month


def test_by_episode_lists_the_journeys_episodes_in_order(ws):
    session = Session.of_workspace(ws)
    view = ListeningPath(session=session, by="episode")
    path, _ = view.figures("i-move-house")
    assert path["part"].to_list() == ["move-plan", "move-arrange", "move-wait", "move-connect", "move-settle"]
    assert path.filter(pl.col("part") == "move-plan")["responses"].item() == 2  # F1 and F2 are on move-1


def test_accepting_picking_and_not_a_reason_store_tags(ws):
    queue = review_page(Session.of_workspace(ws, can_edit=True, user="ann"))
    assert isinstance(queue, ReviewQueue)
    assert "asdf" in _html(queue) and len(queue.controls) == 8  # "asdf" and "ASDF " are one row: 9 - 1
    queue.controls["F8"].not_a_reason.clicks += 1
    tags, _ = confirmed_tags(ws.store)
    assert sorted(tags.select("feedback_id", "reason", "by").rows()) == [("F8", NOT_A_REASON, "ann"),
                                                                         ("F9", NOT_A_REASON, "ann")]
    assert "F8" not in queue.controls and queue.session.message.startswith("Saved: “asdf” is about “Not a")
    guess = queue.data.feedback().filter(pl.col("feedback_id") == "F5")["reason_1"].item()
    queue.controls["F5"].accept.clicks += 1
    assert confirmed_tags(ws.store)[0].filter(pl.col("feedback_id") == "F5")["reason"].item() == guess
    assert "F5" not in queue.controls


def test_a_corrected_tag_changes_the_next_suggestion_for_a_similar_text(ws):
    queue = ReviewQueue(session=Session.of_workspace(ws, can_edit=True), size=50)
    before = queue.data.tagger().rank([SIMILAR]).row(0, named=True)
    assert before["reason_1"] != "receive-engineer"
    queue.controls["F7"].choose.value = "receive-engineer"
    assert confirmed_tags(ws.store)[0].select("feedback_id", "reason").rows() == [("F7", "receive-engineer")]
    after = queue.data.tagger().rank([SIMILAR]).row(0, named=True)
    assert after["reason_1"] == "receive-engineer" and after["confidence_1"] > before["confidence_1"]


def test_someone_elses_tag_meanwhile_is_a_conflict_and_nothing_is_lost(ws):
    queue = ReviewQueue(session=Session.of_workspace(ws, can_edit=True))
    confirm(ws.store, queue.model, [("F1", "check-coverage")], {"F1": ROWS[0][2]}, source="survey")  # another editor
    queue.controls["F2"].accept.clicks += 1
    assert queue.session.message.startswith("Not saved")
    assert confirmed_tags(ws.store)[0]["feedback_id"].to_list() == ["F1"]
    assert "F1" not in queue.controls and "F2" in queue.controls  # the queue was read again
    queue.controls["F2"].accept.clicks += 1  # now on the current revision
    assert sorted(confirmed_tags(ws.store)[0]["feedback_id"].to_list()) == ["F1", "F2"]


def test_viewers_see_the_queue_without_controls(ws):
    queue = ReviewQueue(session=Session.of_workspace(ws, can_edit=False))
    assert queue.controls == {} and "Read-only" in _html(queue)
    assert "&lt;img src=x" in _html(queue) and "<img" not in _html(queue)
    assert not pn.panel(queue).select(pn.widgets.Button)


def test_the_reason_detail_says_what_customers_say(ws):
    from workbench.ui.reason_detail import ReasonDetail

    session = Session.of_workspace(ws)
    confirm(ws.store, session.model, [("F3", "question-bill"), ("F4", "question-bill"), ("F6", "question-bill")],
            {"F3": ROWS[2][2], "F4": ROWS[3][2], "F6": HOSTILE}, source="survey")
    session.selection.reason = "question-bill"
    shown = _html(ReasonDetail(session=session)._view())
    # F3 (CSAT 2), F4 (CSAT 5), F6 (NPS 1): one NPS answer, a detractor
    assert "3 comment(s), 3 confirmed by people · NPS of the comments -100 (n = 1)" in shown
    assert "&lt;img src=x" in shown and "<img" not in shown


def test_without_feedback_the_pages_say_how_to_add_it(tmp_path):
    from workbench.workspace import Workspace

    ws = Workspace.create(tmp_path / "empty", template="telecom-nl")
    session = Session.of_workspace(ws, can_edit=True)
    assert "workbench feedback add" in _html(ReviewQueue(session=session))
    view = ListeningPath(session=session)
    shown = "\n".join(str(p.object) for p in view.path_view(session.selection.journey).select(pn.pane.HTML))
    assert "No feedback in these filters" in shown and "class='wb-part'" in shown
    ws.close()


def test_a_future_journey_is_kept_apart_and_said_to_be_a_design(ws):
    session = Session.of_workspace(ws)
    names = session.selection.param.journey.objects
    assert names["I move house"] == "i-move-house" and names["I move house (future)"] == "i-move-house-future"
    view = ListeningPath(session=session)
    future = "\n".join(str(p.object) for p in view.path_view("i-move-house-future").select(pn.pane.HTML))
    current = "\n".join(str(p.object) for p in view.path_view("i-move-house").select(pn.pane.HTML))
    assert "Listening path of “I move house (future)”" in future and "is a design" in future
    assert "is a design" not in current


def test_a_feedback_file_gone_is_said_not_raised(ws):
    from workbench.ui.reason_detail import ReasonDetail

    (ws.path / "feedback.csv").unlink()
    session = Session.of_workspace(ws, can_edit=True)
    shown = "\n".join(str(p.object) for p in ListeningPath(session=session).path_view("i-move-house")
                      .select(pn.pane.HTML))
    assert "The feedback cannot be read" in shown and "feedback.csv" in shown
    assert "The feedback cannot be read" in _html(ReviewQueue(session=session))
    assert "the feedback cannot be read" in ReasonDetail(session=session).voice_html("pay-bill")
