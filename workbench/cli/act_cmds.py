"""Commands of the improvement agenda (step 5, Prioritise → act): what-if scenarios."""

from __future__ import annotations

from typing import Annotated

import polars as pl
import typer

from workbench.cli._app import OutFile, WorkspacePath, app, fail, open_workspace, out, print_frame, write_out
from workbench.errors import UsageError

PERCENT, POINTS, EUROS = "{:.1%}", "{:+.0f}", "€{:,.0f}"


def share(text: str, what: str) -> float:
    """``30%`` or ``0.3`` (or ``-50%``) as a fraction.

    >>> share("30%", "x"), share("-0.5", "x")
    (0.3, -0.5)
    """
    value = text.strip()
    try:
        return float(value.removesuffix("%")) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise UsageError(f"{what} must be a share such as 30% or 0.3, not '{text}'") from None


def parse_shift(text: str):
    """``phone=app:30%`` → Shift("phone", "app", 0.3)."""
    from workbench.analysis.whatif import Shift

    channels, sep, amount = text.partition(":")
    source, sep2, target = channels.partition("=")
    if not (sep and sep2 and source and target):
        raise UsageError(f"--shift '{text}' must look like FROM=TO:SHARE, e.g. phone=app:30%")
    return Shift(source.strip(), target.strip(), share(amount, "the share of a --shift"))


@app.command("whatif")
def whatif_cmd(
    path: WorkspacePath,
    reason: Annotated[list[str], typer.Option(help="A contact reason id the scenario changes (repeatable).")],
    shift: Annotated[list[str] | None, typer.Option(help="FROM=TO:SHARE, e.g. phone=app:30% (repeatable).")] = None,
    deflection: Annotated[str, typer.Option(help="Share of the contacts that no longer happen, e.g. 20%.")] = "0",
    repeat_change: Annotated[str, typer.Option(help="Change of the repeat contacts, e.g. -50%.")] = "0",
    stimulated_demand: Annotated[str, typer.Option(help="Extra contacts in the target channel per shifted "
                                                        "contact, e.g. 10%.")] = "0",
    period: Annotated[str | None, typer.Option(help="Base the projection on one month (YYYY-MM).")] = None,
    out_file: OutFile = None,
) -> None:
    """Project volume, cost, handling time, repeats, digital share and NPS under a scenario."""
    from workbench.analysis.whatif import Scenario
    from workbench.dataset import Filters
    from workbench.model import did_you_mean

    ws = open_workspace(path)
    data = ws.dataset()
    for r in reason:
        if r not in data.model.reasons:
            raise fail(f"error: unknown contact reason '{r}'{did_you_mean(r, data.model.reasons)}", 2)
    for s in shift or []:
        for channel in s.partition(":")[0].split("="):
            if channel.strip() and channel.strip() not in data.model.channels:
                raise fail(f"error: unknown channel '{channel}'{did_you_mean(channel, data.model.channels)}", 2)
    try:
        scenario = Scenario(tuple(reason), tuple(parse_shift(s) for s in shift or []),
                            deflection=share(deflection, "--deflection"),
                            repeat_change=share(repeat_change, "--repeat-change"),
                            stimulated_demand=share(stimulated_demand, "--stimulated-demand"))
    except ValueError as exc:
        raise fail(f"error: {exc}", 2) from None
    result = data.whatif(scenario, Filters(period=period))
    formats = {"cost": EUROS, "cost_after": EUROS, "nps": POINTS, "nps_after": POINTS,
               **{f"{k}{s}": PERCENT for k in ("repeat_rate", "digital_share") for s in ("", "_after")},
               **{f"{k}{s}": "{:,.0f}" for k in ("volume", "repeats", "handling_hours") for s in ("", "_after")}}
    labels = {r.id: r.label for r in data.model.reasons.values()}
    by_reason = result.by_reason.with_columns(pl.col("reason").replace(labels))
    print_frame(_before_after(by_reason, "reason"), title="per contact reason: before → after", formats=formats)
    print_frame(_before_after(result.total, None), title="all contacts", formats=formats)
    if result.by_journey.height:
        journeys = {j: data.model.journey_title(j) for j in data.model.journeys}
        print_frame(_before_after(result.by_journey.with_columns(pl.col("journey").replace(journeys)), "journey"),
                    title="journeys using these reasons (they overlap)", formats=formats)
    for note in result.notes:
        out.print(f"note: {note}", markup=False)
    write_out(result.by_reason, out_file, sheet="whatif")


