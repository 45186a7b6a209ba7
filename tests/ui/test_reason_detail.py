"""The reason detail view on the hand-made session of conftest (figures worked out from its CONTACTS)."""

from __future__ import annotations

from datetime import date

import holoviews as hv
import panel as pn
import pytest

from workbench.display.reason import channel_mix, linked_steps, segment_mix
from workbench.ui.reason_detail import ReasonDetail


def _html(layout) -> str:
    return "".join(p.object for p in layout.select(pn.pane.HTML))


def test_prompt_without_a_selection(ui_session):
    view = ReasonDetail(session=ui_session)
    assert isinstance(view._view(), pn.pane.Alert)


def test_cards_trend_and_mixes_by_hand(ui_session):
    # pay-bill: c1 Jan 5 + Jan 8 (phone, repeat), c2 Jan 10 (web), c3 Feb 3 (app)
    assert ReasonDetail(session=ui_session).card_values("pay-bill") == pytest.approx(
        {"volume": 4, "customers": 3, "nps": 100 / 3, "repeat_rate": 0.25, "cost_per_contact": 5.75})
    assert ReasonDetail(session=ui_session).card_values("report-fault") == {"volume": 0, "customers": 0, "nps": None,
                                                     "repeat_rate": None, "cost_per_contact": None}
    trend = ui_session.data.trend("pay-bill", "nps", ui_session.selection.filter)
    assert trend["period"].to_list() == [date(2026, 1, 1), date(2026, 2, 1)]
    assert trend["nps"][0] == pytest.approx(100 / 3) and trend["nps"][1] is None   # c3 gave no NPS
    assert trend["volume"].to_list() == [3, 1]

    mix = channel_mix(ui_session.model, ui_session.data.measure(["reason", "channel"], ["volume"]), "pay-bill")
    assert mix.rows() == [("phone", "Phone", False, 2, 0.5), ("web", "Website", True, 1, 0.25),
                          ("app", "App", True, 1, 0.25)]
    seg = segment_mix(ui_session.model, ui_session.data.measure(["reason", "segment"], ["volume", "nps"]), "pay-bill")
    assert seg.rows() == [("families", "Families", 3, 0.75, 0.0), ("seniors", "Seniors", 1, 0.25, 100.0)]


def test_period_filter_keeps_the_trend_but_filters_the_cards(ui_session):
    ui_session.selection.period = "2026-02"
    assert ReasonDetail(session=ui_session).card_values("pay-bill")["volume"] == 1
    assert ui_session.data.trend("pay-bill", "volume", ui_session.selection.filter)["volume"].to_list() == [3, 1]
    ui_session.selection.period = "all"
    ui_session.selection.channel = "phone"
    assert ui_session.data.trend("pay-bill", "volume", ui_session.selection.filter)["volume"].to_list() == [2]


def test_view_follows_the_selection_and_escapes(ui_session):
    ui_session.selection.kpi = "nps"
    ui_session.selection.reason = "change-details"
    view = ReasonDetail(session=ui_session)
    layout = view._view()
    text = _html(layout)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text
    assert "Being a customer › Using" in text
    assert "CRM" in text and "Billing run" not in text
    tables = layout.select(pn.widgets.Tabulator)
    steps = tables[1].value
    assert steps.to_dict("list") == {"journey": ["I move house", "I move house"],
                                     "journey_state": ["current", "future"],
                                     "step": ["Changes address", "Moves in the app"], "channel": ["App", "App"]}
    assert all(not f for f in (t.formatters for t in tables))   # default formatter: cells shown as text

    ui_session.selection.reason = "pay-bill"
    layout = view._view()
    text = _html(layout)
    assert "I receive and pay my bill" in text and "Bills &amp; &lt;b&gt;payments&lt;/b&gt;" in text
    assert "owner: Finance" in text and "€5.75" in text and "25.0%" in text and "+33" in text
    plots = [p.object for p in layout.select(pn.pane.HoloViews)]
    curve = next(e for p in plots if isinstance(p, hv.Overlay) for e in p if isinstance(e, hv.Curve))
    bars = next(p for p in plots if isinstance(p, hv.Bars))
    values = list(curve.dimension_values("nps"))
    assert values[0] == pytest.approx(100 / 3) and values[1] is None
    assert list(bars.dimension_values("volume")) == [2, 1, 1]
    assert list(bars.dimension_values("kind")) == ["assisted", "digital", "digital"]
    assert pn.panel(view).get_root() is not None


def test_linked_steps_of_an_unlinked_reason_is_empty(ui_session):
    assert linked_steps(ui_session.model, "report-fault").height == 0
    ui_session.selection.reason = "report-fault"
    assert pn.panel(ReasonDetail(session=ui_session)).get_root() is not None
