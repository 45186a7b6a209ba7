"""The store's commit as it was before rows were built once per model (kept only as a benchmark baseline).

It rebuilt every journey's rows for every touched journey (journeys × steps), compared them, and wrote
updates and deletes one statement per row. Same transaction and revision checks as the store's own.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import insert, update

from workbench.model import FRAMEWORK, Model
from workbench.store import Store
from workbench.store import schema as s
from workbench.store.rows import LINK_OWNER, entity_rows, framework_rows, meta_row


def journey_rows(model: Model, journey: str) -> dict:
    own = {k: v for k, v in entity_rows(model, "journeys").get(journey, {}).items() if k != "revision"}
    return {
        "journeys": {journey: own} if own else {},
        "episodes": {k: v for k, v in entity_rows(model, "episodes").items() if v["journey"] == journey},
        "steps": {k: v for k, v in entity_rows(model, "steps").items() if v["journey"] == journey},
    }


def old_commit(store: Store, new: Model, *, base: Model) -> Model:
    """The old ``Store.commit`` (without ``also`` and without turning errors into messages)."""
    old_fw, new_fw = framework_rows(base), framework_rows(new)
    framework_changed = old_fw != new_fw or meta_row(base) != meta_row(new)
    touched = [j for j in dict.fromkeys([*base.journeys, *new.journeys])
               if journey_rows(base, j) != journey_rows(new, j)]
    with store.engine.begin() as conn:
        if framework_changed:
            store._bump(conn, s.workspace, 1, base.revision, "the life cycle model")
            conn.execute(update(s.workspace).where(s.workspace.c.id == 1).values(**meta_row(new)))
        for j in touched:
            if j in base.journeys:
                store._bump(conn, s.journeys, j, base.journeys[j].revision, f"journey '{j}'")
        old_rows = {**old_fw, **_journey_tables(base, touched)}
        new_rows = {**new_fw, **_journey_tables(new, touched)}
        order = [*FRAMEWORK[:5], "processes", "processes:links", "systems", "systems:links",
                 "journeys", "episodes", "steps"]
        for name in order:
            _write(conn, name, old_rows[name], new_rows[name])
        for name in reversed(order):
            _delete(conn, name, old_rows[name], new_rows[name])
    out = new.copy()
    out.revision = base.revision + 1 if framework_changed else base.revision
    for j in touched:
        if j in out.journeys:
            before = base.journeys[j].revision if j in base.journeys else 0
            out.journeys[j] = replace(out.journeys[j], revision=before + 1)
    return out


def _journey_tables(model: Model, journeys: list[str]) -> dict:
    out: dict = {"journeys": {}, "episodes": {}, "steps": {}}
    for j in journeys:
        for name, rows in journey_rows(model, j).items():
            out[name].update(rows)
    return out


def _table(name: str):
    kind, _, links = name.partition(":")
    return s.LINK_TABLES[kind] if links else s.ENTITY_TABLES[kind]


def _key_clause(name: str, table, key):
    kind, _, links = name.partition(":")
    if links:
        return (table.c[LINK_OWNER[kind]] == key[0]) & (table.c.reason == key[1])
    return table.c.id == key


def _write(conn, name: str, old: dict, new: dict) -> None:
    table = _table(name)
    added = [dict(row, revision=1) if name == "journeys" else row for key, row in new.items() if key not in old]
    if added:
        conn.execute(insert(table), added)
    for key, row in new.items():
        if key in old and old[key] != row:
            conn.execute(update(table).where(_key_clause(name, table, key)).values(**row))


def _delete(conn, name: str, old: dict, new: dict) -> None:
    table = _table(name)
    for key in old:
        if key not in new:
            conn.execute(table.delete().where(_key_clause(name, table, key)))
