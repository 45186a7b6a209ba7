"""Slow parts of a served page: computed in a worker thread, shown on the document's own turn.

When served, :class:`Background` waits until the browser has drawn the document, computes in one of a few
worker threads (as if for that document, so Panel links its stylesheets to this server), then shows the
result in a callback that holds the document's lock. Both matter: a change made by an unlocked callback
(Panel's ``async`` callbacks and generators) before the browser has drawn the document is dropped by Bokeh
with an error, and a change made from a worker thread is not sent at all. Only the latest request of one
Background is shown, so a slow answer to an earlier choice never replaces the answer to the current one.
In a notebook or a script there is no server: the part is computed and shown at once.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import panel as pn

log = logging.getLogger(__name__)
POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="workbench-page")


def served_doc():
    """The current Bokeh document when it belongs to a served session, else None."""
    doc = pn.state.curdoc
    return doc if doc is not None and doc.session_context is not None else None


def with_doc(doc, make: Callable[[], Any]) -> Any:
    """``make()`` as if for ``doc`` (as ``pn.state.execute(schedule="thread")`` does): run in a worker thread,
    Panel then links stylesheets to this server rather than to its CDN."""
    from panel.io.state import set_curdoc

    with set_curdoc(doc):
        return make()


def failure(exc: BaseException, what: str = "This part of the page") -> pn.pane.Alert:
    """What is shown instead of a spinner forever when computing failed."""
    return pn.pane.Alert(html.escape(f"{what} could not be shown: {exc}"), alert_type="danger")


def computing(text: str) -> pn.Row:
    """A spinner and what is being computed (``text`` is HTML, user parts escaped by the caller)."""
    return pn.Row(pn.indicators.LoadingSpinner(value=True, size=28, margin=(8, 10)),
                  pn.pane.HTML(f"<i>{text}</i>", margin=(14, 0)), sizing_mode="stretch_width",
                  css_classes=["wb-computing"])


class Background:
    """Runs ``compute`` off the event loop and ``show(result)`` on it (see the module docstring)."""

    def __init__(self) -> None:
        self._latest = 0

    def run(self, compute: Callable[[], Any], show: Callable[[Any], None],
            failed: Callable[[BaseException], None] | None = None) -> None:
        """Compute and show; ``failed(exc)`` (default: logged) when ``compute`` raised."""
        self._latest += 1
        ticket = self._latest
        doc = served_doc()
        if doc is None:
            try:
                result = compute()
            except Exception as exc:
                if failed is None:
                    raise
                failed(exc)
                return
            show(result)
            return

        def shown(outcome: tuple[bool, Any]) -> None:
            if ticket != self._latest:
                return  # a later request will show its own answer
            ok, value = outcome
            if ok:
                show(value)
            elif failed is not None:
                failed(value)
            else:
                log.error("a page part could not be computed", exc_info=value)

        def work() -> None:
            if ticket != self._latest or doc.session_context is None or doc.session_context.destroyed:
                return
            try:
                outcome = (True, with_doc(doc, compute))
            except Exception as exc:  # noqa: BLE001 - handed to ``failed`` on the document's turn
                outcome = (False, exc)
            try:
                doc.add_next_tick_callback(partial(shown, outcome))
            except Exception:  # noqa: BLE001 - the session closed meanwhile
                pass

        pn.state.onload(lambda: POOL.submit(work))

    def fill(self, holder: pn.Column, compute: Callable[[], Any], view: Callable[[Any], Any] | None = None, *,
             doing: str, what: str = "This part of the page") -> None:
        """Put ``compute()`` into ``holder`` (through ``view`` on the event loop, when given: figures computed in
        the thread, drawn on the loop); when served, a spinner saying ``doing`` (HTML) first."""
        if served_doc() is not None:
            holder.objects = [computing(doing)]

        def failed(exc: BaseException) -> None:
            holder.objects = [failure(exc, what)]

        def show(result: Any) -> None:
            try:
                holder.objects = [view(result) if view is not None else result]
            except Exception as exc:  # noqa: BLE001 - said in the page instead of a spinner forever
                log.exception("a page part could not be drawn")
                failed(exc)

        self.run(compute, show, failed=failed)
