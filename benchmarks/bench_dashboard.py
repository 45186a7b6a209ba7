"""Dashboard speed on a big demo workspace: first paint, filter changes, payload sizes.

    python benchmarks/bench_dashboard.py [--workspace PATH] [--events 10_000_000]

Builds the demo workspace if PATH is not one yet (10M contacts take a few minutes), then measures:
1. server start to first full paint (every tile of the life cycle map in a real Chromium), with a cold
   cache (no KPI cube on disk) and a warm one, and the same with the process already importing;
2. server time to re-render the life cycle map after a global filter change (median of several),
   from the cube and — for comparison — straight from the ten million events;
3. the size of what the life cycle map (80 reasons) and the journey view (40 steps) send to the browser.
Targets (issue 4/5): first paint < 3 s warm; filter change < 300 ms; a few hundred KB.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_paint(workspace: Path, reasons: int) -> tuple[float, float]:
    """Seconds from starting `workbench serve` to all tiles painted (the home page, then a click on step 1);
    and from the first request.

    The browser is started before the server, so its own start-up is not counted.
    """
    from playwright.sync_api import sync_playwright

    port = free_port()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                    "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        began = time.perf_counter()
        server = subprocess.Popen([str(Path(sys.executable).parent / "workbench"), "serve", str(workspace),
                                   "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not _listening(port):
                time.sleep(0.02)
            requested = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
            page.wait_for_selector(".wb-home-cards", timeout=180_000)  # the home page, then step 1's map
            page.locator(".wb-steps").get_by_text("1 Frame", exact=True).first.click()
            tiles = page.locator(".wb-tile")  # inside the map's shadow DOM, which locators pierce
            deadline = time.perf_counter() + 180
            while tiles.count() < reasons and time.perf_counter() < deadline:
                time.sleep(0.02)
            painted = time.perf_counter()
        finally:
            server.terminate()
            server.wait(timeout=30)
            browser.close()
    return painted - began, painted - requested


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def filter_changes(workspace: Path) -> dict[str, float]:
    """Median ms to recompute the map's tiles after a filter change (nothing cached but the cube): from the
    cube vs straight from the events."""
    import workbench as wb
    from workbench.cache import FigureCache
    from workbench.dataset import Dataset, Filters
    from workbench.display.lifecycle import tile_frame

    ws = wb.open(workspace)
    data = Dataset.of_workspace(ws, cache=FigureCache())
    data.cube()
    results = {}
    for name, compute in (("cube", data._measure), ("events", lambda by, kpis, f, p, c: data._from_events(
            by, kpis, f, p, c))):
        times = []
        for segment in [*data.model.segments, None] * (2 if name == "cube" else 1):
            began = time.perf_counter()
            measured = compute(["reason"], ("volume",), Filters(segment=segment), None, [])
            tile_frame(data.model, measured, "volume")
            times.append((time.perf_counter() - began) * 1000)
        results[name] = statistics.median(times)
    ws.close()
    return results


def payloads(workspace: Path) -> dict[str, int]:
    """Bytes of the Bokeh document of the map with 80 reasons and of a journey view with 40 steps."""
    from bokeh.core.json_encoder import serialize_json
    from bokeh.document import Document

    import workbench as wb
    from workbench.model import ContactReason, Episode, Journey, Step
    from workbench.ui.journey_view import JourneyView
    from workbench.ui.lifecycle_map import LifeCycleMap
    from workbench.ui.session import Session

    ws = wb.open(workspace)
    model = ws.load()
    phases = list(model.phases)
    for i in range(80 - len(model.reasons)):
        model.add(ContactReason(f"extra-{i}", phases[i % len(phases)], f"I do extra thing number {i}"))
    channels = list(model.channels)
    reasons = list(model.reasons)
    model.add(Journey("forty", "I take forty steps"))
    for e in range(6):
        model.add(Episode(f"forty-e{e}", "forty", f"I do part {e}"))
    for i in range(40):
        model.add(Step(f"forty-{i}", "forty", f"Step {i} of a long journey with a longer label",
                       episode=f"forty-e{i // 7}", channel=channels[i % len(channels)],
                       emotion=(i % 5) - 2, target_emotion=1,
                       moment_of_truth=i % 9 == 0, reason=reasons[i % len(reasons)]))
    session = Session(ws.dataset(model), journey="forty")
    sizes = {}
    for name, view in (("life cycle map, 80 reasons", LifeCycleMap(session=session)),
                       ("journey view, 40 steps", JourneyView(session=session))):
        doc = Document()
        root = view.__panel__().get_root(doc)
        doc.add_root(root)
        sizes[name] = len(serialize_json(doc.to_json()).encode())
    ws.close()
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", type=Path, default=Path("/tmp/wb-bench-10m"))
    parser.add_argument("--events", type=int, default=10_000_000)
    args = parser.parse_args()
    ws_path = args.workspace
    if not (ws_path / "workspace.yaml").exists():
        print(f"building the demo workspace with {args.events:,} contacts in {ws_path} …", flush=True)
        subprocess.run([str(Path(sys.executable).parent / "workbench"), "demo", str(ws_path), "--events",
                        str(args.events), "--no-serve"], check=True, stdout=subprocess.DEVNULL)
    with _Opened(ws_path) as ws:
        reasons = len(ws.load().reasons)
        rows = _rows(ws)
    print(f"workspace {ws_path}: {rows:,} contacts, {reasons} reasons")
    shutil.rmtree(ws_path / "cache", ignore_errors=True)
    cold = first_paint(ws_path, reasons)
    warm = first_paint(ws_path, reasons)
    print(f"first full paint, cold cache (cube built): {cold[0]:.1f} s from server start "
          f"({cold[1]:.1f} s from the first request)")
    print(f"first full paint, warm cache:              {warm[0]:.1f} s from server start "
          f"({warm[1]:.1f} s from the first request)   target < 3 s")
    changes = filter_changes(ws_path)
    print(f"filter change, map re-computed from the cube:   {changes['cube']:.0f} ms   target < 300 ms")
    print(f"filter change, straight from the events:        {changes['events']:.0f} ms   "
          f"(ratio {changes['events'] / changes['cube']:.0f}x)")
    for name, size in payloads(ws_path).items():
        print(f"payload of the {name}: {size / 1024:.0f} KB")


class _Opened:
    def __init__(self, path):
        import workbench as wb

        self.ws = wb.open(path)

    def __enter__(self):
        return self.ws

    def __exit__(self, *exc):
        self.ws.close()


def _rows(ws) -> int:
    import polars as pl

    return ws.contacts(check=False).frame.select(pl.len()).collect().item()


if __name__ == "__main__":
    main()
