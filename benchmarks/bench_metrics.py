"""Speed and memory of the workbench's KPI cube and ``measure`` against DuckDB, hand-written Polars and pandas.

Run by hand:
    python benchmarks/bench_metrics.py --events 10_000_000 --repeat 3
    python benchmarks/bench_metrics.py --events 1_000_000 --repeat 5
    python benchmarks/bench_metrics.py --stream-events 100_000_000

The first mode computes the standard KPI set with repeat contacts by reason x channel x segment x month
in one process: DuckDB (a window ``lead()`` over customer and reason), a hand-written Polars query, the
workbench cube (``Cube.build`` + ``Cube.measure``: what the dashboard does), ``measure`` on the events,
and pandas. Each is run ``--repeat`` times side by side (round robin) and the best time is kept. It prints
the ratios with their targets (cube <= 0.8x DuckDB at 10M, <= 1.0x at 1M), checks that every engine gives
the same numbers, and checks the cube's merged distinct customers (a HyperLogLog sketch past
``sketch.EXACT_PAIRS``) against the exact counts by reason, segment, month and in total (target:
within 2 %). The second generates the events month by month to Parquet (never all in memory) and
runs ``measure`` with the streaming engine in a child process, reporting its time and peak RSS
(target under 8 GB). Past ``workbench.metrics.buckets.ROWS_PER_BUCKET`` events ``measure`` works bucket
by bucket of customers; ``--buckets N`` forces N, and ``--check`` first shows on two months that the
bucketed figures equal the one-pass figures.
    python benchmarks/bench_metrics.py --stream-events 100_000_000 --folder /tmp/wbm100m --check
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from workbench.metrics import Dimensions, measure
from workbench.metrics.buckets import auto_buckets
from workbench.metrics.cube import Cube

KPIS = ["volume", "customers", "cost", "cost_per_contact", "aht", "complaint_rate", "repeat_rate", "fcr",
        "nps", "ces", "csat", "digital_share"]
BY = ["reason", "channel", "segment", "period"]
CHANNELS = {"phone": False, "email": True, "chat": True, "app": True, "web": True, "shop": False}
SEGMENTS = ["private", "business", "student", "senior"]
REASONS = [f"r{i:02d}" for i in range(1, 71)]
MONTHS = 12


def dims() -> Dimensions:
    return Dimensions.build(reasons={r: (f"p{int(r[1:]) % 12}", f"s{int(r[1:]) % 5}") for r in REASONS},
                            channels=CHANNELS)


def generate_month(month: int, n: int, n_customers: int, seed: int = 7) -> pl.DataFrame:
    """``n`` canonical contacts in month ``month`` (1-12 of 2025); 15% repeat an earlier contact."""
    rng = np.random.default_rng([seed, month])
    weights = 1.0 / np.arange(1, len(REASONS) + 1) ** 0.8
    reason = rng.choice(len(REASONS), n, p=weights / weights.sum())
    customer = rng.integers(0, n_customers, n)
    start = np.datetime64(f"2025-{month:02d}-01", "us").astype(np.int64)
    end = np.datetime64(f"2025-{month + 1:02d}-01" if month < 12 else "2026-01-01", "us").astype(np.int64)
    ts = rng.integers(start, end, n)
    again = rng.random(n) < 0.15
    src = rng.integers(0, n, again.sum())
    customer[again], reason[again] = customer[src], reason[src]
    ts[again] = ts[src] + rng.integers(1, 10 * 86_400_000_000, again.sum())
    channel = rng.choice(len(CHANNELS), n, p=[0.35, 0.15, 0.1, 0.2, 0.15, 0.05])

    def survey(lo: int, hi: int, p: float) -> np.ndarray:
        return np.where(rng.random(n) < p, rng.integers(lo, hi + 1, n), -1)

    frame = pl.DataFrame({
        "customer_id": pl.Series(customer).cast(pl.String),
        "timestamp": pl.Series(ts).cast(pl.Datetime("us", "UTC")),
        "channel": pl.Series(list(CHANNELS)).gather(channel),
        "reason": pl.Series(REASONS).gather(reason),
        "source_code": pl.Series([f"SRC-{r}" for r in REASONS]).gather(reason),
        "segment": pl.Series(SEGMENTS).gather(rng.integers(0, len(SEGMENTS), n)),
        "cost": np.round(rng.gamma(2.0, 3.0, n), 2),
        "handling_seconds": np.where(rng.random(n) < 0.02, np.nan, rng.gamma(3.0, 120.0, n)),
        "complaint": rng.random(n) < 0.03,
        "resolved": rng.random(n) < 0.8,
        "nps": survey(0, 10, 0.10), "ces": survey(1, 7, 0.05), "csat": survey(1, 5, 0.08),
    })
    return frame.with_columns(
        pl.concat_str(pl.lit("C"), pl.col("customer_id").str.zfill(9)).alias("customer_id"),
        pl.col("handling_seconds").fill_nan(None),
        *(pl.when(pl.col(c) >= 0).then(pl.col(c)).cast(pl.Int8).alias(c) for c in ("nps", "ces", "csat")))


def write_events(folder: Path, n: int) -> str:
    """Write ``n`` events as one Parquet file per month; return the glob to scan."""
    folder.mkdir(parents=True, exist_ok=True)
    for month in range(1, MONTHS + 1):
        rows = n // MONTHS + (1 if month <= n % MONTHS else 0)
        generate_month(month, rows, max(n // 10, 1)).write_parquet(folder / f"month=2025-{month:02d}.parquet")
    return str(folder / "*.parquet")


def workbench_query(source: str, engine: str = "auto", buckets: int | None = None) -> pl.DataFrame:
    return measure(pl.scan_parquet(source), by=BY, period="month", kpis=KPIS, dims=dims(), engine=engine,
                   buckets=buckets)


def baseline_query(source: str) -> pl.DataFrame:
    """The same figures as a minimal hand-written Polars query (no ties in the synthetic timestamps)."""
    ts, nxt = pl.col("timestamp"), pl.col("timestamp").shift(-1)
    same = (pl.col("customer_id").shift(-1) == pl.col("customer_id")) & (pl.col("reason").shift(-1) == pl.col("reason"))
    repeat = (same & (nxt > ts) & (nxt - ts <= pl.duration(days=7))).fill_null(False).cast(pl.Float64)
    digital = [c for c, d in CHANNELS.items() if d]
    s = pl.col("nps")
    return (pl.scan_parquet(source).sort("customer_id", "reason", "timestamp")
            .with_columns(repeat.alias("repeat"), pl.col("timestamp").dt.truncate("1mo").dt.date().alias("period"))
            .group_by(BY).agg(
                pl.len().alias("volume"), pl.col("customer_id").n_unique().alias("customers"),
                pl.col("cost").sum(), pl.col("cost").mean().alias("cost_per_contact"),
                pl.col("handling_seconds").mean().alias("aht"),
                pl.col("complaint").cast(pl.Float64).mean().alias("complaint_rate"),
                pl.col("repeat").mean().alias("repeat_rate"), (1 - pl.col("repeat").mean()).alias("fcr"),
                (100 * ((s >= 9).cast(pl.Int64).sum() - (s <= 6).cast(pl.Int64).sum()) / s.count()).alias("nps"),
                pl.col("ces").cast(pl.Float64).mean(),
                ((pl.col("csat") >= 4).sum() / pl.col("csat").count()).alias("csat"),
                pl.col("channel").is_in(digital).cast(pl.Float64).mean().alias("digital_share"))
            .sort(BY).collect())


def pandas_query(source: str):
    import pandas as pd

    df = pd.read_parquet(Path(source).parent, engine="pyarrow")
    df = df.sort_values(["customer_id", "reason", "timestamp"], kind="stable").reset_index(drop=True)
    nxt = df["timestamp"].shift(-1)
    same = (df["customer_id"].shift(-1) == df["customer_id"]) & (df["reason"].shift(-1) == df["reason"])
    gap = nxt - df["timestamp"]
    df["repeat"] = (same & (gap > pd.Timedelta(0)) & (gap <= pd.Timedelta(days=7))).astype(float)
    df["period"] = df["timestamp"].dt.tz_convert(None).dt.to_period("M").dt.start_time.dt.date
    df["digital"] = df["channel"].map(CHANNELS).astype(float)
    df["complaint_f"] = df["complaint"].astype(float)
    nps = df["nps"].astype("float")
    df["nps_p"] = np.where(nps.isna(), np.nan, (nps >= 9).astype(float) - (nps <= 6).astype(float))
    csat = df["csat"].astype("float")
    df["csat_ok"] = np.where(csat.isna(), np.nan, (csat >= 4).astype(float))
    df["ces_f"] = df["ces"].astype("float")
    g = df.groupby(BY, observed=True, sort=True)
    out = pd.DataFrame({
        "volume": g.size(), "customers": g["customer_id"].nunique(), "cost": g["cost"].sum(),
        "cost_per_contact": g["cost"].mean(), "aht": g["handling_seconds"].mean(),
        "complaint_rate": g["complaint_f"].mean(), "repeat_rate": g["repeat"].mean(),
        "fcr": 1 - g["repeat"].mean(), "nps": 100 * g["nps_p"].mean(), "ces": g["ces_f"].mean(),
        "csat": g["csat_ok"].mean(), "digital_share": g["digital"].mean()}).reset_index()
    return pl.from_pandas(out)


def duckdb_query(source: str) -> pl.DataFrame:
    """The same figures in DuckDB: repeats from ``lead()`` over (customer, reason) (no ties in the data)."""
    import duckdb

    digital = ", ".join(f"'{c}'" for c, d in CHANNELS.items() if d)
    repeat = "CASE WHEN nxt > timestamp AND nxt - timestamp <= INTERVAL 7 DAY THEN 1.0 ELSE 0.0 END"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con.sql(f"""
        WITH e AS (SELECT *, lead(timestamp) OVER (PARTITION BY customer_id, reason ORDER BY timestamp) AS nxt
                   FROM read_parquet('{source}'))
        SELECT reason, channel, segment, date_trunc('month', timestamp)::DATE AS period,
          count(*) AS volume, count(DISTINCT customer_id) AS customers, sum(cost) AS cost,
          avg(cost) AS cost_per_contact, avg(handling_seconds) AS aht, avg(complaint::DOUBLE) AS complaint_rate,
          avg({repeat}) AS repeat_rate, 1 - avg({repeat}) AS fcr,
          100.0 * (count(*) FILTER (nps >= 9) - count(*) FILTER (nps <= 6)) / count(nps) AS nps,
          avg(ces::DOUBLE) AS ces, count(*) FILTER (csat >= 4) / count(csat) AS csat,
          avg((channel IN ({digital}))::DOUBLE) AS digital_share
        FROM e GROUP BY ALL ORDER BY ALL""").pl()


def cube_query(source: str) -> tuple[pl.DataFrame, Cube]:
    """The dashboard's path: the cube of the events, then the figures by its full grain."""
    cube = Cube.build(pl.scan_parquet(source), dims())
    return cube.measure(by=BY[:3], kpis=KPIS, dims=dims(), period="month"), cube


