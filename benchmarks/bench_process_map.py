"""The process map on a synthetic 1M-event log (200k cases, 60 activities, Zipf-like frequencies).

Run by hand: ``.venv/bin/python benchmarks/bench_process_map.py``. Prints the best of 3 runs of each part
and the map's cost as a multiple of the plain directly-follows graph (its baseline, same process).
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl

from workbench.analysis.mining import directly_follows, order_events
from workbench.analysis.process_map import filter_cases, process_map, variant_shares
from workbench.display.process_map import map_layout


def best(run, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(events: int = 1_000_000) -> None:
    rng = np.random.default_rng(0)
    times = pl.datetime_range(pl.datetime(2025, 1, 1), pl.datetime(2026, 1, 1), interval="30s", eager=True)
    log = pl.DataFrame({"customer_id": rng.integers(0, events // 5, events).astype(str),
                        "reason": [f"r{i:02d}" for i in rng.zipf(1.6, events) % 60],
                        "timestamp": times[:events].sample(events, seed=1)})
    ordered = order_events(log)
    pm = process_map(ordered, activities=12, arcs=30)
    dfg = best(lambda: directly_follows(ordered, start_end=True))
    full = best(lambda: process_map(ordered, activities=12, arcs=30))
    print(f"{events:,} events: directly-follows graph {dfg:.3f} s; process map (counts, cases per arc, cuts) "
          f"{full:.3f} s = {full / dfg:.1f}x; filter 'with' {best(lambda: filter_cases(ordered, 'r01')):.3f} s; "
          f"variants {best(lambda: variant_shares(ordered, 20)):.3f} s; "
          f"layout {best(lambda: map_layout(pm, {}, 'cases', width=1060)):.3f} s")


if __name__ == "__main__":
    main()
