"""Load a declared source into the canonical contact schema, with every bad row counted and located.

:func:`load_source` reads a source (:mod:`~workbench.sources.connectors`), maps its columns as the
spec says, parses them (:mod:`~workbench.sources.columns`), fills ``reason`` from the crosswalk and sorts
every row into exactly one of: *bad* (a problem below), *ignored* (its code maps to ``"ignore"``) or
*kept* (among which *unmapped*: a code not in the crosswalk, kept with a null reason). So

    rows_read == rows_kept + rows_bad + rows_ignored

holds for every load. Blank rows (every source column empty) are not data and are only counted.
Bad rows either stop the load (``on_bad_rows="reject"`` → :class:`SourceRejected`) or are written to
``WORKSPACE/quarantine/<source-id>.parquet`` with a ``problem`` column (:mod:`~workbench.sources.quarantine`),
and the load goes on. Canonical columns the spec does not map map themselves by name
(:mod:`~workbench.sources.automap`); the report says which column mapped how.

The good rows stay lazy: the returned frame reads the source again when it is collected.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import polars as pl

from workbench.model import did_you_mean
from workbench.sources import columns as parse
from workbench.sources.automap import ColumnPlan, plan_columns
from workbench.sources.canonical import (
    CONTACT_SCHEMA,
    REQUIRED_COLUMNS,
    SURVEY_RANGES,
    TIMESTAMP_WINDOW_SETTING,
    UTC_DATETIME,
    conform,
)
from workbench.sources.canonical import timestamp_window as plausible_window
from workbench.sources.connectors import (
    BAD_LINE_COLUMN,
    FILE,
    ROW,
    RawSource,
    SourceError,
    locate_read_error,
    read_raw,
)
from workbench.sources.crosswalk import Crosswalk
from workbench.sources.quarantine import clear_quarantine, quarantine_path, write_quarantine
from workbench.sources.report import BadRow, LoadReport, ProblemCount, SourceRejected
from workbench.sources.spec import XES_DEFAULT_MAPPING, SourceSpec, in_workspace
from workbench.sources.textfile import BAD_LINE, LINE_LIMIT, separator_hint, separator_option

#: Every kind of bad row, and what the user is told about the offending value.
PROBLEMS = {
    "missing_customer_id": "no customer id",
    "missing_timestamp": "no timestamp",
    "bad_timestamp": "cannot be read as a timestamp",
    "missing_channel": "no channel",
    "unknown_channel": "is not a channel of the model",
    "missing_source_code": "no reason code",
    "not_a_number": "is not a number",
    "negative_cost": "is negative; a cost cannot be",
    "negative_handling_seconds": "is negative; a handling time cannot be",
    "score_out_of_range": "is not a whole number on the survey scale",
    "not_a_boolean": "is not a yes/no value",
    "implausible_timestamp": "is outside the plausible window",
    "line_too_long": "is too long to be a row",
    "nul_bytes": "holds NUL bytes",
}
TEXT_COLUMNS = ("customer_id", "channel", "source_code", "segment")
NUMBER_COLUMNS = ("cost", "handling_seconds")
BOOLEAN_COLUMNS = ("complaint", "resolved")
CONSTANT = "_wb_const_"
EXAMPLES = 5


@dataclass(frozen=True)
class Check:
    kind: str
    column: str  # the canonical column
    source: str  # the source column as the user knows it, or "(constant)"
    flag: pl.Expr

    @property
    def name(self) -> str:
        return f"_wb_problem:{self.kind}:{self.column}"

    @property
    def shown(self) -> str:
        """The column as the report names it."""
        return "(whole line)" if self.source == BAD_LINE_COLUMN else self.source


@dataclass(frozen=True)
class LoadResult:
    frame: pl.LazyFrame  # good rows, canonical schema plus extra dimensions
    report: LoadReport | None = field(repr=False)  # None when loaded with check=False
    columns: ColumnPlan | None = field(default=None, repr=False)  # which source column feeds which column


def load_source(spec: SourceSpec, *, channels: set[str] | None = None, crosswalk: Crosswalk | None = None,
                workspace_dir: str | Path | None = None, check: bool = True,
                timestamp_window: tuple[date, date] | None = None) -> LoadResult:
    """Read ``spec``'s source into canonical contacts; count, locate and reject or quarantine bad rows.

    ``channels`` are the model's channel ids (``None``: any channel is accepted); ``crosswalk`` maps
    source codes to reasons (``None``: every code is unmapped). ``workspace_dir`` is needed to quarantine;
    a relative file location is read relative to it (so a workspace folder can be moved), and UTF-8
    copies of CSV files that need one go to its ``cache/sources``. ``timestamp_window`` is the first and
    last plausible day of a contact (default: 2000-01-01 to a year after today; the workspace setting
    ``sources.timestamp_window`` is read by :func:`~workbench.sources.registry.load_options`).
    ``check=False`` skips the report (no pass over the data now; ``report`` is None): the frame still
    holds only the good rows. For readers of a source that was checked when added or changed.
    """
    if spec.content == "feedback":
        raise SourceError(f"source '{spec.id}' holds feedback: load it with workbench.sources.feedback.load_feedback")
    crosswalk = crosswalk if crosswalk is not None else Crosswalk()
    spec = in_workspace(spec, workspace_dir)
    scratch = Path(workspace_dir) / "cache" / "sources" if workspace_dir is not None else None
    raw = read_raw(spec, scratch)
    window = timestamp_window if timestamp_window is not None else plausible_window()
    staged, checks, source_columns, plan = _stage(spec, raw, channels, window)
    raw_schema = {c: t for c, t in raw.frame.collect_schema().items() if c in [*source_columns, BAD_LINE_COLUMN]}
    flags = [pl.col(c.name) for c in checks]
    bad = pl.any_horizontal(flags) if flags else pl.lit(False)
    code = pl.col("_wb_c:source_code")
    ignored = ~bad & crosswalk.is_ignored("_wb_c:source_code")
    unmapped = ~bad & ~ignored & crosswalk.is_unmapped("_wb_c:source_code")
    blank = pl.all_horizontal([~parse.present(pl.col(c), raw.frame.collect_schema()[c]) for c in raw.columns])
    rows = staged.filter(~blank)
    if not check:
        return LoadResult(_good_rows(spec, rows, bad, ignored, crosswalk), None, plan)

    kept = ~blank  # one pass in the streaming engine, per source code (few): memory stays flat
    customer = pl.col("_wb_c:customer_id")
    per_code = _collect(spec, raw, staged.group_by(code.alias("source_code")).agg(
        kept.sum().alias("read"), blank.sum().alias("blank"), (kept & bad).sum().alias("bad"),
        (kept & ignored).sum().alias("ignored"), (kept & unmapped).sum().alias("unmapped"),
        customer.filter(kept & unmapped).n_unique().alias("customers"),
        *((kept & pl.col(c.name)).sum().alias(c.name) for c in checks),
    ))
    totals = per_code.drop("source_code", "customers").sum().row(0, named=True)
    blank_count = totals["blank"]
    found = [
        _collect(spec, raw, rows.filter(pl.col(c.name)).head(EXAMPLES).select(
            pl.col(FILE), pl.col(ROW), _shown(c.source, raw_schema).alias("value"),
            (pl.lit(None) if c.source == BAD_LINE_COLUMN else pl.col(f"_wb_c:{c.column}"))
            .cast(pl.String).alias("parsed")))
        if totals[c.name] else None
        for c in checks
    ]
    unmapped_codes = (per_code.filter(pl.col("unmapped") > 0)
                      .select("source_code", pl.col("unmapped").cast(pl.Int64).alias("contacts"),
                              pl.col("customers").cast(pl.Int64))
                      .sort(["contacts", "source_code"], descending=[True, False]))

    report = LoadReport(
        source=spec.id, location=_safe_location(spec), row_unit=raw.row_unit, on_bad_rows=spec.on_bad_rows,
        rows_read=totals["read"], rows_bad=totals["bad"], rows_ignored=totals["ignored"],
        rows_kept=totals["read"] - totals["bad"] - totals["ignored"], rows_unmapped=totals["unmapped"],
        blank_rows=blank_count, problems=_problem_counts(checks, totals, found, channels, window),
        unmapped=unmapped_codes, detected=raw.detected, columns=plan.describe(),
    )
    quarantine = quarantine_path(workspace_dir, spec.id) if workspace_dir else None
    if report.rows_bad and spec.on_bad_rows == "reject":
        raise SourceRejected(report)
    if report.rows_bad:
        if quarantine is None:
            raise SourceError(f"source '{spec.id}': {report.rows_bad} bad row(s) to quarantine, but no "
                              "workspace folder was given to put them in")
        problem = pl.concat_str([pl.when(pl.col(c.name)).then(_problem_text(c, raw_schema)) for c in checks],
                                separator="; ", ignore_nulls=True)
        write_quarantine(rows.filter(bad).select(
            pl.col(FILE).alias("source_file"), pl.col(ROW).alias("source_row"),
            *(pl.col(c).cast(pl.String) for c in source_columns), problem.alias("problem")), quarantine)
        report = report.quarantined_to(quarantine)
    elif quarantine is not None:
        clear_quarantine(quarantine)  # left by an earlier load of this source; its rows are no longer bad

    return LoadResult(_good_rows(spec, rows, bad, ignored, crosswalk), report, plan)


def _collect(spec: SourceSpec, raw: RawSource, query: pl.LazyFrame) -> pl.DataFrame:
    """Run one query over the source in the streaming engine; a reader's error becomes one located sentence."""
    try:
        return query.collect(engine="streaming")
    except pl.exceptions.PolarsError as error:
        raise SourceError(locate_read_error(spec, raw, error)) from None


