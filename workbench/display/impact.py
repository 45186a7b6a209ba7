"""What an impact analysis shows: the affected reasons table and the Sankey's nodes and links."""

from __future__ import annotations

import polars as pl

from workbench.analysis.impact import Impact

TOP_REASONS = 15


def reasons_table(result: Impact) -> pl.DataFrame:
    """Affected reasons: label, what hits it (labels), its contacts, those hit, customers, cost, NPS;
    by contacts hit."""
    via = result.links.group_by("reason", maintain_order=True).agg(
        pl.col("source_label").unique(maintain_order=True).str.join(", ").alias("hit_by"))
    extra = ["channel_volume"] if "channel_volume" in result.reasons.columns else []
    return (result.reasons.join(via, on="reason", how="left", maintain_order="left")
            .select("reason", "label", "hit_by", "volume", "affected_volume", *extra, "customers", "cost", "nps")
            .sort(["affected_volume", "reason"], descending=[True, False]))


def sankey_frames(result: Impact, top: int = TOP_REASONS) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Nodes (id, label, kind) and edges (source, target, value: contacts) of the Sankey.

    The ``top`` reasons by contacts hit are drawn; the others are merged into one "Other reasons" node.
    A reason that no journey uses flows into a "No journey uses it" node, so every reason sits in the
    middle column. Links without contacts are left out; future-state journeys are marked "(future)".
    """
    graph = result.graph()
    ranked = result.reasons.sort(["affected_volume", "reason"], descending=[True, False])
    kept = set(ranked.head(top)["reason"].to_list())
    others = ranked.height - len(kept)
    other_id, none_id = "reason:__other", "journey:__none"
    merge = {f"reason:{r}": other_id for r in ranked["reason"].to_list() if r not in kept}
    edges = graph.edges.with_columns(pl.col("source").replace(merge), pl.col("target").replace(merge))
    with_journey = set(edges.filter(pl.col("target").str.starts_with("journey:"))["source"].to_list())
    lone = (result.reasons.select(pl.concat_str(pl.lit("reason:"), "reason").replace(merge).alias("source"),
                                  pl.lit(none_id).alias("target"), pl.col("affected_volume").alias("value"))
            .filter(~pl.col("source").is_in(list(with_journey))))
    edges = (pl.concat([edges, lone], how="vertical_relaxed").group_by("source", "target", maintain_order=True)
             .agg(pl.col("value").sum()).filter(pl.col("value") > 0))
    future = set(result.journeys.filter(pl.col("state") == "future")["journey"].to_list())
    nodes = pl.concat([
        graph.nodes.select("id", pl.when(pl.col("kind").eq("journey") & pl.col("key").is_in(list(future)))
                           .then(pl.col("label") + " (future)").otherwise("label").alias("label"), "kind"),
        pl.DataFrame({"id": [other_id, none_id], "label": [f"Other reasons ({others})", "No journey uses it"],
                      "kind": ["reason", "journey"]})])
    used = set(edges["source"].to_list()) | set(edges["target"].to_list())
    return nodes.filter(pl.col("id").is_in(list(used))).unique("id", maintain_order=True), edges



