"""Security tests: real servers on loopback, attacked with raw HTTP and websocket requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from security_helpers import PASSWORDS, free_port, wait_for


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/security" in str(item.fspath):
            item.add_marker(pytest.mark.security)


@pytest.fixture(scope="session")
def small_workspace(tmp_path_factory) -> Path:
    from workbench.demo import build_demo

    path = tmp_path_factory.mktemp("security") / "ws"
    build_demo(path, events=3_000, seed=2).close()
    return path


@pytest.fixture
def users_file(tmp_path) -> Path:
    from workbench.auth import add_user

    path = tmp_path / "users.yaml"
    add_user(path, "erin", PASSWORDS["erin"], "editor")
    add_user(path, "vic", PASSWORDS["vic"], "viewer")
    return path


@pytest.fixture
def start_server(small_workspace):
    """Start a dashboard server in a thread with the given serve() options; returns its port."""
    from workbench.server import serve

    started = []

    def start(**options) -> int:
        port = free_port()
        started.append(serve(small_workspace, port=port, threaded=True, cookie_secret="security-test-" * 4,
                             **options))
        wait_for(port)
        return port

    yield start
    for server in started:
        server.stop()
