"""Panel in a notebook: set it up to work offline and open one user's session on a workspace.

    from workbench.ui.notebook import open_session
    session = open_session(ws, can_edit=True)
    LifeCycleMap(session=session)

BokehJS and Panel's JavaScript are inlined in the notebook (no CDN), so the widgets render and stay live
on a machine without internet.

Panel 1.9 writes each output's document as raw JSON inside an inline ``<script>``: a label containing
``</script>`` ends that script early, the output stays blank, and what follows the label is parsed as
HTML (a label ``</script><img src=x onerror=…>`` runs in the notebook). :func:`setup_panel` makes
that JSON safe inside a script (``<`` before ``/`` or ``!`` written ``\\u003c``, which JSON and
JavaScript read as ``<``).
"""

from __future__ import annotations

import json  # noqa: F401 - used by the doctest
import re

import panel as pn
import panel.io.notebook

from workbench.app import EXTENSIONS
from workbench.ui.session import Session

_panel_serialize_json = panel.io.notebook.serialize_json
_SCRIPT_END = re.compile(r"<(?=[/!])")


def script_safe_json(obj, **options) -> str:
    """Bokeh's JSON of ``obj`` that cannot end or comment out the ``<script>`` it is written into.

    Examples
    --------
    >>> text = script_safe_json({"label": "I pay </script><img src=x> <!-- bill"})
    >>> text
    '{"label":"I pay \\\\u003c/script><img src=x> \\\\u003c!-- bill"}'
    >>> json.loads(text)["label"]
    'I pay </script><img src=x> <!-- bill'
    """
    return _SCRIPT_END.sub(r"\\u003c", _panel_serialize_json(obj, **options))


def setup_panel() -> None:
    """Load Panel's extensions with inline resources (works without internet); outputs script-safe."""
    panel.io.notebook.serialize_json = script_safe_json
    pn.extension(*EXTENSIONS, inline=True, sizing_mode="stretch_width")


def open_session(workspace, *, can_edit: bool = False, **choices) -> Session:
    """Panel set up for the notebook, and a session on ``workspace`` (``choices``: journey=, reason=, kpi=)."""
    setup_panel()
    return Session.of_workspace(workspace, can_edit=can_edit, **choices)
