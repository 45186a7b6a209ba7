"""The HyperLogLog sketch behind distinct customers: exact for few customers, within its error for many,
and mergeable (the union of two sketches estimates the union of their customers)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from workbench.metrics import sketch


def _ids(start: int, stop: int) -> pl.Series:
    return pl.Series("customer_id", [f"C{i:09d}" for i in range(start, stop)])


@pytest.mark.parametrize("n", [1, 7, 500, 5_000, 60_000, 400_000])
def test_the_estimate_is_within_the_stated_error(n):
    frame = pl.DataFrame({"__cell": np.arange(n) % 3, "customer_id": _ids(0, n)})
    got = sketch.estimate(sketch.registers(frame).lazy(), []).collect()["customers"].item()
    assert abs(got - n) <= max(3 * sketch.STANDARD_ERROR * n, 0.5 if n < 1000 else 0)


def test_sketches_merge_like_sets():
    # cell 0 holds customers 0..29 999, cell 1 holds 20 000..49 999: 50 000 distinct, 10 000 in both
    frame = pl.concat([pl.DataFrame({"__cell": 0, "customer_id": _ids(0, 30_000)}),
                       pl.DataFrame({"__cell": 1, "customer_id": _ids(20_000, 50_000)})])
    regs = sketch.registers(frame).with_columns(group=pl.col("__cell").cast(pl.String))
    both = sketch.estimate(regs.lazy().drop("group"), []).collect()["customers"].item()
    each = sketch.estimate(regs.lazy(), ["group"]).collect()
    assert abs(both - 50_000) <= 0.02 * 50_000
    assert each["group"].to_list() == ["0", "1"]
    assert all(abs(v - 30_000) <= 0.02 * 30_000 for v in each["customers"])


def test_ranks_follow_the_leading_zeros_of_the_hash():
    assert sketch.PRECISION == 16
    hashed = pl.Series([0, (1 << 63) | 5, 1 << 16, 1 << 47], dtype=pl.UInt64)
    got = pl.select(*sketch.hll_columns(pl.lit(hashed)))
    # low 16 bits pick the register; the next 32 bits give the rank (33 when they are all zero)
    assert got["reg"].to_list() == [0, 5, 0, 0]
    assert got["rank"].to_list() == [33, 33, 32, 1]


def test_registers_grouped_on_a_packed_key_equal_those_grouped_on_the_cells_columns(tmp_path):
    from datetime import datetime

    from workbench.metrics.engines import local

    rng = np.random.default_rng(5)
    n = 20_000
    rows = pl.DataFrame({"reason": pl.Series(rng.integers(0, 4, n)).cast(pl.String),
                         "channel": rng.choice(["web", "app"], n), "segment": None,
                         "__month": [datetime(2026, 1 + int(m), 1) for m in rng.integers(0, 3, n)],
                         "customer_id": [f"C{i}" for i in rng.integers(0, 3_000, n)]})
    rows = rows.with_columns(sketch.customer_hash().alias("__h")).with_columns(
        pl.when(pl.int_range(n) % 97 == 0).then(None).otherwise(pl.col("__h")).alias("__h"))  # some without id
    keys = ["reason", "channel", "segment", "__month"]
    keyed = rows.select(keys).unique().sort(keys).with_row_index("__cell")
    fast = local._registers(rows.lazy(), keyed, keys).sort("__cell", "reg")
    slow = local._registers(rows.lazy(), keyed, keys, packed=False).sort("__cell", "reg")
    assert fast.height > 1000
    assert fast.equals(slow)
