"""Legibility in a real Chromium at 1500×1000: the model outline reaches its last reason, and no table needs
a horizontal scrollbar for its default columns."""

from __future__ import annotations

import pytest
from browser_helpers import STEP_TABS, login, open_step
from playwright.sync_api import expect

from workbench.workspace import Workspace

pytestmark = pytest.mark.ui

# every Tabulator on the page that is shown: its visible width and the width its columns need
TABLES = """() => {
  const all = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.classList && el.classList.contains('tabulator')) all.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return all.flatMap((t) => {
    const holder = t.querySelector('.tabulator-tableholder');
    const shown = t.getBoundingClientRect();
    if (!holder || holder.clientWidth === 0 || shown.width === 0 || shown.height === 0) return [];
    const head = Array.from(t.querySelectorAll('.tabulator-col-title')).slice(0, 3).map((h) => h.innerText);
    return [{head, visible: holder.clientWidth, needed: holder.scrollWidth}];
  });
}"""


def test_edit_the_model_reaches_the_last_reason(page, dashboard, demo_workspace):
    model = Workspace.open(demo_workspace).load()
    last_phase = list(model.phases)[-1]
    last = model.reasons_of(last_phase)[-1].label
    login(page, dashboard, "vic")
    open_step(page, "1 Frame")
    page.get_by_text("Edit the model", exact=True).click()
    outline = page.locator(".wb-outline")
    expect(outline).to_be_visible(timeout=30_000)
    item = outline.locator("li", has_text=last).last
    item.scroll_into_view_if_needed()
    box, frame = item.bounding_box(), outline.bounding_box()
    assert box is not None and box["height"] > 0
    assert frame["y"] - 1 <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1
    assert frame["x"] - 1 <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
    sideways = outline.evaluate("(el) => el.scrollWidth - el.clientWidth")
    assert sideways <= 1  # everything is reached by scrolling down, nothing hides to the right
    assert outline.locator("li").count() == len(model.reasons)


def _subtab(page, name: str) -> None:
    page.locator(".bk-tab").filter(has_text=name).first.click()
    page.wait_for_timeout(2500)
    page.wait_for_load_state("networkidle")


#: pages with tables, and a column title that shows their main table is drawn
WAIT_FOR = {("4 Measure", None): "Repeat-contact rate", ("5 Prioritise", "Priorities"): "Relative score",
            ("5 Prioritise", "Improvement agenda"): "Opportunity",
            ("5 Prioritise", "Impact"): "Contacts affected", ("5 Prioritise", "Actual journeys"): "Share of customers"}


def test_no_table_needs_horizontal_scrolling(page, dashboard):
    login(page, dashboard, "vic")
    seen = []
    for step in STEP_TABS:
        open_step(page, step)
        page.wait_for_timeout(1500)
        subs = {"5 Prioritise": ["Priorities", "Improvement agenda", "Impact", "Actual journeys"]}
        for sub in subs.get(step, [None]):
            if sub:
                _subtab(page, sub)
            if sub == "Impact":
                page.locator(".choices").first.click()
                page.locator(".choices__list--dropdown .choices__item--choice").first.click()
            if (step, sub) in WAIT_FOR:
                title = page.locator(".tabulator-col-title", has_text=WAIT_FOR[step, sub]).first
                expect(title).to_be_visible(timeout=60_000)
                page.wait_for_timeout(1000)
            for table in page.evaluate(TABLES):
                seen.append((step, sub, table))
    for step, sub in WAIT_FOR:
        assert any((s, u) == (step, sub) for s, u, _ in seen), (step, sub, seen)
    wide = [(step, sub, t) for step, sub, t in seen if t["needed"] > t["visible"] + 1]
    assert not wide, wide
