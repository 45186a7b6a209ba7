"""Step 4, Measure: KPI questions about the demo organisation, and the check of a trainee's number.

A wrong number is compared with the usual mistakes (averaging per-reason figures, answering for the
whole organisation, averaging survey scores, a fraction given as a percentage …) so the feedback can
say which one it looks like and how to compute the figure instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from workbench.exercises.result import CheckResult, events_of, model_of
from workbench.metrics import CATALOGUE, measure
from workbench.metrics.model_dims import dimensions
from workbench.model import COLLECTIONS, Model, did_you_mean

DIMENSIONS = {k: COLLECTIONS[k] for k in ("reason", "phase", "stage", "journey", "channel", "segment", "process",
                                           "system")}
#: How far an answer may be from the figure and still count (in the KPI's own unit).
TOLERANCE = {"nps": 0.5, "ces": 0.01, "cost": 1.0, "cost_per_contact": 0.01, "aht": 1.0}
FRACTION_TOLERANCE = 0.001  # rates and shares are fractions: 0.1 percentage point
SURVEY = {"nps": "nps", "ces": "ces", "csat": "csat"}


@dataclass(frozen=True)
class KpiQuestion:
    """'What is the <kpi> of <dimension> <member>?' (no dimension: of the whole organisation)."""

    kpi: str
    dimension: str | None = None
    member: str | None = None

    def text(self, model: Model | None = None) -> str:
        """The question as a sentence, naming the member by its label when a model is given."""
        label = kpi_name(self.kpi)
        if self.dimension is None:
            return f"What is the {label} of all contacts?"
        items = getattr(model, DIMENSIONS[self.dimension], {}) if model is not None else {}
        name = items[self.member].label if self.member in items else self.member
        return f"What is the {label} of {self.dimension} '{name}'?"


def kpi_name(kpi: str) -> str:
    """'NPS', 'number of contacts', 'repeat-contact rate': a KPI as it reads in a sentence."""
    if kpi in ("volume", "customers"):
        return f"number of {'contacts' if kpi == 'volume' else 'customers'}"
    label = CATALOGUE[kpi].label if kpi in CATALOGUE else kpi
    return label if label.isupper() else label.lower()


def ask(kpi: str, **where: str) -> KpiQuestion:
    """A question such as ``ask("nps", phase="billing-and-paying")`` (at most one dimension).

    >>> ask("csat", channel="app")
    KpiQuestion(kpi='csat', dimension='channel', member='app')
    """
    if kpi not in CATALOGUE:
        raise ValueError(f"unknown KPI '{kpi}'{did_you_mean(kpi, CATALOGUE)}")
    if len(where) > 1 or any(k not in DIMENSIONS for k in where):
        raise ValueError(f"ask about one dimension of {', '.join(DIMENSIONS)}; got {list(where)}")
    dimension, member = next(iter(where.items()), (None, None))
    return KpiQuestion(kpi, dimension, member)


def check_kpi_answer(ws: Any, question: KpiQuestion, answer: Any, *, tolerance: float | None = None,
                     events: pl.DataFrame | pl.LazyFrame | None = None) -> CheckResult:
    """Check a number against ``measure`` on the workspace's contacts (or ``events`` with ``ws`` a Model)."""
    model = model_of(ws)
    events = events_of(ws, model) if events is None else events.lazy().collect()
    _check_member(model, question)
    title = question.text(model)
    right = figure(events, model, question)
    if right is None:
        return CheckResult(title, False, ["There is no data for this question; ask your facilitator."])
    if isinstance(answer, bool) or not isinstance(answer, int | float) or math.isnan(answer):
        return CheckResult(title, False, [f"Give the answer as a number, not {answer!r}."])
    unit = CATALOGUE[question.kpi].unit
    tol = tolerance if tolerance is not None else (FRACTION_TOLERANCE if unit == "fraction"
                                                   else TOLERANCE.get(question.kpi, 0.5))
    shown = f"{right:+.1f}" if question.kpi == "nps" else CATALOGUE[question.kpi].format.format(right)
    if abs(answer - right) <= tol:
        return CheckResult(title, True, [f"Right: {shown}{_basis(events, model, question)}."])
    if unit == "fraction" and abs(answer / 100 - right) <= tol:
        return CheckResult(title, True, [f"Right: {shown}. (You gave a percentage; measure gives a fraction, "
                                         f"{right:.3f}.)"])
    for candidate, explanation, *own in mistakes(events, model, question, right):
        if candidate is not None and abs(answer - candidate) <= (own[0] if own else tol):
            return CheckResult(title, False, [explanation, how_to(model, question)])
    direction = "high" if answer > right else "low"
    return CheckResult(title, False, [f"Not quite: {answer:g} is too {direction}.", how_to(model, question)])


