"""The trainer kit's checks: each with a right and a wrong answer on hand-built models and contacts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from workbench.analysis.priority import PriorityWeights
from workbench.exercises import (
    add_journey_rows,
    ask,
    check_export,
    check_framework,
    check_journey,
    check_kpi_answer,
    check_links,
    check_priority_answer,
    draft_framework,
    start_links,
)
from workbench.exercises.result import CheckResult
from workbench.interchange import ImportRejected, write_model
from workbench.model import Channel, ContactReason, Episode, Journey, Model, Phase, Stage, Step
from workbench.sources.canonical import conform
from workbench.templates import load_template

EPISODES = ["I plan", "I arrange", "I wait", "I get connected", "I settle in"]


def small_model() -> Model:
    """Two stages, three phases, four reasons and a journey of 5 episodes, fully mapped and linked."""
    m = Model(name="Tiny telecom")
    m.add(Stage("being", "Being a customer"), Stage("leaving", "Leaving"),
          Phase("billing", "being", "Billing"), Phase("help", "being", "Getting help"),
          Phase("settling", "leaving", "Settling up"),
          ContactReason("pay", "billing", "I pay my bill"), ContactReason("question", "billing", "I question my bill"),
          ContactReason("fault", "help", "I report a fault"),
          ContactReason("final", "settling", "I receive my final bill"),
          Channel("phone", "Phone"), Channel("app", "App", True),
          Journey("move", "I move house"))
    for n, label in enumerate(EPISODES, start=1):
        m.add(Episode(f"e{n}", "move", label))
    links = ["pay", "question", "fault", "fault", "pay"]
    for n, reason in enumerate(links, start=1):
        m.add(Step(f"move-{n}", "move", f"Step {n}", episode=f"e{n}", channel="phone", emotion=-1, target_emotion=1,
                   moment_of_truth=n == 3, reason=reason))
    return m


# -- CheckResult ------------------------------------------------------------------------------------------
def test_result_prints_and_escapes_markdown():
    result = CheckResult("Journey '<b>'", False, ["step <script>"])
    assert str(result) == "✗ Journey '<b>': not yet\n  - step <script>"
    assert "&lt;script&gt;" in result._repr_markdown_() and "<script>" not in result._repr_markdown_()


# -- step 1: frame -----------------------------------------------------------------------------------------
def test_framework_right():
    result = check_framework(small_model(), reason_range=(2, 10))
    assert result.ok
    assert result.messages == ["2 stages, 3 phases and 4 contact reasons: every reason in the customer's voice, "
                               "no empty phase or stage, no label used twice."]


def test_framework_wrong_names_each_mistake():
    m = small_model()
    m.rename("reasons", "fault", "Fault reports")
    m.add(Phase("empty", "leaving", "After leaving"), ContactReason("pay-2", "billing", "I pay  my BILL"))
    result = check_framework(m)
    assert not result.ok
    assert result.messages[0] == ("Your model has 5 contact reasons; an organisation usually needs 60-80, so this "
                                  "is too few: some reasons are too broad, or moments customers contact you for "
                                  "are missing.")
    assert result.messages[1].startswith("Phase 'After leaving' (stage 'Leaving') has no contact reasons")
    assert result.messages[2].startswith("Two reasons share the label 'I pay  my BILL': 'pay' and 'pay-2'.")
    assert "model.merge_reasons('pay-2', into='pay')" in result.messages[2]
    assert result.messages[3].startswith("1 reason label is not in the customer's voice: 'Fault reports' (fault).")


def test_draft_framework_and_its_repair():
    draft = draft_framework(load_template("telecom"))
    found = check_framework(draft)
    assert not found.ok and len(found.messages) == 4
    assert "3 reason labels are not in the customer's voice" in found.messages[3]
    for key, label in {"report-fault": "I report a fault", "question-bill": "I question a charge",
                       "cancel-subscription": "I cancel my subscription"}.items():
        draft.rename("reasons", key, label)
    draft.merge_reasons("pay-my-bill", into="pay-bill")
    draft.add(ContactReason("request-my-data", "after-leaving", "I ask for my data"),
              ContactReason("come-back", "after-leaving", "I come back"))
    assert check_framework(draft).ok


# -- step 2: map -------------------------------------------------------------------------------------------
def test_journey_right():
    result = check_journey(small_model(), "I move house")  # a label works as well as the id
    assert result.ok
    assert result.messages == ["5 episodes, 5 steps each with a channel and both emotions, 1 moment of truth; "
                               "on average the emotion is 2.0 below target."]


def test_journey_wrong():
    m = small_model()
    m.steps["move-2"] = replace(m.steps["move-2"], channel=None)
    m.steps["move-4"] = replace(m.steps["move-4"], emotion=2, target_emotion=0)
    m.steps["move-3"] = replace(m.steps["move-3"], moment_of_truth=False)
    del m.steps["move-5"]
    result = check_journey(m, "move")
    assert not result.ok
    assert result.messages == [
        "1 episode has no steps: 'I settle in'.",
        "1 step ('move-2' 'Step 2') has no channel.",
        "No step is a moment of truth: mark the step(s) that make or break the journey (moment_of_truth TRUE).",
        "1 step aims below how the customer already feels: 'move-4' (emotion +2, target +0). The target is where "
        "we want the customer to be: at least the experienced emotion.",
    ]


def test_journey_too_few_episodes_and_unknown_journey():
    m = small_model()
    for n in (4, 5):
        del m.steps[f"move-{n}"], m.episodes[f"e{n}"]
    assert check_journey(m, "move").messages == [
        "The journey has 3 episodes; 5-7 work best: split the long ones into the chapters the customer goes through."]
    assert check_journey(m, "mvoe").messages == ["There is no journey 'mvoe' (did you mean 'move'?); the journeys "
                                                 "are 'move'."]


def test_add_journey_rows_imports_and_locates_mistakes():
    m = small_model()
    rows = [{"episode": "I notice", "step": "Line drops", "channel": "App", "emotion": -1, "target_emotion": 0,
             "moment_of_truth": True, "reason": "fault"}]
    mapped = add_journey_rows(m, "I report a fault", rows)
    step = mapped.steps["i-report-a-fault-1"]
    assert (step.channel, step.emotion, step.moment_of_truth, step.reason) == ("app", -1, True, "fault")
    bad = [*rows, {"step": "Calls", "channel": "fax", "emotion": 5}]
    with pytest.raises(ImportRejected) as rejected:
        add_journey_rows(m, "I report a fault", bad)
    assert [str(p) for p in rejected.value.problems] == [
        "your rows:row 2:channel: unknown channel 'fax'",
        "your rows:row 2:emotion: 5 is not a whole number from -2 to 2"]
    with pytest.raises(ImportRejected, match="unknown column 'chanel' \\(did you mean 'channel'\\?\\)"):
        add_journey_rows(m, "I report a fault", [{"step": "x", "chanel": "app"}])


# -- step 3: link -------------------------------------------------------------------------------------------
def test_links_right_against_key():
    key = small_model()
    result = check_links(key.copy(), "move", key=key)
    assert result.ok and result.messages == ["All 5 steps are linked, each to a reason in the right phase."]


def test_links_wrong_stage_phase_and_unlinked():
    key = small_model()
    trainee = start_links(key, "move", {"move-1": "question", "move-2": "fault", "move-3": "final"})
    result = check_links(trainee, "move", key=key)
    assert not result.ok
    assert result.messages[0].startswith("2 steps are not linked yet: 'move-4' 'Step 4'; 'move-5' 'Step 5'.")
    assert result.messages[1] == (
        "1 of your links points to a reason in the wrong stage: step 'move-3' 'Step 3' → 'I receive my final bill' "
        "(Leaving), but at this step (episode 'I wait') the customer is in 'Being a customer'.")
    assert result.messages[2] == ("1 link is in the right stage but the wrong phase: step 'move-2' 'Step 2' → "
                                  "'I report a fault' (phase 'Getting help'): look in phase 'Billing'.")
    assert result.messages[3].startswith("1 link differs from the facilitators' key within the right phase")


def test_links_of_the_template_journey_use_the_template_as_key():
    start = start_links(load_template("telecom"))
    result = check_links(start, "i-move-house")
    assert "step 'move-11' 'Sees a moving fee and a double charge for the overlap period on the bill' → " \
           "'I receive my final bill' (Leaving), but at this step (episode 'I settle in') the customer is in " \
           "'Being a customer'" in result.messages[1]
    assert check_links(load_template("telecom"), "i-move-house").ok


# -- step 4: measure ---------------------------------------------------------------------------------------
def contacts() -> pl.DataFrame:
    """NPS in phase billing: pay [10,10,10,0] (NPS 50), question [10,0] (0); fault [0,0] (-100).
    Phase billing from its 6 responses: 4 promoters, 2 detractors -> 33.3; all 8: 4 - 4 -> 0."""
    rows = [("c1", "pay", 10, False), ("c2", "pay", 10, False), ("c3", "pay", 10, False), ("c4", "pay", 0, False),
            ("c1", "question", 10, True), ("c2", "question", 0, True), ("c5", "fault", 0, False),
            ("c6", "fault", 0, False)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return conform(pl.DataFrame({
        "customer_id": [r[0] for r in rows], "timestamp": [start + timedelta(days=30 * i) for i in range(len(rows))],
        "channel": ["phone"] * len(rows), "reason": [r[1] for r in rows], "nps": [r[2] for r in rows],
        "complaint": [r[3] for r in rows], "cost": [1.0] * len(rows)})).collect()


@pytest.mark.parametrize(("answer", "message"), [
    (25, "You averaged the NPS per reason; the NPS is not additive: recompute it from the responses of the whole "
         "phase (measure by phase, not by reason)."),
    (0, "That is the NPS of all contacts; keep only the contacts of phase 'billing' (measure(..., by=['phase']))."),
    (6.67, "You averaged the NPS scores; NPS is % promoters (9-10) minus % detractors (0-6) among the responses."),
    (0.333, "That is the NPS as a fraction; NPS is in points from -100 to 100."),
    (66.67, "You counted the promoters (9-10) but did not subtract the detractors (0-6)."),
    (99, "Not quite: 99 is too high."),
])
def test_kpi_answer_wrong_says_which_mistake(answer, message):
    result = check_kpi_answer(small_model(), ask("nps", phase="billing"), answer, events=contacts())
    assert not result.ok
    assert result.messages[0] == message
    assert result.messages[1].startswith("NPS: % promoters (9-10) - % detractors (0-6) among NPS responses. "
                                         "Compute it with measure(events, by=['phase'], kpis=['nps']")


def test_kpi_answer_right():
    result = check_kpi_answer(small_model(), ask("nps", phase="billing"), 33.3, events=contacts())
    assert result.ok and result.messages == ["Right: +33.3, from 6 survey responses."]
    assert result.title == "What is the NPS of phase 'Billing'?"
    volume = check_kpi_answer(small_model(), ask("volume", journey="move"), 8, events=contacts())
    assert volume.ok  # pay, question and fault are linked: all 8 contacts
    twice = check_kpi_answer(small_model(), ask("volume", journey="move"), 14, events=contacts())
    assert twice.messages[0] == ("You added up the journey's steps; a reason that two steps link to counts its "
                                 "contacts once.")  # 4 (pay) + 2 + 2 + 2 + 4 = 14
    rate = check_kpi_answer(small_model(), ask("complaint_rate", phase="billing"), 100 / 3, events=contacts())
    assert rate.ok and "You gave a percentage" in rate.messages[0]
    assert check_kpi_answer(small_model(), ask("nps"), None, events=contacts()).messages == [
        "Give the answer as a number, not None."]


# -- step 5: prioritise ------------------------------------------------------------------------------------
WEIGHTS = PriorityWeights(cost=0, dissatisfaction=0, repeat=0, strategic=0)  # volume and complaints only


def test_priority_right_and_why():
    # volume share of max: pay 4/4, question 2/4, fault 2/4; complaints: question 2/2 -> question 25 + 50 = 75
    result = check_priority_answer(small_model(), "I question my bill", "complaints", weights=WEIGHTS,
                                   events=contacts())
    assert result.ok
    assert result.messages[1] == "And yes: complaints adds the most points (50 of 75)."
    wrong_why = check_priority_answer(small_model(), "question", "volume", weights=WEIGHTS, events=contacts())
    assert not wrong_why.ok
    assert wrong_why.messages[1] == ("But the biggest part of its 75 points comes from complaints (50 points), not "
                                     "from volume (25 points).")


def test_priority_wrong_answer_names_the_shortcut():
    result = check_priority_answer(small_model(), "pay", weights=WEIGHTS, events=contacts())
    assert not result.ok
    assert result.messages[0] == ("Not quite: I pay my bill ranks 2nd: 50 of 50 points from volume (4 contacts); "
                                  "1 reason scores higher. Sort the priorities by score, not by one figure.")
    assert result.messages[1].startswith("You picked the reason with the most contacts;")
    unknown = check_priority_answer(small_model(), "I pay my bil", weights=WEIGHTS, events=contacts())
    assert unknown.messages == ["There is no reason 'I pay my bil' (did you mean 'I pay my bill'?); answer with an "
                                "id or a label."]


# -- step 6: publish ---------------------------------------------------------------------------------------
def test_export_right_and_stale(tmp_path):
    m = small_model()
    path = tmp_path / "model.xlsx"
    write_model(m, path)
    result = check_export(m, excel=path)
    assert result.ok and result.messages[0].startswith("model.xlsx holds the whole model (4 contact reasons, 1 journey")
    m.rename("reasons", "pay", "I pay my bills")
    stale = check_export(m, excel=path)
    assert not stale.ok and stale.messages == [
        "model.xlsx is not the workspace as it is now: the reasons differ. Export again after your last change."]
    page = tmp_path / "s.html"
    page.write_text('<html>Tiny telecom<script src="https://cdn.example/x.js"></script></html>')
    assert check_export(m, html=page).messages == [
        "s.html loads scripts or styles from the internet; it will not open offline."]
    assert not check_export(m, html=tmp_path / "none.html").ok