def _good_rows(spec: SourceSpec, rows: pl.LazyFrame, bad: pl.Expr, ignored: pl.Expr,
               crosswalk: Crosswalk) -> pl.LazyFrame:
    """The kept rows in the canonical schema: not bad, not ignored; reason filled from the crosswalk."""
    good = rows.filter(~bad & ~ignored).select(
        *(pl.col(f"_wb_c:{c}").alias(c) for c in CONTACT_SCHEMA if c != "reason"),
        crosswalk.reason_expr("_wb_c:source_code").alias("reason"),
        *(pl.col(f"_wb_c:{d}").alias(d) for d in spec.extra_dimensions),
    )
    return conform(good)


def read_source(spec: SourceSpec, **kwargs) -> pl.LazyFrame:
    """The good rows of a source in the canonical schema (see :func:`load_source` for the arguments)."""
    return load_source(spec, **kwargs).frame


# -- staging ----------------------------------------------------------------------------------------
def _stage(spec: SourceSpec, raw: RawSource, channels: set[str] | None, window: tuple[date, date]):
    """Parsed columns ``_wb_c:<name>`` and problem flags next to the source columns."""
    schema = dict(raw.frame.collect_schema())
    source_columns = raw.columns
    plan = _plan(spec, raw)
    sources = plan.mapping
    missing = {c: s for c, s in sources.items() if s not in schema}
    if missing:
        raise SourceError(f"{spec.location}: " + "; ".join(
            f"no column '{s}' (mapped to {c}){did_you_mean(s, source_columns)}" for c, s in missing.items())
            + f". The columns are: {', '.join(source_columns)}"
            + (f"; {hint}" if (hint := _separator_hint(spec, source_columns)) else ""))
    _refuse_uncovered(spec, plan, source_columns)
    frame = raw.frame.with_columns(pl.lit(v).alias(CONSTANT + c) for c, v in spec.constants.items())
    sources.update({c: CONSTANT + c for c in spec.constants})
    schema = dict(frame.collect_schema())
    parsed, checks = {}, []
    decimal_comma = bool(spec.options.get("decimal_comma"))
    for column, source in sources.items():
        raw_col, dtype, out = pl.col(source), schema[source], pl.col(f"_wb_c:{column}")
        shown = "(constant)" if source.startswith(CONSTANT) else source
        present = parse.present(raw_col, dtype)

        def check(kind: str, flag: pl.Expr, column=column, shown=shown) -> None:
            checks.append(Check(kind, column, shown, flag.fill_null(False)))

        if column in TEXT_COLUMNS:
            value = parse.as_text(raw_col, dtype)
            if column == "channel" and spec.options.get("channel_map"):
                value = value.replace(spec.options["channel_map"])
            parsed[column] = value
            if column in REQUIRED_COLUMNS:
                check(f"missing_{column}", out.is_null())
            if column == "channel" and channels is not None:
                check("unknown_channel", out.is_not_null() & ~out.is_in(sorted(channels)))
        elif column == "timestamp":
            parsed[column] = parse.as_timestamp(raw_col, dtype, spec.timestamp_format, spec.timezone)
            check("missing_timestamp", ~present)
            check("bad_timestamp", present & out.is_null())
            start, end = (datetime.combine(d, time(0), tzinfo=UTC) for d in window)
            check("implausible_timestamp", out.is_not_null() & ((out < pl.lit(start, dtype=UTC_DATETIME))
                                                               | (out >= pl.lit(end + timedelta(days=1),
                                                                                dtype=UTC_DATETIME))))
        elif column in NUMBER_COLUMNS:
            parsed[column] = parse.as_number(raw_col, dtype, decimal_comma)
            check("not_a_number", present & out.is_null())
            check(f"negative_{column}", out < 0)
        elif column in SURVEY_RANGES:
            low, high = SURVEY_RANGES[column]
            number = parse.as_number(raw_col, dtype, decimal_comma)
            parsed[column] = number
            check("not_a_number", present & out.is_null())
            off_scale = (out != out.round()) | (out < low) | (out > high)
            check("score_out_of_range", out.is_not_null() & off_scale)
        elif column in BOOLEAN_COLUMNS:
            parsed[column] = parse.as_boolean(raw_col, dtype)
            check("not_a_boolean", present & out.is_null())
        else:  # an extra dimension: kept as found
            parsed[column] = raw_col
    if BAD_LINE_COLUMN in schema:  # a line set apart as too long or holding NUL bytes: that is its problem
        marker = pl.col(BAD_LINE_COLUMN)
        checks = [dataclasses.replace(c, flag=c.flag & marker.is_null()) for c in checks]
        for kind, tag in (("line_too_long", "long:"), ("nul_bytes", "nul:")):
            flag = marker.str.starts_with(BAD_LINE + tag).fill_null(False)
            checks.append(Check(kind, "(line)", BAD_LINE_COLUMN, flag))
    staged = frame.with_columns(v.alias(f"_wb_c:{k}") for k, v in parsed.items())
    for column in CONTACT_SCHEMA:  # unmapped canonical columns: null, so later steps can name them
        if column not in parsed:
            staged = staged.with_columns(pl.lit(None, dtype=CONTACT_SCHEMA[column]).alias(f"_wb_c:{column}"))
    staged = staged.with_columns(c.flag.alias(c.name) for c in checks)
    _refuse_bad_constants(spec, staged, checks)
    return staged, checks, source_columns, plan


