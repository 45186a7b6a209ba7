"""The shared dashboard state: figures from the cube equal figures from the events, repeats are marked
before filters, and a merge of reasons reaches the figures."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from model_fixtures import small_model
from polars.testing import assert_frame_equal

from workbench.metrics import measure
from workbench.metrics.cube import Cube
from workbench.metrics.model_dims import dimensions
from workbench.sources.canonical import conform
from workbench.ui.state import WorkbenchState


def contacts(*rows) -> pl.LazyFrame:
    """(customer, day in January-February 2026, reason, channel, segment, nps)."""
    return conform(pl.DataFrame(
        [{"customer_id": c, "timestamp": datetime(2026, 1, 1, 12, tzinfo=UTC) + (d - 1) * (datetime(2026, 1, 2)
                                                                                     - datetime(2026, 1, 1)),
          "reason": r, "channel": ch, "segment": sg, "nps": n, "source_code": r, "cost": 1.0}
         for c, d, r, ch, sg, n in rows]))


EVENTS = contacts(
    ("c1", 30, "pay-bill", "phone", "families", 3),   # followed 2 days later by a chat contact: a repeat
    ("c1", 32, "pay-bill", "web", "families", 10),
    ("c2", 5, "pay-bill", "phone", "seniors", 9),
    ("c3", 40, "place-order", "app", "seniors", None),
)


@pytest.mark.parametrize("cube", [False, True])
def test_repeats_are_marked_before_the_filters(cube):
    model = small_model()
    kwargs = {"cube": Cube.build(EVENTS, dimensions(model))} if cube else {}
    state = WorkbenchState(model=model, events=EVENTS, **kwargs)
    state.channel = "phone"
    got = state.measure(["reason"], ["volume", "repeat_rate", "nps"])
    # by hand: phone contacts on pay-bill: c1 day 30 (repeated by the web contact on day 32) and c2 day 5
    assert got.row(0) == ("pay-bill", 2, 0.5, 0.0)  # NPS: one promoter (9), one detractor (3) → 0
    state.channel, state.period = "all", "2026-01"
    january = state.measure(["reason"], ["volume", "repeat_rate"])
    assert january.row(0) == ("pay-bill", 2, 0.5)  # the February contact still makes the January one a repeat


def test_cube_and_events_give_the_same_page():
    model = small_model()
    with_cube = WorkbenchState(model=model, events=EVENTS, cube=Cube.build(EVENTS, dimensions(model)))
    without = WorkbenchState(model=model, events=EVENTS)
    for segment in ("all", "families", "seniors"):
        with_cube.segment = without.segment = segment
        kpis = ["volume", "customers", "repeat_rate", "nps", "cost"]
        assert_frame_equal(with_cube.measure(["stage"], kpis), without.measure(["stage"], kpis))
    expected = measure(EVENTS, by=["stage"], kpis=["volume"], dims=dimensions(model))
    without.segment = "all"
    assert_frame_equal(without.measure(["stage"], ["volume"]), expected)


def test_a_merge_saved_from_the_dashboard_reaches_the_figures(tmp_path):
    from workbench.app import shared_data
    from workbench.demo import build_demo

    ws = build_demo(tmp_path / "ws", events=4_000, seed=4)
    events, cube = shared_data(ws)
    state = WorkbenchState(ws, events=events, cube=cube, can_edit=True, events_from_workspace=True)
    before = dict(state.measure(["reason"], ["volume"]).iter_rows())
    new = state.model.copy()
    new.merge_reasons("question-bill", "receive-bill")
    assert state.save(new, what="merge")
    after = dict(state.measure(["reason"], ["volume"]).iter_rows())
    assert "question-bill" not in after
    assert after["receive-bill"] == before["receive-bill"] + before["question-bill"]
    # a new session (new model revision) gets data crosswalked the new way too
    events2, _cube2 = shared_data(ws)
    fresh = WorkbenchState(ws, events=events2, cube=_cube2)
    assert dict(fresh.measure(["reason"], ["volume"]).iter_rows())["receive-bill"] == after["receive-bill"]
    ws.close()
