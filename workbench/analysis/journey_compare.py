"""A current journey against its future design: what the redesign removes, adds and changes, and what it
is worth in today's contacts.

Steps are matched episode by episode (episodes by label, ignoring case): first steps linked to the same
contact reason, then steps with the same label. A current step without a match is **removed**, a future
step without one **added**; a matched pair in another channel is a **channel change**. An emotion gap
(target minus experienced on the current step) is **closed** when the future step's designed experience
reaches the current target. The future's figures never include today's contacts: the contacts shown
are those of the reasons the future design *no longer uses* (the contacts it could take away).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from workbench.model import Model, Step


@dataclass(frozen=True)
class Comparison:
    """``steps``: one row per matched or unmatched step (episode, change, current/future step, label,
    channel, reason, emotion, target); ``summary``: one row of counts (``reasons_dropped``: reasons the
    current journey uses and the future does not, ``reasons_new`` the other way round, and with figures
    ``contacts_no_longer_needed``: today's contacts on the dropped reasons); ``dropped_reasons``: those
    reasons with their contacts (when figures were given). No figure credits the future with contacts."""

    def changes(self, journey_side: str) -> dict[str, str]:
        """Step id → its change ("kept", "removed", "added", "channel changed") on one side ("current"
        or "future")."""
        column = f"{journey_side}_step"
        return {sid: change for sid, change in self.steps.select(column, "change").iter_rows() if sid is not None}

    steps: pl.DataFrame
    summary: pl.DataFrame
    dropped_reasons: pl.DataFrame


def compare_journeys(model: Model, current: str, future: str, volumes: dict[str, int] | None = None) -> Comparison:
    """Compare ``current`` with ``future`` (see the module docstring); ``volumes`` = contacts per reason.

    Examples
    --------
    >>> from workbench.model import Channel, Journey, Step
    >>> m = Model().add(Channel("phone", "Phone"), Channel("app", "App", True), Journey("now", "I move"),
    ...                 Journey("next", "I move", state="future", counterpart="now"),
    ...                 Step("a", "now", "Call to report the move", channel="phone", emotion=-1, target_emotion=1),
    ...                 Step("b", "now", "Wait for a letter"),
    ...                 Step("x", "next", "Call to report the move", channel="app", emotion=1))
    >>> compare_journeys(m, "now", "next").summary.row(0)
    (2, 1, 1, 0, 1, 1, 1, 0, 0)
    """
    for journey in (current, future):
        if journey not in model.journeys:
            raise ValueError(f"unknown journey '{journey}'")
    rows = []
    now, then = _by_episode(model, current), _by_episode(model, future)
    for episode in dict.fromkeys([*now, *then]):
        rows += _match(model, episode, now.get(episode, []), then.get(episode, []))
    steps = pl.DataFrame(rows, schema={"episode": pl.String, "change": pl.String, "current_step": pl.String,
                                       "future_step": pl.String, "label": pl.String, "current_channel": pl.String,
                                       "future_channel": pl.String, "reason": pl.String, "emotion": pl.Int64,
                                       "target_emotion": pl.Int64, "future_emotion": pl.Int64}, orient="row")
    used_now = set(model.designed_sequence(current))
    used_then = set(model.designed_sequence(future))
    dropped = [r for r in dict.fromkeys(model.designed_sequence(current)) if r not in used_then]
    given, volumes = volumes is not None, volumes or {}
    dropped_frame = pl.DataFrame({"reason": dropped, "label": [model.reasons[r].label for r in dropped],
                                  "contacts": [volumes.get(r) for r in dropped]},
                                 schema={"reason": pl.String, "label": pl.String, "contacts": pl.Int64})
    gaps = steps.filter(pl.col("current_step").is_not_null() & pl.col("emotion").is_not_null()
                        & pl.col("target_emotion").is_not_null() & (pl.col("target_emotion") > pl.col("emotion")))
    closed = gaps.filter(pl.col("future_emotion") >= pl.col("target_emotion")).height
    count = steps["change"].to_list()
    summary = pl.DataFrame([{
        "current_steps": len(model.steps_of(current)), "future_steps": len(model.steps_of(future)),
        "removed": count.count("removed"), "added": count.count("added"),
        "channel_changes": count.count("channel changed"), "emotion_gaps": gaps.height, "gaps_closed": closed}])
    summary = summary.select("current_steps", "future_steps", "removed", "added", "channel_changes",
                             "emotion_gaps", "gaps_closed")
    summary = summary.with_columns(pl.lit(len(dropped), pl.Int64).alias("reasons_dropped"),
                                   pl.lit(len(used_then - used_now), pl.Int64).alias("reasons_new"))
    if given:
        summary = summary.with_columns(pl.lit(int(dropped_frame["contacts"].fill_null(0).sum()), pl.Int64)
                                       .alias("contacts_no_longer_needed"))
    return Comparison(steps, summary, dropped_frame)


def _by_episode(model: Model, journey: str) -> dict[str, list[Step]]:
    out: dict[str, list[Step]] = {}
    for step in model.steps_of(journey):
        episode = model.episodes[step.episode].label if step.episode in model.episodes else ""
        out.setdefault(episode.strip().casefold(), []).append(step)
    return out


def _match(model: Model, episode: str, now: list[Step], then: list[Step]) -> list[tuple]:
    free = list(then)
    pairs: list[tuple[Step | None, Step | None]] = []
    for s in now:
        match = next((f for f in free if s.reason and f.reason == s.reason), None) or next(
            (f for f in free if f.label.strip().casefold() == s.label.strip().casefold()), None)
        if match is not None:
            free.remove(match)
        pairs.append((s, match))
    pairs += [(None, f) for f in free]
    label = next((model.episodes[x.episode].label for x in [*now, *then] if x.episode in model.episodes), episode)
    rows = []
    for a, b in pairs:
        if a is None:
            change = "added"
        elif b is None:
            change = "removed"
        elif a.channel != b.channel:
            change = "channel changed"
        else:
            change = "kept"
        ref = a or b
        rows.append((label, change, a.id if a else None, b.id if b else None, ref.label,
                     a.channel if a else None, b.channel if b else None, ref.reason,
                     a.emotion if a else None, a.target_emotion if a else None, b.emotion if b else None))
    return rows
