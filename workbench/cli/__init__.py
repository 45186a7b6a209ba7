"""The `workbench` command line: a thin layer over the package.

Exit codes: 0 ok, 1 findings or rejected input, 2 usage errors.
"""

from __future__ import annotations

from workbench.cli import (  # noqa: F401 - they register commands
    act_cmds,
    analysis_cmds,
    data_cmds,
    metric_cmds,
    model_cmds,
    publish_cmds,
    text_cmds,
)
from workbench.cli._app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
