"""One user's session: what they chose (the Selection), the figures (the Dataset of the current model),
whether they may edit, and the one place where edits are saved.

Every save goes through :meth:`Session.save` (a model change) or :meth:`Session.save_setting` (a setting):
revision-checked, in one transaction; a conflict or an invalid change is reported in ``message`` and the
model reloaded, nothing is half-written. After a save ``data`` is replaced by the new model's Dataset,
and every view depending on ``session.data`` redraws.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import param
import polars as pl
from sqlalchemy.exc import SQLAlchemyError

from workbench.dataset import Dataset
from workbench.errors import ConflictError, InputError, StorageError
from workbench.model import Model
from workbench.ui.selection import Selection


class Session(param.Parameterized):
    """A user's view of one workspace (see the module docstring)."""

    selection = param.ClassSelector(class_=Selection, constant=True, doc="What this user chose")
    data = param.ClassSelector(class_=Dataset, doc="The figures, for the current model (replaced after a save)")
    can_edit = param.Boolean(default=False, doc="Whether this session may change the model")
    user = param.String(default=None, allow_None=True, doc="Who signed in (None without login)")
    message = param.String(default="", doc="The last save outcome or problem, for a notification")
    settings_saved = param.Integer(default=0, doc="Counts this session's saved settings (tags, keywords …), "
                                                  "so views drawn from them redraw")

    def __init__(self, data: Dataset, **params: Any):
        selection = params.pop("selection", None) or Selection()
        chosen = {k: params.pop(k) for k in ("reason", "journey", "kpi") if k in params}
        super().__init__(data=data, selection=selection, **params)
        self._refresh_selection()
        selection.param.update(**chosen)

    @classmethod
    def of_workspace(cls, workspace, **params: Any) -> Session:
        """A session on ``workspace``'s data as stored now."""
        return cls(workspace.dataset(), **params)

    @classmethod
    def from_frames(cls, model: Model, events: pl.LazyFrame | pl.DataFrame, **params: Any) -> Session:
        """A session over contact rows held in memory (notebooks, tests); saves stay in memory."""
        return cls(Dataset.from_frames(model, events), **params)

    @property
    def model(self) -> Model:
        return self.data.model

    @property
    def workspace(self):
        return self.data.workspace

    @param.depends("data", watch=True)
    def _refresh_selection(self) -> None:
        data = self.data
        self.selection.refresh(data.model, months=data.months(),
                               dimensions={d: data.dimension_values(d) for d in data.extra_dimensions})

    # -- editing ------------------------------------------------------------------------------------
    def save(self, new: Model, *, base: Model | None = None, what: str = "change") -> bool:
        """Commit ``new`` (based on ``base``, default the current model); True when saved.

        A conflict or an invalid model leaves the store as it was, reloads the model and says why in
        ``message``; a store that cannot be written says so and keeps the session as it was.
        """
        if not self._may_edit():
            return False
        base = base or self.model
        if self.workspace is None:  # rows held in memory: the change lives in this session only
            if problems := new.problems():
                self.message = "Not saved: " + "; ".join(problems)
                return False
            self.data = self.data.with_model(new)
            self.message = f"Saved: {what}."
            return True
        try:
            saved = self.workspace.commit(new, base=base)
        except (ConflictError, InputError) as exc:
            self.message = f"Not saved: {exc}"
            self.reload()
            return False
        except (StorageError, SQLAlchemyError) as exc:
            detail = getattr(exc, "orig", None) or exc
            self.message = f"Not saved: the store could not be written ({detail}); try again in a moment."
            return False
        self.data = self.data.with_model(saved)
        self.message = f"Saved: {what}."
        return True

    def save_setting(self, write: Callable[[], int], what: str) -> int | None:
        """Run a revision-checked setting write (see :mod:`workbench.settings`); its new revision, or None
        when refused (read-only session, or someone else saved meanwhile: ``message`` says so)."""
        if not self._may_edit():
            return None
        try:
            revision = write()
        except ConflictError as exc:
            self.message = f"Not saved: {exc}"
            return None
        except (StorageError, SQLAlchemyError) as exc:
            self.message = f"Not saved: the store could not be written ({exc}); try again in a moment."
            return None
        self.message = f"Saved: {what}."
        self.settings_saved += 1
        return revision

    def reload(self) -> None:
        """Read the model from the store again (after someone else's change)."""
        if self.workspace is not None:
            self.data = self.data.with_model(self.workspace.load())

    def behind(self) -> bool:
        """Whether someone saved since this session's model was loaded or saved: one cheap read of the
        store's revisions (see :meth:`~workbench.store.Store.revision`); False without a store."""
        if self.workspace is None:
            return False
        from workbench.store.store import revision_of

        return self.workspace.store.revision() != revision_of(self.model)

    def catch_up(self) -> bool:
        """Reload when someone else saved meanwhile (see :meth:`behind`); True when the model was reloaded.
        A store that cannot be read now is left for the next try."""
        try:
            if not self.behind():
                return False
        except StorageError:
            return False
        self.reload()
        return True

    def _may_edit(self) -> bool:
        if not self.can_edit:
            self.message = "This session is read-only: sign in as an editor to change the model."
        return self.can_edit
