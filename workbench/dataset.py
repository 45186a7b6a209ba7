"""The one door to a workspace's data: its contacts, KPI cube and dimensions, and every figure asked of them.

A :class:`Dataset` is bound to one version of the model and one version of the contact data
(``data_key``: the declared sources, the files they name, the crosswalk and the channels). Every figure
goes through one process-wide cache (:data:`workbench.cache.SHARED`) keyed by what it depends on, so
the sessions of a server, a notebook and the command line share the work. After a save the session
asks :meth:`Dataset.with_model` for the new model's dataset: unchanged data stays cached.

``metrics/`` and ``analysis/`` stay pure functions over frames; this module only chooses the fastest
exact path (the KPI cube when it can answer, the events otherwise) and remembers the answers. No Panel.

>>> from workbench.model import Model, Stage, Phase, ContactReason, Channel
>>> import polars as pl, datetime as dt
>>> m = Model().add(Stage("s", "S"), Phase("p", "s", "P"), ContactReason("r", "p", "I pay"),
...                 Channel("app", "App", True))
>>> days = [dt.datetime(2026, 1, d, tzinfo=dt.UTC) for d in (2, 4)]   # the same customer again 2 days later
>>> events = pl.DataFrame({"customer_id": ["a", "a"], "timestamp": days, "channel": ["app", "app"],
...                        "reason": ["r", "r"]})
>>> Dataset.from_frames(m, events).measure(["stage"], ["volume", "repeat_rate"]).rows()
[('s', 2, 0.5)]
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import polars as pl

from workbench.analysis.conformance import conformance
from workbench.analysis.conformance_summary import Checked, split_conformance
from workbench.analysis.coverage import Coverage, coverage
from workbench.analysis.event_log import event_log
from workbench.analysis.impact import Impact, impact
from workbench.analysis.mining import OrderedLog, directly_follows, order_events
from workbench.analysis.monitor import MONTHLY_KPIS, Check, check_effect
from workbench.analysis.overview import (
    HEADLINE_KPIS,
    MIN_RESPONSES,
    RESPONSES,
    Target,
    grid,
    headline,
    months_compared,
    movers,
    uncovered,
)
from workbench.analysis.priority import KPIS, PriorityWeights, explain, model_dimensions, priority_scores, rescore
from workbench.analysis.segments import segment_profiles
from workbench.analysis.value import Opportunity, affected_customers
from workbench.analysis.value import value as value_opportunities
from workbench.analysis.whatif import BASE_KPIS, Scenario, WhatIf, whatif
from workbench.cache import SHARED, FigureCache
from workbench.metrics import CATALOGUE, measure
from workbench.metrics.cache import MetricsCache, fingerprint
from workbench.metrics.cube import CUBE_KPIS, Cube
from workbench.metrics.custom import CustomKpi, parse_custom_kpis
from workbench.metrics.customers import customer_kpis
from workbench.metrics.dimensions import MANY_TO_MANY
from workbench.metrics.external import SURVEY_PARTS
from workbench.model import Model
from workbench.sources.canonical import conform

_MONTH = "_wb_month"  # helper column of the events path: the month of a period filter
GRID_KPIS = ("nps", "ces", "csat", "volume", "repeat_rate", "cost")
ALL_CUSTOMERS = "__all_customers"  # the grid's row of organisation-wide financial figures


@dataclass(frozen=True)
class Filters:
    """What the figures are restricted to: a month (``YYYY-MM``), a segment, a channel and any declared
    extra dimension (``(name, value)`` pairs). ``None`` means all. Hashable, so it can key a cache.

    >>> Filters(segment="families").items()
    [('segment', 'families')]
    """

    period: str | None = None
    segment: str | None = None
    channel: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    def items(self) -> list[tuple[str, str]]:
        """The filters that are set, as (dimension, value) pairs."""
        named = [("period", self.period), ("segment", self.segment), ("channel", self.channel), *self.extra]
        return [(k, v) for k, v in named if v is not None]

    def without(self, *names: str) -> Filters:
        """These filters with ``names`` (period, segment, channel or an extra dimension) dropped."""
        kept = {k: v for k, v in (("period", self.period), ("segment", self.segment),
                                  ("channel", self.channel)) if k not in names}
        return Filters(**kept, extra=tuple((k, v) for k, v in self.extra if k not in names))

    def __bool__(self) -> bool:
        return bool(self.items())


NO_FILTERS = Filters()


@dataclass(frozen=True)
class Overview:
    """The home page's figures (see :mod:`workbench.analysis.overview`): ``headline`` per KPI, ``priorities``
    (the top reasons with their one-line why), ``movers``, ``uncovered`` (busy reasons no journey covers),
    ``grid`` (stages × metric families) and the months compared."""

    headline: pl.DataFrame
    priorities: pl.DataFrame
    movers: pl.DataFrame
    uncovered: pl.DataFrame
    grid: pl.DataFrame
    current: date | None
    previous: date | None


@dataclass(frozen=True)
class Mined:
    """An event log at one level, ordered once, with its directly-follows graph and the events left out
    (contacts without a reason)."""

    ordered: OrderedLog
    dfg: pl.DataFrame
    missing: int


class Dataset:
    """A workspace's data and every figure asked of it, behind one cache shared by all sessions.

    Make one with :meth:`Workspace.dataset` (the workspace's sources) or :meth:`from_frames` (contact
    rows you hold). ``model`` is the model the figures are for.
    """

    def __init__(self, model: Model, events: pl.LazyFrame, *, data_key: str, workspace=None,
                 cache: FigureCache = SHARED, disk: MetricsCache | None = None,
                 custom_kpis: Sequence[CustomKpi] = (), extra_dimensions: Sequence[str] = (),
                 repeat_days: int = 7, customers: pl.DataFrame | None = None):
        self.model, self.workspace, self.data_key = model, workspace, data_key
        self._events = events
        self._cache, self._disk = cache, disk
        self.custom_kpis = tuple(custom_kpis)
        self.extra_dimensions = tuple(extra_dimensions)
        self.repeat_days = repeat_days
        self._customers = customers  # a customers table given with frames (a workspace reads its own)

    # -- making one -------------------------------------------------------------------------------------
    @classmethod
    def from_frames(cls, model: Model, events: pl.LazyFrame | pl.DataFrame, **options: Any) -> Dataset:
        """A dataset over contact rows in the canonical schema (missing canonical columns become nulls).

        The rows are not fingerprinted: each call makes its own data version, shared by its
        :meth:`with_model` descendants only.
        """
        options.setdefault("data_key", f"frames-{uuid.uuid4().hex}")
        return cls(model, conform(events.lazy()), **options)

    @classmethod
    def of_workspace(cls, workspace, model: Model | None = None, *, cache: FigureCache = SHARED) -> Dataset:
        """The dataset of ``workspace``'s registered sources for ``model`` (default: as stored now)."""
        model = model if model is not None else workspace.load()
        key = workspace.data_version(model)
        events = cache.get_or_compute(("contacts", key), lambda: workspace.contacts(model, check=False).frame)
        custom = parse_custom_kpis(workspace.custom_kpis())
        return cls(model, events, data_key=key, workspace=workspace, cache=cache,
                   disk=MetricsCache(workspace.cache_dir), custom_kpis=custom,
                   extra_dimensions=workspace.extra_dimensions())

    def with_model(self, model: Model) -> Dataset:
        """The dataset of the same workspace for another version of the model (after a save)."""
        if self.workspace is not None:
            return Dataset.of_workspace(self.workspace, model, cache=self._cache)
        return Dataset(model, self._events, data_key=self.data_key, cache=self._cache, disk=self._disk,
                       custom_kpis=self.custom_kpis, extra_dimensions=self.extra_dimensions,
                       repeat_days=self.repeat_days, customers=self._customers)

    # -- what the figures depend on ---------------------------------------------------------------------
    @cached_property
    def dims(self):
        """The model's dimension tables (reason → phase → stage, journey, process and system links, channels).

        Only current journeys carry contacts: a future journey is a design, and crediting it with today's
        contacts would show it twice ("I move house" and its future version with the same figures)."""
        return model_dimensions(self.model, journey_states=("current",))

    @cached_property
    def _table_keys(self) -> dict[str, str]:
        return {name: fingerprint(getattr(self.dims, name)) for name in
                ("reasons", "channels", *MANY_TO_MANY.values())}

    def _dims_key_for(self, names: Iterable[str]) -> tuple[str, ...]:
        """The versions of the dimension tables a figure grouped or filtered by ``names`` depends on: where
        reasons sit and the channels always, a link table (journeys, processes, systems) only when used."""
        links = [MANY_TO_MANY[n] for n in dict.fromkeys(names) if n in MANY_TO_MANY]
        return tuple(self._table_keys[t] for t in ("reasons", "channels", *links))

    @cached_property
    def model_key(self) -> str:
        """A hash of the whole model (labels included), for figures that carry labels or model attributes."""
        parts = [self.model.name, self.model.revision, *(repr(e) for _, e in self.model.entities())]
        return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()

    def _remember(self, key: tuple, compute):
        return self._cache.get_or_compute((*key, self.data_key), compute)

    # -- the data ---------------------------------------------------------------------------------------
    def events(self, filters: Filters = NO_FILTERS) -> pl.LazyFrame:
        """The contact rows (lazy), restricted by ``filters`` (repeats are not marked: see :meth:`measure`)."""
        lf = self._events
        for name, value in filters.items():
            column = pl.col("timestamp").dt.strftime("%Y-%m") if name == "period" else pl.col(name)
            lf = lf.filter(column == value)
        return lf

    def cube(self) -> Cube:
        """The KPI cube of the contacts (kept on disk per data version when the workspace's cache allows)."""
        channels = self.dims.channels

        def compute() -> Cube:  # where the data is: Polars here, or each pushed-down source's engine
            from workbench.metrics.pushdown import pushed_sources, workspace_cube

            if self.workspace is not None and pushed_sources(self.workspace):
                return workspace_cube(self.workspace, self.model, self.dims, repeat_days=self.repeat_days)
            return Cube.build(self._events, self.dims, repeat_days=self.repeat_days)

        def build() -> Cube:
            if self._disk is None:
                return compute()
            from workbench.metrics.cube import cached_cube

            key = ("cube/3", self.data_key, channels, self.repeat_days, pl.__version__)
            return cached_cube(self._disk, key, compute, self.repeat_days)

        return self._remember(("cube", fingerprint(channels), self.repeat_days), build)

    @property
    def cache_problem(self) -> str:
        """Why computed aggregates are kept in memory only ('' when the workspace's cache folder works)."""
        return self._disk.problem if self._disk is not None else ""

    def has_contacts(self) -> bool:
        """Whether there is any contact row."""
        return self.measure([], ["volume"])["volume"][0] > 0

    def months(self) -> list[str]:
        """Every month (``YYYY-MM``) with contacts, in order."""
        def compute() -> list[str]:
            cells = self.cube().cells
            return sorted(m for m in cells["month"].unique().to_list() if m is not None)
        return self._remember(("months", fingerprint(self.dims.channels)), compute)

    def dimension_values(self, name: str) -> list[str]:
        """The values of a declared extra dimension (brand, country …) in the data, in order."""
        def compute() -> list[str]:
            frame = self._events.select(pl.col(name).drop_nulls().unique().sort()).collect()
            return frame.to_series().cast(pl.String).to_list()
        return self._remember(("values", name), compute)

    # -- figures ----------------------------------------------------------------------------------------
    def measure(self, by: Sequence[str] = (), kpis: Sequence[str] | None = None, filters: Filters = NO_FILTERS,
                *, period: str | None = None) -> pl.DataFrame:
        """KPIs by ``by`` under ``filters``: ``workbench.metrics.measure`` semantics (repeats marked on all
        contacts before the filters), from the cube when it can answer, else from the events."""
        by, kpis = tuple(by), (tuple(kpis) if kpis is not None else None)
        custom = self._custom_for(kpis)
        dims = self._dims_key_for([*by, *(k for k, _ in filters.items())])
        key = ("measure", by, kpis, filters, period, dims, tuple(repr(c.to_dict()) for c in custom))
        return self._remember(key, lambda: self._measure(list(by), kpis, filters, period, custom))

    def _measure(self, by: list[str], kpis: tuple[str, ...] | None, filters: Filters, period: str | None,
                 custom: list[CustomKpi]) -> pl.DataFrame:
        named = {k: [v] for k, v in filters.items()}
        cube_kpis = [k for k in kpis or () if k in CUBE_KPIS]
        cube = self.cube() if kpis is not None and cube_kpis else None
        if cube is None or not cube.supports(by, cube_kpis, period, named):
            return self._from_events(by, kpis, filters, period, custom)
        frame = cube.measure(by=by, kpis=cube_kpis, dims=self.dims, period=period, filters=named)
        if rest := [k for k in kpis if k not in cube_kpis]:
            keys = [*by, "period"] if period and "period" not in by else list(by)
            extra = self._from_events(by, rest, filters, period, custom)
            frame = frame.join(extra, on=keys, how="left", nulls_equal=True) if keys else pl.concat(
                [frame, extra], how="horizontal")
        return frame.select(*(c for c in frame.columns if c not in kpis), *kpis)

    def _from_events(self, by: list[str], kpis: Sequence[str] | None, filters: Filters, period: str | None,
                     custom: list[CustomKpi]) -> pl.DataFrame:
        events = self._events
        if filters.period is not None:
            events = events.with_columns(pl.col("timestamp").dt.strftime("%Y-%m").alias(_MONTH))
        named = {(_MONTH if k == "period" else k): [v] for k, v in filters.items()}
        frame = measure(events, by=by, kpis=list(kpis) if kpis is not None else None, period=period, dims=self.dims,
                        filters=named or None, custom=custom or None, repeat_days=self.repeat_days)
        return frame.drop(_MONTH, strict=False)

    def _custom_for(self, kpis: Sequence[str] | None) -> list[CustomKpi]:
        if kpis is None:
            return list(self.custom_kpis)
        return [c for c in self.custom_kpis if c.id in kpis]

    def trend(self, reason: str, kpi: str, filters: Filters = NO_FILTERS) -> pl.DataFrame:
        """Monthly ``kpi`` and volume of ``reason`` over every month of the data: period (Date), kpi, volume.

        The segment, channel and extra filters apply; the period filter does not (a trend needs the months).
        """
        kpis = list(dict.fromkeys([kpi, "volume"]))
        monthly = self.measure(["reason"], kpis, filters.without("period"), period="month")
        return monthly.filter(pl.col("reason") == reason).select("period", *kpis)

    def mine(self, level: str = "reason", filters: Filters = NO_FILTERS) -> Mined:
        """The contacts as an event log at ``level`` (reason, phase or stage), ordered, with its DFG."""
        def compute() -> Mined:
            log, missing = event_log(self.events(filters), self.model, level)
            ordered = order_events(log, activity="activity")
            return Mined(ordered, directly_follows(ordered, activity="activity"), missing)
        return self._remember(("mine", level, filters, self._dims_key_for(())), compute)

    def conformance(self, journey: str, filters: Filters = NO_FILTERS, *, min_reasons: int | float = 0.5,
                    gap_days: float | None = 60) -> Checked | None:
        """How the customers on ``journey`` walk its designed sequence, overall and by segment and channel
        (see :func:`workbench.analysis.conformance.conformance`); None when no step links a reason."""
        designed = tuple(self.model.designed_sequence(journey))
        if not designed:
            return None

        def compute() -> Checked:
            log = self.events(filters).filter(pl.col("reason").is_not_null())
            return split_conformance(conformance(log, list(designed), by=["segment", "channel"],
                                                 min_reasons=min_reasons, gap_days=gap_days or None))
        return self._remember(("conformance", designed, filters, min_reasons, gap_days), compute)

    def impact(self, *, systems: Iterable[str] = (), processes: Iterable[str] = (), channels: Iterable[str] = (),
               items: Iterable[str] = (), filters: Filters = NO_FILTERS) -> Impact:
        """What the chosen IT systems, processes, layer items and closed channels hit (see ``analysis.impact``)."""
        systems, processes, channels, items = tuple(systems), tuple(processes), tuple(channels), tuple(items)
        key = ("impact", systems, processes, channels, items, filters, self.model_key)
        return self._remember(key, lambda: impact(self.model, self.events(filters), systems=systems,
                                                  processes=processes, channels=channels, items=items, dims=self.dims))

    def priorities(self, level: str = "reason", filters: Filters = NO_FILTERS,
                   weights: PriorityWeights | None = None) -> pl.DataFrame:
        """Ranked items of ``level`` with each factor's contribution (only current journeys are ranked).

        The KPIs are measured once per level and filters; other weights only re-score them.
        """
        def base() -> pl.DataFrame:
            kpis = [k for k in KPIS if k != "customers"]  # distinct customers would need every event
            frame = self.measure([level], kpis, filters)
            if level == "journey":  # future journeys are designs: they carry no contacts of their own
                current = [j.id for j in self.model.journeys.values() if j.state == "current"]
                frame = frame.filter(pl.col("journey").is_in(current))
            return priority_scores(frame.drop_nulls(level), self.model, level=level)
        ranked = self._remember(("priorities", level, filters, self.model_key), base)
        return ranked if weights is None else rescore(ranked, self.model, level, weights)

    def kpi_points(self, level: str, kpis: Sequence[str], filters: Filters = NO_FILTERS,
                   dimensions: Sequence[str] = ()) -> pl.DataFrame:
        """Our KPIs by ``level`` and month as external-metric data points with their additive parts (NPS
        counts, CSAT's five counts, ratios' numerator and denominator), e.g. for a THEYDO_METRICS_V1 export."""
        from workbench.metrics.external import MEASURED, SURVEY_PARTS, points_from_kpis
        from workbench.metrics.labels import LABELLED

        def compute() -> pl.DataFrame:
            measured = self._from_events([level, *dimensions], MEASURED, filters, "month",
                                         parse_custom_kpis(SURVEY_PARTS))
            items = getattr(self.model, LABELLED[level]) if level in LABELLED else {}
            labels = {k: (self.model.journey_title(k) if level == "journey" else v.label) for k, v in items.items()}
            return points_from_kpis(measured, level, kpis, labels=labels, dimensions=dimensions,
                                    titles={k: CATALOGUE[k].label for k in kpis if k in CATALOGUE})
        return self._remember(("kpi_points", level, tuple(kpis), filters, tuple(dimensions), self.model_key),
                              compute)

    def whatif(self, scenario: Scenario, filters: Filters = NO_FILTERS) -> WhatIf:
        """What ``scenario`` does to its reasons, journeys and the total (see ``analysis.whatif``)."""
        def compute() -> WhatIf:
            base = self.measure(["reason", "channel"], list(BASE_KPIS), filters)
            digital = dict(zip(self.dims.channels["channel"], self.dims.channels["digital"], strict=True))
            return whatif(base, scenario, digital=digital, journeys=self.dims.journey_reasons)
        return self._remember(("whatif", scenario, filters, self._dims_key_for(["journey"])), compute)

    def monthly(self, filters: Filters = NO_FILTERS) -> pl.DataFrame:
        """Every reason's monthly parts for monitoring (period, reason, ``analysis.monitor.MONTHLY_KPIS``)."""
        return self.measure(["reason"], list(MONTHLY_KPIS), filters.without("period"), period="month")

    def check_effect(self, reasons: Sequence[str], go_live, filters: Filters = NO_FILTERS, *, months: int = 3,
                     expected: dict[str, float] | None = None) -> Check:
        """Did the figures of ``reasons`` move after ``go_live``? (see ``analysis.monitor``)"""
        return check_effect(self.monthly(filters), reasons, go_live, months=months, expected=expected)

    def overview(self, filters: Filters = NO_FILTERS, *, weights: PriorityWeights | None = None,
                 targets: Sequence[Target] = (), min_responses: int = MIN_RESPONSES, top: int = 5) -> Overview:
        """Everything the home page shows, for the chosen month (``filters.period``; default the last one)."""
        def compute() -> Overview:
            rest = filters.without("period")
            kpis = [*HEADLINE_KPIS, *RESPONSES.values()]
            monthly = self.measure([], kpis, rest, period="month")
            chosen = date.fromisoformat(f"{filters.period}-01") if filters.period else None
            current, previous = months_compared(monthly["period"].to_list(), chosen)
            month = Filters(period=f"{current:%Y-%m}", segment=filters.segment, channel=filters.channel,
                            extra=filters.extra) if current else rest
            ranked = self.priorities("reason", month, weights).head(top)
            why = ranked.select("id", "label", "score", pl.Series("why", [explain(r) for r in
                                                                          ranked.iter_rows(named=True)], pl.String))
            survey = parse_custom_kpis([s for s in SURVEY_PARTS if s["id"].startswith("nps_")])
            by_reason_month = self._from_events(["reason"], ("volume", "nps_responses"), rest, "month", survey)
            covered = set(self.dims.journey_reasons["reason"].to_list())
            by_stage = self.measure(["stage"], list(dict.fromkeys([*GRID_KPIS, *RESPONSES.values()])), month)
            financial = self.customer_kpis(filters=filters)
            if financial is not None:
                monthly = monthly.join(financial.select("period", "churn_rate", "mrr"), on="period", how="left")
                by_stage = pl.concat([by_stage, pl.DataFrame({"stage": [ALL_CUSTOMERS]})], how="diagonal_relaxed")
                month_row = financial.filter(pl.col("period") == current) if current else financial.tail(1)
                if month_row.height:
                    by_stage = by_stage.with_columns(
                        *(pl.when(pl.col("stage") == ALL_CUSTOMERS).then(pl.lit(month_row[k][0])).alias(k)
                          for k in ("churn_rate", "mrr")))
            kpis_shown = (*HEADLINE_KPIS, *(("churn_rate", "mrr") if financial is not None else ()))
            return Overview(
                headline=headline(monthly, chosen, kpis=kpis_shown, targets=targets, min_responses=min_responses),
                priorities=why, movers=movers(by_reason_month, chosen, top=top, min_responses=min_responses),
                uncovered=uncovered(self.measure(["reason"], ["volume"], month), covered, top=top),
                grid=grid(by_stage, "stage", targets=targets, min_responses=min_responses),
                current=current, previous=previous)
        key = ("overview", filters, weights, tuple(targets), min_responses, top, self.model_key)
        return self._remember(key, compute)

    def opportunity_reasons(self, opportunity: str) -> tuple[str, ...]:
        """The contact reasons an opportunity concerns: its own, those of its steps and of its journeys."""
        opp = self.model.opportunities[opportunity]
        steps = [self.model.steps[s].reason for s in opp.steps if s in self.model.steps]
        journeys = [r for j in opp.journeys if j in self.model.journeys for r in self.model.designed_sequence(j)]
        return tuple(dict.fromkeys(r for r in [*opp.reasons, *steps, *journeys] if r in self.model.reasons))

    def agenda(self, filters: Filters = NO_FILTERS, *, weights: dict[str, float] | None = None) -> pl.DataFrame:
        """Every opportunity valued from its reasons' data, ranked, with each factor's contribution and the
        reasons' figures (see ``analysis.value``); dismissed ones are left out."""
        def compute() -> pl.DataFrame:
            opportunities = [Opportunity(o.id, o.title, self.opportunity_reasons(o.id), o.effort)
                             for o in self.model.opportunities.values() if o.status != "Dismissed"]
            per_reason = self.measure(["reason"], ["volume", "cost_per_contact", "repeats"], filters).with_columns(
                pl.col("reason").replace_strict({r.id: r.strategic_weight for r in self.model.reasons.values()},
                                                default=1.0, return_dtype=pl.Float64).alias("strategic_weight"))
            hit = affected_customers(self.events(filters), opportunities)
            ranked = value_opportunities(opportunities, per_reason, hit, weights=weights)
            status = {o.id: o.status for o in self.model.opportunities.values()}
            return ranked.with_columns(pl.col("id").replace_strict(status, default=None).alias("status")) \
                if ranked.height else ranked
        key = ("agenda", filters, tuple(sorted((weights or {}).items())), self.model_key)
        return self._remember(key, compute)

    def external(self, level: str | None = None, *, period: str | None = "1mo") -> pl.DataFrame:
        """Imported external metrics rolled up from their parts per ``period``, for the items of ``level``
        (a point on a reason counts toward its phase and stage) or, without a level, over everything."""
        from workbench.metrics.external import empty_points, roll_up, to_level

        points = self.workspace.metric_points() if self.workspace is not None else empty_points()
        if level is None:
            return roll_up(points, by=["metric", "title", "unit"], period=period)
        steps = {s.id: s.reason for s in self.model.steps.values() if s.reason}
        return roll_up(to_level(points, level, self.dims.reasons, steps), by=["metric", "title", "unit", "item"],
                       period=period)

    def customers(self) -> pl.DataFrame | None:
        """The workspace's customers table (every ``content="customers"`` source), or None when it has none."""
        if self.workspace is None:
            return self._customers
        from workbench.sources.registry import customers

        return self._remember(("customers",), lambda: customers(self.workspace.store, self.workspace.path))

    def customer_kpis(self, by: Sequence[str] = (), filters: Filters = NO_FILTERS, *,
                      margin: float = 0.3) -> pl.DataFrame | None:
        """Customer and financial KPIs per month (see ``metrics.customers``); None without a customers table.
        The segment filter applies (the other filters are about contacts)."""
        table = self.customers()
        if table is None:
            return None
        if filters.segment is not None:
            table = table.filter(pl.col("segment") == filters.segment)
        return self._remember(("customer_kpis", tuple(by), filters.segment, margin),
                              lambda: customer_kpis(table, by=by, margin=margin))

    def segment_profiles(self, filters: Filters = NO_FILTERS, *, margin: float = 0.3) -> pl.DataFrame:
        """Each segment's figures from the contacts and the customers table (see ``analysis.segments``);
        the segment filter itself is ignored (every segment is profiled)."""
        def compute() -> pl.DataFrame:
            rest = filters.without("segment")
            by_segment = self.measure(["segment"], ["volume", "customers", "nps", "nps_responses", "digital_share"],
                                      rest)
            finance = self.customer_kpis(["segment"], rest, margin=margin)
            return segment_profiles(by_segment, self.measure(["segment", "reason"], ["volume"], rest),
                                    self.measure(["segment", "channel"], ["volume"], rest), finance)
        return self._remember(("segment_profiles", filters.without("segment"), margin), compute)

    def coverage(self, journey: str | None = None) -> Coverage:
        """Unlinked steps, reasons shared by journeys and reasons no journey uses (see ``analysis.coverage``)."""
        return coverage(self.model, journey)

    def __repr__(self) -> str:
        where = self.workspace.path if self.workspace is not None else "frames"
        return f"Dataset({where}, model revision {self.model.revision}, data {self.data_key[:12]})"


    # -- listening ----------------------------------------------------------------------------------------
    # What customers say (feedback rows tagged to contact reasons, see ``workbench.text``), for the listening
    # path, the review queue and link suggestions. Tagging depends on the data version (the feedback sources'
    # files are part of it), the model, and the workspace's confirmed tags, keywords and threshold: their
    # setting revisions key every figure, so a confirmed tag changes the next figures and nothing else does.
    def listening_version(self) -> tuple[int, ...]:
        """The revisions of the confirmed tags, keywords and threshold settings (empty without a workspace)."""
        if self.workspace is None:
            return ()
        from workbench.text.rules import KEYWORDS
        from workbench.text.tags import TAGS
        from workbench.text.workspace import THRESHOLD_SETTING

        store = self.workspace.store
        return tuple(store.get_setting_revision(name, None)[1] for name in (TAGS, KEYWORDS, THRESHOLD_SETTING))

    def _store(self):
        return self.workspace.store if self.workspace is not None else None

    # The fitted models are not kept in the figure cache (which bounds by the size of frames: a model's
    # vocabulary and weights would pass for a few bytes there): ``text.reasons.reason_model`` keeps the last
    # few fits per process, keyed by their training texts.
    def tagger(self):
        """The text → contact reason model (:class:`workbench.text.reasons.ReasonModel`) of this workspace."""
        from workbench.text.workspace import tagger

        return tagger(self._store(), self.model)

    def suggester(self):
        """Link suggestions for journey steps on the same model (:class:`workbench.analysis.suggest.Suggester`)."""
        from workbench.text.workspace import suggester

        return suggester(self._store(), self.model)

    def feedback(self, filters: Filters = NO_FILTERS) -> pl.DataFrame:
        """Every feedback row with its ranked reasons (``workbench.text.workspace.tag_feedback``: a confirmed
        tag wins), restricted to the period and channel of ``filters`` (feedback has no segment)."""
        from workbench.text.workspace import empty_tagged, tag_feedback

        def compute() -> pl.DataFrame:
            if self.workspace is None:
                return empty_tagged()
            return tag_feedback(self.workspace.store, self.workspace.path, self.model)

        tagged = self._remember(("feedback", self.listening_version(), self.model_key), compute)
        if filters.period is not None:
            tagged = tagged.filter(pl.col("timestamp").dt.strftime("%Y-%m") == filters.period)
        if filters.channel is not None:
            tagged = tagged.filter(pl.col("channel") == filters.channel)
        return tagged

    def listening_path(self, journey: str, by: str = "phase", filters: Filters = NO_FILTERS, *,
                       top: int = 3) -> pl.DataFrame:
        """Per phase or episode of ``journey``: experience, top themes and top contact reasons
        (``workbench.text.insights.listening_path``; contact volumes under all of ``filters``)."""
        from workbench.text.insights import listening_path

        def compute() -> pl.DataFrame:
            volumes = self.measure(["reason"], ["volume"], filters).drop_nulls("reason")
            return listening_path(self.model, self.feedback(filters), journey, by=by, top=top,
                                  volumes=dict(volumes.iter_rows()))
        key = ("listening_path", journey, by, filters, top, self.listening_version(), self.model_key)
        return self._remember(key, compute)

    def themes(self, filters: Filters = NO_FILTERS, *, top: int = 5) -> pl.DataFrame:
        """The top themes (reasons) of all feedback, with keywords and verbatims (``text.insights.themes``)."""
        from workbench.text.insights import themes

        return self._remember(("themes", filters, top, self.listening_version(), self.model_key),
                              lambda: themes(self.feedback(filters), self.model, top=top))

    def experience(self, by: Sequence[str] = (), filters: Filters = NO_FILTERS) -> pl.DataFrame:
        """NPS, CSAT and CES from the feedback scores with their numbers of responses, by ``by`` columns
        of the tagged feedback (e.g. ``assigned``, ``channel``) (``text.insights.experience``)."""
        from workbench.text.insights import experience

        by = tuple(by)
        return self._remember(("experience", by, filters, self.listening_version(), self.model_key),
                              lambda: experience(self.feedback(filters), list(by)))

    def reason_verbatims(self, reason: str, filters: Filters = NO_FILTERS, *, every: str = "1mo") -> pl.DataFrame:
        """A contact reason's verbatims over time, per ``every`` (``text.insights.reason_verbatims``; the
        period filter does not apply: a trend needs the months)."""
        from workbench.text.insights import reason_verbatims

        filters = filters.without("period")
        return self._remember(("reason_verbatims", reason, filters, every, self.listening_version(), self.model_key),
                              lambda: reason_verbatims(self.feedback(filters), reason, every=every))
