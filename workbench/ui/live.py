"""Live for everyone: a served session follows the saves of every other session (other browser tabs,
other users, other server processes on the same store) within about half a second, without a reload.

:func:`follow_store` adds one periodic callback per session that asks the store for its revisions (one
small read, under a millisecond on SQLite; see :meth:`workbench.store.Store.revision`) and reloads the
session's model when someone else saved; every view depending on ``session.data`` then redraws.
Editors keep what they are typing: see
:mod:`workbench.ui.journey_editor`.
"""

from __future__ import annotations

import panel as pn

from workbench.ui.session import Session

PERIOD_MS = 500
_FOLLOWING = "_live_callback"


def follow_store(session: Session, period_ms: int = PERIOD_MS):
    """Start following the store for ``session`` when served (once per session); the callback, or None
    (not served, or a session without a store)."""
    if session.workspace is None or pn.state.curdoc is None or pn.state.curdoc.session_context is None:
        return None
    if (running := getattr(session, _FOLLOWING, None)) is not None:
        return running
    callback = pn.state.add_periodic_callback(session.catch_up, period=period_ms)
    setattr(session, _FOLLOWING, callback)
    return callback
