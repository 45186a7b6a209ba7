"""One output policy for tables (`--out`, write_table, write_tables) and the users file: folders created,
plain one-line messages for folders, permissions and full disks, and never a half-written file."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import polars as pl
import pytest
import yaml
from model_fixtures import small_model
from polars.testing import assert_frame_equal
from small_disk import fill, small_disk  # noqa: F401 - a fixture
from typer.testing import CliRunner

from workbench.auth import add_user, read_users, verify_password
from workbench.cli import app
from workbench.files import OutputError
from workbench.interchange.tables import write_table, write_tables
from workbench.workspace import Workspace

FREE = r"\d+(\.\d)? (bytes|KB|MB|GB|TB) free"
#: What `workbench dependencies WS --journey i-join` finds in the small model (worked out by hand: join-1
#: is linked to compare-offers, which no system or process covers; join-2 to place-order, covered by crm).
DEPENDENCIES = pl.DataFrame({
    "journey": ["i-join", "i-join"], "reason": ["compare-offers", "place-order"],
    "reason_label": ["I compare offers", "I place an order"], "steps": [1, 1],
    "kind": [None, "system"], "id": [None, "crm"], "label": [None, "CRM"]})


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("outputs") / "ws"
    Workspace.create(path, model=small_model()).close()
    return path


def run(*args, code: int = 0) -> str:
    """stdout of a command that exits with ``code``, or its stderr when that code is not 0."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == code, f"exit {result.exit_code}:\n{result.output}\n{result.exception!r}"
    return result.stdout if code == 0 else result.stderr


def deps(ws: Path, out: Path, code: int = 0) -> str:
    return run("dependencies", ws, "--journey", "i-join", "--out", out, code=code)


def _read(path: Path) -> pl.DataFrame:
    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    if path.suffix == ".csv":
        return pl.read_csv(path, schema_overrides={"steps": pl.Int64})
    return pl.read_excel(path)


def _error_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    return lines[0]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_out_creates_missing_folders_and_writes_the_table(ws, tmp_path, suffix):
    target = tmp_path / "new" / "deeper" / f"deps{suffix}"
    output = deps(ws, target)
    assert f"wrote 2 rows to {target}" in output
    got = _read(target)
    assert_frame_equal(got, DEPENDENCIES, check_dtypes=False)
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()  # shareable like any new file, not owner-only


def test_out_help_states_the_policy():
    from workbench.files import OUTPUT_POLICY

    assert " ".join(OUTPUT_POLICY.split()) in " ".join(run("priorities", "--help").split())


def test_an_unknown_extension_is_a_usage_error(ws, tmp_path):
    line = _error_line(deps(ws, tmp_path / "deps.txt", code=2))
    assert line == f"error: cannot write '{tmp_path / 'deps.txt'}': use a file name ending in .csv, .parquet, .xlsx"


def test_a_folder_in_the_way_is_one_line(ws, tmp_path):
    (tmp_path / "deps.csv").mkdir()
    line = _error_line(deps(ws, tmp_path / "deps.csv", code=1))
    assert line == (f"error: cannot write {tmp_path / 'deps.csv'}: it is a folder; give a file name "
                    f"(e.g. {tmp_path / 'deps.csv' / 'out'}.csv)")
    (tmp_path / "plain").write_text("a file")
    line = _error_line(deps(ws, tmp_path / "plain" / "deps.csv", code=1))
    plain = tmp_path / "plain"
    assert line == f"error: cannot write {plain / 'deps.csv'}: {plain} is a file, not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders: chmod cannot stop it")
def test_a_read_only_folder_is_one_line(ws, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        line = _error_line(deps(ws, folder / "deps.csv", code=1))
    finally:
        folder.chmod(0o700)
    assert line == f"error: cannot write {folder / 'deps.csv'}: no permission to write in {folder}"
    assert list(folder.iterdir()) == []


def _disk_full(monkeypatch, method: str) -> None:
    """The writer fills the disk halfway through: it writes some bytes, then the OS says no space is left."""

    def half_then_full(self, target, *args, **kwargs):
        Path(target).write_bytes(b"half a table")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pl.DataFrame, method, half_then_full)


