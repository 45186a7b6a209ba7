"""Persistence of a workspace through SQLAlchemy Core: SQLite by default, PostgreSQL by URL.

Every write is one transaction. Writes carry the revision they were based on: the model (framework)
has one revision, each journey its own; a write based on an old revision raises
:class:`ConflictError` and writes nothing, so two editors never silently overwrite each other.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, insert, inspect, select, tuple_, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError

from workbench import errors
from workbench.errors import StorageError
from workbench.model import ENTITY_TYPES, Model, ModelError
from workbench.store import schema as s
from workbench.store.failures import failure_message, is_storage_failure
from workbench.store.migrate import migrate
from workbench.store.rows import GUARDED, build_model, meta_row, model_rows
from workbench.store.writes import CHUNK, ORDER, chunks, diff_tables, touched_journeys, write_changes


class StoreError(StorageError):
    """The store cannot be opened or used."""


class StoreVersionError(StoreError):
    """The store was written by another schema version than this workbench reads."""


class ConflictError(errors.ConflictError, StoreError):
    """Someone else changed what this write was based on; nothing was written."""


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL, a busy timeout and real transactions."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let the "begin" hook below open transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN")

    return engine


class Store:
    """One workspace's tables in one database."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=True)

    # -- lifecycle ----------------------------------------------------------------------------
    @classmethod
    def create(cls, url: str, model: Model | None = None) -> Store:
        """Create the tables in an empty database and store ``model`` (or an empty one)."""
        engine = make_engine(url)
        if inspect(engine).has_table("schema_info"):
            engine.dispose()
            raise StoreError(f"{_safe(url)} already holds a workbench store; open it instead")
        empty = Model(name=model.name if model else "Untitled workspace")
        store = cls(engine)
        try:
            with store._writing() as conn:
                s.metadata.create_all(conn)
                conn.execute(insert(s.schema_info), [{"key": "schema_version", "value": str(s.SCHEMA_VERSION)}])
                conn.execute(insert(s.workspace), [{"id": 1, **meta_row(empty), "revision": 0}])
            if model is not None:
                store.commit(model, base=store.load())
        except BaseException:
            engine.dispose()
            raise
        return store

    @classmethod
    def open(cls, url: str) -> Store:
        """Open an existing store; refuse one of an unknown schema version with a clear message."""
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                if not inspect(conn).has_table("schema_info"):
                    raise StoreError(f"{_safe(url)} is not a Journey Workbench store (no schema_info table)")
                version = conn.execute(
                    select(s.schema_info.c.value).where(s.schema_info.c.key == "schema_version")
                ).scalar_one_or_none()
        except OperationalError as exc:
            engine.dispose()
            raise StoreError(f"cannot open the store at {_safe(url)}: {exc.orig}") from exc
        except StoreError:
            engine.dispose()
            raise
        if version is not None and version.isdigit() and int(version) < s.SCHEMA_VERSION:
            try:
                version = migrate(engine, version)
            except SQLAlchemyError as exc:
                engine.dispose()
                raise StoreError(f"the store at {_safe(url)} has schema version {version} and could not be brought "
                                 f"up to version {s.SCHEMA_VERSION} (nothing was changed): {exc}") from exc
        if version != str(s.SCHEMA_VERSION):
            engine.dispose()
            raise StoreVersionError(
                f"the store at {_safe(url)} has schema version {version}; this workbench reads version "
                f"{s.SCHEMA_VERSION}. Use a workbench release made for version {version}, or export the "
                "workspace with it and import the export here."
            )
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- the model ------------------------------------------------------------------------------
    def load(self) -> Model:
        """The whole model, read in one consistent snapshot."""
        with self._snapshot() as conn:
            meta = conn.execute(select(s.workspace).where(s.workspace.c.id == 1)).mappings().one()
            tables = {
                kind: [dict(r) for r in conn.execute(select(t).order_by(t.c.position, t.c.id)).mappings()]
                for kind, t in s.ENTITY_TABLES.items()
            }
            links = {
                kind: [dict(r) for r in conn.execute(select(t).order_by(t.c.position)).mappings()]
                for kind, t in s.LINK_TABLES.items()
            }
        journey_order = {row["id"]: i for i, row in enumerate(tables["journeys"])}
        for kind in ("episodes", "steps"):
            tables[kind].sort(key=lambda r: (journey_order.get(r["journey"], 0), r["position"]))
        return build_model(dict(meta), tables, links)

    def commit(self, new: Model, *, base: Model, also: Callable[[Connection], None] | None = None) -> Model:
        """Write what changed from ``base`` to ``new`` in one transaction; return ``new`` re-versioned.

        ``also`` runs inside the same transaction after the model's rows are written (to keep data that
        hangs on the model in step with it): if it fails, nothing is written.
        Raises :class:`ConflictError` if the framework or a touched journey changed in the store
        since ``base`` was loaded, :class:`~workbench.model.ModelError` if ``new`` is unsound, and
        :class:`StoreError` if the database cannot be written (a full disk, a read-only file …).
        In every case nothing is written. The cost grows with the model's size and what changed: each
        table's rows are built once per model and compared once, and written in bulk.
        """
        if problems := new.problems():
            raise ModelError("the model is not consistent; nothing was written:\n  " + "\n  ".join(problems))
        changes = diff_tables(model_rows(base), model_rows(new))
        framework_changed = meta_row(base) != meta_row(new) or any(
            changes[name] for name in ORDER if name.partition(":")[0] in GUARDED)
        touched = touched_journeys(changes)
        if not framework_changed and not touched:
            return new.copy()
        try:
            with self._writing() as conn:
                if framework_changed:
                    self._bump(conn, s.workspace, 1, base.revision, "the life cycle model")
                    conn.execute(update(s.workspace).where(s.workspace.c.id == 1).values(**meta_row(new)))
                self._bump_journeys(conn, {j: base.journeys[j].revision for j in touched if j in base.journeys})
                write_changes(conn, changes)
                if also is not None:
                    also(conn)
        except IntegrityError as exc:
            raise ConflictError(
                "the write clashes with a change someone else saved meanwhile (for example a reason "
                f"deleted or an id taken); reload and apply your change again. Nothing was written. ({exc.orig})"
            ) from exc
        out = new.copy()
        out.revision = base.revision + 1 if framework_changed else base.revision
        for j in touched:
            if j in out.journeys:
                before = base.journeys[j].revision if j in base.journeys else 0
                out.journeys[j] = replace(out.journeys[j], revision=before + 1)
        return out

    def revision(self) -> tuple[int, tuple[tuple[str, int], ...]]:
        """What has been saved, in one cheap read: the model's revision and every journey's (id, revision),
        sorted by id. Every commit moves one of them (a new or deleted journey adds or drops a pair), so a
        session whose model gives the same :func:`revision_of` has seen every save."""
        try:
            with self.engine.connect() as conn:
                framework = conn.execute(select(s.workspace.c.revision).where(s.workspace.c.id == 1)).scalar_one()
                journeys = conn.execute(select(s.journeys.c.id, s.journeys.c.revision)).all()
        except SQLAlchemyError as exc:
            raise StoreError(f"the store {_safe(str(self.engine.url))} cannot be read: {exc}") from exc
        return framework, tuple(sorted((j, r) for j, r in journeys))

    def _bump(self, conn, table, key, expected: int, what: str) -> None:
        result = conn.execute(
            update(table).where(table.c.id == key, table.c.revision == expected)
            .values(revision=table.c.revision + 1)
        )
        if result.rowcount != 1:
            now = conn.execute(select(table.c.revision).where(table.c.id == key)).scalar_one_or_none()
            raise ConflictError(_changed_meanwhile(what, expected, now))

    def _bump_journeys(self, conn, expected: dict[str, int]) -> None:
        """Move the revision of every journey in ``expected`` (id → the revision the edit was based on) on
        by one, in a few statements; a journey whose revision moved meanwhile (or that was deleted) is a
        :class:`ConflictError` naming it."""
        t = s.journeys
        pairs = sorted(expected.items())  # one order for every writer, so PostgreSQL row locks never deadlock
        bumped: set[str] = set()
        for chunk in chunks(pairs, CHUNK):
            bumped.update(conn.execute(update(t).where(tuple_(t.c.id, t.c.revision).in_(chunk))
                                       .values(revision=t.c.revision + 1).returning(t.c.id)).scalars())
        missed = [(j, r) for j, r in pairs if j not in bumped]
        if missed:
            journey, base = missed[0]
            now = conn.execute(select(t.c.revision).where(t.c.id == journey)).scalar_one_or_none()
            raise ConflictError(_changed_meanwhile(f"journey '{journey}'", base, now))

    # -- settings -----------------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        return self.get_setting_revision(key, default)[0]

    def get_setting_revision(self, key: str, default: Any = None) -> tuple[Any, int]:
        """A setting and its revision (0 when it was never set), for a revision-checked write later."""
        with self.engine.connect() as conn:
            row = conn.execute(select(s.settings.c.value, s.settings.c.revision)
                               .where(s.settings.c.key == key)).one_or_none()
        return (default, 0) if row is None else (json.loads(row.value), row.revision)

    def set_setting(self, key: str, value: Any, *, expected_revision: int | None = None) -> int:
        """Store a JSON-serialisable setting in one transaction; returns its new revision.

        With ``expected_revision`` (from :meth:`get_setting_revision`) the write is refused with a
        :class:`ConflictError` if someone else saved the setting meanwhile; nothing is written then.
        """
        raw = json.dumps(value, ensure_ascii=False, sort_keys=True)
        with self._writing() as conn:
            where = s.settings.c.key == key
            if expected_revision is not None:
                where &= s.settings.c.revision == expected_revision
            done = conn.execute(update(s.settings).where(where)
                                .values(value=raw, revision=s.settings.c.revision + 1)).rowcount
            if done:
                return conn.execute(select(s.settings.c.revision).where(s.settings.c.key == key)).scalar_one()
            exists = conn.execute(select(s.settings.c.revision).where(s.settings.c.key == key)).scalar_one_or_none()
            if exists is not None or expected_revision not in (None, 0):
                raise ConflictError(f"the setting '{key}' was changed by someone else since you loaded it "
                                    f"(you had revision {expected_revision}, it is now {exists or 0}); reload "
                                    "and apply your change again. Nothing was written.")
            try:
                conn.execute(insert(s.settings).values(key=key, value=raw, revision=1))
            except IntegrityError as exc:
                raise ConflictError(f"the setting '{key}' was created by someone else meanwhile; reload and "
                                    "apply your change again. Nothing was written.") from exc
            return 1

    # -- helpers ----------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {kind: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for kind, t in s.ENTITY_TABLES.items()}

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction; the database failing (a full disk, a read-only file …) is a :class:`StoreError`
        with one plain sentence. Conflicts (IntegrityError) pass through for the caller to word."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except DBAPIError as exc:
            if is_storage_failure(exc):
                raise StoreError(failure_message(exc, self.engine)) from exc
            raise

    def _snapshot(self):
        conn = self.engine.connect()
        if self.engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        return _Snapshot(conn)


class _Snapshot:
    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        self.conn.begin()
        return self.conn

    def __exit__(self, *exc):
        self.conn.rollback()
        self.conn.close()


def revision_of(model: Model) -> tuple[int, tuple[tuple[str, int], ...]]:
    """The :meth:`Store.revision` a store holds when ``model`` is what was last loaded or saved.

    >>> from workbench.model import Journey
    >>> revision_of(Model(revision=3).add(Journey("b", "I pay", revision=2), Journey("a", "I move", revision=5)))
    (3, (('a', 5), ('b', 2)))
    """
    return model.revision, tuple(sorted((j.id, j.revision) for j in model.journeys.values()))


def _changed_meanwhile(what: str, expected: int, now: int | None) -> str:
    state = "was deleted" if now is None else f"is now at revision {now}"
    return (f"{what} was changed by someone else since you loaded it (you edited revision {expected}, it {state}); "
            "reload and apply your change again. Nothing was written.")


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


__all__ = ["ConflictError", "Store", "StoreError", "StoreVersionError", "make_engine", "ENTITY_TYPES"]
