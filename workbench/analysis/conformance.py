"""Conformance: how the actual paths of customers compare with a journey's designed sequence of reasons.

Definitions (``designed`` is the journey's linked reasons, in step order):

- A case *touches* the journey if any of its events is on a designed reason. Other cases are left out.
- Its *actual sequence* is its events in time order (ties in row order) from its first to its last
  event on a designed reason, inclusive. Events on other reasons inside that window are *extra*.
- The actual sequence is aligned with the designed one by a longest common subsequence (LCS): the
  standard optimal alignment with unit costs for a purely sequential model. Matched events are
  synchronous moves; every other actual event is a *log move*, every other designed step a *model
  move*. ``fitness = 1 - (model moves + log moves) / (len(designed) + len(actual))
  = 2 * matched / (len(designed) + len(actual))`` — pm4py's alignment fitness for a sequence model.
- Deviations, counted per reason ``r`` that occurs ``d`` times in the design, ``a`` times in the
  actual sequence and is matched ``m`` times:

  * ``skipped = max(0, d - a)``: designed steps whose reason never occurs (when ``d = 1``: ``a = 0``);
  * ``repeated = max(0, a - d)``: occurrences beyond the designed count, e.g. a second contact;
  * ``out_of_order = min(a - m, d - m)``: occurrences that do fill a designed step, but not in the
    designed order (each is one log move plus one model move);
  * ``extra``: events on reasons outside the design, inside the window.

  So model moves = skipped + out_of_order and log moves = extra + repeated + out_of_order. When
  several alignments are optimal, the one that keeps earlier designed steps matched is chosen.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import polars as pl

from workbench.analysis.mining import Log, case_codes, check_no_nulls

_COUNTS = ("n_skipped", "n_repeated", "n_out_of_order")


@dataclass(frozen=True)
class Conformance:
    """Result of :func:`conformance`; every frame starts with the ``by`` columns when they were given.

    - ``cases``: one row per touching case: the case column, ``by`` columns (from the case's first event
      in the window), ``fitness, n_skipped, n_extra, n_repeated, n_out_of_order, n_actual, n_matched``.
    - ``per_step``: per distinct designed reason: ``position`` (1-based, first step linking it),
      ``reason``, ``cases_touching`` (cases in which it occurs), ``share_skipped``, ``share_repeated``,
      ``share_out_of_order`` (shares of the touching cases with at least one such deviation).
    - ``extras``: per extra reason: ``events``, ``cases`` and ``share_cases`` (of touching cases).
    - ``summary``: ``cases``, ``mean_fitness``, ``share_perfect`` (cases with fitness 1).
    """

    designed: tuple[str, ...]
    by: tuple[str, ...]
    cases: pl.DataFrame
    per_step: pl.DataFrame
    extras: pl.DataFrame
    summary: pl.DataFrame


def align(designed: list[int], actual: list[int]) -> Counter:
    """Matched count per code in an LCS alignment, keeping earlier designed steps when tied.

    Examples
    --------
    >>> align([0, 1, 2], [0, 2, 1])   # 0 and 1 kept; 2 comes too early
    Counter({0: 1, 1: 1})
    """
    n, m = len(designed), len(actual)
    suffix = [[0] * (m + 1) for _ in range(n + 1)]  # suffix[i][j] = LCS(designed[i:], actual[j:])
    for i in range(n - 1, -1, -1):
        row, below = suffix[i], suffix[i + 1]
        for j in range(m - 1, -1, -1):
            row[j] = below[j + 1] + 1 if designed[i] == actual[j] else max(below[j], row[j + 1])
    matched: Counter = Counter()
    i = j = 0
    while i < n and j < m:
        if designed[i] == actual[j] and suffix[i][j] == suffix[i + 1][j + 1] + 1:
            matched[designed[i]] += 1
            i, j = i + 1, j + 1
        elif suffix[i][j + 1] == suffix[i][j]:
            j += 1  # leave this actual event unmatched: the designed step may still match later
        else:
            i += 1
    return matched


def _deviations(designed: list[int], actual: list[int], n_reasons: int) -> dict:
    matched = align(designed, actual)
    d, a = Counter(designed), Counter(actual)
    flags = {"skipped": [], "repeated": [], "out_of_order": [], "present": []}
    totals = dict.fromkeys(_COUNTS, 0)
    for r in range(n_reasons):
        skipped, repeated = max(0, d[r] - a[r]), max(0, a[r] - d[r])
        out_of_order = min(a[r] - matched[r], d[r] - matched[r])
        totals["n_skipped"] += skipped
        totals["n_repeated"] += repeated
        totals["n_out_of_order"] += out_of_order
        flags["skipped"].append(skipped > 0)
        flags["repeated"].append(repeated > 0)
        flags["out_of_order"].append(out_of_order > 0)
        flags["present"].append(a[r] > 0)
    return {"n_matched": sum(matched.values()), **totals, **flags}


def conformance(
    log: Log,
    designed: list[str],
    *,
    case: str = "customer_id",
    activity: str = "reason",
    timestamp: str = "timestamp",
    by: list[str] | None = None,
) -> Conformance:
    """Compare each touching case's actual sequence with ``designed`` (see the module docstring).

    Work is done in Polars up to one compact integer sequence per case; the alignment runs once per
    distinct sequence, so 100k cases take well under a second when paths repeat.
    """
    if not designed:
        raise ValueError("conformance: the designed sequence is empty")
    by = list(by or [])
    check_no_nulls(log, [case, activity, timestamp])
    reasons = list(dict.fromkeys(designed))
    code = {r: i for i, r in enumerate(reasons)}
    designed_codes = [code[r] for r in designed]

    in_design = pl.col(activity).is_in(reasons)
    events = (
        log.lazy()
        .select(pl.col(case), pl.col(activity).cast(pl.String), pl.col(timestamp), *by)
        .with_columns(case_codes(case).alias("__case"))
        .sort(timestamp, maintain_order=True)  # two stable sorts = one stable sort by (case, time)
        .sort("__case", maintain_order=True)
        .with_columns(in_design.alias("__designed"))
        .with_columns(
            pl.col("__designed").cum_sum().over("__case").alias("__before"),
            pl.col("__designed").cum_sum(reverse=True).over("__case").alias("__after"),
        )
        .filter((pl.col("__before") > 0) & (pl.col("__after") > 0))
        .collect()
    )
    seq = pl.col(activity).filter("__designed").replace_strict(code, return_dtype=pl.Int64)
    cases = (
        events.group_by("__case", maintain_order=True)
        .agg(pl.col(case).first(), *[pl.col(b).first() for b in by], seq.alias("__seq"),
             pl.len().cast(pl.Int64).alias("n_actual"),
             (~pl.col("__designed")).sum().cast(pl.Int64).alias("n_extra"))
        .with_columns(pl.col("__seq").cast(pl.List(pl.String)).list.join(" ").alias("__key"))
    )
    distinct = cases.unique("__key", keep="first", maintain_order=True).select("__key", "__seq")
    results = pl.DataFrame(
        [_deviations(designed_codes, s, len(reasons)) for s in distinct["__seq"].to_list()],
        schema={"n_matched": pl.Int64, **dict.fromkeys(_COUNTS, pl.Int64),
                **dict.fromkeys(("skipped", "repeated", "out_of_order", "present"), pl.List(pl.Boolean))},
    ).with_columns(distinct["__key"])
    per_case = (
        cases.join(results, on="__key", how="left", maintain_order="left")
        .with_columns((2 * pl.col("n_matched") / (len(designed) + pl.col("n_actual"))).alias("fitness"))
    )
    case_frame = per_case.select(
        case, *by, "fitness", "n_skipped", "n_extra", "n_repeated", "n_out_of_order", "n_actual", "n_matched"
    ).sort(case)
    return Conformance(
        designed=tuple(designed),
        by=tuple(by),
        cases=case_frame,
        per_step=_per_step(per_case, reasons, designed, by),
        extras=_extras(events, per_case, case, activity, by),
        summary=_summary(case_frame, by),
    )


def _group_sizes(per_case: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    if by:
        return per_case.group_by(by).agg(pl.len().alias("__n"))
    return pl.DataFrame({"__n": [per_case.height]}, schema={"__n": pl.UInt32})


def _join_sizes(frame: pl.DataFrame, sizes: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    return frame.join(sizes, on=by, how="left", nulls_equal=True) if by else frame.join(sizes, how="cross")


def _per_step(per_case: pl.DataFrame, reasons: list[str], designed: list[str], by: list[str]) -> pl.DataFrame:
    position = {r: designed.index(r) + 1 for r in reasons}
    flags = ("present", "skipped", "repeated", "out_of_order")
    long = (
        per_case.select(*by, *flags, pl.lit(reasons).alias("reason"))
        .explode(*flags, "reason")
        .group_by(*by, "reason")
        .agg(pl.col(f).sum().cast(pl.Int64) for f in flags)
    )
    return (
        _join_sizes(long, _group_sizes(per_case, by), by)
        .select(
            *by,
            pl.col("reason").replace_strict(position, return_dtype=pl.Int64).alias("position"),
            "reason",
            pl.col("present").alias("cases_touching"),
            *[(pl.col(f) / pl.col("__n")).alias(f"share_{f}") for f in flags[1:]],
        )
        .sort(*by, "position")
    )


def _extras(events: pl.DataFrame, per_case: pl.DataFrame, case: str, activity: str,
            by: list[str]) -> pl.DataFrame:
    counted = (
        events.filter(~pl.col("__designed"))
        .group_by("__case", activity)
        .agg(pl.len().alias("events"))
        .join(per_case.select("__case", *by), on="__case", how="left")
        .group_by(*by, activity)
        .agg(pl.col("events").sum().cast(pl.Int64), pl.len().cast(pl.Int64).alias("cases"))
    )
    return (
        _join_sizes(counted, _group_sizes(per_case, by), by)
        .select(*by, pl.col(activity).alias("reason"), "events", "cases",
                (pl.col("cases") / pl.col("__n")).alias("share_cases"))
        .sort([*by, "events", "reason"], descending=[*[False] * len(by), True, False])
    )


def _summary(cases: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    aggregates = [
        pl.len().cast(pl.Int64).alias("cases"),
        pl.col("fitness").mean().alias("mean_fitness"),
        (pl.col("fitness") == 1).mean().alias("share_perfect"),
    ]
    return cases.group_by(by).agg(aggregates).sort(by) if by else cases.select(aggregates)
