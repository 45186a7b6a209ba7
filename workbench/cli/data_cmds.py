"""Commands on contact data: generate, sources, crosswalk, metrics (step 4, Measure)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from workbench.cli._app import (
    Columns,
    Format,
    OutFile,
    Tables,
    WorkbenchApp,
    WorkspacePath,
    app,
    fail,
    open_workspace,
    out,
    print_frame,
    write_out,
)

sources_app = WorkbenchApp(help="Declare, list, check and remove contact data sources.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


def _pairs(items: list[str] | None, what: str) -> dict[str, str]:
    pairs = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise fail(f"error: {what} '{item}' must look like NAME=VALUE", 2)
        pairs[key.strip()] = value.strip()
    return pairs


@app.command("generate")
def generate_cmd(
    out_dir: Annotated[Path, typer.Argument(help="A workspace folder (the data goes to its data/generated and is "
                                                 "declared as its source 'generated'), or any other folder for the "
                                                 "Parquet files (month=YYYY-MM/part-0.parquet) and crosswalk.csv.")],
    events: Annotated[int, typer.Option(help="How many contacts.")] = 1_000_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    template: Annotated[str | None, typer.Option(help="The life cycle model the data follows (default: the "
                                                      "workspace's own model, or telecom for a folder).")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace data (and, in a workspace, the source 'generated') "
                                                 "already there.")] = False,
) -> None:
    """Generate a demo organisation's contact data (with its own reason codes) and its crosswalk."""
    from workbench.workspace import CONFIG

    holder = next((p for p in [out_dir.resolve(), *out_dir.resolve().parents] if (p / CONFIG).is_file()), None)
    if holder is not None and holder != out_dir.resolve():
        raise fail(f"error: {out_dir} is inside the workspace {holder}; generate into the workspace itself, which "
                   f"also declares the data as a source: `workbench generate {holder}`", 2)
    if holder is not None:
        if template is not None:
            raise fail(f"error: {out_dir} is a workspace: the data follows its own model; leave out --template "
                       f"(or generate into another folder: `workbench generate FOLDER --template {template}`)", 2)
        _generate_into_workspace(out_dir, events=events, seed=seed, overwrite=overwrite)
        return
    from workbench.sample import generate
    from workbench.sources.crosswalk import Crosswalk
    from workbench.templates import load_template

    try:
        model = load_template(template or "telecom")
        result = generate(model, out_dir, events=events, seed=seed, progress=True, overwrite=overwrite)
    except (KeyError, FileExistsError, ValueError) as exc:
        raise fail(f"error: {str(exc.args[0]).replace('overwrite=True', '--overwrite')}", 2) from None
    crosswalk_file = out_dir / "crosswalk.csv"
    Crosswalk(result.crosswalk).write(crosswalk_file)
    out.print(f"wrote {result.events:,} contacts in {len(result.paths)} monthly files to {out_dir}; "
              f"crosswalk of {len(result.crosswalk)} codes in {crosswalk_file}. Declare them in a workspace made "
              f"from the {template or 'telecom'} template: `workbench sources add WS --id generated --kind parquet "
              f"--location {out_dir}` and `workbench crosswalk WS --import {crosswalk_file}`", markup=False)


def _generate_into_workspace(path: Path, *, events: int, seed: int, overwrite: bool) -> None:
    """Generate data that follows the workspace's model into its data/generated; declare source and crosswalk."""
    from workbench.sample import generate
    from workbench.sample.declare import GENERATED_SOURCE, declare_generated
    from workbench.sources.registry import list_sources

    ws = open_workspace(path)
    model = ws.load()
    if not model.reasons or not model.channels:
        raise fail(f"error: the model of {ws.path} has no contact reasons or no channels to generate contacts for; "
                   "start from a template: `workbench new NEW_FOLDER --template telecom` and "
                   "`workbench generate NEW_FOLDER`", 1)
    exists = any(s.id == GENERATED_SOURCE for s in list_sources(ws.store))
    if exists and not overwrite:
        raise fail(f"error: {ws.path} already has the source '{GENERATED_SOURCE}'; generate it anew with "
                   f"`workbench generate {path} --overwrite`, or remove it first: "
                   f"`workbench sources remove {path} {GENERATED_SOURCE}`", 1)
    folder = ws.data_dir / GENERATED_SOURCE
    try:
        result = generate(model, folder, events=events, seed=seed, progress=True, overwrite=overwrite)
    except FileExistsError:
        raise fail(f"error: {folder} already holds contact data; pass --overwrite to replace it", 1) from None
    except ValueError as exc:
        raise fail(f"error: {exc}", 2) from None
    declared = declare_generated(ws.store, model, result, location=str(folder.relative_to(ws.path)),
                                 replace=exists)
    kept = f" ({declared.kept} codes were mapped already and keep their mapping)" if declared.kept else ""
    out.print(f"wrote {result.events:,} contacts in {len(result.paths)} monthly files to {folder}; declared them "
              f"as the source '{declared.spec.id}' and added {declared.added} codes to the crosswalk{kept}",
              markup=False)


