"""Atomic writes and the one output-path policy (workbench.files)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap

import pytest

from workbench.files import OutputError, atomic_path, describe, output_path, write_text


def test_a_failed_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "model.yaml"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("writer crashed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.yaml"]


def test_missing_parent_folders_are_created(tmp_path):
    path = write_text(tmp_path / "a" / "b" / "x.txt", "ok")
    assert path.read_text() == "ok"


def test_a_folder_or_a_file_in_the_way_is_one_sentence(tmp_path):
    (tmp_path / "x.xlsx").mkdir()
    with pytest.raises(OutputError, match=r"x\.xlsx: it is a folder"):
        output_path(tmp_path / "x.xlsx")
    (tmp_path / "plain").write_text("")
    with pytest.raises(OutputError, match="plain is a file, not a folder"):
        write_text(tmp_path / "plain" / "x.txt", "no")


def test_a_full_disk_names_the_path_and_the_free_space(tmp_path):
    message = describe(OSError(errno.ENOSPC, "No space left on device"), tmp_path / "x.yaml")
    assert str(tmp_path / "x.yaml") in message and "disk is full" in message and " free in " in message


def test_a_library_error_that_wraps_a_full_disk_is_translated(tmp_path):
    target = tmp_path / "cube.parquet"
    with pytest.raises(OutputError, match="disk is full"):
        with atomic_path(target):
            raise RuntimeError("I/O error: No space left on device (os error 28)")
    assert not list(tmp_path.iterdir())


def test_a_writer_killed_midway_leaves_the_old_file_or_the_new(tmp_path):
    target = tmp_path / "export.txt"
    target.write_text("old " * 1000)
    script = textwrap.dedent(f"""
        import os, sys
        from workbench.files import atomic_path
        with atomic_path({str(target)!r}) as tmp:
            with open(tmp, "w") as f:
                f.write("new " * 500)
                f.flush()
                print("halfway", flush=True)
                os.kill(os.getpid(), 9)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ)
    assert proc.returncode == -9 and "halfway" in proc.stdout
    assert target.read_text() == "old " * 1000  # the old one, whole


def test_a_later_write_removes_temporaries_left_by_killed_writers(tmp_path):
    target = tmp_path / "a.csv"
    stale = tmp_path / ".a.csv.abc.partial"
    stale.write_text("left by a kill")
    os.utime(stale, (0, 0))
    write_text(target, "x")
    assert not stale.exists() and target.read_text() == "x"


def test_a_new_file_gets_the_umask_mode_and_a_secret_its_own(tmp_path):
    from workbench.files import umask

    plain = write_text(tmp_path / "export.yaml", "x")
    assert plain.stat().st_mode & 0o777 == 0o666 & ~umask()   # not owner-only like the temporary it was
    secret = write_text(tmp_path / "users.yaml", "x", mode=0o600)
    assert secret.stat().st_mode & 0o777 == 0o600
    write_text(secret, "y")                                 # replacing keeps the file's own mode
    assert secret.stat().st_mode & 0o777 == 0o600
