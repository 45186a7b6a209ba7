"""Screenshots of each step's main view for the README: `python docs/screenshots/make.py [WORKSPACE]`.

Serves the workspace (default: a 200,000-contact demo built in /tmp) and photographs every page in
Debian's Chromium at 1500×1000.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
PAGES = [("Home", None, "0-home.png"), ("1 Frame", None, "1-frame.png"), ("2 Map", None, "2-map.png"),
         ("3 Link", None, "3-link.png"), ("4 Measure", "KPIs", "4-measure.png"),
         ("4 Measure", "Segments", "4-segments.png"), ("4 Measure", "Listening path", "4-listening.png"),
         ("5 Prioritise", "Priorities", "5-prioritise.png"), ("5 Prioritise", "Improvement agenda", "5-agenda.png"),
         ("5 Prioritise", "Actual journeys", "5-actual-journeys.png"), ("6 Publish", None, "6-publish.png")]


def main() -> None:
    workspace = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/wb-screenshots")
    bin_dir = Path(sys.executable).parent
    if not (workspace / "workspace.yaml").exists():
        subprocess.run([bin_dir / "workbench", "demo", workspace, "--events", "200000", "--no-serve"], check=True,
                       stdout=subprocess.DEVNULL)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([bin_dir / "workbench", "serve", workspace, "--port", str(port), "--allow-edit"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            for _ in range(600):
                try:
                    page.goto(f"http://127.0.0.1:{port}/")
                    break
                except Exception:  # noqa: BLE001 - not listening yet
                    time.sleep(0.1)
            page.wait_for_selector(".wb-home-cards", timeout=120_000)
            page.locator(".wb-steps").get_by_text("1 Frame", exact=True).first.click()
            page.wait_for_selector(".wb-tile", timeout=120_000)
            page.locator(".wb-tile[data-reason='question-bill']").click()
            for step, sub, name in PAGES:
                page.locator(".wb-steps").get_by_text(step, exact=True).first.click()
                if sub:
                    try:  # the step's page is built in a worker thread the first time it is opened
                        page.get_by_text(sub, exact=True).first.wait_for(timeout=60_000)
                    except Exception:  # noqa: BLE001 - reported, the others are still taken
                        print(f"no sub-tab {sub!r} on {step}: {name} not taken")
                        continue
                    page.get_by_text(sub, exact=True).first.click()
                page.wait_for_timeout(6000)
                page.screenshot(path=HERE / name)
                print(HERE / name)
            browser.close()
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
