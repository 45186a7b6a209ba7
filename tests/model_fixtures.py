"""Model and paths shared by tests: import with ``from model_fixtures import small_model``."""

from __future__ import annotations

from pathlib import Path

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

ROOT = Path(__file__).resolve().parents[1]
REAL_LOGS = ROOT.parent / "shared" / "data" / "real"
PG_ENV = "WORKBENCH_TEST_PG_URL"


def small_model() -> Model:
    """Two stages, three phases, five reasons, two journeys; every step linked but one."""
    m = Model(name="Small Co", language="en")
    m.add(
        Stage("becoming", "Becoming a customer"), Stage("being", "Being a customer"),
        Phase("orientation", "becoming", "Orientation"), Phase("buying", "becoming", "Buying"),
        Phase("using", "being", "Using"),
        ContactReason("compare-offers", "orientation", "I compare offers", owner="Marketing"),
        ContactReason("place-order", "buying", "I place an order"),
        ContactReason("pay-bill", "using", "I receive and pay my bill", owner="Finance"),
        ContactReason("change-details", "using", "I change my details"),
        ContactReason("report-fault", "using", "I report a fault"),
        Channel("phone", "Phone", False), Channel("web", "Website", True), Channel("app", "App", True),
        Segment("families", "Families"), Segment("seniors", "Seniors"),
        Process("billing", "Billing run", owner="Finance", reasons=("pay-bill",)),
        System("crm", "CRM", reasons=("change-details", "place-order")),
        Journey("i-move-house", "I move house", segment="families"),
        Journey("i-join", "I become a customer", segment="seniors"),
        Episode("move-prepare", "i-move-house", "I prepare"), Episode("move-settle", "i-move-house", "I settle in"),
        Step("move-1", "i-move-house", "Checks coverage", episode="move-prepare", channel="web",
             emotion=0, target_emotion=1, reason="compare-offers"),
        Step("move-2", "i-move-house", "Changes address", episode="move-prepare", channel="app",
             emotion=-1, target_emotion=1, moment_of_truth=True, reason="change-details"),
        Step("move-3", "i-move-house", "Gets first bill at new address", episode="move-settle", channel="phone",
             emotion=-2, target_emotion=1, satisfaction=2, reason="pay-bill"),
        Step("join-1", "i-join", "Compares prices", channel="web", reason="compare-offers"),
        Step("join-2", "i-join", "Orders online", channel="web", reason="place-order"),
        Step("join-3", "i-join", "Calls about the order", channel="phone"),
    )
    return m
