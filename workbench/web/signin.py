"""Signing in to the served dashboard: the Bokeh auth provider, the login and logout pages, and
server-side sessions that a logout (or removing the user from the users file) ends at once.

Every page and websocket request passes :meth:`WorkbenchAuth.get_user_async` before anything runs: a
Host outside the allowlist is refused (403), then the user is found from the session cookie, which
holds a signed session id (HttpOnly, SameSite=Lax, Secure behind TLS). A session counts only while
it is not revoked and its user is still in the users file. Password checks run in a thread pool, an
unknown name costs a hash check too (no timing difference), and failures back off
(:class:`~workbench.web.throttle.LoginThrottle`). The user found is left on the request
(:func:`request_user`), so the session's document knows who it is for without reading cookies.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import secrets
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bokeh.server.auth_provider import AuthProvider
from panel.io.server import DocHandler
from tornado.web import HTTPError, RequestHandler
from tornado.websocket import WebSocketHandler

from workbench.auth import UsersFile, check_login
from workbench.files import write_text
from workbench.web.hosts import HostAllowlist
from workbench.web.throttle import LoginThrottle

log = logging.getLogger("workbench.signin")

COOKIE = "workbench_session"
MAX_AGE_DAYS = 1
LOCAL = "local"  # the one person on a server without sign-in
_HASHING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="workbench-login")


def request_user(request) -> str | None:
    """Who the request (or a Bokeh session's request proxy) was let in for; None without sign-in."""
    return getattr(request, "workbench_user", None)


class SessionBook:
    """Revoked session ids, kept in a file beside the users file so every process of one dashboard
    agrees; each id is remembered until the cookies it was in have expired."""

    def __init__(self, path: Path | None, max_age: float = MAX_AGE_DAYS * 86400):
        self.path, self.max_age = path, max_age
        self._revoked: dict[str, float] = {}
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        if self.path is None:
            return
        try:
            stat = self.path.stat()
        except OSError:
            return
        if (stat.st_mtime_ns, stat.st_size) == self._stamp:
            return
        try:
            self._revoked.update({str(k): float(v) for k, v in json.loads(self.path.read_text("utf-8")).items()})
        except (OSError, ValueError, AttributeError):
            log.warning("%s: unreadable list of ended sessions; keeping the ones known here", self.path)
        self._stamp = (stat.st_mtime_ns, stat.st_size)

    def revoked(self, sid: str) -> bool:
        with self._lock:
            self._load()
            return sid in self._revoked

    def revoke(self, sid: str) -> None:
        now = time.time()
        with self._lock:
            self._load()
            self._revoked = {k: v for k, v in self._revoked.items() if v > now}
            self._revoked[sid] = now + self.max_age
            if self.path is not None:
                try:
                    write_text(self.path, json.dumps(self._revoked))
                    self.path.chmod(0o600)
                except OSError as exc:
                    log.warning("%s: could not record the ended session (%s); it ends in this process only",
                                self.path, exc)


class SessionGate:
    """Sessions that arrive together start in turn: a page request waits while ``ahead`` pages served
    before it still wait for their websocket (at most ``patience`` seconds), so each session gets its
    document soon after it was built instead of every one waiting for the whole batch to be built.

    Every session's document is built on the one event loop; without the gate, 50 pages asked for at
    once are all built before the first websocket is served.
    """

    def __init__(self, ahead: int = 2, patience: float = 10.0):
        self.ahead, self.patience = ahead, patience
        self._served: deque[float] = deque()

    def _forget_old(self, now: float) -> None:
        while self._served and now - self._served[0] > self.patience:
            self._served.popleft()  # a page whose websocket never came (a crawler, a closed tab)

    async def page(self) -> None:
        deadline = time.monotonic() + self.patience
        while True:
            now = time.monotonic()
            self._forget_old(now)
            if len(self._served) < self.ahead or now > deadline:
                break
            await asyncio.sleep(0.01)
        self._served.append(time.monotonic())

    def websocket(self) -> None:
        if self._served:
            self._served.popleft()


class WorkbenchAuth(AuthProvider):
    """The dashboard's Bokeh auth provider (see the module docstring).

    ``users`` set: sign-in with the users file. ``inner`` set: another provider (Panel's OAuth) finds
    the user. Neither: no sign-in, everyone on an allowed host is let in as :data:`LOCAL`.
    """

    def __init__(self, hosts: HostAllowlist, *, users: UsersFile | None = None, inner: AuthProvider | None = None,
                 sessions: SessionBook | None = None, throttle: LoginThrottle | None = None,
                 secure_cookies: bool = False, trusted_proxies: tuple[str, ...] = ()):
        self.hosts, self.users, self.inner = hosts, users, inner
        self.sessions = sessions or SessionBook(None)
        self.throttle = throttle or LoginThrottle()
        self.secure_cookies, self.trusted_proxies = secure_cookies, frozenset(trusted_proxies)
        self.gate = SessionGate()
        super().__init__()

    # -- Bokeh's AuthProvider interface ------------------------------------------------------------
    @property
    def get_user_async(self):
        return self._user

    @property
    def login_url(self):
        if self.inner is not None:
            return self.inner.login_url
        return "/login"

    @property
    def get_login_url(self):
        return self.inner.get_login_url if self.inner is not None else None

    @property
    def login_handler(self):
        if self.inner is not None:
            return self.inner.login_handler
        return type("WorkbenchLogin", (LoginHandler,), {"auth": self}) if self.users is not None else None

    @property
    def logout_url(self):
        if self.inner is not None:
            return self.inner.logout_url
        return "/logout" if self.users is not None else None

    @property
    def logout_handler(self):
        if self.inner is not None:
            return self.inner.logout_handler
        return type("WorkbenchLogout", (LogoutHandler,), {"auth": self}) if self.users is not None else None

    # -- checks -------------------------------------------------------------------------------------
    def check_host(self, handler: RequestHandler) -> None:
        host = handler.request.headers.get("Host")
        if not self.hosts.allows(host):
            log.warning("refused a request for host %r (not in the allowed hosts)", (host or "")[:100])
            raise HTTPError(403, "unknown host")

    async def _user(self, handler: RequestHandler) -> str | None:
        self.check_host(handler)
        if self.inner is not None:
            if self.inner.get_user_async is not None:
                user = await self.inner.get_user_async(handler)
            else:
                user = self.inner.get_user(handler)
        elif self.users is not None:
            user = self.session_user(handler)
        else:
            user = LOCAL
        if not user and isinstance(handler, WebSocketHandler):
            raise HTTPError(403, "not signed in")
        handler.request.workbench_user = None if user == LOCAL else user
        if user and isinstance(handler, WebSocketHandler):
            self.gate.websocket()
        elif user and isinstance(handler, DocHandler):
            await self.gate.page()
        return user

    def session_user(self, handler: RequestHandler) -> str | None:
        """The user of the request's session cookie while that session stands, else None."""
        raw = handler.get_secure_cookie(COOKIE, max_age_days=MAX_AGE_DAYS)
        try:
            data = json.loads(raw) if raw else None
            name, sid = data["u"], data["s"]
        except (ValueError, TypeError, KeyError):
            return None
        if self.sessions.revoked(sid) or self.users.get(name) is None:
            return None
        return name

    def client_address(self, handler: RequestHandler) -> str:
        request = handler.request
        forwarded = request.headers.get("X-Forwarded-For", "")
        if request.remote_ip in self.trusted_proxies and forwarded:
            return forwarded.split(",")[-1].strip()
        return request.remote_ip or "?"

    def secure(self, handler: RequestHandler) -> bool:
        request = handler.request
        behind_tls = (request.remote_ip in self.trusted_proxies
                      and request.headers.get("X-Forwarded-Proto", "").lower() == "https")
        return self.secure_cookies or request.protocol == "https" or behind_tls


# -- the pages --------------------------------------------------------------------------------------
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>
body {{ font-family: system-ui, sans-serif; background: #f4f5f7; display: flex; justify-content: center;
       padding-top: 12vh; margin: 0; }}
main {{ background: #fff; border-radius: 8px; padding: 28px 32px; box-shadow: 0 2px 10px #0002; width: 320px; }}
h1 {{ font-size: 20px; margin: 0 0 16px; color: #2c5d8f; }} label {{ display: block; margin: 10px 0 4px; }}
input {{ width: 100%; box-sizing: border-box; padding: 8px; font-size: 15px; }}
button {{ margin-top: 18px; width: 100%; padding: 9px; background: #2c5d8f; color: #fff; border: 0;
          border-radius: 4px; font-size: 15px; cursor: pointer; }} .error {{ color: #b00; }}
</style></head><body><main>{body}</main></body></html>"""


def _safe_next(url: str | None, default: str) -> str:
    """Only a path on this server (``/…``, not ``//host`` or ``/\\host``)."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")) or any(c in url for c in "\r\n"):
        return default
    return url


class LoginHandler(RequestHandler):
    """The sign-in form (GET) and its check (POST)."""

    auth: WorkbenchAuth

    def prepare(self) -> None:
        self.auth.check_host(self)

    def _home(self) -> str:
        return (self.application.prefix or "") + "/"

    def _form(self, error: str = "", status: int = 200) -> None:
        nxt = _safe_next(self.get_argument("next", None), self._home())
        body = (f"<h1>Journey Workbench</h1>{f'<p class=error>{html.escape(error)}</p>' if error else ''}"
                f"<form method=post action='{html.escape(self.request.path, quote=True)}'>"
                f"<input type=hidden name=next value='{html.escape(nxt, quote=True)}'>"
                "<label for=u>User name</label><input id=u name=username autocomplete=username autofocus>"
                "<label for=p>Password</label><input id=p name=password type=password "
                "autocomplete=current-password><button type=submit>Sign in</button></form>")
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        self.write(PAGE.format(title="Sign in", body=body))

    def get(self) -> None:
        self._form()

    async def post(self) -> None:
        name = self.get_argument("username", "")[:200]
        password = self.get_argument("password", "")[:1000]
        address = self.auth.client_address(self)
        wait = self.auth.throttle.wait(name, address)
        if wait > 0:
            log.warning("sign-in refused for %r from %s: %d recent failures, wait %.0f s", name, address,
                        self.auth.throttle.free, wait)
            self.set_header("Retry-After", str(int(wait) + 1))
            return self._form(f"Too many failed attempts: try again in {int(wait) + 1} s.", status=429)
        users = self.auth.users.users()
        user = await asyncio.get_running_loop().run_in_executor(_HASHING, check_login, users, name, password)
        if user is None:
            self.auth.throttle.failed(name, address)
            log.info("sign-in failed for %r from %s", name, address)
            return self._form("Invalid username or password.", status=401)
        self.auth.throttle.succeeded(name, address)
        sid = secrets.token_urlsafe(24)
        self.set_secure_cookie(COOKIE, json.dumps({"u": user.name, "s": sid}), expires_days=MAX_AGE_DAYS,
                               httponly=True, samesite="Lax", secure=self.auth.secure(self),
                               path=self._home())
        log.info("signed in: %r from %s", user.name, address)
        self.redirect(_safe_next(self.get_argument("next", None), self._home()))


class LogoutHandler(RequestHandler):
    """Ends the session on the server (its cookie no longer opens anything) and clears the cookie."""

    auth: WorkbenchAuth

    def prepare(self) -> None:
        self.auth.check_host(self)

    def get(self) -> None:
        raw = self.get_secure_cookie(COOKIE, max_age_days=MAX_AGE_DAYS)
        try:
            sid = json.loads(raw)["s"] if raw else None
        except (ValueError, TypeError, KeyError):
            sid = None
        if sid:
            self.auth.sessions.revoke(sid)
        home = (self.application.prefix or "") + "/"
        self.clear_cookie(COOKIE, path=home)
        self.set_header("Cache-Control", "no-store")
        login = html.escape(f"{home}login", quote=True)
        body = f"<h1>Signed out</h1><p><a href='{login}'>Sign in again</a></p>"
        self.write(PAGE.format(title="Signed out", body=body))
