"""Commands on feedback texts (step 4, Measure: the customer listening path): feedback sources and tagging."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from workbench.cli._app import OutFile, WorkbenchApp, WorkspacePath, app, open_workspace, out, print_frame, write_out
from workbench.errors import UsageError

feedback_app = WorkbenchApp(help="Declare, list and check feedback sources; edit the tagging keywords; export "
                                 "tagged feedback as a TheyDo file.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


def _pairs(items: list[str] | None, what: str) -> dict[str, str]:
    pairs = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{what} '{item}' must look like NAME=VALUE")
        pairs[key.strip()] = value.strip()
    return pairs


@feedback_app.command("add")
def feedback_add(
    path: WorkspacePath,
    source_id: Annotated[str, typer.Option("--id", help="A short slug naming the source.")],
    kind: Annotated[str, typer.Option(help="csv, parquet, excel, sql or theydo (a TheyDo feedback .json).")],
    location: Annotated[str, typer.Option(help="A file, folder or glob, or for sql a database URL.")],
    map_: Annotated[list[str] | None, typer.Option(
        "--map", help="COLUMN=SOURCE_COLUMN, repeatable (feedback_id, timestamp, text, score, scale, customer_id, "
                      "channel, journey, step, language, source_code).")] = None,
    const: Annotated[list[str] | None, typer.Option("--const", help="COLUMN=VALUE, e.g. scale=nps.")] = None,
    option: Annotated[list[str] | None, typer.Option("--option", help="KEY=VALUE reader option (separator, "
                                                                      "encoding, sheet, table, max_chars …).")] = None,
    timestamp_format: Annotated[str | None, typer.Option(help="strptime format of text timestamps.")] = None,
    timezone: Annotated[str, typer.Option(help="Time zone of timestamps without an offset.")] = "UTC",
    on_bad_rows: Annotated[str, typer.Option(help="reject or quarantine.")] = "reject",
) -> None:
    """Declare a feedback source once (like `sources add`); it is loaded once to check it first."""
    from workbench.cli.data_cmds import _stored_location
    from workbench.sources.feedback import FeedbackSpec, add_feedback_source

    ws = open_workspace(path)
    options: dict = _pairs(option, "option")
    if "max_chars" in options:
        try:
            options["max_chars"] = int(options["max_chars"])
        except ValueError:
            raise UsageError(f"option max_chars must be a whole number, not '{options['max_chars']}'") from None
    spec = FeedbackSpec(id=source_id, kind=kind, location=_stored_location(location, kind, ws.path),
                        mapping=_pairs(map_, "mapping"), constants=_pairs(const, "constant"), options=options,
                        timestamp_format=timestamp_format, timezone=timezone, on_bad_rows=on_bad_rows)
    report = add_feedback_source(ws.store, spec, workspace_dir=ws.path)
    out.print(str(report), markup=False)
    out.print(f"feedback source '{spec.id}' added", markup=False)


@feedback_app.command("list")
def feedback_list(path: WorkspacePath) -> None:
    """The declared feedback sources and their mappings."""
    from workbench.sources.feedback import feedback_sources

    specs = feedback_sources(open_workspace(path).store)
    if not specs:
        out.print("no feedback sources yet: add one with `workbench feedback add`")
        return
    print_frame(pl.DataFrame({
        "id": [s.id for s in specs], "kind": [s.kind for s in specs], "location": [s.location for s in specs],
        "mapping": [", ".join(f"{k}←{v}" for k, v in s.effective_mapping.items()) for s in specs],
        "bad rows": [s.on_bad_rows for s in specs]}))


@feedback_app.command("check")
def feedback_check(path: WorkspacePath) -> None:
    """Load every feedback source now: rows read, kept and set aside, with located examples."""
    from workbench.sources.feedback import feedback

    ws = open_workspace(path)
    result = feedback(ws.store, ws.path)
    out.print(result.report or "no feedback sources yet", markup=False)
    if any(r.rows_bad for r in result.reports.values()):
        raise typer.Exit(1)


@feedback_app.command("keywords")
def feedback_keywords(
    path: WorkspacePath,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="REASON=word,phrase,… sets that reason's keywords (repeatable; REASON= empties them).")] = None,
    out_file: OutFile = None,
) -> None:
    """The keywords per reason that seed the tagging (defaults: words only that reason's label has)."""
    from workbench.text.rules import keywords, save_keywords

    ws = open_workspace(path)
    model = ws.load()
    if set_:
        lists = {rid: [w for w in words.split(",") if w.strip()] for rid, words in _pairs(set_, "keywords").items()}
        _, revision = keywords(ws.store, model)
        save_keywords(ws.store, model, lists, revision=revision)
    current, _ = keywords(ws.store, model)
    frame = pl.DataFrame({"reason": list(current), "label": [model.reasons[r].label for r in current],
                          "keywords": [", ".join(w) for w in current.values()]})
    print_frame(frame)
    write_out(frame, out_file)


@feedback_app.command("export")
def feedback_export(
    path: WorkspacePath,
    out_path: Annotated[Path, typer.Option("--out", help="The TheyDo feedback file to write (.json).")],
    source: Annotated[str | None, typer.Option(help="Only this feedback source.")] = None,
    name: Annotated[str, typer.Option(help="The feedback's name in TheyDo.")] = "Tagged feedback",
) -> None:
    """Write the feedback, tagged with contact reasons, as a TheyDo feedback file (THEYDO_FEEDBACK_RESPONSES_V1)."""
    from workbench.interchange.theydo_feedback import write_theydo_feedback
    from workbench.text.workspace import tag_feedback

    ws = open_workspace(path)
    model = ws.load()
    tagged = tag_feedback(ws.store, ws.path, model, source=source)
    labels = {r: x.label for r, x in model.reasons.items()}
    frame = tagged.with_columns(reason_label=pl.col("assigned").replace_strict(labels, default=None,
                                                                               return_dtype=pl.String))
    write_theydo_feedback(out_path, frame, name=name, feedback_id=source or "workbench-feedback",
                          tags={"reason_label": "Contact reason", "journey": "Journey"})
    out.print(f"wrote {frame.height:,} responses to {out_path}", markup=False)


@app.command("tag")
def tag_cmd(
    path: WorkspacePath,
    source: Annotated[str | None, typer.Option(help="Tag only this feedback source.")] = None,
    text: Annotated[str | None, typer.Option(help="Rank the reasons of this one text.")] = None,
    file: Annotated[Path | None, typer.Option(help="Tag every row of this CSV, Excel or Parquet file "
                                                   "(not stored); needs --text-column.")] = None,
    text_column: Annotated[str | None, typer.Option(help="The column of --file holding the text.")] = None,
    confirm: Annotated[list[str] | None, typer.Option(help="FEEDBACK_ID=REASON: a person's tag, which trains "
                                                           "the model (repeatable).")] = None,
    confirmations: Annotated[Path | None, typer.Option(help="A CSV or Excel file of confirmations (columns "
                                                            "feedback_id, reason).")] = None,
    top: Annotated[int, typer.Option(help="How many reasons per text.")] = 3,
    out_file: OutFile = None,
) -> None:
    """Tag feedback with contact reasons: reason_1..N with confidences, 'unassigned' below the threshold."""
    from workbench.text import workspace as tw

    chosen = [n for n, v in (("--text", text), ("--file", file), ("--confirm", confirm or confirmations)) if v]
    if len(chosen) > 1:
        raise UsageError(f"choose one of {', '.join(chosen)}")
    if (file is None) != (text_column is None):
        raise UsageError("--file and --text-column go together")
    if top < 1:
        raise UsageError("--top must be at least 1")
    ws = open_workspace(path)
    model = ws.load()
    if confirm or confirmations:
        _confirm(ws, model, confirm, confirmations, source)
        return
    if text is not None:
        frame = tw.tag_texts(ws.store, model, [text], top=top, explain=True)
        labels = {r: x.label for r, x in model.reasons.items()}
        row = frame.row(0, named=True)
        for k in range(1, min(top, len(model.reasons)) + 1):
            rid = row[f"reason_{k}"]
            out.print(f"{k}. {labels[rid]} [{rid}] {row[f'confidence_{k}']:.2f}  ({row[f'why_{k}']})", markup=False)
        out.print(f"assigned: {row['assigned']}", markup=False)
        write_out(frame, out_file)
        return
    if file is not None:
        frame = tw.tag_file(ws.store, model, file, text_column, top=top)
    else:
        frame = tw.tag_feedback(ws.store, ws.path, model, source=source, top=top)
    shown = frame.select("feedback_id" if "feedback_id" in frame.columns else pl.first(),
                         *(c for c in ("reason_1", "confidence_1", "assigned") if c in frame.columns))
    print_frame(shown.head(20), title=f"{frame.height:,} texts tagged"
                + (f", {(frame['assigned'] == 'unassigned').sum():,} unassigned" if frame.height else ""))
    write_out(frame, out_file)


def _confirm(ws, model, pairs: list[str] | None, file: Path | None, source: str | None) -> None:
    from workbench.sources.feedback import feedback
    from workbench.text.tags import confirm, read_confirmations

    wanted = list(_pairs(pairs, "confirmation").items()) if pairs else read_confirmations(file)
    rows = feedback(ws.store, ws.path, model).frame
    if source is not None:
        rows = rows.filter(pl.col("source") == source)
    found = rows.filter(pl.col("feedback_id").is_in([f for f, _ in wanted]))
    doubled = found.group_by("feedback_id").agg(pl.col("source").n_unique()).filter(pl.col("source") > 1)
    if doubled.height:
        raise UsageError(f"feedback id(s) {', '.join(sorted(doubled['feedback_id']))} are in several sources; "
                         "name one with --source")
    texts = dict(found.select("feedback_id", "text").iter_rows())
    sources = dict(found.select("feedback_id", "source").iter_rows())
    revision = confirm(ws.store, model, wanted, texts, source=sources)
    out.print(f"{len(wanted)} tag(s) confirmed (tags revision {revision}); the model retrains on next use",
              markup=False)


__all__ = ["feedback_app", "tag_cmd"]
