"""The base of every view: it draws what ``session.data`` says about what ``session.selection`` chose.

A view depends on ``selection.<choice>`` (``selection.filter`` for every filter at once) and on
``session.data`` (a new Dataset after every save), computes nothing itself and knows no other view.
"""

from __future__ import annotations

import panel as pn
import param

from workbench.dataset import Dataset
from workbench.model import Model
from workbench.ui.selection import Selection
from workbench.ui.session import Session


class View(pn.viewable.Viewer):
    """A Panel component over one session (see the module docstring)."""

    session = param.ClassSelector(class_=Session, doc="Whose view this is: data, choices, permissions")
    selection = param.ClassSelector(class_=Selection, doc="The session's selection (set from the session)")

    def __init__(self, **params):
        if params.get("selection") is None and params.get("session") is not None:
            params["selection"] = params["session"].selection
        super().__init__(**params)

    @property
    def data(self) -> Dataset:
        return self.session.data

    @property
    def model(self) -> Model:
        return self.session.data.model
