"""Impact analysis: IT system / back-office process / channel -> contact reasons -> journeys -> customers.

What counts as affected
-----------------------
* A chosen system or process hits every contact reason it is linked to in the model, with all of
  that reason's contacts (in every channel). An item of a custom layer (a capability, a department, a
  product …) does the same for the reasons it is linked to, directly or through the steps that need it.
* A chosen channel (say, one to be closed) hits the reasons with contacts in that channel, with the
  contacts made in that channel only.
* The affected contacts are the union: a contact counts once, even when several choices hit it.
  ``totals`` recomputes every figure over that set (distinct customers once across reasons, NPS from
  all affected responses); it never sums or averages reason figures.
* A journey (current or future state) is hit when one of its steps links to an affected reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import polars as pl

from workbench.analysis.priority import model_dimensions, with_period_column
from workbench.metrics import Dimensions, measure
from workbench.model import Model, did_you_mean

_HIT, _IN_CHANNEL, _REASON_HIT = "__impact_hit", "__impact_in_channel", "__impact_reason"
SOURCE_KINDS = {"system": "systems", "process": "processes", "channel": "channels", "item": "layer_items"}


class ImpactGraph(NamedTuple):
    """``nodes``: id (``kind:key``), kind (system|process|channel|reason|journey), key, label, value
    (affected contacts). ``edges``: source, target (node ids), value (affected contacts on that link;
    reason -> journey edges carry the reason's contacts, so journeys overlap)."""

    nodes: pl.DataFrame
    edges: pl.DataFrame


@dataclass(frozen=True)
class Impact:
    """The result of ``impact``.

    reasons : reason, label, via (chosen ids that hit it), volume, customers, cost, nps (the reason's
        figures over all its contacts), affected_volume (its contacts that are hit), and channel_volume
        (its contacts in the chosen channels) when channels were chosen; by volume, then id.
    journeys : journey, journey_label, state, step, step_label, reason: the steps linked to affected reasons.
    segments : segment, label, volume, customers of the affected contacts, by volume, then id.
    totals : one row: reasons, journeys, steps, contacts, customers, cost, nps over the affected contacts.
    links : kind, source, source_label, reason, contacts: which chosen item hits which reason.
    """

    reasons: pl.DataFrame
    journeys: pl.DataFrame
    segments: pl.DataFrame
    totals: pl.DataFrame
    links: pl.DataFrame

    def graph(self) -> ImpactGraph:
        """Nodes and edges source -> reason -> journey, for a dashboard to draw."""
        sources = (self.links.group_by("kind", "source", maintain_order=True)
                   .agg(pl.col("source_label").first().alias("label"), pl.col("contacts").sum().alias("value"))
                   .select(_node_id("kind", "source"), "kind", pl.col("source").alias("key"), "label", "value"))
        reasons = self.reasons.select(_node_id(pl.lit("reason"), "reason"), pl.lit("reason").alias("kind"),
                                      pl.col("reason").alias("key"), "label",
                                      pl.col("affected_volume").alias("value"))
        pairs = self.journeys.unique(["journey", "reason"], maintain_order=True).join(
            self.reasons.select("reason", "affected_volume"), on="reason", how="left", maintain_order="left")
        journeys = (pairs.group_by("journey", maintain_order=True)
                    .agg(pl.col("journey_label").first().alias("label"), pl.col("affected_volume").sum().alias("value"))
                    .select(_node_id(pl.lit("journey"), "journey"), pl.lit("journey").alias("kind"),
                            pl.col("journey").alias("key"), "label", "value"))
        nodes = pl.concat([sources, reasons, journeys], how="vertical_relaxed")
        reason_id, journey_id = _node_id(pl.lit("reason"), "reason"), _node_id(pl.lit("journey"), "journey")
        edges = pl.concat([
            self.links.select(_node_id("kind", "source").alias("source"), reason_id.alias("target"),
                              pl.col("contacts").alias("value")),
            pairs.select(reason_id.alias("source"), journey_id.alias("target"),
                         pl.col("affected_volume").alias("value")),
        ], how="vertical_relaxed")
        return ImpactGraph(nodes, edges)


def impact(model: Model, events: pl.LazyFrame | pl.DataFrame, *, systems: Iterable[str] = (),
           processes: Iterable[str] = (), channels: Iterable[str] = (), items: Iterable[str] = (),
           filters: Mapping[str, Any] | None = None, period: str | None = None,
           dims: Dimensions | None = None) -> Impact:
    """What changing (or closing) the given systems, processes and channels hits (see the module docstring).

    ``filters`` (segment, channel, period with ``period=``, ...) restrict the events first, as in
    ``measure``. Unknown ids raise a ``ValueError`` with a "did you mean".
    """
    chosen = {"system": _check(model, "system", systems), "process": _check(model, "process", processes),
              "channel": _check(model, "channel", channels), "item": _check(model, "item", items)}
    if not any(chosen.values()):
        raise ValueError("impact: choose at least one system, process, layer item or channel")
    dims = dims or model_dimensions(model)
    filters = dict(filters or {})
    linked: dict[str, list[tuple[str, str]]] = {}
    for kind in ("system", "process", "item"):
        for item in chosen[kind]:
            for reason in reasons_of(model, kind, item):
                linked.setdefault(reason, []).append((kind, item))

    lf = with_period_column(events, filters, period).with_columns(
        pl.col("channel").is_in(_strings(chosen["channel"])).fill_null(False).alias(_IN_CHANNEL))
    lf = lf.with_columns((pl.col("reason").is_in(_strings(linked)).fill_null(False) | pl.col(_IN_CHANNEL))
                         .alias(_HIT))
    in_channel = measure(lf, by=["reason", "channel"], kpis=["volume"], dims=dims,
                         filters={**filters, _IN_CHANNEL: True}).filter(pl.col("reason").is_not_null())
    affected = list(dict.fromkeys([*linked, *in_channel["reason"].to_list()]))
    lf = lf.with_columns(pl.col("reason").is_in(_strings(affected)).fill_null(False).alias(_REASON_HIT))

    stats = measure(lf, by=["reason"], kpis=["volume", "customers", "cost", "nps"], dims=dims,
                    filters={**filters, _REASON_HIT: True})
    hit = measure(lf, by=["reason"], kpis=["volume"], dims=dims, filters={**filters, _HIT: True})
    links = _links(model, linked, in_channel, stats)
    reasons = _reasons(model, affected, links, stats, hit, in_channel if chosen["channel"] else None)
    journeys = _journeys(model, set(affected))

    segments = measure(lf, by=["segment"], kpis=["volume", "customers"], dims=dims, filters={**filters, _HIT: True})
    labels = {s.id: s.label for s in model.segments.values()}
    segments = (segments.select("segment", pl.col("segment").replace_strict(labels, default=pl.col("segment"),
                                                                            return_dtype=pl.String).alias("label"),
                                "volume", "customers")
                .sort(["volume", "segment"], descending=[True, False], nulls_last=True))
    totals = measure(lf, by=[], kpis=["volume", "customers", "cost", "nps"], dims=dims, filters={**filters, _HIT: True})
    totals = totals.select(
        pl.lit(reasons.height, pl.Int64).alias("reasons"),
        pl.lit(journeys["journey"].n_unique(), pl.Int64).alias("journeys"),
        pl.lit(journeys.height, pl.Int64).alias("steps"),
        pl.col("volume").alias("contacts"), "customers", "cost", "nps")
    return Impact(reasons=reasons, journeys=journeys, segments=segments, totals=totals, links=links)


def dependencies(model: Model, journey: str) -> pl.DataFrame:
    """A journey's reasons (in step order) and the processes, systems and layer items each depends on.

    Columns: journey, reason, reason_label, steps (the journey's steps linked to the reason), kind
    (process | system | item, null when the reason has none), id, label. Unlinked steps are left out.
    """
    if journey not in model.journeys:
        raise ValueError(f"unknown journey '{journey}'{did_you_mean(journey, model.journeys)}")
    steps: dict[str, int] = {}
    for reason in model.designed_sequence(journey):
        steps[reason] = steps.get(reason, 0) + 1
    rows = []
    for reason, count in steps.items():
        deps = [(kind, e.id, source_label(model, kind, e.id)) for kind in ("process", "system", "item")
                for e in getattr(model, SOURCE_KINDS[kind]).values() if reason in reasons_of(model, kind, e.id)]
        deps = deps or [(None, None, None)]
        rows += [(journey, reason, model.reasons[reason].label, count, *dep) for dep in deps]
    schema = {"journey": pl.String, "reason": pl.String, "reason_label": pl.String, "steps": pl.Int64,
              "kind": pl.String, "id": pl.String, "label": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def source_label(model: Model, kind: str, item: str) -> str:
    """What a chosen item is called; a layer item with its layer ("Capability: Online identity check")."""
    entity = getattr(model, SOURCE_KINDS[kind])[item]
    if kind == "item" and entity.layer in model.layers:
        return f"{model.layers[entity.layer].label}: {entity.label}"
    return entity.label


def reasons_of(model: Model, kind: str, item: str) -> list[str]:
    """The contact reasons a system, process or layer item is linked to (a layer item also through its steps)."""
    entity = getattr(model, SOURCE_KINDS[kind])[item]
    reasons = list(entity.reasons)
    if kind == "item":
        reasons += [model.steps[s].reason for s in entity.steps if s in model.steps and model.steps[s].reason]
    return list(dict.fromkeys(reasons))


# -- helpers --------------------------------------------------------------------------------------------
def _check(model: Model, kind: str, ids: Iterable[str]) -> list[str]:
    ids = [ids] if isinstance(ids, str) else list(dict.fromkeys(ids))
    known = getattr(model, SOURCE_KINDS[kind])
    noun = "layer item" if kind == "item" else kind
    unknown = [f"unknown {noun} '{i}'{did_you_mean(i, known)}" for i in ids if i not in known]
    if unknown:
        raise ValueError("impact: " + "; ".join(unknown))
    return ids


def _strings(values: Iterable[str]) -> pl.Series:
    """A one-element list Series of the values, for an unambiguous ``is_in``."""
    return pl.Series(list(values), dtype=pl.String).implode()


def _node_id(kind: str | pl.Expr, key: str) -> pl.Expr:
    kind = pl.col(kind) if isinstance(kind, str) else kind
    return pl.concat_str(kind, pl.lit(":"), pl.col(key)).alias("id")


def _links(model: Model, linked: dict[str, list[tuple[str, str]]], in_channel: pl.DataFrame,
           stats: pl.DataFrame) -> pl.DataFrame:
    volume = dict(zip(stats["reason"].to_list(), stats["volume"].to_list(), strict=True))
    rows = [(kind, item, source_label(model, kind, item), reason, volume.get(reason, 0))
            for reason, sources in linked.items() for kind, item in sources]
    rows += [("channel", ch, model.channels[ch].label, reason, n) for reason, ch, n in in_channel.iter_rows()]
    order = {"system": 0, "process": 1, "item": 2, "channel": 3}
    rows.sort(key=lambda r: order[r[0]])
    schema = {"kind": pl.String, "source": pl.String, "source_label": pl.String, "reason": pl.String,
              "contacts": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _reasons(model: Model, affected: list[str], links: pl.DataFrame, stats: pl.DataFrame, hit: pl.DataFrame,
             in_channel: pl.DataFrame | None) -> pl.DataFrame:
    labels = [model.reasons[r].label if r in model.reasons else r for r in affected]
    base = pl.DataFrame({"reason": affected, "label": labels}, schema={"reason": pl.String, "label": pl.String})
    via = links.group_by("reason", maintain_order=True).agg(pl.col("source").unique(maintain_order=True).alias("via"))
    out = (base.join(via, on="reason", how="left", maintain_order="left")
           .join(stats, on="reason", how="left", maintain_order="left")
           .join(hit.rename({"volume": "affected_volume"}), on="reason", how="left", maintain_order="left"))
    if in_channel is not None:
        per_reason = in_channel.group_by("reason").agg(pl.col("volume").sum().alias("channel_volume"))
        out = out.join(per_reason, on="reason", how="left", maintain_order="left")
    counts = [c for c in ("volume", "customers", "affected_volume", "channel_volume") if c in out.columns]
    out = out.with_columns(pl.col(counts).fill_null(0), pl.col("cost").fill_null(0.0))
    return out.sort(["volume", "reason"], descending=[True, False])


def _journeys(model: Model, affected: set[str]) -> pl.DataFrame:
    by_journey: dict[str, list] = {j: [] for j in model.journeys}
    for s in model.steps.values():
        if s.reason in affected:
            by_journey[s.journey].append(s)
    rows = [(j, model.journeys[j].label, model.journeys[j].state, s.id, s.label, s.reason)
            for j, steps in by_journey.items() for s in steps]
    schema = {"journey": pl.String, "journey_label": pl.String, "state": pl.String, "step": pl.String,
              "step_label": pl.String, "reason": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")
