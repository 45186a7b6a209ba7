"""DNS rebinding: a page on evil.example resolving to 127.0.0.1 reached a loopback ``--allow-edit``
server (no Host check; Tornado skips the websocket origin check when Origin equals Host) and got the
editor role. Every request whose Host is not allowed is now refused before anything runs."""

from __future__ import annotations

import pytest
from security_helpers import request, websocket_attempt

from workbench.web.hosts import HostAllowlist, default_hosts


def test_pages_and_files_answer_only_allowed_hosts(start_server):
    port = start_server(allow_edit=True)
    assert request(port, "GET", "/").status == 200
    assert request(port, "GET", "/", host=f"localhost:{port}").status == 200
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example", "", f"[::2]:{port}"):
        for path in ("/", "/static/js/bokeh.min.js", "/components/certifi.__main__/x/_css/y", "/login"):
            answer = request(port, "GET", path, host=host)
            assert answer.status in (400, 403), (host, path, answer.status)
            assert b"Bokeh" not in answer.body and b"Journey Workbench" not in answer.body


def test_a_rebound_websocket_is_refused(start_server):
    port = start_server(allow_edit=True)
    evil = f"evil.example:{port}"
    assert websocket_attempt(port, evil, f"http://{evil}") == "refused: 403"
    assert websocket_attempt(port, f"127.0.0.1:{port}", "http://evil.example") == "refused: 403"


def test_an_allowed_name_can_be_added(start_server):
    port = start_server(allowed_hosts=("dash.example",))
    assert request(port, "GET", "/", host=f"dash.example:{port}").status == 200
    assert request(port, "GET", "/", host=f"127.0.0.1:{port}").status == 403  # no longer the default list


@pytest.mark.parametrize("address, allowed", [("127.0.0.1", {"127.0.0.1", "localhost", "::1"}),
                                              ("10.1.2.3", {"10.1.2.3", "localhost", "127.0.0.1", "::1"})])
def test_default_hosts_are_the_address_and_loopback(address, allowed):
    assert set(default_hosts(address)) == allowed
    assert not HostAllowlist(default_hosts(address)).allows("evil.example")
