"""The model commands end to end: new, check, export, import (all or nothing), info, exit codes."""

from __future__ import annotations

import gc
import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.interchange import write_excel
from workbench.templates import template_paths
from workbench.workspace import Workspace

runner = CliRunner()


def run(*args: str | Path, code: int = 0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, f"exit {result.exit_code}:\n{result.output}\n{result.exception!r}"
    return result


def folder_digest(path: Path) -> dict[str, str]:
    """Every file of a folder and the hash of its bytes, leaving out SQLite's transient lock files.

    The shared-memory index (-shm) and an empty write-ahead log (-wal) come and go as connections open
    and close; a write would show in the database file or in a non-empty -wal.
    """
    gc.collect()  # close connections of earlier in-process commands, as separate processes would
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*"))
            if p.is_file() and not p.name.endswith("-shm") and not (p.name.endswith("-wal") and not p.stat().st_size)}


@pytest.mark.parametrize("template", sorted(template_paths()))
def test_every_template_makes_a_workspace_that_passes_the_check(tmp_path, template):
    run("new", tmp_path / "ws", "--template", template)
    result = run("check", tmp_path / "ws", "--json")
    report = json.loads(result.output)
    assert report["summary"]["errors"] == 0


def test_templates_lists_counts():
    output = run("templates").output
    assert "telecom" in output and "retail-banking" in output and "67" in output


def test_export_import_export_is_identical(tmp_path):
    run("new", tmp_path / "a", "--template", "insurance")
    for suffix in (".xlsx", ".yaml"):
        first = tmp_path / f"first{suffix}"
        run("export", tmp_path / "a", "--to", first)
        run("new", tmp_path / f"b{suffix}")
        run("import", tmp_path / f"b{suffix}", first)
        second = tmp_path / f"second{suffix}"
        run("export", tmp_path / f"b{suffix}", "--to", second)
        if suffix == ".yaml":
            assert first.read_bytes() == second.read_bytes()
        else:
            model_a = Workspace.open(tmp_path / "a").load()
            model_b = Workspace.open(tmp_path / f"b{suffix}").load()
            for kind in ("stages", "phases", "reasons", "channels", "segments", "processes", "systems",
                         "episodes", "steps"):
                assert list(getattr(model_a, kind).items()) == list(getattr(model_b, kind).items())
            assert [j.label for j in model_a.journeys.values()] == [j.label for j in model_b.journeys.values()]


def _broken_workbook(tmp_path: Path) -> Path:
    """A workspace workbook with an unknown reason (a typo), an emotion out of range and an unknown phase."""
    model = Workspace.create(tmp_path / "src", template="telecom").load()
    step = next(iter(model.steps.values()))
    model.steps[step.id] = replace(step, reason="pay-the-bil", emotion=7)
    reason = next(iter(model.reasons.values()))
    model.reasons["dup"] = replace(reason, id="dup", phase="no-such-phase")
    broken = tmp_path / "broken.xlsx"
    write_excel(model, broken)  # the writer writes what it is given; the reader must catch it all
    return broken


def test_a_broken_workbook_is_rejected_with_locations_and_nothing_changes(tmp_path):
    broken = _broken_workbook(tmp_path)
    run("new", tmp_path / "target", "--template", "energy")
    before = folder_digest(tmp_path / "target")
    result = run("import", tmp_path / "target", broken, code=1)
    message = result.output
    assert "nothing was imported" in message
    assert "broken.xlsx" in message and "Steps" in message and "emotion" in message
    assert "pay-the-bil" in message and "no-such-phase" in message
    assert folder_digest(tmp_path / "target") == before


@pytest.mark.parametrize(("name", "content"), [
    ("empty.xlsx", b""),
    ("picture.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    ("notes.yaml", b"stages: [\n  - id: a\n"),
    ("latin1.yaml", "name: Caf\xe9\n".encode("latin-1")),
])
def test_files_that_are_not_workspaces_are_rejected_cleanly(tmp_path, name, content):
    run("new", tmp_path / "target", "--template", "telecom")
    before = folder_digest(tmp_path / "target")
    bad = tmp_path / name
    bad.write_bytes(content)
    result = run("import", tmp_path / "target", bad, code=1)
    assert name in result.output
    assert folder_digest(tmp_path / "target") == before


def test_usage_errors_exit_2(tmp_path):
    run("check", tmp_path / "nowhere", code=2)
    run("new", tmp_path / "ws", "--template", "telecon", code=2)
    run("new", tmp_path / "ok", "--template", "telecom")
    assert "did you mean 'telecom'" in run("new", tmp_path / "x", "--template", "telecon", code=2).output
    run("export", tmp_path / "ok", "--to", tmp_path / "out.pdf", code=2)


def test_workshop_sheet_adds_a_journey(tmp_path):
    from workbench.interchange import write_workshop

    run("new", tmp_path / "ws", "--template", "telecom")
    model = Workspace.open(tmp_path / "ws").load()
    sheet = tmp_path / "workshop.xlsx"
    write_workshop(sheet, model, journeys=[next(iter(model.journeys))])
    run("import", tmp_path / "ws", sheet, "--journeys")
    after = Workspace.open(tmp_path / "ws").load()
    assert len(after.journeys) == len(model.journeys)
    assert [s.reason for s in after.steps.values()] == [s.reason for s in model.steps.values()]


def test_info_summarises(tmp_path):
    run("new", tmp_path / "ws", "--template", "public-sector")
    output = run("info", tmp_path / "ws").output
    assert "61 contact reasons" in output and "0 errors" in output and "no contact data yet" in output


def test_suggest_ranks_the_linked_reason_first_for_most_steps(tmp_path):
    run("new", tmp_path / "ws", "--template", "telecom")
    model = Workspace.open(tmp_path / "ws").load()
    journey = next(iter(model.journeys))
    output = run("suggest", tmp_path / "ws", "--journey", journey, "--top", "3").output
    blocks = output.split(f"{journey} / ")[1:]
    assert len(blocks) == len(model.steps_of(journey))
    first_is_linked = sum(1 for b in blocks if "  * 1." in b)  # '*' marks the suggestion that is the link
    assert first_is_linked >= 0.6 * len(blocks)
    assert "did you mean" in run("suggest", tmp_path / "ws", "--journey", journey + "x", code=2).output