@sources_app.command("add")
def sources_add(
    path: WorkspacePath,
    source_id: Annotated[str, typer.Option("--id", help="A short slug naming the source.")],
    kind: Annotated[str, typer.Option(help="csv, parquet, excel, xes, sql or spark.")],
    location: Annotated[str, typer.Option(help="A file, folder or glob; for sql a database URL; for spark a "
                                                "master (local[2], spark://…) or a Spark Connect URL (sc://…).")],
    map_: Annotated[list[str] | None, typer.Option("--map", help="CANONICAL=SOURCE_COLUMN, repeatable.")] = None,
    const: Annotated[list[str] | None, typer.Option("--const", help="CANONICAL=VALUE for a column the "
                                                                    "source lacks, e.g. channel=phone.")] = None,
    option: Annotated[list[str] | None, typer.Option("--option", help="KEY=VALUE reader option "
                                                                      "(separator, encoding, sheet, table …).")] = None,
    dimension: Annotated[list[str] | None, typer.Option("--dimension", help="Extra column to keep (brand, "
                                                                            "country …), repeatable.")] = None,
    timestamp_format: Annotated[str | None, typer.Option(help="strptime format of text timestamps.")] = None,
    timezone: Annotated[str, typer.Option(help="Time zone of timestamps without an offset.")] = "UTC",
    on_bad_rows: Annotated[str, typer.Option(help="reject or quarantine.")] = "reject",
    content: Annotated[str, typer.Option(help="contacts, survey or customers (a customers table: customer_id, "
                                              "start, end, monthly_revenue, segment …).")] = "contacts",
    pushdown: Annotated[bool, typer.Option("--pushdown", help="sql: compute the KPI cube in the database; "
                                                              "only the cube comes back.")] = False,
) -> None:
    """Declare a source once (where it is, how its columns map); it is loaded once to check it first."""
    from workbench.sources.report import SourceRejected
    from workbench.sources.spec import SourceSpec, SpecError

    ws = open_workspace(path)
    options: dict = _pairs(option, "option") | ({"pushdown": True} if pushdown else {})
    if "decimal_comma" in options:
        options["decimal_comma"] = options["decimal_comma"].lower() in {"1", "true", "yes"}
    for key, value in options.items():
        if isinstance(value, str) and value.startswith("{"):
            try:
                options[key] = json.loads(value)
            except json.JSONDecodeError as exc:
                raise fail(f"error: option {key}: not valid JSON ({exc})", 2) from None
    location = _stored_location(location, kind, ws.path)
    try:
        spec = SourceSpec(id=source_id, kind=kind, location=location, mapping=_pairs(map_, "mapping"),
                          constants=_pairs(const, "constant"), options=options,
                          extra_dimensions=tuple(dimension or ()), timestamp_format=timestamp_format,
                          timezone=timezone, on_bad_rows=on_bad_rows, content=content)
        report = ws.add_source(spec)
    except SourceRejected as exc:
        raise fail(f"{exc}\nthe source was not added") from None
    except (SpecError, ValueError) as exc:
        raise fail(f"error: {exc}") from None
    out.print(str(report), markup=False)
    out.print(f"source '{spec.id}' added" + (" (customers)" if spec.content == "customers" else ""), markup=False)


def _stored_location(location: str, kind: str, workspace: Path) -> str:
    """A path typed relative to the current folder, stored relative to the workspace if inside it."""
    if kind in ("sql", "spark") or Path(location).expanduser().is_absolute():
        return location
    absolute = (Path.cwd() / location).resolve()
    return str(absolute.relative_to(workspace)) if absolute.is_relative_to(workspace) else str(absolute)


@sources_app.command("list")
def sources_list(path: WorkspacePath, columns: Columns = None, format_: Format = "table") -> None:
    """The declared sources and their mappings."""
    from workbench.sources.registry import list_sources

    tables = Tables(format_, columns)
    specs = list_sources(open_workspace(path).store)
    if not specs:
        tables.note("no sources yet: add one with `workbench sources add`")
        return
    tables.show(pl.DataFrame({
        "id": [s.id for s in specs], "kind": [s.kind for s in specs], "location": [s.location for s in specs],
        "mapping": [", ".join(f"{k}←{v}" for k, v in s.effective_mapping.items()) for s in specs],
        "bad rows": [s.on_bad_rows for s in specs],
    }, schema=dict.fromkeys(["id", "kind", "location", "mapping", "bad rows"], pl.String)), name="sources")


