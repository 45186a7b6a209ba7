"""Loading (and checking) a big contact CSV: time and peak memory, against a hand-written Polars query.

    python benchmarks/bench_source_load.py [--rows 3_000_000] [--repeat 3] [--folder /tmp/wb-bench]

Writes a CSV of ``--rows`` contacts (about 100 bytes a row), then in fresh child processes (peak RSS is a
per-process figure) runs, ``--repeat`` times each and keeps the best:
- ``polars``: ``pl.scan_csv(...).select(pl.len(), ...).collect()`` on the same file, the floor;
- ``load_source``: the workbench's checked load (detection, mapping, every bad-row check, report).
Prints seconds, peak RSS and the ratios load/polars. Run it on an idle machine, or say it was loaded.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

POLARS = """
import polars as pl
lf = pl.scan_csv(PATH, infer_schema=False)
lf.select(pl.len(), pl.col("customer_id").n_unique(), pl.col("cost").cast(pl.Float64, strict=False).sum()).collect()
"""
LOAD = """
from workbench.sources import SourceSpec, load_source
load_source(SourceSpec(id="bench", kind="csv", location=PATH), channels={"phone", "web", "app"})
"""


def write_csv(path: Path, rows: int) -> None:
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(0)
    pl.DataFrame({
        "customer_id": pl.Series(rng.integers(0, rows // 15 + 1, rows)).cast(pl.String).str.pad_start(8, "0"),
        "timestamp": "2026-03-01 10:00", "channel": rng.choice(["phone", "web", "app"], rows),
        "source_code": rng.choice(["BILL", "MOVE", "FAULT", "TEST"], rows), "segment": "families",
        "cost": rng.random(rows).round(2), "notes": "free text that makes a row as wide as an export's",
    }).write_csv(path)


def run(code: str, path: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of ``code`` in a child process."""
    child = textwrap.dedent(f"""
        import json, resource, time
        PATH = {str(path)!r}
        began = time.perf_counter()
        exec({code!r})
        print(json.dumps([time.perf_counter() - began,
                          resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))
    """)
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True)
    seconds, peak = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=lambda s: int(s.replace("_", "")), default=3_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/wb-bench"))
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    path = args.folder / f"contacts-{args.rows}.csv"
    if not path.exists():
        write_csv(path, args.rows)
    print(f"{path}: {path.stat().st_size / 1e6:,.0f} MB, {args.rows:,} rows")
    best = {}
    for _ in range(args.repeat):
        for name, code in (("polars", POLARS), ("load_source", LOAD)):
            seconds, peak = run(code, path)
            old = best.get(name, (float("inf"), float("inf")))
            best[name] = (min(old[0], seconds), min(old[1], peak))
    for name, (seconds, peak) in best.items():
        print(f"{name:12} {seconds:7.1f} s  peak {peak:6.0f} MB")
    (ts, ps), (tl, pl_) = best["polars"], best["load_source"]
    print(f"load_source / polars: time {tl / ts:.1f}x, peak memory {pl_ / ps:.1f}x")


if __name__ == "__main__":
    main()
