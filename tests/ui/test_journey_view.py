"""The Map page on the hand-made state of conftest: the journey map grid, the KPI strip under the filters,
current vs future, and escaping."""

from __future__ import annotations

import panel as pn
import pytest

from workbench.display.journeys import counterpart, episode_spans, lanes
from workbench.model import Journey
from workbench.ui.journey_view import JourneyView, journey_page

EVIL = "<script>alert(1)</script>"


def test_steps_in_order_with_reason_kpis(ui_session):
    ui_session.selection.journey = "i-move-house"
    steps = JourneyView(session=ui_session).steps()
    assert steps["order"].to_list() == [1, 2, 3, 4]
    assert steps["channel_label"].to_list() == ["Website", "App", "Phone", "Phone"]
    assert steps["reason_label"].to_list() == ["I compare offers", EVIL, "I receive and pay my bill", "not linked"]
    assert steps["volume"].to_list() == [2, 2, 4, None]
    assert steps["nps"].to_list()[:2] == [50.0, 0.0] and steps["nps"][2] == pytest.approx(100 / 3)
    assert lanes(ui_session.model, steps) == ["Phone", "Website", "App"]        # model channel order
    assert episode_spans(steps) == [("I prepare", 1, 2), ("I settle in", 3, 4)]


def test_the_heat_strip_shows_the_selected_kpi_under_the_filters(ui_session):
    ui_session.selection.journey = "i-move-house"
    view = JourneyView(session=ui_session)
    assert view.grid().lane_text("kpi") == ["2", "2", "4", ""]                 # contacts by default
    ui_session.selection.kpi = "nps"
    # compare-offers: 7, 10 → 50; change-details: 0, 10 → 0; pay-bill: 9, 3, 10 (one not asked) → 33
    assert view.grid().lane_text("kpi") == ["+50 | n = 2", "0 | n = 2", "+33 | n = 3", ""]
    ui_session.selection.segment = "seniors"
    # seniors: change-details 0, 10 → 0 (n 2); pay-bill: c2's 10 → 100 (n 1); no senior compared offers
    assert view.grid().lane_text("kpi") == ["– | n = 0", "0 | n = 2", "+100 | n = 1", ""]
    ui_session.selection.kpi = "volume"
    ui_session.selection.segment = "all"
    ui_session.selection.channel = "phone"
    assert view.grid().lane_text("kpi") == ["–", "1", "2", ""]


def test_the_map_has_the_lanes_of_the_journey_and_hides_the_ones_unticked(ui_session):
    ui_session.selection.journey = "i-move-house"
    view = JourneyView(session=ui_session)
    page = view._view()
    html = page[1].object
    assert "Contacts of the reason" in html and "Processes and systems" in html
    assert "process: Billing run" in html and "system: CRM" in html             # behind pay-bill
    assert list(view._lanes.options) == ["Channel", "Emotion", "Contact reason", "KPI", "Processes & systems",
                                         "Owner"]
    view._lanes.value = [v for v in view._lanes.value if v != "backstage"]
    assert view.hidden == ["backstage"]
    assert "Processes and systems" not in view._view()[1].object


def test_selector_counterpart_and_compare(ui_session):
    model = ui_session.model
    assert counterpart(model, "i-move-house") == "i-move-house-future"
    assert counterpart(model, "i-move-house-future") == "i-move-house"      # found from the other side
    assert counterpart(model, "i-join") is None
    view = JourneyView(session=ui_session)
    assert ui_session.selection.journey == "i-move-house" and view._mode.visible
    assert list(view._select.options.values()) == ["i-move-house", "i-move-house-future", "i-join"]
    view._select.value = "i-join"
    assert ui_session.selection.journey == "i-join" and not view._mode.visible
    ui_session.selection.journey = "i-move-house-future"
    view.mode = "compare"
    current, future, result = view.comparison()
    assert (current, future) == ("i-move-house", "i-move-house-future")       # current always on the left
    # today's 4 steps vs the future's 1: it keeps change-details (app), drops three steps and two reasons
    summary = result.summary.row(0, named=True)
    assert (summary["removed"], summary["added"], summary["reasons_dropped"]) == (4, 1, 2)
    assert summary["contacts_no_longer_needed"] == 2 + 4                       # compare-offers + pay-bill today
    page = view._view().object
    assert "What the future design changes" in page
    assert "with 6 contacts today" in page


def test_escaping_and_page(ui_session):
    model = ui_session.model.copy()
    model.add(Journey("evil", EVIL, scope=EVIL))
    ui_session.data = ui_session.data.with_model(model)
    ui_session.selection.journey = "evil"
    view = JourneyView(session=ui_session)
    head = view.head("evil")
    assert "&lt;script&gt;" in head and "<script>" not in head
    assert isinstance(view._view()[1], pn.pane.Alert)                           # no steps yet
    assert pn.panel(journey_page(ui_session)).get_root() is not None


def test_forty_steps_render(ui_session):
    from workbench.model import Step

    model = ui_session.model.copy()
    model.add(*[Step(f"long-{i}", "i-join", f"Step {i} with a label long enough to wrap over lines",
                     channel=("phone", "web", "app")[i % 3], emotion=i % 5 - 2) for i in range(39)])
    ui_session.data = ui_session.data.with_model(model)
    ui_session.selection.journey = "i-join"
    view = JourneyView(session=ui_session)
    assert len(view.grid().steps) == 40
    assert "Step 38 with a label long enough to wrap over lines" in view._view()[1].object   # never shortened
    assert pn.panel(view).get_root() is not None
