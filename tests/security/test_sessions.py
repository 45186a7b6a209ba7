"""Many viewers on one process: 50 sessions opened at once all get their first paint without an error,
and one viewer's filters never change another's view."""

from __future__ import annotations

import json

import pytest
from security_helpers import _session_cookie_of, run_apart, sign_in

from workbench.web.probe import close_all, open_many


@pytest.mark.slow
def test_fifty_viewers_at_once_all_get_their_first_paint(start_server, users_file):
    port = start_server(users=users_file)
    cookie = _session_cookie_of(sign_in(port, "vic"))

    async def run():
        opened, _ = await open_many(f"http://127.0.0.1:{port}", 50, at_once=True, headers={"Cookie": cookie},
                                    until="wb-home-cards")
        try:
            return opened
        finally:
            close_all(opened)

    opened = run_apart(run())
    assert len(opened) == 50  # each got its document, then the home page's cards (`until` waits for them)
    assert all(o.content is not None and o.content >= o.first_paint for o in opened)
    assert all("Journey Workbench" in json.dumps(o.document) for o in opened)


def test_one_viewers_filters_leave_another_view_alone(small_workspace):
    from workbench.ui.lifecycle_map import LifeCycleMap
    from workbench.ui.session import Session
    from workbench.workspace import Workspace

    ws = Workspace.open(small_workspace)
    first, second = Session.of_workspace(ws), Session.of_workspace(ws)
    maps = LifeCycleMap(session=first), LifeCycleMap(session=second)
    before = [m._grid.stages for m in maps]
    segment = next(iter(first.model.segments))
    first.selection.segment = segment
    first.selection.reason = next(iter(first.model.reasons))
    assert second.selection.segment == "all" and second.selection.reason is None
    assert maps[1]._grid.stages == before[1]
    assert maps[0]._grid.stages != before[0]
    ws.close()


@pytest.fixture(scope="module")
def slow_browser_pages(tmp_path_factory):
    """The review queue and the listening path served as pages of their own (as in a published notebook),
    over a workspace whose feedback is tagged already, so their figures are ready in milliseconds."""
    import panel as pn
    from listening_fixtures import feedback_workspace
    from security_helpers import free_port, wait_for

    from workbench.ui.listening import listening_page
    from workbench.ui.review_queue import review_page
    from workbench.ui.session import Session

    ws = feedback_workspace(tmp_path_factory.mktemp("slow-browser") / "ws")
    ws.dataset().feedback()  # fit and tag now
    port = free_port()
    server = pn.serve({"/review": lambda: review_page(Session.of_workspace(ws, can_edit=True)),
                       "/listening": lambda: listening_page(Session.of_workspace(ws, journey="i-move-house"))},
                      port=port, address="127.0.0.1", show=False, threaded=True,
                      websocket_origin=[f"127.0.0.1:{port}"])
    wait_for(port)
    yield f"http://127.0.0.1:{port}"
    server.stop()
    ws.close()


@pytest.mark.parametrize(("page", "until"), [("/review", "wb-review-text"), ("/listening", "Listening path of")])
def test_a_part_ready_before_a_slow_browser_has_drawn_the_page_still_arrives(slow_browser_pages, page, until):
    """Computed before the browser said it had drawn the page, the queue's rows were dropped by Bokeh (a change
    from an unlocked callback then raises) and the page showed its spinner forever."""
    from workbench.web.probe import open_session

    async def run():
        opened = await open_session(slow_browser_pages, page=page, until=until, ready_after=1.5, timeout=30)
        opened.connection.close()
        return opened

    opened = run_apart(run())
    assert opened.content is not None and opened.content >= opened.first_paint + 1.5
