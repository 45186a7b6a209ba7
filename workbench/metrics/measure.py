"""Group contact events by any mix of model and data dimensions and compute KPIs for every group.

Semantics
---------
* Every KPI of every group is computed from that group's events (``group_by(...).agg``), so
  non-additive KPIs (NPS, rates, means, distinct customers) are recomputed at every level, never averaged.
* ``phase`` and ``stage`` come from ``Dimensions.reasons``; events on a reason missing there get a null
  phase/stage group (visible, not dropped).
* ``journey``, ``process`` and ``system`` are many-to-many: a contact on reason R counts once toward
  every journey linked to R, so journey figures overlap and do not add up to the grand total.
  Contacts on reasons linked to no journey form the null journey group.
* ``digital`` is looked up from ``Dimensions.channels``; a channel missing there is an error.
* ``period`` is the UTC calendar period (weeks start on Monday) of ``timestamp``, as a ``Date``.
* Repeats are marked on all events before any filter (see ``repeats.mark_repeats``).
* Big inputs (more than ``buckets.ROWS_PER_BUCKET`` rows) are measured bucket by bucket of customers
  and the parts combined, with the same figures in bounded memory (see ``workbench.metrics.buckets``).
* A dimension that is already an events column is used as it is (no lookup in ``dims``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from workbench.metrics.buckets import Parts, auto_buckets, bucket_of, splits
from workbench.metrics.custom import CustomKpi, check_columns, did_you_mean, parse_custom_kpis
from workbench.metrics.dimensions import MANY_TO_MANY, REASON_ATTRIBUTES, Dimensions
from workbench.metrics.kpis import CATALOGUE, DEFAULT_KPIS, share
from workbench.metrics.repeats import mark_repeats, mark_repeats_frame, repeat_flags

PERIODS = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q", "year": "1y"}
DIMS_DERIVED = (*REASON_ATTRIBUTES, *MANY_TO_MANY, "digital")

Events = pl.LazyFrame | pl.DataFrame
CustomSpecs = Sequence[CustomKpi | Mapping[str, Any]] | None


def measure(events: Events, *, by: Sequence[str], kpis: Sequence[str] | None = None, period: str | None = None,
            dims: Dimensions | None = None, repeat_days: int = 7, custom: CustomSpecs = None,
            filters: Mapping[str, Any] | None = None, share_of: str | None = None,
            engine: str = "auto", buckets: int | None = None) -> pl.DataFrame:
    """KPIs per group of ``by``, one row per group, sorted by the ``by`` columns (nulls last).

    Parameters
    ----------
    events : canonical contact rows (``workbench.sources.canonical``), lazy or not.
    by : any of reason, phase, stage, journey, process, system, channel, digital, segment, period and
        any other events column (brand, country, ...). ``[]`` gives the grand total.
    kpis : catalogue ids (``CATALOGUE``) and/or custom ids; default all catalogue KPIs (without
        ``digital_share`` when no ``dims``) followed by the custom ones.
    period : day | week | month | quarter | year; adds ``period`` to ``by`` if it is not there.
    dims : the model's dimension tables; needed for phase, stage, journey, process, system, digital.
    repeat_days : N of the repeat-contact window.
    custom : custom KPI definitions (``CustomKpi`` or dicts); all of them are computed.
    filters : ``{dimension: [values]}`` (a single value is allowed), applied after marking repeats.
    share_of : the dimension whose members share the parent's contacts (default: the last ``by``).
    engine : passed to ``LazyFrame.collect`` ("auto", "streaming", ...).
    buckets : split the customers into this many buckets and measure them one after the other, to
        bound memory (see ``workbench.metrics.buckets``; the same figures). Default: one bucket per
        ``buckets.ROWS_PER_BUCKET`` events (counting a lazy input's rows first); 1 = one pass.
    """
    by = _with_period(by, period)
    options = dict(by=by, kpis=kpis, period=period, dims=dims, repeat_days=repeat_days, custom=custom,
                   filters=filters, share_of=share_of)
    if buckets is None:
        buckets = auto_buckets(_count_rows(events))
    if buckets < 1:
        raise ValueError(f"buckets must be >= 1, got {buckets}")
    if buckets > 1:
        return _measure_in_buckets(events, _prepare(events, **options), buckets, engine)
    spec = _prepare(events, **options)
    if "repeat" in spec.needs:  # mark repeats on the columns read, with the fast sort of integer keys
        rows = _collect([events.lazy().select(_source_columns(spec))], events, dims, engine)[0]
        rows = rows.with_columns(repeat_flags(rows, repeat_days))
        return _collect([_plan(rows.lazy(), marked=True, **options)], events, dims, engine)[0]
    return _collect([_plan(events, **options)], events, dims, engine)[0]


def measure_lazy(events: Events, *, by: Sequence[str], kpis: Sequence[str] | None = None,
                 period: str | None = None, dims: Dimensions | None = None, repeat_days: int = 7,
                 custom: CustomSpecs = None, filters: Mapping[str, Any] | None = None,
                 share_of: str | None = None) -> pl.LazyFrame:
    """``measure`` as a LazyFrame, to compose with further lazy steps (validation happens now)."""
    return _plan(events, by=_with_period(by, period), kpis=kpis, period=period, dims=dims,
                 repeat_days=repeat_days, custom=custom, filters=filters, share_of=share_of)


def rollup(events: Events, *, by: Sequence[str], levels: Iterable[int] | None = None,
           period: str | None = None, engine: str = "auto", **options: Any) -> pl.DataFrame:
    """``measure`` at every prefix of ``by`` (``level`` k groups by ``by[:k]``; 0 is the grand total).

    All levels are recomputed from the events. The columns a level does not group by are null; the
    ``level`` column tells a subtotal from a null group. Rows are in outline order: each subtotal comes
    before its children (sorted by the ``by`` columns, nulls first, then by level). With
    ``levels=[0, len(by)]`` this is ``measure`` plus the grand total row. ``share`` defaults to the
    share of the level above.
    """
    by = _with_period(by, period)
    levels = sorted(set(range(len(by) + 1) if levels is None else levels))
    if not levels or levels[0] < 0 or levels[-1] > len(by):
        raise ValueError(f"levels must lie in 0..{len(by)}, got {levels}")
    plans = [_plan(events, by=by[:k], period=period, **options) for k in levels]
    schema = _plan(events, by=by, period=period, **options).collect_schema()
    frames = _collect(plans, events, options.get("dims"), engine)
    out = pl.concat([
        f.select(*(f[c] if c in f.columns else pl.lit(None, schema[c]).alias(c) for c in by),
                 pl.lit(k, pl.Int8).alias("level"), *(c for c in f.columns if c not in by))
        for k, f in zip(levels, frames, strict=True)])
    return out.sort([*by, "level"], nulls_last=False) if by else out


def _with_period(by: Sequence[str], period: str | None) -> list[str]:
    if isinstance(by, str):
        raise TypeError(f"by must be a list of dimension names, got the string {by!r}")
    by = list(by)
    return by + ["period"] if period and "period" not in by else by


@dataclass(frozen=True)
class _Spec:
    """A validated ``measure`` request."""

    by: list[str]
    kpi_ids: list[str]
    custom: list[CustomKpi]
    needs: frozenset[str]
    filters: dict[str, list]
    share_of: str | None
    columns: list[str]
    period: str | None
    dims: Dimensions | None
    repeat_days: int

    @property
    def parent(self) -> list[str]:
        """The by columns of the group whose contacts a ``share`` divides."""
        return [c for c in self.by if c != self.share_of]


def _prepare(events: Events, *, by: list[str], kpis: Sequence[str] | None = None, period: str | None = None,
             dims: Dimensions | None = None, repeat_days: int = 7, custom: CustomSpecs = None,
             filters: Mapping[str, Any] | None = None, share_of: str | None = None) -> _Spec:
    columns = events.lazy().collect_schema().names()
    custom = list(custom or [])
    custom_kpis = [c for c in custom if isinstance(c, CustomKpi)]
    custom_kpis += parse_custom_kpis([c for c in custom if not isinstance(c, CustomKpi)])
    check_columns(custom_kpis, columns)
    filters = {k: list(v) if isinstance(v, list | tuple | set) else [v] for k, v in (filters or {}).items()}
    _check_dimensions(by, columns, dims, period, "by")
    _check_dimensions(list(filters), columns, dims, period, "filters")
    kpi_ids = _resolve_kpis(kpis, custom_kpis, dims, columns)
    needs = frozenset().union(*(CATALOGUE[k].needs for k in kpi_ids if k in CATALOGUE))
    if "parent_volume" in needs:
        share_of = share_of or (by[-1] if by else None)
        if share_of is not None and share_of not in by:
            raise ValueError(f"share_of={share_of!r} is not one of the by columns {by}")
    return _Spec(by, kpi_ids, custom_kpis, needs, filters, share_of, columns, period, dims, repeat_days)


def _rows(lf: pl.LazyFrame, spec: _Spec, *, marked: bool = False) -> pl.LazyFrame:
    """The events with repeats marked (on all of them), derived columns added and filters applied."""
    if "repeat" in spec.needs and not marked:
        lf = mark_repeats(lf, spec.repeat_days)
    wanted = set(spec.by) | set(spec.filters) | ({"digital"} if "digital" in spec.needs else set())
    lf = _derive(lf, wanted - {*MANY_TO_MANY}, spec.columns, spec.period, spec.dims)
    return _apply_filters(lf, spec.filters, spec.columns, spec.dims)


def _grouped(rows: pl.LazyFrame, spec: _Spec, by: list[str], aggs: list[pl.Expr]) -> pl.LazyFrame:
    return _group(_explode(rows, by, spec.columns, spec.dims, spec.filters), by, aggs)


def _plan(events: Events, *, marked: bool = False, **options: Any) -> pl.LazyFrame:
    spec = _prepare(events, **options)
    by, kpi_ids = spec.by, spec.kpi_ids
    lf = _rows(events.lazy(), spec, marked=marked)
    defs = [CATALOGUE[k] for k in kpi_ids if k in CATALOGUE]
    aggs = [d.expr() for d in defs if not d.after_grouping] + [c.expr() for c in spec.custom]
    if "parent_volume" in spec.needs and "volume" not in kpi_ids:
        aggs.append(CATALOGUE["volume"].expr())
    out = _grouped(lf, spec, by, aggs)
    if "parent_volume" in spec.needs:
        totals = _grouped(lf, spec, spec.parent, [pl.len().cast(pl.Int64).alias("parent_volume")])
        out = _with_share(out, totals, spec.parent)
    out = out.select(*by, *kpi_ids)
    return out.sort(by, nulls_last=True) if by else out


def _with_share(out: Events, totals: Events, parent: list[str]) -> Events:
    """Join the parent volumes onto the groups and add ``share``."""
    out = out.join(totals, on=parent, how="left", nulls_equal=True) if parent else out.join(totals, how="cross")
    return out.with_columns(share())


def _collect(plans: list[pl.LazyFrame], events: Events, dims: Dimensions | None, engine: str) -> list[pl.DataFrame]:
    try:
        return pl.collect_all(plans, engine=engine)
    except pl.exceptions.InvalidOperationError as exc:
        unknown = _unknown_channels(events, dims)
        if unknown:
            raise ValueError(f"channel(s) {unknown} are not in Dimensions.channels, so their digital flag "
                             f"is unknown; add them to the model's channels") from exc
        raise


def _source_columns(spec: _Spec) -> list[str]:
    """The events columns that ``spec`` reads."""
    names, columns = {*spec.by, *spec.filters}, set(spec.columns)
    need = {"customer_id"} | (names & columns)
    need |= {"timestamp"} if "period" in names - columns else set()
    need |= {"reason"} if names & {*REASON_ATTRIBUTES, *MANY_TO_MANY} - columns else set()
    need |= {"channel", "digital"} if "digital" in names | spec.needs else set()
    need |= set().union(*(CATALOGUE[k].columns for k in spec.kpi_ids if k in CATALOGUE),
                        *(c.columns() for c in spec.custom))
    return [c for c in spec.columns if c in need]


def _count_rows(events: Events) -> int:
    if isinstance(events, pl.DataFrame):
        return events.height
    return events.select(pl.len()).collect(engine="streaming").item()


def _measure_in_buckets(events: Events, spec: _Spec, n: int, engine: str) -> pl.DataFrame:
    """``measure`` bucket by bucket of customers, combining additive parts (``workbench.metrics.buckets``)."""
    by, lf = spec.by, events.lazy()
    schema = lf.collect_schema()
    whole = [c for c in spec.custom if not splits(c, schema)]
    wanted = [k for k in spec.kpi_ids if k in CATALOGUE and k != "share"]
    has_share = "parent_volume" in spec.needs
    parts = Parts([*dict.fromkeys([*wanted, *(["volume"] if has_share else [])]),
                   *(c for c in spec.custom if c not in whole)], schema)
    children, parents = [], []
    source = _source_columns(spec)
    for b in range(n):
        rows = lf.filter(bucket_of(n) == b).select(source)
        if "repeat" in spec.needs:  # materialise the bucket: a faster sort than in the lazy plan
            rows = mark_repeats_frame(_collect([rows], events, spec.dims, engine)[0], spec.repeat_days).lazy()
        rows = _rows(rows, spec, marked=True)
        plans = [_grouped(rows, spec, by, parts.aggregations())]
        if has_share:
            plans.append(_grouped(rows, spec, spec.parent, [pl.len().cast(pl.Int64).alias("parent_volume")]))
        got = _collect(plans, events, spec.dims, engine)
        children.append(got[0])
        parents.extend(got[1:])
    out = _group(pl.concat(children).lazy(), by, parts.combine()).with_columns(parts.finish())
    if has_share:
        totals = _group(pl.concat(parents).lazy(), spec.parent, [pl.col("parent_volume").sum()])
        out = _with_share(out, totals, spec.parent)
    out = out.collect()
    if whole:
        rest = _plan(events, by=by, kpis=[], period=spec.period, dims=spec.dims, custom=whole,
                     filters=spec.filters)
        rest = _collect([rest], events, spec.dims, engine)[0]
        out = out.join(rest, on=by, how="left", nulls_equal=True) if by else pl.concat([out, rest], how="horizontal")
    out = out.select(*by, *spec.kpi_ids)
    return out.sort(by, nulls_last=True) if by else out


def _unknown_channels(events: Events, dims: Dimensions | None) -> list[str]:
    if dims is None or "channel" not in events.lazy().collect_schema().names():
        return []
    known = dims.channels["channel"].to_list()
    found = events.lazy().select(pl.col("channel").unique()).collect()["channel"]
    return sorted(c for c in found.to_list() if c is not None and c not in known)


def _group(lf: pl.LazyFrame, by: list[str], aggs: list[pl.Expr]) -> pl.LazyFrame:
    return lf.group_by(by).agg(aggs) if by else lf.select(aggs)


def _derive(lf: pl.LazyFrame, wanted: set[str], columns: list[str], period: str | None,
            dims: Dimensions | None) -> pl.LazyFrame:
    """Add the one-to-one derived columns (period, digital, phase, stage) that are wanted."""
    if "period" in wanted and "period" not in columns:
        lf = lf.with_columns(pl.col("timestamp").dt.truncate(PERIODS[period]).dt.date().alias("period"))
    if "digital" in wanted and "digital" not in columns:
        ch = dims.channels
        lf = lf.with_columns(pl.col("channel").replace_strict(ch["channel"], ch["digital"],
                                                              return_dtype=pl.Boolean).alias("digital"))
    attrs = [a for a in REASON_ATTRIBUTES if a in wanted and a not in columns]
    if attrs:
        lf = lf.join(dims.reasons.lazy().select("reason", *attrs), on="reason", how="left")
    return lf


def _apply_filters(lf: pl.LazyFrame, filters: dict[str, list], columns: list[str],
                   dims: Dimensions | None) -> pl.LazyFrame:
    for name, values in filters.items():
        if name in MANY_TO_MANY and name not in columns:
            lf = lf.filter(pl.col("reason").is_in(dims.reasons_where(name, values)))
        else:
            lf = lf.filter(pl.col(name).is_in(values))
    return lf


def _explode(lf: pl.LazyFrame, by: list[str], columns: list[str], dims: Dimensions | None,
             filters: dict[str, list]) -> pl.LazyFrame:
    """Join the many-to-many link tables for the by columns that need them (one row per link)."""
    for name in by:
        if name in MANY_TO_MANY and name not in columns:
            links = getattr(dims, MANY_TO_MANY[name]).lazy()
            if name in filters:
                links = links.filter(pl.col(name).is_in(filters[name]))
            lf = lf.join(links, on="reason", how="left")
    return lf


def _check_dimensions(names: list[str], columns: list[str], dims: Dimensions | None, period: str | None,
                      where: str) -> None:
    valid = sorted({*columns, *DIMS_DERIVED, "period"} - {"repeat"})
    for name in names:
        if name not in valid:
            raise ValueError(f"{where}: unknown dimension '{name}'.{did_you_mean(name, valid)} "
                             f"Valid: {', '.join(valid)}")
        if name in DIMS_DERIVED and name not in columns and dims is None:
            raise ValueError(f"{where}: '{name}' comes from the model; pass dims=Dimensions(...)")
        if name == "period" and name not in columns and period not in PERIODS:
            raise ValueError(f"{where}: 'period' needs period= one of {', '.join(PERIODS)}"
                             f"{'' if period is None else f', got {period!r}.'}"
                             f"{did_you_mean(period, PERIODS) if period else ''}")
    if len(set(names)) != len(names):
        raise ValueError(f"{where}: a dimension is listed twice: {names}")


def _resolve_kpis(kpis: Sequence[str] | None, custom: list[CustomKpi], dims: Dimensions | None,
                  columns: list[str]) -> list[str]:
    has_digital = dims is not None or "digital" in columns
    custom_ids = [c.id for c in custom]
    if kpis is None:
        chosen = [k for k in DEFAULT_KPIS if has_digital or k != "digital_share"]
    else:
        if isinstance(kpis, str):
            raise TypeError(f"kpis must be a list of KPI ids, got the string {kpis!r}")
        valid = [*CATALOGUE, *custom_ids]
        for k in kpis:
            if k not in valid:
                raise ValueError(f"unknown KPI '{k}'.{did_you_mean(k, valid)} Valid: {', '.join(valid)}")
        if "digital_share" in kpis and not has_digital:
            raise ValueError("KPI 'digital_share' needs dims=Dimensions(...) with the channels")
        chosen = list(dict.fromkeys(kpis))
    missing = {k: sorted(CATALOGUE[k].columns - set(columns)) for k in chosen if k in CATALOGUE}
    problems = [f"KPI '{k}' needs column(s) {cols}" for k, cols in missing.items() if cols]
    if problems:
        raise ValueError("; ".join(problems) + f". The events have {columns}; "
                         "workbench.sources.canonical.conform adds the missing canonical columns as nulls")
    return chosen + [c for c in custom_ids if c not in chosen]
