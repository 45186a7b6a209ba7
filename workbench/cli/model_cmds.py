"""Commands on the model: templates, new, check, import, export, info, demo (steps 1-3)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from workbench.cli._app import WorkspacePath, app, fail, open_workspace, out
from workbench.interchange.textfile import MAX_FILE_MB


@app.command("templates")
def templates_cmd() -> None:
    """List the industry life cycle model templates with their counts."""
    from workbench.templates import list_templates

    table = Table("template", "title", "language", "stages", "phases", "reasons", "journeys")
    for t in list_templates():
        table.add_row(t.name, t.title, t.language, str(t.stages), str(t.phases), str(t.reasons), str(t.journeys))
    out.print(table)


@app.command("new")
def new_cmd(
    path: WorkspacePath,
    template: Annotated[str | None, typer.Option(help="Start from this template (see `workbench templates`).")] = None,
    db: Annotated[str | None, typer.Option(help="A database URL (e.g. postgresql+psycopg://…); "
                                                "default: a SQLite file in the workspace.")] = None,
    name: Annotated[str | None, typer.Option(help="The organisation's name, shown on every page.")] = None,
) -> None:
    """Create a workspace, empty or from a template."""
    from workbench.store import StoreError
    from workbench.workspace import Workspace, WorkspaceError

    try:
        ws = Workspace.create(path, template=template, db=db)
    except KeyError as exc:
        raise fail(f"error: {exc.args[0]}", 2) from None
    except (WorkspaceError, StoreError) as exc:
        raise fail(f"error: {exc}", 2) from None
    model = ws.load()
    if name is not None and name.strip():
        renamed = model.copy()
        renamed.name = name.strip()
        ws.commit(renamed, base=model)
        model = renamed
    ws.close()
    out.print(f"created workspace '{model.name}' in {ws.path} ({len(model.reasons)} contact reasons, "
              f"{len(model.journeys)} journeys; store: {ws.store.url})", markup=False)


@app.command("check")
def check_cmd(
    path: WorkspacePath,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Check the life cycle model and journeys against the framework's design rules."""
    from workbench.rules import check, format_findings, summary
    from workbench.sources.registry import reasons_with_data

    ws = open_workspace(path)
    findings = check(ws.load(), reasons_with_data=reasons_with_data(ws.store))
    counts = summary(findings)
    if as_json:
        out.print_json(json.dumps({"summary": counts, "findings": [f.to_dict() for f in findings]}))
    else:
        out.print(format_findings(findings) if findings else "no findings: the model follows every rule",
                  markup=False)
    if counts["errors"]:
        raise typer.Exit(1)


@app.command("import")
def import_cmd(
    path: WorkspacePath,
    file: Annotated[Path, typer.Argument(help="A workspace file (.xlsx, .yaml), a flat sheet (.csv or one-sheet .xlsx: "
                                              "one row per contact reason with its stage and phase), or with "
                                              "--journeys a workshop sheet.")],
    journeys: Annotated[bool, typer.Option("--journeys", help="FILE is a workshop sheet: one row per step.")] = False,
    columns: Annotated[str | None, typer.Option(
        "--columns", help="The headers of a flat sheet's columns, e.g. 'stage=Levensfase,phase=Fase,reason=Klantvraag' "
                          "(also description, owner, weight, channels, stage_order, phase_order, reason_order). "
                          "Left out, they are found by name in English or Dutch.")] = None,
    voice_prefixes: Annotated[str | None, typer.Option(
        "--voice-prefixes", help="Set the workspace's voice prefixes, e.g. 'Ik,Mijn' (separated by commas or "
                                 "semicolons): how contact reasons in the customer's voice start.")] = None,
    language: Annotated[str | None, typer.Option("--language", help="Set the workspace's language (en, nl …).")]
    = None,
    max_mb: Annotated[float | None, typer.Option(
        "--max-mb", help=f"Refuse files larger than this many megabytes (default {MAX_FILE_MB}, or "
                         "$WORKBENCH_MAX_FILE_MB).")] = None,
) -> None:
    """Import a model (replacing what the file holds; the rest stays) or journeys from a workshop sheet.

    All or nothing: any problem is listed with its place in the file, and nothing changes.
    """
    from workbench.errors import UsageError
    from workbench.interchange import import_file, parse_columns

    if journeys and columns:
        raise UsageError("--columns is for a flat model sheet; a workshop sheet (--journeys) has fixed columns")
    roles = parse_columns(columns) if columns is not None else None
    ws = open_workspace(path)
    base = ws.load()
    imported = import_file(file, base, journeys=journeys, columns=roles, voice_prefixes=voice_prefixes,
                           language=language, max_mb=max_mb)
    ws.commit(imported.model, base=base)
    out.print(imported.summary(file), markup=False)


