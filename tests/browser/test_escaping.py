"""Stored XSS: every text a user can type (workspace name, stages, phases, reasons, descriptions,
owners, channels, segments, processes, systems, journeys, episodes, steps, needs, touchpoints, notes)
carries an image with onerror, a script, a javascript: link and Markdown; every page and sub-tab is
walked and nothing may run. Before the fix the workspace name ran in the page header on every page."""

from __future__ import annotations

import dataclasses

import pytest
from browser_helpers import free_port, open_map, open_step, wait_for
from playwright.sync_api import expect

pytestmark = pytest.mark.ui

PAYLOAD = '<img src=x onerror="window.__x=1"> <script>window.__x=1</script> [go](javascript:window.__x=1) **md**'
TEXT_FIELDS = ("label", "description", "owner", "scope", "touchpoint", "need", "notes")


def hostile(model):
    """``model`` with every free-text field replaced by :data:`PAYLOAD` plus a number (labels stay unique)."""
    new = model.copy()
    new.name = PAYLOAD
    n = 0
    for kind, entity in list(new.entities()):
        changes = {}
        for f in dataclasses.fields(entity):
            if f.name in TEXT_FIELDS and isinstance(getattr(entity, f.name), str):
                n += 1
                changes[f.name] = f"{PAYLOAD} {n}"
        getattr(new, kind)[entity.id] = dataclasses.replace(entity, **changes)
    return new


@pytest.fixture(scope="module")
def hostile_dashboard(tmp_path_factory):
    from workbench.demo import build_demo
    from workbench.server import serve

    ws = build_demo(tmp_path_factory.mktemp("xss") / "ws", events=5_000, seed=3)
    base = ws.load()
    ws.commit(hostile(base), base=base)
    path = ws.path
    ws.close()
    port = free_port()
    server = serve(path, port=port, allow_edit=True, threaded=True)
    wait_for(port)
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _sub_tabs(page, *names):
    for name in names:
        page.get_by_text(name, exact=True).first.click()
        page.wait_for_timeout(1200)
        page.wait_for_load_state("networkidle")


def test_nothing_a_user_typed_runs_on_any_page(page, hostile_dashboard):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(hostile_dashboard)
    page.wait_for_selector(".wb-home-cards", timeout=60_000)  # the home page: labels in priorities, movers, grid
    open_map(page)
    expect(page.locator("a.title").first).to_contain_text('<img src=x onerror="window.__x=1">')
    assert page.locator("meta[name=name]").get_attribute("content").startswith("Journey Workbench — <img")
    tile = page.locator(".wb-tile").first
    expect(tile).to_contain_text("<script>window.__x=1</script>")
    tile.click()  # the reason detail: header, owner, description, processes, systems, steps
    page.wait_for_timeout(2500)
    _sub_tabs(page, "Circle", "Edit the model", "Life cycle map")
    for step in ("2 Map", "3 Link", "4 Measure"):
        open_step(page, step)
    page.get_by_role("button", name="journey").first.click()  # KPI table by journey
    page.wait_for_timeout(1500)
    _sub_tabs(page, "Segments", "Listening path", "Review queue")
    open_step(page, "5 Prioritise")
    _sub_tabs(page, "Improvement agenda", "Impact")
    systems = page.locator(".choices").first
    systems.click()
    page.wait_for_timeout(800)
    option = page.locator(".choices__item--choice").first
    expect(option).to_contain_text("<img src=x")  # shown as text, not as an image
    option.click()
    page.wait_for_timeout(3000)
    expect(page.locator(".choices__item--selectable").first).to_contain_text("<script>")
    _sub_tabs(page, "Journey dependencies", "Actual journeys")
    page.wait_for_timeout(3000)
    _sub_tabs(page, "Conformance")
    page.wait_for_timeout(3000)
    open_step(page, "6 Publish")
    assert page.evaluate("() => window.__x") is None
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    assert not errors, errors
