"""Current vs future on a hand-made pair: the summary, each step's change, and no contacts credited to the
future design."""

from __future__ import annotations

import html
import re

from workbench.analysis.journey_compare import compare_journeys
from workbench.display.journey_compare import compare_html, summary_lines
from workbench.model import Channel, ContactReason, Episode, Journey, Model, Phase, Stage, Step


def pair() -> Model:
    """Today: call (phone, -2 → +1), letter (no channel), bill question (phone, -1 → +1) in two episodes.
    Future: the call becomes an app step at +1, the letter is gone, a new chat step is added, the bill
    question stays on the phone at 0 (gap not closed), and a new reason is used."""
    return Model().add(
        Stage("st", "Being"), Phase("ph", "st", "Using"),
        *(ContactReason(r, "ph", label) for r, label in (("move", "I move"), ("letter", "I read a letter"),
                                                          ("bill", "I question my bill"), ("chat", "I chat"))),
        Channel("phone", "Phone"), Channel("app", "App", True), Channel("chat", "Chat", True),
        Journey("now", "I move house", counterpart="next"), Journey("next", "I move house", state="future"),
        Episode("n1", "now", "I arrange"), Episode("n2", "now", "I settle in"),
        Episode("f1", "next", "I arrange"), Episode("f2", "next", "i settle in "),  # matched ignoring case/space
        Step("a", "now", "Calls to report the move", episode="n1", channel="phone", emotion=-2, target_emotion=1,
             reason="move"),
        Step("b", "now", "Waits for a letter", episode="n1", reason="letter"),
        Step("c", "now", "Asks about the bill", episode="n2", channel="phone", emotion=-1, target_emotion=1,
             reason="bill"),
        Step("x", "next", "Reports the move in the app", episode="f1", channel="app", emotion=1, reason="move"),
        Step("y", "next", "Chats about the date", episode="f1", channel="chat", emotion=1, reason="chat"),
        Step("z", "next", "Asks about the bill", episode="f2", channel="phone", emotion=0, reason="bill"),
    )


VOLUMES = {"move": 100, "letter": 40, "bill": 60, "chat": 7}


def test_summary_by_hand():
    result = compare_journeys(pair(), "now", "next", VOLUMES)
    assert result.summary.row(0, named=True) == {
        "current_steps": 3, "future_steps": 3, "removed": 1, "added": 1, "channel_changes": 1,
        "emotion_gaps": 2, "gaps_closed": 1,       # a: -2 → target 1, future +1 closes it; c: future 0 does not
        "reasons_dropped": 1, "reasons_new": 1,     # letter is no longer used; chat is new
        "contacts_no_longer_needed": 40}            # today's contacts on "letter" only
    assert result.dropped_reasons.rows() == [("letter", "I read a letter", 40)]
    assert result.changes("current") == {"a": "channel changed", "b": "removed", "c": "kept"}
    assert result.changes("future") == {"x": "channel changed", "y": "added", "z": "kept"}
    # steps matched within episodes, episode by episode (the future's second episode label differs only in
    # case and spaces), the added ones after the matched ones of their episode
    assert result.steps.select("episode", "change").rows() == [
        ("I arrange", "channel changed"), ("I arrange", "removed"), ("I arrange", "added"), ("I settle in", "kept")]


def test_without_figures_no_contacts_are_claimed():
    result = compare_journeys(pair(), "now", "next")
    assert "contacts_no_longer_needed" not in result.summary.columns
    assert result.dropped_reasons["contacts"].to_list() == [None]
    empty = compare_journeys(pair(), "now", "next", {})               # data, but none on these reasons
    assert empty.summary["contacts_no_longer_needed"].to_list() == [0]


def test_the_page_shows_the_summary_and_aligns_episodes():
    model = pair()
    result = compare_journeys(model, "now", "next", VOLUMES)
    assert summary_lines(model, result) == [
        "3 steps today, 3 in the future design: 1 removed, 1 added, 1 in another channel.",
        "1 of 2 emotion gaps closed (today's experience below its target, and the future step designed to reach it).",
        "“Calls to report the move”: Phone → App.",
        "1 contact reason(s) the future no longer uses, with 40 contacts today."]
    page = compare_html(model, "now", "next", result)
    for line in summary_lines(model, result):
        assert html.escape(line) in page
    assert "no longer used: I read a letter: 40 contacts today" in page
    sides = dict(re.findall(r"<div data-side='(current|future)'>(.*?)</div>", page)[:2])
    assert "removed</span>2. Waits for a letter" in sides["current"]
    assert "added</span>2. Chats about the date" in sides["future"]
    # the future column never shows a contact count: today's contacts belong to today's journey
    future_cells = "".join(body for side, body in re.findall(r"<div data-side='(current|future)'>(.*?)</div>", page)
                           if side == "future")
    assert "contacts" not in future_cells and not any(str(v) in future_cells for v in (100, 40, 60))

