"""Sources that live in an engine, not in a file: a table or a query on a Spark session, and SQL sources
whose KPI cube is pushed down (``workbench.metrics.pushdown``), whose rows are read only when a figure the
cube cannot answer needs them.

A Spark location is a master (``local[2]``, ``spark://host:7077``, ``yarn``) or a Spark Connect URL
(``sc://host:15002``); one session per location is made and reused by the process.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import polars as pl

from workbench.sources.connectors import FILE, ROW, RawSource, SourceError
from workbench.sources.spec import SourceSpec

SAMPLE_ROWS = 200


def spark_session(location: str):
    """The Spark session of ``location`` (made once; Spark itself keeps it per process)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SourceError("a spark source needs pyspark: pip install 'journey-workbench[spark]'") from None
    builder = SparkSession.builder.appName("journey-workbench")
    builder = builder.remote(location) if location.startswith("sc://") else builder.master(location)
    try:
        return builder.config("spark.sql.session.timeZone", "UTC").getOrCreate()
    except Exception as error:  # py4j / grpc errors: no Java, no cluster at that address …
        raise SourceError(f"{location}: cannot start or reach Spark ({str(error).splitlines()[0]})") from None


def spark_relation(spec: SourceSpec) -> str:
    """The Spark SQL relation a spark source reads: its query, or its table (backquoted)."""
    if spec.options.get("query"):
        return spec.options["query"]
    return ".".join(f"`{part}`" for part in spec.options["table"].split("."))


def read_spark(spec: SourceSpec) -> RawSource:
    """A spark source's rows, read when the frame is collected (the cube never reads them)."""
    return deferred(spec, _spark_rows)


def _spark_rows(spec: SourceSpec, limit: int | None = None) -> RawSource:
    spark = spark_session(spec.location)
    relation = spark_relation(spec)
    query = relation if spec.options.get("query") else f"SELECT * FROM {relation}"
    try:
        frame = spark.sql(query if limit is None else f"SELECT * FROM ({query}) AS q LIMIT {limit}")
        rows = pl.from_arrow(frame.toArrow())
    except Exception as error:
        raise SourceError(f"{spec.location}: cannot read {spec.options.get('table') or 'the query'} "
                          f"({str(error).splitlines()[0]})") from None
    where = f"{spec.location} [{spec.options.get('table') or 'query'}]"
    rows = rows.with_columns(pl.lit(where).alias(FILE), pl.int_range(1, rows.height + 1, dtype=pl.Int64).alias(ROW))
    return RawSource(rows.lazy(), "row")


def deferred(spec: SourceSpec, read: Callable[..., RawSource]) -> RawSource:
    """``read(spec)``'s rows as a frame that reads them only when collected; the schema comes from a
    sample of ``SAMPLE_ROWS`` rows (a column null throughout the sample is read as text)."""
    sample_spec = _limited(spec)
    sample = (read(sample_spec) if sample_spec is not spec else read(spec, SAMPLE_ROWS)).frame.collect()
    schema = {c: (pl.String if t == pl.Null else t) for c, t in sample.schema.items()}

    def rows() -> pl.DataFrame:
        frame = read(spec).frame.collect()
        return frame.select(pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
                            for c, t in schema.items())
    return RawSource(pl.defer(rows, schema=schema), "row")


def _limited(spec: SourceSpec) -> SourceSpec:
    """A sql spec that reads ``SAMPLE_ROWS`` rows (a spark reader takes the limit itself)."""
    if spec.kind != "sql":
        return spec
    table, query = spec.options.get("table"), spec.options.get("query")
    if table:
        schema = spec.options.get("schema")
        query = f"SELECT * FROM {schema + '.' if schema else ''}{table}"
    options = {k: v for k, v in spec.options.items() if k not in ("table", "schema", "pushdown")}
    return dataclasses.replace(spec, options={**options, "query": f"SELECT * FROM ({query}) AS q LIMIT {SAMPLE_ROWS}"})
