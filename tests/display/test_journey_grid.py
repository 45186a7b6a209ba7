"""The journey map grid on a small hand-made journey: which lanes it has and what each cell says."""

from __future__ import annotations

import re

import polars as pl
import pytest

from workbench.display.formats import DIVERGING
from workbench.display.journey_grid import _segments, grid_html, grid_kpis, journey_grid
from workbench.model import (
    Channel,
    ContactReason,
    Episode,
    Insight,
    Journey,
    Model,
    Opportunity,
    Phase,
    Process,
    Stage,
    Step,
    System,
)

EVIL = "<img src=x onerror=alert(1)>"


def moving() -> Model:
    """Three steps in two episodes: a phone call (a moment of truth), an app step, an unlinked step."""
    return Model().add(
        Stage("st", "Being"), Phase("ph", "st", "Using"),
        ContactReason("r-move", "ph", "I move", owner="Ops"), ContactReason("r-pay", "ph", "I pay"),
        Channel("phone", "Phone"), Channel("app", "App", True),
        Process("billing", "Billing", reasons=("r-pay",)), System("crm", "CRM", reasons=("r-move", "r-pay")),
        Journey("j", "I move house"), Journey("other", "I join"),
        Episode("e1", "j", "I plan"), Episode("e2", "j", "I settle"),
        Step("s1", "j", "Calls the desk", episode="e1", channel="phone", touchpoint="Desk", need="one call",
             emotion=-1, target_emotion=1, moment_of_truth=True, reason="r-move"),
        Step("s2", "j", "Opens the app", episode="e1", channel="app", emotion=0, reason="r-pay"),
        Step("s3", "j", EVIL, episode="e2"),
        Step("o1", "other", "Signs up", channel="app"),
        Insight("i1", "pain", "Long wait", steps=("s1",)), Insight("i2", "quote", "I hate bills", reasons=("r-pay",)),
        Insight("i3", "pain", "Elsewhere", journeys=("other",), steps=("o1",)),
        Opportunity("op1", "Bill in the app", reasons=("r-pay",)),
        Opportunity("op2", "Move online", journeys=("j",)),
    )


MEASURED = pl.DataFrame({"reason": ["r-move", "r-pay"], "nps": [20.0, -50.0], "nps_responses": [10, 4]})


def test_every_lane_with_its_cells_by_hand():
    grid = journey_grid(moving(), "j", MEASURED, "nps")
    assert list(grid.lanes) == ["channel", "action", "need", "emotion", "pains", "insights", "reason", "kpi",
                                "backstage", "opportunities", "owner"]
    assert grid.episodes == [("I plan", 2), ("I settle", 1)]
    assert [c.order for c in grid.steps] == [1, 2, 3]
    assert [c.moment_of_truth for c in grid.steps] == [True, False, False]
    assert grid.lane_text("channel") == ["Phone | Desk", "App", ""]
    assert grid.lane_text("action") == ["Calls the desk", "Opens the app", EVIL]
    assert grid.lane_text("need") == ["one call", "", ""]
    assert grid.lane_text("emotion") == ["experienced -1 | target +1", "experienced 0", ""]
    assert grid.lane_text("pains") == ["Long wait", "", ""]           # "Elsewhere" is about another journey
    assert grid.lane_text("insights") == ["", "quote: I hate bills", ""]  # linked through the step's reason
    assert grid.lane_text("reason") == ["I move", "I pay", ""]
    assert grid.lane_text("kpi") == ["+20 | n = 10", "-50 | n = 4", ""]
    kpi = grid.lanes["kpi"]
    assert [(c.value, c.n) for c in kpi] == [(20.0, 10), (-50.0, 4), (None, None)]
    assert [c.colour for c in kpi] == [DIVERGING[-1], DIVERGING[0], None]  # the better NPS at the good end
    assert grid.lane_text("backstage") == ["system: CRM", "process: Billing | system: CRM", ""]
    assert grid.lane_text("opportunities") == ["", "Bill in the app", ""]
    assert grid.whole_journey == {"opportunities": ("Move online",)}
    assert grid.lane_text("owner") == ["Ops", "", ""]


def test_lanes_without_content_are_left_out():
    grid = journey_grid(moving(), "other")
    # no need, no reason (so no KPI strip), no backstage, no owner; its pain point is on its step
    assert list(grid.lanes) == ["channel", "action", "emotion", "pains"]
    assert grid.episodes == [("(no episode)", 1)]
    bare = Model().add(Journey("b", "I wait"), Step("x", "b", "Waits"))
    assert list(journey_grid(bare, "b").lanes) == ["action", "emotion"]
    with pytest.raises(ValueError, match="unknown journey 'nope'"):
        journey_grid(bare, "nope")


def test_the_n_of_a_count_kpi_is_the_value_itself():
    measured = pl.DataFrame({"reason": ["r-move", "r-pay"], "volume": [7, 3]})
    grid = journey_grid(moving(), "j", measured, "volume")
    assert grid_kpis("volume") == ["volume"] and grid_kpis("csat") == ["csat", "csat_responses"]
    assert grid.lane_text("kpi") == ["7", "3", ""]
    assert [c.n for c in grid.lanes["kpi"]] == [7, 3, None]


def test_the_emotion_curve_joins_neighbours_half_way():
    # y in % of the cell: +2 → 9, +1 → 24, 0 → 40, -1 → 56, -2 → 72
    assert _segments([-1, 0, None], 0) == [(50.0, 56, 100.0, 48.0)]
    assert _segments([-1, 0, None], 1) == [(0.0, 48.0, 50.0, 40)]
    assert _segments([-1, 0, None], 2) == []
    assert _segments([2, None, -2], 0) == []                         # a missing value breaks the curve


def test_html_groups_steps_under_episodes_and_escapes_every_label():
    page = grid_html(journey_grid(moving(), "j", MEASURED, "nps"))
    assert "grid-column:span 2'><span class='jg-text'>I plan" in page
    assert "grid-column:span 1'><span class='jg-text'>I settle" in page
    assert EVIL not in page and html_escaped(EVIL) in page
    assert page.count("<span class='jg-mot jg-text'>★ moment of truth") == 1  # one step is a moment of truth
    assert "NPS of the reason" in page and "Move online" in page
    # the experienced curve on step 1 goes from its point (y 56 %) half way to step 2's (y 48 %)
    assert "x1='50.0%' y1='56%' x2='100.0%' y2='48.0%' stroke='#d6604d'" in page
    assert len(re.findall(r"data-lane='kpi'", page)) == 3


def html_escaped(text: str) -> str:
    import html

    return html.escape(text)


def test_a_future_design_is_not_credited_with_todays_contacts():
    model = moving().add(Journey("j", "I move house", state="future"))
    page = grid_html(journey_grid(model, "j", MEASURED, "nps"))
    assert "NPS of the reason today" in page and "not contacts of the design" in page
    assert "today" not in grid_html(journey_grid(moving(), "j", MEASURED, "nps")).split("jg-legend")[0]