@app.command("export")
def export_cmd(
    path: WorkspacePath,
    to: Annotated[Path | None, typer.Option("--to", help="The model as a file: .xlsx or .yaml.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="A self-contained static HTML snapshot of the "
                                                               "main views (no server, no internet needed).")]
    = None,
) -> None:
    """Export the model (Excel or YAML) and/or a static HTML snapshot of the dashboard's main views."""
    from workbench.interchange import write_model

    if to is None and html is None:
        raise fail("error: say what to export: --to FILE.xlsx|FILE.yaml and/or --html FILE.html", 2)
    if to is not None and to.suffix.lower() not in {".xlsx", ".yaml", ".yml"}:
        raise fail(f"error: cannot export to '{to.suffix}': use .xlsx or .yaml", 2)
    ws = open_workspace(path)
    if to is not None:
        write_model(ws.load(), to)
        out.print(f"exported {ws.path} to {to}", markup=False)
    if html is not None:
        from workbench.snapshot import write_snapshot

        write_snapshot(ws, html)
        out.print(f"wrote a static snapshot to {html} ({html.stat().st_size / 1e6:.1f} MB)", markup=False)


@app.command("info")
def info_cmd(path: WorkspacePath) -> None:
    """Counts and a summary of a workspace; exit 1 while it has no contact data."""
    from workbench.sources.registry import list_sources
    from workbench.summary import summarise

    ws = open_workspace(path)
    out.print(summarise(ws), markup=False)
    if not list_sources(ws.store):
        raise fail("no contact data: declare a source with `workbench sources add`", 1)


@app.command("suggest")
def suggest_cmd(
    path: WorkspacePath,
    journey: Annotated[str | None, typer.Option(help="Only this journey's steps (default: every journey).")] = None,
    top: Annotated[int, typer.Option(help="Suggestions per step.")] = 3,
    unlinked: Annotated[bool, typer.Option(help="Only steps that are not linked yet.")] = False,
) -> None:
    """Ranked contact reason suggestions for journey steps (step 3, Link), from labels, needs and touchpoints,
    and what the workspace knows (keywords, crosswalk notes, confirmed tags), as on the Link page."""
    from workbench.analysis.suggest import format_suggestions, suggest_all
    from workbench.text.workspace import suggester

    ws = open_workspace(path)
    model = ws.load()
    try:
        frame = suggest_all(model, journey, top=top, suggester=suggester(ws.store, model))
    except ValueError as exc:
        raise fail(f"error: {exc}", 2) from None
    if unlinked:
        frame = frame.filter(frame["linked"].is_null())
    out.print(format_suggestions(model, frame), markup=False)


@app.command("demo")
def demo_cmd(
    path: Annotated[Path, typer.Argument(help="Where to build the demo workspace.")] = Path("demo-workspace"),
    events: Annotated[int, typer.Option(help="How many contacts to generate.")] = 1_000_000,
    seed: Annotated[int, typer.Option(help="Random seed of the generated data.")] = 0,
    serve: Annotated[bool, typer.Option(help="Serve the dashboard after building.")] = True,
    port: Annotated[int, typer.Option(help="TCP port of the dashboard.")] = 5006,
    show: Annotated[bool, typer.Option(help="Open a browser.")] = False,
) -> None:
    """Build (if needed) the demo workspace on the telecom template with generated contacts, and serve it."""
    from workbench.demo import ensure_demo
    from workbench.summary import summarise

    ws = ensure_demo(path, events=events, seed=seed, progress=sys.stderr.isatty())
    out.print(summarise(ws), markup=False)
    ws.close()
    if serve:
        from workbench.server import serve as serve_dashboard

        out.print(f"serving the dashboard on http://localhost:{port}/ (editing allowed: this machine only); "
                  "Ctrl+C stops it", markup=False)
        serve_dashboard(path, port=port, address="127.0.0.1", allow_edit=True, show=show)
