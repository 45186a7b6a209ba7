"""The Session and its Selection: choices from the model (labels as names), filters, saving in one place,
and one journey chooser everywhere that tells current and future versions apart."""

from __future__ import annotations

import panel as pn
import pytest

from workbench.dataset import Filters
from workbench.ui.impact_explorer import ImpactExplorer
from workbench.ui.journey_flow import JourneyFlow
from workbench.ui.journey_view import JourneyView
from workbench.ui.link_editor import LinkEditor
from workbench.ui.session import Session


def test_choices_are_labels_with_ids_as_values(ui_session):
    selection = ui_session.selection
    assert selection.param.segment.objects == {"All segments": "all", "Families": "families", "Seniors": "seniors"}
    assert selection.param.period.objects == {"All months": "all", "2026-01": "2026-01", "2026-02": "2026-02"}
    assert list(selection.param.channel.names)[1:] == ["Phone", "Website", "App"]
    assert selection.journey == "i-move-house"  # the first journey is chosen


def test_the_filter_follows_every_filter_choice(ui_session):
    selection = ui_session.selection
    assert selection.filter == Filters()
    selection.segment, selection.period = "seniors", "2026-02"
    assert selection.filter == Filters(period="2026-02", segment="seniors")
    selection.segment = "all"
    assert selection.filter == Filters(period="2026-02")


def test_a_choice_that_leaves_the_model_falls_back(ui_session):
    ui_session.selection.reason, ui_session.selection.segment = "pay-bill", "seniors"
    model = ui_session.model.copy()
    model.delete_reason("pay-bill", relink_to="place-order")
    del model.segments["seniors"]
    model.journeys["i-join"] = model.journeys["i-join"].__class__(**{**vars(model.journeys["i-join"]), "segment": None})
    ui_session.can_edit = True
    assert ui_session.save(model, what="delete")
    assert ui_session.selection.reason is None and ui_session.selection.segment == "all"


def test_a_read_only_session_saves_nothing_and_says_why(ui_session):
    model = ui_session.model.copy()
    model.rename("reasons", "pay-bill", "I pay")
    assert not ui_session.save(model)
    assert "read-only" in ui_session.message
    assert ui_session.model.reasons["pay-bill"].label == "I receive and pay my bill"


def test_an_invalid_change_is_refused_with_the_problem(ui_session):
    from dataclasses import replace

    ui_session.can_edit = True
    model = ui_session.model.copy()
    model.steps["move-1"] = replace(model.steps["move-1"], reason="no-such-reason")
    assert not ui_session.save(model)
    assert "unknown reason 'no-such-reason'" in ui_session.message


JOURNEYS = {"I move house": "i-move-house", "I move house (future)": "i-move-house-future",
            "I become a customer": "i-join"}


@pytest.mark.parametrize("make", [
    lambda s: LinkEditor(session=s)._journey,
    lambda s: JourneyView(session=s)._select,
    lambda s: JourneyFlow(session=s).journey_select,
    lambda s: ImpactExplorer(session=s).journey_select,
], ids=["link editor", "journey view", "actual journeys", "journey dependencies"])
def test_every_journey_chooser_shows_current_and_future_as_two_entries(ui_session, make):
    chooser = make(ui_session)
    assert isinstance(chooser, pn.widgets.Select)
    assert chooser.options == JOURNEYS
    chooser.value = "i-move-house-future"
    assert ui_session.selection.journey == "i-move-house-future"


def test_two_sessions_choose_independently(ui_session):
    other = Session(ui_session.data)
    other.selection.segment = "seniors"
    assert ui_session.selection.segment == "all"
    assert other.data is ui_session.data  # the data (and its figures) are shared


def test_a_saved_setting_is_counted_so_views_drawn_from_settings_redraw(ui_session):
    ui_session.can_edit = True
    assert ui_session.save_setting(lambda: 7, "tags") == 7 and ui_session.settings_saved == 1

    def refused() -> int:
        from workbench.errors import ConflictError

        raise ConflictError("someone else saved the tags meanwhile")

    assert ui_session.save_setting(refused, "tags") is None and ui_session.settings_saved == 1
    assert ui_session.message.startswith("Not saved: someone else")


def test_a_save_is_told_once_on_the_page_where_it_was_made(ui_session):
    """The dashboard has no alert of its own: each editor shows the outcome of its saves beside its controls."""
    from workbench.app import _link_page, build_app

    def alerts(*parts) -> list:
        return [o for part in parts for o in pn.panel(part).select(pn.pane.Alert) if "wb-message" in o.css_classes]

    template = build_app(session=ui_session)
    assert alerts(*template.sidebar, *template.main) == []
    assert len(alerts(_link_page(ui_session))) == 1  # the link editor's, which once showed beside the app's