def same_numbers(a: pl.DataFrame, b: pl.DataFrame, name: str) -> None:
    a, b = (f.with_columns(pl.col("volume", "customers").cast(pl.Int64)) for f in (a, b))
    joined = a.join(b, on=BY, how="full", suffix="_b", nulls_equal=True)
    assert joined.height == a.height == b.height, f"{name}: {a.height} vs {b.height} groups"
    for k in KPIS:
        x, y = (joined[c].cast(pl.Float64).fill_nan(None) for c in (k, f"{k}_b"))
        bad = ((x - y).abs() > 1e-6 * (1 + y.abs())).fill_null(x.is_null() != y.is_null()).sum()
        assert bad == 0, f"{name}: {bad} groups differ on {k}"
    print(f"  {name}: same numbers on {a.height:,} groups x {len(KPIS)} KPIs")


def check_customers(cube: Cube, source: str) -> None:
    """The cube's distinct customers over many cells against exact counts from the events."""
    events = pl.scan_parquet(source)
    worst = 0.0
    for by in (["reason"], ["segment"], ["period"], []):
        got = cube.measure(by=by, kpis=["customers"], dims=dims(), period="month" if by == ["period"] else None)
        lf = events.with_columns(pl.col("timestamp").dt.truncate("1mo").dt.date().alias("period"))
        exact = (lf.group_by(by).agg(pl.col("customer_id").n_unique()) if by
                 else lf.select(pl.col("customer_id").n_unique())).collect()
        joined = got.join(exact, on=by, suffix="_exact") if by else pl.concat([got, exact.rename(
            {"customer_id": "customer_id_exact"})], how="horizontal")
        exact_col = "customer_id" if "customer_id" in joined.columns else "customer_id_exact"
        error = ((joined["customers"] - joined[exact_col]).abs() / joined[exact_col]).max()
        worst = max(worst, error)
    print(f"  distinct customers merged over cells ({cube.customers_mode}): worst error {worst:.2%} "
          f"by reason, segment, month and in total (target <= 2%)")


