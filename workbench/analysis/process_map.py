"""A process map of an event log, as process-mining tools draw it: activities with their case and event
counts, directly-follows arcs (with a start ``▶`` and an end ``■``) with their counts and times between
steps, cut to the most frequent activities and arcs, over the cases chosen by a filter.

Everything works on an :class:`~workbench.analysis.mining.OrderedLog` (code and sort a log once with
:func:`~workbench.analysis.mining.order_events`); the arc frequencies and times are those of
:func:`~workbench.analysis.mining.directly_follows`, which equal pm4py's on real logs.

The cuts follow the sliders of process-mining tools:

- **activities**: keep the ``activities`` most frequent activities (by events; ties by label) and drop the
  other events, so a case ``a → x → b`` with ``x`` dropped becomes ``a → b`` (the arcs are recomputed on
  the projected log);
- **arcs**: keep the ``arcs`` most frequent arcs (start and end arcs included; ties by source, target),
  then give every kept activity that has lost all its incoming (outgoing) arcs back its most frequent one,
  so that every activity stays on a path from start to end.

Examples
--------
>>> from datetime import datetime
>>> from workbench.analysis.mining import order_events
>>> log = pl.DataFrame({"customer_id": ["a", "a", "b", "b", "b"], "reason": ["x", "y", "x", "x", "y"],
...                     "timestamp": [datetime(2026, 1, d) for d in (1, 2, 1, 2, 3)]})
>>> pm = process_map(order_events(log))
>>> pm.nodes.rows()
[('▶', 2, 2), ('x', 3, 2), ('y', 2, 2), ('■', 2, 2)]
>>> pm.arcs.select("source", "target", "frequency", "cases").rows()
[('x', 'y', 2, 2), ('y', '■', 2, 2), ('▶', 'x', 2, 2), ('x', 'x', 1, 1)]
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from workbench.analysis.mining import _ACT, _CASE, END, START, OrderedLog, directly_follows, variants

HOW = {"with": "with", "without": "without", "starting": "starting at", "ending": "ending at"}


@dataclass(frozen=True)
class ProcessMap:
    """Nodes ``node, events, cases`` (start first, end last, activities by events) and arcs ``source,
    target, frequency, cases, median_seconds, mean_seconds`` (by frequency); how many activities and arcs
    the uncut map has (``activities_total``, ``arcs_total``, start and end arcs included) and its cases."""

    nodes: pl.DataFrame
    arcs: pl.DataFrame
    activities_total: int
    arcs_total: int
    cases: int


def filter_cases(ordered: OrderedLog, activity: str, how: str = "with") -> OrderedLog:
    """The cases with, without, starting at or ending at ``activity`` (``how``: with | without | starting |
    ending), all their events kept.

    Examples
    --------
    >>> from datetime import datetime
    >>> from workbench.analysis.mining import order_events
    >>> log = pl.DataFrame({"customer_id": ["a", "a", "b", "b", "c"], "reason": ["x", "y", "y", "x", "y"],
    ...                     "timestamp": [datetime(2026, 1, d) for d in (1, 2, 1, 2, 1)]})
    >>> ordered = order_events(log)
    >>> [variants(filter_cases(ordered, "x", how))["variant"].to_list() for how in HOW]
    [[['x', 'y'], ['y', 'x']], [['y']], [['x', 'y']], [['y', 'x']]]
    """
    if how not in HOW:
        raise ValueError(f"how must be one of {', '.join(HOW)}, not {how!r}")
    labels = ordered.labels.to_list()
    code = labels.index(activity) if activity in labels else -1
    here = pl.col(_ACT) == code
    if how == "with":
        keep = here.any()
    elif how == "without":
        keep = ~here.any()
    else:
        keep = (pl.col(_ACT).first() if how == "starting" else pl.col(_ACT).last()) == code
    return _keep_cases(ordered, keep.over(_CASE))


def filter_min_events(ordered: OrderedLog, events: int) -> OrderedLog:
    """The cases with at least ``events`` events.

    Examples
    --------
    >>> from datetime import datetime
    >>> from workbench.analysis.mining import order_events
    >>> log = pl.DataFrame({"customer_id": ["a", "a", "b"], "reason": ["x", "y", "x"],
    ...                     "timestamp": [datetime(2026, 1, d) for d in (1, 2, 1)]})
    >>> variants(filter_min_events(order_events(log), 2))["variant"].to_list()
    [['x', 'y']]
    """
    return _keep_cases(ordered, pl.len().over(_CASE) >= events)


def filter_variant(ordered: OrderedLog, variant: list[str]) -> OrderedLog:
    """The cases whose sequence of activities is exactly ``variant``.

    Examples
    --------
    >>> from datetime import datetime
    >>> from workbench.analysis.mining import order_events
    >>> log = pl.DataFrame({"customer_id": ["a", "a", "b"], "reason": ["x", "y", "x"],
    ...                     "timestamp": [datetime(2026, 1, d) for d in (1, 2, 1)]})
    >>> variants(filter_variant(order_events(log), ["x"]))["variant"].to_list()
    [['x']]
    """
    labels = ordered.labels.to_list()
    if any(v not in labels for v in variant):
        return _keep_cases(ordered, pl.lit(False))
    codes = ",".join(str(labels.index(v)) for v in variant)
    return _keep_cases(ordered, pl.col(_ACT).cast(pl.String).str.join(",").over(_CASE) == codes)


def _keep_cases(ordered: OrderedLog, keep: pl.Expr) -> OrderedLog:
    events = ordered.events.filter(keep)
    return OrderedLog(events.with_columns(pl.col(_CASE).set_sorted()), ordered.labels, ordered.columns)


def keep_activities(ordered: OrderedLog, activities: list[str]) -> OrderedLog:
    """The log with only the events of ``activities`` (a case left with none disappears)."""
    labels = ordered.labels.to_list()
    codes = [labels.index(a) for a in activities if a in labels]
    return _keep_cases(ordered, pl.col(_ACT).is_in(pl.Series(codes, dtype=pl.UInt32).implode()))


def activity_counts(ordered: OrderedLog) -> pl.DataFrame:
    """``node, events, cases`` per activity, by events (descending), then label."""
    return (ordered.events.lazy().group_by(_ACT)
            .agg(pl.len().cast(pl.Int64).alias("events"), pl.col(_CASE).n_unique().cast(pl.Int64).alias("cases"))
            .select(ordered.decode(pl.col(_ACT)).alias("node"), "events", "cases")
            .sort(["events", "node"], descending=[True, False]).collect())


def arc_cases(ordered: OrderedLog) -> pl.DataFrame:
    """``source, target, cases``: in how many cases each directly-follows arc occurs (start/end included)."""
    events = ordered.events.lazy()
    first = (pl.col(_CASE) != pl.col(_CASE).shift(1)).fill_null(True)
    last = (pl.col(_CASE) != pl.col(_CASE).shift(-1)).fill_null(True)
    label = ordered.decode(pl.col(_ACT))
    inner = (events.with_columns(pl.col(_ACT).shift(-1).alias("next"), last.alias("last"))
             .filter(~pl.col("last"))
             .group_by(_ACT, "next").agg(pl.col(_CASE).n_unique().alias("cases"))
             .select(label.alias("source"), ordered.decode(pl.col("next")).alias("target"), "cases"))
    starts = (events.filter(first).group_by(_ACT).agg(pl.len().alias("cases"))
              .select(pl.lit(START).alias("source"), label.alias("target"), "cases"))
    ends = (events.filter(last).group_by(_ACT).agg(pl.len().alias("cases"))
            .select(label.alias("source"), pl.lit(END).alias("target"), "cases"))
    return pl.concat([inner, starts, ends]).with_columns(pl.col("cases").cast(pl.Int64)).collect()


def cut_arcs(arcs: pl.DataFrame, top: int) -> pl.DataFrame:
    """The ``top`` most frequent ``arcs``, plus the most frequent incoming and outgoing arc of every node
    that would otherwise have none (see the module's docstring); in the order of ``arcs``.

    Examples
    --------
    >>> arcs = pl.DataFrame({"source": ["▶", "a", "a", "b"], "target": ["a", "■", "b", "■"],
    ...                      "frequency": [9, 7, 2, 2]})
    >>> cut_arcs(arcs, 2)["target"].to_list()  # b lost its arcs: a → b and b → ■ come back
    ['a', '■', 'b', '■']
    """
    ranked = arcs.sort(["frequency", "source", "target"], descending=[True, False, False]).with_row_index("rank")
    kept = set(ranked.head(top)["rank"].to_list())
    nodes = (set(ranked["source"].to_list()) | set(ranked["target"].to_list())) - {START, END}
    rows = ranked.select("rank", "source", "target").rows()
    for node in sorted(nodes):
        for side in (2, 1):  # incoming (node is the target), outgoing (node is the source)
            mine = [r for r in rows if r[side] == node and r[3 - side] != node]  # self-loops do not connect
            if mine and not any(r[0] in kept for r in mine):
                kept.add(mine[0][0])
    return ranked.filter(pl.col("rank").is_in(sorted(kept))).drop("rank").select(arcs.columns)


def process_map(ordered: OrderedLog, *, activities: int | None = None, arcs: int | None = None) -> ProcessMap:
    """The process map of ``ordered``: its ``activities`` most frequent activities and ``arcs`` most
    frequent arcs (None: all); see the module's docstring for how the cuts work."""
    counted = activity_counts(ordered)
    total_activities = counted.height
    if activities is not None and activities < counted.height:
        counted = counted.head(max(activities, 1))
        ordered = keep_activities(ordered, counted["node"].to_list())
    cases = ordered.events[_CASE].n_unique()
    dfg = directly_follows(ordered, start_end=True)
    full = dfg.join(arc_cases(ordered), on=["source", "target"], how="left").select(
        "source", "target", "frequency", "cases", "median_seconds", "mean_seconds")
    total_arcs = full.height
    shown = full if arcs is None else cut_arcs(full, arcs)
    ends = pl.DataFrame({"node": [START, END], "events": [cases, cases], "cases": [cases, cases]},
                        schema=counted.schema)
    nodes = pl.concat([ends.head(1), counted, ends.tail(1)])
    return ProcessMap(nodes, shown, total_activities, total_arcs, cases)


def variant_shares(ordered: OrderedLog, top: int = 20) -> pl.DataFrame:
    """The ``top`` variants: ``variant`` (list of activities), ``cases``, ``share`` of all cases."""
    return variants(ordered, top=top).select("variant", "cases", "share")
