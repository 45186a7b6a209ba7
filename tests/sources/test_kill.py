"""Files written in place survive a kill: a writer killed mid-quarantine leaves the old file or none, and
a 2 GB contact file is refused in bounded memory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest

from workbench.workspace import Workspace

HEADER = "customer_id,timestamp,channel,source_code\n"

#: Run in a child: a command of the CLI, with the Parquet writer made to die half-way through its file
#: (it writes the whole file, cuts it in half and kills its own process, as a kill at that moment would).
DYING_WRITER = textwrap.dedent("""
    import os, sys
    import polars as pl

    def half_then_die(self, path, *args, **kwargs):
        real(self, path, *args, **kwargs)
        os.truncate(path, os.path.getsize(path) // 2)
        print(path, flush=True)
        os.kill(os.getpid(), 9)

    real, pl.LazyFrame.sink_parquet = pl.LazyFrame.sink_parquet, half_then_die
    pl.DataFrame.write_parquet = lambda self, path, *a, **k: half_then_die(self.lazy(), path)
    from workbench.cli import app
    app(sys.argv[1:])
""")


def peak_rss(code: str) -> tuple[subprocess.CompletedProcess, int]:
    """Run ``code`` in a child of a fresh parent; the child's result and its peak RSS in KB, as the parent
    reads it (``RUSAGE_CHILDREN``: the parent has no other child to mix in)."""
    parent = textwrap.dedent(f"""
        import json, resource, subprocess, sys
        done = subprocess.run([sys.executable, "-c", {code!r}], capture_output=True, text=True)
        print(json.dumps([done.returncode, done.stdout, done.stderr,
                          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))
    """)
    outer = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True, timeout=900, check=True)
    code, stdout, stderr, peak = json.loads(outer.stdout)
    return subprocess.CompletedProcess([], code, stdout, stderr), peak


def run_dying(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", DYING_WRITER, *map(str, args)], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def workspace(tmp_path, model) -> Path:
    Workspace.create(tmp_path / "ws", model=model).close()
    return tmp_path / "ws"


def test_a_kill_while_quarantining_a_new_source_leaves_no_file_and_no_source(workspace, tmp_path):
    calls = tmp_path / "calls.csv"
    calls.write_text(HEADER + "c1,2026-01-05,web,X\nc2,2026-01-05,fax,X\n")
    done = run_dying("sources", "add", workspace, "--id", "calls", "--kind", "csv", "--location", calls,
                     "--on-bad-rows", "quarantine")
    assert done.returncode == -signal.SIGKILL, done.stderr
    written = Path(done.stdout.strip())
    assert written.parent == workspace / "quarantine" and written.name != "calls.parquet"  # a temporary beside it
    assert not (workspace / "quarantine" / "calls.parquet").exists()
    ws = Workspace.open(workspace)
    try:
        from workbench.sources.registry import list_sources

        assert list_sources(ws.store) == []
    finally:
        ws.close()


def test_a_kill_during_sources_check_leaves_the_previous_quarantine_whole(workspace, tmp_path):
    from typer.testing import CliRunner

    from workbench.cli import app

    calls = tmp_path / "calls.csv"
    calls.write_text(HEADER + "c1,2026-01-05,web,X\nc2,2026-01-05,fax,X\n")
    added = CliRunner().invoke(app, ["sources", "add", str(workspace), "--id", "calls", "--kind", "csv",
                                     "--location", str(calls), "--on-bad-rows", "quarantine"])
    assert added.exit_code == 0, added.output
    quarantine = workspace / "quarantine" / "calls.parquet"
    before = pl.read_parquet(quarantine)
    assert before["customer_id"].to_list() == ["c2"]
    calls.write_text(HEADER + "c1,2026-01-05,web,X\nc3,2026-01-06,telex,X\nc4,2026-01-07,fax,X\n")
    done = run_dying("sources", "check", workspace)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert pl.read_parquet(quarantine).equals(before)  # the old file, whole; not the half-written new one


def test_a_2_gb_sparse_contact_file_is_refused_in_bounded_memory(workspace, tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:
        f.write(HEADER.encode())
        f.truncate(2 * 1024**3)  # a hole of NUL bytes: 2 GB on paper, nothing on disk
    code = textwrap.dedent(f"""
        from workbench.cli import app
        app(["sources", "add", {str(workspace)!r}, "--id", "big", "--kind", "csv", "--location", {str(big)!r}])
    """)
    done, peak_kb = peak_rss(code)
    assert done.returncode == 1
    assert f"{big}: NUL bytes from byte {len(HEADER)} (line 2) on: this is not a text file" in done.stderr
    assert peak_kb < 1024**2, f"peak RSS {peak_kb / 1024:,.0f} MB"


def test_a_2_gb_line_after_good_rows_is_one_bad_row_in_bounded_memory(workspace, tmp_path):
    """Good rows fill the first 64 KB, so the file reads as text; then one line runs 2 GB (a sparse hole)."""
    big = tmp_path / "big.csv"
    rows = "".join(f"c{i},2026-01-05,web,X\n" for i in range(4_000))
    with open(big, "wb") as f:
        f.write((HEADER + rows + "c-last,2026-01-05,web,").encode())
        f.truncate(2 * 1024**3)
    code = textwrap.dedent(f"""
        import json, resource, sys
        from workbench.sources import SourceRejected, SourceSpec, load_source
        spec = SourceSpec(id="big", kind="csv", location={str(big)!r})
        try:
            load_source(spec, channels={{"web"}}, workspace_dir={str(workspace)!r})
        except SourceRejected as exc:
            report = exc.report
            [example] = report.problems["line_too_long"].examples
            print(json.dumps([report.rows_read, report.rows_bad, example.row, example.message]))
    """)
    done, peak_kb = peak_rss(code)
    assert done.returncode == 0, done.stderr
    read, bad, row, message = json.loads(done.stdout)
    long = 2 * 1024**3 - len(HEADER) - len(rows)
    assert (read, bad, row) == (4_001, 1, 4_002)
    assert message == f"the line is {long:,} bytes long; a row may be at most 1,048,576 bytes (1 MB)"
    assert peak_kb < 1024**2, f"peak RSS {peak_kb / 1024:,.0f} MB"
    copies = list((workspace / "cache" / "sources").glob("*.csv"))
    assert [c.stat().st_size for c in copies] == [len(HEADER) + len(rows) + len(f"_wb_bad_line_long:{long}")]


def test_sparse_files_work_here(tmp_path):
    """The two tests above rely on holes costing no disk; say so plainly if this file system has none."""
    probe = tmp_path / "probe"
    with open(probe, "wb") as f:
        f.truncate(64 * 1024**2)
    used = os.stat(probe).st_blocks * 512
    assert used < 1024**2, "this file system does not keep sparse files sparse"
