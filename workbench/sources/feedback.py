"""Feedback sources: customer comments (survey verbatims, reviews, chat transcripts) in one schema.

A feedback source is declared like a contact source (:class:`FeedbackSpec`, stored in the same
``sources`` table with ``content="feedback"``) and read by the same connectors (CSV, Excel, Parquet,
SQL) or from a TheyDo feedback file (``kind="theydo"``, :mod:`workbench.interchange.theydo_feedback`).
Its rows become :data:`FEEDBACK_SCHEMA`; every bad row is counted and located (file, row, column) in a
:class:`~workbench.sources.report.LoadReport`, and either stops the load (``on_bad_rows="reject"``,
nothing is loaded) or is set aside in ``WORKSPACE/quarantine/<id>.parquet``.

Bad rows: no id, a repeated id, no text (or only white space), a text longer than ``max_chars``
(default 20,000 characters: a 10 MB cell is refused, not loaded), no or an unreadable timestamp, a score
that is not a whole number on its scale, an unknown scale, a journey or step the model does not have
(with a "did you mean"), a step of another journey. A file in the wrong encoding is refused whole.
A transcript (a JSON list of ``{actor, statement}`` turns) keeps only the customer's turns as its
text. ``language`` is guessed (English or Dutch) where the source does not give it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from workbench.files import atomic_path
from workbench.model import SLUG, Model, did_you_mean, slugify
from workbench.sources import columns as parse
from workbench.sources.canonical import UTC_DATETIME
from workbench.sources.connectors import BAD_LINE_COLUMN, FILE, ROW, RawSource, SourceError, read_raw
from workbench.sources.report import BadRow, LoadReport, ProblemCount, SourceRejected
from workbench.sources.spec import BAD_ROW_POLICIES, OPTIONS, SourceSpec, SpecError, in_workspace
from workbench.sources.textfile import BAD_LINE, LINE_LIMIT
from workbench.text.normalise import customer_turns, guess_language

FEEDBACK_SCHEMA: dict[str, pl.DataType] = {
    "feedback_id": pl.String(), "customer_id": pl.String(), "timestamp": UTC_DATETIME, "channel": pl.String(),
    "text": pl.String(), "score": pl.Int16(), "scale": pl.String(), "source_code": pl.String(),
    "journey": pl.String(), "step": pl.String(), "language": pl.String(),
}
REQUIRED = ("feedback_id", "timestamp", "text")
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
KINDS = ("csv", "parquet", "excel", "sql", "theydo")
MAX_CHARS = 20_000
FEEDBACK_OPTIONS = ("max_chars",)
#: What a TheyDo file offers without any mapping.
THEYDO_MAPPING = {"feedback_id": "responseId", "timestamp": "responseDateTime", "text": "text"}
PROBLEMS = {
    "missing_feedback_id": "no feedback id",
    "duplicate_feedback_id": "is a feedback id used before in this source",
    "missing_text": "no text",
    "text_too_long": "is too long",
    "missing_timestamp": "no timestamp",
    "bad_timestamp": "cannot be read as a timestamp",
    "not_a_number": "is not a number",
    "score_out_of_range": "is not a whole number on the scale",
    "unknown_scale": "is not a scale (nps, csat or ces)",
    "unknown_journey": "is not a journey of the model",
    "unknown_step": "is not a step of the model",
    "step_of_other_journey": "is a step of another journey",
    "line_too_long": "the line is too long",
    "nul_bytes": "the line holds NUL bytes",
}
WHOLE_LINE = "(whole line)"
EXAMPLES = 5


@dataclass(frozen=True)
class FeedbackSpec(SourceSpec):
    """Where a feedback source is and how its columns become :data:`FEEDBACK_SCHEMA` columns.

    As :class:`~workbench.sources.spec.SourceSpec`, with ``kind`` also ``"theydo"``, the mapping over
    feedback columns (``{"text": "Opmerking", "score": "NPS"}``), a ``scale`` constant or column for the
    score, and the option ``max_chars``. Feedback sources keep no extra dimensions.

    >>> FeedbackSpec(id="survey", kind="csv", location="nps.csv",
    ...              mapping={"feedback_id": "id", "timestamp": "date", "text": "comment"}).content
    'feedback'
    """

    content: str = "feedback"

    @property
    def effective_mapping(self) -> dict[str, str]:
        if self.kind != "theydo":
            return dict(self.mapping)
        return {**{k: v for k, v in THEYDO_MAPPING.items() if k not in self.constants}, **self.mapping}

    def problems(self) -> list[str]:
        out: list[str] = []
        if not SLUG.match(self.id or ""):
            out.append(f"id must be a lowercase slug like '{slugify(self.id or 'source')}'")
        if self.kind not in KINDS:
            out.append(f"kind '{self.kind}' is not one of {', '.join(KINDS)}{did_you_mean(self.kind, KINDS)}")
        if self.content != "feedback":
            out.append("a feedback source has content 'feedback'")
        if self.on_bad_rows not in BAD_ROW_POLICIES:
            out.append(f"on_bad_rows '{self.on_bad_rows}' is not one of {', '.join(BAD_ROW_POLICIES)}")
        if not self.location:
            out.append("location is empty")
        if self.extra_dimensions:
            out.append("feedback sources keep no extra dimensions")
        for column in [*self.mapping, *self.constants]:
            if column not in FEEDBACK_SCHEMA:
                out.append(f"'{column}' is not a feedback column{did_you_mean(column, FEEDBACK_SCHEMA)}")
        for column in set(self.mapping) & set(self.constants):
            out.append(f"'{column}' is both mapped and given a constant; choose one")
        covered = set(self.effective_mapping) | set(self.constants)
        for column in REQUIRED:
            if column not in covered:
                out.append(f"'{column}' is required: map it to a source column or give it a constant")
        if "score" in covered and "scale" not in covered:
            out.append("a score needs its scale: give the constant scale=nps (or csat, ces) or map a column")
        if self.constants.get("scale") not in (None, *SCALES):
            out.append(f"scale '{self.constants['scale']}' is not one of {', '.join(SCALES)}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            out.append(f"timezone '{self.timezone}' is not an IANA time zone (like 'Europe/Amsterdam')")
        allowed = (*OPTIONS.get(self.kind, ()), *FEEDBACK_OPTIONS)
        allowed = tuple(o for o in allowed if o != "channel_map" or self.kind != "theydo")
        for option in self.options:
            if option not in allowed:
                out.append(f"option '{option}' does not apply to {self.kind} feedback sources"
                           f"{did_you_mean(option, allowed)}")
        if self.kind == "sql" and bool(self.options.get("table")) == bool(self.options.get("query")):
            out.append("a sql source needs exactly one of the options 'table' or 'query'")
        return out


@dataclass(frozen=True)
class FeedbackLoad:
    """The good rows of one feedback source (eager: feedback is read whole) and the load's report."""

    frame: pl.DataFrame
    report: LoadReport = field(repr=False)


