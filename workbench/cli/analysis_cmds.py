"""Commands of step 5, Prioritise: priorities, impact, dependencies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from workbench.cli._app import OutFile, WorkspacePath, app, fail, open_workspace, out, print_frame, write_out

PERCENT, POINTS, EUROS = "{:.1%}", "{:+.0f}", "€{:,.0f}"


def _workspace_events(path: Path):
    from workbench.sources.registry import contacts

    ws = open_workspace(path)
    model = ws.load()
    return ws, model, contacts(ws.store, ws.path, model).frame


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
) -> None:
    """Rank reasons, journeys, channels, processes or systems by a transparent priority score."""
    from workbench.analysis.priority import PriorityWeights, explain, priorities

    ws, model, events = _workspace_events(path)
    weights = PriorityWeights.from_dict(ws.store.get_setting("priority.weights", {}))
    try:
        frame = priorities(events, model, level=level, weights=weights, filters=_filters(segment, channel))
    except ValueError as exc:
        raise fail(f"error: {exc}", 2) from None
    shown = frame.head(top) if top else frame
    contribution = [c for c in frame.columns if c.startswith("contribution_")]
    table = shown.select("rank", "label", pl.col("score").round(1),
                         *(pl.col(c).round(1).alias(f"{c.removeprefix('contribution_')} pts") for c in contribution),
                         *(c for c in ("volume", "cost", "nps", "repeat_rate") if c in frame.columns))
    print_frame(table, title=f"priority of {frame.height} {level}s (points per factor; weights: "
                             f"{', '.join(f'{k} {v:g}' for k, v in weights.factors(level).items())})",
                formats={"cost": EUROS, "nps": POINTS, "repeat_rate": PERCENT, "score": "{:.1f}"})
    totals = frame.select(pl.col("volume").sum(), pl.col("cost").sum()).row(0)
    out.print(f"all {frame.height} {level}s: {totals[0]:,} contacts, €{totals[1]:,.0f}"
              + (" (journeys overlap: a contact counts toward every journey using its reason)"
                 if level == "journey" else ""), markup=False)
    for row in shown.head(3).iter_rows(named=True):
        out.print("• " + explain(row), markup=False)
    write_out(frame, out_file, sheet="priorities")


@app.command("impact")
def impact_cmd(
    path: WorkspacePath,
    system: Annotated[list[str] | None, typer.Option(help="An IT system id (repeatable).")] = None,
    process: Annotated[list[str] | None, typer.Option(help="A back-office process id (repeatable).")] = None,
    channel: Annotated[list[str] | None, typer.Option(help="A channel to be closed (repeatable).")] = None,
    out_file: OutFile = None,
) -> None:
    """What a change to IT systems or processes (or closing a channel) hits: reasons, journeys, customers."""
    from workbench.analysis.impact import impact

    _ws, model, events = _workspace_events(path)
    try:
        result = impact(model, events, systems=system or (), processes=process or (), channels=channel or ())
    except ValueError as exc:
        raise fail(f"error: {exc}", 2) from None
    print_frame(result.totals, title="affected in all", formats={"cost": EUROS, "nps": POINTS})
    print_frame(result.reasons.drop("reason"), title="contact reasons hit",
                formats={"cost": EUROS, "nps": POINTS})
    journeys = result.journeys.group_by("journey_label", maintain_order=True).agg(
        pl.len().alias("steps"), pl.col("step_label").str.join("; ").alias("steps hit"))
    print_frame(journeys, title="journeys hit (steps linked to those reasons)")
    print_frame(result.segments.drop("segment"), title="segments hit")
    if out_file is not None:
        _write_sheets(out_file, {"totals": result.totals, "reasons": result.reasons,
                                 "journeys": result.journeys, "segments": result.segments})


@app.command("dependencies")
def dependencies_cmd(
    path: WorkspacePath,
    journey: Annotated[str, typer.Option(help="The journey id.")],
    out_file: OutFile = None,
) -> None:
    """The other way round: the processes and IT systems a journey depends on, through its reasons."""
    from workbench.analysis.impact import dependencies

    ws = open_workspace(path)
    try:
        frame = dependencies(ws.load(), journey)
    except ValueError as exc:
        raise fail(f"error: {exc}", 2) from None
    print_frame(frame.drop("journey"), title=f"what journey '{journey}' depends on")
    write_out(frame, out_file, sheet="dependencies")


def _write_sheets(path: Path, frames: dict[str, pl.DataFrame]) -> None:
    """Several tables: sheets of one workbook for .xlsx, else one file per table beside ``path``."""
    if path.suffix.lower() == ".xlsx":
        import xlsxwriter

        partial = path.with_name(f".{path.name}.partial")
        with xlsxwriter.Workbook(partial) as book:
            for name, frame in frames.items():
                frame.write_excel(book, worksheet=name, autofit=True, freeze_panes=(1, 0))
        partial.replace(path)
        out.print(f"wrote {len(frames)} sheets to {path}", markup=False)
        return
    for name, frame in frames.items():
        write_out(frame, path.with_name(f"{path.stem}-{name}{path.suffix}"), sheet=name)
