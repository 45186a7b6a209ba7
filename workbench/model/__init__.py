"""The domain model: life cycle framework, journeys, their links and the improvement agenda. Pure Python,
no I/O.

A :class:`Model` holds every entity of a workspace keyed by its stable slug id, in display order.
Entities are frozen dataclasses (:mod:`workbench.model.entities`); the model operations
(``move_reason``, ``merge_reasons``, ``delete_reason``, ``link`` …) return nothing and change the model in
place, keeping its invariants. The store persists a model by diffing it against the version it was
loaded from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from workbench.errors import InputError
from workbench.model.entities import (
    AGENDA,
    COLLECTIONS,
    EFFECT_FIGURES,
    EMOTIONS,
    ENTITY_TYPES,
    FRAMEWORK,
    ID_LISTS,
    INSIGHT_KINDS,
    JOURNEY_PARTS,
    JOURNEY_STATES,
    OPPORTUNITY_STATUSES,
    SCORES,
    SINGULAR,
    SOLUTION_STATUSES,
    Channel,
    ContactReason,
    Episode,
    Insight,
    Journey,
    Layer,
    LayerItem,
    Opportunity,
    Phase,
    Process,
    Segment,
    Solution,
    Stage,
    Step,
    System,
    field_names,
)
from workbench.model.ids import SLUG, did_you_mean, slugify, unique_id

_did_you_mean = did_you_mean

__all__ = [
    "AGENDA", "COLLECTIONS", "EFFECT_FIGURES", "EMOTIONS", "ENTITY_TYPES", "FRAMEWORK", "ID_LISTS", "INSIGHT_KINDS",
    "JOURNEY_PARTS", "JOURNEY_STATES", "OPPORTUNITY_STATUSES", "SCORES", "SINGULAR", "SLUG", "SOLUTION_STATUSES",
    "Channel", "ContactReason", "Episode", "Insight", "Journey", "Layer", "LayerItem", "Model", "ModelError",
    "Opportunity", "Phase", "Process", "ReasonInUse", "Segment", "Solution", "Stage", "Step", "System",
    "did_you_mean", "field_names", "slugify", "unique_id",
]


class ModelError(InputError):
    """An operation would break an invariant of the model."""


class ReasonInUse(ModelError):
    """A contact reason cannot be deleted because journey steps link to it."""

    def __init__(self, reason: str, steps: list[Step]):
        self.reason, self.steps = reason, steps
        listing = ", ".join(f"{s.journey}/{s.id}" for s in steps)
        super().__init__(
            f"contact reason '{reason}' is linked by {len(steps)} step(s): {listing}; "
            "move those links to another reason first (delete_reason(..., relink_to=ID))"
        )


@dataclass
class Model:
    """Every entity of one workspace, keyed by id, in display order (dict order)."""

    name: str = "Untitled workspace"
    language: str = "en"
    description: str = ""
    voice_prefixes: tuple[str, ...] = ()
    revision: int = 0
    stages: dict[str, Stage] = field(default_factory=dict)
    phases: dict[str, Phase] = field(default_factory=dict)
    reasons: dict[str, ContactReason] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    segments: dict[str, Segment] = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict)
    systems: dict[str, System] = field(default_factory=dict)
    journeys: dict[str, Journey] = field(default_factory=dict)
    episodes: dict[str, Episode] = field(default_factory=dict)
    steps: dict[str, Step] = field(default_factory=dict)
    layers: dict[str, Layer] = field(default_factory=dict)
    layer_items: dict[str, LayerItem] = field(default_factory=dict)
    insights: dict[str, Insight] = field(default_factory=dict)
    opportunities: dict[str, Opportunity] = field(default_factory=dict)
    solutions: dict[str, Solution] = field(default_factory=dict)
    #: Reasons removed since this copy was made → the reason that took them over (None: deleted). Not
    #: stored: it tells the store what to do with data keyed by those reasons (the crosswalk).
    successors: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    # -- building and reading -------------------------------------------------------------------
    def copy(self) -> Model:
        """An independent copy (entities are immutable, so the dicts are all that is copied).

        The copy starts with no ``successors``: it records what its own operations remove.
        """
        return Model(
            name=self.name, language=self.language, description=self.description,
            voice_prefixes=self.voice_prefixes, revision=self.revision,
            **{kind: dict(getattr(self, kind)) for kind in ENTITY_TYPES},
        )

    def add(self, *entities: object) -> Model:
        """Add (or replace) entities by their id, all or none; checks references. Returns the model."""
        kinds = {cls: kind for kind, cls in ENTITY_TYPES.items()}
        trial = self.copy()
        for entity in entities:
            kind = kinds.get(type(entity))
            if kind is None:
                raise TypeError(f"cannot add a {type(entity).__name__} to a model; expected one of "
                                f"{', '.join(c.__name__ for c in ENTITY_TYPES.values())}")
            problems = list(trial._reference_problems(kind, entity))
            if problems:
                raise ModelError("; ".join(problems))
            getattr(trial, kind)[entity.id] = entity
        for kind in ENTITY_TYPES:
            setattr(self, kind, getattr(trial, kind))
        return self

    def phases_of(self, stage: str) -> list[Phase]:
        return [p for p in self.phases.values() if p.stage == stage]

    def reasons_of(self, phase: str) -> list[ContactReason]:
        return [r for r in self.reasons.values() if r.phase == phase]

    def episodes_of(self, journey: str) -> list[Episode]:
        return [e for e in self.episodes.values() if e.journey == journey]

    def steps_of(self, journey: str) -> list[Step]:
        return [s for s in self.steps.values() if s.journey == journey]

    def steps_linked_to(self, reason: str) -> list[Step]:
        return [s for s in self.steps.values() if s.reason == reason]

    def stage_of(self, reason: str) -> str:
        return self.phases[self.reasons[reason].phase].stage

    def journey_title(self, journey: str) -> str:
        """A journey's label, with "(future)" for a future-state journey (current and future share labels).

        >>> Model().add(Journey("m", "I move house", state="future")).journey_title("m")
        'I move house (future)'
        """
        j = self.journeys[journey]
        return f"{j.label} (future)" if j.state == "future" and "future" not in j.label.lower() else j.label

    def designed_sequence(self, journey: str) -> list[str]:
        """The linked reasons of a journey's steps, in step order (unlinked steps left out)."""
        return [s.reason for s in self.steps_of(journey) if s.reason]

    def entities(self) -> Iterator[tuple[str, object]]:
        for kind in ENTITY_TYPES:
            for entity in getattr(self, kind).values():
                yield kind, entity

    # -- validation --------------------------------------------------------------------------------
    def _reference_problems(self, kind: str, e) -> Iterator[str]:
        where = f"{SINGULAR[kind]} '{e.id}'"
        if not SLUG.match(e.id):
            yield f"{where}: id must be a lowercase slug like '{slugify(e.id)}'"
        refs: list[tuple[str, str | None, str]] = {
            "phases": [("stage", e.stage, "stages")] if kind == "phases" else [],
            "reasons": [("phase", getattr(e, "phase", None), "phases")],
            "journeys": [("segment", getattr(e, "segment", None), "segments")],
            "episodes": [("journey", getattr(e, "journey", None), "journeys")],
            "steps": [("journey", getattr(e, "journey", None), "journeys"),
                      ("episode", getattr(e, "episode", None), "episodes"),
                      ("channel", getattr(e, "channel", None), "channels"),
                      ("reason", getattr(e, "reason", None), "reasons")],
        }.get(kind, [])
        for attr, value, target in refs:
            if value is not None and value not in getattr(self, target):
                yield f"{where}: unknown {attr} '{value}'"
        for (owner, attr), target in ID_LISTS.items():
            if owner == kind:
                for ref in getattr(e, attr):
                    if ref not in getattr(self, target):
                        field_name = "" if attr == target else f" in {attr}"
                        yield f"{where}: unknown {SINGULAR[target]} '{ref}'{field_name}"
        yield from self._agenda_problems(kind, e, where)
        if kind == "steps":
            if e.episode is not None and e.episode in self.episodes and \
                    self.episodes[e.episode].journey != e.journey:
                yield f"{where}: episode '{e.episode}' belongs to another journey"
            for attr in ("emotion", "target_emotion"):
                v = getattr(e, attr)
                if v is not None and v not in EMOTIONS:
                    yield f"{where}: {attr} {v} is outside -2..+2"
            for attr in ("satisfaction", "importance_to_customer", "importance_to_organisation"):
                v = getattr(e, attr)
                if v is not None and v not in SCORES:
                    yield f"{where}: {attr} {v} is outside 1..5"
        if kind == "episodes" and e.emotion is not None and e.emotion not in EMOTIONS:
            yield f"{where}: emotion {e.emotion} is outside -2..+2"
        if kind == "journeys" and e.state not in JOURNEY_STATES:
            yield f"{where}: state must be 'current' or 'future', not '{e.state}'"

    def _agenda_problems(self, kind: str, e, where: str) -> Iterator[str]:
        """The rules of the improvement agenda's and the layers' entities."""
        if kind == "insights" and e.kind not in INSIGHT_KINDS:
            yield f"{where}: kind must be one of {', '.join(INSIGHT_KINDS)}, not '{e.kind}'"
        if kind == "opportunities":
            if e.status not in OPPORTUNITY_STATUSES:
                yield f"{where}: status must be one of {', '.join(OPPORTUNITY_STATUSES)}, not '{e.status}'"
            if e.effort is not None and e.effort < 0:
                yield f"{where}: effort cannot be negative ({e.effort})"
            if e.parent is not None and e.parent not in self.opportunities and e.parent != e.id:
                yield f"{where}: unknown parent opportunity '{e.parent}'"
            if e.parent == e.id:
                yield f"{where}: an opportunity cannot be its own parent"
        if kind == "solutions":
            if e.opportunity not in self.opportunities:
                hint = _did_you_mean(e.opportunity, self.opportunities)
                yield f"{where}: unknown opportunity '{e.opportunity}'{hint}"
            if e.status not in SOLUTION_STATUSES:
                yield f"{where}: status must be one of {', '.join(SOLUTION_STATUSES)}, not '{e.status}'"
            for figure, _ in e.expected:
                if figure not in EFFECT_FIGURES:
                    yield f"{where}: an expected effect names one of {', '.join(EFFECT_FIGURES)}, not '{figure}'"
        if kind == "layer_items" and e.layer not in self.layers:
            yield f"{where}: unknown layer '{e.layer}'{_did_you_mean(e.layer, self.layers)}"
        if kind == "segments":
            for attr in ("share_of_base", "money_spent"):
                value = getattr(e, attr)
                if value is not None and value < 0 or (attr == "share_of_base" and value is not None and value > 1):
                    yield f"{where}: {attr} {value} is out of range"

    def problems(self) -> list[str]:
        """Every broken invariant (dangling reference, bad id, out-of-range score); empty if sound."""
        out = [p for kind, e in self.entities() for p in self._reference_problems(kind, e)]
        for j in self.journeys.values():
            if j.counterpart is not None and j.counterpart not in self.journeys:
                out.append(f"journey '{j.id}': unknown counterpart '{j.counterpart}'")
        return out

    # -- operations on the framework ------------------------------------------------------------
    def rename(self, kind: str, id: str, label: str) -> None:
        """Change a label; the id (and every link to it) stays."""
        items = getattr(self, kind)
        items[id] = replace(self._get(kind, id), label=label)

    def move_reason(self, reason: str, phase: str, *, before: str | None = None) -> None:
        """Move a contact reason to another phase (links stay), optionally before another reason."""
        self._get("phases", phase)
        moved = replace(self._get("reasons", reason), phase=phase)
        del self.reasons[reason]
        self.reasons = _insert(self.reasons, moved, before)

    def move_phase(self, phase: str, stage: str, *, before: str | None = None) -> None:
        self._get("stages", stage)
        moved = replace(self._get("phases", phase), stage=stage)
        del self.phases[phase]
        self.phases = _insert(self.phases, moved, before)

    def merge_reasons(self, source: str, into: str) -> None:
        """Merge reason ``source`` into ``into``: steps, processes and systems follow; source is gone."""
        if source == into:
            raise ModelError(f"cannot merge reason '{source}' into itself")
        self._get("reasons", source), self._get("reasons", into)
        self._relink(source, into)
        del self.reasons[source]
        self._succeed(source, into)

    def delete_reason(self, reason: str, *, relink_to: str | None = None) -> None:
        """Delete a reason; refused with the list of linked steps unless ``relink_to`` is given."""
        self._get("reasons", reason)
        linked = self.steps_linked_to(reason)
        if linked and relink_to is None:
            raise ReasonInUse(reason, linked)
        if relink_to is not None:
            self._get("reasons", relink_to)
            if relink_to == reason:
                raise ModelError(f"cannot move the links of reason '{reason}' to itself while deleting it")
        self._relink(reason, relink_to)
        del self.reasons[reason]
        self._succeed(reason, relink_to)

    def _succeed(self, gone: str, by: str | None) -> None:
        """Record that ``gone`` left the model for ``by``; reasons that had gone to ``gone`` follow it."""
        for old, new in self.successors.items():
            if new == gone:
                self.successors[old] = by
        self.successors[gone] = by

    def delete_phase(self, phase: str) -> None:
        """Delete an empty phase; refused while it still holds reasons."""
        self._get("phases", phase)
        if held := self.reasons_of(phase):
            raise ModelError(f"phase '{phase}' still holds {len(held)} reason(s): "
                             f"{', '.join(r.id for r in held)}; move or delete them first")
        del self.phases[phase]

    def _relink(self, old: str, new: str | None) -> None:
        for s in self.steps_linked_to(old):
            self.steps[s.id] = replace(s, reason=new)
        for (kind, attr), target in ID_LISTS.items():
            if target != "reasons":
                continue
            items = getattr(self, kind)
            for key, item in items.items():
                ids = getattr(item, attr)
                if old in ids:
                    merged = [new if r == old else r for r in ids if new is not None or r != old]
                    items[key] = replace(item, **{attr: tuple(dict.fromkeys(merged))})

    # -- operations on journeys -------------------------------------------------------------------
    def future_version(self, journey: str, *, label: str | None = None) -> str:
        """Add a future-state copy of a current journey (episodes, steps and links copied; its counterpart is
        the current one) and return its id. The copy is where a redesign starts.

        >>> m = Model().add(Journey("move", "I move house"), Episode("e", "move", "I prepare"),
        ...                 Step("s", "move", "Reports the move", episode="e"))
        >>> new = m.future_version("move")
        >>> new, m.journeys[new].state, m.journeys[new].counterpart, [s.episode for s in m.steps_of(new)]
        ('move-future', 'future', 'move', ['move-future-e'])
        """
        source = self._get("journeys", journey)
        if source.state != "current":
            raise ModelError(f"journey '{journey}' is a future design already; make the future of a current journey")
        new_id = unique_id(f"{journey}-future", self.journeys)
        self.journeys[new_id] = replace(source, id=new_id, label=label or source.label, state="future",
                                        counterpart=journey, revision=0)
        episodes = {}
        for e in self.episodes_of(journey):
            episodes[e.id] = unique_id(f"{new_id}-{e.id}", self.episodes)
            self.episodes[episodes[e.id]] = replace(e, id=episodes[e.id], journey=new_id)
        for s in self.steps_of(journey):
            sid = unique_id(f"{new_id}-{s.id}", self.steps)
            self.steps[sid] = replace(s, id=sid, journey=new_id, episode=episodes.get(s.episode))
        return new_id

    def link(self, step: str, reason: str | None) -> None:
        """Link a journey step to exactly one contact reason (``None`` clears the link)."""
        if reason is not None:
            self._get("reasons", reason)
        self.steps[step] = replace(self._get("steps", step), reason=reason)

    def _get(self, kind: str, id: str):
        try:
            return getattr(self, kind)[id]
        except KeyError:
            raise ModelError(f"unknown {SINGULAR[kind]} '{id}'{_did_you_mean(id, getattr(self, kind))}") from None


def _insert(items: dict, entity, before: str | None) -> dict:
    if before is None:
        return {**items, entity.id: entity}
    if before not in items:
        raise ModelError(f"cannot place '{entity.id}' before unknown '{before}'{_did_you_mean(before, items)}")
    out = {}
    for key, value in items.items():
        if key == before:
            out[entity.id] = entity
        out[key] = value
    return out

