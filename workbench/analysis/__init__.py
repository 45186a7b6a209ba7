"""Analysis on top of metrics: priority scores, impact of a change, link suggestions, and journey mining
(directly-follows graph, variants, channel switching, conformance to the designed journeys)."""

from workbench.analysis.conformance import Conformance, conformance
from workbench.analysis.impact import Impact, ImpactGraph, dependencies, impact
from workbench.analysis.mining import (
    OrderedLog,
    channel_switches,
    directly_follows,
    order_events,
    variants,
    with_level,
)
from workbench.analysis.priority import PriorityWeights, explain, priorities, priority_scores
from workbench.analysis.suggest import Suggestion, suggest, suggest_all

__all__ = [
    "Conformance",
    "Impact",
    "ImpactGraph",
    "OrderedLog",
    "PriorityWeights",
    "Suggestion",
    "channel_switches",
    "conformance",
    "dependencies",
    "directly_follows",
    "explain",
    "impact",
    "order_events",
    "priorities",
    "priority_scores",
    "suggest",
    "suggest_all",
    "variants",
    "with_level",
]
