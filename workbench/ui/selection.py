"""What one user looks at: the period, segment, channel (and any declared extra dimension), the KPI,
the contact reason and the journey. Labels are the selectors' names, ids their values.

A Selection knows nothing of data: :meth:`Selection.refresh` gives it the model's entities and the
months and dimension values there are; views depend on ``selection.filter`` (one value for every
filter) and ask the Dataset.
Every journey chooser is ``pn.widgets.Select.from_param(selection.param.journey)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import param

from workbench.dataset import Filters
from workbench.display.choices import choices
from workbench.metrics import CATALOGUE
from workbench.model import Model

ALL = "all"
FILTERS = ("period", "segment", "channel")


class Selection(param.Parameterized):
    """One user's choices: filters, KPI, reason and journey (see the module docstring)."""

    period = param.Selector(default=ALL, objects={"All months": ALL}, doc="A month (YYYY-MM) or all")
    segment = param.Selector(default=ALL, objects={"All segments": ALL}, doc="A segment id or all")
    channel = param.Selector(default=ALL, objects={"All channels": ALL}, doc="A channel id or all")
    kpi = param.Selector(default="volume", objects={d.label: k for k, d in CATALOGUE.items()},
                         doc="The KPI that colours maps and tiles")
    reason = param.Selector(default=None, objects={}, allow_None=True, doc="The selected contact reason id")
    journey = param.Selector(default=None, objects={}, allow_None=True,
                             doc="The selected journey id; current and future versions are two entries")
    filter = param.ClassSelector(class_=Filters, default=Filters(), doc="""
        The chosen filters as one value (kept in step with period, segment, channel and the extra
        dimensions): views that show filtered figures depend on this one parameter""")

    def __init__(self, **params):
        super().__init__(**params)
        self.dimensions: tuple[str, ...] = ()
        self.param.watch(self._update_filter, list(FILTERS))
        self._update_filter()

    def _update_filter(self, *_events) -> None:
        self.filter = self.filters()

    def refresh(self, model: Model, *, months: Sequence[str] = (),
                dimensions: Mapping[str, Sequence[str]] | None = None) -> None:
        """Set every selector's choices from ``model``, the data's months and the extra dimensions' values;
        a choice that no longer exists falls back to all (or the first journey)."""
        self._set("period", {"All months": ALL, **{m: m for m in months}}, ALL)
        self._set("segment", {"All segments": ALL, **choices(model, "segment")}, ALL)
        self._set("channel", {"All channels": ALL, **choices(model, "channel")}, ALL)
        self._set("reason", choices(model, "reason"), None)
        journeys = choices(model, "journey")
        self._set("journey", journeys, next(iter(journeys.values()), None))
        if self.journey is None and journeys:
            self.journey = next(iter(journeys.values()))
        for name, values in (dimensions or {}).items():
            if name not in self.param:
                self.param.add_parameter(name, param.Selector(default=ALL, objects={f"All ({name})": ALL},
                                                              doc=f"A {name} or all"))
                self.param.watch(self._update_filter, name)
            self._set(name, {f"All ({name})": ALL, **{str(v): str(v) for v in values}}, ALL)
        self.dimensions = tuple(dict.fromkeys([*self.dimensions, *(dimensions or {})]))
        self._update_filter()

    def _set(self, name: str, objects: dict, fallback) -> None:
        parameter = self.param[name]
        parameter.objects = objects
        if getattr(self, name) not in objects.values() and getattr(self, name) is not None:
            setattr(self, name, fallback)

    def filters(self) -> Filters:
        """The chosen filters (``all`` left out) for the Dataset."""
        def chosen(name: str) -> str | None:
            value = getattr(self, name)
            return None if value == ALL else value

        extra = tuple((d, getattr(self, d)) for d in self.dimensions if getattr(self, d) != ALL)
        return Filters(period=chosen("period"), segment=chosen("segment"), channel=chosen("channel"), extra=extra)

    def kpi_label(self, kpi: str | None = None) -> str:
        return CATALOGUE[kpi or self.kpi].label
