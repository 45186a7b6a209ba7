"""Step 1, Frame: a flawed draft life cycle model to repair, and the check of a trainee's model."""

from __future__ import annotations

from collections import defaultdict

from workbench.exercises.result import CheckResult, plural, quoted
from workbench.model import SINGULAR, ContactReason, Model
from workbench.rules import VOICE_PREFIXES, Finding, check

#: Rules about the framework itself; journey rules (unlinked steps, unused reasons …) come in later steps.
FRAME_RULES = ("reason-count", "empty-stage", "empty-phase", "duplicate-label", "customer-voice",
               "dangling-reference")
#: Reasons the draft leaves out (so it has too few, and phase 'After leaving' is empty).
DRAFT_LEFT_OUT = ("explore-bundles", "transfer-phone-data", "use-abroad", "report-bereavement", "manage-privacy",
                  "pause-subscription", "refer-a-friend", "request-my-data", "come-back")
#: Reasons the draft labels as a department would, not as the customer would.
DRAFT_DEPARTMENT_LABELS = {"question-bill": "Billing disputes", "report-fault": "Fault reports",
                           "cancel-subscription": "Cancellation"}
#: A second reason with the label of 'pay-bill', as two workshop groups wrote it down.
DRAFT_DUPLICATE = ContactReason("pay-my-bill", "billing-and-paying", "I pay my bill")


def draft_framework(model: Model) -> Model:
    """A workshop draft of the telecom life cycle model with typical mistakes, for exercise 1.

    Made from ``model`` (the demo's telecom model): journeys and the improvement agenda removed, 9 reasons left
    out (58 + a duplicate = 59, and phase 'after-leaving' empty), 3 reasons labelled as departments say them.

    Examples
    --------
    >>> from workbench.templates import load_template
    >>> draft = draft_framework(load_template("telecom"))
    >>> len(draft.reasons), draft.reasons["report-fault"].label, draft.reasons_of("after-leaving")
    (59, 'Fault reports', [])
    """
    draft = model.copy()
    draft.journeys, draft.episodes, draft.steps = {}, {}, {}
    draft.insights, draft.opportunities, draft.solutions = {}, {}, {}
    for reason in DRAFT_LEFT_OUT:
        if reason in draft.reasons:
            draft.delete_reason(reason)
    for reason, label in DRAFT_DEPARTMENT_LABELS.items():
        if reason in draft.reasons:
            draft.rename("reasons", reason, label)
    if DRAFT_DUPLICATE.phase in draft.phases:
        draft.add(DRAFT_DUPLICATE)
        draft.move_reason(DRAFT_DUPLICATE.id, DRAFT_DUPLICATE.phase, before="question-bill")
    return draft


def check_framework(model: Model, *, reason_range: tuple[int, int] = (60, 80)) -> CheckResult:
    """Check a trainee's life cycle model: 60-80 reasons in the customer's voice, no empty phases or stages,
    no two reasons with one label. Built on :func:`workbench.rules.check`, phrased for a trainee."""
    found: dict[str, list[Finding]] = defaultdict(list)
    for finding in check(model, reason_range=reason_range):
        if finding.rule in FRAME_RULES:
            found[finding.rule].append(finding)
    messages = [text for rule in FRAME_RULES for text in _explain(rule, found[rule], model, reason_range)]
    if messages:
        return CheckResult("Life cycle model", False, messages)
    counts = (f"{plural(len(model.stages), 'stage')}, {plural(len(model.phases), 'phase')} and "
              f"{plural(len(model.reasons), 'contact reason')}")
    return CheckResult("Life cycle model", True, [
        f"{counts}: every reason in the customer's voice, no empty phase or stage, no label used twice."])


def _explain(rule: str, findings: list[Finding], model: Model, reason_range: tuple[int, int]) -> list[str]:
    if not findings:
        return []
    if rule == "reason-count":
        n, (low, high) = len(model.reasons), reason_range
        what = ("too few: some reasons are too broad, or moments customers contact you for are missing"
                if n < low else "too many: merge reasons a customer would not tell apart")
        return [f"Your model has {n} contact reasons; an organisation usually needs {low}-{high}, so this is {what}."]
    if rule == "empty-phase":
        return [f"Phase '{model.phases[f.id].label}' (stage '{model.stages[model.phases[f.id].stage].label}') has "
                "no contact reasons: add what customers contact you for in this phase, or delete the phase "
                f"(model.delete_phase('{f.id}'))." for f in findings]
    if rule == "empty-stage":
        return [f"Stage '{model.stages[f.id].label}' has no phases: give it at least one phase, or delete it."
                for f in findings]
    if rule == "duplicate-label":
        return [_duplicate(f, model) for f in findings]
    if rule == "customer-voice":
        starts = " or ".join(f"'{p}'" for p in dict.fromkeys(p.strip() for p in _prefixes(model)))
        listing = quoted([f"'{model.reasons[f.id].label}' ({f.id})" for f in findings], limit=6, quote=False)
        return [f"{plural(len(findings), 'reason label is', 'reason labels are')} not in the customer's voice: "
                f"{listing}. Say what the customer does, starting with {starts}: 'Fault reports' becomes "
                "'I report a fault' (model.rename('reasons', id, label))."]
    return [f"{f.location}: {f.message}; {f.fix}" for f in findings]


def _duplicate(finding: Finding, model: Model) -> str:
    kind = SINGULAR[finding.kind]
    item = getattr(model, finding.kind)[finding.id]
    first = next(i for i in getattr(model, finding.kind).values()
                 if " ".join(i.label.split()).casefold() == " ".join(item.label.split()).casefold())
    merge = f" (model.merge_reasons('{item.id}', into='{first.id}'))" if kind == "reason" else ""
    return (f"Two {kind}s share the label '{item.label}': '{first.id}' and '{item.id}'. If they are the same "
            f"activity merge them{merge}; if not, make the labels say how they differ.")


def _prefixes(model: Model) -> tuple[str, ...]:
    return tuple(model.voice_prefixes) or VOICE_PREFIXES.get((model.language or "en")[:2].lower(),
                                                            VOICE_PREFIXES["en"])
