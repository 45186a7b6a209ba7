"""Browser tests: the real dashboard served on a free port in a thread, driven by Debian's Chromium."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from browser_helpers import PASSWORDS, XSS_LABEL, free_port, wait_for

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.ui


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.ui)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="Debian's chromium is not installed (.ci/run installs it)"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                     "--no-first-run", "--disable-component-update", "--disable-sync"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1500, "height": 1000}}


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory) -> Path:
    """A small demo workspace; its most used reason's label carries a script tag to prove escaping."""
    from workbench.demo import build_demo

    path = tmp_path_factory.mktemp("browser") / "ws"
    ws = build_demo(path, events=20_000, seed=1)
    base = ws.load()
    new = base.copy()
    first = next(iter(new.reasons))
    new.reasons[first] = replace(new.reasons[first], label=XSS_LABEL)
    ws.commit(new, base=base)
    ws.close()
    return path


@pytest.fixture(scope="session")
def users_file(tmp_path_factory) -> Path:
    from workbench.auth import add_user

    path = tmp_path_factory.mktemp("users") / "users.yaml"
    add_user(path, "erin", PASSWORDS["erin"], "editor")
    add_user(path, "vic", PASSWORDS["vic"], "viewer")
    return path


@pytest.fixture(scope="session")
def dashboard(demo_workspace, users_file):
    """The served dashboard with login: yields its base URL."""
    from workbench.server import serve

    port = free_port()
    server = serve(demo_workspace, port=port, users=users_file, threaded=True, cookie_secret="test-secret-" * 4)
    wait_for(port)
    yield f"http://127.0.0.1:{port}"
    server.stop()
