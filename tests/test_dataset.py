"""The Dataset: the cube and the events give the same figures, repeats are marked before filters, a merge
reaches the figures, and every session of a process shares one computation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from model_fixtures import small_model
from polars.testing import assert_frame_equal

from workbench.cache import FigureCache
from workbench.dataset import NO_FILTERS, Dataset, Filters
from workbench.metrics import measure
from workbench.metrics.model_dims import dimensions
from workbench.sources.canonical import conform


def contacts(*rows) -> pl.LazyFrame:
    """(customer, day counted from 1 January 2026, reason, channel, segment, nps)."""
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    return conform(pl.DataFrame(
        [{"customer_id": c, "timestamp": start + timedelta(days=d - 1), "reason": r, "channel": ch, "segment": sg,
          "nps": n, "source_code": r, "cost": 1.0} for c, d, r, ch, sg, n in rows]))


EVENTS = contacts(
    ("c1", 30, "pay-bill", "phone", "families", 3),   # followed 2 days later by a web contact: a repeat
    ("c1", 32, "pay-bill", "web", "families", 10),
    ("c2", 5, "pay-bill", "phone", "seniors", 9),
    ("c3", 40, "place-order", "app", "seniors", None),
)


def test_repeats_are_marked_before_the_filters():
    data = Dataset.from_frames(small_model(), EVENTS)
    got = data.measure(["reason"], ["volume", "repeat_rate", "nps"], Filters(channel="phone"))
    # by hand: phone contacts on pay-bill: c1 day 30 (repeated by the web contact on day 32) and c2 day 5
    assert got.row(0) == ("pay-bill", 2, 0.5, 0.0)  # NPS: one promoter (9), one detractor (3) → 0
    january = data.measure(["reason"], ["volume", "repeat_rate"], Filters(period="2026-01"))
    assert january.row(0) == ("pay-bill", 2, 0.5)  # the February contact still makes the January one a repeat


@pytest.mark.parametrize("segment", [None, "families", "seniors"])
def test_the_cube_and_the_events_give_the_same_figures(segment):
    data = Dataset.from_frames(small_model(), EVENTS)
    kpis = ("volume", "repeat_rate", "nps", "cost", "digital_share", "customers")
    filters = Filters(segment=segment)
    from_cube = data._measure(["stage"], kpis, filters, None, [])
    from_events = data._from_events(["stage"], kpis, filters, None, [])
    assert_frame_equal(from_cube, from_events)
    assert data.cube().supports(["stage"], list(kpis), None, {"segment": [segment]})
    expected = measure(EVENTS, by=["stage"], kpis=["volume"], dims=dimensions(small_model()),
                       filters={"segment": [segment]} if segment else None)
    assert_frame_equal(data.measure(["stage"], ["volume"], filters), expected)


def test_distinct_customers_come_from_the_cube_never_from_the_events(monkeypatch):
    data = Dataset.from_frames(small_model(), EVENTS)
    monkeypatch.setattr(Dataset, "_from_events", lambda *a, **k: pytest.fail("customers read from the events"))
    got = data.measure(["reason"], ["volume", "customers"])
    assert got.rows() == [("pay-bill", 3, 2), ("place-order", 1, 1)]
    assert data.measure([], ["customers"]).item() == 3
    # phone: c1 (families) and c2 (seniors) sit in two cells; c1 on two channels counts once in the total
    assert data.measure(["channel"], ["customers"]).rows() == [("app", 1), ("phone", 2), ("web", 1)]


def test_sketched_customers_of_the_cube_are_within_two_percent_of_the_events(tmp_path):
    from workbench.metrics.cube import Cube
    from workbench.sample import generate
    from workbench.sources.crosswalk import Crosswalk
    from workbench.templates import load_template

    model = load_template("telecom")
    result = generate(model, tmp_path, events=30_000, seed=4, progress=False)
    events = Crosswalk(result.crosswalk).apply(pl.scan_parquet(tmp_path, hive_partitioning=True).drop("month"))
    data = Dataset.from_frames(model, events.collect())
    dims = data.dims  # current journeys only, as the Dataset's own figures
    sketched = Cube.build(data.events(), dims, exact_pairs=0)
    for by in (["stage"], ["journey"], ["segment"]):
        exact = data._from_events(by, ["customers"], NO_FILTERS, None, [])
        got = sketched.measure(by=by, kpis=["customers"], dims=dims)
        assert got[by[0]].to_list() == exact[by[0]].to_list()
        assert ((got["customers"] - exact["customers"]).abs() <= 0.02 * exact["customers"]).all()


def test_two_sessions_share_one_computation():
    cache = FigureCache()
    first = Dataset.from_frames(small_model(), EVENTS, cache=cache)
    second = first.with_model(first.model.copy())   # another session, the same data and model content
    a = first.measure(["phase"], ["volume"])
    calls = cache.calls
    b = second.measure(["phase"], ["volume"])
    assert b is a and cache.calls == calls           # the second session computed nothing
    changed = first.model.copy()
    changed.link("join-3", "pay-bill")               # the links changed: journey figures are new ...
    third = first.with_model(changed)
    third.measure(["journey"], ["volume"])
    assert cache.calls > calls
    assert third.measure(["phase"], ["volume"]) is a  # ... but phase figures did not depend on links


def test_two_threads_asking_at_once_compute_once():
    import threading
    import time

    cache = FigureCache()
    counted = []

    def slow():
        counted.append(1)
        time.sleep(0.2)
        return 42

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_compute("k", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 8 and len(counted) == 1


def test_a_merge_saved_from_a_session_reaches_the_figures(tmp_path):
    from workbench.demo import build_demo
    from workbench.ui.session import Session

    ws = build_demo(tmp_path / "ws", events=4_000, seed=4)
    session = Session.of_workspace(ws, can_edit=True)
    before = dict(session.data.measure(["reason"], ["volume"]).iter_rows())
    new = session.model.copy()
    new.merge_reasons("question-bill", "receive-bill")
    assert session.save(new, what="merge")
    after = dict(session.data.measure(["reason"], ["volume"]).iter_rows())
    assert "question-bill" not in after
    assert after["receive-bill"] == before["receive-bill"] + before["question-bill"]
    fresh = ws.dataset()  # a new session gets data crosswalked the new way too
    assert dict(fresh.measure(["reason"], ["volume"]).iter_rows())["receive-bill"] == after["receive-bill"]
    ws.close()


def test_the_cube_is_kept_on_disk_and_a_second_process_reuses_it(tmp_path):
    from workbench.demo import build_demo

    ws = build_demo(tmp_path / "ws", events=3_000, seed=2)
    cells = Dataset.of_workspace(ws, cache=FigureCache()).cube().cells
    files = sorted(p.name for p in (ws.cache_dir).glob("cube-*.parquet"))
    assert len(files) == 1
    again = Dataset.of_workspace(ws, cache=FigureCache())  # a new process: an empty memory cache
    assert_frame_equal(again.cube().cells, cells)
    assert_frame_equal(again.cube().customers, Dataset.of_workspace(ws, cache=FigureCache()).cube().customers)
    assert again._disk.hits == 2 and again._disk.misses == 0   # the cells and the customers
    ws.close()


def test_an_unwritable_cache_folder_serves_from_memory_and_says_so(tmp_path):
    from workbench.demo import build_demo

    ws = build_demo(tmp_path / "ws", events=2_000, seed=3)
    ws.cache_dir.parent.mkdir(exist_ok=True)
    (ws.path / "cache").write_text("a file where the cache folder should be")
    data = Dataset.of_workspace(ws, cache=FigureCache())
    with pytest.warns(UserWarning, match="kept in memory only"):
        total = data.measure([], ["volume"])["volume"][0]
    assert total > 0 and "cache could not be written" in data.cache_problem
    ws.close()


def test_a_future_journey_is_never_credited_with_todays_contacts():
    from workbench.model import Journey, Step

    model = small_model()
    model.add(Journey("i-move-house-future", "I move house", state="future", counterpart="i-move-house"),
              Step("fut-1", "i-move-house-future", "Moves in the app", reason="pay-bill"))
    by_journey = Dataset.from_frames(model, EVENTS).measure(["journey"], ["volume"])
    assert "i-move-house-future" not in by_journey["journey"].to_list()
    assert dict(by_journey.iter_rows())["i-move-house"] == 3  # pay-bill's three contacts, once


def test_the_agenda_values_opportunities_from_their_reasons_steps_and_journeys():
    from workbench.model import Opportunity

    model = small_model().add(
        Opportunity("bills", "Clearer bills", reasons=("pay-bill",), effort=2),
        Opportunity("joining", "Easier joining", journeys=("i-join",)),          # compare-offers, place-order
        Opportunity("gone", "Old idea", reasons=("pay-bill",), status="Dismissed"))
    data = Dataset.from_frames(model, EVENTS)
    assert data.opportunity_reasons("joining") == ("compare-offers", "place-order")
    agenda = data.agenda()
    assert agenda["id"].to_list() == ["bills", "joining"]                       # dismissed: left out
    bills = agenda.row(0, named=True)
    # pay-bill: 3 contacts, one repeat (c1's first) at €1 → €1 avoidable; customers c1, c2
    assert (bills["volume"], bills["avoidable_cost"], bills["customers"]) == (3, 1.0, 2)
    assert bills["status"] == "Open" and bills["effort"] == 2.0