def figure(events: pl.DataFrame, model: Model, question: KpiQuestion) -> float | None:
    """The right answer: ``measure`` for the question's group, recomputed from its events."""
    dims = dimensions(model)
    if question.dimension is None:
        frame = measure(events, by=[], kpis=[question.kpi], dims=dims)
    else:
        frame = measure(events, by=[question.dimension], kpis=[question.kpi], dims=dims,
                        filters={question.dimension: [question.member]})
        frame = frame.filter(pl.col(question.dimension) == question.member)
    return frame[question.kpi][0] if frame.height else None


def mistakes(events: pl.DataFrame, model: Model, question: KpiQuestion, right: float):
    """(number, what it means[, own tolerance]) for the usual wrong ways to the answer, computed one by one."""
    kpi, dims, label = question.kpi, dimensions(model), kpi_name(question.kpi)
    where = {question.dimension: [question.member]} if question.dimension else None
    if kpi == "nps":
        yield right / 100, "That is the NPS as a fraction; NPS is in points from -100 to 100.", 0.005
    if question.dimension not in (None, "reason") and not CATALOGUE[kpi].additive:
        per_reason = measure(events, by=["reason"], kpis=[kpi], dims=dims, filters=where)[kpi].drop_nulls()
        yield (per_reason.mean() if per_reason.len() else None), (
            f"You averaged the {label} per reason; the {label} is not additive: recompute it from the "
            f"{'responses' if kpi in SURVEY else 'contacts'} of the whole {question.dimension} (measure by "
            f"{question.dimension}, not by reason).")
    if question.dimension is not None:
        yield figure(events, model, KpiQuestion(kpi)), (
            f"That is the {label} of all contacts; keep only the contacts of {question.dimension} "
            f"'{question.member}' (measure(..., by=['{question.dimension}'])).")
    rows = _rows(events, dims, question)
    if kpi in SURVEY:
        yield rows[kpi].mean(), (f"You averaged the {kpi.upper()} scores; "
                                 + {"nps": "NPS is % promoters (9-10) minus % detractors (0-6) among the responses.",
                                    "csat": "CSAT is the share of responses that are 4 or 5.",
                                    "ces": "CES is that mean, but over this group's responses only."}[kpi])
    if kpi == "nps":
        answered = rows["nps"].drop_nulls()
        yield (100 * (answered >= 9).mean() if answered.len() else None), (
            "You counted the promoters (9-10) but did not subtract the detractors (0-6).")
    if kpi in ("repeat_rate", "fcr"):
        other = "first-contact resolution" if kpi == "repeat_rate" else "repeat-contact rate"
        yield 1 - right, f"That is the {other}; the two add up to 1."
    if kpi in ("volume", "customers"):
        other = "customers" if kpi == "volume" else "volume"
        yield figure(events, model, KpiQuestion(other, question.dimension, question.member)), (
            "You counted distinct customers; volume counts contacts." if kpi == "volume"
            else "You counted contacts; customers counts each customer once.")
    if question.dimension == "journey" and CATALOGUE[kpi].additive:
        per_reason = measure(events, by=["reason"], kpis=[kpi], dims=dims).rows_by_key("reason", unique=True)
        steps = [s.reason for s in model.steps_of(question.member) if s.reason]
        yield sum(per_reason.get(r, (0,))[0] or 0 for r in steps), (
            "You added up the journey's steps; a reason that two steps link to counts its contacts once.")


def _rows(events: pl.DataFrame, dims, question: KpiQuestion) -> pl.DataFrame:
    if question.dimension is None:
        return events
    reasons = dims.reasons_where(question.dimension, [question.member]) \
        if question.dimension in ("journey", "process", "system") else None
    if reasons is not None:
        return events.filter(pl.col("reason").is_in(reasons))
    if question.dimension in ("phase", "stage"):
        keep = dims.reasons.filter(pl.col(question.dimension) == question.member)["reason"].to_list()
        return events.filter(pl.col("reason").is_in(keep))
    return events.filter(pl.col(question.dimension) == question.member)


def how_to(model: Model, question: KpiQuestion) -> str:
    """How to compute the figure with the workbench."""
    kpi = CATALOGUE[question.kpi]
    by = f"['{question.dimension}']" if question.dimension else "[]"
    pick = f" and read the row of '{question.member}'" if question.dimension else ""
    return (f"{kpi.label}: {kpi.description} Compute it with measure(events, by={by}, kpis=['{kpi.id}'], "
            f"dims=dimensions(model)){pick}.")


def _basis(events: pl.DataFrame, model: Model, question: KpiQuestion) -> str:
    if question.kpi not in SURVEY:
        return ""
    answered = _rows(events, dimensions(model), question)[question.kpi].drop_nulls().len()
    return f", from {answered:,} survey responses"


def _check_member(model: Model, question: KpiQuestion) -> None:
    if question.dimension is None:
        return
    items = getattr(model, DIMENSIONS[question.dimension])
    if question.member not in items:
        raise ValueError(f"unknown {question.dimension} '{question.member}'{did_you_mean(question.member, items)}")
