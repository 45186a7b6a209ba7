"""Choices for selectors: labels as names, ids as values, every name unique and current/future told apart."""

from __future__ import annotations

from collections.abc import Iterable

from workbench.model import COLLECTIONS, Model


def unique_names(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{name: id}`` from (name, id) pairs in order; a repeated name gets its id appended in brackets.

    >>> unique_names([("I pay", "pay"), ("I move", "move"), ("I pay", "pay-2")])
    {'I pay': 'pay', 'I move': 'move', 'I pay [pay-2]': 'pay-2'}
    """
    out: dict[str, str] = {}
    for name, ident in pairs:
        out[name if name not in out else f"{name} [{ident}]"] = ident
    return out


def choices(model: Model, kind: str) -> dict[str, str]:
    """``{label: id}`` of one kind of the model (reason, journey, segment, channel …) in model order.

    Journeys are titled with :meth:`Model.journey_title`, so a current and a future "I move house" are two
    entries.

    >>> from workbench.model import Journey
    >>> m = Model().add(Journey("move", "I move house"), Journey("move-future", "I move house", state="future"))
    >>> choices(m, "journey")
    {'I move house': 'move', 'I move house (future)': 'move-future'}
    """
    items = getattr(model, COLLECTIONS[kind])
    if kind == "journey":
        return unique_names((model.journey_title(j), j) for j in items)
    return unique_names((e.label, e.id) for e in items.values())