def _plan(spec: SourceSpec, raw: RawSource) -> ColumnPlan:
    """Which source column feeds which output column: the spec's mapping, then names (not for XES, whose
    reader only reads the attributes it is asked for)."""
    if spec.kind != "xes":
        return plan_columns(spec.mapping, spec.constants, spec.extra_dimensions, raw.columns)
    effective = spec.effective_mapping
    defaults = {k: v for k, v in effective.items() if XES_DEFAULT_MAPPING.get(k) == v}
    mapping = {k: v for k, v in effective.items() if k not in defaults}
    return plan_columns(mapping, spec.constants, spec.extra_dimensions, raw.columns, defaults=defaults,
                        automatic=False)


def _refuse_uncovered(spec: SourceSpec, plan: ColumnPlan, source_columns: list[str]) -> None:
    """A required column (or, for a survey, every score) with no source: say what to add."""
    missing = [c for c in REQUIRED_COLUMNS if not plan.covers(c)]
    survey = spec.content == "survey" and not any(plan.covers(c) for c in SURVEY_RANGES)
    if not missing and not survey:
        return
    if hint := _separator_hint(spec, source_columns):
        raise SourceError(f"{spec.location}: {hint}")
    parts = []
    unnamed = [c for c in missing if c not in plan.ambiguous]
    if unnamed:
        parts.append(f"no column for {', '.join(unnamed)}: none is named so (or by a usual alias); map one with "
                     + ", ".join(f"`--map {c}=COLUMN`" for c in unnamed)
                     + (" or give a constant (`--const channel=phone`)" if "channel" in unnamed else ""))
    for column in missing:
        if column in plan.ambiguous:
            parts.append(f"{column} could be {' or '.join(repr(c) for c in plan.ambiguous[column])}: choose with "
                         f"`--map {column}=COLUMN`")
    if survey:
        parts.append("a survey source needs at least one of nps, ces, csat: map one (`--map nps=COLUMN`)")
    raise SourceError(f"{spec.location}: " + "; ".join(parts) + f". The columns are: {', '.join(source_columns)}")


