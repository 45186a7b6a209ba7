"""Link suggestions: rank the contact reasons a journey step most likely belongs to, in English or Dutch.

A step is one short text (its label, need and touchpoint) and is ranked by the same text → reason
model that tags feedback (:class:`workbench.text.reasons.ReasonModel`): TF-IDF character and word
n-grams, a logistic regression trained on the reasons' labels and descriptions, the workspace's
keywords, crosswalk notes and confirmed tags, and the steps **of other journeys** already linked; the
keyword and label-word rules on top. A journey's own links never train the suggestions for its steps,
so a suggestion for a linked step is a fair (leave-one-journey-out) guess.

``context``: journeys move through the life cycle in order, so a reason in the phase of the step just
before or after (when linked) gets 1, one in their stage 0.5, others 0; :data:`CONTEXT_WEIGHT` of the
score comes from it. ``score`` is the model's confidence in 0..1; ``why`` names the rule, words or
spellings that drove it, and the neighbouring phase where that counted.
The weights were chosen on the templates' example journeys (``benchmarks/bench_suggest.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from workbench.model import Model, ModelError, did_you_mean
from workbench.text.knowledge import step_text, training_texts
from workbench.text.normalise import fold, tokens
from workbench.text.reasons import ReasonModel, reason_model
from workbench.text.rules import default_keywords

CONTEXT_WEIGHT = 0.25
RULE_WEIGHT = 0.0  # keywords train the model; blending the rules in measured worse on steps
_EN_SUFFIXES = ("ing", "ed", "es", "s", "e")
_NL_SUFFIXES = ("ingen", "ing", "heden", "en", "te", "de", "e", "t", "s")


@dataclass(frozen=True)
class Suggestion:
    """A ranked candidate reason for a step: its id, a score in 0..1 and why (what drove it)."""

    reason: str
    score: float
    why: str


def stem(word: str, language: str = "en") -> str:
    """A light suffix-stripping stem (English or Dutch), so inflected forms meet.

    >>> [stem(w) for w in ("changes", "changing", "changed", "change", "billing", "addresses")]
    ['chang', 'chang', 'chang', 'chang', 'bill', 'address']
    >>> [stem(w, "nl") for w in ("bestellen", "bestelt", "bestelling", "verhuizen", "verhuist", "rekeningen")]
    ['bestel', 'bestel', 'bestel', 'verhuis', 'verhuis', 'reken']
    """
    dutch = language == "nl"
    while True:
        stripped = _strip_once(word, dutch)
        if stripped == word:
            return word
        word = stripped


def _strip_once(word: str, dutch: bool) -> str:
    if not dutch and word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    minimum = 4 if dutch else 3
    for suffix in _NL_SUFFIXES if dutch else _EN_SUFFIXES:
        if not word.endswith(suffix) or len(word) - len(suffix) < minimum:
            continue
        if suffix == "s" and word[-2] in ("seiu" if dutch else "sui"):
            continue  # adres, huis, prijs; address, status, this
        root = word[: -len(suffix)]
        if len(root) > 2 and root[-1] == root[-2] and root[-1] not in "aeiou" and (dutch or root[-1] not in "lsfz"):
            root = root[:-1]  # bestell -> bestel, stopp -> stop (but bill, address stay)
        if dutch and root[-1] in "zv":
            root = root[:-1] + {"z": "s", "v": "f"}[root[-1]]  # verhuiz -> verhuis
        return root
    return word


class Suggester:
    """Suggestions for every step of one model (build once, ask per step; one fit per journey asked).

    ``keywords`` (reason → words; default: :func:`~workbench.text.rules.default_keywords`), crosswalk
    ``notes`` and ``targets`` (code → note, code → reason) and confirmed ``tags`` (``text``, ``reason``)
    are what else the workspace knows; :func:`workbench.text.workspace.suggester` fills them in.
    """

    def __init__(self, model: Model, *, keywords: Mapping | None = None, notes: Mapping | None = None,
                 targets: Mapping | None = None, tags: pl.DataFrame | None = None,
                 context_weight: float = CONTEXT_WEIGHT):
        self.model = model
        self.keywords = dict(keywords) if keywords is not None else default_keywords(model)
        self._knowledge = {"notes": notes, "targets": targets, "tags": tags}
        self.context_weight = context_weight
        self.reason_ids = list(model.reasons)
        self.step_ids = list(model.steps)
        self._fitted: dict[str, ReasonModel] = {}

    def reason_model(self, journey: str) -> ReasonModel:
        """The model that ranks the steps of ``journey`` (trained without that journey's links)."""
        if journey not in self._fitted:
            training = training_texts(self.model, keywords=self.keywords, exclude_journeys=[journey],
                                      **self._knowledge)
            self._fitted[journey] = reason_model(self.model, training, keywords=self.keywords,
                                                 rule_weight=RULE_WEIGHT)
        return self._fitted[journey]

    def _check(self, step_id: str) -> None:
        if step_id not in self.model.steps:
            raise ModelError(f"unknown step '{step_id}'{did_you_mean(step_id, self.step_ids)}")

    def scores(self, step_id: str) -> dict[str, np.ndarray]:
        """Per reason (in model order): the text ``model`` confidence, the ``context`` and the ``score``."""
        self._check(step_id)
        rm = self.reason_model(self.model.steps[step_id].journey)
        text = [step_text(self.model, step_id)]
        alone, _, _ = rm.probabilities(text)
        context = self._context(step_id)
        score, _, _ = rm.probabilities(text, context=context[None, :], context_weight=self.context_weight)
        return {"model": alone[0], "context": context, "score": score[0]}

    def suggest(self, step_id: str, *, top: int = 5) -> list[Suggestion]:
        """The ``top`` reasons for a step, best first (ties broken by model order)."""
        return self.suggest_many([step_id], top=top)[step_id]

    def suggest_many(self, step_ids: list[str], *, top: int = 5) -> dict[str, list[Suggestion]]:
        """:meth:`suggest` for several steps at once (one pass of the model per journey)."""
        out: dict[str, list[Suggestion]] = {}
        by_journey: dict[str, list[str]] = {}
        for step_id in step_ids:
            self._check(step_id)
            by_journey.setdefault(self.model.steps[step_id].journey, []).append(step_id)
        for journey, steps in by_journey.items():
            rm = self.reason_model(journey)
            context = np.array([self._context(s) for s in steps])
            texts = [fold(step_text(self.model, s)) for s in steps]
            p, hits, x = rm.probabilities(texts, folded=True, context=context, context_weight=self.context_weight)
            for row, step_id in enumerate(steps):
                order = sorted(range(len(self.reason_ids)), key=lambda i: (-round(p[row, i], 12), i))[:top]
                out[step_id] = [Suggestion(self.reason_ids[i], round(float(p[row, i]), 4),
                                           self._why(rm, x[row], i, hits.fired[row], context[row], texts[row]))
                                for i in order]
        return {s: out[s] for s in step_ids}

    def _why(self, rm: ReasonModel, row, i: int, fired: Mapping[str, str], context: np.ndarray, text: str) -> str:
        out = rm.why(row, self.reason_ids[i], fired, text)
        if context[i] == 1:
            out += "; same phase as the step before or after"
        return out

    def _context(self, step_id: str) -> np.ndarray:
        """1 for reasons in the phase of the step before or after (if linked), 0.5 in their stage, else 0."""
        m = self.model
        steps = m.steps_of(m.steps[step_id].journey)
        at = [s.id for s in steps].index(step_id)
        around = [s.reason for s in steps[max(0, at - 1):at + 2] if s.id != step_id and s.reason in m.reasons]
        phases = {m.reasons[r].phase for r in around}
        stages = {m.phases[p].stage for p in phases if p in m.phases}
        return np.array([1.0 if m.reasons[r].phase in phases else
                         0.5 if m.phases.get(m.reasons[r].phase) and m.stage_of(r) in stages else 0.0
                         for r in self.reason_ids])


def suggest(model: Model, step_id: str, *, top: int = 5) -> list[Suggestion]:
    """The ``top`` contact reasons for journey step ``step_id``, best first (see the module docstring)."""
    return Suggester(model).suggest(step_id, top=top)


SUGGESTION_SCHEMA = {"journey": pl.String, "step": pl.String, "step_label": pl.String, "linked": pl.String,
                     "rank": pl.Int64, "reason": pl.String, "reason_label": pl.String, "score": pl.Float64,
                     "why": pl.String}


def suggest_all(model: Model, journey: str | None = None, top: int = 3, *,
                suggester: Suggester | None = None) -> pl.DataFrame:
    """The ``top`` suggestions for every step (of ``journey``, or of all journeys), one row per suggestion.

    Columns: journey, step, step_label, linked (the step's current reason or null), rank (1 = best),
    reason, reason_label, score, why. ``suggester`` brings what else the workspace knows (keywords,
    crosswalk notes, confirmed tags); by default only the model's own texts are used.
    """
    if journey is not None and journey not in model.journeys:
        raise ModelError(f"unknown journey '{journey}'{did_you_mean(journey, model.journeys)}")
    suggester = suggester or Suggester(model)
    steps = [s for s in model.steps.values() if journey is None or s.journey == journey]
    ranked = suggester.suggest_many([s.id for s in steps], top=top) if steps else {}
    rows = [
        (s.journey, s.id, s.label, s.reason, rank, g.reason, model.reasons[g.reason].label, g.score, g.why)
        for s in steps
        for rank, g in enumerate(ranked[s.id], start=1)
    ]
    return pl.DataFrame(rows, schema=SUGGESTION_SCHEMA, orient="row")


def format_suggestions(model: Model, frame: pl.DataFrame) -> str:
    """``suggest_all``'s frame as plain text for a terminal: each step, its link, its ranked suggestions."""
    if frame.is_empty():
        return "No steps to suggest reasons for."
    lines = []
    for (step,), group in frame.group_by("step", maintain_order=True):
        first = group.row(0, named=True)
        linked = model.reasons[first["linked"]].label if first["linked"] in model.reasons else "(not linked)"
        lines.append(f"{first['journey']} / {step}: {first['step_label']}")
        lines.append(f"    linked: {linked}")
        for g in group.iter_rows(named=True):
            mark = "*" if g["reason"] == first["linked"] else " "
            lines.append(f"  {mark} {g['rank']}. {g['reason_label']} [{g['reason']}] {g['score']:.2f}  ({g['why']})")
    return "\n".join(lines)


__all__ = ["CONTEXT_WEIGHT", "Suggester", "Suggestion", "fold", "format_suggestions", "stem", "suggest",
           "suggest_all", "tokens"]
