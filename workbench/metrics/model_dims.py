"""Dimension tables of a workspace model: where each reason sits and which journeys use it."""

from __future__ import annotations

from workbench.metrics.dimensions import Dimensions
from workbench.model import Model


def dimensions(model: Model) -> Dimensions:
    """The model's reason → phase → stage table, its many-to-many links and its digital channels.

    A journey is linked to a reason when at least one of its steps links to it.

    Examples
    --------
    >>> from workbench.model import Model, Stage, Phase, ContactReason, Channel
    >>> m = Model().add(Stage("s", "S"), Phase("p", "s", "P"), ContactReason("r", "p", "I pay"),
    ...                 Channel("app", "App", True))
    >>> dimensions(m).reasons.row(0)
    ('r', 'p', 's')
    """
    journeys: dict[str, list[str]] = {j: [] for j in model.journeys}
    for step in model.steps.values():
        if step.reason:
            journeys[step.journey].append(step.reason)
    return Dimensions.build(
        reasons={r.id: (r.phase, model.phases[r.phase].stage) for r in model.reasons.values()},
        journeys=journeys,
        processes={p.id: p.reasons for p in model.processes.values()},
        systems={s.id: s.reasons for s in model.systems.values()},
        channels={c.id: c.digital for c in model.channels.values()},
    )
