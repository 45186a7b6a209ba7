"""Signing in: back-off after failures, no user-name enumeration by timing, hash checks off the event
loop, sessions that end on the server at logout or when the user leaves the users file, cookie flags,
framing and content-security headers. Each test failed against the server before these fixes."""

from __future__ import annotations

import statistics
import threading
import time

import yaml
from security_helpers import PASSWORDS, cookie_value, request, sign_in, websocket_attempt

from workbench.web.signin import COOKIE
from workbench.web.throttle import LoginThrottle


def _session_cookie(answer) -> str:
    assert answer.status == 302, answer.status
    return cookie_value(answer.cookies[COOKIE])


def test_the_right_password_is_refused_while_backing_off(start_server, users_file):
    port = start_server(users=users_file, throttle=LoginThrottle(free=5, base=1.5, cap=60))
    for _ in range(5):
        assert sign_in(port, "vic", "wrong-password").status == 401
    refused = sign_in(port, "vic")
    assert refused.status == 429 and COOKIE not in refused.cookies
    assert int(refused.headers["Retry-After"]) >= 1
    assert sign_in(port, "erin").status == 429  # the address backs off too
    time.sleep(1.6)
    assert sign_in(port, "vic").status == 302  # after the wait, the right password works again


def test_unknown_and_known_names_take_as_long(start_server, users_file):
    port = start_server(users=users_file, throttle=LoginThrottle(free=1000))
    known, unknown = [], []
    for i in range(4):
        known.append(sign_in(port, "vic", f"wrong-{i}").seconds)
        unknown.append(sign_in(port, f"nobody-{i}", f"wrong-{i}").seconds)
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2.0, (known, unknown)


def test_hash_checks_do_not_hold_up_other_requests(start_server, users_file):
    port = start_server(users=users_file, throttle=LoginThrottle(free=1000))
    one_login = min(sign_in(port, "vic", "wrong").seconds for _ in range(2))
    logins = [threading.Thread(target=sign_in, args=(port, "vic", f"wrong-{i}")) for i in range(4)]
    for t in logins:
        t.start()
    time.sleep(0.05)
    page_times = []
    while any(t.is_alive() for t in logins):
        page_times.append(request(port, "GET", "/login").seconds)
        time.sleep(0.02)
    for t in logins:
        t.join()
    assert page_times and max(page_times) < 0.5 * one_login, (one_login, page_times)


def test_a_saved_cookie_opens_nothing_after_logout(start_server, users_file):
    port = start_server(users=users_file)
    cookie = _session_cookie(sign_in(port, "vic"))
    assert request(port, "GET", "/", headers={"Cookie": cookie}).status == 200
    assert request(port, "GET", "/logout", headers={"Cookie": cookie}).status == 200
    after = request(port, "GET", "/", headers={"Cookie": cookie})
    assert after.status == 302 and "/login" in after.headers["Location"]
    assert websocket_attempt(port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") == "refused: 403"


def test_a_user_removed_from_the_users_file_is_let_in_no_more(start_server, users_file):
    port = start_server(users=users_file)
    cookie = _session_cookie(sign_in(port, "vic"))
    assert request(port, "GET", "/", headers={"Cookie": cookie}).status == 200
    data = yaml.safe_load(users_file.read_text())
    del data["users"]["vic"]
    users_file.write_text(yaml.safe_dump(data))
    after = request(port, "GET", "/", headers={"Cookie": cookie})
    assert after.status == 302 and "/login" in after.headers["Location"]


def test_cookie_flags(start_server, users_file):
    plain = start_server(users=users_file)
    line = sign_in(plain, "vic").cookies[COOKIE]
    assert "HttpOnly" in line and "SameSite=Lax" in line and "Secure" not in line
    assert "Secure" in sign_in(start_server(users=users_file, secure_cookies=True), "vic").cookies[COOKIE]
    proxied = start_server(users=users_file, trusted_proxies=("127.0.0.1",))
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    assert "Secure" in sign_in(proxied, "vic", headers=forwarded).cookies[COOKIE]
    assert "Secure" not in sign_in(plain, "vic", headers=forwarded).cookies[COOKIE]  # not a trusted proxy


def test_the_session_cookie_does_not_reach_the_page(start_server, users_file):
    port = start_server(users=users_file)
    cookie = _session_cookie(sign_in(port, "erin"))
    page = request(port, "GET", "/", headers={"Cookie": cookie})
    assert page.status == 200
    secret = cookie.split("=", 1)[1].strip('"').split("|")[-1]
    import base64
    import re
    import zlib

    token = re.search(rb'"token":\s*"([^"]+)"', page.body).group(1).decode()
    head = token.split(".")[0]
    payload = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
    inner = re.search(rb'"__bk__zlib_":\s*"([^"]+)"', payload)
    text = zlib.decompress(base64.urlsafe_b64decode(inner.group(1) + b"=" * (-len(inner.group(1)) % 4))) \
        if inner else payload
    assert secret.encode() not in text and COOKIE.encode() not in text


def test_pages_may_not_be_framed_and_carry_a_policy(start_server, users_file):
    port = start_server(users=users_file)
    cookie = _session_cookie(sign_in(port, "vic"))
    for path, headers in (("/login", {}), ("/", {"Cookie": cookie})):
        answer = request(port, "GET", path, headers=headers)
        assert answer.headers["X-Frame-Options"] == "DENY"
        policy = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_the_login_page_escapes_what_it_echoes(start_server, users_file):
    port = start_server(users=users_file)
    answer = request(port, "GET", "/login?next=%22%3E%3Cscript%3Ewindow.__x%3D1%3C/script%3E")
    assert b"<script>window.__x" not in answer.body
    from urllib.parse import urlencode

    body = urlencode({"username": "vic", "password": PASSWORDS["vic"], "next": "//evil.example/"})
    redirect = request(port, "POST", "/login", body=body)
    assert redirect.status == 302 and redirect.headers["Location"] == "/"
