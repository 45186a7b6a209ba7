"""Distinct customers that merge across cells: exact customer sets while they are small, else HyperLogLog.

The cube keeps, per cell, either the customers themselves (``EXACT``: a frame of ``__cell, customer_id``)
or a HyperLogLog sketch (``HLL``: ``__cell, reg, rank``, sparse: only registers that were hit). Both
merge: the customers of any group of cells are the distinct ids of its cells, or the estimate from the
register-wise maximum of its cells' sketches. So a phase, a journey or a segment in one month gets its
distinct customers without reading a single contact again.

Error: with ``PRECISION`` = 16 (65 536 registers) the relative standard error is 1.04 / sqrt(65 536)
= 0.41 %; the estimator is Ertl's improved raw estimator (no bias tables, no switch to linear counting;
see O. Ertl, "New cardinality estimation algorithms for HyperLogLog sketches", 2017), accurate from one
customer to billions. For a few dozen customers two of them may share a register: the estimate is then off
by one or two. Tests check every group within 2 % (or two customers); ``benchmarks/bench_metrics.py`` does the same
at 10 million contacts.

A register is the low ``PRECISION`` bits of a 64-bit hash of the customer id; its rank is one plus the
number of leading zeros of the next 32 bits (1 ... 33). Each engine hashes with its own function
(Polars ``hash``, DuckDB ``hash``, PostgreSQL ``hashtextextended``, Spark ``xxhash64``), so sketches of
different engines are not merged with each other; exact sets are.

Examples
--------
>>> cells = pl.DataFrame({"__cell": [0, 0, 1], "customer_id": ["a", "b", "a"]})
>>> sketch = registers(cells)
>>> estimate(sketch.lazy(), []).collect()["customers"].to_list()   # a and b: 2, merged over both cells
[2]
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

PRECISION = 16
REGISTERS = 1 << PRECISION
RANK_BITS = 32
#: Relative standard error of an estimate from a sketch.
STANDARD_ERROR = 1.04 / math.sqrt(REGISTERS)
#: Above this many distinct (cell, customer) pairs a cube keeps sketches instead of customer sets.
EXACT_PAIRS = 2_000_000
SEED = 23
EXACT, HLL = "exact", "hll"


def mode_of(customers: pl.DataFrame) -> str:
    """``EXACT`` or ``HLL``: what a cube's customers frame holds."""
    return HLL if "reg" in customers.columns else EXACT


def hll_columns(hashed: pl.Expr) -> list[pl.Expr]:
    """``reg`` and ``rank`` of a UInt64 hash (null hash: null register)."""
    rest = (hashed // REGISTERS) % (1 << RANK_BITS)
    return [(hashed % REGISTERS).cast(pl.UInt16).alias("reg"),
            (rest.cast(pl.UInt32).bitwise_leading_zeros() + 1).cast(pl.UInt8).alias("rank")]


def customer_hash(customer: str = "customer_id") -> pl.Expr:
    """The 64-bit hash Polars sketches use (null for a null id)."""
    return pl.when(pl.col(customer).is_not_null()).then(pl.col(customer).hash(seed=SEED)).otherwise(None)


def registers(pairs: pl.DataFrame | pl.LazyFrame, cell: str = "__cell") -> pl.DataFrame:
    """The sparse sketch (``cell, reg, rank``) of rows holding ``cell`` and ``customer_id``."""
    return (pairs.lazy().select(cell, *hll_columns(customer_hash())).drop_nulls("reg")
            .group_by(cell, "reg").agg(pl.col("rank").max()).sort(cell, "reg").collect())


def estimate(sketch: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    """Estimated distinct customers per group of ``by`` from rows of ``by, reg, rank`` (several cells)."""
    merged = sketch.group_by(*by, "reg").agg(pl.col("rank").max())
    hist = merged.group_by(*by, "rank").agg(pl.len().alias("n")).collect()
    groups = hist.select(by).unique(maintain_order=False).sort(by, nulls_last=True) if by else pl.DataFrame([{}])
    if by:
        groups = groups.with_row_index("__g")
        hist = hist.join(groups, on=by, how="left", nulls_equal=True)
    else:
        groups = pl.DataFrame({"__g": [0]}, schema={"__g": pl.UInt32})
        hist = hist.with_columns(pl.lit(0, pl.UInt32).alias("__g"))
    counts = np.zeros((groups.height, RANK_BITS + 2))
    np.add.at(counts, (hist["__g"].to_numpy(), hist["rank"].to_numpy().astype(int)), hist["n"].to_numpy())
    counts[:, 0] = REGISTERS - counts[:, 1:].sum(axis=1)
    values = np.rint(_ertl(counts)).astype(np.int64)
    return groups.with_columns(pl.Series("customers", values)).drop("__g").lazy()


def _ertl(counts: np.ndarray) -> np.ndarray:
    """Ertl's improved raw estimate per row of register-value counts C_0 ... C_{q+1}."""
    m, q = REGISTERS, RANK_BITS
    z = m * _tau(1 - counts[:, q + 1] / m)
    for k in range(q, 0, -1):
        z = 0.5 * (z + counts[:, k])
    z = z + m * _sigma(counts[:, 0] / m)
    with np.errstate(divide="ignore"):
        return np.where(np.isinf(z), 0.0, m * m / (2 * math.log(2)) / z)


def _sigma(x: np.ndarray) -> np.ndarray:
    x = x.astype(float).copy()
    out = np.full_like(x, np.inf)
    ok = x < 1
    y, z, xs = 1.0, x[ok].copy(), x[ok].copy()
    for _ in range(64):
        xs = xs * xs
        z = z + xs * y
        y *= 2
    out[ok] = z
    return out


def _tau(x: np.ndarray) -> np.ndarray:
    x = x.astype(float).copy()
    out = np.zeros_like(x)
    ok = (x > 0) & (x < 1)
    y, z, xs = 1.0, 1 - x[ok], x[ok].copy()
    for _ in range(64):
        xs = np.sqrt(xs)
        y *= 0.5
        z = z - (1 - xs) ** 2 * y
    out[ok] = z / 3
    return out
