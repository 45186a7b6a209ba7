"""The dashboard: a page per step of the method, the global filters, and who may edit.

``build_app(workspace, can_edit=...)`` makes one session's dashboard; ``workbench serve`` (see
``workbench.server``) serves it with login and roles. In a notebook, ``build_app(ws).servable()``.
Every session gets its own :class:`~workbench.ui.session.Session` (what that user chose) over the
workspace's Dataset, whose figures every session of the process shares.
"""

from __future__ import annotations

import html
import queue
import threading
import time
from collections.abc import Callable
from functools import partial

import panel as pn
import polars as pl
from panel.theme.fast import Fast

from workbench.ui.background import Background, with_doc
from workbench.ui.exports import export_buttons
from workbench.ui.lifecycle_map import LifeCycleMap
from workbench.ui.session import Session

ACCENT = "#2c5d8f"
HOME = "Home"
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
        params.setdefault("theme_toggle", False)  # the dark theme is not readable (white on light grey)
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
        HOME: lambda: _home_page(session),
        STEPS[0]: lambda: _frame_page(session),
        STEPS[1]: lambda: _journey_page(session),
        STEPS[2]: lambda: _link_page(session),
        STEPS[3]: lambda: lazy_tabs({"KPIs": lambda: _measure_page(session),
                                     "Segments": lambda: _segments_page(session),
                                     "Listening path": lambda: _listening_page(session),
                                     "Review queue": lambda: _review_page(session)}),
        STEPS[4]: lambda: lazy_tabs({"Priorities": lambda: _priorities_page(session),
                                     "Improvement agenda": lambda: _agenda_page(session),
                                     "Impact": lambda: _impact_page(session),
                                     "Actual journeys": lambda: _flow_page(session)}),
        STEPS[5]: lambda: _publish_page(session),
    }
    who = f"{html.escape(session.user)} · " if session.user else ""
    role = "editor" if session.can_edit else "viewer (read-only)"

    def content() -> tuple[list, list]:
        tabs = lazy_tabs(pages, css_classes=["wb-steps"])
        return ([_filters(session), pn.pane.HTML(f"<small>{who}{role}</small>", css_classes=["wb-role"])],
                [tabs])

    sidebar, main = pn.Column(sizing_mode="stretch_width"), pn.Column(sizing_mode="stretch_width")
    doc = pn.state.curdoc
    if doc is not None and doc.session_context is not None:
        main.objects = [pn.indicators.LoadingSpinner(value=True, size=48, name="Loading the dashboard …",
                                                     css_classes=["wb-loading"])]
        _placer(doc, sidebar, main, content)
    else:
        sidebar.objects, main.objects = content()
    return Template(title=f"Journey Workbench — {session.model.name}", accent=ACCENT, header_background=ACCENT,
                    sidebar=[sidebar], main=[main], sidebar_width=260)


def _placer(doc, sidebar: pn.Column, main: pn.Column, content: Callable[[], tuple[list, list]]) -> None:
    """Has the pages built once the browser has drawn the shell (a change sent before the browser said it was
    ready can be lost, and building while this session's page is still being rendered could link Panel's
    stylesheets to its CDN), and puts them in for up to ``FIRST_PAINTS_FIRST`` seconds only when no other
    new session is still waiting for its first paint (placing pages is the event loop's heaviest work)."""
    waiting: dict[str, object] = {"loaded": False, "content": None, "since": None}
    FILLER.unready += 1
    FILLER.touch()

    def place() -> None:
        if waiting["content"] is None:
            return
        waiting["since"] = waiting["since"] or time.monotonic()
        if FILLER.unready > 0 and time.monotonic() - waiting["since"] < FIRST_PAINTS_FIRST:
            doc.add_timeout_callback(place, 100)
            return
        sidebar.objects, main.objects = waiting["content"]
        waiting["content"] = None

    def ready() -> bool:
        if waiting["loaded"]:
            return False
        waiting["loaded"] = True
        FILLER.unready -= 1
        return True

    def arrive(built: tuple[list, list]) -> None:
        waiting["content"] = built
        place()

    def loaded() -> None:
        if ready():
            FILLER.submit(doc, content, arrive)

    pn.state.onload(loaded)
    doc.on_session_destroyed(lambda _context: ready())


FIRST_PAINTS_FIRST = 5.0  # seconds a session's pages may wait for other sessions' first paint


