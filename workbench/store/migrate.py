"""Bringing a store written by an earlier workbench up to this schema version, in one transaction.

Version 1 → 2: the improvement agenda and custom layers (tables ``layers``, ``layer_items``, ``insights``,
``opportunities``, ``solutions``) and the life-stage attributes of segments (new columns, empty).
Nothing existing is changed or lost; a failure leaves the store at version 1.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, Float, inspect, text, update

from workbench.store import schema as s

#: column type → SQL default for the columns added to an existing table
_DEFAULTS = {"favourite_channels": "'[]'", "extra": "'[]'"}


def migrate(engine: Engine, version: str) -> str:
    """Migrate the store behind ``engine`` from ``version`` to :data:`schema.SCHEMA_VERSION`; the new version."""
    if version == "1":
        with engine.begin() as conn:
            _one_to_two(conn)
        version = "2"
    return version


def _one_to_two(conn: Connection) -> None:
    s.metadata.create_all(conn, tables=[s.layers, s.layer_items, s.insights, s.opportunities, s.solutions])
    present = {c["name"] for c in inspect(conn).get_columns("segments")}
    for name in s.SEGMENT_ATTRIBUTES:
        if name in present:
            continue
        column = s.segments.c[name]
        if isinstance(column.type, Float):
            ddl = f"ALTER TABLE segments ADD COLUMN {name} FLOAT"
        else:
            ddl = f"ALTER TABLE segments ADD COLUMN {name} TEXT NOT NULL DEFAULT {_DEFAULTS.get(name, chr(39) * 2)}"
        conn.execute(text(ddl))
    conn.execute(update(s.schema_info).where(s.schema_info.c.key == "schema_version").values(value="2"))
