"""Commands for metrics other systems compute (import), our KPIs in TheyDo's format (export), and targets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from workbench.cli._app import WorkspacePath, app, fail, open_workspace, out, print_frame
from workbench.errors import UsageError

LEVELS = ("reason", "phase", "stage", "journey")
TARGET = re.compile(r"^\s*([a-z_]+)\s*(<=|>=)\s*(-?[\d.]+)\s*$")


@app.command("metrics-import")
def metrics_import_cmd(
    path: WorkspacePath,
    file: Annotated[Path, typer.Argument(help="A THEYDO_METRICS_V1 .json file, or a long-format .csv/.xlsx "
                                              "(metric, date, value or parts, a reason/phase/stage/journey "
                                              "column, dimension columns).")],
    link: Annotated[str | None, typer.Option(help="LEVEL=ID for metrics of a .json file that name no level "
                                                  "(e.g. stage=being-a-customer).")] = None,
) -> None:
    """Keep metrics another system computes, attached to the life cycle model, with their additive parts."""
    from workbench.interchange.metric_table import read_metric_table
    from workbench.interchange.theydo_metrics import read_theydo_metrics

    ws = open_workspace(path)
    if file.suffix.lower() == ".json":
        pair = None
        if link:
            level, sep, target = link.partition("=")
            if not sep or level not in LEVELS:
                raise UsageError(f"--link must look like LEVEL=ID with LEVEL one of {', '.join(LEVELS)}")
            pair = (level, target)
        points = read_theydo_metrics(file, link=pair)
    else:
        points = read_metric_table(file, ws.load())
    saved = ws.save_metric_points(points, file.stem)
    metrics = points["metric"].n_unique()
    out.print(f"imported {points.height:,} data points of {metrics} metric(s) from {file}; kept in {saved}",
              markup=False)
    print_frame(ws.dataset().external(period=None).select("metric", "title", "type", "value", "n"),
                title="every imported metric, over all its points")


@app.command("metrics-export")
def metrics_export_cmd(
    path: WorkspacePath,
    theydo: Annotated[Path, typer.Option("--theydo", help="The THEYDO_METRICS_V1 file to write.")],
    by: Annotated[str, typer.Option(help="reason, phase, stage or journey.")] = "stage",
    kpi: Annotated[list[str] | None, typer.Option("--kpi", help="A KPI to export (repeatable; default nps, csat, "
                                                                "volume, repeat_rate).")] = None,
    dimension: Annotated[list[str] | None, typer.Option(help="Split the points by segment, channel or a data "
                                                             "column (repeatable); written as dimensions.")] = None,
) -> None:
    """Our KPIs, monthly, as TheyDo metrics: NPS and CSAT with their answer counts, rates with numerator and
    denominator, so TheyDo can roll them up itself; the workspace's targets included."""
    from workbench.interchange.theydo_metrics import write_theydo_metrics
    from workbench.settings import targets

    if by not in LEVELS:
        raise UsageError(f"--by must be one of {', '.join(LEVELS)}, not '{by}'")
    ws = open_workspace(path)
    kpis = kpi or ["nps", "csat", "volume", "repeat_rate"]
    try:
        points = ws.dataset().kpi_points(by, kpis, dimensions=tuple(dimension or ()))
    except ValueError as exc:
        raise fail(f"error: {exc}", 2) from None
    goals = {}
    for t in targets(ws.store)[0]:
        for key in points.filter(pl.col("metric").str.starts_with(f"{t.kpi}:{by}:"))["metric"].unique().to_list():
            item = key.rsplit(":", 1)[1]
            if t.level in (None, by) and t.item in (None, item):
                goals[key] = (t.value, t.direction)
    write_theydo_metrics(points, theydo, targets=goals)
    out.print(f"wrote {points['metric'].n_unique()} metrics ({points.height:,} monthly data points) to {theydo}",
              markup=False)


@app.command("targets")
def targets_cmd(
    path: WorkspacePath,
    set_: Annotated[list[str] | None, typer.Option("--set", help="KPI>=VALUE or KPI<=VALUE, e.g. nps>=20 "
                                                                 "(repeatable).")] = None,
    level: Annotated[str | None, typer.Option(help="With --set: only for this level (stage, phase, reason, "
                                                   "journey).")] = None,
    item: Annotated[str | None, typer.Option(help="With --set and --level: only for this item (an id).")] = None,
    remove: Annotated[list[str] | None, typer.Option(help="Remove the targets of this KPI (repeatable).")] = None,
) -> None:
    """The workspace's KPI targets: shown on/off track on the home page, the grid and in exports."""
    from workbench.analysis.overview import Target
    from workbench.metrics import CATALOGUE
    from workbench.model import did_you_mean
    from workbench.settings import save_targets, targets

    ws = open_workspace(path)
    current, revision = targets(ws.store)
    changed = list(current)
    for text in set_ or []:
        match = TARGET.match(text)
        if not match:
            raise UsageError(f"--set '{text}' must look like KPI>=VALUE or KPI<=VALUE, e.g. nps>=20")
        name, direction, value = match.groups()
        if name not in CATALOGUE and name not in ("churn_rate", "mrr"):
            raise UsageError(f"unknown KPI '{name}'{did_you_mean(name, CATALOGUE)}")
        new = Target(name, float(value), direction, level, item)
        changed = [t for t in changed if (t.kpi, t.level, t.item) != (name, level, item)] + [new]
    for name in remove or []:
        changed = [t for t in changed if t.kpi != name]
    if changed != current:
        save_targets(ws.store, changed, revision=revision)
    if not changed:
        out.print("no targets yet: add one with --set nps>=20", markup=False)
        return
    print_frame(pl.DataFrame([t.to_dict() for t in changed]), title="targets (the most specific one applies)")


@app.command("customers")
def customers_cmd(
    path: WorkspacePath,
    by: Annotated[str | None, typer.Option(help="A customers column to split by (segment, products …).")] = None,
    months: Annotated[int, typer.Option(help="Show the last N months.")] = 6,
) -> None:
    """Customer and financial KPIs from the customers table: active, new, churned, churn rate, MRR, ARPU,
    CLV, tenure, conversion, paying after 60 days."""
    from workbench.settings import margin

    ws = open_workspace(path)
    frame = ws.dataset().customer_kpis(by=[by] if by else [], margin=margin(ws.store))
    if frame is None:
        raise fail("no customers table: declare one with `workbench sources add WS --id customers --kind csv "
                   "--location customers.csv --content customers`", 1)
    last = frame["period"].unique().sort().tail(months).to_list()
    print_frame(frame.filter(pl.col("period").is_in(last)),
                title="customers per month (CLV = ARPU × margin ÷ monthly churn rate)",
                formats={"churn_rate": "{:.2%}", "conversion": "{:.1%}", "paying_after": "{:.1%}",
                         "mrr": "€{:,.0f}", "arpu": "€{:,.2f}", "clv": "€{:,.0f}", "tenure_months": "{:.1f}"})
