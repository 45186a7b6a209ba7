"""The KPI cube of a source computed where its data is: a database (a ``sql`` source with ``pushdown``)
or a Spark session (a ``spark`` source). Only the cube comes back.

The source's declaration becomes a ``SELECT`` of canonical columns in the engine's dialect: mapped
columns renamed, constants as literals, the ``channel_map`` as a ``CASE``, and the rows ``load_source``
calls bad (a required column missing, an unknown channel, a negative cost or handling time, a survey score
off its scale) left out, as quarantining them would. The crosswalk and the channels' digital flags are
joined ``VALUES`` tables (``workbench.metrics.engines.sql``). The table's columns must already have their
types (a timestamp column, numbers, booleans): a source that needs parsing (``timestamp_format``,
``decimal_comma``, a time zone other than UTC) is refused, with the reason.

Repeats are found among the contacts of the engine's data; a customer's contacts in another source are
not linked to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from workbench.errors import InputError
from workbench.metrics import sketch
from workbench.metrics.engines.run import SQLGLOT_DIALECTS, cube_on, dialect_of
from workbench.sources.canonical import CONTACT_SCHEMA, SURVEY_RANGES
from workbench.sources.spec import SourceSpec

_SQL_TYPES = {pl.String: "VARCHAR", pl.Float64: "DOUBLE", pl.Boolean: "BOOLEAN", pl.Int8: "INTEGER"}


class PushdownError(InputError):
    """A source's cube cannot be computed in its engine."""


def pushes_down(spec: SourceSpec) -> bool:
    """Whether ``spec``'s cube is computed in its engine."""
    return spec.kind == "spark" or (spec.kind == "sql" and bool(spec.options.get("pushdown")))


def check(spec: SourceSpec) -> None:
    """Refuse, with the reason, a source whose rows need parsing the engine cannot do."""
    problems = []
    if spec.timestamp_format:
        problems.append("timestamp_format is set (the timestamp column must be a timestamp)")
    if spec.options.get("decimal_comma"):
        problems.append("decimal_comma is set (numbers must be numeric columns)")
    if spec.timezone != "UTC":
        problems.append(f"timezone is {spec.timezone!r} (timestamps must be UTC)")
    if problems:
        raise PushdownError(f"source '{spec.id}': its cube cannot be computed in the engine: "
                            + "; ".join(problems) + ". Read it without pushdown instead.")


def relation(spec: SourceSpec, channels: Iterable[str], dialect: str = "duckdb") -> str:
    """The canonical rows of ``spec`` as a ``SELECT`` in ``dialect`` (the engine's: its query is kept as is)."""
    quote = _backquote if dialect in ("spark", "databricks", "hive") else _quote
    base = _base(spec, quote)
    mapping = spec.effective_mapping

    def value(name: str) -> str:
        if name in spec.constants:
            return _literal(spec.constants[name])
        if name in mapping:
            return quote(mapping[name])
        return f"CAST(NULL AS {'TIMESTAMP' if name == 'timestamp' else _SQL_TYPES[type(CONTACT_SCHEMA[name])]})"

    columns = {c: value(c) for c in CONTACT_SCHEMA if c != "reason"}
    for name in ("customer_id", "channel", "source_code", "segment"):
        columns[name] = f"NULLIF(TRIM(CAST({columns[name]} AS VARCHAR)), '')"
    if spec.options.get("channel_map"):
        cases = " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in spec.options["channel_map"].items())
        columns["channel"] = f"CASE {columns['channel']} {cases} ELSE {columns['channel']} END"
    good = [f"{c} IS NOT NULL" for c in ("customer_id", "timestamp", "channel", "source_code")]
    if known := sorted(channels):
        good.append(f"channel IN ({', '.join(_literal(c) for c in known)})")
    good += [f"({c} IS NULL OR {c} >= 0)" for c in ("cost", "handling_seconds")]
    good += [f"({c} IS NULL OR ({c} >= {lo} AND {c} <= {hi} AND {c} = FLOOR({c})))"
             for c, (lo, hi) in SURVEY_RANGES.items()]
    select = ", ".join(f"{v} AS {c}" for c, v in columns.items())
    return f"SELECT * FROM (SELECT {select} FROM {base}) AS canonical WHERE {' AND '.join(good)}"


