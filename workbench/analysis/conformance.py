"""Conformance: how the actual paths of customers compare with a journey's designed sequence of reasons.

Definitions (``designed`` is the journey's linked reasons, in step order):

- A case *touches* the journey if any of its events is on a designed reason. Other cases are left out.
- A touching case *takes part* (is scored) if its events cover at least ``min_reasons`` distinct designed
  reasons: an ``int`` is a count, a ``float`` in (0, 1] a share of the journey's distinct reasons, rounded
  up (0.5 of 13 reasons = 7). The default 1 scores every touching case. Raising it is the usual way in
  process mining to select the cases that belong to a process before checking conformance (filtering on
  "contains at least N of these activities"): without it, every customer with one routine contact on a
  busy reason counts as a walker who skipped all other steps. Cases that touch but fall short are
  counted in ``summary.cases_touching_only``, never silently dropped.
- With ``gap_days``, a customer's events are first split into *journey instances* wherever two
  consecutive events (on any reason) lie more than ``gap_days`` apart; a case is then an instance,
  ``<customer>#1``, ``<customer>#2``… in time order, not a customer. This is the usual sessionisation of
  an event log by inactivity: a contact months later on a journey reason starts a new instance instead of
  stretching the first one's window.
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

import math
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import polars as pl

from workbench.analysis.mining import Log, case_codes, check_no_nulls

_COUNTS = ("n_skipped", "n_repeated", "n_out_of_order")
_SHARE_WORDS = {0.25: "a quarter", 0.5: "half", 0.75: "three quarters"}


@dataclass(frozen=True)
class Conformance:
    """Result of :func:`conformance`; every frame starts with the ``by`` columns when they were given.

    - ``cases``: one row per touching case: the case column, ``by`` columns (from the case's first event
      in the window), ``fitness, n_skipped, n_extra, n_repeated, n_out_of_order, n_actual, n_matched``.
    - ``per_step``: per distinct designed reason: ``position`` (1-based, first step linking it),
      ``reason``, ``cases_touching`` (cases in which it occurs), ``share_skipped``, ``share_repeated``,
      ``share_out_of_order`` (shares of the touching cases with at least one such deviation).
    - ``extras``: per extra reason: ``events``, ``cases`` and ``share_cases`` (of touching cases).
    - ``summary``: ``cases``, then ``cases_touching_only`` (cases that touch the journey but cover fewer
      than ``min_reasons`` of its reasons; only present when a ``min_reasons`` other than the default 1 is
      given), ``mean_fitness``, ``share_perfect`` (cases with fitness 1).

    Every frame but ``summary`` holds the scored cases only. With ``gap_days``, the case column holds
    journey instances (``<case>#<n>``, a string), not customers.
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
    min_reasons: int | float = 1,
    gap_days: float | None = None,
) -> Conformance:
    """Compare each taking-part case's actual sequence with ``designed`` (see the module docstring).

    ``min_reasons``: a case is scored only if it covers this many distinct designed reasons (``int``) or
    this share of them (``float`` in (0, 1], rounded up). ``gap_days``: split cases into journey
    instances at gaps longer than this many days, before windowing (``None``: one case per case id).

    Work is done in Polars up to one compact integer sequence per case; the alignment runs once per
    distinct sequence, so 100k cases take well under a second when paths repeat.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime
    >>> log = pl.DataFrame({"customer_id": ["a", "a", "b"], "reason": ["x", "y", "x"],
    ...                     "timestamp": [datetime(2026, 1, d) for d in (1, 2, 3)]})
    >>> result = conformance(log, ["x", "y"], min_reasons=2)   # b touches only x: counted, not scored
    >>> result.summary.rows()
    [(1, 1, 1.0, 1.0)]
    """
    if not designed:
        raise ValueError("conformance: the designed sequence is empty")
    by = list(by or [])
    check_no_nulls(log, [case, activity, timestamp])
    reasons = list(dict.fromkeys(designed))
    code = {r: i for i, r in enumerate(reasons)}
    designed_codes = [code[r] for r in designed]
    threshold = reasons_needed(min_reasons, len(reasons))
    counts_touching_only = not (type(min_reasons) is int and min_reasons == 1)

    in_design = pl.col(activity).is_in(reasons)
    events = (
        log.lazy()
        .select(pl.col(case), pl.col(activity).cast(pl.String), pl.col(timestamp), *by)
        .with_columns(case_codes(case).alias("__case"))
        .sort(timestamp, maintain_order=True)  # two stable sorts = one stable sort by (case, time)
        .sort("__case", maintain_order=True)
        .pipe(_instances, timestamp, gap_days)
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
        .agg(pl.col(case).first(), pl.col("__instance").first(), *[pl.col(b).first() for b in by],
             seq.alias("__seq"), pl.len().cast(pl.Int64).alias("n_actual"),
             (~pl.col("__designed")).sum().cast(pl.Int64).alias("n_extra"))
        .with_columns(pl.col("__seq").cast(pl.List(pl.String)).list.join(" ").alias("__key"))
    )
    if gap_days is not None:
        cases = cases.with_columns(pl.col(case).alias("__customer"),
                                   pl.format("{}#{}", pl.col(case).cast(pl.String), "__instance").alias(case))
    taking_part = pl.col("__seq").list.n_unique() >= threshold
    touching_only = cases.filter(~taking_part)
    if touching_only.height:
        cases = cases.filter(taking_part)
        events = events.join(cases.select("__case"), on="__case", how="semi", maintain_order="left")
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
    order = ["__customer", "__instance"] if gap_days is not None else [case]
    case_frame = per_case.sort(order).select(
        case, *by, "fitness", "n_skipped", "n_extra", "n_repeated", "n_out_of_order", "n_actual", "n_matched"
    )
    return Conformance(
        designed=tuple(designed),
        by=tuple(by),
        cases=case_frame,
        per_step=_per_step(per_case, reasons, designed, by),
        extras=_extras(events, per_case, case, activity, by),
        summary=_summary(case_frame, touching_only if counts_touching_only else None, by),
    )


