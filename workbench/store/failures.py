"""Database failures (a full disk, a read-only or locked file, a lost server) as one plain sentence.

:func:`failure_message` turns what the database driver raised while the store was writing into a
sentence that names the database (the SQLite file, or the server's URL without its password) and says
what to do. The transaction was rolled back, so every sentence ends by saying nothing was written.
"""

from __future__ import annotations

import errno
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from workbench.files import describe, free_space

#: Pieces of SQLite's messages (and its error names) → what happened.
_SQLITE = (
    (("disk is full", "sqlite_full"), "full"),
    (("readonly database", "sqlite_readonly", "read-only file system"), "read-only"),
    (("database is locked", "sqlite_busy", "database table is locked"), "locked"),
    (("unable to open database", "sqlite_cantopen"), "cannot-open"),
    (("disk i/o error", "sqlite_ioerr"), "io"),
    (("malformed", "not a database", "sqlite_corrupt", "sqlite_notadb"), "damaged"),
)


def is_storage_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is the database failing (disk, file, server), not a conflict or a bug in a query."""
    if not isinstance(exc, DBAPIError) or isinstance(exc, IntegrityError):
        return False
    return isinstance(exc, OperationalError) or _sqlite_kind(exc) is not None or _sqlstate(exc) == "53100"


def failure_message(exc: DBAPIError, engine: Engine) -> str:
    """One sentence for a database failure met while writing the store of ``engine``.

    >>> import sqlite3
    >>> from sqlalchemy import create_engine
    >>> from sqlalchemy.exc import OperationalError
    >>> exc = OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))
    >>> failure_message(exc, create_engine("sqlite:////data/ws/workbench.db"))[:62]
    'the store /data/ws/workbench.db is busy: another program kept '
    """
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        return _sqlite_message(exc, Path(engine.url.database))
    where = engine.url.render_as_string(hide_password=True)
    detail = _first_line(exc)
    if _sqlstate(exc) == "53100" or "no space left" in detail.lower():
        return (f"cannot write the store at {where}: the database server's disk is full; nothing was written. "
                "Ask its administrator to free space, then save again.")
    return f"cannot write the store at {where}: {detail}; nothing was written"


def _sqlite_message(exc: DBAPIError, path: Path) -> str:
    kind = _sqlite_kind(exc)
    if kind == "full":
        return (describe(OSError(errno.ENOSPC, "No space left on device"), path)
                + "; free some space and save again")
    if kind == "read-only":
        return describe(OSError(errno.EACCES, "Permission denied"), path)
    if kind == "locked":
        return (f"the store {path} is busy: another program kept it locked for too long; nothing was written; "
                "save again in a moment")
    if kind == "cannot-open":
        return (f"cannot write the store {path}: the file cannot be opened (moved, deleted, or no permission on "
                f"{path.parent}); nothing was written")
    if kind == "io":
        return (f"cannot write the store {path}: the disk reported an input/output error "
                f"({free_space(path)} free in {path.parent}); nothing was written")
    if kind == "damaged":
        return (f"the store {path} is damaged ({_first_line(exc)}); nothing was written; restore it from a "
                "backup or export the workspace and import it into a new one")
    return f"cannot write the store {path}: {_first_line(exc)}; nothing was written"


def _sqlite_kind(exc: DBAPIError) -> str | None:
    orig = exc.orig
    text = f"{orig} {getattr(orig, 'sqlite_errorname', '')}".lower()
    for pieces, kind in _SQLITE:
        if any(p in text for p in pieces):
            return kind
    return None


def _sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None)


def _first_line(exc: DBAPIError) -> str:
    lines = str(exc.orig).strip().splitlines()
    return lines[0] if lines else type(exc.orig).__name__
