"""Dashboard interactions in a real Chromium on a big workspace: seconds until each view has settled.

    python benchmarks/bench_interactions.py --workspace PATH [--repeat 2] [--settle 60]

Starts ``workbench serve`` (the one on PATH of this Python, or ``--server-command``), waits ``--settle``
seconds (the background warm-up of a server that has run a while), then per repeat opens a fresh page and
measures: first paint (the home page's cards), step 1's life cycle map shown (every tile), tile click →
reason detail visible (and whether it is in view),
a segment filter change → the tiles changed and no loading indicator left, picking a system in Impact →
its figures, Actual paths → shown and at phase level, Conformance → its figures. Prints the best of the
repeats. Targets (issue 2b/8): first paint < 3 s; detail < 1 s and in view; filter < 1 s; Impact < 2 s; paths < 2 s;
conformance < 2 s. Loopback only; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settled(page, timeout: float = 120) -> None:
    """Until no Panel loading indicator is shown (and the websocket is idle for a moment)."""
    page.wait_for_timeout(150)
    page.wait_for_function("() => !document.querySelector('.pn-loading') && "
                           "![...document.querySelectorAll('*')].some(e => e.shadowRoot && "
                           "e.shadowRoot.querySelector('.pn-loading'))", timeout=timeout * 1000)


def timed(step):
    """Seconds the step took and what it returned; (inf, None) when it failed (its error is printed)."""
    began = time.perf_counter()
    try:
        extra = step()
    except Exception as exc:  # noqa: BLE001 - one failed step must not hide the others
        print(f"  a step failed: {str(exc).splitlines()[0][:200]}", flush=True)
        return float("inf"), None
    return time.perf_counter() - began, extra


def one_round(page, url: str, reason: str, label: str) -> dict:
    from playwright.sync_api import expect

    results = {}
    results["first paint"], _ = timed(lambda: (page.goto(url, timeout=180_000),
                                               page.wait_for_selector(".wb-home-cards", timeout=180_000)))
    results["life cycle map shown"], _ = timed(lambda: (
        page.locator(".wb-steps").get_by_text("1 Frame", exact=True).first.click(),
        page.wait_for_selector(".wb-tile", timeout=180_000)))

    def click():
        page.locator(f".wb-tile[data-reason='{reason}']").first.click()
        head = page.locator("h2", has_text=label).first
        expect(head).to_be_visible(timeout=120_000)
        box = head.bounding_box()
        return box is not None and 0 <= box["y"] < page.viewport_size["height"]
    results["tile click → detail"], in_view = timed(click)
    results["detail in view"] = in_view
    settled(page)

    tile = page.locator(f".wb-tile[data-reason='{reason}']").first
    before = tile.inner_text()

    def filter_change():
        page.locator(".wb-filter-segment select").select_option(index=1)
        expect(tile).not_to_have_text(before, timeout=120_000)
        settled(page)
    results["filter change → settled"], _ = timed(filter_change)

    page.locator(".wb-steps").get_by_text("5 Prioritise", exact=True).first.click()
    page.get_by_text("Impact", exact=True).first.click()
    page.locator(".choices").first.wait_for(timeout=120_000)
    settled(page)

    def impact():
        page.locator(".choices").first.click()
        page.locator(".choices__item--choice").first.click()
        page.get_by_text("Distinct customers", exact=True).first.wait_for(timeout=120_000)
        settled(page)
    results["Impact pick"], _ = timed(impact)

    def paths():
        page.get_by_text("Actual journeys", exact=True).first.click()
        page.get_by_text("distinct transitions", exact=False).first.wait_for(timeout=180_000)
        settled(page)
    results["Actual paths shown"], _ = timed(paths)

    def phase_level():
        page.locator("select").filter(has_text="Phases").first.select_option(label="Phases")
        page.get_by_text("distinct transitions between phases", exact=False).first.wait_for(timeout=180_000)
        settled(page)
    results["Actual paths, phase level"], _ = timed(phase_level)

    def conformance():
        page.get_by_text("Conformance", exact=True).first.click()
        page.get_by_text("customers on this journey", exact=False).first.wait_for(timeout=180_000)
        settled(page)
    results["Conformance"], _ = timed(conformance)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--settle", type=float, default=60)
    parser.add_argument("--server-command", default=f"{Path(sys.executable).parent / 'workbench'} serve")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from playwright.sync_api import sync_playwright

    import workbench as wb

    model = wb.open(args.workspace).load()
    reason = max(model.reasons)  # any reason; the same one every round
    port = free_port()
    server = subprocess.Popen([*shlex.split(args.server_command), str(args.workspace), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            time.sleep(0.2)
        time.sleep(args.settle)
        rounds = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for _ in range(args.repeat):
                page = browser.new_page(viewport={"width": 1500, "height": 1000})
                rounds.append(one_round(page, f"http://127.0.0.1:{port}/", reason, model.reasons[reason].label))
                page.close()
            browser.close()
        for key in rounds[0]:
            values = [r[key] for r in rounds]
            shown = all(values) if isinstance(values[0], bool) else f"{min(values):.2f} s (runs: " + \
                ", ".join(f"{v:.2f}" for v in values) + ")"
            print(f"{key:<28} {shown}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