@pytest.mark.parametrize(("suffix", "method"), [(".csv", "write_csv"), (".parquet", "write_parquet")])
def test_a_full_disk_is_one_line_and_leaves_the_old_file(ws, tmp_path, monkeypatch, suffix, method):
    target = tmp_path / f"deps{suffix}"
    target.write_bytes(b"the old file")
    _disk_full(monkeypatch, method)
    line = _error_line(deps(ws, target, code=1))
    assert re.fullmatch(rf"error: cannot write {re.escape(str(target))}: the disk is full \({FREE} in "
                        rf"{re.escape(str(tmp_path))}\); nothing was written", line), line
    assert target.read_bytes() == b"the old file"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_full_disk_while_writing_a_workbook(ws, tmp_path, monkeypatch):
    import workbench.interchange.tables as tables

    def full(tmp, data):
        Path(tmp).write_bytes(data[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tables, "_write_bytes", full)
    line = _error_line(run("impact", ws, "--system", "crm", "--out", tmp_path / "impact.xlsx", code=1))
    assert line.startswith(f"error: cannot write {tmp_path / 'impact.xlsx'}: the disk is full (")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_a_really_full_disk(small_disk, ws, suffix):  # noqa: F811 - the fixture
    target = small_disk / f"deps{suffix}"
    filler = fill(small_disk)
    result = CliRunner().invoke(app, ["dependencies", str(ws), "--journey", "i-join", "--out", str(target)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: cannot write {target}: the disk is full (0 bytes free in "
                                     f"{small_disk}); nothing was written")
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]
    filler.unlink()
    deps(ws, target)
    assert_frame_equal(_read(target), DEPENDENCIES, check_dtypes=False)


def test_several_tables_are_written_all_or_none(tmp_path, monkeypatch):
    frames = {"a": pl.DataFrame({"x": [1]}), "b": pl.DataFrame({"x": [2]}), "c": pl.DataFrame({"x": [3]})}
    written = write_tables(frames, tmp_path / "out" / "t.csv")
    assert [p.name for p in written] == ["t-a.csv", "t-b.csv", "t-c.csv"]
    assert [pl.read_csv(p)["x"].item() for p in written] == [1, 2, 3]
    real = pl.DataFrame.write_csv
    calls = []

    def third_fails(self, target, *args, **kwargs):
        calls.append(target)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, target, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_csv", third_fails)
    with pytest.raises(OutputError, match=r"^cannot write .*new-c\.csv: the disk is full"):
        write_tables(frames, tmp_path / "new.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # neither new-a nor new-b was left


def test_several_tables_to_one_workbook_keep_formulas_as_text(tmp_path):
    planted = '=HYPERLINK("http://evil.example","click")'
    path = write_tables({"totals": pl.DataFrame({"label": [planted]}), "more": pl.DataFrame({"n": [1]})},
                        tmp_path / "book.xlsx")[0]
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and "HYPERLINK" in strings  # a text cell, not a formula
    assert pl.read_excel(path, sheet_name="totals")["label"].to_list() == [planted]


def test_a_killed_writer_leaves_the_old_file(tmp_path):
    target = tmp_path / "big.xlsx"
    old = pl.DataFrame({"n": [1, 2, 3]})
    write_table(old, target)
    before = target.read_bytes()
    script = textwrap.dedent(f"""
        import polars as pl
        from workbench.interchange.tables import write_table
        frame = pl.select(n=pl.int_range(300_000)).with_columns(label=pl.format("row {{}}", "n"), half=pl.col("n") / 2)
        print("writing", flush=True)
        write_table(frame, {str(target)!r})
        print("done", flush=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "writing\n"
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".big.xlsx.*.partial")) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL  # killed midway, not finished
    assert len(list(tmp_path.glob(".big.xlsx.*.partial"))) == 1  # what the killed writer had begun
    assert target.read_bytes() == before
    assert_frame_equal(pl.read_excel(target), old)


# -- the users file ---------------------------------------------------------------------------------
def test_users_file_in_a_new_folder_is_owner_only(tmp_path):
    path = tmp_path / "secrets" / "users.yaml"
    add_user(path, "anna", "pass-1", "editor")
    assert path.stat().st_mode & 0o777 == 0o600
    assert verify_password("pass-1", read_users(path)["anna"].password)


def test_replacing_a_readable_users_file_makes_it_owner_only(tmp_path):
    path = tmp_path / "users.yaml"
    add_user(path, "anna", "pass-1", "editor")
    path.chmod(0o644)
    add_user(path, "ben", "pass-2")
    assert path.stat().st_mode & 0o777 == 0o600
    assert {u.name: u.role for u in read_users(path).values()} == {"anna": "editor", "ben": "viewer"}


def test_a_full_disk_keeps_the_old_users_file(tmp_path, monkeypatch):
    path = tmp_path / "users.yaml"
    add_user(path, "anna", "pass-1", "editor")
    before = path.read_bytes()
    real_open = open

    def full_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        if "w" in mode and str(file).endswith(".partial"):
            handle.write = lambda data: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device"))
        return handle

    import builtins

    monkeypatch.setattr(builtins, "open", full_open)
    with pytest.raises(OutputError, match=rf"^cannot write {re.escape(str(path))}: the disk is full \({FREE}"):
        add_user(path, "ben", "pass-2")
    monkeypatch.undo()
    assert path.read_bytes() == before and list(yaml.safe_load(before)["users"]) == ["anna"]
    assert [p.name for p in tmp_path.iterdir()] == ["users.yaml"]


def test_a_folder_in_place_of_the_users_file_is_one_sentence(tmp_path):
    (tmp_path / "users.yaml").mkdir()
    with pytest.raises(OutputError, match=r"users\.yaml: it is a folder"):
        add_user(tmp_path / "users.yaml", "anna", "pass-1")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
