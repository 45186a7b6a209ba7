"""Step 3, Link: a half-linked journey to finish, and the check of a trainee's links against a key."""

from __future__ import annotations

from typing import Any

from workbench.exercises.result import CheckResult, model_of, plural
from workbench.model import Model, Step, did_you_mean

#: A colleague's start on 'I move house' for exercise 3: step → reason (the other steps are unlinked).
#: move-1 is right, move-2 in the right phase, move-4 and move-12 in the wrong phase, move-11 in the wrong stage.
COLLEAGUE_LINKS = {"move-1": "check-coverage", "move-2": "change-details", "move-4": "question-bill",
                   "move-11": "receive-final-bill", "move-12": "file-complaint"}
TOP = 5  # without a key, a link outside the top suggestions is worth a second look


def start_links(model: Model, journey: str = "i-move-house",
                links: dict[str, str] | None = None) -> Model:
    """A copy of ``model`` with ``journey``'s steps unlinked except a colleague's (partly wrong) links."""
    start = model.copy()
    links = COLLEAGUE_LINKS if links is None else links
    for step in start.steps_of(journey):
        start.link(step.id, links.get(step.id) if links.get(step.id) in start.reasons else None)
    return start


def check_links(ws: Any, journey: str, *, key: Model | None = None) -> CheckResult:
    """Check the links of ``journey``'s steps against an answer ``key`` (a model with the same journey
    linked; default: the workspace's template, e.g. the demo's telecom model).

    A link to another reason of the key's phase is accepted (and named, to discuss); another phase or
    another stage is wrong, and so is an unlinked step. Without a key for this journey, every step must
    be linked and links outside the top 5 suggestions are named as worth a second look.
    """
    model = model_of(ws)
    if journey not in model.journeys:
        return CheckResult(f"Links of '{journey}'", False, [
            f"There is no journey '{journey}'{did_you_mean(journey, model.journeys)}."])
    key = key if key is not None else _template_key(ws, model, journey)
    steps = model.steps_of(journey)
    title = f"Links of '{model.journeys[journey].label}'"
    messages = []
    unlinked = [s for s in steps if s.reason is None]
    if unlinked:
        listing = "; ".join(f"'{s.id}' '{s.label}'" for s in unlinked[:6])
        more = f" and {len(unlinked) - 6} more" if len(unlinked) > 6 else ""
        messages.append(f"{plural(len(unlinked), 'step is', 'steps are')} not linked yet: {listing}{more}. Link "
                        "each to the one contact reason the customer has at that step (model.link(step, reason); "
                        "suggest(model, step) ranks candidates).")
    linked = [s for s in steps if s.reason is not None]
    if key is None:
        return _without_key(model, title, messages, linked)
    wrong_stage, wrong_phase, other_reason = [], [], []
    for step in linked:
        expected = key.steps.get(step.id)
        if expected is None or expected.reason is None or expected.reason not in model.reasons \
                or step.reason == expected.reason:
            continue
        mine, theirs = model.reasons[step.reason], model.reasons[expected.reason]
        if mine.phase == theirs.phase:
            other_reason.append((step, expected.reason))
        elif model.stage_of(step.reason) == model.stage_of(expected.reason):
            wrong_phase.append((step, expected.reason))
        else:
            wrong_stage.append((step, expected.reason))
    if wrong_stage:
        detail = "; ".join(f"{_link(model, s)} ({_stage(model, s.reason)}), but at this step{_episode(model, s)} "
                           f"the customer is in '{_stage(model, r)}'" for s, r in wrong_stage)
        messages.append(f"{plural(len(wrong_stage), 'of your links points', 'of your links point')} to a reason in "
                        f"the wrong stage: {detail}.")
    if wrong_phase:
        detail = "; ".join(f"{_link(model, s)} (phase '{_phase(model, s.reason)}'): look in phase "
                           f"'{_phase(model, r)}'" for s, r in wrong_phase)
        messages.append(f"{plural(len(wrong_phase), 'link is', 'links are')} in the right stage but the wrong "
                        f"phase: {detail}.")
    ok = not messages
    if other_reason:
        detail = "; ".join(f"{_link(model, s)}, where the key has '{model.reasons[r].label}'" for s, r in other_reason)
        messages.append(f"{plural(len(other_reason), 'link differs', 'links differ')} from the facilitators' key "
                        f"within the right phase, which can be defended: {detail}. Discuss it in the debrief.")
    if ok:
        messages.insert(0, f"All {plural(len(steps), 'step')} are linked, each to a reason in the right phase.")
    return CheckResult(title, ok, messages)


def _without_key(model: Model, title: str, messages: list[str], linked: list[Step]) -> CheckResult:
    from workbench.analysis.suggest import Suggester

    suggester = Suggester(model)
    doubtful = [s for s in linked if s.reason not in {x.reason for x in suggester.suggest(s.id, top=TOP)}]
    ok = not messages
    if ok:
        messages.append(f"All {plural(len(linked), 'step')} are linked (no answer key for this journey: the links "
                        "were compared with the link suggestions only).")
    if doubtful:
        messages.append(f"Worth a second look, as the link is not among the top {TOP} suggestions: "
                        + "; ".join(_link(model, s) for s in doubtful[:6]) + ".")
    return CheckResult(title, ok, messages)


def _template_key(ws: Any, model: Model, journey: str) -> Model | None:
    from workbench.templates import load_template, template_paths

    name = getattr(ws, "config", {}).get("template") or "telecom"
    if name not in template_paths():
        return None
    key = load_template(name)
    same = {s.id for s in key.steps_of(journey)} == {s.id for s in model.steps_of(journey)}
    return key if journey in key.journeys and same else None


def _link(model: Model, step: Step) -> str:
    return f"step '{step.id}' '{step.label}' → '{model.reasons[step.reason].label}'"


def _stage(model: Model, reason: str) -> str:
    return model.stages[model.stage_of(reason)].label


def _phase(model: Model, reason: str) -> str:
    return model.phases[model.reasons[reason].phase].label


def _episode(model: Model, step: Step) -> str:
    return f" (episode '{model.episodes[step.episode].label}')" if step.episode in model.episodes else ""
