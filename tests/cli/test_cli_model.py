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
    output = run("info", tmp_path / "ws", code=1).output  # the summary, and exit 1: there is no contact data yet
    assert "61 contact reasons" in output and "0 errors" in output
    assert "no contact data: declare a source with `workbench sources add`" in output


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


def test_suggest_uses_what_the_workspace_knows_as_the_link_editor_does(tmp_path):
    # keywords a person saved train the suggestions of the link page; the CLI ranked without them
    from workbench.text.rules import keywords, save_keywords

    run("new", tmp_path / "ws", "--template", "telecom")
    ws = Workspace.open(tmp_path / "ws")
    model = ws.load()
    _, revision = keywords(ws.store, model)
    save_keywords(ws.store, model, {"port-number": ["comparison site", "compares prices", "comparison"]},
                  revision=revision)
    output = run("suggest", tmp_path / "ws", "--journey", "i-switch-to-you", "--top", "3").output
    first_step = output.split("i-switch-to-you / ")[1]
    assert first_step.startswith("switch-1: Compares prices on a comparison site")
    assert "1. I keep my number when I switch [port-number]" in first_step


# -- flat model sheets, hand-made workbooks, literal output ----------------------------------------
FLAT = Path(__file__).resolve().parents[1] / "interchange" / "data" / "energie-plat.csv"


def assert_clean_check(ws: Path) -> dict:
    report = json.loads(run("check", ws, "--json", code=0).output)
    assert report["summary"]["errors"] == 0
    assert not [f for f in report["findings"] if f["rule"] == "customer-voice"]
    return report


def test_a_flat_dutch_csv_imports_with_one_command_and_checks_clean(tmp_path):
    run("new", tmp_path / "ws")
    output = run("import", tmp_path / "ws", FLAT, "--voice-prefixes", "Ik,Mijn", "--language", "nl").output
    assert output.startswith(f"imported {FLAT} (flat sheet): 63 contact reasons, 0 journeys, 0 steps\n"
                             "  5 stages, 11 phases, 63 contact reasons, 0 channels, 0 segments, 0 processes, "
                             "0 systems\n  kept from the workspace: channels, segments, processes, systems, journeys, "
                             "steps\n")
    assert "  ids made from labels (79):" in output and "    phase  orienteren ← 'Oriënteren'\n" in output
    model = Workspace.open(tmp_path / "ws").load()
    assert (len(model.reasons), model.voice_prefixes, model.language) == (63, ("Ik", "Mijn"), "nl")
    report = assert_clean_check(tmp_path / "ws")
    assert {f["rule"] for f in report["findings"]} == {"unused-reason"}  # no journeys yet: every reason unused


def test_a_libreoffice_like_flat_workbook_imports_the_same(tmp_path):
    import csv

    import xlsxwriter

    with FLAT.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))[1:]
    path = tmp_path / "Levenscyclus.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:  # one sheet, a title, stage and phase only where they change
        ws = book.add_worksheet("Blad1")
        ws.write(0, 0, "Klantreismodel")
        ws.write_row(2, 0, ["Stage", "Phase", "Contact reason"])
        for i, (stage, phase, reason) in enumerate(rows):
            above = rows[i - 1] if i else ("", "", "")
            ws.write_row(3 + i, 0, [stage if stage != above[0] else None,
                                    phase if (stage, phase) != tuple(above[:2]) else None, reason])
    run("new", tmp_path / "ws")
    run("import", tmp_path / "ws", path, "--voice-prefixes", "Ik;Mijn")
    run("new", tmp_path / "from-csv")
    run("import", tmp_path / "from-csv", FLAT, "--voice-prefixes", "Ik;Mijn")
    a, b = (Workspace.open(tmp_path / name).load() for name in ("ws", "from-csv"))
    assert [list(getattr(a, k).items()) for k in ("stages", "phases", "reasons")] == \
        [list(getattr(b, k).items()) for k in ("stages", "phases", "reasons")]
    assert_clean_check(tmp_path / "ws")


def test_a_workbook_with_blank_ids_and_prefixes_in_its_workspace_sheet(tmp_path):
    import xlsxwriter

    sheets = {"Workspace": [["name", "language", "voice_prefixes"], ["Energie BV", "nl", "Ik,Mijn"]],
              "Stages": [["id", "label"], [None, "Klant zijn"]],
              "Phases": [["id", "stage", "label"], [None, "Klant zijn", "Betalen"], [None, "Klant zijn", "Verhuizen"]],
              "Reasons": [["id", "phase", "label"], [None, "Betalen", "Ik betaal mijn rekening"],
                          [None, "verhuizen", "Ik verhuis"]]}
    path = tmp_path / "hand.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        for name, rows in sheets.items():
            ws = book.add_worksheet(name)
            for r, row in enumerate(rows):
                ws.write_row(r, 0, row)
    run("new", tmp_path / "ws")
    output = run("import", tmp_path / "ws", path).output
    assert "(workspace workbook): 2 contact reasons, 0 journeys, 0 steps\n  1 stage, 2 phases, 2 contact" in output
    assert "    reason ik-betaal-mijn-rekening ← 'Ik betaal mijn rekening'" in output
    assert "3 reference(s) given by label instead of id" in output  # Klant zijn twice, Betalen once
    model = Workspace.open(tmp_path / "ws").load()
    assert (model.name, model.voice_prefixes) == ("Energie BV", ("Ik", "Mijn"))
    assert model.reasons["ik-verhuis"].phase == "verhuizen"
    report = assert_clean_check(tmp_path / "ws")
    assert {f["rule"] for f in report["findings"]} == {"reason-count", "unused-reason"}


