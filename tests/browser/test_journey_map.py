"""The journey map in a real Chromium: every lane of the demo's "I move house" with no label cut off, and
current vs future with its summary of differences."""

from __future__ import annotations

import html

import pytest
from browser_helpers import free_port, login, open_step, wait_for
from playwright.sync_api import expect

from workbench.workspace import Workspace

pytestmark = pytest.mark.ui

#: (how many text boxes the grid has, the ones that stick out of their cell by more than half a pixel)
CUT = """(grid) => {
  const out = [], texts = grid.querySelectorAll('.jg-text');
  for (const text of texts) {
    const cell = text.closest('.jg > div');
    const t = text.getBoundingClientRect(), c = cell.getBoundingClientRect();
    if (t.left < c.left - 0.5 || t.right > c.right + 0.5 || t.top < c.top - 0.5 || t.bottom > c.bottom + 0.5)
      out.push(text.textContent);
  }
  return [texts.length, out];
}"""


@pytest.fixture(scope="module")
def map_dashboard(demo_workspace, users_file):
    """The served dashboard whose Map page is ``journey_view.journey_page`` (as app.py will call it)."""
    import workbench.app as app
    from workbench.server import serve
    from workbench.ui.journey_view import journey_page

    before = app._journey_page
    app._journey_page = journey_page
    port = free_port()
    server = serve(demo_workspace, port=port, users=users_file, threaded=True, cookie_secret="test-secret-" * 4)
    wait_for(port)
    yield f"http://127.0.0.1:{port}"
    server.stop()
    app._journey_page = before


def _open_move_house(page, base: str) -> None:
    login(page, base, "vic")
    open_step(page, "2 Map")
    page.locator("select:has(option:text-is('I move house'))").first.select_option(label="I move house")
    expect(page.locator(".jm-head", has_text="I move house — current state")).to_be_visible(timeout=30_000)


def test_every_lane_of_i_move_house_and_no_label_cut(page, map_dashboard, demo_workspace, output_path):
    model = Workspace.open(demo_workspace).load()
    steps = model.steps_of("i-move-house")
    _open_move_house(page, map_dashboard)
    grid = page.locator(".jg")
    for title in ("Episode", "Step", "Channel · touchpoint", "Need", "Emotion (experienced vs target)",
                  "Contact reason", "Contacts of the reason", "Processes and systems", "Opportunities", "Owner"):
        expect(grid.locator(".jg-lane", has_text=title).first).to_be_visible()
    assert grid.locator(".jg-step").count() == len(steps) == 12
    assert grid.locator(".jg-episode").count() == 5
    for lane in ("channel", "need", "emotion", "reason", "kpi", "backstage", "owner"):
        assert grid.locator(f"[data-lane='{lane}']").count() == 12, lane
    # every step label in full, in the order of the journey; moments of truth marked, not hidden
    shown = [t.strip() for t in grid.locator(".jg-step").all_inner_texts()]
    for text, step in zip(shown, steps, strict=True):
        assert step.label in text.replace("\n", " ")
    assert sum("moment of truth" in t for t in shown) == sum(s.moment_of_truth for s in steps) == 3
    texts, cut = grid.evaluate(CUT)
    assert cut == [] and texts > 12 * 8     # every cell of every lane has been measured
    page.screenshot(path=f"{output_path}/2-map.png")
    # the grid fills the main area: its width follows the window
    wide = grid.bounding_box()["width"]
    page.set_viewport_size({"width": 1900, "height": 1000})
    page.wait_for_timeout(800)
    assert grid.bounding_box()["width"] > wide + 200
    assert grid.evaluate(CUT)[1] == []


def test_current_vs_future_shows_the_differences(page, map_dashboard, demo_workspace, output_path):
    from workbench.analysis.journey_compare import compare_journeys
    from workbench.display.journey_compare import summary_lines

    data = Workspace.open(demo_workspace).dataset()
    volumes = dict(data.measure(["reason"], ["volume"]).drop_nulls("reason").iter_rows())
    result = compare_journeys(data.model, "i-move-house", "i-move-house-future", volumes)
    _open_move_house(page, map_dashboard)
    page.get_by_role("button", name="Current vs future").click()
    summary = page.locator(".jc-summary")
    expect(summary).to_be_visible(timeout=30_000)
    # the demo's redesign, worked out from its template: 12 → 9 steps, 3 removed, 5 to another channel
    expect(summary).to_contain_text("12 steps today, 9 in the future design: 3 removed, 0 added, 5 in another channel.")
    expect(summary).to_contain_text("“Calls to pass on the new address and the moving date”: Phone → App.")
    dropped = sum(c or 0 for c in result.dropped_reasons["contacts"])
    assert dropped == volumes["set-up-tv"] + volumes["question-bill"] > 0
    expect(summary).to_contain_text(f"2 contact reason(s) the future no longer uses, with {dropped:,} contacts today.")
    for line in summary_lines(data.model, result):
        expect(summary).to_contain_text(line)
    assert page.locator(".jc-grid .jc-ep").count() == 5                     # aligned by the five episodes
    assert page.locator("[data-side='current'] [data-change='removed']").count() == 3
    future = " ".join(page.locator("[data-side='future']").all_inner_texts())
    assert "contacts" not in future                                          # no contacts credited to the design
    assert html.escape("<") not in future
    page.screenshot(path=f"{output_path}/2-map-compare.png")


def test_nothing_typed_runs_on_the_map_its_editor_or_the_comparison(page, tmp_path_factory):
    from test_escaping import hostile

    import workbench.app as app
    from workbench.demo import build_demo
    from workbench.server import serve
    from workbench.ui.journey_view import journey_page

    ws = build_demo(tmp_path_factory.mktemp("xss-map") / "ws", events=3_000, seed=3)
    base = ws.load()
    ws.commit(hostile(base), base=base)
    path = ws.path
    ws.close()
    before, app._journey_page = app._journey_page, journey_page
    port = free_port()
    server = serve(path, port=port, allow_edit=True, threaded=True)   # an editor: the map editor is shown
    try:
        wait_for(port)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"http://127.0.0.1:{port}")
        page.wait_for_selector(".wb-steps", timeout=60_000)
        open_step(page, "2 Map")
        chooser = page.locator("select").filter(has=page.locator("option", has_text="(future)")).first
        chooser.select_option(index=1)                                # the demo's second journey: I move house
        expect(page.locator(".jm-head").first).to_contain_text('<img src=x onerror="window.__x=1">', timeout=30_000)
        expect(page.get_by_role("button", name="Current vs future")).to_be_visible()
        expect(page.locator(".jg .jg-step").first).to_contain_text("<script>window.__x=1</script>")
        expect(page.locator(".jm-editor")).to_be_visible()
        page.get_by_role("button", name="Current vs future").click()
        expect(page.locator(".jc-summary")).to_be_visible(timeout=30_000)
        assert page.evaluate("() => window.__x") is None
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("a[href^='javascript:']").count() == 0
        assert not errors, errors
    finally:
        server.stop()
        app._journey_page = before