def _raw(spec: FeedbackSpec, scratch: Path | None) -> RawSource:
    if spec.kind != "theydo":
        return read_raw(spec, scratch)
    from workbench.interchange.theydo_feedback import read_theydo_feedback

    files = sorted(Path(spec.location).expanduser().glob("*.json")) if Path(spec.location).is_dir() \
        else [Path(spec.location).expanduser()]
    frames = []
    for path in files:
        frames.append(read_theydo_feedback(path).responses.with_columns(pl.lit(str(path)).alias(FILE)))
    if not frames:
        raise SourceError(f"{spec.location}: no TheyDo feedback file (.json) found there")
    return RawSource(pl.concat(frames, how="diagonal").lazy(), "response")


def load_feedback(spec: FeedbackSpec, *, model: Model | None = None, workspace_dir: str | Path | None = None
                  ) -> FeedbackLoad:
    """Read ``spec``'s source into :data:`FEEDBACK_SCHEMA`; count, locate and reject or quarantine bad rows.

    ``model`` checks journeys and steps (``None``: any is accepted). A relative location is read
    relative to ``workspace_dir``, where bad rows are quarantined.
    """
    spec = in_workspace(spec, workspace_dir)
    raw = _raw(spec, Path(workspace_dir) / "cache" / "sources" if workspace_dir is not None else None)
    frame = raw.frame.collect()
    missing = {c: s for c, s in spec.effective_mapping.items() if s not in frame.columns}
    if missing:
        raise SourceError(f"{spec.location}: " + "; ".join(
            f"no column '{s}' (mapped to {c}){did_you_mean(s, raw.columns)}" for c, s in missing.items())
            + f". The columns are: {', '.join(raw.columns)}")
    source_columns = raw.columns
    blank = pl.all_horizontal([~parse.present(pl.col(c), frame.schema[c]) for c in source_columns]) \
        if source_columns else pl.lit(False)
    if BAD_LINE_COLUMN in frame.columns:  # a line set apart is not blank: it is reported
        blank = blank & pl.col(BAD_LINE_COLUMN).is_null()
    blank_rows = frame.select(blank.sum()).item() if frame.height else 0
    rows = frame.filter(~blank) if frame.height else frame
    parsed, checks = _parse(spec, rows, model)
    staged = rows.with_columns(parsed).with_columns(
        *(flag.alias(f"_wb_problem:{kind}:{column}") for kind, column, flag in checks))
    flags = [f"_wb_problem:{kind}:{column}" for kind, column, _ in checks]
    is_bad = staged.select(pl.any_horizontal(flags) if flags else pl.lit(False)).to_series() \
        if staged.height else pl.Series([], dtype=pl.Boolean)
    problems = _problem_counts(spec, staged, checks, model)
    rows_bad = int(is_bad.sum()) if staged.height else 0
    report = LoadReport(source=spec.id, location=spec.location if spec.kind != "sql" else "(database)",
                        row_unit=raw.row_unit, on_bad_rows=spec.on_bad_rows, rows_read=staged.height,
                        rows_kept=staged.height - rows_bad, rows_bad=rows_bad, rows_ignored=0, rows_unmapped=0,
                        blank_rows=blank_rows, problems=problems)
    quarantine = Path(workspace_dir) / "quarantine" / f"{spec.id}.parquet" if workspace_dir else None
    if rows_bad and spec.on_bad_rows == "reject":
        raise SourceRejected(report)
    if rows_bad:
        if quarantine is None:
            raise SourceError(f"source '{spec.id}': {rows_bad} bad row(s) to quarantine, but no workspace "
                              "folder was given to put them in")
        problem = pl.concat_str([pl.when(pl.col(f)).then(pl.lit(f.split(":", 1)[1])) for f in flags],
                                separator="; ", ignore_nulls=True)
        aside = staged.filter(is_bad).select(
            pl.col(FILE).alias("source_file"), pl.col(ROW).alias("source_row"),
            *(pl.col(c).cast(pl.String).str.slice(0, 1000) for c in source_columns), problem.alias("problem"))
        with atomic_path(quarantine) as tmp:
            aside.write_parquet(tmp)
        report = report.quarantined_to(quarantine)
    elif quarantine is not None and quarantine.exists():
        quarantine.unlink()
    good = staged.filter(~is_bad) if staged.height else staged
    out = good.select(*(pl.col(f"_wb_f:{c}").cast(t).alias(c) for c, t in FEEDBACK_SCHEMA.items()))
    language = "nl" if model is not None and (model.language or "").lower().startswith("nl") else "en"
    return FeedbackLoad(_finish(out, language), report)


