"""Step 5, Prioritise: which item ranks first, and why — the check of a trainee's answer."""

from __future__ import annotations

from typing import Any

import polars as pl

from workbench.analysis.priority import JOURNEY_FACTORS, LEVELS, PriorityWeights, explain, priorities
from workbench.exercises.result import CheckResult, events_of, model_of, plural
from workbench.model import Model, did_you_mean

#: Words a trainee may use for a factor.
FACTOR_WORDS = {"contacts": "volume", "volumes": "volume", "costs": "cost", "money": "cost",
                "nps": "dissatisfaction", "ces": "dissatisfaction", "csat": "dissatisfaction",
                "satisfaction": "dissatisfaction", "complaint": "complaints", "repeats": "repeat",
                "repeat_rate": "repeat", "repeated contacts": "repeat", "strategic_weight": "strategic",
                "emotion": "experience", "experience_gap": "experience"}
TIE = 0.05  # points: factors this close to the largest contribution count as the largest too
#: A tempting shortcut: the item with the highest (or lowest) raw figure.
SHORTCUTS = (("volume", max, "the most contacts"), ("cost", max, "the highest contact cost"),
             ("nps", min, "the lowest NPS"), ("complaints", max, "the most complaints"))


def check_priority_answer(ws: Any, answer: str, why: str | None = None, *, level: str = "reason",
                          weights: PriorityWeights | None = None, filters: dict | None = None,
                          events: pl.DataFrame | pl.LazyFrame | None = None) -> CheckResult:
    """Check which item of ``level`` ranks first (its id or label) and, if given, ``why``: the factor that
    adds the most points to its score (volume, cost, dissatisfaction, complaints, repeat, strategic,
    experience). Weights default to the workspace's stored ``priority.weights``."""
    model = model_of(ws)
    events = events_of(ws, model) if events is None else events
    if weights is None and not isinstance(ws, Model):
        weights = PriorityWeights.from_dict(ws.store.get_setting("priority.weights", {}))
    ranked = priorities(events, model, level=level, weights=weights, filters=filters)
    first = ranked.row(0, named=True)
    title = f"Which {level} ranks first?"
    chosen = _resolve(model, level, answer)
    if chosen is None:
        items = getattr(model, LEVELS[level])
        return CheckResult(title, False, [f"There is no {level} '{answer}'"
                                          f"{did_you_mean(str(answer), [*items, *(i.label for i in items.values())])}"
                                          f"; answer with an id or a label."])
    if chosen != first["id"]:
        row = ranked.filter(pl.col("id") == chosen).row(0, named=True)
        higher = int(row["rank"]) - 1
        messages = [f"Not quite: {explain(row)}; {plural(higher, f'{level} scores', f'{level}s score')} higher. "
                    "Sort the priorities by score, not by one figure."]
        messages += [_shortcut(ranked, chosen, column, pick, what, level) for column, pick, what in SHORTCUTS
                     if _shortcut(ranked, chosen, column, pick, what, level)]
        return CheckResult(title, False, messages)
    points = {f: first[f"contribution_{f}"] or 0.0 for f in JOURNEY_FACTORS if f"contribution_{f}" in first}
    most = max(points.values())
    top = [f for f, p in points.items() if p >= most - TIE]  # factors at full share of max tie
    messages = [f"Right: {explain(first)}."]
    if why is None:
        return CheckResult(title, True, messages)
    factor, named = _factor(why), " and ".join(top)
    if factor not in top:
        got = f" ({points[factor]:.0f} points)" if factor in points else f", which is not a factor for a {level}"
        messages.append(f"But the biggest part of its {first['score']:.0f} points comes from {named} "
                        f"({most:.0f} points{' each' if len(top) > 1 else ''}), not from {why}{got}.")
        return CheckResult(title, False, messages)
    messages.append(f"And yes: {factor} adds the most points ({most:.0f} of {first['score']:.0f}"
                    + (f"; so do {' and '.join(f for f in top if f != factor)})." if len(top) > 1 else ")."))
    return CheckResult(title, True, messages)


def _resolve(model: Model, level: str, answer: str) -> str | None:
    items = getattr(model, LEVELS[level])
    text = str(answer).strip()
    if text in items:
        return text
    by_label = [key for key, item in items.items() if item.label.strip().casefold() == text.casefold()]
    return by_label[0] if by_label else None


def _factor(word: str) -> str:
    key = word.strip().lower()
    return FACTOR_WORDS.get(key, key)


def _shortcut(ranked: pl.DataFrame, chosen: str, column: str, pick, what: str, level: str) -> str:
    """A message when the trainee's item is the one with the most/least of ``column`` (a tempting shortcut)."""
    values = ranked.filter(pl.col(column).is_not_null())
    if values.height == 0:
        return ""
    best = pick(values[column].to_list())
    if values.filter(pl.col(column) == best)["id"].to_list() != [chosen]:
        return ""
    return (f"You picked the {level} with {what}; the priority score weighs volume, cost, dissatisfaction, "
            "complaints, repeat contacts and strategic weight together, so one figure does not decide the rank.")
