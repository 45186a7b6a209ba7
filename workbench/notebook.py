"""Small helpers that keep the six step notebooks (``notebooks/01_frame`` … ``06_publish``) thin.

Each is what a notebook cell would otherwise spell out in ten lines: open or build the workspace,
show the rules findings as a table, declare the user's own contact file, and say whether a step's
outcome is reached (:func:`outcome`). Nothing here imports Panel.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from workbench.model import Model, slugify
from workbench.rules import Finding, check, summary
from workbench.workspace import CONFIG, Workspace

FINDING_COLUMNS = ("severity", "rule", "location", "message", "fix")
SUFFIX_KINDS = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".xlsx": "excel", ".xes": "xes"}
STEPS = {1: "Frame", 2: "Map", 3: "Link", 4: "Measure", 5: "Prioritise", 6: "Publish"}


def setup(workspace: str | Path, events: int = 200_000, *, seed: int = 0) -> Workspace:
    """Open the workspace folder ``workspace``; if it is not a workspace yet, build the demo there first.

    The demo is the telecom template with ``events`` generated contacts (a year of data), registered
    as a source and crosswalked (``workbench.demo.build_demo``). Prints what was opened.
    """
    from workbench.demo import build_demo

    path = Path(workspace)
    built = not (path / CONFIG).exists()
    ws = build_demo(path, events=events, seed=seed) if built else Workspace.open(path)
    model = ws.load()
    print(f"{'Built the demo' if built else 'Opened'} workspace '{model.name}' at {ws.path}: "
          f"{len(model.reasons)} contact reasons, {len(model.journeys)} journeys, {len(model.steps)} steps")
    return ws


def reasons_with_data(ws: Workspace) -> set[str] | None:
    """Reason ids the crosswalk maps source codes to (``None`` when there is no crosswalk yet)."""
    from workbench.sources import registry

    return registry.reasons_with_data(ws.store)


def findings_table(findings: list[Finding]) -> pl.DataFrame:
    """The rules findings as a table (errors first, as ``rules.check`` sorts them), one row per finding.

    Examples
    --------
    >>> from workbench.model import ContactReason, Phase, Stage
    >>> m = Model().add(Stage("s", "Being a customer"), Phase("p", "s", "Billing"),
    ...                 ContactReason("pay", "p", "Pay the bill"))
    >>> findings_table(check(m, reason_range=(1, 80)))["rule"].to_list()
    ['customer-voice', 'unused-reason']
    """
    return pl.DataFrame([{c: getattr(f, c) for c in FINDING_COLUMNS} for f in findings],
                        schema=dict.fromkeys(FINDING_COLUMNS, pl.String))


def add_contact_file(ws: Workspace, path: str | Path, *, mapping: dict[str, str] | None = None,
                     source_id: str | None = None, **spec_fields):
    """Declare the user's own contact file as a source of ``ws`` and return its load report.

    The kind follows the file's suffix (.csv, .parquet, .xlsx, .xes). ``mapping`` (canonical column →
    the file's column) is added to the file's columns that already carry a canonical name; bad rows
    are set aside in the quarantine folder unless ``on_bad_rows="reject"`` is given. An id already
    registered is replaced, so running the notebook again does not fail.
    """
    from workbench.sources.canonical import CONTACT_SCHEMA, REQUIRED_COLUMNS
    from workbench.sources.connectors import read_raw
    from workbench.sources.load import load_source
    from workbench.sources.registry import add_source, get_crosswalk
    from workbench.sources.spec import SourceSpec, SpecError

    path = Path(path).expanduser().resolve()
    kind = SUFFIX_KINDS.get(path.suffix.lower())
    if kind is None:
        raise SpecError(f"{path}: unknown file type '{path.suffix}'; use one of {', '.join(SUFFIX_KINDS)}")
    source_id = source_id or slugify(path.stem)
    probe = SourceSpec(id=source_id, kind=kind, location=str(path), mapping=dict.fromkeys(REQUIRED_COLUMNS, "_"))
    found = read_raw(probe).columns
    named = {c: c for c in CONTACT_SCHEMA if c in found and c != "reason"}
    spec_fields.setdefault("on_bad_rows", "quarantine")
    spec = SourceSpec(id=source_id, kind=kind, location=str(path), mapping={**named, **(mapping or {})},
                      **spec_fields)
    model = ws.load()
    result = load_source(spec, channels=set(model.channels), crosswalk=get_crosswalk(ws.store), workspace_dir=ws.path)
    add_source(ws.store, spec, replace=True)
    return result.report


def outline(model: Model) -> pl.DataFrame:
    """The life cycle model in one table: a row per phase with its stage, reason count and first reasons.

    Examples
    --------
    >>> from workbench.model import ContactReason, Phase, Stage
    >>> m = Model().add(Stage("s", "Being a customer"), Phase("p", "s", "Billing"),
    ...                 ContactReason("pay", "p", "I pay"), ContactReason("ask", "p", "I ask"))
    >>> outline(m).rows()
    [('Being a customer', 'Billing', 2, 'I pay; I ask')]
    """
    rows = [(model.stages[p.stage].label, p.label, len(model.reasons_of(p.id)),
             "; ".join(r.label for r in model.reasons_of(p.id)[:3]))
            for s in model.stages.values() for p in model.phases_of(s.id)]
    return pl.DataFrame(rows, schema={"stage": pl.String, "phase": pl.String, "reasons": pl.Int64,
                                      "first reasons": pl.String}, orient="row")


def journeys_table(model: Model) -> pl.DataFrame:
    """One row per journey: id, label, state, counterpart, segment, episodes, steps, moments of truth."""
    rows = [(j.id, j.label, j.state, j.counterpart, j.segment, len(model.episodes_of(j.id)),
             len(model.steps_of(j.id)), sum(1 for s in model.steps_of(j.id) if s.moment_of_truth))
            for j in model.journeys.values()]
    return pl.DataFrame(rows, schema={"id": pl.String, "label": pl.String, "state": pl.String,
                                      "counterpart": pl.String, "segment": pl.String, "episodes": pl.Int64,
                                      "steps": pl.Int64, "moments_of_truth": pl.Int64}, orient="row")


def import_workshop(ws: Workspace, sheet: str | Path | None = None) -> tuple[Model, list[str]]:
    """Import a filled-in workshop sheet into ``ws`` (all or nothing) and return the saved model and the
    ids of the sheet's journeys.

    With ``sheet=None`` nothing is saved: the blank workshop sheet (with grey example rows) is written
    to ``WORKSPACE/workshop-sheet.xlsx`` for a workshop to fill in, and read back as a preview.
    """
    from workbench.interchange import read_workshop, write_workshop

    model = ws.load()
    if sheet is None:
        sheet = ws.path / "workshop-sheet.xlsx"
        write_workshop(sheet, model, journeys=[])
        draft = read_workshop(sheet, model)
    else:
        draft = ws.commit(read_workshop(sheet, model), base=model)
    journeys = [j for j, journey in draft.journeys.items() if model.journeys.get(j) != journey]
    return draft, journeys


# -- the outcome of each step ------------------------------------------------------------------------
def outcome(step: int, ws: Workspace) -> str:
    """Whether step ``step`` (1 Frame … 6 Publish) is done on ``ws``, in a few plain lines."""
    if step not in STEPS:
        raise ValueError(f"step must be one of {list(STEPS)} ({', '.join(STEPS.values())}), got {step!r}")
    model = ws.load()
    lines = _OUTCOMES[step](ws, model)
    return f"Step {step} ({STEPS[step]}): " + "\n  ".join(lines)


def frame_outcome(model: Model, findings: list[Finding]) -> list[str]:
    """Counts of the life cycle model and of the rules findings."""
    counts = summary(findings)
    lines = [f"{len(model.reasons)} contact reasons in {len(model.stages)} stages and {len(model.phases)} "
             f"phases; rules check: {counts['errors']} error(s), {counts['warnings']} warning(s)"]
    errors = [f for f in findings if f.severity == "error"]
    lines += [f"error: {f.location}: {f.message}" for f in errors[:5]]
    if errors:
        lines.append("fix the errors before mapping journeys on the model")
    return lines


def map_outcome(model: Model) -> list[str]:
    """Journeys by state, steps, moments of truth, and journeys outside 5-7 episodes or without steps."""
    states = [j.state for j in model.journeys.values()]
    moments = sum(1 for s in model.steps.values() if s.moment_of_truth)
    lines = [f"{len(model.journeys)} journeys ({states.count('current')} current, {states.count('future')} future), "
             f"{len(model.steps)} steps, {moments} moments of truth"]
    for j in model.journeys.values():
        episodes, steps = len(model.episodes_of(j.id)), len(model.steps_of(j.id))
        if not steps:
            lines.append(f"'{j.label}' ({j.state}) has no steps yet")
        elif not 5 <= episodes <= 7:
            lines.append(f"'{j.label}' ({j.state}) has {episodes} episodes; 5-7 read best")
    return lines


def link_outcome(model: Model) -> list[str]:
    """Unlinked steps (named), and how many reasons journeys share or leave unused."""
    unlinked = [s for s in model.steps.values() if not s.reason]
    used: dict[str, set[str]] = {}
    for s in model.steps.values():
        if s.reason:
            used.setdefault(s.reason, set()).add(s.journey)
    shared = sum(1 for journeys in used.values() if len(journeys) > 1)
    if unlinked:
        names = ", ".join(f"{model.journeys[s.journey].label} / {s.label}" for s in unlinked[:10])
        more = f" and {len(unlinked) - 10} more" if len(unlinked) > 10 else ""
        head = f"{len(unlinked)} of {len(model.steps)} steps are still unlinked: {names}{more}"
    else:
        head = f"all {len(model.steps)} steps are linked to a contact reason"
    return [head, f"{len(used)} reasons are used by journeys ({shared} by more than one), "
                  f"{len(model.reasons) - len(used)} by none"]


def measure_outcome(ws: Workspace, model: Model) -> list[str]:
    """Contacts loaded, the share that reached a contact reason, unmapped codes and reasons without data."""
    result = ws.contacts(model)
    if not result.reports:
        return ["no contact data yet: declare a source (DATA_SOURCE in notebook 04)"]
    totals = result.frame.group_by("reason").agg(pl.len().alias("n")).collect()
    volume = int(totals["n"].sum())
    on_reason = int(totals.filter(pl.col("reason").is_not_null())["n"].sum())
    bad = sum(r.rows_bad for r in result.reports.values())
    lines = [f"{volume:,} contacts from {len(result.reports)} source(s); {on_reason:,} "
             f"({on_reason / max(volume, 1):.1%}) on a contact reason; {bad:,} bad row(s) set aside"]
    unmapped = pl.concat([r.unmapped for r in result.reports.values()]).sort("contacts", descending=True)
    if unmapped.height:
        top = ", ".join(f"{c} ({n:,})" for c, n, _ in unmapped.head(3).iter_rows())
        lines.append(f"{unmapped.height} source code(s) still unmapped, biggest: {top}")
    silent = [r for r in model.reasons if r not in set(totals["reason"].drop_nulls().to_list())]
    lines.append(f"{len(model.reasons) - len(silent)} of {len(model.reasons)} contact reasons have contacts")
    return lines


def prioritise_outcome(ws: Workspace, model: Model, top: int = 3) -> list[str]:
    """The top reasons by priority score, each with why."""
    from workbench.analysis.priority import explain
    from workbench.settings import priority_weights

    ranked = ws.dataset(model).priorities("reason", weights=priority_weights(ws.store)[0]).head(top)
    if ranked.is_empty():
        return ["no contact data to prioritise on yet"]
    return [f"the top {ranked.height} contact reasons to tackle first:",
            *(explain(row) for row in ranked.iter_rows(named=True))]


def publish_outcome(ws: Workspace, model: Model) -> list[str]:
    """Whether the workspace is ready to share: no rule errors, steps linked, data on reasons."""
    errors = summary(check(model, reasons_with_data=reasons_with_data(ws)))["errors"]
    unlinked = sum(1 for s in model.steps.values() if not s.reason)
    ready = errors == 0 and unlinked == 0
    return [f"{'ready to publish' if ready else 'not ready yet'}: {errors} rule error(s), "
            f"{unlinked} unlinked step(s)", *measure_outcome(ws, model)[:1]]


_OUTCOMES = {
    1: lambda ws, m: frame_outcome(m, check(m, reasons_with_data=reasons_with_data(ws))),
    2: lambda ws, m: map_outcome(m),
    3: lambda ws, m: link_outcome(m),
    4: measure_outcome,
    5: prioritise_outcome,
    6: publish_outcome,
}