@sources_app.command("check")
def sources_check(path: WorkspacePath) -> None:
    """Load every source now: rows read, kept, set aside, ignored and unmapped, with located examples."""
    from workbench.sources.report import SourceRejected

    ws = open_workspace(path)
    try:
        result = ws.contacts()
    except (SourceRejected, ValueError) as exc:
        raise fail(str(exc)) from None
    out.print(result.report or "no sources yet", markup=False)
    if any(r.rows_bad for r in result.reports.values()):
        raise typer.Exit(1)


@sources_app.command("remove")
def sources_remove(path: WorkspacePath, source_id: Annotated[str, typer.Argument(help="The source id.")]) -> None:
    """Forget a source (its files are left alone)."""
    from workbench.sources.registry import remove_source

    remove_source(open_workspace(path).store, source_id)
    out.print(f"source '{source_id}' removed", markup=False)


@app.command("crosswalk")
def crosswalk_cmd(
    path: WorkspacePath,
    unmapped: Annotated[bool, typer.Option("--unmapped", help="Show source codes without a reason, "
                                                              "biggest volume first.")] = False,
    import_file: Annotated[Path | None, typer.Option("--import", help="Replace the crosswalk from an .xlsx/.csv "
                                                                      "sheet (source_code, reason, note).")] = None,
    export_file: Annotated[Path | None, typer.Option("--export", help="Write the crosswalk to .xlsx/.csv.")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="CODE=REASON (id or label) or CODE=ignore, "
                                                                 "repeatable.")] = None,
    columns: Columns = None,
    format_: Format = "table",
) -> None:
    """Show, edit, import or export the crosswalk from the organisation's reason codes to contact reasons."""
    from workbench.interchange import ImportRejected
    from workbench.interchange.labels import Labels
    from workbench.sources.crosswalk import IGNORE, Crosswalk
    from workbench.sources.registry import get_crosswalk, set_crosswalk, set_mapping

    tables = Tables(format_, columns)
    ws = open_workspace(path)
    model = ws.load()
    try:
        if import_file is not None:
            set_crosswalk(ws.store, Crosswalk.read(import_file, model=model), model=model)
        reasons = Labels({k: r.label for k, r in model.reasons.items()}, "contact reason")
        for code, target in _pairs(set_, "mapping").items():
            found = reasons.resolve(target) if target != IGNORE else None
            set_mapping(ws.store, code, found.id if found is not None and found.id else target, model=model)
    except ValueError as exc:
        if isinstance(exc, ImportRejected):
            raise
        raise fail(f"error: {exc}") from None
    crosswalk = get_crosswalk(ws.store)
    if export_file is not None:
        crosswalk.write(export_file)
        tables.note(f"wrote {len(crosswalk)} codes to {export_file}")
    if unmapped:
        frame = ws.contacts(model).frame
        table = crosswalk.unmapped(frame.collect())
        if table.is_empty():
            tables.note("every source code is mapped")
        else:
            tables.show(table, name="unmapped", title=f"{table.height} unmapped source codes (map the biggest first)")
        return
    labels = {r.id: r.label for r in model.reasons.values()}
    rows = sorted(crosswalk.targets.items())
    tables.show(pl.DataFrame({"source_code": [c for c, _ in rows], "reason": [t for _, t in rows],
                              "label": [labels.get(t, "(ignored)" if t == "ignore" else "?") for _, t in rows]},
                             schema={"source_code": pl.String, "reason": pl.String, "label": pl.String}),
                name="crosswalk", title=f"crosswalk: {len(rows)} codes")


CUSTOM_KPIS = "metrics.custom_kpis"


