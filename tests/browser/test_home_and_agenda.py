"""The manager's home page and the improvement agenda in a real Chromium on the demo."""

from __future__ import annotations

import re
import time

import pytest
from browser_helpers import login, open_step
from playwright.sync_api import expect

from workbench.workspace import Workspace

pytestmark = pytest.mark.ui

GREY = "rgb(138, 143, 152)"  # ui.home.GREYED

#: N of a cell or card that says "n = N", and the colour its value is drawn in (Panel's panes sit in shadow
#: roots, which Playwright's locators pierce and document.querySelectorAll does not)
GRID = """cells => cells.map(td => [td.innerText.match(/n = ([\\d,]+)/), getComputedStyle(td).color])
                   .filter(([m]) => m).map(([m, colour]) => ({where: 'grid', n: +m[1].replace(/,/g, ''), colour}))"""
CARDS = """cards => cards.map(c => [c.innerText.match(/n = ([\\d,]+)/), getComputedStyle(c.children[1]).color])
                     .filter(([m]) => m).map(([m, colour]) => ({where: 'card', n: +m[1].replace(/,/g, ''), colour}))"""


def _samples(page) -> list[dict]:
    return page.locator(".wb-home-grid td").evaluate_all(GRID) + page.locator(".wb-card").evaluate_all(CARDS)


def _card_samples(page, timeout: float = 30) -> list[dict]:
    """The cards' samples once the redrawn cards are in (their text arrives a moment after the old cards go)."""
    deadline = time.monotonic() + timeout
    while not (found := [s for s in _samples(page) if s["where"] == "card"]) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    return found


def _cards(page) -> list[str]:
    return page.locator(".wb-card").all_inner_texts()


def test_home_cards_grid_and_small_samples(page, dashboard, demo_workspace, output_path):
    model = Workspace.open(demo_workspace).load()
    login(page, dashboard, "vic")
    page.wait_for_selector(".wb-home-cards .wb-card", timeout=60_000)
    cards = _cards(page)
    assert len(cards) >= 9, cards  # contacts, cost, NPS, CES, CSAT, repeat, digital, churn, MRR
    for text in cards:  # every card says how it moved against the month before, with a sign
        assert re.search(r"[+-]\d[\d.,]*\s*(%|pp|points)?\s+vs the month before", text), text
    rows = page.locator(".wb-home-grid tr").filter(has=page.locator("th[style*='text-align:left']"))
    labels = [t.strip() for t in rows.locator("th").all_inner_texts()]
    assert [s.label for s in model.stages.values()] == [x for x in labels if x != "All customers"]
    for i in range(rows.count()):  # every stage has figures, not only dashes
        cells = rows.nth(i).locator("td").all_inner_texts()
        assert any(c.strip() not in ("", "—") for c in cells), (labels[i], cells)
    samples = _samples(page)
    small = [s for s in samples if s["n"] < 30]
    assert small, "the demo has stages with fewer than 30 survey answers"
    assert all(s["colour"] == GREY for s in small), small
    assert any(s["colour"] != GREY for s in samples if s["n"] >= 30)
    page.screenshot(path=f"{output_path}/0-home-check.png", full_page=True)

    page.locator(".wb-filter-segment select").select_option(label="Small business")
    nps = page.locator(".wb-card").filter(has_text="NPS").first
    before = re.search(r"n = [\d,]+", cards[[i for i, c in enumerate(cards) if "NPS" in c][0]]).group(0)
    expect(nps).not_to_contain_text(before, timeout=30_000)
    on_cards = _card_samples(page)
    assert any(s["n"] < 30 for s in on_cards), on_cards
    assert all(s["colour"] == GREY for s in on_cards if s["n"] < 30), on_cards


def test_the_agenda_shows_matrix_table_whatif_and_monitoring(page, dashboard, demo_workspace, output_path):
    model = Workspace.open(demo_workspace).load()
    login(page, dashboard, "vic")
    open_step(page, "5 Prioritise")
    page.locator(".bk-tab", has_text="Improvement agenda").first.click()
    table = page.locator(".wb-agenda-table")
    expect(table).to_be_visible(timeout=60_000)
    titles = {o.title for o in model.opportunities.values()}
    shown = [t for t in titles if page.locator(".wb-agenda-table").get_by_text(t, exact=True).count()]
    assert sorted(shown) == sorted(titles)
    expect(page.locator(".wb-agenda-table .tabulator-row").first).to_contain_text("1")
    assert page.locator("canvas").count() >= 1  # the value/effort matrix
    expect(page.get_by_text("Why", exact=True).first).to_be_visible()
    page.screenshot(path=f"{output_path}/5-agenda.png", full_page=True)
    page.locator(".bk-tab", has_text="What if").first.click()
    expect(page.get_by_text("Select a contact reason", exact=False).first).to_be_visible(timeout=30_000)
    page.locator(".bk-tab", has_text="Monitoring").first.click()
    monitor = page.locator(".wb-monitor").first
    expect(monitor).to_be_visible(timeout=60_000)
    expect(monitor).to_contain_text("Expected")
    expect(monitor).to_contain_text("of what was expected")
    assert monitor.locator("canvas").count() >= 1
    page.screenshot(path=f"{output_path}/5-agenda-monitoring.png", full_page=True)
