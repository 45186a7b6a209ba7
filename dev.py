#!/usr/bin/env python3
"""Set up the project's environment from the lock file, then run a job in it.

    python3 dev.py demo [PATH]   build the demo workspace and serve its dashboard
    python3 dev.py test [ARGS]   run the whole test suite (pytest ARGS)
    python3 dev.py setup         only create/refresh .venv
    python3 dev.py run CMD ...   run any command inside .venv

Needs only Python 3.11+ and access to the package registries: it creates `.venv` with the standard
library's venv, installs a pinned `uv` into it, and syncs the exact versions in `uv.lock`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
UV_VERSION = "0.13.9"


def _run(*cmd: str | os.PathLike, **kw) -> None:
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def setup() -> None:
    """Create .venv if needed and make it match uv.lock exactly (runtime + dev extras)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under whatever python3 the user has
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not (BIN / "python").exists():
        print(f"creating {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not (BIN / "uv").exists():
        _run(BIN / "python", "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}")
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(VENV), "VIRTUAL_ENV": str(VENV)}
    _run(BIN / "uv", "sync", "--frozen", "--extra", "dev", "--python", BIN / "python", "--quiet", env=env)


def main(argv: list[str]) -> int:
    job, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if job in {"help", "-h", "--help"}:
        print(__doc__)
        return 0
    setup()
    if job == "setup":
        return 0
    if job == "demo":
        cmd = [BIN / "workbench", "demo", *rest]
    elif job == "test":
        cmd = [BIN / "python", "-m", "pytest", *rest]
    elif job == "run":
        cmd = [BIN / rest[0], *rest[1:]] if (BIN / rest[0]).exists() else rest
    else:
        print(__doc__)
        return 2
    return subprocess.call([str(c) for c in cmd], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