@app.command("kpis")
def kpis_cmd(
    path: WorkspacePath,
    add: Annotated[Path | None, typer.Option(help="A YAML file of your own KPI definitions to add (or replace by "
                                                  "id): id, label, aggregation, column, filter.")] = None,
    remove: Annotated[list[str] | None, typer.Option(help="Remove your own KPI with this id (repeatable).")] = None,
) -> None:
    """The KPI catalogue and the workspace's own KPIs, declared without Python; add or remove them."""
    import yaml

    from workbench.metrics import CATALOGUE, CustomKpiError, parse_custom_kpis

    ws = open_workspace(path)
    stored, revision = ws.store.get_setting_revision(CUSTOM_KPIS, [])
    defined = {d["id"]: d for d in stored}
    if add is not None:
        try:
            loaded = yaml.safe_load(add.read_text(encoding="utf-8"))
            new = parse_custom_kpis(loaded if isinstance(loaded, list | dict) else [loaded])
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise fail(f"error: {add}: {exc}") from None
        except CustomKpiError as exc:
            raise fail(f"{add}: nothing was added:\n{exc}") from None
        clashes = [k.id for k in new if k.id in CATALOGUE]
        if clashes:
            raise fail(f"{add}: {', '.join(clashes)} already name catalogue KPIs; choose other ids", 1)
        defined.update({k.id: k.to_dict() for k in new})
    for kpi_id in remove or []:
        if defined.pop(kpi_id, None) is None:
            raise fail(f"error: the workspace has no KPI '{kpi_id}' of its own", 2)
    if add is not None or remove:
        ws.store.set_setting(CUSTOM_KPIS, list(defined.values()), expected_revision=revision)
    rows = [(k, d.label, d.unit, "yes" if d.additive else "no", "catalogue") for k, d in CATALOGUE.items()]
    rows += [(k, d.get("label", k), d["aggregation"], "yes" if d.get("additive") else "no", "this workspace")
             for k, d in defined.items()]
    print_frame(pl.DataFrame(rows, schema=["id", "label", "unit or aggregation", "additive", "from"], orient="row"))


@app.command("metrics")
def metrics_cmd(
    path: WorkspacePath,
    by: Annotated[str, typer.Option(help="Comma-separated: reason, phase, stage, journey, channel, segment, "
                                         "process, system, or a data column.")] = "reason",
    period: Annotated[str | None, typer.Option(help="day, week, month, quarter or year.")] = None,
    kpi: Annotated[list[str] | None, typer.Option("--kpi", help="KPI id, repeatable (default: all).")] = None,
    filter_: Annotated[list[str] | None, typer.Option("--filter", help="DIMENSION=VALUE, repeatable.")] = None,
    repeat_days: Annotated[int, typer.Option(help="Window of the repeat-contact rate.")] = 7,
    out_file: OutFile = None,
    columns: Columns = None,
    format_: Format = "table",
) -> None:
    """KPIs by any combination of dimensions and period, with labels; recomputed at every level."""
    from workbench.metrics import measure
    from workbench.metrics.labels import with_labels
    from workbench.metrics.model_dims import dimensions
    from workbench.sources.registry import list_sources

    tables = Tables(format_, columns)
    ws = open_workspace(path)
    model = ws.load()
    if not list_sources(ws.store):
        raise fail("error: no contact data: declare a source with `workbench sources add`", 1)
    try:
        frame = measure(ws.contacts(model).frame, by=[b.strip() for b in by.split(",") if b.strip()],
                        kpis=kpi, period=period, dims=dimensions(model), filters=_pairs(filter_, "filter"),
                        repeat_days=repeat_days, custom=ws.store.get_setting(CUSTOM_KPIS, []) or None)
    except ValueError as exc:
        raise fail(f"error: {exc}", 2) from None
    frame = with_labels(frame, model)
    shown = " (first 200 shown)" if frame.height > 200 and format_ == "table" else ""
    tables.show(frame.head(200) if format_ == "table" else frame, name="metrics",
                title=f"{frame.height:,} groups{shown}", formats=METRIC_FORMATS,
                default=_metric_columns(frame.columns, kpi))
    write_out(frame, out_file, sheet="metrics", tables=tables)


#: How the metrics table shows KPI values (csv and json give them unformatted).
METRIC_FORMATS = {**dict.fromkeys(("share", "digital_share", "complaint_rate", "resolution_rate", "repeat_rate",
                                   "fcr", "csat"), "{:.1%}"),
                  "nps": "{:+.0f}", "ces": "{:.2f}", "cost": "{:,.0f}", "cost_per_contact": "{:,.2f}",
                  "aht": "{:,.0f}"}
#: The KPIs the metrics table shows when no --kpi is chosen (--columns shows any other).
HEADLINE_KPIS = ("volume", "customers", "cost", "repeat_rate", "nps", "csat", "aht", "fcr", "ces")


def _metric_columns(columns: list[str], kpis: list[str] | None) -> list[str]:
    """The group columns (a label rather than its id), then the chosen KPIs or the headline ones.

    >>> _metric_columns(["reason", "reason_label", "period", "volume", "share", "nps"], None)
    ['reason_label', 'period', 'volume', 'nps']
    """
    from workbench.metrics import CATALOGUE

    groups = [c for c in columns if c not in CATALOGUE and not c.endswith("_responses")
              and c not in (kpis or ())]
    labelled = [c for c in groups if f"{c}_label" not in columns]
    return [*labelled, *(kpis or [k for k in HEADLINE_KPIS if k in columns])]
