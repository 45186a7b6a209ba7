"""A tiny real file system for full-disk tests: ``from small_disk import small_disk, fill``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


@pytest.fixture
def small_disk(tmp_path) -> Path:
    """A 2 MB tmpfs folder, unmounted afterwards (needs root and mount; skipped where either is missing)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    folder = tmp_path / "small"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` to the last byte with one file; returns it (unlink it to free the space)."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as f:
        for size in (65536, 4096, 1):  # big blocks first, then what is left to the last byte
            try:
                while f.write(b"\0" * size):
                    pass
            except OSError:
                pass
    return filler
