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

from workbench.metrics import CATALOGUE, measure
from workbench.metrics.cube import CUBE_KPIS, Cube
from workbench.metrics.model_dims import dimensions
from workbench.model import Model, ModelError
from workbench.sources.canonical import empty_contacts
from workbench.store import ConflictError

ALL = "all"
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
                 cube: Cube | None = None, **params: Any):
        self.workspace = workspace
        model = model if model is not None else workspace.load()
        super().__init__(model=model, **params)
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
        if self._cube is None or kpis is None:
            return measure(self.events(with_filters=with_filters), by=by, kpis=kpis, period=period, dims=self._dims)
        from_cube = [k for k in kpis if k in CUBE_KPIS]
        if not self._cube.supports(by, from_cube, period, filters):
            return measure(self.events(with_filters=with_filters), by=by, kpis=kpis, period=period, dims=self._dims)
        cube_filters = {k: [v] for k, v in filters.items()}
        frame = self._cube.measure(by=by, kpis=from_cube, dims=self._dims, period=period, filters=cube_filters)
        rest = [k for k in kpis if k not in from_cube]
        if rest:
            keys = [*by, "period"] if period and "period" not in by else list(by)
            extra = measure(self.events(with_filters=with_filters), by=by, kpis=rest, period=period, dims=self._dims)
            frame = frame.join(extra, on=keys, how="left", nulls_equal=True) if keys else pl.concat(
                [frame, extra], how="horizontal")
        return frame.select(*(c for c in frame.columns if c not in kpis), *kpis)

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
        self._set_model(saved)
        self.message = f"Saved: {what}."
        return True

    def reload(self) -> None:
        """Read the model from the store again (after someone else's change)."""
        if self.workspace is not None:
            self._set_model(self.workspace.load())

    def _set_model(self, model: Model) -> None:
        dims = dimensions(model)
        if self._cube is not None and dims.reasons.equals(self._dims.reasons) is False:
            self._cube = None  # cells were built on other reasons: fall back to the events until rebuilt
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

    return contacts(workspace.store, workspace.path, model).frame