def _finish(frame: pl.DataFrame, default_language: str) -> pl.DataFrame:
    """Transcripts reduced to the customer's turns; the language guessed where not given."""
    text = frame["text"].map_elements(customer_turns, return_dtype=pl.String) if frame.height else frame["text"]
    frame = frame.with_columns(text=text)
    guessed = frame["text"].map_elements(lambda t: guess_language(t, default_language), return_dtype=pl.String) \
        if frame.height else frame["text"]
    return frame.with_columns(language=pl.col("language").str.to_lowercase().fill_null(guessed))


def _parse(spec: FeedbackSpec, frame: pl.DataFrame, model: Model | None):
    """Parsed ``_wb_f:<column>`` expressions and ``(kind, column shown, flag)`` checks."""
    schema = frame.schema
    max_chars = int(spec.options.get("max_chars", MAX_CHARS))
    parsed: dict[str, pl.Expr] = {}
    checks: list[tuple[str, str, pl.Expr]] = []
    sources = {c: spec.effective_mapping[c] for c in FEEDBACK_SCHEMA if c in spec.effective_mapping}

    def out(column: str) -> pl.Expr:
        return parsed.get(column, pl.lit(None, FEEDBACK_SCHEMA[column]))

    for column in FEEDBACK_SCHEMA:
        if column in spec.constants:
            parsed[column] = pl.lit(spec.constants[column]).cast(pl.String if column != "score" else pl.Int16)
        elif column in sources:
            raw, dtype = pl.col(sources[column]), schema[sources[column]]
            if column == "timestamp":
                parsed[column] = parse.as_timestamp(raw, dtype, spec.timestamp_format, spec.timezone)
                checks.append(("missing_timestamp", sources[column], ~parse.present(raw, dtype)))
                checks.append(("bad_timestamp", sources[column], parse.present(raw, dtype) & parsed[column].is_null()))
            elif column == "score":
                parsed[column] = parse.as_number(raw, dtype)
                checks.append(("not_a_number", sources[column], parse.present(raw, dtype) & parsed[column].is_null()))
            elif column == "text":
                parsed[column] = parse.as_text(raw, dtype)
            else:
                parsed[column] = parse.as_text(raw, dtype)
        else:
            parsed[column] = pl.lit(None, FEEDBACK_SCHEMA[column])
    shown = {c: sources.get(c, "(constant)") for c in FEEDBACK_SCHEMA}
    checks.append(("missing_feedback_id", shown["feedback_id"], out("feedback_id").is_null()))
    checks.append(("duplicate_feedback_id", shown["feedback_id"],
                   out("feedback_id").is_not_null() & out("feedback_id").is_duplicated()
                   & (pl.int_range(pl.len()) != pl.int_range(pl.len()).first().over(out("feedback_id")))))
    checks.append(("missing_text", shown["text"], out("text").is_null()))
    checks.append(("text_too_long", shown["text"], out("text").str.len_chars() > max_chars))
    if "score" in parsed:
        scale = out("scale").str.to_lowercase()
        low = scale.replace_strict({k: v[0] for k, v in SCALES.items()}, default=None, return_dtype=pl.Float64)
        high = scale.replace_strict({k: v[1] for k, v in SCALES.items()}, default=None, return_dtype=pl.Float64)
        score = out("score").cast(pl.Float64)
        checks.append(("unknown_scale", shown["scale"], score.is_not_null() & low.is_null()))
        checks.append(("score_out_of_range", shown["score"], score.is_not_null() & low.is_not_null()
                       & ((score != score.round()) | (score < low) | (score > high))))
        parsed["scale"] = scale
    if model is not None:
        journeys, steps = sorted(model.journeys), sorted(model.steps)
        step_journey = {s.id: s.journey for s in model.steps.values()}
        checks.append(("unknown_journey", shown["journey"], out("journey").is_not_null()
                       & ~out("journey").is_in(journeys)))
        checks.append(("unknown_step", shown["step"], out("step").is_not_null() & ~out("step").is_in(steps)))
        owner = out("step").replace_strict(step_journey, default=None, return_dtype=pl.String)
        checks.append(("step_of_other_journey", shown["step"], out("journey").is_not_null() & owner.is_not_null()
                       & (owner != out("journey"))))
    checks = [(k, c, f.fill_null(False)) for k, c, f in checks]
    if BAD_LINE_COLUMN in schema:  # a line set apart as too long or holding NUL bytes: that is its only problem
        marker = pl.col(BAD_LINE_COLUMN)
        checks = [(k, c, f & marker.is_null()) for k, c, f in checks]
        checks += [(kind, WHOLE_LINE, marker.str.starts_with(BAD_LINE + tag).fill_null(False))
                   for kind, tag in (("line_too_long", "long:"), ("nul_bytes", "nul:"))]
    return [e.alias(f"_wb_f:{c}") for c, e in parsed.items()], checks


