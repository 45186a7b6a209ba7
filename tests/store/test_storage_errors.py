"""A database that fails while the store writes (a full disk, a read-only file) is one plain sentence, and
nothing is written."""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import pytest
from small_disk import fill, small_disk  # noqa: F401 - a fixture
from sqlalchemy import event
from typer.testing import CliRunner

from workbench.errors import StorageError
from workbench.interchange import write_yaml
from workbench.store import Store

FREE = r"\d+(\.\d)? (bytes|KB|MB|GB|TB) free"


def _fail_on(engine, statement_start: str, error: Exception) -> None:
    """Make the database raise ``error`` when a statement starting with ``statement_start`` runs."""

    @event.listens_for(engine, "before_cursor_execute")
    def _fail(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith(statement_start):
            raise error


def _disk_full_sentence(db: Path) -> str:
    return (rf"^cannot write {re.escape(str(db))}: the disk is full \({FREE} in {re.escape(str(db.parent))}\); "
            r"nothing was written; free some space and save again$")


def test_a_full_disk_during_commit_is_a_sentence_and_nothing_is_written(tmp_path, model):
    db = tmp_path / "workbench.db"
    store = Store.create(f"sqlite:///{db}", model)
    base = store.load()
    new = base.copy()
    new.rename("reasons", "pay-bill", "I pay")  # written before the steps …
    new.link("join-3", "place-order")           # … whose update fails
    _fail_on(store.engine, "UPDATE steps", sqlite3.OperationalError("database or disk is full"))
    with pytest.raises(StorageError, match=_disk_full_sentence(db)):
        store.commit(new, base=base)
    now = store.load()
    assert now.reasons["pay-bill"].label == "I receive and pay my bill" and now.steps["join-3"].reason is None
    assert now.revision == base.revision and now.journeys["i-join"].revision == 1
    store.close()


def test_a_full_disk_during_set_setting_is_a_sentence(tmp_path, model):
    db = tmp_path / "workbench.db"
    store = Store.create(f"sqlite:///{db}", model)
    store.set_setting("priority.weights", {"volume": 1})
    _fail_on(store.engine, "UPDATE settings", sqlite3.OperationalError("database or disk is full"))
    with pytest.raises(StorageError, match=_disk_full_sentence(db)):
        store.set_setting("priority.weights", {"volume": 2})
    assert store.get_setting_revision("priority.weights") == ({"volume": 1}, 1)
    store.close()


@pytest.mark.parametrize(("error", "sentence"), [
    ("attempt to write a readonly database",
     "cannot write {db}: no permission (or a read-only file system); nothing was written"),
    ("database is locked",
     "the store {db} is busy: another program kept it locked for too long; nothing was written; "
     "save again in a moment"),
    ("unable to open database file",
     "cannot write the store {db}: the file cannot be opened (moved, deleted, or no permission on {folder}); "
     "nothing was written"),
])
def test_other_sqlite_failures_are_sentences(tmp_path, model, error, sentence):
    db = tmp_path / "workbench.db"
    store = Store.create(f"sqlite:///{db}", model)
    base = store.load()
    new = base.copy()
    new.link("join-3", "place-order")
    _fail_on(store.engine, "UPDATE steps", sqlite3.OperationalError(error))
    with pytest.raises(StorageError) as caught:
        store.commit(new, base=base)
    assert str(caught.value) == sentence.format(db=db, folder=db.parent)
    assert store.load().steps["join-3"].reason is None
    store.close()


def test_a_full_disk_on_the_postgresql_server_is_a_sentence(pg_url, model):
    import psycopg.errors
    from sqlalchemy.engine import make_url

    store = Store.create(pg_url, model)
    base = store.load()
    new = base.copy()
    new.link("join-3", "place-order")
    _fail_on(store.engine, "UPDATE steps",
             psycopg.errors.DiskFull('could not extend file "base/16384/16500": No space left on device'))
    where = make_url(pg_url).render_as_string(hide_password=True)
    with pytest.raises(StorageError) as caught:
        store.commit(new, base=base)
    assert str(caught.value) == (f"cannot write the store at {where}: the database server's disk is full; nothing "
                                 "was written. Ask its administrator to free space, then save again.")
    assert store.load().steps["join-3"].reason is None
    store.close()


def test_the_cli_shows_the_sentence_and_exits_1(tmp_path, model, monkeypatch):
    from workbench.cli import app
    from workbench.store import store as store_module
    from workbench.workspace import Workspace

    ws = tmp_path / "ws"
    Workspace.create(ws).close()
    write_yaml(model, tmp_path / "model.yaml")
    made = store_module.make_engine

    def failing_engine(url):
        engine = made(url)
        _fail_on(engine, "INSERT INTO steps", sqlite3.OperationalError("database or disk is full"))
        return engine

    monkeypatch.setattr(store_module, "make_engine", failing_engine)
    result = CliRunner().invoke(app, ["import", str(ws), str(tmp_path / "model.yaml")])
    db = ws / "workbench.db"
    assert result.exit_code == 1, result.output
    assert re.fullmatch("error: " + _disk_full_sentence(db)[1:-1], result.output.rstrip("\n")), result.output
    monkeypatch.undo()
    assert Workspace.open(ws).load().steps == {}


def test_a_really_full_disk(small_disk, model):  # noqa: F811 - the fixture
    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    from bench_interchange import build, without_journeys

    db = small_disk / "workbench.db"
    big = build(80, 10, 100)
    store = Store.create(f"sqlite:///{db}", without_journeys(big))
    filler = fill(small_disk)
    base = store.load()
    with pytest.raises(StorageError, match=_disk_full_sentence(db)):
        store.commit(big, base=base)
    assert store.load().steps == {} and store.load().revision == base.revision
    filler.unlink()
    assert len(store.commit(big, base=store.load()).steps) == 1000  # space freed: the same commit goes through
    store.close()
