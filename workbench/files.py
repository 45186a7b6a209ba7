"""Writing files safely: every file the workbench writes appears whole or not at all.

A writer gets a temporary path in the target's own folder (so the final rename never crosses a file
system), writes there, and the file is renamed into place only when the writer finished; a failure or a
kill leaves the old file (or none) and no half-written one. Output paths follow one policy: a missing
parent folder is created; a directory, an unwritable place or a full disk is an :class:`OutputError`
with one plain sentence naming the path (and, for a full disk, the free space left).
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import StorageError

#: What ``--help`` texts say about output paths.
OUTPUT_POLICY = "Missing parent folders are created; an existing file is replaced only when the write succeeds."


class OutputError(StorageError):
    """A file cannot be written where it was asked for (a folder in the way, no permission, a full disk)."""


def output_path(path: str | os.PathLike) -> Path:
    """``path`` made ready for writing: parent folders created; refused if it is a folder or not writable.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> output_path(folder / "new" / "x.csv").parent.is_dir()
    True
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; give a file name (e.g. {path / 'out'}{_suffix(path)})")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot write {path}: {_first_file(path.parent)} is a file, not a folder") from None
    except OSError as exc:
        raise OutputError(describe(exc, path)) from None
    if not os.access(path.parent, os.W_OK):
        raise OutputError(f"cannot write {path}: no permission to write in {path.parent}")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"cannot write {path}: the file is read-only")
    return path


@contextmanager
def atomic_path(path: str | os.PathLike, *, mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed to ``path`` when the block ends without error.

    The file gets ``mode`` when given (``0o600`` for secrets), else the mode of the file it replaces, else
    the mode a new file gets from the process's umask.

    On any error (or a kill) the temporary file is removed and ``path`` is left as it was. ``OSError``
    from the writer (a full disk, a permission problem) becomes an :class:`OutputError` naming ``path``.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("whole")
    >>> target.read_text()
    'whole'
    """
    path = output_path(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if mode is not None:
            tmp.chmod(mode)
        elif path.exists():
            shutil.copymode(path, tmp)
        else:
            tmp.chmod(0o666 & ~umask())
        os.replace(tmp, path)
        _remove_stale(path)
    except OSError as exc:
        raise OutputError(describe(exc, path)) from exc
    except BaseException as exc:
        if isinstance(exc, OutputError):
            raise
        translated = _os_error_inside(exc)
        if translated is not None:
            raise OutputError(describe(translated, path)) from exc
        raise
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: str | os.PathLike, data: bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`); returns the path."""
    with atomic_path(path, mode=mode) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    return Path(path)


def write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8", mode: int | None = None) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_path`); returns the path."""
    return write_bytes(path, text.encode(encoding), mode=mode)


def umask() -> int:
    """The process's umask, read without changing it (Linux); the usual 022 where it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1], 8) for line in status if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return 0o022


def describe(exc: OSError, path: str | os.PathLike) -> str:
    """One plain sentence for an ``OSError`` met while writing ``path``.

    >>> describe(OSError(errno.ENOSPC, "No space left on device"), "/tmp/x.xlsx")[:38]
    'cannot write /tmp/x.xlsx: the disk is '

    """
    path = Path(path)
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT) or any(t in str(exc).lower() for t in ("disk is full", "no space left")):
        return f"cannot write {path}: the disk is full ({free_space(path)} free in {path.parent}); nothing was written"
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {path}: no permission (or a read-only file system); nothing was written"
    if code == errno.EISDIR:
        return f"cannot write {path}: it is a folder; give a file name"
    if code in (errno.ENOTDIR, errno.EEXIST):
        return f"cannot write {path}: {_first_file(path.parent)} is a file, not a folder"
    if code == errno.ENAMETOOLONG:
        return f"cannot write {path}: the name is too long"
    return f"cannot write {path}: {exc.strerror or exc}; nothing was written"


def free_space(path: str | os.PathLike) -> str:
    """The free space on the file system holding ``path`` (or its nearest existing parent), e.g. ``"12 MB"``."""
    here = Path(path).absolute()
    while not here.exists() and here != here.parent:
        here = here.parent
    try:
        free = shutil.disk_usage(here).free
    except OSError:
        return "unknown space"
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if free < 1000 or unit == "TB":
            return f"{free:.0f} {unit}" if unit == "bytes" else f"{free:.1f} {unit}"
        free /= 1000
    return "unknown space"  # pragma: no cover


STALE_SECONDS = 3600


def _remove_stale(path: Path) -> None:
    """Remove temporaries of ``path`` left by writers that were killed (older than an hour)."""
    import time

    for old in path.parent.glob(f".{path.name}.*.partial"):
        try:
            if time.time() - old.stat().st_mtime > STALE_SECONDS:
                old.unlink()
        except OSError:
            pass


def _os_error_inside(exc: BaseException) -> OSError | None:
    """The ``OSError`` a library wrapped (Polars' ComputeError, xlsxwriter's FileCreateError …), if any."""
    seen = exc
    for _ in range(5):
        if isinstance(seen, OSError):
            return seen
        text = str(seen).lower()
        if "no space left" in text or "disk is full" in text:
            return OSError(errno.ENOSPC, "No space left on device")
        if "permission denied" in text:
            return OSError(errno.EACCES, "Permission denied")
        seen = seen.__cause__ or seen.__context__
        if seen is None:
            return None
    return None


def _first_file(folder: Path) -> Path:
    """The first part of ``folder`` that exists as a file (what blocks creating the folder)."""
    for parent in [*reversed(folder.parents), folder]:
        if parent.exists() and not parent.is_dir():
            return parent
    return folder


def _suffix(path: Path) -> str:
    return path.suffix or ".csv"