def reasons_needed(min_reasons: int | float, n_reasons: int) -> int:
    """The number of distinct designed reasons a case must cover for ``min_reasons`` out of ``n_reasons``.

    Examples
    --------
    >>> reasons_needed(2, 4), reasons_needed(0.5, 13), reasons_needed(1.0, 13), reasons_needed(0.3, 10)
    (2, 7, 13, 3)
    """
    if isinstance(min_reasons, bool) or not isinstance(min_reasons, int | float):
        raise ValueError(f"conformance: min_reasons must be a whole number or a share, not {min_reasons!r}")
    if isinstance(min_reasons, int):
        if not 1 <= min_reasons <= n_reasons:
            raise ValueError(f"conformance: min_reasons={min_reasons} must lie between 1 and the journey's "
                             f"{n_reasons} distinct reason(s)")
        return min_reasons
    if not 0 < min_reasons <= 1:
        raise ValueError(f"conformance: min_reasons={min_reasons} as a share must lie in (0, 1]")
    return max(1, math.ceil(round(min_reasons * n_reasons, 9)))  # round: 0.3 * 10 is 3.0000000000000004


def describe_rule(min_reasons: int | float, gap_days: float | None, n_reasons: int) -> str:
    """Which cases are on a journey of ``n_reasons`` distinct reasons under these options, in words.

    Examples
    --------
    >>> describe_rule(0.5, None, 13)
    'customers on the journey: those with contacts on at least half of its 13 reasons (7)'
    >>> describe_rule(2, 60, 4).split("; ")[1]
    'a gap of more than 60 days starts a new journey'
    """
    needed = reasons_needed(min_reasons, n_reasons)
    if isinstance(min_reasons, float) and needed == n_reasons:
        amount = f"all {n_reasons} of its reasons"
    elif isinstance(min_reasons, float):
        amount = f"at least {_SHARE_WORDS.get(min_reasons, f'{min_reasons:.0%}')} of its {n_reasons} reasons ({needed})"
    else:
        amount = f"at least {needed} of its {n_reasons} reasons"
    text = f"customers on the journey: those with contacts on {amount}"
    if gap_days is not None:
        text += f"; a gap of more than {gap_days:g} days starts a new journey"
    return text


def _instances(events: pl.LazyFrame, timestamp: str, gap_days: float | None) -> pl.LazyFrame:
    """Number each case's journey instances (``__instance`` from 1) and make ``__case`` one code per instance.

    ``events`` must be sorted by ``__case``, then time. A new instance starts at each case's first event and
    after every gap of more than ``gap_days``.
    """
    if gap_days is None:
        return events.with_columns(pl.lit(1, pl.UInt32).alias("__instance"))
    if isinstance(gap_days, bool) or not isinstance(gap_days, int | float) or not 0 < gap_days < math.inf:
        raise ValueError(f"conformance: gap_days must be a positive number of days or None, not {gap_days!r}")
    new_case = pl.col("__case") != pl.col("__case").shift(1)
    gap = pl.col(timestamp).diff() > timedelta(days=gap_days)
    instance = (new_case | gap).fill_null(True).cum_sum().cast(pl.UInt32)  # one global code per instance
    return (events.with_columns(instance.alias("__new"))
            .with_columns((pl.col("__new") - pl.col("__new").min().over("__case") + 1).alias("__instance"))
            .with_columns(pl.col("__new").alias("__case")).drop("__new"))


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


def _summary(cases: pl.DataFrame, touching_only: pl.DataFrame | None, by: list[str]) -> pl.DataFrame:
    aggregates = [
        pl.len().cast(pl.Int64).alias("cases"),
        pl.col("fitness").mean().alias("mean_fitness"),
        (pl.col("fitness") == 1).mean().alias("share_perfect"),
    ]
    summary = cases.group_by(by).agg(aggregates).sort(by) if by else cases.select(aggregates)
    if touching_only is None:
        return summary
    only = pl.len().cast(pl.Int64).alias("cases_touching_only")
    if not by:
        return summary.with_columns(touching_only.select(only)).select("cases", "cases_touching_only",
                                                                       "mean_fitness", "share_perfect")
    return (summary.join(touching_only.group_by(by).agg(only), on=by, how="full", coalesce=True, nulls_equal=True)
            .with_columns(pl.col("cases", "cases_touching_only").fill_null(0))
            .select(*by, "cases", "cases_touching_only", "mean_fitness", "share_perfect").sort(by))
