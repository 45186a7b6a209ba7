"""What every HTTP answer of the server carries, and the Host check for routes without sign-in.

A Tornado output transform (passed as the ``transforms`` application setting) adds the security
headers to every response and turns any response to a Host outside the allowlist into a 403 (static
files, the login page). Pages and websockets are checked earlier, before anything runs, by the auth
provider (:mod:`workbench.web.signin`).
"""

from __future__ import annotations

from tornado.httputil import HTTPHeaders, HTTPServerRequest
from tornado.web import OutputTransform

from workbench.web.hosts import HostAllowlist

# What the dashboard needs (checked in Chromium: no violation in the console): Bokeh's inline start-up
# scripts and its compiled models, inline styles, images as data: URLs, its websocket to this server.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
    "style-src 'self' 'unsafe-inline' blob: data:",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' blob: data:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
REFUSED = b"This server does not answer for that host name.\n"


class SecurityHeaders(OutputTransform):
    """Adds :data:`SECURITY_HEADERS`; answers 403 to a Host outside the allowlist."""

    def __init__(self, request: HTTPServerRequest, hosts: HostAllowlist):
        self._refused = not hosts.allows(request.headers.get("Host"))

    def transform_first_chunk(self, status_code: int, headers: HTTPHeaders, chunk: bytes,
                              finishing: bool) -> tuple[int, HTTPHeaders, bytes]:
        for name, value in SECURITY_HEADERS.items():
            headers[name] = value
        if self._refused:
            for name in ("Set-Cookie", "Location", "Etag", "Last-Modified", "Transfer-Encoding"):
                headers.pop(name, None)
            headers["Content-Type"] = "text/plain; charset=utf-8"
            headers["Content-Length"] = str(len(REFUSED))
            return 403, headers, REFUSED
        return status_code, headers, chunk

    def transform_chunk(self, chunk: bytes, finishing: bool) -> bytes:
        return b"" if self._refused else chunk


def security_transform(hosts: HostAllowlist):
    """The transform factory for Tornado's ``transforms`` setting (it is called with each request)."""
    return lambda request: SecurityHeaders(request, hosts)
