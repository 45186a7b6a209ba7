"""The process map of actual journeys in a real Chromium: after the Impact tab has been used the map is still
spread over its layers (it collapsed to one point when HoloViews linked its axes to the Sankey's), and
clicking a step filters the variant list."""

from __future__ import annotations

import pytest
from browser_helpers import login, open_step
from playwright.sync_api import expect

pytestmark = pytest.mark.ui

# where each box of the map is drawn on the screen (centre, in CSS pixels), read from BokehJS's views
BOXES = """() => {
  for (const doc of Bokeh.documents) {
    const source = doc.get_model_by_name('process-map-nodes');
    if (!source) continue;
    const views = [];
    const walk = (v) => { views.push(v); for (const c of (v.child_views || [])) walk(c); };
    for (const root of Bokeh.index.values ? Bokeh.index.values() : Object.values(Bokeh.index)) walk(root);
    const plot = views.find((v) => v.frame && v.model.renderers &&
                                   v.model.renderers.some((r) => r.data_source === source));
    if (!plot) return null;
    const canvas = plot.canvas_view.el.getBoundingClientRect();
    const d = source.data;
    return Array.from(d.node, (node, i) => ({node, label: d.label[i],
      x: canvas.left + plot.frame.x_scale.compute(d.x[i]), y: canvas.top + plot.frame.y_scale.compute(d.y[i])}));
  }
  return null;
}"""


def boxes(page):
    page.wait_for_function(f"({BOXES})() !== null", timeout=60_000)
    return page.evaluate(BOXES)


def variant_paths(page) -> list[str]:
    table = page.locator(".tabulator").filter(has_text="Share of customers").first
    expect(table).to_be_visible(timeout=30_000)
    return [cell.inner_text() for cell in table.locator(".tabulator-row .tabulator-cell[tabulator-field='path']").all()]


def test_after_impact_the_map_spreads_over_its_layers_and_a_click_filters_the_variants(page, dashboard,
                                                                                       output_path):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, dashboard, "vic")
    open_step(page, "5 Prioritise")
    page.locator(".bk-tab").filter(has_text="Impact").first.click()
    choices = page.locator(".choices").first
    expect(choices).to_be_visible(timeout=30_000)
    choices.click()
    page.locator(".choices__list--dropdown .choices__item--choice").first.click()
    expect(page.locator(".bk-tab").filter(has_text="Journeys and steps").first).to_be_attached(timeout=60_000)
    page.wait_for_timeout(2000)  # the Sankey drawn
    page.screenshot(path=f"{output_path}/impact.png", full_page=True)
    page.locator(".bk-tab").filter(has_text="Actual journeys").first.click()
    drawn = boxes(page)
    columns = {round(b["x"]) for b in drawn}
    assert len(columns) >= 3, drawn
    assert max(b["x"] for b in drawn) - min(b["x"] for b in drawn) > 400  # spread on the screen, not one point
    page.screenshot(path=f"{output_path}/actual-journeys-after-impact.png", full_page=True)

    before = variant_paths(page)
    visible = [b for b in boxes(page) if b["node"] not in ("▶", "■") and 0 < b["y"] < 950 and 0 < b["x"] < 1450]
    assert visible, "no box of the map is on the screen"
    target = visible[0]
    page.mouse.click(target["x"], target["y"])
    expect(page.get_by_text(f"Customers with “{target['label']}”", exact=False)).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1500)
    after = variant_paths(page)
    assert after and after != before
    assert all(target["label"] in path for path in after), (target["label"], after)
    assert not errors, errors
