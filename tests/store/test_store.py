"""The store on real SQLite and PostgreSQL: round trips, transactions, revisions and conflicts."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import text

from workbench.model import ContactReason, Journey, ModelError, Step
from workbench.store import ConflictError, Store, StoreError, StoreVersionError


def _entities(model):
    return {kind: list(getattr(model, kind).items()) for kind in
            ("stages", "phases", "reasons", "channels", "segments", "processes", "systems", "episodes")} | {
        "steps": list(model.steps.items()),
        "journeys": [(k, replace(v, revision=0)) for k, v in model.journeys.items()]}


def test_round_trip_keeps_every_entity_and_order(store_url, model):
    model.rename("reasons", "pay-bill", "Ik ontvang en betaal mijn rekening — 💶 «snel»")
    model.move_reason("report-fault", "using", before="pay-bill")
    store = Store.create(store_url, model)
    loaded = store.load()
    assert _entities(loaded) == _entities(model)
    assert list(loaded.reasons) == ["compare-offers", "place-order", "report-fault", "pay-bill", "change-details"]
    assert loaded.reasons["pay-bill"].label == "Ik ontvang en betaal mijn rekening — 💶 «snel»"
    assert loaded.name == "Small Co" and loaded.revision == 1
    assert {j.revision for j in loaded.journeys.values()} == {1}
    store.close()


def test_revisions_move_only_with_what_changed(store_url, model):
    store = Store.create(store_url, model)
    base = store.load()
    linked = base.copy()
    linked.link("join-3", "place-order")
    after = store.commit(linked, base=base)
    assert after.revision == base.revision  # framework untouched
    assert after.journeys["i-join"].revision == 2 and after.journeys["i-move-house"].revision == 1
    renamed = after.copy()
    renamed.rename("reasons", "place-order", "I order a product")
    after2 = store.commit(renamed, base=after)
    assert after2.revision == base.revision + 1
    assert after2.journeys["i-join"].revision == 2
    fresh = store.load()
    assert fresh.revision == after2.revision and fresh.steps["join-3"].reason == "place-order"
    assert fresh.journeys["i-join"].revision == 2
    assert store.commit(fresh.copy(), base=fresh) == fresh.copy()  # nothing changed: nothing written
    store.close()


def test_second_editor_gets_a_conflict_and_nothing_is_lost(store_url, model):
    Store.create(store_url, model).close()
    alice, bob = Store.open(store_url), Store.open(store_url)  # two editors, separate connections
    a, b = alice.load(), bob.load()
    a2 = a.copy()
    a2.link("join-3", "place-order")
    alice.commit(a2, base=a)
    b2 = b.copy()
    b2.link("join-3", "report-fault")
    b2.rename("journeys", "i-join", "I join (edited by Bob)")
    with pytest.raises(ConflictError, match=r"journey 'i-join' was changed by someone else .*revision 1.*revision 2"):
        bob.commit(b2, base=b)
    now = bob.load()
    assert now.steps["join-3"].reason == "place-order"  # Alice's edit kept
    assert now.journeys["i-join"].label == "I become a customer"  # none of Bob's edit half-written
    # after reloading, Bob's edit goes through
    b3 = now.copy()
    b3.link("join-3", "report-fault")
    bob.commit(b3, base=now)
    assert alice.load().steps["join-3"].reason == "report-fault"
    # editors of different journeys do not block each other
    a, b = alice.load(), bob.load()
    a2, b2 = a.copy(), b.copy()
    a2.link("move-1", "place-order")
    b2.link("join-1", "place-order")
    alice.commit(a2, base=a)
    bob.commit(b2, base=b)
    final = alice.load()
    assert final.steps["move-1"].reason == final.steps["join-1"].reason == "place-order"
    alice.close()
    bob.close()


def test_framework_edits_conflict_on_the_model_revision(store_url, model):
    Store.create(store_url, model).close()
    alice, bob = Store.open(store_url), Store.open(store_url)
    a, b = alice.load(), bob.load()
    a2, b2 = a.copy(), b.copy()
    a2.rename("reasons", "pay-bill", "I pay my bill")
    b2.add(ContactReason("cancel", "using", "I cancel my contract"))
    alice.commit(a2, base=a)
    with pytest.raises(ConflictError, match="the life cycle model was changed by someone else"):
        bob.commit(b2, base=b)
    assert "cancel" not in alice.load().reasons
    alice.close()
    bob.close()


def test_simultaneous_commits_let_exactly_one_win(store_url, model):
    Store.create(store_url, model).close()
    editors = [Store.open(store_url) for _ in range(4)]
    bases = [e.load() for e in editors]
    barrier, outcomes = threading.Barrier(len(editors)), []

    def edit(i):
        new = bases[i].copy()
        new.rename("journeys", "i-join", f"edited by {i}")
        barrier.wait()
        try:
            editors[i].commit(new, base=bases[i])
            outcomes.append(("ok", i))
        except ConflictError:
            outcomes.append(("conflict", i))

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(len(editors))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [i for kind, i in outcomes if kind == "ok"]
    assert len(winners) == 1 and len(outcomes) == 4
    final = editors[0].load()
    assert final.journeys["i-join"].label == f"edited by {winners[0]}"
    assert final.journeys["i-join"].revision == 2
    for e in editors:
        e.close()


def test_link_to_a_reason_deleted_meanwhile_is_a_conflict(store_url, model):
    Store.create(store_url, model).close()
    alice, bob = Store.open(store_url), Store.open(store_url)
    a, b = alice.load(), bob.load()
    a2 = a.copy()
    a2.delete_reason("report-fault")
    alice.commit(a2, base=a)
    b2 = b.copy()
    b2.link("join-3", "report-fault")
    with pytest.raises(ConflictError, match="Nothing was written"):
        bob.commit(b2, base=b)
    assert bob.load().steps["join-3"].reason is None
    alice.close()
    bob.close()


def test_merge_and_delete_with_relink_are_stored(store_url, model):
    store = Store.create(store_url, model)
    base = store.load()
    new = base.copy()
    new.merge_reasons("place-order", "change-details")
    new.delete_reason("pay-bill", relink_to="change-details")
    saved = store.commit(new, base=base)
    loaded = store.load()
    assert "place-order" not in loaded.reasons and "pay-bill" not in loaded.reasons
    assert loaded.steps["join-2"].reason == loaded.steps["move-3"].reason == "change-details"
    assert loaded.systems["crm"].reasons == ("change-details",)
    assert loaded.processes["billing"].reasons == ("change-details",)
    assert saved.revision == loaded.revision
    store.close()


def test_unsound_model_is_refused_and_nothing_written(store_url, model):
    store = Store.create(store_url, model)
    base = store.load()
    bad = base.copy()
    bad.steps["move-1"] = replace(bad.steps["move-1"], emotion=5)
    bad.journeys["ghost"] = Journey("ghost", "I haunt")
    bad.steps["ghost-1"] = Step("ghost-1", "ghost", "Boo", reason="nope")
    with pytest.raises(ModelError, match=r"emotion 5 is outside -2..\+2(.|\n)*unknown reason 'nope'"):
        store.commit(bad, base=base)
    assert _entities(store.load()) == _entities(base)
    store.close()


def test_adding_and_deleting_journeys(store_url, model):
    store = Store.create(store_url, model)
    base = store.load()
    new = base.copy()
    for s in new.steps_of("i-join"):
        del new.steps[s.id]
    del new.journeys["i-join"]
    new.add(Journey("i-leave", "I leave"), Step("leave-1", "i-leave", "Cancels", reason="pay-bill"))
    saved = store.commit(new, base=base)
    loaded = store.load()
    assert list(loaded.journeys) == ["i-move-house", "i-leave"]
    assert [s.id for s in loaded.steps_of("i-leave")] == ["leave-1"]
    assert saved.journeys["i-leave"].revision == loaded.journeys["i-leave"].revision == 1
    store.close()


def test_create_refuses_an_existing_store(store_url, model):
    Store.create(store_url, model).close()
    with pytest.raises(StoreError, match="already holds a workbench store"):
        Store.create(store_url, model)


def test_unknown_schema_version_is_refused_clearly(store_url, model):
    store = Store.create(store_url, model)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE schema_info SET value = '99' WHERE key = 'schema_version'"))
    store.close()
    with pytest.raises(StoreVersionError, match="schema version 99; this workbench reads version 2"):
        Store.open(store_url)


def test_a_version_1_store_is_migrated_and_keeps_everything(store_url, model):
    """A workspace made by the first release opens: the new tables and segment columns are added, empty."""
    from workbench.model import Opportunity, Solution
    from workbench.store import schema as s

    store = Store.create(store_url, model)
    before = store.load()
    with store.engine.begin() as conn:  # turn it back into a version 1 store
        for table in ("solutions", "opportunities", "insights", "layer_items", "layers"):
            conn.execute(text(f"DROP TABLE {table}"))
        for column in s.SEGMENT_ATTRIBUTES:
            conn.execute(text(f"ALTER TABLE segments DROP COLUMN {column}"))
        conn.execute(text("UPDATE schema_info SET value = '1' WHERE key = 'schema_version'"))
    store.close()
    store = Store.open(store_url)
    after = store.load()
    assert after == before
    new = after.copy()
    new.add(Opportunity("clear-bill", "Clear first bill", reasons=("pay-bill",), effort=3),
            Solution("new-layout", "clear-bill", "New bill layout", go_live=date(2026, 7, 1),
                     expected=(("volume", -0.3),)))
    saved = store.commit(new, base=after)
    assert store.load().solutions["new-layout"].expected == (("volume", -0.3),)
    assert saved.revision == after.revision + 1
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM schema_info")).scalar_one() == "2"
    store.close()


def test_a_database_without_a_store_is_refused(store_url):
    with pytest.raises(StoreError, match="is not a Journey Workbench store"):
        Store.open(store_url)


def test_settings_round_trip(store_url, model):
    store = Store.create(store_url, model)
    assert store.get_setting("priority.weights", {"volume": 1}) == {"volume": 1}
    store.set_setting("priority.weights", {"volume": 2, "nps": 1.5})
    store.set_setting("priority.weights", {"volume": 3})
    assert store.get_setting("priority.weights") == {"volume": 3}
    store.close()


def test_settings_writes_based_on_an_old_revision_conflict(store_url, model):
    store = Store.create(store_url, model)
    value, revision = store.get_setting_revision("priority.weights", {})
    assert (value, revision) == ({}, 0)
    assert store.set_setting("priority.weights", {"volume": 2}, expected_revision=0) == 1
    with pytest.raises(ConflictError, match="changed by someone else"):
        store.set_setting("priority.weights", {"volume": 9}, expected_revision=0)  # an editor who loaded rev 0
    assert store.get_setting_revision("priority.weights") == ({"volume": 2}, 1)
    assert store.set_setting("priority.weights", {"volume": 3}, expected_revision=1) == 2
    store.close()
