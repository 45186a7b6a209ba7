"""Journey mining on event logs in Polars: directly-follows graph, variants, channel switches.

An event log is any Polars frame with a case column (a customer or case id), a timestamp and an
activity column (a contact reason, a phase, a stage…). Every function takes those column names as
parameters and orders each case's events by timestamp, breaking ties by the original row order (a
stable sort) — the order pm4py uses after ``pm4py.format_dataframe``. Rows with a null case, activity
or timestamp are refused with a ``ValueError`` (they are never silently dropped).

Case ids and activities are coded as integers before sorting and grouping, which keeps 10M-event logs
fast and small in memory; a log whose cases are already contiguous and in time order (as read from an
XES file) is not sorted at all. To run several analyses on one log, code and sort it once with
:func:`order_events` and pass the resulting :class:`OrderedLog`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

START, END = "▶", "■"
_CASE, _ACT, _TIME = "__case", "__activity", "__time"

Log = pl.LazyFrame | pl.DataFrame


def check_no_nulls(log: Log, columns: list[str]) -> None:
    """Raise a ``ValueError`` naming each column of ``columns`` that is missing or holds nulls."""
    lf = log.lazy()
    names = lf.collect_schema().names()
    absent = [c for c in columns if c not in names]
    if absent:
        raise ValueError(f"event log: missing column(s) {absent}; it has {names}")
    counts = lf.select(pl.col(c).null_count() for c in columns).collect().row(0)
    nulls = [f"'{c}' has {n} null value(s)" for c, n in zip(columns, counts, strict=True) if n]
    if nulls:
        raise ValueError("event log: " + "; ".join(nulls) + " (drop or fill them first)")


def private_categorical() -> pl.Categorical:
    """A Categorical dtype with its own categories, freed with the data (not the global categories)."""
    return pl.Categorical(pl.Categories.random())


def case_codes(case: str) -> pl.Expr:
    """Integer codes (u32) for the values of column ``case``: equal codes for equal ids."""
    return pl.col(case).cast(pl.String).cast(private_categorical()).to_physical()


@dataclass(frozen=True)
class OrderedLog:
    """An event log coded and sorted once, to run several analyses on it without sorting again.

    ``events`` holds ``__case`` (u32 case number, ascending: each case's events are contiguous),
    ``__activity`` (u32 code: index into ``labels``, which is sorted, so code order is label order) and
    ``__time``; each case's events are in time order, ties in original row order. Make one with
    :func:`order_events`; when an ``OrderedLog`` is passed to :func:`directly_follows` or
    :func:`variants`, their column-name arguments are not used.
    """

    events: pl.DataFrame
    labels: pl.Series
    columns: tuple[str, str, str]

    def decode(self, codes: pl.Expr) -> pl.Expr:
        """Activity labels for an expression of activity codes."""
        return pl.lit(self.labels).gather(codes)


def order_events(
    log: Log, *, case: str = "customer_id", activity: str = "reason", timestamp: str = "timestamp"
) -> OrderedLog:
    """Code and sort an event log once; pass the result to :func:`directly_follows` or :func:`variants`.

    Each case's events are sorted by timestamp, ties kept in row order (a stable sort). A log whose
    cases are already contiguous and in time order (as read from an XES file) is not sorted again.
    """
    check_no_nulls(log, [case, activity, timestamp])
    lf = log.lazy()
    if lf.collect_schema()[case].is_integer():
        coded = _coded(lf, pl.col(case).cast(pl.Int64), activity, timestamp)
    else:
        # a 63-bit hash keys the cases (20x faster than a dictionary of millions of ids); a second,
        # independent hash detects a collision, in which case exact dictionary codes are used instead
        coded = _coded(lf, pl.col(case).hash(seed=0) // 2, activity, timestamp,  # 63 bits: fits the key
                       check=pl.col(case).hash(seed=1))
        if coded.select(_collision().any()).item():
            coded = _coded(lf, case_codes(case), activity, timestamp)
    # number the cases 0, 1, … in order, and relabel activity codes so that code order is label order
    present = coded[_ACT].unique()
    labels = present.cast(pl.String).sort()
    rank = dict(zip(present.cast(pl.String).to_list(), present.to_physical().to_list(), strict=True))
    by_code = [0] * (max(rank.values(), default=-1) + 1)
    for position, label in enumerate(labels.to_list()):
        by_code[rank[label]] = position
    new_case = (pl.col(_CASE) != pl.col(_CASE).shift(1)).fill_null(True)
    if "__check" in coded.columns:
        new_case = new_case | (pl.col("__check") != pl.col("__check").shift(1)).fill_null(True)
    events = coded.select(
        (new_case.cum_sum() - 1).cast(pl.UInt32).set_sorted().alias(_CASE),
        pl.lit(pl.Series(by_code, dtype=pl.UInt32)).gather(pl.col(_ACT).to_physical()).alias(_ACT),
        _TIME,
    )
    return OrderedLog(events, labels, (case, activity, timestamp))


def _coded(lf: pl.LazyFrame, case_key: pl.Expr, activity: str, timestamp: str,
           check: pl.Expr | None = None) -> pl.DataFrame:
    """Case key, activity as a private Categorical, time: each case contiguous and in time order.

    Unless the log already is so, it is sorted by (case key, time), ties in row order.
    """
    extra = [] if check is None else [check.alias("__check")]
    coded = lf.select(
        case_key.alias(_CASE),
        pl.col(activity).cast(pl.String).cast(private_categorical()).alias(_ACT),
        pl.col(timestamp).alias(_TIME),
        *extra,
    ).collect()
    if _in_order(coded):
        return coded
    # one stable sort on a 128-bit key (case, time) beats two stable sorts or a multi-column sort
    key = pl.col(_CASE).cast(pl.Int128) * (1 << 64) + pl.col(_TIME).to_physical().cast(pl.Int128)
    return coded.sort(key, maintain_order=True)


def _in_order(coded: pl.DataFrame) -> bool:
    """Whether each case's rows are contiguous and in time order (then no sort is needed)."""
    same = pl.col(_CASE) == pl.col(_CASE).shift(1)
    if "__check" in coded.columns:
        same = same & (pl.col("__check") == pl.col("__check").shift(1))
    same = same.fill_null(False)
    ordered, runs = coded.select((~same | (pl.col(_TIME) >= pl.col(_TIME).shift(1))).all().alias("ordered"),
                                 (~same).sum().alias("runs")).row(0)
    return ordered and runs == coded[_CASE].n_unique()  # as many runs as cases: each case contiguous


def _collision() -> pl.Expr:
    """True where a row shares its case hash with the previous row but not its check hash."""
    same_key = pl.col(_CASE) == pl.col(_CASE).shift(1)
    return (same_key & (pl.col("__check") != pl.col("__check").shift(1))).fill_null(False)


def _ordered(log: Log | OrderedLog, case: str, activity: str, timestamp: str) -> OrderedLog:
    if isinstance(log, OrderedLog):
        return log
    return order_events(log, case=case, activity=activity, timestamp=timestamp)


def directly_follows(
    log: Log | OrderedLog,
    *,
    case: str = "customer_id",
    activity: str = "reason",
    timestamp: str = "timestamp",
    start_end: bool = False,
) -> pl.DataFrame:
    """The directly-follows graph: how often activity ``target`` comes right after ``source`` in a case.

    ``median_seconds`` and ``mean_seconds`` are the time between the two events. With
    ``start_end=True``, arcs from ``"▶"`` to each case's first activity and from its last activity to
    ``"■"`` are added (their times are null). Arc frequencies add up to events minus cases.

    Returns ``source, target, frequency, median_seconds, mean_seconds``, sorted by frequency
    (descending), then source and target.

    Examples
    --------
    >>> from datetime import datetime
    >>> log = pl.DataFrame({"customer_id": ["c1", "c1", "c1", "c2", "c2"],
    ...                     "reason": ["bill", "move", "bill", "bill", "move"],
    ...                     "timestamp": [datetime(2026, 1, d) for d in (1, 2, 4, 1, 3)]})
    >>> directly_follows(log).rows()
    [('bill', 'move', 2, 129600.0, 129600.0), ('move', 'bill', 1, 172800.0, 172800.0)]
    """
    ordered = _ordered(log, case, activity, timestamp)
    events = ordered.events.lazy()
    n = max(len(ordered.labels), 1)
    same_case = pl.col(_CASE).shift(-1) == pl.col(_CASE)
    microseconds = (pl.col(_TIME).shift(-1) - pl.col(_TIME)).dt.total_microseconds()
    arcs = (  # one integer per arc (source * n + target) groups faster than two columns
        events.select(
            (pl.col(_ACT) * n + pl.col(_ACT).shift(-1)).alias("arc"),
            microseconds.alias("us"),
            same_case.alias("same_case"),
        )
        .filter(pl.col("same_case"))
        .group_by("arc")
        .agg(
            pl.len().alias("frequency"),
            (pl.col("us").median() / 1e6).alias("median_seconds"),
            (pl.col("us").mean() / 1e6).alias("mean_seconds"),
        )
        .select(ordered.decode(pl.col("arc") // n).alias("source"),
                ordered.decode(pl.col("arc") % n).alias("target"),
                "frequency", "median_seconds", "mean_seconds")
    )
    frames = [arcs]
    if start_end:
        no_time = [pl.lit(None, pl.Float64).alias("median_seconds"),
                   pl.lit(None, pl.Float64).alias("mean_seconds")]
        for is_end, shift in ((False, 1), (True, -1)):
            edge = (pl.col(_CASE) != pl.col(_CASE).shift(shift)).fill_null(True)
            counted = events.filter(edge).group_by(_ACT).agg(pl.len().alias("frequency"))
            label = ordered.decode(pl.col(_ACT))
            ends = (label.alias("source"), pl.lit(END).alias("target")) if is_end else (
                pl.lit(START).alias("source"), label.alias("target"))
            frames.append(counted.select(*ends, "frequency", *no_time))
    result = pl.concat(frames, how="vertical_relaxed") if len(frames) > 1 else arcs
    return (
        result.select(
            "source", "target", pl.col("frequency").cast(pl.Int64), "median_seconds", "mean_seconds"
        )
        .sort(["frequency", "source", "target"], descending=[True, False, False])
        .collect()
    )


def variants(
    log: Log | OrderedLog,
    *,
    case: str = "customer_id",
    activity: str = "reason",
    timestamp: str = "timestamp",
    top: int | None = None,
) -> pl.DataFrame:
    """Variants: the distinct activity sequences of the cases, with how many cases follow each.

    ``share`` is cases / all cases and ``cumulative_share`` its running sum; both are computed over
    all variants, so ``share`` adds up to 1 before ``top`` keeps only the first ``top`` rows.

    Returns ``variant`` (list of activities), ``cases``, ``share``, ``cumulative_share``, sorted by
    cases (descending), then by variant (lexicographically, for a stable order among ties).

    Examples
    --------
    >>> from datetime import datetime
    >>> log = pl.DataFrame({"customer_id": ["c1", "c1", "c2", "c2", "c3"],
    ...                     "reason": ["bill", "move", "bill", "move", "bill"],
    ...                     "timestamp": [datetime(2026, 1, d) for d in (1, 2, 1, 3, 5)]})
    >>> variants(log).rows()
    [(['bill', 'move'], 2, 0.6666666666666666, 0.6666666666666666), (['bill'], 1, 0.3333333333333333, 1.0)]
    """
    ordered = _ordered(log, case, activity, timestamp)
    counted = (
        ordered.events.lazy()
        .group_by(_CASE)  # sorted case numbers: grouped by slices, no hashing
        .agg(pl.col(_ACT).alias("codes"))
        .group_by("codes")
        .agg(pl.len().cast(pl.Int64).alias("cases"))
        .with_columns((pl.col("cases") / pl.col("cases").sum()).alias("share"))
    )
    if top is not None:  # only variants as frequent as the top-th can be in the top: sort just those
        counted = counted.filter(pl.col("cases") >= pl.col("cases").top_k(top).min())
    counted = (
        counted.sort(["cases", "codes"], descending=[True, False])  # code order is label order
        .with_columns(pl.col("share").cum_sum().alias("cumulative_share"))
        .collect()
    )
    if top is not None:
        counted = counted.head(top)
    labels = ordered.labels
    return counted.select(
        pl.col("codes").list.eval(pl.lit(labels).gather(pl.element())).alias("variant"),
        "cases", "share", "cumulative_share",
    )


def channel_switches(
    log: Log,
    *,
    within_days: float = 7,
    case: str = "customer_id",
    activity: str = "reason",
    channel: str = "channel",
    timestamp: str = "timestamp",
) -> pl.DataFrame:
    """How often a customer's next contact on the same reason comes through another channel.

    A *switch* from channel A to B on reason R: a contact on R in A whose next contact by the same
    customer on R (ties in time kept in row order) is in B ≠ A and at most ``within_days`` days later.
    ``contacts_from`` counts all contacts on R in A, so ``switch_rate = switches / contacts_from``.
    Only pairs with at least one switch are listed; sorted by switches (descending), then reason,
    from_channel, to_channel.

    Examples
    --------
    >>> from datetime import datetime
    >>> log = pl.DataFrame({"customer_id": ["c1", "c1", "c1", "c2"],
    ...                     "reason": ["bill"] * 4, "channel": ["web", "phone", "web", "web"],
    ...                     "timestamp": [datetime(2026, 1, d) for d in (1, 3, 30, 1)]})
    >>> channel_switches(log).rows()  # web→phone after 2 days; phone→web after 27 days is too late
    [('bill', 'web', 'phone', 1, 3, 0.3333333333333333)]
    """
    check_no_nulls(log, [case, activity, channel, timestamp])
    reason_code = pl.col("reason").cast(private_categorical()).to_physical().cast(pl.UInt64)
    contacts = (
        log.lazy()
        .select(case_codes(case).alias(_CASE), pl.col(activity).cast(pl.String).alias("reason"),
                pl.col(channel).cast(pl.String).alias("from_channel"), pl.col(timestamp).alias(_TIME))
        .with_columns((pl.col(_CASE).cast(pl.UInt64) * (1 << 32) + reason_code).alias("__pair"))
        .sort(_TIME, maintain_order=True)  # stable sorts: by (customer, reason), then time, then row
        .sort("__pair", maintain_order=True)
    )
    same = pl.col("__pair").shift(-1) == pl.col("__pair")
    gap = pl.col(_TIME).shift(-1) - pl.col(_TIME)
    switches = (
        contacts.with_columns(pl.col("from_channel").shift(-1).alias("to_channel"), gap.alias("gap"),
                              same.alias("same"))
        .filter(pl.col("same") & (pl.col("to_channel") != pl.col("from_channel"))
                & (pl.col("gap") <= pl.duration(microseconds=int(within_days * 86_400_000_000))))
        .group_by("reason", "from_channel", "to_channel")
        .agg(pl.len().cast(pl.Int64).alias("switches"))
    )
    volume = contacts.group_by("reason", "from_channel").agg(pl.len().cast(pl.Int64).alias("contacts_from"))
    return (
        switches.join(volume, on=["reason", "from_channel"], how="left")
        .with_columns((pl.col("switches") / pl.col("contacts_from")).alias("switch_rate"))
        .sort(["switches", "reason", "from_channel", "to_channel"], descending=[True, False, False, False])
        .collect()
    )


def with_level(
    log: Log,
    level_map: pl.DataFrame,
    level: str = "phase",
    *,
    activity: str = "reason",
) -> pl.LazyFrame:
    """Add column ``level`` (e.g. the phase or stage of each event's reason) from ``level_map``.

    ``level_map`` has one row per reason, with columns ``activity`` and ``level`` (e.g. ``reason`` and
    ``phase``). Run the DFG or variants with ``activity=level`` to mine at that level. Consecutive
    events whose reasons fall in the same phase are kept as they are: they show as a self-loop
    (phase → same phase) in the DFG and as repeats in variants.

    Raises ``ValueError`` if a reason of the log is missing from the map or listed twice in it.

    Examples
    --------
    >>> log = pl.DataFrame({"reason": ["bill", "move", "pay"]})
    >>> phases = pl.DataFrame({"reason": ["bill", "pay", "move"], "phase": ["billing", "billing", "moving"]})
    >>> with_level(log, phases).collect()["phase"].to_list()
    ['billing', 'moving', 'billing']
    """
    for column in (activity, level):
        if column not in level_map.columns:
            raise ValueError(f"level map: no column '{column}'; it has {level_map.columns}")
    twice = level_map.filter(pl.col(activity).is_duplicated())[activity].unique().sort().to_list()
    if twice:
        raise ValueError(f"level map: reason(s) listed more than once: {twice}")
    lf = log.lazy()
    unknown = (
        lf.select(pl.col(activity).unique())
        .join(level_map.lazy().select(activity), on=activity, how="anti")
        .collect()[activity].sort().to_list()
    )
    if unknown:
        raise ValueError(f"level map: no '{level}' for {activity}(s) {unknown}")
    mapping = dict(zip(level_map[activity].to_list(), level_map[level].to_list(), strict=True))
    return lf.with_columns(
        pl.col(activity).replace_strict(mapping, return_dtype=level_map.schema[level]).alias(level)
    )
