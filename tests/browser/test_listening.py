"""The listening path and the review queue in Chromium: every template's example journeys render, a click in
the review queue stores a tag, and a hostile verbatim is shown as text, never run."""

from __future__ import annotations

import pytest
from browser_helpers import free_port, wait_for
from listening_fixtures import HOSTILE, ROWS, feedback_workspace
from playwright.sync_api import expect

from workbench.templates import template_paths
from workbench.text.insights import journey_parts

pytestmark = pytest.mark.ui
TEMPLATES = list(template_paths())


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server: ``/<template>`` the listening path of a workspace of each template (with generated
    feedback), ``/hostile`` and ``/review`` on a workspace whose feedback holds a hostile verbatim."""
    import panel as pn

    from workbench.sample.feedback import generate_feedback
    from workbench.sources.feedback import FeedbackSpec, add_feedback_source
    from workbench.ui.listening import listening_page
    from workbench.ui.review_queue import review_page
    from workbench.ui.session import Session
    from workbench.workspace import Workspace

    root = tmp_path_factory.mktemp("listening")
    spaces = {}
    for name in TEMPLATES:
        ws = Workspace.create(root / name, template=name)
        written = generate_feedback(ws.load(), root / name / "feedback", rows=80, seed=4)
        add_feedback_source(ws.store, FeedbackSpec(
            id="survey", kind="parquet", location=str(written.path), on_bad_rows="quarantine",
            mapping={c: c for c in ("feedback_id", "customer_id", "timestamp", "channel", "text", "score", "scale",
                                    "journey", "step", "language")}), model=ws.load(), workspace_dir=ws.path)
        spaces[name] = ws
        ws.dataset().feedback()  # fit the text model and tag now, as the server's warm-up does: not under a timeout
    spaces["hostile"] = feedback_workspace(root / "hostile", [*ROWS, ("F6", "2026-02-10T10:00:00Z", HOSTILE, 1,
                                                                      "nps", "move-12")])
    spaces["hostile-model"] = _hostile_demo(root / "hostile-model")
    routes = {f"/{name}": (lambda ws=ws: listening_page(Session.of_workspace(ws))) for name, ws in spaces.items()}
    routes["/hostile-review"] = lambda: review_page(Session.of_workspace(spaces["hostile-model"], can_edit=True))
    routes["/review"] = lambda: review_page(Session.of_workspace(spaces["hostile"], can_edit=True, user="erin"))
    port = free_port()
    server = pn.serve(routes, port=port, address="127.0.0.1", show=False, threaded=True,
                      websocket_origin=[f"127.0.0.1:{port}"])
    wait_for(port)
    yield f"http://127.0.0.1:{port}", spaces
    server.stop()
    for ws in spaces.values():
        ws.close()


def _hostile_demo(path):
    """The demo (with its feedback) where every label, description and the insights a user typed carry a script,
    an image with onerror and a javascript: link (as in test_escaping)."""
    from test_escaping import PAYLOAD, hostile

    from workbench.demo import build_demo
    from workbench.model import Insight

    ws = build_demo(path, events=5_000, seed=3)
    base = ws.load()
    new = hostile(base)
    step = next(s for s in new.steps.values() if s.journey == "i-move-house" and s.reason)
    new.add(Insight("evil", "pain", f"{PAYLOAD} title", text=f"{PAYLOAD} text", steps=(step.id,)),
            Insight("evil-journey", "observation", f"{PAYLOAD} on the journey", journeys=("i-move-house",)))
    ws.commit(new, base=base)
    return ws


def _path_shown(page, title: str, parts: int) -> None:
    expect(page.get_by_text(f"Listening path of “{title}”")).to_be_visible(timeout=120_000)
    if parts:
        expect(page.locator(".wb-part")).to_have_count(parts, timeout=30_000)
    else:
        expect(page.locator(".wb-listening-empty")).to_be_visible()


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_listening_path_renders_for_every_example_journey(page, served, template):
    base, spaces = served
    model = spaces[template].load()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/{template}")
    assert model.journeys, f"template {template} has no example journey"
    for journey in model.journeys:
        title = model.journey_title(journey)
        page.locator(".wb-listening-journey select").select_option(label=title)
        parts = journey_parts(model, journey, "phase")["part"].n_unique()
        _path_shown(page, title, parts)
    page.get_by_text("By episode", exact=True).click()
    last = list(model.journeys)[-1]
    episodes = journey_parts(model, last, "episode")["part"].n_unique()
    expect(page.locator(".wb-part")).to_have_count(episodes, timeout=30_000) if episodes else \
        expect(page.locator(".wb-listening-empty")).to_be_visible(timeout=30_000)
    expect(page.locator(".wb-listening-verbatims")).to_be_visible(timeout=30_000)
    assert errors == []


def test_a_hostile_verbatim_is_shown_as_text(page, served):
    base, _ = served
    page.goto(f"{base}/hostile")
    page.locator(".wb-listening-journey select").select_option(label="I move house")
    expect(page.get_by_text("Listening path of “I move house”")).to_be_visible(timeout=60_000)
    expect(page.locator(".wb-listening-grid").get_by_text('<img src=x onerror="window.__wb_xss=1">',
                                                          exact=False)).to_be_visible(timeout=30_000)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__wb_xss") is None
    assert page.locator(".wb-listening-grid img").count() == 0
    assert page.locator(".wb-listening-grid script").count() == 0


def test_the_review_queue_stores_an_accepted_tag(page, served):
    from workbench.text.tags import confirmed_tags

    base, spaces = served
    store = spaces["hostile"].store
    page.goto(f"{base}/review")
    expect(page.locator(".wb-review-text").first).to_be_visible(timeout=60_000)
    assert confirmed_tags(store)[1] == 0
    first = page.locator(".wb-review-text").first.inner_text()
    page.locator(".wb-review-queue").get_by_role("button", name="Not a contact reason").first.click()
    expect(page.locator(".wb-message")).to_contain_text("Saved", timeout=60_000)
    tags, revision = confirmed_tags(store)
    assert revision == 1 and tags["reason"].to_list() == ["unassigned"] and tags["by"].to_list() == ["erin"]
    assert tags["text"].item() in first
    expect(page.locator(".wb-review-summary")).to_contain_text("1 confirmed by people", timeout=60_000)
    assert page.evaluate("window.__wb_xss") is None


def test_labels_and_insights_a_user_typed_never_run(page, served):
    base, spaces = served
    model = spaces["hostile-model"].load()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/hostile-model")
    title = model.journey_title("i-move-house")
    page.locator(".wb-listening-journey select").select_option(label=title)
    expect(page.locator(".wb-listening-grid").get_by_text("on the journey", exact=False)).to_be_visible(timeout=90_000)
    expect(page.locator(".wb-listening-grid").get_by_text("title", exact=False).first).to_contain_text(
        '<img src=x onerror="window.__x=1">')
    page.get_by_text("By episode", exact=True).click()
    page.wait_for_timeout(3000)
    page.goto(f"{base}/hostile-review")
    expect(page.locator(".wb-review-text").first).to_be_visible(timeout=90_000)
    page.locator(".wb-review-queue select").first.click()
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__x") is None
    assert page.locator("img[src=x]").count() == 0 and page.locator("a[href^='javascript:']").count() == 0
    assert not errors, errors
