"""A plain-text summary of a workspace: its model, the rules check and its contact data."""

from __future__ import annotations

import polars as pl

from workbench.rules import check, summary
from workbench.sources.registry import get_crosswalk, list_sources, reasons_with_data


def summarise(ws, *, top: int = 5) -> str:
    """Counts, rules findings and — when the workspace has contact data — headline KPIs and top reasons."""
    model = ws.load()
    linked = sum(1 for s in model.steps.values() if s.reason)
    crosswalk = get_crosswalk(ws.store)
    findings = summary(check(model, reasons_with_data=reasons_with_data(ws.store)))
    lines = [
        f"workspace  {model.name}  ({ws.path})",
        f"store      {ws.store.url}",
        f"model      {len(model.stages)} stages, {len(model.phases)} phases, {len(model.reasons)} contact reasons, "
        f"{len(model.channels)} channels, {len(model.segments)} segments, {len(model.processes)} processes, "
        f"{len(model.systems)} IT systems",
        f"journeys   {len(model.journeys)} journeys, {len(model.steps)} steps, {linked} linked "
        f"({len(model.steps) - linked} not yet)",
        f"rules      {findings['errors']} errors, {findings['warnings']} warnings (see `workbench check`)",
    ]
    sources = list_sources(ws.store)
    if not sources:
        lines.append("data       no contact data: declare a source with `workbench sources add` (or generate demo "
                     "data with `workbench generate WORKSPACE`)")
        return "\n".join(lines)
    data = ws.dataset(model)
    total = data.measure([], ["volume", "customers", "cost", "nps", "repeat_rate"])
    span = data.events().select(pl.col("timestamp").min().alias("first"),
                                pl.col("timestamp").max().alias("last")).collect()
    t = total.row(0, named=True)
    lines += [
        f"data       {len(sources)} source(s), {len(crosswalk)} crosswalk codes; {t['volume']:,} contacts by "
        f"{t['customers']:,} customers, {span['first'][0]:%Y-%m-%d} – {span['last'][0]:%Y-%m-%d}",
        f"KPIs       cost €{t['cost']:,.0f}, NPS {_num(t['nps'], '{:+.0f}')}, "
        f"repeat rate {_num(t['repeat_rate'], '{:.1%}')}",
        f"top {top} contact reasons by volume:",
    ]
    by_reason = data.measure(["reason"], ["volume", "nps", "repeat_rate"])
    for row in by_reason.drop_nulls("reason").sort("volume", descending=True).head(top).iter_rows(named=True):
        label = model.reasons[row["reason"]].label if row["reason"] in model.reasons else row["reason"]
        lines.append(f"  {row['volume']:>10,}  NPS {_num(row['nps'], '{:+4.0f}')}  "
                     f"repeat {_num(row['repeat_rate'], '{:5.1%}')}  {label}")
    return "\n".join(lines)


def _num(value, fmt: str) -> str:
    return "n/a" if value is None else fmt.format(value)