class SessionFiller:
    """Builds served sessions' pages one at a time in one worker thread, once sessions stop arriving.

    A new session's document is only the page shell and a loading indicator, so when many people open
    the dashboard at once every one of them sees it at once; the pages (the sidebar's filters, the tabs,
    the home page) follow in arrival order and are placed into each document on its own event-loop turn.
    One thread keeps the event loop, which every session shares, free to answer.
    """

    def __init__(self, quiet: float = 0.2):
        self.quiet = quiet
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._last = 0.0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.unready = 0  # sessions whose browser has not drawn their first document yet (event loop only)

    def touch(self) -> None:
        """A session is arriving: its page is being rendered now, so build nothing for a moment."""
        self._last = time.monotonic()

    def submit(self, doc, build: Callable[[], object], place: Callable[[object], None]) -> None:
        self.touch()
        self._jobs.put((doc, build, place))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="workbench-sessions", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        while True:
            doc, build, place = self._jobs.get()
            while (wait := self.quiet - (time.monotonic() - self._last)) > 0:
                time.sleep(wait)  # sessions are still arriving: let their first paint go first
            if doc.session_context is None or doc.session_context.destroyed:
                continue  # the visitor left before the pages were built
            try:
                built = with_doc(doc, build)
            except Exception as exc:  # noqa: BLE001 - shown in the page instead of a spinner forever
                built = ([], [pn.pane.Alert(html.escape(f"The dashboard could not be built: {exc}"),
                                            alert_type="danger")])
            try:
                doc.add_next_tick_callback(partial(place, built))
            except Exception:  # noqa: BLE001 - the session closed meanwhile
                pass


FILLER = SessionFiller()


def warm_up(workspace) -> None:
    """Before the first visitor: compute what the first page shows (KPI cube, months, the map's figures)
    and build one dashboard, so the first real session finds every import done and every figure cached.
    What later pages need is prepared afterwards by :func:`warm_later`."""
    from bokeh.document import Document

    session = Session.of_workspace(workspace)
    if problem := session.data.cache_problem:
        print(f"note: {problem}", flush=True)
    template = build_app(session=session)
    pn.Column(*template.sidebar, *template.main).get_root(Document())
    # the pages' modules and HoloViews, imported here, before anyone connects: imported later by two threads
    # at once (a page being built, the background warm-up) HoloViews failed half-initialised, and while it
    # loads Panel may link the stylesheets of components built meanwhile to its CDN
    from workbench.ui import agenda, impact_explorer, journey_flow, reason_detail  # noqa: F401


def warm_later(workspace, *, after: float = 1.0) -> threading.Thread:
    """In a background thread, once the server is up: compute the slow figures a first click asks for (the
    reason cards' distinct customers under no filter and under each single segment or channel, the mined
    paths at every level, the tagged feedback) into the shared cache."""
    def work() -> None:
        from workbench.dataset import Filters

        time.sleep(after)  # let the server start listening first
        try:
            from workbench.ui.reason_detail import SLOW_KPIS

            data = workspace.dataset()
            for filters in [Filters(), *(Filters(segment=s) for s in data.model.segments),
                            *(Filters(channel=c) for c in data.model.channels)]:
                data.measure(["reason"], list(SLOW_KPIS), filters)
            from workbench.display.flow import LEVELS

            for level in LEVELS:
                data.mine(level, Filters())
            data.feedback()  # fits the text model and tags the comments the listening pages show
        except Exception as exc:  # noqa: BLE001 - warming is an optimisation: a failure is only reported
            print(f"note: preparing figures in the background failed ({exc})", flush=True)

    thread = threading.Thread(target=work, name="workbench-warm", daemon=True)
    thread.start()
    return thread


def lazy_tabs(pages: dict[str, Callable[[], pn.viewable.Viewable]], **options) -> pn.Tabs:
    """Tabs whose pages are built the first time they are shown; the first one at once.

    A page waiting to be built costs one empty column, so a new session builds only what its first
    paint shows. When served, a page is built in a worker thread (its imports, HoloViews' among them,
    and its figures stay off the event loop that every session shares) under a loading indicator.
    """
    holders = {name: pn.Column(sizing_mode="stretch_width", min_height=120) for name in pages}
    tabs = pn.Tabs(*holders.items(), dynamic=True, **options)
    built: set[str] = set()

    def show(event) -> None:
        name = list(pages)[event.new]
        if name in built:
            return
        built.add(name)
        Background().fill(holders[name], pages[name], doing="Building the page …", what="This page")

    tabs.param.watch(show, "active")
    first = next(iter(pages))
    built.add(first)
    holders[first].objects = [pages[first]()]
    return tabs


