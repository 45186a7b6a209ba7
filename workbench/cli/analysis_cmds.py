"""Commands of step 5, Prioritise: priorities, impact, dependencies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from workbench.cli._app import Columns, Format, OutFile, Tables, WorkspacePath, app, fail, open_workspace, write_out

PERCENT, POINTS, EUROS = "{:.1%}", "{:+.0f}", "€{:,.0f}"


def _workspace_events(path: Path):
    ws = open_workspace(path)
    model = ws.load()
    return ws, model, ws.contacts(model).frame


def _filters(segment: list[str] | None, channel: list[str] | None) -> dict[str, list[str]]:
    return {k: v for k, v in (("segment", segment), ("channel", channel)) if v}


@app.command("priorities")
def priorities_cmd(
    path: WorkspacePath,
    level: Annotated[str, typer.Option(help="reason, journey, channel, process or system.")] = "reason",
    top: Annotated[int | None, typer.Option(help="Show only the first N.")] = 15,
    segment: Annotated[list[str] | None, typer.Option(help="Only these segments (repeatable).")] = None,
    channel: Annotated[list[str] | None, typer.Option(help="Only these channels (repeatable).")] = None,
    out_file: OutFile = None,
    columns: Columns = None,
    format_: Format = "table",
) -> None:
    """Rank reasons, journeys, channels, processes or systems by a transparent priority score."""
    from workbench.analysis.priority import PriorityWeights, explain, priorities

    tables = Tables(format_, columns)
    ws, model, events = _workspace_events(path)
    weights = PriorityWeights.from_dict(ws.store.get_setting("priority.weights", {}))
    try:
        frame = priorities(events, model, level=level, weights=weights, filters=_filters(segment, channel))
    except ValueError as exc:
        raise fail(f"error: {exc}", 2) from None
    shown = frame.head(top) if top else frame
    contribution = [c for c in frame.columns if c.startswith("contribution_")]
    points = {c: f"{c.removeprefix('contribution_')} pts" for c in contribution}
    table = shown if format_ != "table" else shown.with_columns(
        pl.col("score").round(1), *(pl.col(c).round(1).alias(p) for c, p in points.items()))
    tables.show(table, name="priorities",
                title=f"priority of {frame.height} {level}s (points per factor; weights: "
                      f"{', '.join(f'{k} {v:g}' for k, v in weights.factors(level).items())})",
                formats={"cost": EUROS, "nps": POINTS, "repeat_rate": PERCENT, "score": "{:.1f}"},
                default=["rank", "label", "score", *points.values(),
                         *(c for c in ("volume", "cost", "nps", "repeat_rate") if c in frame.columns)])
    totals = frame.select(pl.col("volume").sum(), pl.col("cost").sum()).row(0)
    tables.note(f"all {frame.height} {level}s: {totals[0]:,} contacts, €{totals[1]:,.0f}"
                + (" (journeys overlap: a contact counts toward every journey using its reason)"
                   if level == "journey" else ""))
    for row in shown.head(3).iter_rows(named=True):
        tables.note("• " + explain(row))
    write_out(frame, out_file, sheet="priorities", tables=tables)


@app.command("impact")
def impact_cmd(
    path: WorkspacePath,
    system: Annotated[list[str] | None, typer.Option(help="An IT system id (repeatable).")] = None,
    process: Annotated[list[str] | None, typer.Option(help="A back-office process id (repeatable).")] = None,
    channel: Annotated[list[str] | None, typer.Option(help="A channel to be closed (repeatable).")] = None,
    out_file: OutFile = None,
    columns: Columns = None,
    format_: Format = "table",
) -> None:
    """What a change to IT systems or processes (or closing a channel) hits: reasons, journeys, customers."""
    from workbench.analysis.impact import impact

    tables = Tables(format_, columns, several=True)
    _ws, model, events = _workspace_events(path)
    try:
        result = impact(model, events, systems=system or (), processes=process or (), channels=channel or ())
    except ValueError as exc:
        raise fail(f"error: {exc}", 2) from None
    money = {"cost": EUROS, "nps": POINTS}
    tables.show(result.totals, name="totals", title="affected in all", formats=money)
    tables.show(result.reasons, name="reasons", title="contact reasons hit", formats=money,
                default=[c for c in result.reasons.columns if c != "reason"])
    journeys = result.journeys.group_by("journey_label", maintain_order=True).agg(
        pl.len().alias("steps"), pl.col("step_label").str.join("; ").alias("steps hit"))
    tables.show(journeys if format_ == "table" else result.journeys, name="journeys",
                title="journeys hit (steps linked to those reasons)")
    tables.show(result.segments, name="segments", title="segments hit",
                default=[c for c in result.segments.columns if c != "segment"])
    tables.close()
    if out_file is not None:
        _write_sheets(out_file, {"totals": result.totals, "reasons": result.reasons,
                                 "journeys": result.journeys, "segments": result.segments}, tables)


@app.command("dependencies")
def dependencies_cmd(
    path: WorkspacePath,
    journey: Annotated[str, typer.Option(help="The journey id.")],
    out_file: OutFile = None,
    columns: Columns = None,
    format_: Format = "table",
) -> None:
    """The other way round: the processes and IT systems a journey depends on, through its reasons."""
    from workbench.analysis.impact import dependencies

    tables = Tables(format_, columns)
    ws = open_workspace(path)
    try:
        frame = dependencies(ws.load(), journey)
    except ValueError as exc:
        raise fail(f"error: {exc}", 2) from None
    tables.show(frame, name="dependencies", title=f"what journey '{journey}' depends on",
                default=[c for c in frame.columns if c != "journey"])
    write_out(frame, out_file, sheet="dependencies", tables=tables)


def _write_sheets(path: Path, frames: dict[str, pl.DataFrame], tables: Tables) -> None:
    """Several tables: sheets of one workbook for .xlsx, else one file per table beside ``path``; all or none."""
    from workbench.interchange.tables import write_tables

    written = write_tables(frames, path)
    if path.suffix.lower() == ".xlsx":
        tables.note(f"wrote {len(frames)} sheets to {path}")
        return
    for target, frame in zip(written, frames.values(), strict=True):
        tables.note(f"wrote {frame.height:,} rows to {target}")


LOG_SUFFIXES = (".xes", ".gz", ".csv", ".parquet")


@app.command("mine")
def mine_cmd(
    source: Annotated[Path, typer.Argument(help="A workspace folder, or an event log (.xes, .xes.gz, .csv, "
                                                ".parquet).")],
    level: Annotated[str, typer.Option(help="Activity level for a workspace: reason, phase or stage.")] = "reason",
    case: Annotated[str | None, typer.Option(help="Case column of a CSV/Parquet log (default customer_id).")] = None,
    activity: Annotated[str | None, typer.Option(help="Activity column of a CSV/Parquet log (default reason).")]
    = None,
    timestamp: Annotated[str, typer.Option(help="Timestamp column of a CSV/Parquet log.")] = "timestamp",
    edges: Annotated[int, typer.Option(help="Show the N most frequent directly-follows arcs.")] = 20,
    variants_: Annotated[int, typer.Option("--variants", help="Show the N most frequent path variants.")] = 10,
    conformance_: Annotated[str | None, typer.Option("--conformance", help="A journey id: compare actual paths "
                                                                         "with its designed steps.")] = None,
    min_reasons: Annotated[str, typer.Option(help="With --conformance: score only customers whose contacts cover "
                                                  "at least this share (0.5, 50%) or number (3) of the journey's "
                                                  "distinct reasons.")] = "0.5",
    gap_days: Annotated[float, typer.Option(help="With --conformance: a gap of more than this many days between "
                                                 "a customer's contacts starts a new journey (0: never split).")]
    = 60,
    html_file: Annotated[Path | None, typer.Option("--html", help="Also write the process map as an HTML page "
                                                                  "that opens offline (Bokeh inline).")] = None,
    steps: Annotated[int, typer.Option(help="With --html: draw the N most frequent activities.")] = 15,
    arrows: Annotated[int, typer.Option(help="With --html: draw the N most frequent arrows (every activity "
                                             "keeps one in and one out).")] = 40,
    map_kpi: Annotated[str, typer.Option("--map-kpi", help="With --html: cases, events, median or mean (time "
                                                           "between steps) on the arrows.")] = "cases",
    out_file: OutFile = None,
    columns: Columns = None,
    format_: Format = "table",
) -> None:
    """Mine actual journeys: directly-follows graph, path variants, and conformance to a designed journey.

    With --html the process map (start, end, counts on steps and arrows) is written as one HTML page."""
    from workbench.analysis import conformance, directly_follows, order_events, variants, with_level
    from workbench.analysis.conformance import describe_rule

    tables = Tables(format_, columns, several=True)
    model = None
    if source.is_dir():
        _ws, model, events = _workspace_events(source)
        case, act = "customer_id", "reason"
        events = events.filter(pl.col("reason").is_not_null())
        if level != "reason":
            if level not in ("phase", "stage"):
                raise fail(f"error: --level must be reason, phase or stage, not '{level}'", 2)
            from workbench.metrics.model_dims import dimensions

            events = with_level(events, dimensions(model).reasons, level)
            act = level
    else:
        events, case, act = _read_log(source, case, activity, timestamp)
    try:
        ordered = order_events(events, case=case, activity=act, timestamp=timestamp)
        dfg = directly_follows(ordered)
        top_variants = variants(ordered, top=variants_)
    except ValueError as exc:
        raise fail(f"error: {exc}", 1) from None
    names = _labeller(model, level if model is not None else None)
    dfg = dfg.with_columns(pl.col("source").replace(names), pl.col("target").replace(names))
    top_variants = top_variants.with_columns(pl.col("variant").list.eval(pl.element().replace(names)))
    total = dfg["frequency"].sum()
    days = (pl.col("median_seconds") / 86400).round(1).alias("median days")
    tables.show(dfg.head(edges).with_columns(days) if format_ == "table" else dfg.head(edges), name="dfg",
                title=f"directly-follows graph: {dfg.height:,} arcs, {total:,} transitions (top {edges})",
                default=[c for c in [*dfg.columns, "median days"] if c not in ("median_seconds", "mean_seconds")])
    tables.show(top_variants, name="variants", title=f"top {variants_} path variants",
                formats={"share": PERCENT, "cumulative_share": PERCENT})
    sheets = {"dfg": dfg, "variants": top_variants}
    if conformance_:
        if model is None:
            raise fail("error: --conformance needs a workspace (its journeys define the designed paths)", 2)
        if conformance_ not in model.journeys:
            from workbench.model import did_you_mean

            raise fail(f"error: unknown journey '{conformance_}'{did_you_mean(conformance_, model.journeys)}", 2)
        designed = model.designed_sequence(conformance_)
        rule = {"min_reasons": _min_reasons(min_reasons), "gap_days": gap_days or None}
        try:
            overall = conformance(events, designed, **rule)
            by_segment = conformance(events, designed, by=["segment"], **rule)
        except ValueError as exc:
            raise fail(f"error: {exc}", 2) from None
        labelled = pl.col("reason").replace(names).alias("reason")
        fitness = {"mean_fitness": "{:.2f}", "share_perfect": PERCENT}
        tables.show(overall.summary, name="conformance", formats=fitness,
                    title=f"conformance to '{model.journeys[conformance_].label}' ({len(designed)} designed steps)")
        tables.note(describe_rule(rule["min_reasons"], rule["gap_days"], len(set(designed))))
        if "cases_touching_only" in overall.summary.columns:
            who = "journeys (customer walks)" if rule["gap_days"] else "customers"
            tables.note(f"{overall.summary['cases_touching_only'].item():,} more {who} touch the journey on fewer "
                        "reasons: counted as cases_touching_only, not scored (see --min-reasons, --gap-days)")
        per_step = overall.per_step.with_columns(labelled)
        tables.show(per_step, name="per_step", title="where customers deviate, per designed step",
                    formats={c: PERCENT for c in per_step.columns if c.startswith("share")})
        tables.show(overall.extras.with_columns(labelled).head(10), name="extras",
                    title="extra reasons inside the journey (top 10)", formats={"share_cases": PERCENT})
        tables.show(by_segment.summary, name="per_segment", title="conformance per segment", formats=fitness)
        sheets.update(conformance=overall.summary, per_step=per_step,
                      extras=overall.extras.with_columns(labelled), per_segment=by_segment.summary,
                      per_step_segment=by_segment.per_step.with_columns(labelled), cases=overall.cases)
    tables.close()
    if out_file is not None:
        _write_sheets(out_file, sheets, tables)
    if html_file is not None:
        _write_map(html_file, ordered, names, source, steps=steps, arrows=arrows, kpi=map_kpi)


def _write_map(path: Path, ordered, names: dict[str, str], source: Path, *, steps: int, arrows: int,
               kpi: str) -> None:
    """The process map of ``ordered`` as a standalone HTML page at ``path``."""
    from workbench.analysis.process_map import process_map
    from workbench.display.process_map import KPIS, map_layout
    from workbench.files import write_text
    from workbench.ui.process_map_figure import standalone_html

    if kpi not in KPIS:
        raise fail(f"error: --map-kpi must be one of {', '.join(KPIS)}, not '{kpi}'", 2)
    if steps < 1 or arrows < 1:
        raise fail("error: --steps and --arrows must be at least 1", 2)
    pm = process_map(ordered, activities=steps, arcs=arrows)
    title = (f"Process map of {source.name}: {pm.cases:,} cases, the {pm.nodes.height - 2} most frequent of "
             f"{pm.activities_total} activities, {pm.arcs.height} of {pm.arcs_total} arrows ({KPIS[kpi].lower()})")
    written = write_text(path, standalone_html(map_layout(pm, names, kpi), title))
    typer.echo(f"process map written to {written}", err=True)


def _min_reasons(text: str) -> int | float:
    """``--min-reasons``: a whole number is a count of reasons, a fraction or percentage a share."""
    value = text.strip()
    try:
        if value.isdigit():
            return int(value)
        return float(value.removesuffix("%")) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise fail(f"error: --min-reasons must be a number of reasons (3) or a share (0.5, 50%), not '{text}'",
                   2) from None


def _labeller(model, level: str | None) -> dict[str, str]:
    if model is None or level is None:
        return {}
    from workbench.model import COLLECTIONS

    return {k: v.label for k, v in getattr(model, COLLECTIONS[level]).items()}


def _read_log(path: Path, case: str | None, activity: str | None, timestamp: str):
    """An event log file as (frame, case column, activity column)."""
    name = path.name.lower()
    if not path.exists():
        raise fail(f"error: {path}: no such file or workspace folder", 2)
    if name.endswith((".xes", ".xes.gz")):
        from workbench.sources.xes import read_xes

        try:
            return read_xes(path), "case_id", "activity"
        except ValueError as exc:
            raise fail(f"error: {exc}", 1) from None
    if name.endswith(".csv"):
        frame = pl.scan_csv(path, try_parse_dates=True)
    elif name.endswith(".parquet"):
        frame = pl.scan_parquet(path)
    else:
        raise fail(f"error: {path}: not a workspace or a .xes, .xes.gz, .csv or .parquet log", 2)
    case, activity = case or "customer_id", activity or "reason"
    missing = [c for c in (case, activity, timestamp) if c not in frame.collect_schema().names()]
    if missing:
        raise fail(f"error: {path}: no column(s) {', '.join(missing)}; name them with --case/--activity/"
                   f"--timestamp (columns: {', '.join(frame.collect_schema().names())})", 2)
    return frame, case, activity