def pushdown_cube(spec: SourceSpec, *, channels: Mapping[str, bool], crosswalk: Mapping[str, str],
                  repeat_days: int = 7, exact_pairs: int = sketch.EXACT_PAIRS
                  ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(cells, customers)`` of ``spec`` computed by its engine (see the module docstring)."""
    check(spec)
    connection = _connect(spec)
    try:
        rows = relation(spec, channels, dialect_of(connection))
        return cube_on(connection, rows, channels=channels, crosswalk=dict(crosswalk), repeat_days=repeat_days,
                       exact_pairs=exact_pairs)
    except PushdownError:
        raise
    except Exception as error:  # the engine's own error: say which source and what it said
        message = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise PushdownError(f"source '{spec.id}': the engine could not compute the cube ({message})") from None
    finally:
        if spec.kind == "sql":
            connection.dispose()


def _connect(spec: SourceSpec):
    if spec.kind == "spark":
        from workbench.sources.remote import spark_session

        return spark_session(spec.location)
    from sqlalchemy import create_engine

    engine = create_engine(spec.location)
    if SQLGLOT_DIALECTS.get(engine.dialect.name, engine.dialect.name) == "sqlite":
        engine.dispose()
        raise PushdownError(f"source '{spec.id}': SQLite has no window frames over time ranges; read it "
                            "without pushdown")
    return engine


def _base(spec: SourceSpec, quote) -> str:
    if spec.options.get("query"):
        return f"({spec.options['query']}) AS source"
    schema = spec.options.get("schema")
    return (f"{quote(schema)}." if schema else "") + ".".join(quote(p) for p in spec.options["table"].split("."))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _backquote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _literal(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def pushed_sources(workspace) -> list[SourceSpec]:
    """The workspace's sources whose cube is computed in their engine."""
    from workbench.sources.registry import contact_sources

    return [s for s in contact_sources(workspace.store) if pushes_down(s)]


def workspace_cube(workspace, model, dims, *, repeat_days: int = 7):
    """The cube of every source of ``workspace``: the file sources' contacts cubed here with Polars, each
    pushed-down source's cube computed in its engine, combined (``Cube.combine``)."""
    from workbench.metrics.cube import Cube
    from workbench.sources.registry import contact_sources, contacts, get_crosswalk

    crosswalk = get_crosswalk(workspace.store)
    channels = {c.id: c.digital for c in model.channels.values()}
    cubes = []
    specs = contact_sources(workspace.store)
    if local := [s for s in specs if not pushes_down(s)]:
        frame = contacts(workspace.store, workspace.path, model, check=False, sources=local).frame
        cubes.append(Cube.build(frame, dims, repeat_days=repeat_days))
    for spec in (s for s in specs if pushes_down(s)):
        cells, customers = pushdown_cube(spec, channels=channels, crosswalk=crosswalk.targets,
                                         repeat_days=repeat_days)
        cubes.append(Cube(cells, repeat_days, customers))
    return Cube.combine(cubes)


def engine_check(spec: SourceSpec, channels: Mapping[str, bool], crosswalk: Mapping[str, str]) -> str:
    """Compute ``spec``'s cube in its engine once (so a wrong table, column or URL shows now) and say what
    came back; no row is read here."""
    cells, _ = pushdown_cube(spec, channels=channels, crosswalk=crosswalk)
    contacts = int(cells["__part_rows"].sum() or 0) if cells.height else 0
    unmapped = int(cells.filter(pl.col("reason").is_null())["__part_rows"].sum() or 0) if cells.height else 0
    return (f"{spec.id}: the KPI cube is computed in the engine ({spec.kind}): {contacts:,} contacts in "
            f"{cells.height:,} cells, {unmapped:,} without a reason (unmapped codes); bad rows are left out "
            "there (not counted)")