def _lazy(make) -> pn.param.ParamFunction:
    """A part of a page computed the first time it is shown (inside dynamic tabs)."""
    return pn.param.ParamFunction(make, lazy=True, loading_indicator=True, sizing_mode="stretch_width")


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

    views = pn.Column(
        pn.Row(export_buttons(data, "reasons")),
        lazy_tabs({"Life cycle map": lambda: LifeCycleMap(session=session), "Circle": circle,
                   "Edit the model": editor}), sizing_mode="stretch_width")
    return pn.Column(views, reason_drawer(session, beside=views), sizing_mode="stretch_width")


DRAWER_WIDTH = 620
DRAWER_STYLES = {"position": "fixed", "top": "64px", "right": "0", "height": "calc(100vh - 64px)",
                 "width": f"{DRAWER_WIDTH}px",
                 "overflow-y": "auto", "background": "#fff", "box-shadow": "-4px 0 14px rgba(0,0,0,.18)",
                 "z-index": "1000", "padding": "8px 14px"}


def reason_drawer(session: Session, beside: pn.viewable.Viewable | None = None) -> pn.Column:
    """The selected reason's detail in a drawer at the right edge of the window: it opens where the user
    is looking (not below the map), and the detail view is built the first time a reason is picked.
    While it is open, ``beside`` (the map) makes room for it, so no tile hides under it."""
    close = pn.widgets.Button(name="✕ Close", color="light", width=90, css_classes=["wb-drawer-close"])
    body = pn.Column(sizing_mode="stretch_width")
    drawer = pn.Column(close, body, visible=False, styles=DRAWER_STYLES, css_classes=["wb-reason-drawer"])

    def follow(*_events) -> None:
        reason = session.selection.reason
        if reason is not None and not body.objects:
            from workbench.ui.reason_detail import ReasonDetail

            body.objects = [ReasonDetail(session=session)]
        drawer.visible = reason is not None
        if beside is not None:
            beside.styles = {"padding-right": f"{DRAWER_WIDTH}px"} if drawer.visible else {}

    session.selection.param.watch(follow, "reason")
    close.on_click(lambda _event: setattr(session.selection, "reason", None))
    follow()
    return drawer


def _home_page(session: Session):
    from workbench.ui.home import HomePage

    return HomePage(session=session)


def _journey_page(session: Session):
    from workbench.ui.journey_view import journey_page

    return journey_page(session)


def _link_page(session: Session):
    from workbench.ui.link_editor import LinkEditor

    return LinkEditor(session=session)


def _measure_page(session: Session):
    from workbench.ui.measure import MeasurePage

    return MeasurePage(session=session)


def _segments_page(session: Session):
    from workbench.ui.segments import SegmentCards

    return SegmentCards(session=session)


def _listening_page(session: Session):
    from workbench.ui.listening import listening_page

    return listening_page(session)


def _review_page(session: Session):
    from workbench.ui.review_queue import review_page

    return review_page(session)


def _priorities_page(session: Session):
    from workbench.ui.priorities import PrioritiesView

    return PrioritiesView(session=session)


def _agenda_page(session: Session):
    from workbench.ui.agenda import AgendaView

    return AgendaView(session=session)


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

    def snapshot():
        import io
        import tempfile
        from pathlib import Path

        from workbench.snapshot import write_snapshot

        with tempfile.TemporaryDirectory() as folder:
            return io.BytesIO(write_snapshot(session.data.workspace, Path(folder) / "snapshot.html").read_bytes())

    name = html.escape(session.model.name)
    downloads = [pn.widgets.FileDownload(callback=model_workbook, filename="workspace.xlsx",
                                         label="⬇ Download model (Excel)", color="primary", width=240,
                                         css_classes=["wb-download-model"])]
    if session.data.workspace is not None:
        downloads.insert(0, pn.widgets.FileDownload(
            callback=snapshot, filename="snapshot.html", label="⬇ Download snapshot (HTML)", color="primary",
            width=260, css_classes=["wb-download-snapshot"]))
    return pn.Column(
        pn.pane.Markdown(
            f"## Share *{name}*\n"
            "- **Colleagues who only read**: the snapshot below is one self-contained page (no server, no "
            "internet needed) of the main views, all contacts, no filters; `workbench export WORKSPACE --html "
            "snapshot.html` writes the same.\n"
            "- **A team dashboard**: `workbench serve WORKSPACE --users users.yaml --address 0.0.0.0` "
            "with a users file of editors and viewers (`workbench users add users.yaml NAME --role editor`).\n"
            "- **Spreadsheets**: every page has CSV and Excel downloads of its data; the whole model as a "
            "workbook below.", renderer_options={"html": False}),
        pn.Row(*downloads),
    )
