"""Who may do what in the served dashboard: a users file with hashed passwords and roles.

The users file is YAML kept outside the workspace (it holds secrets)::

    users:
      alice: {role: editor, password: "pbkdf2_sha256$600000$<salt>$<hash>"}
      bob:   {role: viewer, password: "pbkdf2_sha256$600000$<salt>$<hash>"}

Create entries with ``workbench users add FILE NAME --role editor`` (it asks for the password).
With OAuth instead, roles come from ``--editor NAME`` options: everyone else signed in is a viewer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from workbench.errors import InputError
from workbench.files import output_path, write_text

ROLES = ("viewer", "editor")
_ALGORITHM, _ITERATIONS = "pbkdf2_sha256", 600_000


class UsersFileError(InputError):
    """The users file is missing, unreadable or malformed."""

    exit_code = 2


def hash_password(password: str, *, iterations: int = _ITERATIONS) -> str:
    """A salted PBKDF2-SHA256 hash in the form ``pbkdf2_sha256$iterations$salt$hash``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return "$".join([_ALGORITHM, str(iterations), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash made by :func:`hash_password` (constant-time compare).

    Examples
    --------
    >>> stored = hash_password("s3cret", iterations=1000)
    >>> verify_password("s3cret", stored), verify_password("guess", stored)
    (True, False)
    """
    try:
        algorithm, iterations, salt, digest = stored.split("$")
        if algorithm != _ALGORITHM:
            return False
        got = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), _unb64(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, _unb64(digest))


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password: str  # the hash


def read_users(path: str | Path) -> dict[str, User]:
    """The users of a users file; every problem is reported with the file and the user's name."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise UsersFileError(f"{path}: no such users file (create it with `workbench users add {path} NAME`)") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsersFileError(f"{path}: not a readable YAML users file ({exc})") from None
    entries = data.get("users") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise UsersFileError(f"{path}: expected a 'users:' mapping of name → {{role, password}}")
    users, problems = {}, []
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("password"), str):
            problems.append(f"{path}: user '{name}': needs a password hash (use `workbench users add`)")
            continue
        role = entry.get("role", "viewer")
        if role not in ROLES:
            problems.append(f"{path}: user '{name}': role must be one of {', '.join(ROLES)}, not '{role}'")
            continue
        users[str(name)] = User(str(name), role, entry["password"])
    if problems:
        raise UsersFileError("\n".join(problems))
    return users


class UsersFile:
    """A users file read again only when it changed (size or modification time), for checks on every request.

    A file that became unreadable or malformed counts as having no users (nobody signs in, every
    session is refused) rather than keeping the last good list.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._stamp: tuple[int, int] | None = None
        self._users: dict[str, User] = {}
        self._lock = threading.Lock()

    def users(self) -> dict[str, User]:
        with self._lock:
            try:
                stat = self.path.stat()
                stamp = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                self._stamp, self._users = None, {}
                return {}
            if stamp != self._stamp:
                try:
                    self._users = read_users(self.path)
                except UsersFileError:
                    self._users = {}
                self._stamp = stamp
            return self._users

    def get(self, name: str | None) -> User | None:
        return self.users().get(name or "")


# A well-formed hash of nothing anyone knows, checked for unknown names so that they take as long as known ones.
_DUMMY_HASH = "$".join([_ALGORITHM, str(_ITERATIONS), "AAAAAAAAAAAAAAAAAAAAAA==", "A" * 43 + "="])


def check_login(users: dict[str, User], name: str, password: str) -> User | None:
    """The user whose name and password these are, or None; an unknown name costs one hash check too.

    Examples
    --------
    >>> users = {"ann": User("ann", "editor", hash_password("s3cret", iterations=1000))}
    >>> check_login(users, "ann", "s3cret").role, check_login(users, "ann", "guess"), check_login(users, "bob", "x")
    ('editor', None, None)
    """
    user = users.get(name)
    matches = verify_password(password, user.password if user is not None else _DUMMY_HASH)
    return user if user is not None and matches else None


def add_user(path: str | Path, name: str, password: str, role: str = "viewer") -> None:
    """Add or replace a user in the users file (created if missing, with its folder), written atomically.

    The file is readable by its owner only (mode 0600). A folder in the way, no permission or a full disk is
    an :class:`~workbench.files.OutputError` naming the file; the old file is then left as it was.
    """
    if role not in ROLES:
        raise UsersFileError(f"role must be one of {', '.join(ROLES)}, not '{role}'")
    if not name or any(c.isspace() for c in name):
        raise UsersFileError(f"user name '{name}' must be non-empty and without spaces")
    path = output_path(path)  # a folder in the way or no permission: one sentence before anything is read
    users = read_users(path) if path.exists() else {}
    users[name] = User(name, role, hash_password(password))
    text = yaml.safe_dump({"users": {u.name: {"role": u.role, "password": u.password} for u in users.values()}},
                          sort_keys=True, allow_unicode=True)
    write_text(path, text, mode=0o600)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))
