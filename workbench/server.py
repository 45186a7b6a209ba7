"""Serving the dashboard: login (a users file with hashed passwords, or OAuth), roles, one or many processes.

Without login the dashboard is read-only, unless started with ``allow_edit`` on a loopback address
(a single person on their own machine). With login, editors edit and viewers only look. Every
session reads the model from the store and writes through it, so several server processes can serve
one PostgreSQL workspace behind a proxy; their cookie secret must then be the same.

Everything is handed to Panel through public options (``pn.serve`` passes them on to Bokeh's server
and Tornado): the auth provider (:mod:`workbench.web.signin`, which also checks the Host of every page
and websocket), a resource route that replaces Panel's ``/components`` importer
(:mod:`workbench.web.components`), and an output transform adding security headers
(:mod:`workbench.web.headers`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

import panel as pn
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

from workbench.auth import UsersFile, read_users
from workbench.errors import UsageError
from workbench.web.components import component_route
from workbench.web.headers import security_transform
from workbench.web.hosts import HostAllowlist, default_hosts, is_loopback
from workbench.web.signin import COOKIE, SessionBook, WorkbenchAuth, request_user
from workbench.web.throttle import LoginThrottle

COOKIE_ENV = "WORKBENCH_COOKIE_SECRET"
log = logging.getLogger("workbench.server")


class ServeError(UsageError):
    """The serve options do not make a safe or working server."""


@dataclass(frozen=True)
class Access:
    """Who may edit: users of a users file by role, OAuth users named as editors, or everyone (local)."""

    users_file: Path | None = None
    editors: frozenset[str] = field(default_factory=frozenset)
    allow_edit: bool = False

    def __post_init__(self):
        object.__setattr__(self, "_users", UsersFile(self.users_file) if self.users_file is not None else None)

    def can_edit(self, user: str | None) -> bool:
        if self._users is not None:
            found = self._users.get(user)
            return found is not None and found.role == "editor"
        if self.editors:
            return user in self.editors
        return self.allow_edit


def warm(workspace) -> None:
    """Compute what the first page needs (the KPI cube, the months, the map's figures) once, before the
    first visitor, and import what the first page draws with; then, in the background, what later pages
    need (see :func:`workbench.app.warm_later`)."""
    from workbench.app import warm_later, warm_up

    warm_up(workspace)
    warm_later(workspace)


def _quiet_closed_connections(loop: asyncio.AbstractEventLoop) -> None:
    """A client that goes away while a message is sent to it leaves a task failing with
    ``WebSocketClosedError``: nothing is wrong with the server, so it is logged as one line at debug level
    instead of a "Task exception was never retrieved" traceback. Everything else goes to the default handler."""
    if getattr(loop, "_workbench_quiet", False):
        return

    def handler(loop, context) -> None:
        if isinstance(context.get("exception"), (WebSocketClosedError, StreamClosedError)):
            log.debug("a client went away while being sent to: %s", context.get("message"))
            return
        loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
    loop._workbench_quiet = True


class SharedData:
    """The Dataset every new session starts from, shared while the stored model and data are unchanged:
    a session keeps no model of its own (its memory does not grow with the size of a label), and reading
    the store again still shows each new session what another process saved."""

    def __init__(self, workspace):
        self.workspace = workspace
        self._data = None
        self._lock = threading.Lock()

    def current(self):
        fresh = self.workspace.dataset()
        with self._lock:
            kept = self._data
            if kept is not None and (kept.model_key, kept.data_key) == (fresh.model_key, fresh.data_key):
                return kept
            self._data = fresh
            return fresh


def _oauth_provider(provider: str, key: str | None, secret: str | None, redirect_uri: str | None):
    """Panel's OAuth provider, configured through ``pn.config`` (what ``pn.serve(oauth_provider=…)`` does)."""
    import panel.auth

    pn.config.oauth_provider = provider
    if key:
        pn.config.oauth_key = key
    if secret:
        pn.config.oauth_secret = secret
    if redirect_uri:
        pn.config.oauth_redirect_uri = redirect_uri
    return panel.auth.OAuthProvider()


def serve(path: str | Path, *, port: int = 5006, address: str = "127.0.0.1", prefix: str = "",
          users: str | Path | None = None, oauth_provider: str | None = None, oauth_key: str | None = None,
          oauth_secret: str | None = None, oauth_redirect_uri: str | None = None, editors: tuple[str, ...] = (),
          allow_edit: bool = False, cookie_secret: str | None = None, origins: tuple[str, ...] = (),
          allowed_hosts: tuple[str, ...] = (), secure_cookies: bool = False, trusted_proxies: tuple[str, ...] = (),
          throttle: LoginThrottle | None = None, show: bool = False, threaded: bool = False):
    """Serve the dashboard of the workspace at ``path``; returns Panel's server (or thread if threaded).

    ``allowed_hosts``: the Host names the server answers (default: the address served on and
    ``localhost``); ``origins`` (``host:port``) are allowed too. ``secure_cookies``: mark the sign-in
    cookie Secure (also done when a ``trusted_proxies`` address forwards ``X-Forwarded-Proto: https``).
    ``throttle``: the back-off of failed sign-ins (default: 5 free failures, then 1 s doubling up to 5 min).
    """
    from workbench.app import build_app
    from workbench.ui.session import Session
    from workbench.workspace import Workspace

    if users and oauth_provider:
        raise ServeError("choose one way to sign in: a users file or an OAuth provider, not both")
    login = bool(users or oauth_provider)
    if allow_edit and login:
        raise ServeError("--allow-edit is for a server without login; with login, editors are the users file's "
                         "editors or the --editor names, and everyone else only views")
    if allow_edit and not is_loopback(address):
        raise ServeError(f"--allow-edit without login is only allowed on a loopback address, not {address}: "
                         "anyone who can reach the server could change the model. Add --users FILE.")
    if users:
        read_users(users)  # fail now, with the file named, rather than at the first login
    workspace = Workspace.open(path)
    warm(workspace)
    access = Access(users_file=Path(users).resolve() if users else None, editors=frozenset(editors),
                    allow_edit=allow_edit)
    hosts = HostAllowlist([*(allowed_hosts or default_hosts(address)), *origins])
    secret = cookie_secret or os.environ.get(COOKIE_ENV) or secrets.token_hex(32)
    inner = _oauth_provider(oauth_provider, oauth_key, oauth_secret, oauth_redirect_uri) if oauth_provider else None
    if inner is not None:
        pn.config.cookie_secret = secret
    book = SessionBook(access.users_file.with_name(f".{access.users_file.name}.ended") if users else None)
    auth = WorkbenchAuth(hosts, users=UsersFile(access.users_file) if users else None, inner=inner, sessions=book,
                         throttle=throttle, secure_cookies=secure_cookies, trusted_proxies=trusted_proxies)

    shared = SharedData(workspace)

    def session():
        _quiet_closed_connections(asyncio.get_event_loop())
        request = pn.state.curdoc.session_context.request if pn.state.curdoc.session_context else None
        user = request_user(request) if login else None
        if login and oauth_provider and user is None:
            user = pn.state.user
        return build_app(session=Session(shared.current(), can_edit=access.can_edit(user), user=user))

    options: dict = dict(
        auth_provider=auth, cookie_secret=secret,
        extra_patterns=[component_route()], transforms=[security_transform(hosts)],
        websocket_origin=hosts.origins(port), title=f"Journey Workbench — {workspace.name}",
    )
    if not oauth_provider:
        # the session token is readable by the page's scripts: keep the sign-in cookie out of it (the
        # session learns its user from the request, see request_user); Panel's OAuth reads its cookies there
        options.update(exclude_cookies=[COOKIE], exclude_headers=["Cookie"])
    return pn.serve({"/": session}, port=port, address=address, prefix=prefix or "", show=show, threaded=threaded,
                    **options)
