"""Run the cube's queries (``engines.sql``) on the engine that holds the data and bring back only the cube.

Three kinds of connection: a DuckDB connection, a SQLAlchemy engine (PostgreSQL or any database
SQLAlchemy and sqlglot both know) and a Spark session (local, a cluster master, or Spark Connect). Each
answers the cells first; the sum of the cells' distinct customers then says whether the customers come
back as sets (at most ``exact_pairs`` pairs) or as HyperLogLog registers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from workbench.metrics import sketch
from workbench.metrics.engines.local import CUSTOMERS_PART
from workbench.metrics.engines.sql import CubeQueries, cube_queries, finish

#: sqlglot's name of each SQLAlchemy dialect that differs from it.
SQLGLOT_DIALECTS = {"postgresql": "postgres", "mssql": "tsql", "mysql": "mysql", "sqlite": "sqlite",
                    "oracle": "oracle", "snowflake": "snowflake", "bigquery": "bigquery", "trino": "trino",
                    "duckdb": "duckdb", "redshift": "redshift", "databricks": "databricks"}


def cube_on(connection: Any, relation: str, *, channels: Mapping[str, bool],
            crosswalk: Mapping[str, str] | None = None, repeat_days: int = 7,
            exact_pairs: int = sketch.EXACT_PAIRS) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(cells, customers)`` of ``relation`` computed by ``connection``'s engine (see the module docstring).

    ``relation`` is a table name or a ``SELECT`` in the engine's dialect with the canonical columns.
    """
    dialect, fetch = _engine(connection)
    queries = cube_queries(relation, dialect, channels=channels, crosswalk=crosswalk, repeat_days=repeat_days)
    return cube_from(fetch, queries, exact_pairs)


def cube_from(fetch: Callable[[str], pl.DataFrame], queries: CubeQueries,
              exact_pairs: int = sketch.EXACT_PAIRS) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Run ``queries`` through ``fetch`` (SQL text -> frame) and finish them into the cube's frames."""
    cells = fetch(queries.cells)
    pairs = int(cells[CUSTOMERS_PART].sum() or 0) if cells.height else 0
    customers = fetch(queries.exact_customers if pairs <= exact_pairs else queries.sketched_customers)
    return finish(cells, customers)


def dialect_of(connection: Any) -> str:
    """The sqlglot dialect of a DuckDB connection, a SQLAlchemy engine or a Spark session."""
    return _engine(connection)[0]


def _engine(connection: Any) -> tuple[str, Callable[[str], pl.DataFrame]]:
    module = type(connection).__module__
    if module.startswith(("duckdb", "_duckdb")):
        connection.execute("SET TimeZone = 'UTC'")
        return "duckdb", lambda q: connection.sql(q).pl()
    if module.startswith("pyspark"):
        connection.conf.set("spark.sql.session.timeZone", "UTC")
        return "spark", lambda q: pl.from_arrow(connection.sql(q).toArrow())
    if module.startswith("sqlalchemy"):
        name = connection.dialect.name
        dialect = SQLGLOT_DIALECTS.get(name, name)

        def fetch(query: str) -> pl.DataFrame:
            with connection.connect() as conn:
                if dialect == "postgres":
                    conn.exec_driver_sql("SET TIME ZONE 'UTC'")
                return pl.read_database(query, conn, infer_schema_length=None)
        return dialect, fetch
    raise TypeError(f"cannot push the cube down to a {type(connection).__name__}: pass a DuckDB connection, "
                    "a SQLAlchemy engine or a Spark session")
