"""The entities of a workspace: frozen dataclasses keyed by stable slug ids (labels are free text)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Literal

EMOTIONS = range(-2, 3)
SCORES = range(1, 6)
JOURNEY_STATES = ("current", "future")
INSIGHT_KINDS = ("quote", "need", "pain", "observation")
OPPORTUNITY_STATUSES = ("Open", "In progress", "Solved", "Dismissed")
SOLUTION_STATUSES = ("Planned", "In progress", "Live", "Dropped")
#: what a solution's expected effect may name: relative changes of counts, points of NPS
EFFECT_FIGURES = ("volume", "cost", "repeats", "repeat_rate", "nps")


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Phase:
    id: str
    stage: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class ContactReason:
    id: str
    phase: str
    label: str
    description: str = ""
    owner: str = ""
    strategic_weight: float = 1.0


@dataclass(frozen=True)
class Channel:
    id: str
    label: str
    digital: bool = False


@dataclass(frozen=True)
class Segment:
    """A customer segment, described the way life-stage segmentation does (every attribute optional)."""

    id: str
    label: str
    description: str = ""
    needs_and_wants: str = ""
    pain_points: str = ""
    products: str = ""
    money_spent: float | None = None          # per customer per month, in the workspace's currency
    share_of_base: float | None = None        # 0–1 of all customers
    tenure: str = ""
    favourite_channels: tuple[str, ...] = ()  # channel ids
    risks: str = ""
    demographics: str = ""
    extra: tuple[tuple[str, str], ...] = ()   # free-form (name, value) pairs


@dataclass(frozen=True)
class Process:
    id: str
    label: str
    owner: str = ""
    description: str = ""
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class System:
    id: str
    label: str
    owner: str = ""
    description: str = ""
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Journey:
    id: str
    label: str
    state: Literal["current", "future"] = "current"
    counterpart: str | None = None
    segment: str | None = None
    scope: str = ""
    owner: str = ""
    description: str = ""
    revision: int = 0


@dataclass(frozen=True)
class Episode:
    id: str
    journey: str
    label: str
    description: str = ""
    emotion: int | None = None


@dataclass(frozen=True)
class Step:
    id: str
    journey: str
    label: str
    episode: str | None = None
    channel: str | None = None
    touchpoint: str = ""
    need: str = ""
    emotion: int | None = None
    target_emotion: int | None = None
    satisfaction: int | None = None
    importance_to_customer: int | None = None
    importance_to_organisation: int | None = None
    moment_of_truth: bool = False
    notes: str = ""
    reason: str | None = None



@dataclass(frozen=True)
class Insight:
    """What customers say or what the team learned: a quote (from a feedback row) or an interpreted need,
    pain or observation, linked to the steps, reasons and journeys it is about."""

    id: str
    kind: str                                  # quote | need | pain | observation
    title: str
    text: str = ""
    feedback: str | None = None                # the feedback row a quote comes from
    steps: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    journeys: tuple[str, ...] = ()
    owner: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class Opportunity:
    """Something to improve, on the contact reasons, steps and journeys it concerns; valued from their data."""

    id: str
    title: str
    description: str = ""
    status: str = "Open"                       # Open | In progress | Solved | Dismissed
    type: str = ""
    owner: str = ""
    reasons: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    journeys: tuple[str, ...] = ()
    effort: float | None = None                # 1–5, or person-days
    tags: tuple[str, ...] = ()
    parent: str | None = None                  # a broader opportunity this one is part of


@dataclass(frozen=True)
class Solution:
    """How an opportunity is tackled; with a go-live date its effect is monitored against ``expected``
    (figure → change: relative for volume, cost and repeats, points for NPS, e.g. ``(("volume", -0.3),)``)."""

    id: str
    opportunity: str
    title: str
    status: str = "Planned"                    # Planned | In progress | Live | Dropped
    owner: str = ""
    go_live: date | None = None
    expected: tuple[tuple[str, float], ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Layer:
    """A kind of thing a workspace links to its contact reasons and steps besides processes and IT systems:
    capabilities, departments, products, risks …"""

    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class LayerItem:
    """One item of a layer (a capability, a department …) and the reasons and steps that need it."""

    id: str
    layer: str
    label: str
    owner: str = ""
    description: str = ""
    reasons: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()


#: The framework collections (guarded by the model revision), in dependency order.
FRAMEWORK = ("stages", "phases", "reasons", "channels", "segments", "processes", "systems")
#: The journey collections (guarded by each journey's revision).
JOURNEY_PARTS = ("journeys", "episodes", "steps")
#: The improvement agenda and custom layers (guarded by the model revision, like the framework).
AGENDA = ("layers", "layer_items", "insights", "opportunities", "solutions")
ENTITY_TYPES: dict[str, type] = {
    "stages": Stage, "phases": Phase, "reasons": ContactReason, "channels": Channel,
    "segments": Segment, "processes": Process, "systems": System,
    "journeys": Journey, "episodes": Episode, "steps": Step,
    "layers": Layer, "layer_items": LayerItem, "insights": Insight, "opportunities": Opportunity,
    "solutions": Solution,
}
SINGULAR = {"stages": "stage", "phases": "phase", "reasons": "reason", "channels": "channel",
            "segments": "segment", "processes": "process", "systems": "system", "journeys": "journey",
            "episodes": "episode", "steps": "step", "layers": "layer", "layer_items": "layer item",
            "insights": "insight", "opportunities": "opportunity", "solutions": "solution"}
#: entity kind (singular, as in messages and dimension names) → the Model collection that holds it
COLLECTIONS = {"stage": "stages", "phase": "phases", "reason": "reasons", "channel": "channels",
               "segment": "segments", "process": "processes", "system": "systems", "journey": "journeys",
               "episode": "episodes", "step": "steps", "layer": "layers", "layer item": "layer_items",
               "insight": "insights", "opportunity": "opportunities", "solution": "solutions"}
#: tuples of ids an entity carries, and the collection they point into
ID_LISTS = {("processes", "reasons"): "reasons", ("systems", "reasons"): "reasons",
            ("segments", "favourite_channels"): "channels",
            ("insights", "steps"): "steps", ("insights", "reasons"): "reasons", ("insights", "journeys"): "journeys",
            ("opportunities", "reasons"): "reasons", ("opportunities", "steps"): "steps",
            ("opportunities", "journeys"): "journeys",
            ("layer_items", "reasons"): "reasons", ("layer_items", "steps"): "steps"}


def field_names(kind: str) -> list[str]:
    """The attribute names of an entity kind, in declaration order."""
    return [f.name for f in fields(ENTITY_TYPES[kind])]
