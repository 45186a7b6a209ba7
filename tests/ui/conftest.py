"""A small hand-made workbench session for component tests: 5 reasons (one labelled with a script tag),
2 journeys, 10 contacts whose figures are easy to work out by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from workbench.model import (
    Channel,
    ContactReason,
    Episode,
    Journey,
    Model,
    Phase,
    Process,
    Segment,
    Stage,
    Step,
    System,
)
from workbench.sources.canonical import conform
from workbench.ui.session import Session

EVIL = "<script>alert(1)</script>"


def ui_model() -> Model:
    m = Model(name="Small Co")
    m.add(
        Stage("becoming", "Becoming a customer"), Stage("being", "Being a customer"),
        Phase("orientation", "becoming", "Orientation"), Phase("buying", "becoming", "Buying"),
        Phase("using", "being", "Using"),
        ContactReason("compare-offers", "orientation", "I compare offers", owner="Marketing"),
        ContactReason("place-order", "buying", "I place an order"),
        ContactReason("pay-bill", "using", "I receive and pay my bill", owner="Finance",
                      description="Bills & <b>payments</b>"),
        ContactReason("change-details", "using", EVIL),
        ContactReason("report-fault", "using", "I report a fault"),
        Channel("phone", "Phone", False), Channel("web", "Website", True), Channel("app", "App", True),
        Segment("families", "Families"), Segment("seniors", "Seniors"),
        Process("billing", "Billing run", owner="Finance", reasons=("pay-bill",)),
        System("crm", "CRM", reasons=("change-details", "pay-bill")),
        Journey("i-move-house", "I move house", segment="families", counterpart="i-move-house-future"),
        Journey("i-move-house-future", "I move house", state="future"),
        Journey("i-join", "I become a customer", segment="seniors"),
        Episode("move-prepare", "i-move-house", "I prepare"), Episode("move-settle", "i-move-house", "I settle in"),
        Step("move-1", "i-move-house", "Checks coverage", episode="move-prepare", channel="web",
             emotion=0, target_emotion=1, reason="compare-offers"),
        Step("move-2", "i-move-house", "Changes address", episode="move-prepare", channel="app",
             emotion=-1, target_emotion=1, moment_of_truth=True, reason="change-details"),
        Step("move-3", "i-move-house", "Gets first bill", episode="move-settle", channel="phone",
             emotion=-2, target_emotion=2, reason="pay-bill"),
        Step("move-4", "i-move-house", "Calls again", episode="move-settle", channel="phone"),
        Step("fut-1", "i-move-house-future", "Moves in the app", channel="app", emotion=1, target_emotion=1,
             reason="change-details"),
        Step("join-1", "i-join", "Orders online", channel="web", reason="place-order"),
    )
    return m


def _t(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 9, tzinfo=UTC)


#: (customer, time, channel, reason, segment, cost, nps)
CONTACTS = [
    ("c1", _t(1, 5), "phone", "pay-bill", "families", 10.0, 9),
    ("c1", _t(1, 8), "phone", "pay-bill", "families", 10.0, 3),     # 3 days later: c1's first one repeats
    ("c2", _t(1, 10), "web", "pay-bill", "seniors", 2.0, 10),
    ("c3", _t(2, 3), "app", "pay-bill", "families", 1.0, None),
    ("c4", _t(2, 4), "web", "compare-offers", "families", 1.0, 7),
    ("c4", _t(2, 20), "web", "compare-offers", "families", 1.0, 10),  # 16 days later: no repeat
    ("c5", _t(1, 6), "phone", "change-details", "seniors", 8.0, 0),
    ("c5", _t(2, 6), "app", "change-details", "seniors", 2.0, 10),
    ("c6", _t(2, 7), "web", "place-order", "seniors", 3.0, 10),
    ("c7", _t(2, 9), "phone", "place-order", "families", 5.0, 6),
]


def ui_events() -> pl.LazyFrame:
    cols = ["customer_id", "timestamp", "channel", "reason", "segment", "cost", "nps"]
    frame = pl.DataFrame(CONTACTS, schema=cols, orient="row").with_columns(pl.col("reason").alias("source_code"))
    return conform(frame)


@pytest.fixture
def ui_session() -> Session:
    """A session over the hand-made model and contacts (held in memory: saves stay in the session)."""
    return Session.from_frames(ui_model(), ui_events())