def test_user_text_is_printed_literally(tmp_path):
    """No emoji codes (':id:' was printed as 🆔) and no [markup] in what the CLI prints."""
    labels = ["Ik zie :id: en :thumbs_up:", "Ik typ [bold]vet[/bold] en [red]rood", "Ik 🚀 verhuis"]
    flat = tmp_path / "odd.csv"
    flat.write_text("stage;phase;reason\n" + "".join(f"Klant zijn;Fase [x];{label}\n" for label in labels),
                    encoding="utf-8")
    run("new", tmp_path / "ws")
    imported = run("import", tmp_path / "ws", flat).output
    checked = run("check", tmp_path / "ws").output
    for label in labels:
        assert f"'{label}'" in imported and f"'{label}'" in checked
    assert "    phase  fase-x ← 'Fase [x]'" in imported
    assert "🆔" not in imported + checked and "👍" not in imported + checked
    bad = tmp_path / "bad.csv"
    bad.write_text("stage;phase;reason;weight\nKlant [b]zijn[/b];:id:;Ik x;veel\n", encoding="utf-8")
    error = run("import", tmp_path / "ws", bad, code=1).output
    assert f"{bad}:row 2:weight: 'veel' is not a number from 0 to 3" in error
    import xlsxwriter

    book_path = tmp_path / "ids.xlsx"
    with xlsxwriter.Workbook(str(book_path)) as book:
        for name, rows in {"Stages": [["id", "label"], ["Klant Zijn", "Klant zijn"]],
                           "Phases": [["stage", "label"], ["Klant zijn", "P"]],
                           "Reasons": [["phase", "label"], ["P", "Ik x"]]}.items():
            ws = book.add_worksheet(name)
            for r, row in enumerate(rows):
                ws.write_row(r, 0, row)
    error = run("import", tmp_path / "ws", book_path, code=1).output
    assert f"{book_path}:Stages:row 2:id: id 'Klant Zijn' is not a slug" in error  # was 'row 2🆔 id …'


def test_check_json_lists_findings(tmp_path):
    run("new", tmp_path / "ws")
    run("import", tmp_path / "ws", FLAT)  # no voice prefixes set: English ones apply
    report = json.loads(run("check", tmp_path / "ws", "--json").output)
    voice = [f for f in report["findings"] if f["rule"] == "customer-voice"]
    assert len(voice) == 63 and voice[0]["kind"] == "reasons" and voice[0]["severity"] == "warning"
    assert "add it to the workspace's voice prefixes" in voice[0]["fix"]  # 'Ik …' is a customer's word already


def test_a_100k_description_survives_export_and_import(tmp_path):
    run("new", tmp_path / "a", "--template", "energy")
    ws = Workspace.open(tmp_path / "a")
    model = ws.load()
    reason = next(iter(model.reasons.values()))
    new = model.copy()
    new.reasons[reason.id] = replace(reason, description="é🚀" * 50_000)
    ws.commit(new, base=model)
    ws.close()
    run("export", tmp_path / "a", "--to", tmp_path / "a.xlsx")
    run("new", tmp_path / "b")
    run("import", tmp_path / "b", tmp_path / "a.xlsx")
    assert Workspace.open(tmp_path / "b").load().reasons[reason.id].description == "é🚀" * 50_000


def test_import_option_mistakes_are_usage_errors(tmp_path):
    run("new", tmp_path / "ws")
    assert "unknown column role 'stag'" in run("import", tmp_path / "ws", FLAT, "--columns", "stag=x", code=2).output
    assert "--columns is for a flat model sheet" in run("import", tmp_path / "ws", FLAT, "--journeys", "--columns",
                                                        "stage=x", code=2).output
    assert "'dutch' is not a two-letter" in run("import", tmp_path / "ws", FLAT, "--language", "dutch", code=2).output
    too_big = run("import", tmp_path / "ws", FLAT, "--max-mb", "0.001", code=1).output
    assert f"{FLAT}: the file is {FLAT.stat().st_size / 1e3:.1f} kB, more than the 1.0 kB an import reads" in too_big
