"""Helpers of the browser tests that are not fixtures."""

from __future__ import annotations

import socket
import time

HOME_TAB = "Home"  # the first page: a manager's overview
STEP_TABS = ("1 Frame", "2 Map", "3 Link", "4 Measure", "5 Prioritise", "6 Publish")


def open_step(page, name: str) -> None:
    """Click a step's tab and give its (lazily built) page time to render."""
    page.locator(".wb-steps").get_by_text(name, exact=True).first.click()
    page.wait_for_timeout(1500)
    page.wait_for_load_state("networkidle")


def open_map(page) -> None:
    """From the home page to the life cycle map (step 1), its tiles shown."""
    page.wait_for_selector(".wb-steps", timeout=60_000)
    page.locator(".wb-steps").get_by_text("1 Frame", exact=True).first.click()
    page.wait_for_selector(".wb-tile", timeout=60_000)


XSS_LABEL = "I pay <script>window.__wb_xss = 1</script> my <b>bill</b>"
PASSWORDS = {"erin": "editor-pass-1", "vic": "viewer-pass-1"}


def login(page, base: str, user: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORDS[user])
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_selector(".wb-steps", timeout=60_000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"no server on port {port}")
