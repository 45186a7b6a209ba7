"""Panel in a notebook: set it up to work offline and open one user's session on a workspace.

    from workbench.ui.notebook import open_session
    session = open_session(ws, can_edit=True)
    LifeCycleMap(session=session)

BokehJS and Panel's JavaScript are inlined in the notebook (no CDN), so the widgets render and stay live
on a machine without internet.
"""

from __future__ import annotations

import panel as pn

from workbench.app import EXTENSIONS
from workbench.ui.session import Session


def setup_panel() -> None:
    """Load Panel's extensions with inline resources (works without internet)."""
    pn.extension(*EXTENSIONS, inline=True, sizing_mode="stretch_width")


def open_session(workspace, *, can_edit: bool = False, **choices) -> Session:
    """Panel set up for the notebook, and a session on ``workspace`` (``choices``: journey=, reason=, kpi=)."""
    setup_panel()
    return Session.of_workspace(workspace, can_edit=can_edit, **choices)
