"""Helpers of the security tests: raw HTTP requests with any Host header, signing in, websockets."""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass, field

PASSWORDS = {"erin": "editor-pass-1", "vic": "viewer-pass-1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"no server on port {port}")


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float = 0.0
    cookies: dict[str, str] = field(default_factory=dict)


def request(port: int, method: str, path: str, *, host: str | None = None, headers: dict | None = None,
            body: str | None = None, timeout: float = 60) -> Answer:
    """One raw HTTP request to 127.0.0.1:port with exactly the Host header given (default 127.0.0.1:port)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    began = time.perf_counter()
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        data = body.encode() if body is not None else None
        if data is not None:
            conn.putheader("Content-Type", "application/x-www-form-urlencoded")
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        response = conn.getresponse()
        payload = response.read()
    finally:
        conn.close()
    cookies = {}
    for line in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = line.partition("=")
        cookies[name.strip()] = line
    return Answer(response.status, response.headers, payload, time.perf_counter() - began, cookies)


def cookie_value(set_cookie: str) -> str:
    """``name=value`` of a Set-Cookie line, for a Cookie header."""
    return set_cookie.split(";", 1)[0]


def _session_cookie_of(answer: Answer) -> str:
    """The Cookie header value that carries the session a successful sign-in answered with."""
    from workbench.web.signin import COOKIE

    assert answer.status == 302, answer.status
    return cookie_value(answer.cookies[COOKIE])


def sign_in(port: int, user: str, password: str | None = None, **kw) -> Answer:
    from urllib.parse import urlencode

    return request(port, "POST", "/login", body=urlencode({"username": user,
                                                           "password": password or PASSWORDS[user]}), **kw)


def run_apart(coroutine):
    """Run a coroutine to its end on a fresh event loop in its own thread.

    An earlier test (a notebook kernel, Playwright) may leave a loop running in the main thread,
    where ``asyncio.run`` refuses to start.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def websocket_attempt(port: int, host: str, origin: str) -> str:
    """Try to open the dashboard's websocket with these Host and Origin headers: 'open' or the refusal."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    async def attempt():
        req = HTTPRequest(f"ws://127.0.0.1:{port}/ws", headers={"Host": host, "Origin": origin})
        try:
            conn = await websocket_connect(req, subprotocols=["bokeh", "x"])
        except Exception as exc:  # noqa: BLE001 - the refusal is what we look for
            return f"refused: {getattr(exc, 'code', exc)}"
        conn.close()
        return "open"
    return run_apart(attempt())
