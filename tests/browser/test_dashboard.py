"""The served dashboard in a real Chromium: pages, tiles, filters, editing with roles, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_helpers import HOME_TAB, STEP_TABS, XSS_LABEL, login, open_map, open_step
from playwright.sync_api import expect

from workbench.workspace import Workspace

pytestmark = pytest.mark.ui


def test_every_page_loads_with_a_screenshot(page, dashboard, output_path):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, dashboard, "vic")
    page.wait_for_selector(".wb-home-cards", timeout=60_000)
    page.screenshot(path=f"{output_path}/0-home.png", full_page=True)
    for number, name in enumerate(STEP_TABS, start=1):
        open_step(page, name)
        page.screenshot(path=f"{output_path}/{number}-{name.split()[1].lower()}.png", full_page=True)
    open_step(page, HOME_TAB)
    assert not errors, errors
    for number, name in enumerate(STEP_TABS, start=1):
        assert Path(output_path, f"{number}-{name.split()[1].lower()}.png").stat().st_size > 10_000
    assert Path(output_path, "0-home.png").stat().st_size > 10_000


def test_clicking_a_reason_tile_shows_its_detail(page, dashboard, demo_workspace):
    model = Workspace.open(demo_workspace).load()
    reason = model.reasons["report-fault"]
    login(page, dashboard, "vic")
    open_map(page)
    page.locator(".wb-tile[data-reason='report-fault']").click()
    expect(page.locator("h2", has_text=reason.label)).to_be_visible(timeout=30_000)
    expect(page.get_by_text(model.phases[reason.phase].label, exact=False).first).to_be_visible()


def test_changing_a_filter_changes_the_figures(page, dashboard):
    login(page, dashboard, "vic")
    open_map(page)
    tile = page.locator(".wb-tile[data-reason='report-fault']")
    expect(page.get_by_text("all contacts", exact=False).first).to_be_visible()
    before = tile.inner_text()
    page.locator(".wb-filter-segment select").select_option(label="Seniors")  # filters show labels, not ids
    expect(page.get_by_text("segment Seniors", exact=False).first).to_be_visible(timeout=30_000)
    expect(tile).not_to_have_text(before, timeout=30_000)
    all_contacts = int(re.search(r"([\d,]+)\s*$", before).group(1).replace(",", ""))
    seniors = int(re.search(r"([\d,]+)\s*$", tile.inner_text()).group(1).replace(",", ""))
    assert 0 < seniors < all_contacts, (before, tile.inner_text())


def test_a_script_in_a_label_shows_as_text(page, dashboard):
    login(page, dashboard, "vic")
    open_map(page)
    tile = page.locator(".wb-tile").filter(has_text="<script>").first
    expect(tile).to_contain_text("<script>window.__wb_xss = 1</script>")
    assert page.evaluate("() => window.__wb_xss") is None
    assert page.locator("b", has_text="bill").count() == 0 or XSS_LABEL not in page.content()


def test_a_viewer_finds_no_way_to_edit(page, dashboard):
    login(page, dashboard, "vic")
    open_step(page, "3 Link")
    expect(page.get_by_text("viewer (read-only)")).to_be_visible()
    assert page.get_by_role("button", name="Clear link").count() == 0
    open_step(page, "1 Frame")
    page.get_by_text("Edit the model", exact=True).click()
    page.wait_for_timeout(2000)
    assert page.get_by_role("button", name=re.compile("^(Add|Rename|Move|Merge|Delete)")).count() == 0


def test_an_editor_changes_a_link_and_sees_it_after_a_reload(page, dashboard, demo_workspace):
    ws = Workspace.open(demo_workspace)
    model = ws.load()
    journey = next(iter(model.journeys))
    step = model.steps_of(journey)[0]
    login(page, dashboard, "erin")
    open_step(page, "3 Link")
    page.get_by_role("button", name="Clear link").first.click()
    expect(page.get_by_text("Saved", exact=False).first).to_be_visible(timeout=30_000)
    assert ws.load().steps[step.id].reason is None
    page.reload()
    page.wait_for_selector(".wb-steps", timeout=60_000)
    open_step(page, "3 Link")
    expect(page.get_by_text("not linked", exact=False).first).to_be_visible(timeout=30_000)
    # put the link back by accepting the first suggestion, which is the original reason here
    suggestion = page.locator("button").filter(has_text=model.reasons[step.reason].label).first
    suggestion.click()
    expect(page.get_by_text("Saved", exact=False).first).to_be_visible(timeout=30_000)
    assert ws.load().steps[step.id].reason == step.reason
    ws.close()


def test_a_wrong_password_is_refused(page, dashboard):
    page.goto(f"{dashboard}/login")
    page.fill("input[name=username]", "erin")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    expect(page.get_by_text("Invalid username or password", exact=False)).to_be_visible(timeout=20_000)
    page.goto(dashboard)
    assert "/login" in page.url