def _separator_hint(spec: SourceSpec, source_columns: list[str]) -> str:
    if spec.kind != "csv":
        return ""
    return separator_hint(source_columns, separator_option(spec.options.get("separator")) or ",")


def _refuse_bad_constants(spec: SourceSpec, staged: pl.LazyFrame, checks: list[Check]) -> None:
    """A bad constant would make every row bad: say so once, about the spec, instead."""
    constant_checks = [c for c in checks if c.source == "(constant)"]
    if not constant_checks:
        return
    one = staged.head(1).select(pl.col(c.name) for c in constant_checks).collect()
    wrong = [c for c in constant_checks if one.height and one[c.name][0]]
    if wrong:
        raise SourceError(f"source '{spec.id}': " + "; ".join(
            f"the constant {c.column}={spec.constants[c.column]!r} {PROBLEMS[c.kind]}" for c in wrong))


def _problem_text(check: Check, schema: dict[str, pl.DataType]) -> pl.Expr:
    """What the quarantine file says of one problem: ``"negative_cost (kosten): -2"``."""
    if check.source == BAD_LINE_COLUMN:
        unit = " bytes long" if check.kind == "line_too_long" else " NUL byte(s)"
        return pl.lit(f"{check.kind}: ") + pl.col(BAD_LINE_COLUMN).str.extract(r":(\d+)$") + pl.lit(unit)
    return pl.lit(f"{check.kind} ({check.shown}): ") + _shown(check.source, schema).fill_null("<empty>")