def _before_after(frame: pl.DataFrame, key: str | None) -> pl.DataFrame:
    """The figures that matter most, before and after, side by side."""
    columns = [c for f in ("volume", "cost", "repeat_rate", "digital_share", "nps") for c in (f, f"{f}_after")]
    return frame.select(*([key] if key else []), *columns)


@app.command("future")
def future_cmd(
    path: WorkspacePath,
    journey: Annotated[str, typer.Option(help="The current journey to redesign.")],
    label: Annotated[str | None, typer.Option(help="The future journey's label (default: the same).")] = None,
) -> None:
    """Start a future-state design: copy a current journey (episodes, steps, links) as its future version."""
    from workbench.model import did_you_mean

    ws = open_workspace(path)
    base = ws.load()
    if journey not in base.journeys:
        raise fail(f"error: unknown journey '{journey}'{did_you_mean(journey, base.journeys)}", 2)
    new = base.copy()
    made = new.future_version(journey, label=label)
    ws.commit(new, base=base)
    out.print(f"made '{made}', the future version of '{journey}' ({len(new.steps_of(made))} steps to redesign)",
              markup=False)


@app.command("compare")
def compare_cmd(
    path: WorkspacePath,
    journey: Annotated[str, typer.Option(help="A journey with a current and a future version (either id).")],
    out_file: OutFile = None,
) -> None:
    """Current against future: steps removed, added, moved to another channel, emotion gaps closed, and the
    contacts on the reasons the future no longer uses."""
    from workbench.analysis.journey_compare import compare_journeys
    from workbench.display.journeys import counterpart

    ws = open_workspace(path)
    data = ws.dataset()
    model = data.model
    if journey not in model.journeys or counterpart(model, journey) is None:
        raise fail(f"error: '{journey}' has no current/future counterpart; make one with `workbench future`", 2)
    other = counterpart(model, journey)
    current, future = (journey, other) if model.journeys[journey].state == "current" else (other, journey)
    volumes = dict(data.measure(["reason"], ["volume"]).drop_nulls("reason").iter_rows())
    result = compare_journeys(model, current, future, volumes)
    print_frame(result.summary, title=f"{model.journey_title(current)} → {model.journey_title(future)}")
    print_frame(result.steps.filter(pl.col("change") != "kept").select("episode", "change", "label",
                                                                         "current_channel", "future_channel"),
                title="what changes")
    if result.dropped_reasons.height:
        print_frame(result.dropped_reasons.drop("reason"), title="reasons the future no longer uses (contacts today)")
    write_out(result.steps, out_file, sheet="comparison")


@app.command("stories")
def stories_cmd(
    path: WorkspacePath,
    journey: Annotated[str, typer.Option(help="The journey (usually a future design) to write stories for.")],
    out_file: Annotated[str, typer.Option("--out", help="The backlog file: .csv or .xlsx (Summary, Description, "
                                                         "Acceptance criteria, Labels, Epic, Issue Type).")],
) -> None:
    """One user story per journey step, in columns a backlog tool (Jira, Azure DevOps …) imports."""
    from pathlib import Path

    from workbench.analysis.stories import user_stories
    from workbench.model import did_you_mean

    model = open_workspace(path).load()
    if journey not in model.journeys:
        raise fail(f"error: unknown journey '{journey}'{did_you_mean(journey, model.journeys)}", 2)
    stories = user_stories(model, journey)
    write_out(stories, Path(out_file), sheet="stories")


