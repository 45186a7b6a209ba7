"""The cube as SQL: the parts of ``workbench.metrics.parts`` and the repeat rule, written once and
transpiled with sqlglot into the dialect of the engine that holds the data (DuckDB, PostgreSQL, Spark …).

The query reads a relation of canonical columns (``customer_id, timestamp, channel, source_code`` or
``reason``, ``segment, cost, …``), applies the crosswalk and the channels' digital flags as joined
``VALUES`` tables, marks repeats with two window counts over (customer, reason) ordered by the time in
microseconds — rows within ``[t, t + N days]`` minus the rows at ``t`` itself, so a later contact
exists exactly when the first exceeds the second (ties are no repeat, as in Polars) — and groups by
reason × channel × segment × month. What comes back is the cells (thousands of rows) and the cells'
customers: the distinct ids while they are few, else HyperLogLog registers computed in the engine with
its own 64-bit hash (``workbench.metrics.sketch``).

>>> q = cube_queries("SELECT * FROM contacts", "postgres", channels={"app": True}, crosswalk={"F1": "bill"})
>>> "COUNT(CASE WHEN" in q.cells and "RANGE BETWEEN CURRENT ROW AND 604800000000 FOLLOWING" in q.cells
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl
import sqlglot
from sqlglot import exp

from workbench.metrics import sketch
from workbench.metrics.engines.local import CELL, CUSTOMERS_PART, GRAIN
from workbench.metrics.parts import PARTS, column

IGNORE = "ignore"  # the crosswalk target of rows that are no contacts (workbench.sources.crosswalk.IGNORE)
VALUES = ("customer_id", "timestamp", "channel", "segment", "cost", "handling_seconds", "complaint", "resolved",
          "nps", "ces", "csat")
MONTH = "STRFTIME(timestamp, '%Y-%m')"


@dataclass(frozen=True)
class CubeQueries:
    """The queries of one cube in one dialect: the cells, and the cells' customers exactly or as a sketch."""

    cells: str
    exact_customers: str
    sketched_customers: str


def cube_queries(relation: str, dialect: str, *, channels: Mapping[str, bool],
                 crosswalk: Mapping[str, str] | None = None, repeat_days: int = 7) -> CubeQueries:
    """The cube's queries over ``relation`` (a table name or a ``SELECT``, in ``dialect``) for ``dialect``.

    ``crosswalk`` maps ``source_code`` to reasons (``"ignore"`` drops the row; an unmapped code gives a
    null reason); ``None`` reads an existing ``reason`` column instead.
    """
    if repeat_days < 0:
        raise ValueError(f"repeat_days must be >= 0, got {repeat_days}")
    source = sqlglot.parse_one(relation, read=dialect)
    source_sql = source.sql(dialect="duckdb") if isinstance(source, exp.Query) else f"SELECT * FROM {relation}"
    events = _events(source_sql, channels, crosswalk)
    window = "PARTITION BY customer_id, reason, __t IS NULL ORDER BY __t"
    repeat = (f"CASE WHEN customer_id IS NULL OR reason IS NULL OR __t IS NULL THEN FALSE ELSE "
              f"COUNT(*) OVER ({window} RANGE BETWEEN CURRENT ROW AND {repeat_days * 86_400_000_000} FOLLOWING) > "
              f"COUNT(*) OVER ({window} RANGE BETWEEN CURRENT ROW AND CURRENT ROW) END")
    marked = f"SELECT *, {repeat} AS repeat FROM (SELECT *, WB_EPOCH_US(timestamp) AS __t FROM wb_events) AS e"
    parts = ", ".join(f"{p.sql()} AS {column(name)}" for name, p in PARTS.items())
    keys = f"reason, channel, segment, {MONTH}"
    cells = (f"WITH wb_events AS ({events}), wb_marked AS ({marked}) "
             f"SELECT reason, channel, segment, {MONTH} AS month, {parts}, "
             f"COUNT(DISTINCT customer_id) AS {CUSTOMERS_PART} FROM wb_marked GROUP BY {keys}")
    exact = (f"WITH wb_events AS ({events}) SELECT DISTINCT reason, channel, segment, {MONTH} AS month, customer_id "
             f"FROM wb_events WHERE customer_id IS NOT NULL")
    rank = " ".join(f"WHEN __w >= {1 << (sketch.RANK_BITS - k)} THEN {k}" for k in range(1, sketch.RANK_BITS + 1))
    hashed = (f"SELECT reason, channel, segment, {MONTH} AS month, "
              f"WB_HASH(customer_id) & {sketch.REGISTERS - 1} AS reg, "
              f"(WB_HASH(customer_id) >> {sketch.PRECISION}) & {(1 << sketch.RANK_BITS) - 1} AS __w "
              f"FROM wb_events WHERE customer_id IS NOT NULL")
    sketched = (f"WITH wb_events AS ({events}), wb_hashed AS ({hashed}) SELECT reason, channel, segment, month, reg, "
                f"MAX(CASE {rank} ELSE {sketch.RANK_BITS + 1} END) AS rank FROM wb_hashed "
                f"GROUP BY reason, channel, segment, month, reg")
    return CubeQueries(*(_transpile(q, dialect) for q in (cells, exact, sketched)))


