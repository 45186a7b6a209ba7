"""Commits of many steps at once: bulk inserts, updates and deletes, and revision checks of many journeys."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workbench.model import Episode, Journey, Step
from workbench.store import ConflictError, Store
from workbench.store.writes import CHUNK

STEPS = CHUNK + 150  # more than one DELETE … IN (…) chunk per journey


def _with_long_journeys(model, journeys=("a", "b", "c"), steps=STEPS):
    for j in journeys:
        model.add(Journey(f"long-{j}", f"I do {j}"), Episode(f"long-{j}-ep", f"long-{j}", "I start"))
        model.add(*(Step(f"long-{j}-{n}", f"long-{j}", f"Step {n}", episode=f"long-{j}-ep", channel="web",
                         emotion=n % 5 - 2, reason=("pay-bill", "place-order", None)[n % 3])
                    for n in range(steps)))
    return model


def _steps(model):
    return {k: replace(v) for k, v in model.steps.items()}


def test_many_new_steps_are_stored_in_order(store_url, model):
    store = Store.create(store_url, model)
    base = store.load()
    new = _with_long_journeys(base.copy())
    saved = store.commit(new, base=base)
    loaded = store.load()
    assert loaded.steps == new.steps
    assert [s.id for s in loaded.steps_of("long-b")] == [f"long-b-{n}" for n in range(STEPS)]
    assert {j: loaded.journeys[j].revision for j in loaded.journeys} == {
        "i-move-house": 1, "i-join": 1, "long-a": 1, "long-b": 1, "long-c": 1}
    assert saved.journeys == loaded.journeys and saved.revision == loaded.revision == base.revision
    store.close()


def test_bulk_edit_and_delete_touch_only_what_changed(store_url, model):
    store = Store.create(store_url, _with_long_journeys(model))
    base = store.load()
    new = base.copy()
    for n in range(0, STEPS, 2):  # every other step of long-a relabelled
        new.steps[f"long-a-{n}"] = replace(new.steps[f"long-a-{n}"], label=f"Step {n} (edited)")
    for s in new.steps_of("long-b"):  # long-b loses all its steps and its episode, then itself
        del new.steps[s.id]
    del new.episodes["long-b-ep"], new.journeys["long-b"]
    for n in range(STEPS - 10, STEPS):  # the last ten steps of long-c go
        del new.steps[f"long-c-{n}"]
    saved = store.commit(new, base=base)
    loaded = store.load()
    assert loaded.steps == new.steps and loaded.episodes == new.episodes
    assert loaded.steps["long-a-4"].label == "Step 4 (edited)" and loaded.steps["long-a-5"].label == "Step 5"
    assert "long-b" not in loaded.journeys and len(loaded.steps_of("long-c")) == STEPS - 10
    # long-c's row moved up one place (long-b went), so it counts as touched, as before
    assert {j: j_.revision for j, j_ in loaded.journeys.items()} == {
        "i-move-house": 1, "i-join": 1, "long-a": 2, "long-c": 2}
    assert saved.journeys == loaded.journeys
    assert store.counts()["steps"] == 6 + 2 * STEPS - 10
    store.close()


def test_a_step_moved_to_another_journey_touches_both(store_url, model):
    store = Store.create(store_url, model)
    base = store.load()
    new = base.copy()
    new.steps["join-3"] = replace(new.steps["join-3"], journey="i-move-house")
    saved = store.commit(new, base=base)
    assert saved.journeys["i-join"].revision == saved.journeys["i-move-house"].revision == 2
    assert [s.id for s in store.load().steps_of("i-move-house")] == ["move-1", "move-2", "move-3", "join-3"]
    store.close()


def test_one_stale_journey_among_many_refuses_the_whole_commit(store_url, model):
    Store.create(store_url, _with_long_journeys(model)).close()
    alice, bob = Store.open(store_url), Store.open(store_url)
    a, b = alice.load(), bob.load()
    b2 = b.copy()
    b2.rename("journeys", "long-c", "Bob renamed it")  # long-c moves to revision 2
    bob.commit(b2, base=b)
    a2 = a.copy()
    for j in ("i-join", "long-a", "long-b", "long-c"):
        a2.steps[f"{j}-x"] = Step(f"{j}-x", j, "Added by Alice")
    with pytest.raises(ConflictError, match=r"^journey 'long-c' was changed by someone else since you loaded it "
                                            r"\(you edited revision 1, it is now at revision 2\)"):
        alice.commit(a2, base=a)
    now = alice.load()
    assert not [s for s in now.steps if s.endswith("-x")]  # none of Alice's four journeys half-written
    assert {j.revision for k, j in now.journeys.items() if k != "long-c"} == {1}
    assert now.journeys["long-c"].label == "Bob renamed it"
    alice.close()
    bob.close()


def test_a_journey_deleted_meanwhile_is_a_conflict(store_url, model):
    Store.create(store_url, model).close()
    alice, bob = Store.open(store_url), Store.open(store_url)
    a, b = alice.load(), bob.load()
    b2 = b.copy()
    for s in b2.steps_of("i-join"):
        del b2.steps[s.id]
    del b2.journeys["i-join"]
    bob.commit(b2, base=b)
    a2 = a.copy()
    a2.link("join-3", "report-fault")
    with pytest.raises(ConflictError, match=r"journey 'i-join' was changed .*revision 1, it was deleted\)"):
        alice.commit(a2, base=a)
    alice.close()
    bob.close()


def test_reordered_links_and_removed_links_are_stored(store_url, model):
    store = Store.create(store_url, model)
    base = store.load()
    new = base.copy()
    new.systems["crm"] = replace(new.systems["crm"], reasons=("place-order", "pay-bill"))  # reorder, drop, add
    new.processes["billing"] = replace(new.processes["billing"], reasons=())
    saved = store.commit(new, base=base)
    loaded = store.load()
    assert loaded.systems["crm"].reasons == ("place-order", "pay-bill")
    assert loaded.processes["billing"].reasons == ()
    assert saved.revision == loaded.revision == base.revision + 1
    store.close()