def _problem_counts(spec: FeedbackSpec, staged: pl.DataFrame, checks, model: Model | None) -> dict[str, ProblemCount]:
    out: dict[str, ProblemCount] = {}
    for kind, column, _ in checks:
        flag = f"_wb_problem:{kind}:{column}"
        count = int(staged[flag].sum()) if staged.height else 0
        if not count:
            continue
        sample = staged.filter(pl.col(flag)).head(EXAMPLES)
        examples = []
        for row in sample.iter_rows(named=True):
            value = row.get(BAD_LINE_COLUMN) if column == WHOLE_LINE else None if column == "(constant)" \
                else row.get(column)
            examples.append(BadRow(file=row[FILE], row=row[ROW], column=column, value=_short(value),
                                   message=_message(kind, value, model, row)))
        known = out.get(kind, ProblemCount(kind, 0, ()))
        out[kind] = ProblemCount(kind, known.count + count, tuple([*known.examples, *examples][:EXAMPLES]))
    return out


def _short(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= 60 else f"{text[:57]}… ({len(text):,} characters)"


def _message(kind: str, value: Any, model: Model | None, row: dict) -> str:
    if value is None or kind.startswith("missing_") or (isinstance(value, str) and not value.strip()):
        return PROBLEMS[kind]
    hint = ""
    if kind in ("line_too_long", "nul_bytes"):
        number = int(str(value).rpartition(":")[2])
        return (f"the line holds {number:,} NUL byte(s): the file is damaged there" if kind == "nul_bytes" else
                f"the line is {number:,} bytes long; a row may be at most {LINE_LIMIT:,} bytes (1 MB)")
    if model is not None and kind == "unknown_journey":
        hint = did_you_mean(str(value), model.journeys)
    elif model is not None and kind == "unknown_step":
        hint = did_you_mean(str(value), model.steps)
    elif kind == "text_too_long":
        return f"a text of {len(str(value)):,} characters {PROBLEMS[kind]} (at most {MAX_CHARS:,} unless the " \
               "option max_chars says otherwise)"
    elif kind == "step_of_other_journey" and model is not None and value in model.steps:
        hint = f" ('{model.steps[value].journey}', not '{row.get('_wb_f:journey')}')"
    return f"{_short(value)!r} {PROBLEMS[kind]}{hint}"


# -- the workspace's feedback -----------------------------------------------------------------------
@dataclass(frozen=True)
class FeedbackResult:
    """Every feedback source's good rows in one frame (with a ``source`` column) and each report."""

    frame: pl.DataFrame
    reports: dict[str, LoadReport] = field(repr=False)

    @property
    def report(self) -> str:
        return "\n".join(str(r) for r in self.reports.values())


def feedback_sources(store) -> list[FeedbackSpec]:
    """The registered feedback sources, by id."""
    from workbench.sources.registry import list_sources

    return [s for s in list_sources(store) if isinstance(s, FeedbackSpec)]


def feedback(store, workspace_dir: str | Path | None, model: Model | None = None) -> FeedbackResult:
    """Load every registered feedback source (see :func:`load_feedback`) into one frame.

    A feedback id used by two sources is kept once per source (``source`` tells them apart).
    """
    model = model if model is not None else store.load()
    frames, reports = [], {}
    for spec in feedback_sources(store):
        result = load_feedback(spec, model=model, workspace_dir=workspace_dir)
        frames.append(result.frame.with_columns(pl.lit(spec.id).alias("source")))
        reports[spec.id] = result.report
    if not frames:
        return FeedbackResult(pl.DataFrame(schema={**FEEDBACK_SCHEMA, "source": pl.String()}), reports)
    return FeedbackResult(pl.concat(frames, how="vertical_relaxed"), reports)


def add_feedback_source(store, spec: FeedbackSpec, *, model: Model | None = None,
                        workspace_dir: str | Path | None = None, replace: bool = False) -> LoadReport:
    """Load ``spec`` once to check it (a rejected source raises, nothing is registered), then register it."""
    from workbench.sources.registry import add_source

    if not isinstance(spec, FeedbackSpec):
        raise SpecError(f"source '{spec.id}' is not a feedback source")
    result = load_feedback(spec, model=model if model is not None else store.load(), workspace_dir=workspace_dir)
    add_source(store, spec, replace=replace)
    return result.report


__all__ = ["FEEDBACK_SCHEMA", "FeedbackLoad", "FeedbackResult", "FeedbackSpec", "SCALES", "add_feedback_source",
           "feedback", "feedback_sources", "load_feedback"]
