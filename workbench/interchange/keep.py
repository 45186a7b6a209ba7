"""What an import keeps from the workspace, and the links of kept things that the import would break.

A file replaces what it holds and leaves the rest: a YAML file the top-level keys it has, a flat sheet
replaces stages, phases and reasons
(and channels, when it lists them); a workbook without a Journeys, Episodes and Steps sheet leaves the
journeys, one without a Channels sheet the channels, and so on. A kept step linked to a reason the
file no longer has is a problem, named by journey and step, and nothing is imported.
"""

from __future__ import annotations

from workbench.interchange.labels import Labels
from workbench.interchange.problems import Problem
from workbench.model import AGENDA, JOURNEY_PARTS, SINGULAR, Model, did_you_mean

#: The life cycle model itself: kept only when a file (a partial YAML) holds none of it.
FRAMEWORK = ("stages", "phases", "reasons")
#: Collections a file may leave out, to keep the workspace's own.
KEEPABLE = ("channels", "segments", "processes", "systems", *JOURNEY_PARTS, *AGENDA)


def kept_kinds(absent: set[str] | frozenset[str]) -> set[str]:
    """The collections kept from the workspace when a file holds none of ``absent``.

    Journeys, episodes and steps go together: a file with any of them replaces all three; so do stages,
    phases and reasons.

    >>> sorted(kept_kinds({"channels", "steps"})), sorted(kept_kinds({"journeys", "episodes", "steps"}))
    (['channels'], ['episodes', 'journeys', 'steps'])
    >>> sorted(kept_kinds({"stages", "phases", "reasons"})), sorted(kept_kinds({"reasons"}))
    (['phases', 'reasons', 'stages'], [])
    """
    kept = {kind for kind in absent if kind in KEEPABLE and kind not in JOURNEY_PARTS}
    for together in (JOURNEY_PARTS, FRAMEWORK):
        if set(together) <= set(absent):
            kept |= set(together)
    return kept


def broken_links(model: Model, base: Model, kept: set[str], file: str) -> list[Problem]:
    """Problems for things kept from ``base`` whose links ``model`` (the import's result) would break."""
    out: list[Problem] = []

    def broken(where: str, kind: str, key: str, what: Labels, olds: dict, advice: str) -> None:
        old = olds[key].label if key in olds else ""
        found = what.resolve(old) if old else None
        if found is not None and found.id:
            close = f" (it has that label under the id '{found.id}')"
        else:
            close = did_you_mean(old or key, [label.strip() for label in what.labels.values()])
        out.append(Problem(file, None, None, where,
                           f"kept from the workspace, it links to {kind} '{key}'" + (f" ('{old}')" if old else "")
                           + f", which this file does not hold{close}; {advice}"))

    reasons = Labels({k: r.label for k, r in model.reasons.items()}, "reason")
    channels = Labels({k: c.label for k, c in model.channels.items()}, "channel")
    if "steps" in kept:
        for step in model.steps.values():
            where = f"journey '{step.journey}' / step '{step.id}'"
            if step.reason is not None and step.reason not in model.reasons:
                broken(where, "reason", step.reason, reasons, base.reasons,
                       "add the reason to the file, or link the step to another reason first")
            if step.channel is not None and step.channel not in model.channels:
                broken(where, "channel", step.channel, channels, base.channels,
                       "add the channel to the file, or change the step's channel first")
    if "journeys" in kept:
        segments = Labels({k: s.label for k, s in model.segments.items()}, "segment")
        for journey in model.journeys.values():
            if journey.segment is not None and journey.segment not in model.segments:
                broken(f"journey '{journey.id}'", "segment", journey.segment, segments, base.segments,
                       "add the segment to the file, or change the journey's segment first")
    for kind in ("processes", "systems"):
        if kind in kept:
            for item in getattr(model, kind).values():
                for reason in item.reasons:
                    if reason not in model.reasons:
                        broken(f"{SINGULAR[kind]} '{item.id}'", "reason", reason,
                               reasons, base.reasons, "add the reason to the file, or unlink it first")
    return out
