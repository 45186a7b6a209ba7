"""The Measure table: by journey, today's contacts go to today's journeys and the rest is labelled."""

from __future__ import annotations

import polars as pl
import pytest

from workbench.ui.kpi_table import DEFAULT, KpiTable
from workbench.ui.session import Session


@pytest.fixture
def session(ui_session) -> Session:
    """The hand-made contacts (tests/ui/conftest.py) and one fault report, a reason no journey uses."""
    events = ui_session.data.events().collect()
    fault = events.head(1).with_columns(customer_id=pl.lit("c8"), reason=pl.lit("report-fault"),
                                        source_code=pl.lit("report-fault"))
    return Session.from_frames(ui_session.data.model, pl.concat([events, fault]))


def rows(table: KpiTable) -> dict[str, int]:
    shown = table._table()[1].value
    return dict(zip(shown[table.level], shown["volume"], strict=True))


def test_by_journey_the_future_design_gets_no_contacts_and_the_rest_is_labelled(session):
    table = KpiTable(session=session, level="journey")
    # I move house: pay-bill 4 + compare-offers 2 + change-details 2; I become a customer: place-order 2;
    # report-fault is on no journey; the future "I move house" (change-details) is not credited with today's 2
    assert rows(table) == {"I move house": 8, "I become a customer": 2, "Contacts on no journey": 1}
    assert "Future designs have no contacts yet" in table._table()[0].object


def test_by_system_no_blank_row_and_the_default_columns(session):
    table = KpiTable(session=session, level="system")
    assert rows(table) == {"CRM": 6, "Contacts on no IT system": 5}  # CRM: change-details 2 + pay-bill 4
    assert {"repeat_rate", "fcr", "nps", "ces", "csat"} <= set(DEFAULT)
    assert list(table._table()[1].value.columns) == ["system", *DEFAULT]
