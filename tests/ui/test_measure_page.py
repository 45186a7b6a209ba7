"""The Measure page's plots on the hand-made session: the sample-size guard and the year before."""

from __future__ import annotations

import holoviews as hv
import panel as pn

from workbench.ui.measure import MeasurePage, MeasurePlots


def test_bars_by_level_and_the_heatmap_show_the_kpi(ui_session):
    plots = MeasurePlots(session=ui_session, level="stage")
    bars = plots.bars().object
    assert isinstance(bars, hv.Bars)
    assert sorted(bars.dimension_values("item")) == ["Becoming a customer", "Being a customer"]
    assert isinstance(plots.heatmap().object, hv.HeatMap)


def test_survey_kpis_on_too_few_answers_are_not_drawn(ui_session):
    ui_session.selection.kpi = "nps"
    plots = MeasurePlots(session=ui_session, level="stage")
    assert "No NPS" in plots.bars().object                       # every stage has fewer than 30 answers
    drawn = MeasurePlots(session=ui_session, level="stage", min_responses=1).bars().object
    assert isinstance(drawn, hv.Bars)


def test_the_trend_and_the_page_render(ui_session):
    plots = MeasurePlots(session=ui_session)
    assert isinstance(plots.trend().object, hv.Overlay | hv.Curve)
    assert pn.panel(MeasurePage(session=ui_session)).get_root() is not None
