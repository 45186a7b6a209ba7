"""Analysis on top of metrics: journey mining (directly-follows graph, variants, conformance)."""

from workbench.analysis.conformance import Conformance, conformance
from workbench.analysis.mining import (
    OrderedLog,
    channel_switches,
    directly_follows,
    order_events,
    variants,
    with_level,
)

__all__ = [
    "Conformance",
    "OrderedLog",
    "channel_switches",
    "conformance",
    "directly_follows",
    "order_events",
    "variants",
    "with_level",
]
