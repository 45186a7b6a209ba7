"""Workspace settings people edit in the dashboard or the CLI, read with their revision and saved
revision-checked: two editors saving at once get a conflict, never a silent overwrite.

- the priority weights and survey targets (:class:`~workbench.analysis.priority.PriorityWeights`);
- the workspace's own KPIs (definitions as in ``workbench kpis --add``).
"""

from __future__ import annotations

from workbench.analysis.priority import PriorityWeights
from workbench.store import Store

PRIORITY_WEIGHTS = "priority.weights"
CUSTOM_KPIS = "metrics.custom_kpis"


def priority_weights(store: Store | None) -> tuple[PriorityWeights, int, str]:
    """The saved weights, their revision (0: never saved) and a problem text ('' when they are valid).

    Invalid saved weights give the defaults and say why, so a dashboard still opens.
    """
    if store is None:
        return PriorityWeights(), 0, ""
    saved, revision = store.get_setting_revision(PRIORITY_WEIGHTS, {})
    try:
        return PriorityWeights.from_dict(saved), revision, ""
    except ValueError as exc:
        return PriorityWeights(), revision, f"The saved weights are invalid, defaults are used: {exc}"


def save_priority_weights(store: Store, weights: PriorityWeights, *, revision: int) -> int:
    """Save ``weights`` if nobody saved since ``revision``; returns the new revision (ConflictError otherwise)."""
    return store.set_setting(PRIORITY_WEIGHTS, weights.to_dict(), expected_revision=revision)


def custom_kpis(store: Store) -> tuple[list[dict], int]:
    """The workspace's own KPI definitions and their revision."""
    return store.get_setting_revision(CUSTOM_KPIS, [])


def save_custom_kpis(store: Store, definitions: list[dict], *, revision: int) -> int:
    """Save the workspace's own KPI definitions if nobody saved since ``revision``; returns the new revision."""
    return store.set_setting(CUSTOM_KPIS, definitions, expected_revision=revision)


TARGETS = "kpi.targets"
MIN_RESPONSES = "survey.min_responses"
MARGIN = "customers.margin"


def targets(store: Store | None) -> tuple[list, int]:
    """The workspace's KPI targets (:class:`~workbench.analysis.overview.Target`) and their revision."""
    from workbench.analysis.overview import Target

    if store is None:
        return [], 0
    saved, revision = store.get_setting_revision(TARGETS, [])
    return [Target.from_dict(t) for t in saved], revision


def save_targets(store: Store, items: list, *, revision: int) -> int:
    """Save the targets if nobody saved since ``revision``; returns the new revision."""
    return store.set_setting(TARGETS, [t.to_dict() for t in items], expected_revision=revision)


def min_responses(store: Store | None) -> int:
    """Below how many survey responses a figure is shown greyed and never judged (default 30)."""
    from workbench.analysis.overview import MIN_RESPONSES as DEFAULT

    return int(store.get_setting(MIN_RESPONSES, DEFAULT)) if store is not None else DEFAULT


def margin(store: Store | None) -> float:
    """The margin on revenue the customer lifetime value uses (default 0.3)."""
    return float(store.get_setting(MARGIN, 0.3)) if store is not None else 0.3
