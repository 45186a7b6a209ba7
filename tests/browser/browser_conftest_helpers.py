"""Helpers of the browser tests that are not fixtures."""

from __future__ import annotations

STEP_TABS = ("1 Frame", "2 Map", "3 Link", "4 Measure", "5 Prioritise", "6 Publish")


def open_step(page, name: str) -> None:
    """Click a step's tab and give its (lazily built) page time to render."""
    page.locator(".wb-steps").get_by_text(name, exact=True).first.click()
    page.wait_for_timeout(1500)
    page.wait_for_load_state("networkidle")
