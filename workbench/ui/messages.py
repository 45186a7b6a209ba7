"""The outcome of the last save (or why it was refused), shown where the user acted."""

from __future__ import annotations

import html

import panel as pn

from workbench.ui.state import WorkbenchState


def message_alert(state: WorkbenchState) -> pn.pane.Alert:
    """An alert that shows ``state.message`` (escaped): green when saved, amber otherwise; hidden when empty."""
    alert = pn.pane.Alert("", alert_type="info", visible=False, sizing_mode="stretch_width",
                          css_classes=["wb-message"])

    def show(*_events) -> None:
        text = state.message
        alert.object = html.escape(text)
        alert.alert_type = "success" if text.startswith("Saved") else "warning"
        alert.visible = bool(text)

    state.param.watch(show, "message")
    return alert
