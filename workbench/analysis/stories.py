"""User stories for delivery teams, one per step of a (future) journey, in columns a backlog tool imports.

A story reads "As a <segment or persona>, in <episode>, I want <need> so that <the journey's goal>"
(Dutch models: "Als …, wil ik in … …, zodat …"). Its acceptance hints come from the step: the channel it
must work in, the touchpoint, a moment of truth to test with customers, and the contact reason it must
resolve without a repeat contact. The columns — Summary, Description, Labels, Epic, Acceptance criteria,
Issue Type — import into Jira, Azure DevOps and most backlog tools as CSV or Excel.
"""

from __future__ import annotations

import re

import polars as pl

from workbench.model import Model

COLUMNS = ("Summary", "Description", "Acceptance criteria", "Labels", "Epic", "Issue Type")
WORDS = {
    "en": {"as": "As {who}, in “{episode}”, I want {need} so that {goal}.", "who": "a customer",
           "works": "Works in the {channel} channel", "touch": "Touchpoint: {touchpoint}",
           "truth": "Moment of truth: test it with customers before release",
           "resolves": "Resolves “{reason}” without a repeat contact within 7 days",
           "emotion": "Customers feel at least {target:+d} here (today {now})", "story": "Story"},
    "nl": {"as": "Als {who} wil ik in “{episode}” {need}, zodat {goal}.", "who": "klant",
           "works": "Werkt in het kanaal {channel}", "touch": "Contactmoment: {touchpoint}",
           "truth": "Moment van de waarheid: test met klanten vóór livegang",
           "resolves": "Lost “{reason}” op zonder herhaalcontact binnen 7 dagen",
           "emotion": "Klanten voelen zich hier minstens {target:+d} (nu {now})", "story": "Story"},
}


def user_stories(model: Model, journey: str) -> pl.DataFrame:
    """One story per step of ``journey`` (see the module docstring), in step order.

    Examples
    --------
    >>> from workbench.model import Channel, Episode, Journey, Segment, Step
    >>> m = Model().add(Segment("families", "Families"), Channel("app", "App", True),
    ...                 Journey("move", "I move house", state="future", segment="families"),
    ...                 Episode("e", "move", "I prepare"),
    ...                 Step("s", "move", "Changes address in the app", episode="e", channel="app",
    ...                      need="to change my address in one go", moment_of_truth=True))
    >>> user_stories(m, "move")["Description"][0]
    'As a Families customer, in “I prepare”, I want to change my address in one go so that I move house.'
    """
    if journey not in model.journeys:
        raise ValueError(f"unknown journey '{journey}'")
    j = model.journeys[journey]
    english = not model.language.startswith("nl")
    words = WORDS["en" if english else "nl"]
    segment = model.segments[j.segment].label if j.segment in model.segments else None
    if segment:
        who = f"a {segment} customer" if english else f"{segment}-klant"
    else:
        who = words["who"]
    goal = _goal(j.label, english)
    rows = []
    for step in model.steps_of(journey):
        episode = model.episodes[step.episode].label if step.episode in model.episodes else j.label
        need = _as_want(step.need, english) or _need(step.label, english)
        criteria = []
        if step.channel in model.channels:
            criteria.append(words["works"].format(channel=model.channels[step.channel].label))
        if step.touchpoint:
            criteria.append(words["touch"].format(touchpoint=step.touchpoint))
        if step.moment_of_truth:
            criteria.append(words["truth"])
        if step.reason in model.reasons:
            criteria.append(words["resolves"].format(reason=model.reasons[step.reason].label))
        if step.target_emotion is not None and step.target_emotion > (step.emotion if step.emotion is not None else -3):
            now = "?" if step.emotion is None else f"{step.emotion:+d}"
            criteria.append(words["emotion"].format(target=step.target_emotion, now=now))
        labels = [x for x in (step.channel, step.reason, "moment-of-truth" if step.moment_of_truth else None) if x]
        rows.append({"Summary": step.label, "Description": words["as"].format(who=who, episode=episode, need=need,
                                                                                 goal=goal),
                     "Acceptance criteria": "\n".join(f"• {c}" for c in criteria), "Labels": " ".join(labels),
                     "Epic": f"{j.label} — {episode}", "Issue Type": words["story"]})
    return pl.DataFrame(rows, schema=dict.fromkeys(COLUMNS, pl.String))


def _goal(label: str, english: bool) -> str:
    """The journey's label as the end of "so that …": "I move house" stays, other labels get "I can"."""
    text = label.strip().rstrip(".")
    first = text.split(" ", 1)[0].casefold()
    if english:
        return text[0].lower() + text[1:] if first != "i" else text
    return text[0].lower() + text[1:] if first == "ik" else text


def _as_want(need: str, english: bool) -> str:
    """A step's need as the object of "I want": a need written as "I want to …" loses its "I want".

    >>> _as_want("I want to know if I can keep my subscription", True), _as_want("Ik wil weten wat het kost", False)
    ('to know if I can keep my subscription', 'weten wat het kost')
    """
    text = need.strip().rstrip(".")
    prefix = re.match(r"(?i)^(i want|i'd like|i would like)\s+" if english else r"(?i)^(ik wil|ik zou graag)\s+", text)
    return text[prefix.end():] if prefix else text


def _need(label: str, english: bool) -> str:
    """A need from a step label when the step has none: "Changes address" → "to change address"."""
    text = label.strip().rstrip(".")
    if english:
        first, _, rest = text.partition(" ")
        verb = first[:-1] if first.endswith("s") and not first.endswith("ss") else first
        return f"to {verb.lower()} {rest}".strip()
    return text[0].lower() + text[1:]
