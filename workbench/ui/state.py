"""What every view shares: the workspace, its model and contact data, the global filters and the KPI.

The state knows nothing of layouts; views depend on its parameters and ask it for figures. Saving goes
through the store, revision-checked; a conflict is reported in ``message`` and the model reloaded.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from typing import Any

import param
import polars as pl
from sqlalchemy.exc import SQLAlchemyError

from workbench.metrics import CATALOGUE, measure
from workbench.metrics.cube import CUBE_KPIS, Cube
from workbench.metrics.model_dims import dimensions
from workbench.model import Model, ModelError
from workbench.sources.canonical import empty_contacts
from workbench.store import ConflictError

ALL = "all"
_MONTH = "_wb_month"  # a helper column: the period filter of the events path
_CACHE_SIZE = 64


class WorkbenchState(param.Parameterized):
    """The workspace, the global filters (period, segment, channel) and the chosen KPI."""

    period = param.Selector(default=ALL, objects=[ALL], doc="A month (YYYY-MM) or all")
    segment = param.Selector(default=ALL, objects=[ALL])
    channel = param.Selector(default=ALL, objects=[ALL])
    kpi = param.Selector(default="volume", objects=list(CATALOGUE))
    reason = param.String(default=None, allow_None=True, doc="The selected contact reason")
    journey = param.String(default=None, allow_None=True, doc="The selected journey")
    can_edit = param.Boolean(default=False, doc="Whether this session may change the model")
    message = param.String(default="", doc="The last save outcome or problem, for a notification")
    model = param.Parameter(doc="The current Model (replaced, never mutated, after each save)")

    def __init__(self, workspace=None, *, model: Model | None = None, events: pl.LazyFrame | None = None,
                 cube: Cube | None = None, events_from_workspace: bool | None = None, **params: Any):
        self.workspace = workspace
        model = model if model is not None else workspace.load()
        super().__init__(model=model, **params)
        # whether the events are the workspace's own (read again after reasons change) or given by a caller
        self._from_workspace = events is None if events_from_workspace is None else events_from_workspace
        self._events = (events if events is not None else _workspace_events(workspace, model)).lazy()
        self._cache: OrderedDict[tuple, pl.DataFrame] = OrderedDict()
        self._dims = dimensions(model)
        self._cube = cube
        if cube is not None:
            months = sorted(m for m in cube.cells["month"].unique().to_list() if m is not None)
        else:
            frame = self._events.select(pl.col("timestamp").dt.strftime("%Y-%m").unique().sort()).collect()
            months = frame.to_series().drop_nulls().to_list()
        self.param.period.objects = [ALL, *months]
        self._refresh_choices()
        if self.journey is None and model.journeys:
            self.journey = next(iter(model.journeys))

    # -- figures ------------------------------------------------------------------------------------
    @property
    def dims(self):
        return self._dims

    def events(self, *, with_filters: bool = True) -> pl.LazyFrame:
        """The contact events, restricted to the chosen period, segment and channel."""
        lf = self._events
        if not with_filters:
            return lf
        if self.period != ALL:
            lf = lf.filter(pl.col("timestamp").dt.strftime("%Y-%m") == self.period)
        if self.segment != ALL:
            lf = lf.filter(pl.col("segment") == self.segment)
        if self.channel != ALL:
            lf = lf.filter(pl.col("channel") == self.channel)
        return lf

    def filters(self) -> dict[str, str]:
        return {k: v for k, v in (("period", self.period), ("segment", self.segment),
                                  ("channel", self.channel)) if v != ALL}

    def measure(self, by: list[str], kpis: list[str] | None = None, *, period: str | None = None,
                with_filters: bool = True) -> pl.DataFrame:
        """KPIs by ``by`` on the filtered events, memoised per filters and model revision."""
        key = (tuple(by), tuple(kpis or ()), period, with_filters and tuple(self.filters().items()),
               self.model_key())
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        frame = self._compute(by, kpis, period, with_filters)
        self._cache[key] = frame
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return frame

    def _compute(self, by: list[str], kpis: list[str] | None, period: str | None, with_filters: bool) -> pl.DataFrame:
        """From the cube when it can answer (fast, exact); the rest from the events."""
        filters = self.filters() if with_filters else {}
        cube_kpis = [k for k in kpis or () if k in CUBE_KPIS]
        if self._cube is None or kpis is None or not self._cube.supports(by, cube_kpis, period, filters):
            return self._from_events(by, kpis, period, filters)
        frame = self._cube.measure(by=by, kpis=cube_kpis, dims=self._dims, period=period,
                                   filters={k: [v] for k, v in filters.items()})
        if rest := [k for k in kpis if k not in cube_kpis]:
            keys = [*by, "period"] if period and "period" not in by else list(by)
            extra = self._from_events(by, rest, period, filters)
            frame = frame.join(extra, on=keys, how="left", nulls_equal=True) if keys else pl.concat(
                [frame, extra], how="horizontal")
        return frame.select(*(c for c in frame.columns if c not in kpis), *kpis)

    def _from_events(self, by: list[str], kpis: list[str] | None, period: str | None,
                     filters: dict[str, str]) -> pl.DataFrame:
        """``measure`` on all events with the filters passed to it, so repeats are marked before filtering
        (a phone contact followed by a chat contact is a repeat, also when only phone is shown)."""
        events = self._events
        if "period" in filters:
            events = events.with_columns(pl.col("timestamp").dt.strftime("%Y-%m").alias(_MONTH))
        named = {(_MONTH if k == "period" else k): [v] for k, v in filters.items()}
        frame = measure(events, by=by, kpis=kpis, period=period, dims=self._dims, filters=named or None)
        return frame.drop(_MONTH, strict=False)

    def model_key(self) -> tuple:
        return (self.model.revision, tuple((j.id, j.revision) for j in self.model.journeys.values()))

    # -- labels -------------------------------------------------------------------------------------
    def label(self, kind: str, id: str | None, *, escape: bool = True) -> str:
        """The label of an entity (escaped for HTML by default); the id if it is unknown."""
        if id is None:
            return "—"
        entity = getattr(self.model, kind).get(id)
        text = entity.label if entity is not None else id
        return html.escape(text) if escape else text

    def kpi_label(self, kpi: str | None = None) -> str:
        return CATALOGUE[kpi or self.kpi].label

    # -- editing ------------------------------------------------------------------------------------
    def save(self, new: Model, *, base: Model | None = None, what: str = "change") -> bool:
        """Commit ``new`` (based on ``base``, default the current model); True when saved.

        A conflict or an invalid model leaves the store as it was, reloads the model and says why in
        ``message``.
        """
        if not self.can_edit:
            self.message = "This session is read-only: sign in as an editor to change the model."
            return False
        try:
            saved = self.workspace.commit(new, base=base or self.model)
        except (ConflictError, ModelError) as exc:
            self.message = f"Not saved: {exc}"
            self.reload()
            return False
        except SQLAlchemyError as exc:  # e.g. the database is locked or gone: say so, keep the session alive
            self.message = f"Not saved: the store could not be written ({exc.__class__.__name__}: {exc.orig}); " \
                           "try again in a moment."
            return False
        self._set_model(saved)
        self.message = f"Saved: {what}."
        return True

    def reload(self) -> None:
        """Read the model from the store again (after someone else's change)."""
        if self.workspace is not None:
            self._set_model(self.workspace.load())

    def _set_model(self, model: Model) -> None:
        dims = dimensions(model)
        if not (dims.reasons.equals(self._dims.reasons) and dims.channels.equals(self._dims.channels)):
            # reasons were merged or removed (the crosswalk followed them) or a channel changed: read the
            # contacts again; the cube was built on the old ones, so the events answer until a restart
            if self.workspace is not None and self._from_workspace:
                self._events = _workspace_events(self.workspace, model)
            self._cube = None
        self._dims = dims
        self._cache.clear()
        self.model = model
        self._refresh_choices()

    def _refresh_choices(self) -> None:
        self.param.segment.objects = [ALL, *self.model.segments]
        self.param.channel.objects = [ALL, *self.model.channels]
        if self.reason is not None and self.reason not in self.model.reasons:
            self.reason = None
        if self.journey is not None and self.journey not in self.model.journeys:
            self.journey = next(iter(self.model.journeys), None)


def _workspace_events(workspace, model: Model) -> pl.LazyFrame:
    """The workspace's contact data (all registered sources, crosswalked); empty if there is none."""
    if workspace is None:
        return empty_contacts().lazy()
    from workbench.sources.registry import contacts

    return contacts(workspace.store, workspace.path, model, check=False).frame