def _events(source: str, channels: Mapping[str, bool], crosswalk: Mapping[str, str] | None) -> str:
    """Canonical rows with ``reason`` (from the crosswalk) and ``digital`` (from the channels)."""
    joins, where = [], ""
    if crosswalk is None:
        reason = "src.reason"
    elif crosswalk:
        joins.append(f"LEFT JOIN ({_values(crosswalk.items())}) AS cw(code, target) ON src.source_code = cw.code")
        reason, where = f"CASE WHEN cw.target = '{IGNORE}' THEN NULL ELSE cw.target END", \
            f" WHERE cw.target IS NULL OR cw.target <> '{IGNORE}'"
    else:
        reason = "CAST(NULL AS VARCHAR)"
    if channels:
        joins.append(f"LEFT JOIN ({_values(channels.items())}) AS ch(channel_id, digital) "
                     "ON src.channel = ch.channel_id")
        digital = "ch.digital"
    else:
        digital = "CAST(NULL AS BOOLEAN)"
    columns = ", ".join(f"src.{c}" for c in VALUES)
    return f"SELECT {columns}, {reason} AS reason, {digital} AS digital FROM ({source}) AS src {' '.join(joins)}{where}"


def _values(rows) -> str:
    def literal(v) -> str:
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        return "'" + str(v).replace("'", "''") + "'"
    return "VALUES " + ", ".join(f"({literal(a)}, {literal(b)})" for a, b in rows)


def _transpile(query: str, dialect: str) -> str:
    """``query`` (DuckDB dialect plus WB_EPOCH_US and WB_HASH) as SQL for ``dialect``, identifiers quoted."""
    tree = sqlglot.parse_one(query, read="duckdb")

    def engine_functions(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and node.name.upper() in ("WB_EPOCH_US", "WB_HASH"):
            arg = node.expressions[0].sql(dialect=dialect, identify=True)
            return sqlglot.parse_one(_FUNCTIONS[node.name.upper()].get(dialect, _FUNCTIONS[node.name.upper()]["*"])
                                     .format(arg), read=dialect)
        return node

    return tree.transform(engine_functions).sql(dialect=dialect, identify=True)


#: The two functions every engine spells its own way: the time in microseconds and a 64-bit hash.
_FUNCTIONS = {
    "WB_EPOCH_US": {"duckdb": "EPOCH_US({})", "spark": "UNIX_MICROS({})", "databricks": "UNIX_MICROS({})",
                    "*": "CAST(EXTRACT(EPOCH FROM {}) * 1000000 AS BIGINT)"},
    "WB_HASH": {"duckdb": "HASH({})", "spark": "XXHASH64({})", "databricks": "XXHASH64({})",
                "postgres": "HASHTEXTEXTENDED(CAST({} AS TEXT), 0)", "*": "HASH({})"},
}


def finish(cells: pl.DataFrame, customers: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The engine's cells and customers in the local engine's shape: parts as Int64 / Float64, cells sorted
    and numbered by ``__cell``, customers keyed by ``__cell``."""
    dtypes = {column(n): pl.Int64 if p.kind != "sum" else pl.Float64 for n, p in PARTS.items()}
    dtypes[CUSTOMERS_PART] = pl.Int64
    cells = (cells.with_columns(*(pl.col(c).cast(pl.String) for c in GRAIN),
                                *(pl.col(c).cast(t) for c, t in dtypes.items()))
             .sort(list(GRAIN), nulls_last=True).with_row_index(CELL)
             .select(CELL, *GRAIN, *dtypes))
    keyed = customers.with_columns(pl.col(c).cast(pl.String) for c in GRAIN).join(
        cells.select(CELL, *GRAIN), on=list(GRAIN), nulls_equal=True)
    if "reg" in customers.columns:
        out = keyed.select(CELL, pl.col("reg").cast(pl.UInt16), pl.col("rank").cast(pl.UInt8)).sort(CELL, "reg")
    else:
        out = keyed.select(CELL, pl.col("customer_id").cast(pl.String)).sort(CELL, "customer_id")
    return cells, out
