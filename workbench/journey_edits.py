"""Edits of a journey as the map editor makes them: add, remove and move a step, change a step's fields,
add or rename an episode, make a journey; and undo of an edit. Panel-free: each function changes the
model it is given (a copy the caller saves, revision-checked, with ``Session.save`` or
``Workspace.commit``) and raises :class:`~workbench.model.ModelError` with a plain sentence when the edit
cannot be made.

Steps and episodes keep their journey's order in the model's dict order (the store saves it as their
position). Moving a step past the first or last step of its episode moves it into the neighbouring
episode instead of mixing two episodes' steps.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from workbench.model import Episode, Journey, Model, ModelError, Step, unique_id
from workbench.model.entities import EMOTIONS

#: the step fields the map edits, with how they are shown
STEP_FIELDS = {"label": "Label", "episode": "Episode", "channel": "Channel", "touchpoint": "Touchpoint",
               "need": "Need", "emotion": "Emotion", "target_emotion": "Target emotion",
               "moment_of_truth": "Moment of truth", "notes": "Notes", "reason": "Contact reason"}


def _step(model: Model, step: str) -> Step:
    if step not in model.steps:
        raise ModelError(f"step '{step}' is not in the journey any more (someone may have removed it)")
    return model.steps[step]


def _place(items: dict, entity, after: str | None, first: str | None = None) -> dict:
    """``items`` with ``entity`` right after ``after`` (or before ``first``, or at the end)."""
    out, placed = {}, False
    for key, value in items.items():
        if key == entity.id:
            continue
        if key == first and after is None and not placed:
            out[entity.id], placed = entity, True
        out[key] = value
        if key == after:
            out[entity.id], placed = entity, True
    if not placed:
        out[entity.id] = entity
    return out


def add_step(model: Model, journey: str, label: str, *, after: str | None = None, episode: str | None = None) -> str:
    """Add a step to ``journey`` after step ``after`` (default: at the end), in ``after``'s episode (the
    last step's, or the first episode in a journey without steps) unless ``episode`` is given; its id.

    >>> m = Model().add(Journey("j", "I move"), Episode("e", "j", "I plan"), Step("a", "j", "Calls", episode="e"),
    ...                 Step("b", "j", "Waits", episode="e"))
    >>> add_step(m, "j", "Reads the letter", after="a"), [s.id for s in m.steps_of("j")]
    ('j-reads-the-letter', ['a', 'j-reads-the-letter', 'b'])
    >>> m.steps["j-reads-the-letter"].episode
    'e'
    """
    if journey not in model.journeys:
        raise ModelError(f"journey '{journey}' does not exist any more")
    if not label.strip():
        raise ModelError("a step needs a label: what the customer does")
    steps = model.steps_of(journey)
    if after is not None:
        episode = episode or _step(model, after).episode
    elif episode is None:
        episodes = model.episodes_of(journey)
        episode = steps[-1].episode if steps else (episodes[0].id if episodes else None)
    last = after or (steps[-1].id if steps else None)
    new = Step(unique_id(f"{journey}-{label}", model.steps), journey, label.strip(), episode=episode)
    model.steps = _place(model.steps, new, last)
    return new.id


def remove_step(model: Model, step: str) -> None:
    """Remove a step; refused while an insight, opportunity or layer item names it (unlink it there first)."""
    _step(model, step)
    users = [f"{kind[:-1] if kind != 'opportunities' else 'opportunity'} “{getattr(e, 'title', None) or e.label}”"
             for kind in ("insights", "opportunities", "layer_items") for e in getattr(model, kind).values()
             if step in e.steps]
    if users:
        raise ModelError(f"the step is named by {', '.join(users)}; remove it there first")
    del model.steps[step]


def move_step(model: Model, step: str, by: int) -> None:
    """Move a step one place earlier (``by`` = -1) or later (+1) in its journey.

    At the edge of its episode the step moves into the neighbouring episode (and stays where it is in the
    journey's order); at the start or end of the journey nothing moves.

    >>> m = Model().add(Journey("j", "I move"), Episode("e1", "j", "I plan"), Episode("e2", "j", "I go"),
    ...                 Step("a", "j", "A", episode="e1"), Step("b", "j", "B", episode="e1"),
    ...                 Step("c", "j", "C", episode="e2"))
    >>> move_step(m, "a", +1); [s.id for s in m.steps_of("j")]
    ['b', 'a', 'c']
    >>> move_step(m, "a", +1); [(s.id, s.episode) for s in m.steps_of("j")]
    [('b', 'e1'), ('a', 'e2'), ('c', 'e2')]
    """
    this = _step(model, step)
    order = [s.id for s in model.steps_of(this.journey)]
    i = order.index(step)
    j = i + (1 if by > 0 else -1)
    if not 0 <= j < len(order):
        return
    other = model.steps[order[j]]
    if other.episode != this.episode:
        model.steps[step] = replace(this, episode=other.episode)
        return
    ids = list(model.steps)
    a, b = ids.index(step), ids.index(other.id)
    ids[a], ids[b] = ids[b], ids[a]
    model.steps = {k: model.steps[k] for k in ids}


def set_step(model: Model, step: str, **values) -> None:
    """Change some fields of a step (see ``STEP_FIELDS``); empty text for an optional id clears it.

    >>> m = Model().add(Journey("j", "I move"), Step("a", "j", "Calls"))
    >>> set_step(m, "a", need="one call", emotion=-1); m.steps["a"].need, m.steps["a"].emotion
    ('one call', -1)
    """
    this = _step(model, step)
    known = {f.name for f in fields(Step)} - {"id", "journey"}
    if unknown := set(values) - known:
        raise ModelError(f"a step has no field {', '.join(sorted(unknown))}")
    for name in ("emotion", "target_emotion"):
        if values.get(name) is not None and values[name] not in EMOTIONS:
            raise ModelError(f"{STEP_FIELDS[name].lower()} is on a scale of -2 to +2, not {values[name]}")
    if "label" in values and not str(values["label"]).strip():
        raise ModelError("a step needs a label: what the customer does")
    for name in ("episode", "channel", "reason"):
        if name in values and not values[name]:
            values[name] = None
    model.steps[step] = replace(this, **values)


def add_episode(model: Model, journey: str, label: str) -> str:
    """Add an episode at the end of ``journey``'s episodes; returns its id."""
    if journey not in model.journeys:
        raise ModelError(f"journey '{journey}' does not exist any more")
    if not label.strip():
        raise ModelError("an episode needs a title, e.g. “I plan my move”")
    episodes = model.episodes_of(journey)
    new = Episode(unique_id(f"{journey}-{label}", model.episodes), journey, label.strip())
    model.episodes = _place(model.episodes, new, episodes[-1].id if episodes else None)
    return new.id


def rename_episode(model: Model, episode: str, label: str) -> None:
    if episode not in model.episodes:
        raise ModelError(f"episode '{episode}' does not exist any more")
    if not label.strip():
        raise ModelError("an episode needs a title, e.g. “I plan my move”")
    model.episodes[episode] = replace(model.episodes[episode], label=label.strip())


def new_journey(model: Model, label: str, *, segment: str | None = None) -> str:
    """Add a blank current-state journey titled ``label`` (in the customer's voice) with one episode; its id."""
    if not label.strip():
        raise ModelError("a journey needs a title in the customer's voice, e.g. “I move house”")
    journey = Journey(unique_id(label, model.journeys), label.strip(), segment=segment)
    model.journeys[journey.id] = journey
    add_episode(model, journey.id, "First episode")
    return journey.id


# -- undo -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class JourneyState:
    """A journey's own row (None: it did not exist), episodes and steps, in order; revisions left out."""

    journey: Journey | None
    episodes: tuple[Episode, ...]
    steps: tuple[Step, ...]


def state_of(model: Model, journey: str) -> JourneyState:
    j = model.journeys.get(journey)
    return JourneyState(replace(j, revision=0) if j else None, tuple(model.episodes_of(journey)),
                        tuple(model.steps_of(journey)))


def restore(model: Model, journey: str, state: JourneyState) -> None:
    """Put ``journey`` back as ``state`` says (the journey keeps its place and its current revision)."""
    revision = model.journeys[journey].revision if journey in model.journeys else 0
    model.episodes = {k: e for k, e in model.episodes.items() if e.journey != journey}
    model.steps = {k: s for k, s in model.steps.items() if s.journey != journey}
    if state.journey is None:
        model.journeys.pop(journey, None)
        return
    model.journeys[journey] = replace(state.journey, revision=revision)
    model.episodes.update({e.id: e for e in state.episodes})
    model.steps.update({s.id: s for s in state.steps})


def undo(model: Model, journey: str, before: JourneyState, after: JourneyState) -> None:
    """Undo an edit of ``journey`` from ``before`` to ``after``; refused when the journey changed since.

    >>> m = Model().add(Journey("j", "I move"), Step("a", "j", "Calls"))
    >>> before = state_of(m, "j"); _ = add_step(m, "j", "Waits"); after = state_of(m, "j")
    >>> undo(m, "j", before, after); [s.label for s in m.steps_of("j")]
    ['Calls']
    """
    if state_of(model, journey) != after:
        raise ModelError("the journey was changed since your last edit (by you or someone else); "
                         "nothing to undo")
    restore(model, journey, before)
