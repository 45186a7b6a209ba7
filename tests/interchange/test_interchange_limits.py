"""Files that are too big, damaged or too long for a cell: refused before parsing, located, never cut;
and exports that appear whole or not at all (a full disk leaves the old file and no half file)."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from dataclasses import replace

import fastexcel
import pytest
from ix_strategies import snapshot
from ix_workbooks import model_sheets, write_sheets

from workbench.errors import UsageError
from workbench.files import OutputError
from workbench.interchange import (
    ImportRejected,
    Problem,
    read_excel,
    read_workshop,
    read_yaml,
    write_excel,
    write_workshop,
    write_yaml,
)
from workbench.interchange.excel_write import Styles, write_table
from workbench.interchange.overflow import CELL_LIMIT, CellTooLong, pieces, utf16_len
from workbench.interchange.textfile import ENV_MAX_FILE_MB, MAX_FILE_MB, size_limit

GB = 1024**3


def rejected(read, *args, **kwargs) -> list[Problem]:
    with pytest.raises(ImportRejected) as caught:
        read(*args, **kwargs)
    return caught.value.problems


# -- bounded reads --------------------------------------------------------------------------------
def test_the_size_limit_is_a_constant_an_environment_variable_and_a_parameter(monkeypatch, tmp_path, model):
    monkeypatch.delenv(ENV_MAX_FILE_MB, raising=False)
    assert MAX_FILE_MB == 50 and size_limit() == 50_000_000
    path = tmp_path / "steps.csv"
    path.write_text("journey,step\n" + "I move,Calls\n" * 200, encoding="utf-8")  # 2,613 bytes
    monkeypatch.setenv(ENV_MAX_FILE_MB, "0.002")
    [problem] = rejected(read_workshop, path, model)
    assert problem == Problem(str(path), None, None, None,
                              "the file is 2.6 kB, more than the 2.0 kB an import reads; nothing was read "
                              f"(set {ENV_MAX_FILE_MB} to allow larger files)")
    assert len(read_workshop(path, model, max_mb=1).steps_of("i-move")) == 200  # the parameter wins
    monkeypatch.setenv(ENV_MAX_FILE_MB, "lots")
    with pytest.raises(UsageError, match="WORKBENCH_MAX_FILE_MB must be a number of megabytes, not 'lots'"):
        read_workshop(path, model)


def test_a_pipe_that_goes_on_past_the_limit_is_refused(tmp_path, model):
    import threading

    pipe = tmp_path / "steps.csv"
    os.mkfifo(pipe)

    def feed():
        try:
            with pipe.open("wb") as f:
                f.write(b"journey,step\n")
                for _ in range(1000):
                    f.write(b"I move,Calls\n" * 100)
        except BrokenPipeError:
            pass  # the reader stopped at the limit

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        [problem] = rejected(read_workshop, pipe, model, max_mb=0.01)
    finally:
        writer.join(timeout=10)
    assert problem.message.startswith("the input holds more than the 10.0 kB an import reads; nothing was read")


def test_a_nul_byte_in_a_journeys_csv_is_a_located_problem(tmp_path, model):
    path = tmp_path / "steps.csv"
    path.write_bytes(b"journey,step\nI move,Calls\nI move,Wri\x00tes\n")
    assert rejected(read_workshop, path, model) == [Problem(
        str(path), None, 3, None,
        "the text holds a NUL character (line 3, character 11): the file is damaged or not a text file")]


def test_a_nul_byte_in_yaml_is_a_located_problem(tmp_path):
    path = tmp_path / "model.yaml"
    path.write_bytes(b"name: x\nstages:\n  - {id: a, label: A\x00}\n")
    assert rejected(read_yaml, path) == [Problem(
        str(path), None, 3, None,
        "the text holds a NUL character (line 3, character 21): the file is damaged or not a text file")]


CHILD = """
import atexit, os, sys
# the peak of this process's own memory: ru_maxrss would start from the (large) pytest process it forked from
atexit.register(lambda: sys.stderr.write(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))))
from workbench.cli import app
sys.argv = ["workbench", "import", *sys.argv[1:]]
app()
"""


@pytest.mark.parametrize(("name", "options"), [("big.csv", ["--journeys"]), ("big.yaml", []), ("big.xlsx", [])])
def test_a_2_gb_file_is_refused_before_it_is_read(tmp_path, name, options):
    from workbench.workspace import Workspace

    Workspace.create(tmp_path / "ws").close()
    big = tmp_path / name
    with big.open("wb") as f:
        f.write({".csv": b"journey,step\n", ".yaml": b"name: big\n", ".xlsx": b"PK\x03\x04"}[big.suffix])
        f.truncate(2 * GB)  # sparse: no disk space used
    env = {**os.environ}
    env.pop(ENV_MAX_FILE_MB, None)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "ws"), str(big), *options],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _, status, _usage = os.wait4(child.pid, 0)
    stderr = child.stderr.read().decode()
    peak_mb = int(re.search(r"VmHWM:\s+(\d+) kB", stderr).group(1)) / 1024
    assert os.waitstatus_to_exitcode(status) == 1, stderr
    assert f"{big}: the file is 2,147.5 MB, more than the 50.0 MB an import reads" in stderr
    assert peak_mb < 1024, f"peak RSS {peak_mb:.0f} MB"


# -- the Excel cell limit -------------------------------------------------------------------------
def test_pieces_never_exceed_the_cell_limit_and_join_to_the_text():
    text = ("Één klant 🚀 " * 20_000)[:150_000]
    parts = pieces(text)
    assert "".join(parts) == text and all(utf16_len(p) <= CELL_LIMIT for p in parts)
    assert utf16_len(parts[0]) in (CELL_LIMIT - 1, CELL_LIMIT)  # full, unless a 2-unit character did not fit


@pytest.mark.parametrize("size", [100_000, 10_000_000])
def test_a_text_longer_than_a_cell_survives_the_workbook_whole(model, tmp_path, size):
    long = ("Een lange omschrijving 🚀 met emoji. " * (size // 36 + 1))[:size]
    reason = next(iter(model.reasons.values()))
    model.reasons[reason.id] = replace(reason, description=long)
    model.description = long[::-1]
    path = tmp_path / "long.xlsx"
    write_excel(model, path)
    back = read_excel(path)
    assert back.reasons[reason.id].description == long and back.description == long[::-1]
    assert snapshot(back) == snapshot(model)
    # the cell itself holds what fits; the rest is on the Overflow sheet (read by calamine directly)
    book = fastexcel.read_excel(str(path))
    assert "Overflow" in book.sheet_names
    reasons = book.load_sheet("Reasons", dtypes="string").to_polars()
    assert utf16_len(reasons["description"][0]) > CELL_LIMIT - 2 and long.startswith(reasons["description"][0])


def test_moved_rows_do_not_glue_an_overflow_to_the_wrong_entity(model, tmp_path):
    reason = next(iter(model.reasons.values()))
    model.reasons[reason.id] = replace(reason, description="x" * 40_000)
    write_excel(model, tmp_path / "long.xlsx")
    sheets = model_sheets(model)
    sheets["Reasons"][1][3] = "x" * CELL_LIMIT                    # what the writer put in the cell
    sheets["Reasons"][1], sheets["Reasons"][2] = sheets["Reasons"][2], sheets["Reasons"][1]  # sorted by hand
    sheets["Overflow"] = [["sheet", "cell", "id", "text"], ["Reasons", "D2", reason.id, "x" * (40_000 - CELL_LIMIT)]]
    path = write_sheets(tmp_path / "sorted.xlsx", sheets)
    other = sheets["Reasons"][1][0]
    assert rejected(read_excel, path) == [Problem(
        str(path), "Overflow", 2, "id", f"this text continues Reasons!D2 of '{reason.id}', but that row now holds "
                                        f"'{other}': put the row back, or move the text into the cell")]


def test_a_writer_without_an_overflow_sheet_refuses_a_long_text_naming_the_cell(tmp_path):
    import xlsxwriter

    with xlsxwriter.Workbook(str(tmp_path / "t.xlsx")) as book:
        ws = book.add_worksheet("Notes")
        with pytest.raises(CellTooLong, match=r"the cell Notes!B3 would hold 40,000 characters; an Excel cell "
                                              r"holds at most 32,767"):
            write_table(ws, Styles(book), ["a", "b"], [["x", "y"], ["x", "z" * 40_000]])


def test_the_workshop_sheet_keeps_long_notes_whole(model, tmp_path):
    step = next(iter(model.steps.values()))
    model.steps[step.id] = replace(step, notes="n" * 70_000)
    write_workshop(tmp_path / "w.xlsx", model)
    fresh = model.copy()
    fresh.journeys, fresh.episodes, fresh.steps = {}, {}, {}
    back = read_workshop(tmp_path / "w.xlsx", fresh)
    assert [s.notes for s in back.steps.values()] == [s.notes for s in model.steps.values()]


# -- atomic exports -------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "export"), [
    ("model.xlsx", lambda m, p: write_excel(m, p)),
    ("journeys.xlsx", lambda m, p: write_workshop(p, m)),
    ("model.yaml", lambda m, p: write_yaml(m, p)),
])
def test_a_full_disk_leaves_the_old_file_and_no_half_file(model, tmp_path, monkeypatch, name, export):
    target = tmp_path / name
    target.write_bytes(b"the old export")
    written = []

    def fsync(fd):  # the disk turns out full when the written bytes are flushed to it
        written.append(os.fstat(fd).st_size)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OutputError, match=f"cannot write {target}: the disk is full"):
        export(model, target)
    assert written and written[0] > len(b"the old export")  # a whole new file was on its way
    assert target.read_bytes() == b"the old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.fixture
def small_tmpfs(tmp_path):
    """A 256 kB tmpfs, when this process may mount one (root on Linux); else the test is skipped."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_really_full_disk_leaves_the_old_file(model, small_tmpfs):
    target = small_tmpfs / "model.xlsx"
    write_excel(model, target)
    before = target.read_bytes()
    reason = next(iter(model.reasons.values()))
    model.reasons[reason.id] = replace(reason, description=os.urandom(400_000).hex())  # does not compress away
    with pytest.raises(OutputError, match="the disk is full"):
        write_excel(model, target)
    assert target.read_bytes() == before and [p.name for p in small_tmpfs.iterdir()] == ["model.xlsx"]
    with pytest.raises(OutputError, match="the disk is full"):
        write_yaml(model, small_tmpfs / "model.yaml")
    assert [p.name for p in small_tmpfs.iterdir()] == ["model.xlsx"]

