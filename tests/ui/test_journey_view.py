"""The journey view on the hand-made state of conftest."""

from __future__ import annotations

import math

import panel as pn
import pytest

from workbench.display.journeys import counterpart, episode_spans, lanes
from workbench.ui.journey_view import JourneyView, journey_figures

EVIL = "<script>alert(1)</script>"


def _nan_to_none(values):
    return [None if isinstance(v, float) and math.isnan(v) else v for v in values]


def test_steps_in_order_with_reason_kpis(ui_session):
    ui_session.selection.journey = "i-move-house"
    steps = JourneyView(session=ui_session).steps()
    assert steps["order"].to_list() == [1, 2, 3, 4]
    assert steps["channel_label"].to_list() == ["Website", "App", "Phone", "Phone"]
    assert steps["reason_label"].to_list() == ["I compare offers", EVIL, "I receive and pay my bill", "not linked"]
    assert steps["volume"].to_list() == [2, 2, 4, None]
    assert steps["nps"].to_list()[:2] == [50.0, 0.0] and steps["nps"][2] == pytest.approx(100 / 3)
    assert steps["repeat_rate"].to_list() == [0.0, 0.0, 0.25, None]
    assert steps["moment_of_truth"].to_list() == [False, True, False, False]
    assert lanes(ui_session.model, steps) == ["Phone", "Website", "App"]        # model channel order
    assert episode_spans(steps) == [("I prepare", 1, 2), ("I settle in", 3, 4)]


def test_step_kpis_follow_the_filters(ui_session):
    ui_session.selection.journey = "i-move-house"
    view = JourneyView(session=ui_session)
    ui_session.selection.segment = "seniors"
    assert view.steps()["volume"].to_list() == [None, 2, 1, None]
    ui_session.selection.segment = "all"
    ui_session.selection.channel = "phone"
    assert view.steps()["volume"].to_list() == [None, 1, 2, None]


def test_figures_lanes_and_emotion_curve(ui_session):
    view = JourneyView(session=ui_session)
    steps = view.steps("i-move-house")
    top, bottom = journey_figures(ui_session.model, steps, 800)
    assert list(top.y_range.factors) == ["App", "Website", "Phone"]          # first lane on top
    markers = next(r.data_source.data for r in top.renderers if "marker" in r.data_source.data)
    assert markers["order"] == [1, 2, 3, 4]
    assert markers["channel_label"] == ["Website", "App", "Phone", "Phone"]
    assert markers["marker"] == ["circle", "star", "circle", "circle"]      # the moment of truth stands out
    curve = next(r.data_source.data for r in bottom.renderers if "target" in r.data_source.data)
    assert _nan_to_none(curve["emotion"]) == [0, -1, -2, None]
    assert _nan_to_none(curve["target"]) == [1, 1, 2, None]
    assert bottom.xaxis.major_label_overrides[3] == "3. Gets first bill"
    tooltips = [t for tool in top.tools + bottom.tools if hasattr(tool, "tooltips") for t in tool.tooltips]
    assert not any("{safe}" in field for _, field in tooltips)


def test_selector_counterpart_and_compare(ui_session):
    model = ui_session.model
    assert counterpart(model, "i-move-house") == "i-move-house-future"
    assert counterpart(model, "i-move-house-future") == "i-move-house"      # found from the other side
    assert counterpart(model, "i-join") is None
    view = JourneyView(session=ui_session)
    assert ui_session.selection.journey == "i-move-house" and view._toggle.visible
    assert list(view._select.options.values()) == ["i-move-house", "i-move-house-future", "i-join"]
    view._select.value = "i-join"
    assert ui_session.selection.journey == "i-join" and not view._toggle.visible
    ui_session.selection.journey = "i-move-house-future"
    assert view._select.value == "i-move-house-future"
    view.compare = True
    both = view._view()
    assert isinstance(both, pn.Row) and len(both) == 2
    heads = [col[0].object for col in both]
    assert "current state" in heads[0] and "future state" in heads[1]      # current always on the left


def test_table_and_escaping(ui_session):
    ui_session.selection.journey = "i-move-house"
    view = JourneyView(session=ui_session)
    panel = view.journey_panel("i-move-house", 800)
    table = panel.select(pn.widgets.Tabulator)[0]
    frame = table.value
    assert frame["reason"].tolist() == ["I compare offers", EVIL, "I receive and pay my bill", "not linked"]
    assert frame["volume"].tolist() == ["2", "2", "4", "–"]
    assert frame["repeat_rate"].tolist() == ["0.0%", "0.0%", "25.0%", "–"]
    assert frame["moment_of_truth"].tolist() == ["", "★", "", ""]
    assert not table.formatters                    # Tabulator's default formatter shows cells as plain text
    model = ui_session.model.copy()
    from workbench.model import Journey

    model.add(Journey("evil", EVIL))
    ui_session.data = ui_session.data.with_model(model)
    head = view.journey_panel("evil", 800)[0].object
    assert "&lt;script&gt;" in head and "<script>" not in head
    assert pn.panel(view).get_root() is not None


def test_forty_steps_render_lightly(ui_session):
    from workbench.model import Step

    model = ui_session.model.copy()
    model.add(*[Step(f"long-{i}", "i-join", f"Step {i} with a label long enough to need shortening",
                     channel=("phone", "web", "app")[i % 3], emotion=i % 5 - 2) for i in range(39)])
    ui_session.data = ui_session.data.with_model(model)
    ui_session.selection.journey = "i-join"
    view = JourneyView(session=ui_session)
    steps = view.steps()
    assert steps.height == 40
    top, bottom = journey_figures(model, steps, 1300)
    assert max(len(v) for v in bottom.xaxis.major_label_overrides.values()) <= 30
    assert pn.panel(view).get_root() is not None