def timed(label: str, fn, *args):
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(*args)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  {label:<14} {took:7.2f} s  (CPU {cpu:6.2f} s)", flush=True)
    return out, (took, cpu)


def run_compare(n: int, pandas: bool, repeat: int = 1, events_path: bool = True) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        source = write_events(Path(tmp) / "events", n)
        print(f"generated {n:,} events in {time.perf_counter() - start:.1f} s; polars {pl.__version__}, "
              f"{pl.thread_pool_size()} threads; best of {repeat}")
        runs = {"duckdb": duckdb_query, "polars": baseline_query, "workbench cube": cube_query}
        if events_path:
            runs["measure"] = workbench_query
        if pandas:
            runs["pandas"] = pandas_query
        best: dict[str, float] = {}
        best_cpu: dict[str, float] = {}
        out: dict[str, object] = {}
        timed("warm-up", duckdb_query, source)  # the files into the page cache
        for _ in range(repeat):  # round robin, so a noisy neighbour slows every engine alike
            for name, fn in runs.items():
                out[name], (took, cpu) = timed(name, fn, source)
                best[name] = min(best.get(name, took), took)
                best_cpu[name] = min(best_cpu.get(name, cpu), cpu)
        figures, cube = out["workbench cube"]
        target = 0.8 if n >= 10_000_000 else 1.0
        print(f"best of {repeat}: " + ", ".join(f"{k} {v:.2f} s" for k, v in best.items()))
        print("best CPU time (all threads; steadier than the wall clock on a shared machine): "
              + ", ".join(f"{k} {v:.2f} s" for k, v in best_cpu.items()))
        print(f"  ratio workbench cube / duckdb = {best['workbench cube'] / best['duckdb']:.2f} (target <= {target}); "
              f"in CPU time {best_cpu['workbench cube'] / best_cpu['duckdb']:.2f}")
        print(f"  ratio workbench cube / polars = {best['workbench cube'] / best['polars']:.2f}")
        if events_path:
            print(f"  ratio measure / polars = {best['measure'] / best['polars']:.2f} (target <= 1.3)")
        if pandas:
            print(f"  ratio pandas / workbench cube = {best['pandas'] / best['workbench cube']:.2f}")
        same_numbers(figures, out["duckdb"], "workbench cube vs duckdb")
        same_numbers(figures, out["polars"], "workbench cube vs polars")
        if events_path:
            same_numbers(out["measure"], out["polars"], "measure vs polars")
        if pandas:
            same_numbers(figures, out["pandas"], "workbench cube vs pandas")
        check_customers(cube, source)


