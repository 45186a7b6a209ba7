"""Journeys as the map, the link editor and the model editor show them: steps with labels and figures,
choices grouped by stage and phase."""

from __future__ import annotations

import polars as pl

from workbench.analysis.suggest import suggest_all
from workbench.model import Model
from workbench.rules import check

STEP_KPIS = ("volume", "nps", "repeat_rate")


NOT_LINKED = "not linked"


NO_CHANNEL = "(no channel)"


def journey_steps(model: Model, journey: str, measured: pl.DataFrame | None = None) -> pl.DataFrame:
    """The journey's steps in order with labels and their linked reason's KPIs (raw text, not escaped).

    Columns: order (1…n), step, episode, episode_label, label, channel, channel_label, touchpoint, need,
    emotion, target_emotion, moment_of_truth, reason, reason_label ("not linked" when unlinked) and the
    ``STEP_KPIS`` from ``measured`` (``measure(by=["reason"])``; null when unlinked or no data).
    """
    rows = []
    for i, s in enumerate(model.steps_of(journey), start=1):
        episode = model.episodes.get(s.episode) if s.episode else None
        channel = model.channels.get(s.channel) if s.channel else None
        reason = model.reasons.get(s.reason) if s.reason else None
        rows.append({
            "order": i, "step": s.id, "episode": s.episode, "episode_label": episode.label if episode else "",
            "label": s.label, "channel": s.channel,
            "channel_label": channel.label if channel else (s.channel or NO_CHANNEL),
            "touchpoint": s.touchpoint, "need": s.need, "emotion": s.emotion, "target_emotion": s.target_emotion,
            "moment_of_truth": s.moment_of_truth, "reason": s.reason,
            "reason_label": reason.label if reason else (s.reason or NOT_LINKED)})
    schema = {"order": pl.Int64, "step": pl.String, "episode": pl.String, "episode_label": pl.String,
              "label": pl.String, "channel": pl.String, "channel_label": pl.String, "touchpoint": pl.String,
              "need": pl.String, "emotion": pl.Int64, "target_emotion": pl.Int64, "moment_of_truth": pl.Boolean,
              "reason": pl.String, "reason_label": pl.String}
    frame = pl.DataFrame(rows, schema=schema)
    if measured is None:
        return frame.with_columns(pl.lit(None, pl.Float64).alias(k) for k in STEP_KPIS)
    kpis = measured.select("reason", *STEP_KPIS)
    return frame.join(kpis, on="reason", how="left", maintain_order="left")


def lanes(model: Model, steps: pl.DataFrame) -> list[str]:
    """The channel lane labels the steps use, in model channel order (then "(no channel)"), top to bottom."""
    used = set(steps["channel_label"].to_list())
    out = [c.label for c in model.channels.values() if c.label in used]
    return out + sorted(used - set(out))


def episode_spans(steps: pl.DataFrame) -> list[tuple[str, int, int]]:
    """Consecutive runs of steps in one episode: (episode label, first order, last order)."""
    spans: list[tuple[str, int, int]] = []
    for label, order in steps.select("episode_label", "order").iter_rows():
        if spans and spans[-1][0] == label:
            spans[-1] = (label, spans[-1][1], order)
        else:
            spans.append((label, order, order))
    return spans


def counterpart(model: Model, journey: str) -> str | None:
    """The other state (current/future) of ``journey``: its own ``counterpart`` or one pointing at it."""
    j = model.journeys[journey]
    if j.counterpart in model.journeys:
        return j.counterpart
    return next((o.id for o in model.journeys.values() if o.counterpart == journey), None)



def link_rows(model: Model, journey: str, top: int = 3, *, suggester=None) -> pl.DataFrame:
    """The steps of ``journey`` in order with their link and ``top`` suggestions (ids, labels, scores and
    ``why``: the words or rules that drove each). ``suggester`` (``Dataset.suggester()``) brings what the
    workspace knows besides the model: keywords, crosswalk notes, confirmed tags."""
    steps = [s for s in model.steps_of(journey)]
    base = pl.DataFrame(
        [(i, s.id, s.label, model.episodes[s.episode].label if s.episode in model.episodes else "",
          model.channels[s.channel].label if s.channel in model.channels else "", s.touchpoint, s.reason,
          model.reasons[s.reason].label if s.reason in model.reasons else None)
         for i, s in enumerate(steps, start=1)],
        schema={"order": pl.Int64, "step": pl.String, "step_label": pl.String, "episode_label": pl.String,
                "channel_label": pl.String, "touchpoint": pl.String, "linked": pl.String,
                "linked_label": pl.String}, orient="row")
    suggestions = (suggest_all(model, journey, top=top, suggester=suggester).sort("step", "rank", maintain_order=True)
                   .group_by("step", maintain_order=True)
                   .agg(suggested=pl.col("reason"), suggested_label=pl.col("reason_label"), score=pl.col("score"),
                        why=pl.col("why")))
    return base.join(suggestions, on="step", how="left").sort("order")


def reason_groups(model: Model) -> dict[str, dict[str, str]]:
    """Reasons for a grouped select: ``"Stage / Phase" -> {label: id}`` in model order (labels made unique)."""
    groups: dict[str, dict[str, str]] = {}
    seen: set[str] = set()
    for r in model.reasons.values():
        phase = model.phases.get(r.phase)
        stage = model.stages.get(phase.stage) if phase else None
        group = f"{stage.label if stage else '?'} / {phase.label if phase else r.phase}"
        label = r.label if r.label not in seen else f"{r.label} [{r.id}]"
        seen.add(label)
        groups.setdefault(group, {})[label] = r.id
    return groups



def findings_frame(model: Model) -> pl.DataFrame:
    """The rules check as a frame (errors first): severity, rule, location, message, fix."""
    rows = [(f.severity, f.rule, f.location, f.message, f.fix) for f in check(model)]
    return pl.DataFrame(rows, schema={c: pl.String for c in ("severity", "rule", "location", "message", "fix")},
                        orient="row")


def phase_groups(model: Model) -> dict[str, dict[str, str]]:
    """Phases for a grouped select: ``stage label -> {phase label: id}`` in model order."""
    groups: dict[str, dict[str, str]] = {}
    for p in model.phases.values():
        stage = model.stages[p.stage].label if p.stage in model.stages else p.stage
        entries = groups.setdefault(stage, {})
        entries[p.label if p.label not in entries else f"{p.label} [{p.id}]"] = p.id
    return groups



