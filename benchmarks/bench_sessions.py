"""Many dashboard sessions on one server process: 50 opened one after another, then 50 at once.

    python benchmarks/bench_sessions.py [--workspace PATH] [--events 1_000_000] [--sessions 50]
                                        [--big-description-mb 0] [--server-command "workbench serve"]

Starts ``workbench serve`` on a free loopback port, waits until it answers, then opens sessions the way
a browser does (GET the page, open its websocket, pull the document: ``workbench.web.probe``) and prints
p50/p95/max seconds to first paint (the document received) and to the home page's content (its cards
received, in the document or in a change after it), the total, errors and the server's RSS
with every session of the batch still open. ``--big-description-mb`` first gives one contact reason a
description of that many MB (per-session memory must not grow with it). Bounded: two batches, loopback
only, every request with a timeout; the server is stopped at the end.
Target (issue 2b/8): 50 at once p95 < 5 s on 2 cores, and never slower in total than one after another.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_until_up(port: int, timeout: float = 300) -> float:
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return time.perf_counter() - began
        time.sleep(0.1)
    raise TimeoutError("the server did not start")


def with_big_description(workspace: Path, megabytes: float) -> Path:
    import workbench as wb

    copy = workspace.with_name(workspace.name + f"-big{megabytes:g}")
    if not copy.exists():
        shutil.copytree(workspace, copy)
        ws = wb.open(copy)
        base = ws.load()
        new = base.copy()
        first = next(iter(new.reasons))
        new.reasons[first] = replace(new.reasons[first], description="I describe my reason at length. " *
                                     int(megabytes * 1e6 / 32))
        ws.commit(new, base=base)
        ws.close()
    return copy


CONTENT = "wb-home-cards"  # the home page's cards: what a visitor came for


def _p95(values: list[float]) -> float:
    return values[int(0.95 * (len(values) - 1))]


def batch(base: str, n: int, at_once: bool, pid: int) -> dict:
    from workbench.web.probe import close_all, open_many

    async def run():
        try:
            opened, total = await open_many(base, n, at_once=at_once, until=CONTENT)
            errors = 0
        except Exception as exc:  # noqa: BLE001 - counted and shown
            print(f"  error: {exc!r}")
            return {"errors": n}
        memory = rss_mb(pid)
        close_all(opened)
        times = sorted(o.first_paint for o in opened)
        pages = sorted(o.page for o in opened)
        content = sorted(o.content for o in opened)
        print(f"  page p50 {statistics.median(pages):.2f} s, first page {pages[0]:.2f} s, first paint {times[0]:.2f} s")
        return {"p50": statistics.median(times), "p95": _p95(times), "max": times[-1],
                "c50": statistics.median(content), "c95": _p95(content), "total": total, "errors": errors,
                "rss": memory, "doc_kb": opened[0].doc_bytes / 1024}
    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", type=Path, default=Path("/tmp/wb-bench-1m"))
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--settle", type=float, default=60, help="seconds to wait after the server is up")
    parser.add_argument("--big-description-mb", type=float, default=0)
    parser.add_argument("--server-command", default=f"{Path(sys.executable).parent / 'workbench'} serve",
                        help="how to start the server (its workspace and --port are appended)")
    args = parser.parse_args()
    workspace = args.workspace
    if not (workspace / "workspace.yaml").exists():
        print(f"building the demo workspace with {args.events:,} contacts in {workspace} …", flush=True)
        subprocess.run([str(Path(sys.executable).parent / "workbench"), "demo", str(workspace), "--events",
                        str(args.events), "--no-serve"], check=True, stdout=subprocess.DEVNULL)
    if args.big_description_mb:
        workspace = with_big_description(workspace, args.big_description_mb)
    port = free_port()
    server = subprocess.Popen([*shlex.split(args.server_command), str(workspace), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        started = wait_until_up(port)
        time.sleep(args.settle)  # let the background warm-up finish, as on a server that has run a while
        base = f"http://127.0.0.1:{port}"
        idle = rss_mb(server.pid)
        print(f"server up in {started:.1f} s; RSS idle {idle:.0f} MB; {args.sessions} sessions per batch")
        print(f"{'batch':<22}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'cards p50':>10}{'cards p95':>10}{'total s':>9}"
              f"{'errors':>8}{'RSS MB':>9}{'MB/session':>12}{'doc KB':>9}")
        for name, at_once in (("one after another", False), ("all at once", True)):
            r = batch(base, args.sessions, at_once, server.pid)
            if "p50" not in r:
                print(f"{name:<22}{'':>33}{r['errors']:>8}")
                continue
            per = (r["rss"] - idle) / args.sessions
            print(f"{name:<22}{r['p50']:>8.2f}{r['p95']:>8.2f}{r['max']:>8.2f}{r['c50']:>10.2f}{r['c95']:>10.2f}"
                  f"{r['total']:>9.2f}{r['errors']:>8}{r['rss']:>9.0f}{per:>12.2f}{r['doc_kb']:>9.0f}")
    finally:
        server.terminate()
        try:
            _, err = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            _, err = server.communicate()
        tracebacks = err.count("Traceback")
        print(f"server log: {tracebacks} traceback(s), {err.count('WebSocketClosedError')} WebSocketClosedError")


if __name__ == "__main__":
    main()
