"""Step 2, Map: journeys typed as workshop rows in a notebook, and the check of a mapped journey."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from workbench.exercises.result import CheckResult, plural, quoted
from workbench.interchange import ImportRejected, Problem, read_workshop
from workbench.interchange.workshop import COLUMNS
from workbench.model import Model, Step, did_you_mean
from workbench.rules import VOICE_PREFIXES

EPISODES = (5, 7)
ROWS = "your rows"


def add_journey_rows(model: Model, journey: str, rows: Sequence[Mapping[str, Any]]) -> Model:
    """A copy of ``model`` with ``journey`` (a title such as "I report a fault") mapped from ``rows``.

    Each row is one step, a dict with the workshop sheet's columns (``episode``, ``step``, ``channel``,
    ``emotion``, ``target_emotion``, ``moment_of_truth``, ``reason`` …; see
    :mod:`workbench.interchange.workshop`). The rows go through the workshop importer, so a mistake is
    reported as ``your rows:row N:column`` where N counts your rows from 1.
    """
    unknown = sorted({key for row in rows for key in row if key not in COLUMNS})
    if unknown:
        raise ImportRejected([Problem(ROWS, None, None, key, f"unknown column '{key}'"
                                      f"{did_you_mean(key, COLUMNS)}") for key in unknown])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for row in rows:
                writer.writerow([_cell({**row, "journey": journey}.get(column)) for column in COLUMNS])
        try:
            return read_workshop(path, model)
        except ImportRejected as rejected:  # CSV row 2 is the trainee's first row
            raise ImportRejected([Problem(ROWS, None, p.row - 1 if p.row else None, p.column, p.message)
                                  for p in rejected.problems]) from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def check_journey(model: Model, journey: str) -> CheckResult:
    """Check a mapped journey: a title in the customer's voice, 5-7 episodes each holding steps, a channel
    and both emotions on every step, at least one moment of truth, and no target below the experienced
    emotion."""
    if journey not in model.journeys:
        by_label = [j.id for j in model.journeys.values() if j.label.strip().casefold() == journey.casefold()]
        if not by_label:
            return CheckResult(f"Journey '{journey}'", False, [
                f"There is no journey '{journey}'{did_you_mean(journey, model.journeys)}; the journeys are "
                f"{quoted(list(model.journeys), limit=8)}."])
        journey = by_label[0]
    item = model.journeys[journey]
    steps, episodes = model.steps_of(journey), model.episodes_of(journey)
    title = f"Journey '{item.label}'"
    messages = []
    if not item.label.lstrip().casefold().startswith(tuple(p.casefold() for p in _prefixes(model))):
        messages.append(f"The title '{item.label}' is not in the customer's voice: name the journey as the "
                        "customer would, e.g. 'I move house', 'I report a fault'.")
    if not steps:
        return CheckResult(title, False, [*messages, "The journey has no steps yet: add one row per step."])
    low, high = EPISODES
    if not low <= len(episodes) <= high:
        advice = ("split the long ones into the chapters the customer goes through" if len(episodes) < low
                  else "merge chapters the customer would not tell apart")
        messages.append(f"The journey has {plural(len(episodes), 'episode')}; {low}-{high} work best: {advice}.")
    empty = [e.label for e in episodes if not any(s.episode == e.id for s in steps)]
    if empty:
        messages.append(f"{plural(len(empty), 'episode has', 'episodes have')} no steps: {quoted(empty)}.")
    for verbs, what, missing in ((("belongs", "belong"), "to no episode", [s for s in steps if s.episode is None]),
                                 (("has", "have"), "no channel", [s for s in steps if s.channel is None]),
                                 (("has", "have"), "no emotion (how the customer feels, -2 to 2)",
                                  [s for s in steps if s.emotion is None]),
                                 (("has", "have"), "no target emotion (how we want the customer to feel)",
                                  [s for s in steps if s.target_emotion is None])):
        if missing:
            messages.append(f"{_steps(missing)} {verbs[len(missing) > 1]} {what}.")
    if not any(s.moment_of_truth for s in steps):
        messages.append("No step is a moment of truth: mark the step(s) that make or break the journey "
                        "(moment_of_truth TRUE).")
    lower = [s for s in steps if s.emotion is not None and s.target_emotion is not None
             and s.target_emotion < s.emotion]
    if lower:
        detail = ", ".join(f"'{s.id}' (emotion {s.emotion:+d}, target {s.target_emotion:+d})" for s in lower[:5])
        messages.append(f"{plural(len(lower), 'step aims', 'steps aim')} below how the customer already feels: "
                        f"{detail}. The target is where we want the customer to be: at least the experienced emotion.")
    if messages:
        return CheckResult(title, False, messages)
    truths = sum(s.moment_of_truth for s in steps)
    gap = sum(max(0, s.target_emotion - s.emotion) for s in steps) / len(steps)
    return CheckResult(title, True, [
        f"{plural(len(episodes), 'episode')}, {plural(len(steps), 'step')} each with a channel and both emotions, "
        f"{plural(truths, 'moment')} of truth; on average the emotion is {gap:.1f} below target."])


def _steps(steps: list[Step]) -> str:
    """'2 steps ('move-3' 'Calls …', 'move-5' 'Receives …')' as the subject of a sentence."""
    head = plural(len(steps), "step")
    shown = ", ".join(f"'{s.id}' '{s.label}'" for s in steps[:4])
    more = f" and {len(steps) - 4} more" if len(steps) > 4 else ""
    return f"{head} ({shown}{more})"


def _prefixes(model: Model) -> tuple[str, ...]:
    return tuple(model.voice_prefixes) or VOICE_PREFIXES.get((model.language or "en")[:2].lower(),
                                                            VOICE_PREFIXES["en"])
