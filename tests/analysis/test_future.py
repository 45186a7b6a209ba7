"""Future-state design: a future copy of a journey, its differences from the current one, user stories."""

from __future__ import annotations

import fastexcel
import polars as pl
import pytest
from model_fixtures import small_model

from workbench.analysis.journey_compare import compare_journeys
from workbench.analysis.stories import COLUMNS, user_stories
from workbench.interchange.tables import write_table
from workbench.model import ModelError, Step


def redesigned():
    """I move house and a future version: the phone call about the first bill is gone, the address change
    moves from the app to the web, checking coverage feels better, and a new self-service step arrives."""
    model = small_model()
    future = model.future_version("i-move-house")
    steps = {s.label: s for s in model.steps_of(future)}
    del model.steps[steps["Gets first bill at new address"].id]
    model.steps[steps["Changes address"].id] = Step(**{**vars(steps["Changes address"]), "channel": "web",
                                                       "emotion": 1})
    model.steps[steps["Checks coverage"].id] = Step(**{**vars(steps["Checks coverage"]), "emotion": 1})
    model.add(Step("fut-new", future, "Plans the move online", episode=steps["Checks coverage"].episode,
                   channel="web", need="to plan the move in one place", moment_of_truth=True, reason="place-order"))
    return model, future


def test_the_future_copy_is_a_counterpart_with_its_own_ids():
    model, future = redesigned()
    assert model.journeys[future].counterpart == "i-move-house"
    assert all(s.id not in {t.id for t in model.steps_of("i-move-house")} for s in model.steps_of(future))
    assert not model.problems()
    with pytest.raises(ModelError, match="future design already"):
        model.future_version(future)


def test_differences_by_hand():
    model, future = redesigned()
    result = compare_journeys(model, "i-move-house", future, volumes={"pay-bill": 120, "compare-offers": 300})
    summary = result.summary.row(0, named=True)
    # current: 3 steps (move-1 coverage, move-2 address, move-3 first bill); future: coverage, address, plan
    assert (summary["current_steps"], summary["future_steps"]) == (3, 3)
    assert (summary["removed"], summary["added"], summary["channel_changes"]) == (1, 1, 1)
    # gaps: coverage 0 → target 1 and address -1 → 1 are both closed (the future steps feel +1);
    # the first bill's -2 → 1 is not (the step is removed)
    assert (summary["emotion_gaps"], summary["gaps_closed"]) == (3, 2)
    assert result.dropped_reasons.rows() == [("pay-bill", "I receive and pay my bill", 120)]
    assert summary["contacts_no_longer_needed"] == 120


def test_stories_open_in_a_spreadsheet_reader_with_the_backlog_columns(tmp_path):
    model, future = redesigned()
    stories = user_stories(model, future)
    path = tmp_path / "stories.xlsx"
    write_table(stories, path, sheet="stories")
    back = fastexcel.read_excel(path).load_sheet(0).to_polars()
    assert tuple(back.columns) == COLUMNS and back.height == 3
    new = back.filter(pl.col("Summary") == "Plans the move online").row(0, named=True)
    assert new["Description"] == ("As a Families customer, in “I prepare”, I want to plan the move in one place "
                                  "so that I move house.")
    assert "Works in the Website channel" in new["Acceptance criteria"]
    assert "Moment of truth" in new["Acceptance criteria"] and "“I place an order”" in new["Acceptance criteria"]
    assert new["Labels"] == "web place-order moment-of-truth" and new["Epic"] == "I move house — I prepare"
    # a step without a need gets one from its label
    assert "I want to check coverage" in back.filter(pl.col("Summary") == "Checks coverage")["Description"][0]


def test_the_commands_make_a_future_compare_it_and_write_stories(tmp_path):
    from typer.testing import CliRunner

    from workbench.cli import app
    from workbench.demo import build_demo

    build_demo(tmp_path / "ws", events=3_000, seed=1).close()
    run = CliRunner().invoke
    made = run(app, ["future", str(tmp_path / "ws"), "--journey", "i-separate-from-my-partner"])
    assert made.exit_code == 0 and "i-separate-from-my-partner-future" in made.output
    compared = run(app, ["compare", str(tmp_path / "ws"), "--journey", "i-separate-from-my-partner"])
    assert compared.exit_code == 0 and "current_steps" in compared.output  # a fresh copy: nothing changes yet
    out = tmp_path / "backlog.xlsx"
    wrote = run(app, ["stories", str(tmp_path / "ws"), "--journey", "i-separate-from-my-partner-future",
                      "--out", str(out)])
    assert wrote.exit_code == 0, wrote.output
    assert tuple(fastexcel.read_excel(out).load_sheet(0).to_polars().columns) == COLUMNS
    assert run(app, ["compare", str(tmp_path / "ws"), "--journey", "i-join"]).exit_code == 2