def check_buckets(root: Path, n_buckets: int = 4) -> None:
    """The figures of two months measured in ``n_buckets`` buckets equal those of one pass."""
    from polars.testing import assert_frame_equal

    source = str(root / "month=2025-0[12].parquet")
    one, t_one = timed("1 bucket", workbench_query, source, "auto", 1)
    more, t_more = timed(f"{n_buckets} buckets", workbench_query, source, "streaming", n_buckets)
    assert_frame_equal(more, one)
    floats = ["cost", "cost_per_contact", "aht"]
    assert_frame_equal(more.drop(floats, strict=False), one.drop(floats, strict=False), check_exact=True)
    worst = max((more[c] - one[c]).abs().max() for c in floats)
    print(f"  two months: {n_buckets} buckets give the same figures as one pass on {one.height:,} groups "
          f"(integer-based KPIs bit for bit; float sums within {worst:.1e})")


def run_stream(n: int, folder: str | None, engines: list[str], buckets: int | None, check: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(folder or tmp) / "events"
        if len(list(root.glob("*.parquet"))) < MONTHS:
            start = time.perf_counter()
            write_events(root, n)
            print(f"generated {n:,} events month by month in {time.perf_counter() - start:.1f} s")
        if check:
            check_buckets(root)
        for engine in engines:
            start = time.perf_counter()
            child = subprocess.run([sys.executable, __file__, "--child", str(root / "*.parquet"), engine,
                                    str(buckets or 0)], capture_output=True, text=True)
            took = time.perf_counter() - start
            if child.returncode:
                print(f"  {engine}: failed after {took:.1f} s\n{child.stderr[-2000:]}")
                continue
            print(f"  measure engine={engine}: {took:.1f} s, {child.stdout.strip()}")


def child(source: str, engine: str, buckets: int) -> None:
    rows = pl.scan_parquet(source).select(pl.len()).collect().item()
    n_buckets = buckets or auto_buckets(rows)
    out = workbench_query(source, engine, n_buckets)
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    print(f"{out.height:,} groups, {n_buckets} bucket(s), peak RSS {peak_gb:.2f} GB (target < 8)")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        return child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=lambda s: int(s.replace("_", "")), default=1_000_000)
    parser.add_argument("--stream-events", type=lambda s: int(s.replace("_", "")), default=None)
    parser.add_argument("--folder", help="keep/reuse the generated Parquet here (stream mode)")
    parser.add_argument("--no-pandas", action="store_true")
    parser.add_argument("--no-measure", action="store_true", help="leave out measure() on the events")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each engine; the best is kept")
    parser.add_argument("--engines", default="streaming",
                        help="stream mode: comma-separated collect engines, e.g. streaming,in-memory")
    parser.add_argument("--buckets", type=int, default=None, help="stream mode: force this many buckets")
    parser.add_argument("--check", action="store_true", help="stream mode: check buckets against one pass")
    args = parser.parse_args()
    if args.stream_events:
        run_stream(args.stream_events, args.folder, args.engines.split(","), args.buckets, args.check)
    else:
        run_compare(args.events, not args.no_pandas, args.repeat, not args.no_measure)


if __name__ == "__main__":
    main()
