"""Load a declared source into the canonical contact schema, with every bad row counted and located.

:func:`load_source` reads a source (:mod:`~workbench.sources.connectors`), maps its columns as the
spec says, parses them (:mod:`~workbench.sources.columns`), fills ``reason`` from the crosswalk and sorts
every row into exactly one of: *bad* (a problem below), *ignored* (its code maps to ``"ignore"``) or
*kept* (among which *unmapped*: a code not in the crosswalk, kept with a null reason). So

    rows_read == rows_kept + rows_bad + rows_ignored

holds for every load. Blank rows (every source column empty) are not data and are only counted.
Bad rows either stop the load (``on_bad_rows="reject"`` → :class:`SourceRejected`) or are written to
``WORKSPACE/quarantine/<source-id>.parquet`` with a ``problem`` column, and the load goes on.

The good rows stay lazy: the returned frame reads the source again when it is collected.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from workbench.model import did_you_mean
from workbench.sources import columns as parse
from workbench.sources.canonical import CONTACT_SCHEMA, REQUIRED_COLUMNS, SURVEY_RANGES, conform
from workbench.sources.connectors import FILE, ROW, RawSource, SourceError, read_raw
from workbench.sources.crosswalk import Crosswalk
from workbench.sources.report import BadRow, LoadReport, ProblemCount, SourceRejected
from workbench.sources.spec import SourceSpec

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


@dataclass(frozen=True)
class LoadResult:
    frame: pl.LazyFrame  # good rows, canonical schema plus extra dimensions
    report: LoadReport | None = field(repr=False)  # None when loaded with check=False


def load_source(spec: SourceSpec, *, channels: set[str] | None = None, crosswalk: Crosswalk | None = None,
                workspace_dir: str | Path | None = None, check: bool = True) -> LoadResult:
    """Read ``spec``'s source into canonical contacts; count, locate and reject or quarantine bad rows.

    ``channels`` are the model's channel ids (``None``: any channel is accepted); ``crosswalk`` maps
    source codes to reasons (``None``: every code is unmapped). ``workspace_dir`` is needed to quarantine;
    a relative file location is read relative to it (so a workspace folder can be moved).
    ``check=False`` skips the report (no pass over the data now; ``report`` is None): the frame still
    holds only the good rows. For readers of a source that was checked when added or changed.
    """
    if spec.content == "feedback":
        raise SourceError(f"source '{spec.id}' holds feedback: load it with workbench.sources.feedback.load_feedback")
    crosswalk = crosswalk if crosswalk is not None else Crosswalk()
    if workspace_dir is not None and spec.kind != "sql" and not Path(spec.location).expanduser().is_absolute():
        spec = dataclasses.replace(spec, location=str(Path(workspace_dir) / spec.location))
    raw = read_raw(spec)
    staged, checks, source_columns = _stage(spec, raw, channels)
    raw_schema = {c: t for c, t in raw.frame.collect_schema().items() if c in source_columns}
    flags = [pl.col(c.name) for c in checks]
    bad = pl.any_horizontal(flags) if flags else pl.lit(False)
    code = pl.col("_wb_c:source_code")
    ignored = ~bad & crosswalk.is_ignored("_wb_c:source_code")
    unmapped = ~bad & ~ignored & crosswalk.is_unmapped("_wb_c:source_code")
    blank = pl.all_horizontal([~parse.present(pl.col(c), raw.frame.collect_schema()[c]) for c in raw.columns])
    rows = staged.filter(~blank)
    if not check:
        return LoadResult(_good_rows(spec, rows, bad, ignored, crosswalk), None)

    summary = rows.select(
        pl.len().alias("read"), bad.sum().alias("bad"), ignored.sum().alias("ignored"),
        unmapped.sum().alias("unmapped"), *(pl.col(c.name).sum().alias(c.name) for c in checks),
    )
    blanks = staged.select(blank.sum().alias("blank"))
    examples = [
        rows.filter(pl.col(c.name)).head(EXAMPLES)
        .select(pl.col(FILE), pl.col(ROW), _shown(c.source, raw_schema).alias("value"),
                pl.col(f"_wb_c:{c.column}").cast(pl.String).alias("parsed"))
        for c in checks
    ]
    codes = rows.filter(unmapped).select(code.alias("source_code"),
                                         pl.col("_wb_c:customer_id").alias("customer_id"))
    results = pl.collect_all([summary, blanks, crosswalk.unmapped_query(codes), *examples])
    totals, blank_count, unmapped_codes, found = results[0].row(0, named=True), results[1].item(), \
        results[2], results[3:]

    report = LoadReport(
        source=spec.id, location=_safe_location(spec), row_unit=raw.row_unit, on_bad_rows=spec.on_bad_rows,
        rows_read=totals["read"], rows_bad=totals["bad"], rows_ignored=totals["ignored"],
        rows_kept=totals["read"] - totals["bad"] - totals["ignored"], rows_unmapped=totals["unmapped"],
        blank_rows=blank_count, problems=_problem_counts(checks, totals, found, channels),
        unmapped=unmapped_codes,
    )
    quarantine = Path(workspace_dir) / "quarantine" / f"{spec.id}.parquet" if workspace_dir else None
    if report.rows_bad and spec.on_bad_rows == "reject":
        raise SourceRejected(report)
    if report.rows_bad:
        if quarantine is None:
            raise SourceError(f"source '{spec.id}': {report.rows_bad} bad row(s) to quarantine, but no "
                              "workspace folder was given to put them in")
        quarantine.parent.mkdir(parents=True, exist_ok=True)
        problem = pl.concat_str(
            [pl.when(pl.col(c.name)).then(pl.lit(f"{c.kind} ({c.source}): ")
                                          + _shown(c.source, raw_schema).fill_null("<empty>"))
             for c in checks], separator="; ", ignore_nulls=True)
        (rows.filter(bad)
         .select(pl.col(FILE).alias("source_file"), pl.col(ROW).alias("source_row"),
                 *(pl.col(c).cast(pl.String) for c in source_columns), problem.alias("problem"))
         .collect().write_parquet(quarantine))
        report = report.quarantined_to(quarantine)
    elif quarantine is not None and quarantine.exists():
        quarantine.unlink()  # left by an earlier load of this source; its rows are no longer bad

    return LoadResult(_good_rows(spec, rows, bad, ignored, crosswalk), report)


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
def _stage(spec: SourceSpec, raw: RawSource, channels: set[str] | None):
    """Parsed columns ``_wb_c:<name>`` and problem flags next to the source columns."""
    schema = dict(raw.frame.collect_schema())
    source_columns = raw.columns
    sources = {c: spec.source_column(c) for c in [*CONTACT_SCHEMA, *spec.extra_dimensions]
               if c in spec.effective_mapping or c in spec.extra_dimensions}
    missing = {c: s for c, s in sources.items() if s not in schema}
    if missing:
        raise SourceError(f"{spec.location}: " + "; ".join(
            f"no column '{s}' (mapped to {c}){did_you_mean(s, source_columns)}" for c, s in missing.items())
            + f". The columns are: {', '.join(source_columns)}")
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
    staged = frame.with_columns(v.alias(f"_wb_c:{k}") for k, v in parsed.items())
    for column in CONTACT_SCHEMA:  # unmapped canonical columns: null, so later steps can name them
        if column not in parsed:
            staged = staged.with_columns(pl.lit(None, dtype=CONTACT_SCHEMA[column]).alias(f"_wb_c:{column}"))
    staged = staged.with_columns(c.flag.alias(c.name) for c in checks)
    _refuse_bad_constants(spec, staged, checks)
    return staged, checks, source_columns


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


def _shown(source: str, schema: dict[str, pl.DataType]) -> pl.Expr:
    """The offending value as the user would see it in the source (text; ``11`` rather than ``11.0``)."""
    if source in schema:
        return parse.as_text(pl.col(source), schema[source])
    return pl.lit(None, dtype=pl.String)


def _problem_counts(checks, totals, found, channels) -> dict[str, ProblemCount]:
    out: dict[str, ProblemCount] = {}
    for check, sample in zip(checks, found, strict=True):
        count = totals[check.name]
        if not count:
            continue
        examples = [
            BadRow(file=row[FILE], row=row[ROW], column=check.source, value=row["value"],
                   message=_message(check.kind, row["value"], channels))
            for row in sample.iter_rows(named=True)
        ]
        known = out.get(check.kind, ProblemCount(check.kind, 0, ()))
        merged = sorted([*known.examples, *examples], key=lambda e: (e.file, e.row))[:EXAMPLES]
        out[check.kind] = ProblemCount(check.kind, known.count + count, tuple(merged))
    return out


def _message(kind: str, value: str | None, channels: set[str] | None) -> str:
    if value is None or kind.startswith("missing_"):
        return PROBLEMS[kind]
    hint = did_you_mean(value, sorted(channels or ())) if kind == "unknown_channel" else ""
    if kind == "unknown_channel" and not hint:
        lower = {c.lower(): c for c in channels or ()}
        hint = f" (did you mean '{lower[value.lower()]}'?)" if value.lower() in lower else ""
    return f"{value!r} {PROBLEMS[kind]}{hint}"


def _safe_location(spec: SourceSpec) -> str:
    if spec.kind != "sql":
        return spec.location
    from sqlalchemy.engine import make_url

    return make_url(spec.location).render_as_string(hide_password=True)
