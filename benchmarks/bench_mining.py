"""Journey mining speed: workbench (Polars) vs pm4py, DFG + top-20 variants, in the same process.

Run by hand:  python benchmarks/bench_mining.py [--events 10_000_000] [--pm4py-max-events 2_000_000]

Logs: the real bpic2012.xes.gz (from ../shared/data/real) and a generated log of N events over ~N/8
cases with 60 activities drawn with Zipf skew. pm4py gets a pandas frame (conversion not timed) and
its time includes ``format_dataframe`` (its sort), as ours includes our sort. On a log larger than
``--pm4py-max-events`` pm4py runs on a sample of whole cases and its time is extrapolated linearly.
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl

from workbench.analysis.conformance import conformance
from workbench.analysis.mining import directly_follows, order_events, variants
from workbench.sources.xes import read_xes

REAL = Path(__file__).resolve().parents[1].parent / "shared/data/real"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_log(n_events: int, n_activities: int = 60, seed: int = 1) -> pl.DataFrame:
    """N events over ~N/8 cases (uniform), activities Zipf-skewed (p ∝ 1/rank), times over one year."""
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, n_activities + 1)
    activity = rng.choice(n_activities, size=n_events, p=weights / weights.sum())
    return pl.DataFrame({
        "case": rng.integers(0, max(1, n_events // 8), size=n_events),
        "activity": activity,
        "seconds": rng.integers(0, 365 * 86_400, size=n_events),
    }).select(
        pl.format("c{}", pl.col("case")).alias("case_id"),
        pl.format("reason_{}", pl.col("activity")).alias("activity"),
        (pl.datetime(2025, 1, 1, time_zone="UTC") + pl.duration(seconds=pl.col("seconds"))).alias("timestamp"),
    )


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def workbench_run(log: pl.DataFrame):
    """Two independent calls: each codes and sorts the log."""
    dfg = directly_follows(log, case="case_id", activity="activity")
    top = variants(log, case="case_id", activity="activity", top=20)
    return dfg, top


def workbench_run_shared(log: pl.DataFrame):
    """The log coded and sorted once (order_events), then both analyses."""
    ordered = order_events(log, case="case_id", activity="activity")
    return directly_follows(ordered), variants(ordered, top=20)


def pm4py_run(frame):
    import pm4py

    formatted = pm4py.format_dataframe(frame, case_id="case_id", activity_key="activity",
                                       timestamp_key="timestamp")
    dfg, _, _ = pm4py.discover_dfg(formatted)
    counts = pm4py.get_variants(formatted)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    return dfg, top


def compare(label: str, log: pl.DataFrame, pm4py_max_events: int) -> None:
    print(f"\n== {label}: {log.height:,} events, {log['case_id'].n_unique():,} cases")
    ours_s, (dfg, top) = timed(lambda: workbench_run(log))
    print(f"workbench  DFG + top-20 variants: {ours_s:8.2f} s  ({dfg.height} arcs, "
          f"top variant {top['cases'][0]} cases)   peak RSS so far {peak_rss_mb():,.0f} MB")
    shared_s, _ = timed(lambda: workbench_run_shared(log))
    print(f"workbench  same, sorted once    : {shared_s:8.2f} s")
    sample = log
    if log.height > pm4py_max_events:
        cases = log["case_id"].unique(maintain_order=True)
        keep = cases.head(int(len(cases) * pm4py_max_events / log.height))
        sample = log.filter(pl.col("case_id").is_in(keep.implode()))
    frame = sample.to_pandas()
    theirs_s, (their_dfg, _) = timed(lambda: pm4py_run(frame))
    if sample.height == log.height:
        assert dict(their_dfg) == {(s, t): f for s, t, f, *_ in dfg.iter_rows()}, "DFGs differ!"
        note = "(same DFG: checked)"
    else:
        theirs_s *= log.height / sample.height
        note = f"(EXTRAPOLATED linearly from a sample of {sample.height:,} events)"
    print(f"pm4py      DFG + top-20 variants: {theirs_s:8.2f} s  {note}")
    print(f"ratio pm4py / workbench: {theirs_s / ours_s:6.1f}x (sorted once: {theirs_s / shared_s:.1f}x)"
          f"    peak RSS {peak_rss_mb():,.0f} MB")


def conformance_run(log: pl.DataFrame) -> None:
    common = log["activity"].value_counts(sort=True)["activity"].head(6).to_list()
    design = [common[i] for i in (0, 2, 1, 4, 3)]
    seconds, result = timed(lambda: conformance(log, design, case="case_id", activity="activity"))
    print(f"\nconformance on {result.cases.height:,} touching cases (design {design}): {seconds:.2f} s, "
          f"mean fitness {result.summary['mean_fitness'][0]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=lambda s: int(s.replace("_", "")), default=1_000_000)
    parser.add_argument("--pm4py-max-events", type=lambda s: int(s.replace("_", "")), default=2_000_000)
    parser.add_argument("--skip-real", action="store_true", help="skip the bpic2012 log")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import pm4py  # noqa: F401  (imported before any timing: its import takes seconds)
    print(f"polars {pl.__version__}, {pl.thread_pool_size()} threads")

    bpic = REAL / "bpic2012.xes.gz"
    if not args.skip_real and bpic.exists():
        seconds, real = timed(lambda: read_xes(bpic))
        print(f"\nread_xes(bpic2012.xes.gz): {seconds:.2f} s")
        compare("bpic2012", real, args.pm4py_max_events)
    elif not args.skip_real:
        print(f"(bpic2012 skipped: {bpic} is absent)")

    seconds, log = timed(lambda: synthetic_log(args.events))
    print(f"\ngenerated {args.events:,} events in {seconds:.1f} s; peak RSS {peak_rss_mb():,.0f} MB")
    compare(f"synthetic log (60 Zipf activities, ~{args.events // 8:,} cases)", log, args.pm4py_max_events)
    conformance_run(log.head(min(log.height, 800_000)))


if __name__ == "__main__":
    main()
