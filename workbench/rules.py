"""The framework design rules: what a sound life cycle model and its journeys look like.

:func:`check` runs every rule in :data:`RULES` over a :class:`~workbench.model.Model` and returns
:class:`Finding` objects, errors first. An *error* is something the rest of the workbench cannot work
with (an empty phase, a duplicate label, a dangling reference); a *warning* is a departure from the
method that a team may accept knowingly (fewer than 60 contact reasons, an unlinked step).

Choices made here, so a reader need not guess:

- ``customer-voice``: a reason label must start with a voice prefix (``"I "``, ``"My "`` …),
  compared case-insensitively after leading whitespace. A prefix that ends in a letter is a whole
  word: ``"My"`` and ``"My "`` both accept "My bill" and neither accepts "Myself"; one that ends
  otherwise (``"J'"``) is a plain start. The prefixes are the model's own ``voice_prefixes`` if set
  (an entry holding commas or semicolons, "Ik,Mijn", counts as several), else the ``voice_prefixes``
  argument, else :data:`VOICE_PREFIXES` for ``model.language`` (``"nl-BE"`` counts as ``"nl"``). A
  language with no known prefixes gives one warning on the model instead of a guess. The fix hint
  never glues a prefix to a label that already starts with a customer's word of another language or
  list ("Mijn …" when only "Ik" is set): it says to add that word to the prefixes instead.
- ``unlinked-step``: one warning per unlinked step, in current and future journeys alike.
- ``episode-count``: journey-mapping practice recommends 5-7 episodes; only a journey that has
  episodes and fewer than 3 or more than 9 of them is flagged, so a sketchy journey is not nagged.
- ``orphan-process`` / ``orphan-system``: linked to no *existing* reason (links to unknown reasons are
  ``dangling-reference`` errors as well).
- ``counterpart``: checked from both sides: a journey whose counterpart does not point back is
  flagged, and so is a future journey whose counterpart is not a current journey.
- ``dangling-reference``: every message of :meth:`Model.problems` (unknown ids, bad ids,
  out-of-range scores), as an error located on the entity it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from workbench.model import SINGULAR, Model

Severity = Literal["error", "warning"]

#: Default voice prefixes per language (used when neither the model nor the caller gives any).
VOICE_PREFIXES: dict[str, tuple[str, ...]] = {
    "en": ("I ", "I'm ", "I’m ", "My "),
    "nl": ("Ik ", "Mijn "),
    "fr": ("Je ", "J'", "J’", "Mon ", "Ma ", "Mes "),
    "de": ("Ich ", "Mein "),
}
#: Words that put a label in the customer's voice in some language (beyond the prefixes in use).
CUSTOMER_WORDS = tuple(dict.fromkeys([*(p for ps in VOICE_PREFIXES.values() for p in ps), "We ", "Our ", "Wij ",
                                      "Ons ", "Onze ", "Nous ", "Notre ", "Nos ", "Wir ", "Unser ", "Unsere ",
                                      "Meine ", "Meinen "]))
EPISODE_RANGE = (3, 9)


@dataclass(frozen=True)
class Finding:
    """One departure from a design rule.

    ``kind`` is the model collection the finding is about (``"reasons"``, ``"steps"`` …, or
    ``"model"`` for the whole model) and ``id`` the entity's id (``""`` for the model), so a UI can
    look it up with ``getattr(model, kind)[id]``. ``location`` is the same place for people.
    """

    rule: str
    severity: Severity
    location: str
    kind: str
    id: str
    message: str
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        """The finding as a JSON-safe dict (what ``workbench check --json`` prints).

        >>> Finding("empty-stage", "error", "stage 's'", "stages", "s", "empty").to_dict()["rule"]
        'empty-stage'
        """
        return asdict(self)


@dataclass(frozen=True)
class Rule:
    """A design rule: its id, the severity of its findings, a one-line description, and its check."""

    id: str
    severity: Severity
    description: str
    run: Callable[[Model, _Options], Iterable[Finding]]


@dataclass(frozen=True)
class _Options:
    reasons_with_data: set[str] | None
    voice_prefixes: tuple[str, ...] | None
    reason_range: tuple[int, int]


#: Every rule, in registration order; UIs and the CLI list them from here.
RULES: list[Rule] = []


def _rule(rule_id: str, severity: Severity, description: str):
    def register(fn):
        RULES.append(Rule(rule_id, severity, description, fn))
        return fn
    return register


def location(model: Model, kind: str, id: str) -> str:
    """A short human path to an entity: ``reason 'pay-bill'``, ``journey 'move' / step 'move-3'``."""
    if kind == "model":
        return "model"
    here = f"{SINGULAR.get(kind, kind)} '{id}'"
    if kind in ("steps", "episodes") and id in getattr(model, kind):
        return f"journey '{getattr(model, kind)[id].journey}' / {here}"
    return here


def _finding(model: Model, rule: str, severity: Severity, kind: str, id: str, message: str,
             fix: str = "") -> Finding:
    return Finding(rule, severity, location(model, kind, id), kind, id, message, fix)


def _norm(label: str) -> str:
    return " ".join(label.split()).casefold()


# -- the framework ------------------------------------------------------------------------------
@_rule("reason-count", "warning", "the number of contact reasons is outside 60-80 (too coarse or too fine)")
def _reason_count(model: Model, opts: _Options) -> Iterator[Finding]:
    low, high = opts.reason_range
    n = len(model.reasons)
    if not low <= n <= high:
        advice = ("split broad reasons so each names one activity" if n < low
                  else "merge reasons that customers would not tell apart")
        yield _finding(model, "reason-count", "warning", "model", "",
                       f"{n} contact reasons; an organisation rarely needs more than {low}-{high}", advice)


@_rule("empty-phase", "error", "a phase holds no contact reasons")
def _empty_phase(model: Model, opts: _Options) -> Iterator[Finding]:
    for p in model.phases.values():
        if not model.reasons_of(p.id):
            yield _finding(model, "empty-phase", "error", "phases", p.id,
                           f"phase '{p.label}' holds no contact reasons",
                           "add the reasons customers contact you for in this phase, or delete it")


@_rule("empty-stage", "error", "a stage holds no phases")
def _empty_stage(model: Model, opts: _Options) -> Iterator[Finding]:
    for s in model.stages.values():
        if not model.phases_of(s.id):
            yield _finding(model, "empty-stage", "error", "stages", s.id,
                           f"stage '{s.label}' holds no phases", "add a phase to it, or delete it")


@_rule("duplicate-label", "error", "two stages, phases or reasons share a label (ignoring case and spacing)")
def _duplicate_label(model: Model, opts: _Options) -> Iterator[Finding]:
    for kind in ("stages", "phases", "reasons"):
        first: dict[str, str] = {}
        for item in getattr(model, kind).values():
            key = _norm(item.label)
            if key not in first:
                first[key] = item.id
                continue
            what = SINGULAR[kind]
            yield _finding(model, "duplicate-label", "error", kind, item.id,
                           f"{what} '{item.id}' has the same label as {what} '{first[key]}': '{item.label}'",
                           f"merge the two {kind} or make their labels tell them apart")


def _prefixes(model: Model, opts: _Options) -> tuple[str, ...] | None:
    given = model.voice_prefixes or opts.voice_prefixes
    if given:
        split = (part.lstrip() for prefix in given for part in re.split(r"[,;\n]", prefix))
        return tuple(dict.fromkeys(part for part in split if part.strip())) or None
    return VOICE_PREFIXES.get(re.split(r"[-_]", model.language or "en")[0].lower())


def voice_start(label: str, prefixes: Sequence[str]) -> str | None:
    """The (longest) prefix ``label`` starts with (see the module docstring), or None.

    >>> voice_start("my bill", ["I", "My "]), voice_start("Myself", ["My"]), voice_start("J'annule", ["J'"])
    ('My ', None, "J'")
    """
    text = label.lstrip().casefold()
    found = None
    for prefix in prefixes:
        word = prefix.strip().casefold()
        if not word or not text.startswith(word):
            continue
        if (not word[-1].isalnum() or not text[len(word):len(word) + 1].isalnum()) and \
                (found is None or len(word) > len(found.strip())):
            found = prefix  # the longest: "I'm " rather than "I "
    return found


def _rephrase(label: str, prefix: str) -> str:
    text = label.strip()
    if text[:1].isupper() and not text[1:2].isupper() and not prefix.lower().startswith(("ich", "mein")):
        text = text[0].lower() + text[1:]  # German nouns and acronyms keep their capital
    joint = " " if prefix[-1:].isalnum() else ""
    return f"{prefix}{joint}{text}"


@_rule("customer-voice", "warning", "a reason label is not in the customer's voice ('I …', 'My …')")
def _customer_voice(model: Model, opts: _Options) -> Iterator[Finding]:
    prefixes = _prefixes(model, opts)
    if prefixes is None:
        if model.reasons:
            yield _finding(model, "customer-voice", "warning", "model", "",
                           f"no voice prefixes known for language '{model.language}'; labels not checked",
                           "set the model's voice_prefixes, e.g. ('Yo ', 'Mi ')")
        return
    starts = " / ".join(f"'{p.strip()}'" for p in prefixes)
    for r in model.reasons.values():
        if voice_start(r.label, prefixes) is not None:
            continue
        other = voice_start(r.label, CUSTOMER_WORDS)
        if other is not None:
            word = r.label.lstrip()[:len(other.strip())]
            fix = (f"it starts with '{word}', a customer's word that is not a voice prefix here: add it to the "
                   f"workspace's voice prefixes, or start the label with {starts}")
        else:
            fix = f"rephrase it as the customer would say it, e.g. '{_rephrase(r.label, prefixes[0])}'"
        yield _finding(model, "customer-voice", "warning", "reasons", r.id,
                       f"label '{r.label}' is not in the customer's voice (it should start with {starts})", fix)


@_rule("unused-reason", "warning", "a reason is used by no journey step, process or system (nor has data)")
def _unused_reason(model: Model, opts: _Options) -> Iterator[Finding]:
    used = {s.reason for s in model.steps.values()}
    used |= {r for kind in ("processes", "systems") for item in getattr(model, kind).values()
             for r in item.reasons}
    used |= opts.reasons_with_data or set()
    for r in model.reasons.values():
        if r.id not in used:
            with_data = " or contact data" if opts.reasons_with_data is not None else ""
            yield _finding(model, "unused-reason", "warning", "reasons", r.id,
                           f"reason '{r.label}' is used by no journey step, process or system{with_data}",
                           "link a journey step to it, or merge it into a reason that is used")


def _orphans(kind: str):
    def run(model: Model, opts: _Options) -> Iterator[Finding]:
        what = SINGULAR[kind]
        for item in getattr(model, kind).values():
            if not any(r in model.reasons for r in item.reasons):
                yield _finding(model, f"orphan-{what}", "warning", kind, item.id,
                               f"{what} '{item.label}' is linked to no contact reason",
                               f"list the contact reasons this {what} serves, or remove it")
    return run


_rule("orphan-process", "warning", "a back-office process is linked to no contact reason")(
    _orphans("processes"))
_rule("orphan-system", "warning", "an IT system is linked to no contact reason")(_orphans("systems"))


# -- journeys ---------------------------------------------------------------------------------------
@_rule("unlinked-step", "warning", "a journey step is linked to no contact reason")
def _unlinked_step(model: Model, opts: _Options) -> Iterator[Finding]:
    for s in model.steps.values():
        if s.reason is None:
            yield _finding(model, "unlinked-step", "warning", "steps", s.id,
                           f"step '{s.label}' is linked to no contact reason",
                           "link it to the one contact reason the customer has at this step")


@_rule("empty-journey", "warning", "a journey has no steps")
def _empty_journey(model: Model, opts: _Options) -> Iterator[Finding]:
    for j in model.journeys.values():
        if not model.steps_of(j.id):
            yield _finding(model, "empty-journey", "warning", "journeys", j.id,
                           f"journey '{j.label}' has no steps", "map its steps, or delete it")


@_rule("episode-count", "warning", "a journey has episodes but fewer than 3 or more than 9 (5-7 is usual)")
def _episode_count(model: Model, opts: _Options) -> Iterator[Finding]:
    low, high = EPISODE_RANGE
    for j in model.journeys.values():
        n = len(model.episodes_of(j.id))
        if n and not low <= n <= high:
            yield _finding(model, "episode-count", "warning", "journeys", j.id,
                           f"journey '{j.label}' has {n} episode(s); 5-7 is the usual practice",
                           "split or merge episodes into 5-7 chapters the customer would recognise")


@_rule("counterpart", "warning", "a journey's current/future counterpart does not point back")
def _counterpart(model: Model, opts: _Options) -> Iterator[Finding]:
    for j in model.journeys.values():
        other = model.journeys.get(j.counterpart) if j.counterpart else None
        if other is None:
            continue  # no counterpart, or an unknown one (a dangling-reference error)
        if other.counterpart != j.id:
            back = f"'{other.counterpart}'" if other.counterpart else "nothing"
            yield _finding(model, "counterpart", "warning", "journeys", j.id,
                           f"counterpart '{other.id}' points back to {back}, not to '{j.id}'",
                           f"set the counterpart of journey '{other.id}' to '{j.id}'")
        elif j.state == "future" and other.state != "current":
            yield _finding(model, "counterpart", "warning", "journeys", j.id,
                           f"future journey '{j.id}' has counterpart '{other.id}', which is not current",
                           f"mark '{other.id}' as the current state, or pair '{j.id}' with a current journey")


# -- invariants ---------------------------------------------------------------------------------------
_PROBLEM = re.compile(r"^(\w+) '([^']*)': (.*)$", re.DOTALL)
_KIND_OF = {v: k for k, v in SINGULAR.items()}


@_rule("dangling-reference", "error", "a broken invariant: unknown reference, bad id, out-of-range value")
def _dangling(model: Model, opts: _Options) -> Iterator[Finding]:
    for problem in model.problems():
        match = _PROBLEM.match(problem)
        kind = _KIND_OF.get(match.group(1)) if match else None
        if kind is None:
            yield Finding("dangling-reference", "error", "model", "model", "", problem,
                          "correct the reference or the value")
            continue
        yield _finding(model, "dangling-reference", "error", kind, match.group(2), match.group(3),
                       "correct the reference or the value, or add what it refers to")


# -- running the rules ------------------------------------------------------------------------------
def _natural(text: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def sort_key(f: Finding) -> tuple:
    """Errors first, then by rule id, then by location (numbers in ids compared as numbers)."""
    return (f.severity != "error", f.rule, _natural(f.location), f.message)


def check(model: Model, *, reasons_with_data: set[str] | None = None,
          voice_prefixes: Sequence[str] | None = None,
          reason_range: tuple[int, int] = (60, 80)) -> list[Finding]:
    """Run every rule in :data:`RULES` over ``model``; findings sorted errors first, then rule, location.

    ``reasons_with_data``: ids of reasons that have contact data (such a reason is not unused).
    ``voice_prefixes``: prefixes for ``customer-voice`` when the model sets none.

    Examples
    --------
    >>> from workbench.model import ContactReason, Model, Phase, Stage
    >>> m = Model().add(Stage("s", "Being a customer"), Phase("p", "s", "Billing"),
    ...                 ContactReason("pay", "p", "Pay the bill"))
    >>> [(f.rule, f.severity, f.location) for f in check(m, reason_range=(1, 80))]
    [('customer-voice', 'warning', "reason 'pay'"), ('unused-reason', 'warning', "reason 'pay'")]
    >>> summary(check(m))
    {'errors': 0, 'warnings': 3}
    """
    opts = _Options(set(reasons_with_data) if reasons_with_data is not None else None,
                    tuple(voice_prefixes) if voice_prefixes else None, tuple(reason_range))
    return sorted((f for rule in RULES for f in rule.run(model, opts)), key=sort_key)


def summary(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts per severity: ``{'errors': n, 'warnings': m}``."""
    findings = list(findings)
    errors = sum(f.severity == "error" for f in findings)
    return {"errors": errors, "warnings": len(findings) - errors}


def format_findings(findings: Sequence[Finding]) -> str:
    """The findings as plain text for a terminal, one per line with its fix below, then a count."""
    if not findings:
        return "No findings: the model follows every design rule."
    width = max(len(f.rule) for f in findings)
    lines = []
    for f in findings:
        lines.append(f"{f.severity:<7} {f.rule:<{width}}  {f.location}: {f.message}")
        if f.fix:
            lines.append(f"{'':<7} {'':<{width}}  fix: {f.fix}")
    counts = summary(findings)
    lines.append(f"{counts['errors']} error(s), {counts['warnings']} warning(s)")
    return "\n".join(lines)
