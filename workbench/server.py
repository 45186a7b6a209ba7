"""Serving the dashboard: login (a users file with hashed passwords, or OAuth), roles, one or many processes.

Without login the dashboard is read-only, unless started with ``allow_edit`` on a loopback address
(a single person on their own machine). With login, editors edit and viewers only look. Every
session reads the model from the store and writes through it, so several server processes can serve
one PostgreSQL workspace behind a proxy; their cookie secret must then be the same.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import panel as pn
import panel.auth

from workbench.auth import read_users, verify_password
from workbench.errors import UsageError

COOKIE_ENV = "WORKBENCH_COOKIE_SECRET"


class ServeError(UsageError):
    """The serve options do not make a safe or working server."""


class _HashedLoginHandler(panel.auth.BasicLoginHandler):
    """Panel's login page, checking the password against the users file's salted hashes."""

    def _validate(self, username, password):
        users_file = panel.state._server_config.get(self.application, {}).get("basic_auth")
        user = read_users(users_file).get(username)
        return user is not None and verify_password(password, user.password)


class _HashedAuthProvider(panel.auth.BasicAuthProvider):
    @property
    def login_handler(self):
        handler = super().login_handler
        _HashedLoginHandler._login_endpoint = handler._login_endpoint
        _HashedLoginHandler._login_template = handler._login_template
        return _HashedLoginHandler


@dataclass(frozen=True)
class Access:
    """Who may edit: users of a users file by role, OAuth users named as editors, or everyone (local)."""

    users_file: Path | None = None
    editors: frozenset[str] = field(default_factory=frozenset)
    allow_edit: bool = False

    def can_edit(self, user: str | None) -> bool:
        if self.users_file is not None:
            found = read_users(self.users_file).get(user or "")
            return found is not None and found.role == "editor"
        if self.editors:
            return user in self.editors
        return self.allow_edit


def _is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def warm(workspace) -> None:
    """Compute what the first page needs (the KPI cube, the months) once, before the first visitor."""
    data = workspace.dataset()
    data.months()
    if data.cache_problem:
        print(f"note: {data.cache_problem}", flush=True)


def serve(path: str | Path, *, port: int = 5006, address: str = "127.0.0.1", prefix: str = "",
          users: str | Path | None = None, oauth_provider: str | None = None, oauth_key: str | None = None,
          oauth_secret: str | None = None, oauth_redirect_uri: str | None = None, editors: tuple[str, ...] = (),
          allow_edit: bool = False, cookie_secret: str | None = None, origins: tuple[str, ...] = (),
          show: bool = False, threaded: bool = False):
    """Serve the dashboard of the workspace at ``path``; returns Panel's server (or thread if threaded)."""
    from workbench.app import build_app
    from workbench.workspace import Workspace

    if users and oauth_provider:
        raise ServeError("choose one way to sign in: a users file or an OAuth provider, not both")
    login = bool(users or oauth_provider)
    if allow_edit and login:
        raise ServeError("--allow-edit is for a server without login; with login, editors are the users file's "
                         "editors or the --editor names, and everyone else only views")
    if allow_edit and not _is_loopback(address):
        raise ServeError(f"--allow-edit without login is only allowed on a loopback address, not {address}: "
                         "anyone who can reach the server could change the model. Add --users FILE.")
    if users:
        read_users(users)  # fail now, with the file named, rather than at the first login
    workspace = Workspace.open(path)
    warm(workspace)
    access = Access(users_file=Path(users).resolve() if users else None, editors=frozenset(editors),
                    allow_edit=allow_edit)

    def session():
        user = pn.state.user if login else None
        return build_app(workspace, can_edit=access.can_edit(user), user=user)

    options: dict = {}
    if login:
        options["cookie_secret"] = cookie_secret or os.environ.get(COOKIE_ENV) or secrets.token_hex(32)
    if users:
        panel.auth.BasicAuthProvider = _HashedAuthProvider  # Panel's basic auth compares plain text
        options["basic_auth"] = str(access.users_file)
    if oauth_provider:
        options.update(oauth_provider=oauth_provider, oauth_key=oauth_key, oauth_secret=oauth_secret,
                       oauth_redirect_uri=oauth_redirect_uri)
        options = {k: v for k, v in options.items() if v is not None}
    allowed = list(origins) or [f"{host}:{port}" for host in {"localhost", "127.0.0.1", address}]
    return pn.serve({"/": session}, port=port, address=address, prefix=prefix or "", show=show, threaded=threaded,
                    title=f"Journey Workbench — {workspace.name}", websocket_origin=allowed, **options)
