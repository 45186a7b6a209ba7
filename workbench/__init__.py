"""Journey Workbench: data-driven customer journey management.

>>> import workbench as wb
>>> ws = wb.open("demo-workspace")        # doctest: +SKIP
>>> model = ws.load()                      # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"


def open(path):  # noqa: A001 - `wb.open(path)` reads naturally in notebooks
    """Open the workspace folder at ``path`` (see :class:`workbench.workspace.Workspace`)."""
    from workbench.workspace import Workspace

    return Workspace.open(path)
