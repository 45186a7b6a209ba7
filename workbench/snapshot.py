"""A self-contained static HTML snapshot of the main views, for people who only read.

Everything (Bokeh and Panel's JavaScript and CSS) is inlined: the file opens from a disk or an e-mail
attachment with no server and no internet. Views show the workspace as it is when the snapshot is made.
"""

from __future__ import annotations

import base64
import html
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import panel as pn
from bokeh.resources import INLINE

from workbench.app import extension
from workbench.files import atomic_path
from workbench.ui.journey_view import JourneyView
from workbench.ui.kpi_table import KpiTable
from workbench.ui.lifecycle_map import LifeCycleMap
from workbench.ui.priorities import PrioritiesView
from workbench.ui.session import Session


def write_snapshot(workspace, path: str | Path) -> Path:
    """Write the snapshot of ``workspace`` to ``path`` (written beside it first, then moved into place)."""
    path = Path(path)
    extension()
    data = workspace.dataset()
    session = Session(data)
    journeys = [j for j in data.model.journeys.values() if j.state == "current"]
    views = [(html.escape(journey.label), JourneyView(session=Session(data, journey=journey.id)))
             for journey in journeys]
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    layout = pn.Column(
        pn.pane.HTML(f"<h1>{html.escape(data.model.name)}</h1><p>Journey Workbench snapshot, made {made}: "
                     "all contacts, no filters. Open the served dashboard to filter and edit.</p>"),
        pn.Tabs(("Life cycle map", LifeCycleMap(session=session)), ("KPIs by reason", KpiTable(session=session)),
                ("Priorities", PrioritiesView(session=session)), *views, dynamic=False),
        sizing_mode="stretch_width",
    )
    buffer = io.StringIO()
    layout.save(buffer, resources=INLINE, title=f"{data.model.name} — Journey Workbench", embed=False)
    with atomic_path(path) as tmp:
        tmp.write_text(inline_stylesheets(buffer.getvalue()), encoding="utf-8")
    return path


_PANEL_DIST = Path(pn.__file__).parent / "dist"
_CDN_URL = re.compile(r"https://cdn\.holoviz\.org/panel/[^/]+/dist/([^\"'?\s]+\.(css|png|ico|svg))(\?[^\"'\s]*)?")
_MIME = {"css": "text/css", "png": "image/png", "ico": "image/x-icon", "svg": "image/svg+xml"}


def inline_stylesheets(page: str) -> str:
    """Replace Panel's links to its CDN (stylesheets, icons) by data: URLs of the files shipped with Panel.

    Panel inlines its JavaScript in a saved page but still links component stylesheets to its CDN; a
    reader without internet would see unstyled widgets.
    """
    def to_data(match: re.Match) -> str:
        local = _PANEL_DIST / match.group(1)
        if not local.is_file():
            return match.group(0)
        return f"data:{_MIME[match.group(2)]};base64," + base64.b64encode(local.read_bytes()).decode("ascii")

    return _CDN_URL.sub(to_data, page)
