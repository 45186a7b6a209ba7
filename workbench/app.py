"""The dashboard: a page per step of the method, the global filters, and who may edit.

``build_app(workspace, can_edit=...)`` makes one session's dashboard; ``workbench serve`` (see
``workbench.server``) serves it with login and roles. In a notebook, ``build_app(ws).servable()``.
Every session gets its own :class:`~workbench.ui.session.Session` (what that user chose) over the
workspace's Dataset, whose figures every session of the process shares.
"""

from __future__ import annotations

import html

import panel as pn
import polars as pl
from panel.theme.fast import Fast

from workbench.ui.exports import export_buttons
from workbench.ui.lifecycle_map import LifeCycleMap
from workbench.ui.messages import message_alert
from workbench.ui.reason_detail import ReasonDetail
from workbench.ui.session import Session

ACCENT = "#2c5d8f"
STEPS = ("1 Frame", "2 Map", "3 Link", "4 Measure", "5 Prioritise", "6 Publish")
EXTENSIONS = ("tabulator",)


def extension() -> None:
    """Load Panel's extensions and settings for the dashboard (call before building components)."""
    pn.extension(*EXTENSIONS, notifications=True, loading_indicator=True, sizing_mode="stretch_width")


class OfflineFast(Fast):
    """Panel's Fast design without its web font (Open Sans from fonts.googleapis.com): the dashboard
    requests nothing outside its own server."""

    _resources = {**Fast._resources, "font": {}}


OfflineFast.__name__ = "Fast"  # Panel finds a design's bundled files by its class name


class Template(pn.template.FastListTemplate):
    """Panel's FastListTemplate with the title escaped where the page template puts it raw (the header's
    ``<a class="title">`` and ``<meta name="name">``), and no font fetched from the internet."""

    def __init__(self, **params):
        params.setdefault("font", "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif")
        params.setdefault("font_url", "")
        params.setdefault("design", OfflineFast)
        super().__init__(**params)

    def _update_vars(self, *args) -> None:
        super()._update_vars(*args)
        for key in ("app_title", "meta_name", "site_title", "meta_description", "meta_author", "meta_keywords"):
            value = self._render_variables.get(key)
            if isinstance(value, str):
                self._render_variables[key] = html.escape(value, quote=True)


def build_app(workspace=None, *, session: Session | None = None, can_edit: bool = False,
              user: str | None = None) -> Template:
    """One session's dashboard over ``workspace`` (or over a ready ``session``)."""
    extension()
    if session is None:
        session = Session.of_workspace(workspace, can_edit=can_edit, user=user)
    pages = {
        STEPS[0]: _frame_page(session),
        STEPS[1]: _lazy(lambda: _journey_page(session)),
        STEPS[2]: _lazy(lambda: _link_page(session)),
        STEPS[3]: _lazy(lambda: _measure_page(session)),
        STEPS[4]: pn.Tabs(("Priorities", _lazy(lambda: _priorities_page(session))),
                          ("Impact", _lazy(lambda: _impact_page(session))),
                          ("Actual journeys", _lazy(lambda: _flow_page(session))), dynamic=True),
        STEPS[5]: _lazy(lambda: _publish_page(session)),
    }
    tabs = pn.Tabs(*pages.items(), dynamic=True, css_classes=["wb-steps"])
    who = f"{html.escape(session.user)} · " if session.user else ""
    role = "editor" if session.can_edit else "viewer (read-only)"
    return Template(
        title=f"Journey Workbench — {session.model.name}", accent=ACCENT, header_background=ACCENT,
        sidebar=[_filters(session), pn.pane.HTML(f"<small>{who}{role}</small>", css_classes=["wb-role"])],
        main=[pn.Column(message_alert(session), tabs, sizing_mode="stretch_width")], sidebar_width=260,
    )


def warm_up(workspace) -> None:
    """Before the first visitor: compute what the first page shows (KPI cube, months, the map's figures)
    and build one dashboard, so the first real session finds every import done and every figure cached."""
    from bokeh.document import Document

    session = Session.of_workspace(workspace)
    if problem := session.data.cache_problem:
        print(f"note: {problem}", flush=True)
    template = build_app(session=session)
    pn.Column(*template.sidebar, *template.main).get_root(Document())


def _lazy(make) -> pn.param.ParamFunction:
    """A page built the first time it is shown (tabs are dynamic), so the first paint waits for no other.

    Most pages draw with HoloViews, whose import alone takes seconds: their modules are imported inside
    the page functions below, when the page is first shown.
    """
    return pn.param.ParamFunction(make, lazy=True, sizing_mode="stretch_width")


def _filters(session: Session) -> pn.Column:
    selection = session.selection
    widgets = [pn.widgets.Select.from_param(selection.param[name], name=name.capitalize(),
                                            css_classes=[f"wb-filter-{name}"])
               for name in ("period", "segment", "channel", *selection.dimensions)]
    kpi = pn.widgets.Select.from_param(selection.param.kpi, name="KPI", css_classes=["wb-filter-kpi"])
    return pn.Column(pn.pane.Markdown("### Filters"), *widgets, kpi)


def _frame_page(session: Session) -> pn.Column:
    def data() -> pl.DataFrame:
        from workbench.metrics.labels import with_labels

        return with_labels(session.data.measure(["reason"], None, session.selection.filter), session.model)

    def circle():
        from workbench.ui.circular import CircularView

        return CircularView(session=session)

    def editor():
        from workbench.ui.model_editor import ModelEditor

        return ModelEditor(session=session)

    return pn.Column(
        pn.Row(export_buttons(data, "reasons")),
        pn.Tabs(("Life cycle map", LifeCycleMap(session=session)), ("Circle", _lazy(circle)),
                ("Edit the model", _lazy(editor)), dynamic=True),
        ReasonDetail(session=session),
    )


def _journey_page(session: Session):
    from workbench.ui.journey_view import JourneyView

    return JourneyView(session=session, width=1000)


def _link_page(session: Session):
    from workbench.ui.link_editor import LinkEditor

    return LinkEditor(session=session)


def _measure_page(session: Session):
    from workbench.ui.kpi_table import KpiTable

    return KpiTable(session=session)


def _priorities_page(session: Session):
    from workbench.ui.priorities import PrioritiesView

    return PrioritiesView(session=session)


def _impact_page(session: Session):
    from workbench.ui.impact_explorer import ImpactExplorer

    return ImpactExplorer(session=session)


def _flow_page(session: Session):
    from workbench.ui.journey_flow import JourneyFlow

    return JourneyFlow(session=session)


def _publish_page(session: Session) -> pn.Column:
    def model_workbook():
        import io
        import tempfile
        from pathlib import Path

        from workbench.interchange import write_excel

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "workspace.xlsx"
            write_excel(session.model, path)
            return io.BytesIO(path.read_bytes())

    name = html.escape(session.model.name)
    return pn.Column(
        pn.pane.Markdown(
            f"## Share *{name}*\n"
            "- **Colleagues who only read**: `workbench export WORKSPACE --html snapshot.html` writes a "
            "self-contained page (no server, no internet needed) of the main views.\n"
            "- **A team dashboard**: `workbench serve WORKSPACE --users users.yaml --address 0.0.0.0` "
            "with a users file of editors and viewers (`workbench users add users.yaml NAME --role editor`).\n"
            "- **Spreadsheets**: every page has CSV and Excel downloads of its data; the whole model as a "
            "workbook below.", renderer_options={"html": False}),
        pn.widgets.FileDownload(callback=model_workbook, filename="workspace.xlsx", label="⬇ The model (Excel)",
                                button_type="primary", width=220, css_classes=["wb-download-model"]),
    )
