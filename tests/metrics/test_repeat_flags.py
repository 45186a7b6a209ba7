"""``repeat_flags`` (two integer columns sorted, flags put back in row order) gives exactly the flags of
``mark_repeats`` (the sort on the values): ties, nulls, the window's edges, any row order."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.metrics.repeats import mark_repeats, repeat_flags

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _expected(frame: pl.DataFrame, days: int) -> list[bool]:
    marked = mark_repeats(frame.with_row_index("i"), days).collect()
    return marked.sort("i")["repeat"].to_list()


def test_hand_worked_flags_in_row_order():
    hours = [0, 48, 48, 24 * 10, None, 3, 0]
    frame = pl.DataFrame({
        "customer_id": ["a", "a", "a", "a", "a", None, "b"],
        "reason": ["bill", "bill", "bill", "bill", "bill", "bill", "bill"],
        "timestamp": [None if h is None else START + dt.timedelta(hours=h) for h in hours],
    })
    # a: 0h -> 48h (2 days): repeat; the two 48h rows tie, the next later is 8 days on: no; 10 days: last;
    # no timestamp: never; no customer: never; b alone: no
    assert repeat_flags(frame, 7).to_list() == [True, False, False, False, False, False, False]
    assert _expected(frame, 7) == repeat_flags(frame, 7).to_list()


rows = st.lists(st.tuples(st.sampled_from(["a", "b", "c", None]), st.sampled_from(["x", "y", None]),
                          st.one_of(st.none(), st.integers(0, 20))), max_size=40)


@settings(max_examples=150, deadline=None)
@given(rows, st.integers(0, 8))
def test_the_same_flags_as_mark_repeats(data, days):
    frame = pl.DataFrame({"customer_id": [r[0] for r in data], "reason": [r[1] for r in data],
                          "timestamp": [None if r[2] is None else START + dt.timedelta(days=r[2]) for r in data]},
                         schema={"customer_id": pl.String, "reason": pl.String, "timestamp": pl.Datetime("us", "UTC")})
    assert repeat_flags(frame, days).to_list() == _expected(frame, days)


def test_many_rows_in_any_order():
    rng = np.random.default_rng(3)
    n = 50_000
    frame = pl.DataFrame({"customer_id": pl.Series(rng.integers(0, 3_000, n)).cast(pl.String),
                          "reason": pl.Series(rng.integers(0, 5, n)).cast(pl.String),
                          "timestamp": pl.Series(rng.integers(0, 10**6, n) * 60_000_000)
                          .cast(pl.Datetime("us", "UTC"))})
    assert repeat_flags(frame, 7).to_list() == _expected(frame, 7)
