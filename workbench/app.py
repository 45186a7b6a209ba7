"""The dashboard: a page per step of the method, the global filters, and who may edit.

``build_app(workspace, can_edit=...)`` makes one session's dashboard; ``workbench serve`` (see
``workbench.server``) serves it with login and roles. In a notebook, ``build_app(ws).servable()``.
"""

from __future__ import annotations

import html
import importlib

import panel as pn
import polars as pl

from workbench.metrics import CATALOGUE
from workbench.metrics.cube import Cube, workspace_cube
from workbench.metrics.model_dims import dimensions
from workbench.ui.exports import export_buttons
from workbench.ui.lifecycle_map import LifeCycleMap
from workbench.ui.messages import message_alert
from workbench.ui.reason_detail import ReasonDetail
from workbench.ui.state import WorkbenchState

ACCENT = "#2c5d8f"
STEPS = ("1 Frame", "2 Map", "3 Link", "4 Measure", "5 Prioritise", "6 Publish")
_DATA: dict[str, tuple[pl.LazyFrame, Cube]] = {}

pn.extension("tabulator", notifications=True, loading_indicator=True, sizing_mode="stretch_width")


def shared_data(workspace) -> tuple[pl.LazyFrame, Cube]:
    """The workspace's contact data (lazy) and its KPI cube, made once per process for every session.

    The cube comes from the workspace's cache when its inputs did not change, so a restarted server
    paints its first page without reading the contacts again.
    """
    model = workspace.load()
    key = f"{workspace.path}@{model.revision}"  # a framework change (a merge …) gives new sessions new data
    if key not in _DATA:
        from workbench.sources.registry import contacts

        events = contacts(workspace.store, workspace.path, model, check=False).frame
        for old in [k for k in _DATA if k.startswith(f"{workspace.path}@")]:
            del _DATA[old]
        _DATA[key] = events, workspace_cube(workspace, events, dimensions(model))
    return _DATA[key]


def build_app(workspace=None, *, state: WorkbenchState | None = None, can_edit: bool = False,
              user: str | None = None) -> pn.template.FastListTemplate:
    """One session's dashboard over ``workspace`` (or over a ready ``state``)."""
    if state is None:
        events, cube = shared_data(workspace)
        state = WorkbenchState(workspace, events=events, cube=cube, can_edit=can_edit, events_from_workspace=True)
    pages = {
        STEPS[0]: _frame_page(state),
        STEPS[1]: _view("journey_view.JourneyView", state, width=1000),
        STEPS[2]: _view("link_editor.LinkEditor", state),
        STEPS[3]: _view("kpi_table.KpiTable", state),
        STEPS[4]: pn.Tabs(("Priorities", _view("priorities.PrioritiesView", state)),
                          ("Impact", _view("impact_explorer.ImpactExplorer", state)),
                          ("Actual journeys", _view("journey_flow.JourneyFlow", state)), dynamic=True),
        STEPS[5]: _lazy(lambda: _publish_page(state)),
    }
    tabs = pn.Tabs(*pages.items(), dynamic=True, css_classes=["wb-steps"])
    who = f"{html.escape(user)} · " if user else ""
    role = "editor" if state.can_edit else "viewer (read-only)"
    template = pn.template.FastListTemplate(
        title=f"Journey Workbench — {state.model.name}", accent=ACCENT, header_background=ACCENT,
        sidebar=[_filters(state), pn.pane.HTML(f"<small>{who}{role}</small>", css_classes=["wb-role"])],
        main=[pn.Column(message_alert(state), tabs, sizing_mode="stretch_width")], sidebar_width=260,
    )
    return template


def _lazy(make) -> pn.param.ParamFunction:
    """A page built the first time it is shown (tabs are dynamic), so the first paint waits for no other."""
    return pn.param.ParamFunction(make, lazy=True, sizing_mode="stretch_width")


def _view(name: str, state: WorkbenchState, **options) -> pn.param.ParamFunction:
    """The component ``module.Class`` of ``workbench.ui``, imported and built when its page is first shown.

    Most pages draw with HoloViews, whose import alone takes seconds: the first page does not wait for it.
    """
    def make():
        module, cls = name.rsplit(".", 1)
        return getattr(importlib.import_module(f"workbench.ui.{module}"), cls)(state=state, **options)

    return _lazy(make)


def _filters(state: WorkbenchState) -> pn.Column:
    kpis = {CATALOGUE[k].label: k for k in state.param.kpi.objects}
    return pn.Column(
        pn.pane.Markdown("### Filters"),
        pn.widgets.Select.from_param(state.param.period, name="Period", css_classes=["wb-filter-period"]),
        pn.widgets.Select.from_param(state.param.segment, name="Segment", css_classes=["wb-filter-segment"]),
        pn.widgets.Select.from_param(state.param.channel, name="Channel", css_classes=["wb-filter-channel"]),
        _kpi_select(state, kpis),
    )


def _kpi_select(state: WorkbenchState, options: dict[str, str]) -> pn.widgets.Select:
    select = pn.widgets.Select(name="KPI", options=options, value=state.kpi, css_classes=["wb-filter-kpi"])
    select.link(state, value="kpi", bidirectional=True)
    return select


def _frame_page(state: WorkbenchState) -> pn.Column:
    def data() -> pl.DataFrame:
        from workbench.metrics.labels import with_labels

        return with_labels(state.measure(["reason"]), state.model)

    return pn.Column(
        pn.Row(export_buttons(data, "reasons")),
        pn.Tabs(("Life cycle map", LifeCycleMap(state=state)), ("Circle", _view("circular.CircularView", state)),
                ("Edit the model", _view("model_editor.ModelEditor", state)), dynamic=True),
        ReasonDetail(state=state),
    )


def _publish_page(state: WorkbenchState) -> pn.Column:
    def model_workbook():
        import io
        import tempfile
        from pathlib import Path

        from workbench.interchange import write_excel

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "workspace.xlsx"
            write_excel(state.model, path)
            return io.BytesIO(path.read_bytes())

    name = html.escape(state.model.name)
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