@app.command("opportunities")
def opportunities_cmd(
    path: WorkspacePath,
    add: Annotated[str | None, typer.Option(help="A YAML file of opportunities (with their solutions), insights or "
                                                  "layers to add, or to replace by id.")] = None,
    remove: Annotated[list[str] | None, typer.Option(help="Remove the opportunity with this id and its solutions "
                                                          "(repeatable).")] = None,
    period: Annotated[str | None, typer.Option(help="Value them on one month (YYYY-MM).")] = None,
    out_file: OutFile = None,
) -> None:
    """The improvement agenda: opportunities valued from their reasons' data, with why; add or remove them."""
    from pathlib import Path

    from workbench.analysis.value import explain_value
    from workbench.dataset import Filters
    from workbench.interchange.agenda import read_agenda
    from workbench.model import did_you_mean

    ws = open_workspace(path)
    base = ws.load()
    new = read_agenda(Path(add), base) if add else base.copy()
    for opportunity in remove or []:
        if opportunity not in new.opportunities:
            raise fail(f"error: no opportunity '{opportunity}'{did_you_mean(opportunity, new.opportunities)}", 2)
        del new.opportunities[opportunity]
        for child in [s for s in new.solutions.values() if s.opportunity == opportunity]:
            del new.solutions[child.id]
        new.opportunities = {k: (o if o.parent != opportunity else type(o)(**{**vars(o), "parent": None}))
                             for k, o in new.opportunities.items()}
    if add or remove:
        saved = ws.commit(new, base=base)
        out.print(f"saved: {len(saved.opportunities)} opportunities, {len(saved.solutions)} solutions, "
                  f"{len(saved.insights)} insights, {len(saved.layer_items)} layer items", markup=False)
    ranked = ws.dataset().agenda(Filters(period=period))
    if ranked.is_empty():
        out.print("no opportunities yet: add them with --add opportunities.yaml", markup=False)
        return
    print_frame(ranked.select("rank", "title", "status", pl.col("value").round(0), pl.col("customer_value").round(0),
                              pl.col("business_value").round(0), "effort", "eur_per_period"),
                title="the improvement agenda (value 0–100 from the data; effort as given)",
                formats={"eur_per_period": EUROS})
    for row in ranked.head(3).iter_rows(named=True):
        out.print("• " + explain_value(row), markup=False)
    write_out(ranked, out_file, sheet="agenda")


@app.command("monitor")
def monitor_cmd(
    path: WorkspacePath,
    solution: Annotated[str | None, typer.Option(help="One solution's id (default: every one with a go-live).")]
    = None,
    months: Annotated[int, typer.Option(help="Full months compared before and after the go-live.")] = 3,
) -> None:
    """Did solutions that went live move their reasons' figures as expected? (seasonality- or control-corrected)"""
    from workbench.model import did_you_mean

    ws = open_workspace(path)
    data = ws.dataset()
    model = data.model
    if solution is not None and solution not in model.solutions:
        raise fail(f"error: no solution '{solution}'{did_you_mean(solution, model.solutions)}", 2)
    chosen = [model.solutions[solution]] if solution else [s for s in model.solutions.values() if s.go_live]
    if not chosen:
        out.print("no solution has a go-live date yet: give one a go_live to monitor it", markup=False)
        return
    for s in chosen:
        if s.go_live is None:
            raise fail(f"error: solution '{s.id}' has no go-live date to compare around", 1)
        reasons = data.opportunity_reasons(s.opportunity)
        try:
            check = data.check_effect(reasons, s.go_live, months=months, expected=dict(s.expected))
        except ValueError as exc:
            raise fail(f"error: {s.id}: {exc}", 1) from None
        figures = check.figures.with_columns(
            pl.when(pl.col("unit") == "relative").then(pl.format("{}%", (pl.col(c) * 100).round(1)))
            .otherwise(pl.col(c).round(2).cast(pl.String)).alias(c) for c in ("effect", "expected"))
        print_frame(figures.select("figure", "before", "after", "effect", "expected", "realised"),
                    title=f"{s.title} (live {s.go_live}): {', '.join(reasons)}; corrected by {check.method}",
                    formats={"realised": PERCENT})
