"""The cheap revision read that live sessions poll: it moves with every commit and equals the saved model's."""

from __future__ import annotations

from dataclasses import replace

from model_fixtures import small_model

from workbench.journey_edits import add_step, new_journey
from workbench.store import Store
from workbench.store.store import revision_of


def test_every_kind_of_commit_moves_the_revision(tmp_path):
    store = Store.create(f"sqlite:///{tmp_path / 'w.db'}", small_model())
    base = store.load()
    seen = [store.revision()]
    assert seen[0] == revision_of(base) == (1, (("i-join", 1), ("i-move-house", 1)))

    def commit(change) -> None:
        nonlocal base
        new = base.copy()
        change(new)
        base = store.commit(new, base=base)
        now = store.revision()
        assert now == revision_of(base) == revision_of(store.load()) and now != seen[-1]
        seen.append(now)

    commit(lambda m: m.reasons.update({"pay-bill": replace(m.reasons["pay-bill"], label="I pay")}))  # framework
    assert seen[-1][0] == 2
    commit(lambda m: add_step(m, "i-join", "Waits"))                                                 # one journey
    assert dict(seen[-1][1])["i-join"] == 2 and dict(seen[-1][1])["i-move-house"] == 1
    made = []
    commit(lambda m: made.append(new_journey(m, "I leave")))                                         # a new journey
    assert dict(seen[-1][1])[made[0]] == 1

    def drop(m) -> None:
        del m.journeys[made[0]]
        m.episodes = {k: e for k, e in m.episodes.items() if e.journey != made[0]}

    commit(drop)                                                                                     # a deleted one
    assert made[0] not in dict(seen[-1][1])
    store.close()
