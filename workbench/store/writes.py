"""What changed between two sets of table rows, and writing just that in bulk.

A commit compares each table's rows of the base model with those of the new one (:func:`diff`), once per
table, so its cost grows with the size of the model and the number of rows that changed, never with
journeys × steps. The changes are then written with one ``executemany`` per table for inserts and for
updates, and deletes by lists of keys (:func:`write_changes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, tuple_, update

from workbench.store import schema as s
from workbench.store.rows import LINK_OWNER, Rows

#: Tables in the order rows must be inserted and updated (parents first); deletes go the other way.
ORDER = ("stages", "phases", "reasons", "channels", "segments", "processes", "processes:links", "systems",
         "systems:links", "journeys", "episodes", "steps", "layers", "layer_items", "insights", "opportunities",
         "solutions")
#: How many keys one ``DELETE … WHERE key IN (…)`` lists (SQLite allows 32,766 parameters per statement).
CHUNK = 500


@dataclass
class TableChange:
    """The rows of one table to insert, to update (their new content), and to delete (their old content)."""

    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    before: list[dict[str, Any]] = field(default_factory=list)  # old content of the changed rows
    removed: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def diff(old: Rows, new: Rows) -> TableChange:
    """The change from ``old`` to ``new`` rows of one table (both keyed the same way).

    >>> change = diff({"a": {"id": "a", "n": 1}, "b": {"id": "b", "n": 1}},
    ...               {"a": {"id": "a", "n": 2}, "c": {"id": "c", "n": 1}})
    >>> [r["id"] for r in change.added], [r["id"] for r in change.changed], [r["id"] for r in change.removed]
    (['c'], ['a'], ['b'])
    """
    change = TableChange()
    for key, row in new.items():
        was = old.get(key)
        if was is None:
            change.added.append(row)
        elif was != row:
            change.changed.append(row)
            change.before.append(was)
    change.removed = [row for key, row in old.items() if key not in new]
    return change


def diff_tables(old: dict[str, Rows], new: dict[str, Rows]) -> dict[str, TableChange]:
    """:func:`diff` of every table in :data:`ORDER`."""
    return {name: diff(old[name], new[name]) for name in ORDER}


def touched_journeys(changes: dict[str, TableChange]) -> list[str]:
    """The journeys whose own row, episodes or steps changed (a step that moved touches both), sorted.

    >>> step = {"id": "s", "journey": "a"}
    >>> touched_journeys({"journeys": TableChange(), "episodes": TableChange(),
    ...                   "steps": TableChange(changed=[{**step, "journey": "b"}], before=[step])})
    ['a', 'b']
    """
    out = {row["id"] for row in _all_rows(changes["journeys"])}
    out.update(row["journey"] for name in ("episodes", "steps") for row in _all_rows(changes[name]))
    return sorted(out)


def write_changes(conn: Connection, changes: dict[str, TableChange]) -> None:
    """Insert and update parents first, then delete children first, each table in bulk."""
    for name in ORDER:
        change, table = changes[name], table_of(name)
        if change.added:
            rows = [dict(r, revision=1) for r in change.added] if name == "journeys" else change.added
            conn.execute(insert(table), rows)
        if change.changed:
            keys = key_columns(name)
            where = [table.c[k] == bindparam(f"key_{k}") for k in keys]
            conn.execute(update(table).where(*where),
                         [{**{f"key_{k}": row[k] for k in keys}, **{c: v for c, v in row.items() if c not in keys}}
                          for row in change.changed])
    for name in reversed(ORDER):
        removed = changes[name].removed
        if not removed:
            continue
        table, keys = table_of(name), key_columns(name)
        column = table.c[keys[0]] if len(keys) == 1 else tuple_(*(table.c[k] for k in keys))
        values = [row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys) for row in removed]
        for chunk in chunks(values, CHUNK):
            conn.execute(delete(table).where(column.in_(chunk)))


def table_of(name: str) -> Table:
    """The table behind a row set's name: a collection (``"steps"``) or its links (``"systems:links"``)."""
    kind, _, links = name.partition(":")
    return s.LINK_TABLES[kind] if links else s.ENTITY_TABLES[kind]


def key_columns(name: str) -> tuple[str, ...]:
    """The primary key columns of a row set: ``("id",)``, or owner and reason for a link table."""
    kind, _, links = name.partition(":")
    return (LINK_OWNER[kind], "reason") if links else ("id",)


def chunks(items: list, size: int) -> Iterator[list]:
    """``items`` in consecutive lists of at most ``size``.

    >>> list(chunks([1, 2, 3, 4, 5], 2))
    [[1, 2], [3, 4], [5]]
    """
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _all_rows(change: TableChange) -> Iterable[dict[str, Any]]:
    return [*change.added, *change.changed, *change.before, *change.removed]
