"""Where the real event logs are: the small helpdesk log ships in tests/data; the larger BPIC 2012 log is
read from ``../shared/data/real`` beside the checkout when it is there (tests/data/README.md says why)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared" / "data" / "real"


def real_log_path(name: str) -> Path:
    """The log ``name`` from tests/data, else from ../shared/data/real (which may not exist)."""
    bundled = BUNDLED / name
    return bundled if bundled.exists() else SHARED / name


def real_log(name: str) -> Path:
    """The log ``name``; the calling test is skipped, saying where it was looked for, when it is absent."""
    path = real_log_path(name)
    if not path.exists():
        pytest.skip(f"real event log {name} is absent: it is not in {BUNDLED} and {SHARED} does not hold it "
                    "(the BPIC 2012 log is not shipped; put the shared data folder beside the checkout)")
    return path
