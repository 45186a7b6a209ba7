"""The life cycle map, the circular view and the shared formatting, on the hand-made state of conftest."""

from __future__ import annotations

import json
import math

import panel as pn
import pytest

from workbench.display.formats import DIVERGING, GREY, SEQUENTIAL
from workbench.display.lifecycle import circle_layout, tile_frame
from workbench.ui.circular import CircularView
from workbench.ui.lifecycle_map import LifeCycleMap

ORDER = ["compare-offers", "place-order", "pay-bill", "change-details", "report-fault"]






def test_tiles_follow_model_order_and_show_the_kpi(ui_session):
    ui_session.selection.kpi = "nps"
    tiles = LifeCycleMap(session=ui_session).tiles()
    assert tiles["reason"].to_list() == ORDER
    # NPS by hand: compare 7,10 → 50; order 10,6 → 0; bill 9,3,10 → 33.3; details 0,10 → 0; fault: no data.
    values = tiles["value"].to_list()
    assert values[:2] == [50.0, 0.0] and values[2] == pytest.approx(100 / 3) and values[3:] == [0.0, None]
    assert tiles["volume"].to_list() == [2, 2, 4, 2, 0]
    # two or three answers are no basis for a colour: every tile grey, each value with its n
    assert tiles["text"].to_list() == ["+50 · n = 2", "0 · n = 2", "+33 · n = 3", "0 · n = 2", "–"]
    assert set(tiles["colour"]) == {GREY} and not any(tiles["reliable"][:4])


def test_tile_colours_follow_the_kpi_scale_when_the_sample_is_large_enough(ui_session):
    measured = ui_session.data.measure(["reason"], ["nps", "volume", "nps_responses"])
    tiles = tile_frame(ui_session.model, measured, "nps", min_responses=2)
    assert tiles["text"].to_list() == ["+50", "0", "+33", "0", "–"]
    # scale 0..50: 50 is the good end, 0 the bad end, 33.3 is 2/3 along the 7 colours = exactly the 5th.
    assert tiles["colour"].to_list() == [DIVERGING[-1], DIVERGING[0], DIVERGING[4], DIVERGING[0], GREY]


def test_tiles_follow_filters_and_kpi(ui_session):
    view = LifeCycleMap(session=ui_session)
    ui_session.selection.kpi = "nps"
    ui_session.selection.segment = "seniors"
    # seniors: compare none; order c6 10 → +100; bill c2 10 → +100; details 0,10 → 0 (one or two answers each)
    assert view.tiles()["text"].to_list() == ["–", "+100 · n = 1", "+100 · n = 1", "0 · n = 2", "–"]
    ui_session.selection.segment = "all"
    ui_session.selection.kpi = "volume"
    tiles = view.tiles()
    assert tiles["text"].to_list() == ["2", "2", "4", "2", "–"]
    assert tiles["colour"].to_list()[2] == SEQUENTIAL[-1]
    # the browser data follows the state
    shown = [t["text"] for s in view._grid.stages for p in s["phases"] for t in p["tiles"]]
    assert shown == ["2", "2", "4", "2", "–"]
    assert "<b>Contacts</b>" in view._legend.object and "no better or worse" in view._legend.object


def test_map_structure_counts_and_escaping(ui_session):
    view = LifeCycleMap(session=ui_session)
    stages = view._grid.stages
    assert [s["label"] for s in stages] == ["Becoming a customer", "Being a customer"]
    assert [[p["label"] for p in s["phases"]] for s in stages] == [["Orientation", "Buying"], ["Using"]]
    details = stages[1]["phases"][0]["tiles"][1]
    assert details["reason"] == "change-details"
    assert details["label"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert "<script>" not in json.dumps(stages)
    assert "<b>5</b> contact reasons in <b>3</b> phases across <b>2</b> stages" in view._summary.object


def test_click_selects_and_selection_is_shown(ui_session):
    view = LifeCycleMap(session=ui_session)
    view._grid.selected = "pay-bill"            # what a click in the browser does
    assert ui_session.selection.reason == "pay-bill"
    ui_session.selection.reason = "place-order"             # another view selects
    assert view._grid.selected == "place-order"


def test_map_payload_is_small_for_80_reasons(ui_session):
    from workbench.model import ContactReason

    model = ui_session.model.copy()
    model.add(*[ContactReason(f"extra-{i}", "using", f"I do extra thing number {i} today") for i in range(75)])
    ui_session.data = ui_session.data.with_model(model)
    view = LifeCycleMap(session=ui_session)
    assert len(view.tiles()) == 80
    assert len(json.dumps(view._grid.stages)) < 20_000


def test_map_renders(ui_session):
    root = pn.panel(LifeCycleMap(session=ui_session)).get_root()
    assert root is not None


def test_circle_layout_equal_and_by_volume(ui_session):
    model = ui_session.model
    equal = circle_layout(model)
    assert equal["reason"].to_list() == ORDER
    assert equal["t1"].to_list() == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    by_volume = circle_layout(model, {"compare-offers": 2, "place-order": 2, "pay-bill": 4, "change-details": 2})
    assert by_volume["t1"].to_list() == pytest.approx([0.2, 0.4, 0.8, 1.0, 1.0])


def test_circular_rings_values_and_tap(ui_session):
    ui_session.selection.kpi = "nps"
    view = CircularView(session=ui_session)
    rings = view.rings()
    stages = rings["stage"]
    assert stages["id"].to_list() == ["becoming", "being"]
    assert stages["t1"].to_list() == pytest.approx([0.4, 1.0])
    # becoming: 7,10,10,6 → (2 - 1) / 4 = +25; being: 9,3,10,0,10 → (3 - 2) / 5 = +20 (not an average)
    assert stages["value"].to_list() == pytest.approx([25.0, 20.0])
    assert rings["phase"].filter(rings["phase"]["id"] == "using")["reasons"].item() == 3
    assert rings["reason"]["text"].to_list() == ["+50", "0", "+33", "0", "–"]
    view.size_by = "volume"
    assert view.rings()["phase"]["t1"].to_list() == pytest.approx([0.2, 0.4, 1.0])

    pane = view._plot()
    fig = pane.object
    tooltips = [t for tool in fig.tools if hasattr(tool, "tooltips") for t in tool.tooltips]
    assert tooltips and not any("{safe}" in field for _, field in tooltips)
    reason_source = next(r.data_source for r in fig.renderers if r.data_source.data.get("ring", [None])[0] == "reason")
    assert "<script>alert(1)</script>" in reason_source.data["label"]    # canvas/tooltip text, shown as text
    start, end = reason_source.data["start"][0], reason_source.data["end"][0]
    assert end - start == pytest.approx(2 * math.pi * 0.2)               # compare-offers: 2 of 10 contacts
    reason_source.selected.indices = [2]                                 # a tap on the third sector
    assert ui_session.selection.reason == "pay-bill"
    assert pn.panel(view).get_root() is not None