def _shown(source: str, schema: dict[str, pl.DataType]) -> pl.Expr:
    """The offending value as the user would see it in the source (text; ``11`` rather than ``11.0``)."""
    if source in schema:
        return parse.as_text(pl.col(source), schema[source])
    return pl.lit(None, dtype=pl.String)


def _problem_counts(checks, totals, found, channels, window) -> dict[str, ProblemCount]:
    out: dict[str, ProblemCount] = {}
    for check, sample in zip(checks, found, strict=True):
        count = totals[check.name]
        if not count or sample is None:
            continue
        examples = [
            BadRow(file=row[FILE], row=row[ROW], column=check.shown, value=row["value"],
                   message=_message(check.kind, row["value"], channels, window))
            for row in sample.iter_rows(named=True)
        ]
        known = out.get(check.kind, ProblemCount(check.kind, 0, ()))
        merged = sorted([*known.examples, *examples], key=lambda e: (e.file, e.row))[:EXAMPLES]
        out[check.kind] = ProblemCount(check.kind, known.count + count, tuple(merged))
    return out


def _message(kind: str, value: str | None, channels: set[str] | None, window: tuple[date, date]) -> str:
    if value is None or kind.startswith("missing_"):
        return PROBLEMS[kind]
    if kind in ("line_too_long", "nul_bytes"):
        number = int(value.rpartition(":")[2])
        if kind == "nul_bytes":
            return f"the line holds {number:,} NUL byte(s): the file is damaged there"
        return f"the line is {number:,} bytes long; a row may be at most {LINE_LIMIT:,} bytes (1 MB)"
    if kind == "implausible_timestamp":
        return (f"{value!r} is outside the plausible window {window[0]} to {window[1]} "
                f"(the workspace setting {TIMESTAMP_WINDOW_SETTING})")
    if kind == "not_a_number" and re.fullmatch(r"-?\d+,\d+", value.strip()):
        return f"{value!r} {PROBLEMS[kind]} (a decimal comma? add `--option decimal_comma=true`)"
    hint = did_you_mean(value, sorted(channels or ())) if kind == "unknown_channel" else ""
    if kind == "unknown_channel" and not hint:
        lower = {c.lower(): c for c in channels or ()}
        hint = f" (did you mean '{lower[value.lower()]}'?)" if value.lower() in lower else ""
    if kind == "unknown_channel" and not hint:
        hint = (f" (the model's channels are {', '.join(sorted(channels))})" if channels else
                " (the model has no channels yet: add them on the Channels sheet of `workbench export WS --to "
                "model.xlsx` and import that file, or give the flat model file a channel column)")
    return f"{value!r} {PROBLEMS[kind]}{hint}"


def _safe_location(spec: SourceSpec) -> str:
    if spec.kind != "sql":
        return spec.location
    from sqlalchemy.engine import make_url

    return make_url(spec.location).render_as_string(hide_password=True)
