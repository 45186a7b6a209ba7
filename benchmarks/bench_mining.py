"""Journey mining speed: workbench (Polars) vs pm4py, DFG + top-20 variants and XES reading, same process.

Run by hand:  python benchmarks/bench_mining.py [--events 1_000_000] [--repeat 3] [--xes-repeat 3]

Logs: the real bpic2012.xes.gz (from ../shared/data/real) and a generated log of N events over ~N/8
cases with 60 activities drawn with Zipf skew. Each timing is the best of ``--repeat`` runs, the two
sides measured alternately; wall time decides, CPU time (all threads) is shown beside it. Mining: our
two independent calls (each codes and sorts the log) against pm4py's ``format_dataframe`` (its sort)
+ ``discover_dfg`` + ``get_variants`` on a pandas frame (the conversion is not timed); both results
are checked equal. XES: ``read_xes`` against pm4py's ``read_xes`` (its default importer, progress bar
off); the two frames are checked equal. On a log larger than ``--pm4py-max-events`` pm4py runs on a
sample of whole cases and its time is extrapolated linearly (nothing is checked then). The last lines
compare each ratio with the target of the issue.
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
TARGETS = {"xes": 10.0, "bpic2012": 10.0, "generated": 20.0}


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


def cpu_seconds() -> float:
    """CPU time of this process so far, all threads (Polars uses several, pm4py one)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def best_of(repeat: int, **runs) -> dict[str, tuple[float, float, object]]:
    """Best wall time, best CPU time and last result of each run, the runs taking turns ``repeat`` times."""
    best: dict[str, tuple[float, float, object]] = {}
    for _ in range(repeat):
        for name, run in runs.items():
            start, start_cpu = time.perf_counter(), cpu_seconds()
            result = run()
            seconds, cpu = time.perf_counter() - start, cpu_seconds() - start_cpu
            wall0, cpu0, _ = best.get(name, (seconds, cpu, None))
            best[name] = (min(seconds, wall0), min(cpu, cpu0), result)
    return best


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
    counts = pm4py.get_variants(formatted)  # right only on a formatted (sorted) frame
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    return dfg, counts, top


def check_same(log: pl.DataFrame, dfg: pl.DataFrame, top: pl.DataFrame, theirs) -> str:
    their_dfg, their_counts, their_top = theirs
    assert dict(their_dfg) == {(s, t): f for s, t, f, *_ in dfg.iter_rows()}, "DFGs differ!"
    everything = variants(log, case="case_id", activity="activity")
    assert {tuple(v): n for v, n in everything.select("variant", "cases").iter_rows()} == dict(their_counts), \
        "variants differ!"
    assert [(tuple(v), n) for v, n in top.select("variant", "cases").iter_rows()] == their_top, "top-20 differ!"
    return f"same DFG ({dfg.height} arcs), same {everything.height:,} variants and top 20: checked"


def compare(label: str, log: pl.DataFrame, args) -> float:
    print(f"\n== {label}: {log.height:,} events, {log['case_id'].n_unique():,} cases")
    sample = log
    if log.height > args.pm4py_max_events:
        cases = log["case_id"].unique(maintain_order=True)
        keep = cases.head(int(len(cases) * args.pm4py_max_events / log.height))
        sample = log.filter(pl.col("case_id").is_in(keep.implode()))
    frame = sample.to_pandas()
    times = best_of(args.repeat, workbench=lambda: workbench_run(log),
                    shared=lambda: workbench_run_shared(log), pm4py=lambda: pm4py_run(frame))
    ours_s, ours_cpu, (dfg, top) = times["workbench"]
    shared_s, shared_cpu, _ = times["shared"]
    theirs_s, theirs_cpu, theirs = times["pm4py"]
    if sample.height == log.height:
        note = check_same(log, dfg, top, theirs)
    else:
        scale = log.height / sample.height
        theirs_s, theirs_cpu = theirs_s * scale, theirs_cpu * scale
        note = f"EXTRAPOLATED linearly from a sample of {sample.height:,} events; not checked"
    print(f"workbench  DFG + top-20 variants, 2 calls: {ours_s:8.3f} s, cpu {ours_cpu:7.3f} s"
          f"   (sorted once: {shared_s:.3f} s, cpu {shared_cpu:.3f} s)")
    print(f"pm4py      DFG + top-20 variants         : {theirs_s:8.3f} s, cpu {theirs_cpu:7.3f} s   ({note})")
    print(f"ratio pm4py / workbench: {theirs_s / ours_s:6.1f}x  (sorted once: {theirs_s / shared_s:.1f}x;"
          f" cpu time {theirs_cpu / ours_cpu:.1f}x)   best of {args.repeat}; peak RSS {peak_rss_mb():,.0f} MB")
    return theirs_s / ours_s, theirs_cpu / ours_cpu


