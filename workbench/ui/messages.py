"""The outcome of the last save (or why it was refused), shown where the user acted."""

from __future__ import annotations

import html

import panel as pn

from workbench.ui.session import Session


def message_alert(session: Session) -> pn.pane.Alert:
    """An alert that shows ``session.message`` (escaped): green when saved, amber otherwise; hidden when empty."""
    alert = pn.pane.Alert("", alert_type="info", visible=False, sizing_mode="stretch_width",
                          css_classes=["wb-message"])

    def show(*_events) -> None:
        text = session.message
        alert.object = html.escape(text)
        alert.alert_type = "success" if text.startswith("Saved") else "warning"
        alert.visible = bool(text)

    session.param.watch(show, "message")
    return alert
