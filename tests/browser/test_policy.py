"""The dashboard under its Content-Security-Policy, offline: every page works with no CSP violation in
Chromium's console and no request leaving loopback (before: a Google font on every load)."""

from __future__ import annotations

import pytest
from browser_helpers import HOME_TAB, STEP_TABS, login, open_map, open_step

pytestmark = pytest.mark.ui

SUB_TABS = {"4 Measure": ("Segments", "Listening path", "Review queue", "KPIs"),
            "5 Prioritise": ("Improvement agenda", "Impact", "Actual journeys", "Priorities")}
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


def test_no_request_leaves_loopback_and_no_policy_violation(page, dashboard):
    outside, console = [], []
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else outside.append(r.url))
    page.on("console", lambda m: console.append(m.text))
    login(page, dashboard, "vic")
    open_map(page)
    page.locator(".wb-tile").first.click()
    page.wait_for_timeout(2000)
    for name in (*STEP_TABS, HOME_TAB):
        open_step(page, name)
        for sub in SUB_TABS.get(name, ()):  # every sub-tab too (before: a divider's stylesheet from the CDN)
            page.locator(".bk-tab", has_text=sub).first.click()
            page.wait_for_timeout(2500)
    violations = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert not violations, violations
    assert not outside, outside