def compare_xes(path: Path, repeat: int) -> float:
    import pm4py

    print(f"\n== XES reading: {path.name}")
    times = best_of(repeat, workbench=lambda: read_xes(path),
                    pm4py=lambda: pm4py.read_xes(str(path), return_legacy_log_object=False,
                                                 show_progress_bar=False))
    (ours_s, ours_cpu, ours), (theirs_s, theirs_cpu, theirs) = times["workbench"], times["pm4py"]
    theirs = pl.from_pandas(theirs[["case:concept:name", "concept:name", "time:timestamp"]])
    assert ours["case_id"].to_list() == theirs["case:concept:name"].to_list(), "case ids differ!"
    assert ours["activity"].to_list() == theirs["concept:name"].to_list(), "activities differ!"
    stamps = theirs["time:timestamp"].dt.cast_time_unit("us").dt.convert_time_zone("UTC")
    assert (ours["timestamp"] == stamps).all(), "timestamps differ!"
    print(f"workbench  read_xes: {ours_s:8.3f} s, cpu {ours_cpu:7.3f} s   ({ours.height:,} events)")
    print(f"pm4py      read_xes: {theirs_s:8.3f} s, cpu {theirs_cpu:7.3f} s   "
          "(same cases, activities and timestamps: checked)")
    print(f"ratio pm4py / workbench: {theirs_s / ours_s:6.1f}x  (cpu time {theirs_cpu / ours_cpu:.1f}x)"
          f"   best of {repeat}")
    return theirs_s / ours_s, theirs_cpu / ours_cpu


def conformance_run(log: pl.DataFrame) -> None:
    common = log["activity"].value_counts(sort=True)["activity"].head(6).to_list()
    design = [common[i] for i in (0, 2, 1, 4, 3)]
    start = time.perf_counter()
    result = conformance(log, design, case="case_id", activity="activity")
    print(f"\nconformance on {result.cases.height:,} touching cases (design {design}): "
          f"{time.perf_counter() - start:.2f} s, mean fitness {result.summary['mean_fitness'][0]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    number = lambda s: int(s.replace("_", ""))  # noqa: E731
    parser.add_argument("--events", type=number, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each mining timing (best kept)")
    parser.add_argument("--xes-repeat", type=int, default=3, help="runs of each XES timing (best kept)")
    parser.add_argument("--pm4py-max-events", type=number, default=2_000_000)
    parser.add_argument("--skip-real", action="store_true", help="skip the bpic2012 log")
    parser.add_argument("--conformance", action="store_true", help="also time conformance (one run)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import pm4py  # noqa: F401  (imported before any timing: its import takes seconds)
    print(f"polars {pl.__version__}, {pl.thread_pool_size()} threads; "
          f"load average {' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())}")

    ratios: dict[str, tuple[str, tuple[float, float]]] = {}
    bpic = REAL / "bpic2012.xes.gz"
    if not args.skip_real and bpic.exists():
        ratios["xes"] = ("XES read, bpic2012", compare_xes(bpic, args.xes_repeat))
        ratios["bpic2012"] = ("DFG + top-20 variants as 2 calls, bpic2012",
                              compare("bpic2012", read_xes(bpic), args))
    elif not args.skip_real:
        print(f"(bpic2012 skipped: {bpic} is absent)")

    start = time.perf_counter()
    log = synthetic_log(args.events)
    print(f"\ngenerated {args.events:,} events in {time.perf_counter() - start:.1f} s")
    ratios["generated"] = (f"DFG + top-20 variants as 2 calls, {args.events:,} events",
                           compare(f"generated log (60 Zipf activities, ~{args.events // 8:,} cases)", log, args))
    if args.conformance:
        conformance_run(log.head(min(log.height, 800_000)))

    print("\n== ratios against the targets (pm4py wall time / workbench wall time, best of each;"
          " CPU-time ratio beside it)")
    for key, (label, (ratio, cpu_ratio)) in ratios.items():
        target = TARGETS[key]
        print(f"{label:52s} {ratio:6.1f}x   target >= {target:.0f}x   {'met' if ratio >= target else 'MISSED':6s}"
              f"   (cpu {cpu_ratio:.1f}x)")


if __name__ == "__main__":
    main()
