"""Repeat contacts: the same customer, on the same reason, again within N days."""

from __future__ import annotations

import numpy as np
import polars as pl

REPEAT_KEYS = ("customer_id", "reason", "timestamp")


def repeat_flag(within_days: int = 7, keys: tuple[str, ...] = REPEAT_KEYS[:2]) -> pl.Expr:
    """The ``repeat`` flag as an expression over rows sorted by ``keys`` (customer and reason, or one key
    standing for the pair) and timestamp (nulls first or last: a row without a timestamp is never
    repeated, and the rows after it do not look back).

    True when the next strictly later timestamp of the same (customer, reason) lies at most
    ``within_days`` x 24 h after this row's; never null. See ``mark_repeats`` for the rules.
    """
    if within_days < 0:
        raise ValueError(f"within_days must be >= 0, got {within_days}")
    ts = pl.col("timestamp")
    nxt = ts.shift(-1)
    same = pl.all_horizontal([pl.col(k).shift(-1) == pl.col(k) for k in keys]).fill_null(False)
    tie = same & (nxt == ts).fill_null(False)
    # The next strictly later timestamp of the same (customer, reason): ties are null and filled from
    # the row below; the last row of a group gets its own timestamp (a gap of 0, never a repeat).
    later = (pl.when(tie).then(None).when(same & nxt.is_not_null()).then(nxt).otherwise(ts)
             .fill_null(strategy="backward"))
    gap = later - ts
    return ((gap > pl.duration(days=0)) & (gap <= pl.duration(days=within_days))).fill_null(False).alias("repeat")


def mark_repeats(events: pl.LazyFrame | pl.DataFrame, within_days: int = 7) -> pl.LazyFrame:
    """Add a boolean ``repeat`` column: is this contact followed by another one of the same customer,
    on the same reason, strictly later and at most ``within_days`` x 24 h after it?

    A row with the same customer, reason and timestamp is not "later" (a survey row duplicating a
    contact is no repeat). Rows without customer, reason or timestamp are never repeated and never
    make another row repeated. Mark repeats on the full event set BEFORE filtering, so that a phone
    contact followed by a chat contact still counts as repeated when only phone is shown. The result
    is sorted by customer, reason and timestamp.

    Only the contacts of one customer matter for that customer's flags, so the events may be split
    into disjoint sets of customers and marked set by set (``workbench.metrics.buckets`` does this).

    Examples
    --------
    >>> from datetime import datetime
    >>> df = pl.DataFrame({"customer_id": ["c1"] * 3, "reason": ["bill"] * 3,
    ...                    "timestamp": [datetime(2026, 1, d) for d in (5, 7, 20)]})
    >>> mark_repeats(df).collect()["repeat"].to_list()   # Jan 7 is 2 days later; Jan 20 is 13 days later
    [True, False, False]
    """
    flag = repeat_flag(within_days)
    return events.lazy().sort(*REPEAT_KEYS, nulls_last=True).with_columns(flag)


def mark_repeats_frame(events: pl.DataFrame, within_days: int = 7) -> pl.DataFrame:
    """``mark_repeats`` on a DataFrame, with the same flags, faster on big frames.

    Instead of one sort on three keys (slow on strings), it sorts by timestamp and then, keeping that
    order, by a 64-bit hash of (customer, reason): each pair's contacts end up together and in time
    order. If two different pairs share a hash (checked; about 1 in 10^6 for 10 million pairs), it
    falls back to the sort on the values. Rows are grouped by pair, not sorted by customer.

    Examples
    --------
    >>> from datetime import datetime
    >>> df = pl.DataFrame({"customer_id": ["c1", "c2", "c1"], "reason": ["bill"] * 3,
    ...                    "timestamp": [datetime(2026, 1, d) for d in (5, 6, 7)]})
    >>> mark_repeats_frame(df).sort("timestamp")["repeat"].to_list()   # c1 again 2 days later; c2 once
    [True, False, False]
    """
    flag = repeat_flag(within_days)
    key, cust, reason = pl.col("__repeat_key"), pl.col("customer_id"), pl.col("reason")
    grouped = (events.with_columns(_pair_key().alias("__repeat_key"))
               .sort("timestamp", nulls_last=True).sort("__repeat_key", maintain_order=True))
    clash = (key.shift(-1) == key) & (cust.shift(-1).ne_missing(cust) | reason.shift(-1).ne_missing(reason))
    if grouped.select(clash.any()).item():
        return mark_repeats(events, within_days).collect()
    return grouped.with_columns(flag).drop("__repeat_key")


def _pair_key() -> pl.Expr:
    """A 64-bit hash of (customer, reason)."""
    return pl.struct("customer_id", "reason").hash(seed=11)


def repeat_flags(events: pl.DataFrame, within_days: int = 7) -> pl.Series:
    """The ``repeat`` flags of ``events`` in their own order (same rules as ``mark_repeats``), fast.

    Only two integer columns are sorted: a 64-bit hash of (customer, reason), null when either is null,
    and the timestamp; the flags are then put back in the rows' order, so no other column moves. A
    second, independent hash checks that no two pairs share the first (about 1 in 10^6 for 10 million
    pairs); if they do, the flags come from ``mark_repeats``' sort on the values instead.

    Examples
    --------
    >>> from datetime import datetime
    >>> df = pl.DataFrame({"customer_id": ["c1", "c2", "c1"], "reason": ["bill"] * 3,
    ...                    "timestamp": [datetime(2026, 1, d) for d in (7, 6, 5)]})
    >>> repeat_flags(df).to_list()   # Jan 5 of c1 is followed on Jan 7
    [False, False, True]
    """
    both = pl.col("customer_id").is_not_null() & pl.col("reason").is_not_null()
    pair = pl.struct("customer_id", "reason")
    keyed = (events.select(pl.when(both).then(pair.hash(seed=11)).alias("__k"), "timestamp")
             .with_row_index("__i").sort("__k", "timestamp"))  # nulls first: nulls_last is far slower
    second = events.select(pl.when(both).then(pair.hash(seed=29)))[:, 0]  # the check hash, in sorted order:
    keyed = keyed.with_columns(second.gather(keyed["__i"]).alias("__k2"))  # cheaper than sorting it along
    key, check = pl.col("__k"), pl.col("__k2")
    if keyed.select(((key.shift(-1) == key) & (check.shift(-1) != check)).any()).item():
        marked = mark_repeats(events.with_row_index("__i"), within_days).collect()
        return marked.sort("__i")["repeat"]
    flags = keyed.select("__i", repeat_flag(within_days, ("__k",)))
    out = np.zeros(events.height, dtype=bool)
    out[flags["__i"].to_numpy()] = flags["repeat"].to_numpy()
    return pl.Series("repeat", out)
