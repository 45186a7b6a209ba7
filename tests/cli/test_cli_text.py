"""`workbench feedback …` and `workbench tag …` on a small workspace with demo feedback."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.interchange.theydo_feedback import read_theydo_feedback
from workbench.sample.feedback import generate_feedback
from workbench.text.tags import confirmed_tags
from workbench.workspace import Workspace

runner = CliRunner()
COLUMNS = ("feedback_id", "timestamp", "text", "score", "scale", "journey", "step")


def run(*args: str | Path, code: int = 0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, f"exit {result.exit_code}:\n{result.output}\n{result.exception!r}"
    return result


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("text") / "ws"
    workspace = Workspace.create(path, template="telecom")
    generate_feedback(workspace.load(), path / "data" / "feedback", rows=300, seed=2)
    workspace.close()
    run("feedback", "add", path, "--id", "survey", "--kind", "parquet", "--location",
        path / "data" / "feedback" / "feedback.parquet", *(a for c in COLUMNS for a in ("--map", f"{c}={c}")))
    return path


def test_feedback_list_and_check(ws):
    assert "survey" in run("feedback", "list", ws).output
    assert "300 row(s) read, 300 kept" in run("feedback", "check", ws).output


def test_tag_one_text_prints_the_top_three_with_why(ws):
    output = run("tag", ws, "--text", "I want to cancel my subscription").output
    assert "1. I cancel my subscription [cancel-subscription]" in output
    assert output.count("\n") >= 4 and "assigned:" in output


def test_tag_a_file_keeps_its_columns_and_adds_reasons(ws, tmp_path):
    source = tmp_path / "comments.csv"
    pl.DataFrame({"nr": ["1", "2"], "opmerking": ["my phone was stolen", "asdf"]}).write_csv(source)
    target = tmp_path / "out" / "tagged.csv"
    run("tag", ws, "--file", source, "--text-column", "opmerking", "--out", target)
    tagged = pl.read_csv(target)
    assert tagged.columns == ["nr", "opmerking", "reason_1", "confidence_1", "reason_2", "confidence_2", "reason_3",
                              "confidence_3", "assigned"]
    assert tagged["assigned"][1] == "unassigned"
    result = run("tag", ws, "--file", source, "--text-column", "comment", code=1)
    assert "no column 'comment'" in result.output


def test_tag_all_feedback_and_confirm(ws, tmp_path):
    target = tmp_path / "all.parquet"
    run("tag", ws, "--out", target)
    tagged = pl.read_parquet(target)
    assert tagged.height == 300 and {"reason_1", "confidence_3", "assigned", "tagged_by"} <= set(tagged.columns)
    first = tagged["feedback_id"][0]
    run("tag", ws, "--confirm", f"{first}=pay-bill")
    tags, revision = confirmed_tags(Workspace.open(ws).store)
    assert revision == 1 and tags.select("feedback_id", "source", "reason").rows() == [(first, "survey", "pay-bill")]
    again = pl.read_parquet(run("tag", ws, "--out", target) and target)
    assert again.filter(pl.col("feedback_id") == first).select("assigned", "confidence_1", "tagged_by").row(0) == (
        "pay-bill", 1.0, "person")
    bad = run("tag", ws, "--confirm", f"{first}=pay-bil", "--confirm", "NOPE=pay-bill", code=1)
    assert "no reason 'pay-bil'" in bad.output and "NOPE: no feedback" in bad.output
    assert confirmed_tags(Workspace.open(ws).store)[1] == 1


def test_confirmations_from_a_file(ws, tmp_path):
    file = tmp_path / "confirm.csv"
    pl.DataFrame({"feedback_id": ["FB000002", "FB000003"], "reason": ["report-fault", "pay-bill"]}).write_csv(file)
    run("tag", ws, "--confirmations", file)
    tags, _ = confirmed_tags(Workspace.open(ws).store)
    assert {"FB000002", "FB000003"} <= set(tags["feedback_id"])


def test_clashing_options_are_a_usage_error(ws):
    assert "choose one of" in run("tag", ws, "--text", "x", "--confirm", "a=b", code=2).output
    assert "go together" in run("tag", ws, "--file", "x.csv", code=2).output


def test_keywords_can_be_set_and_export_writes_a_theydo_file(ws, tmp_path):
    output = run("feedback", "keywords", ws, "--set", "question-bill=overcharged, invoice").output
    assert "overcharged, invoice" in output
    assert "no reason 'question-bil'" in run("feedback", "keywords", ws, "--set", "question-bil=x", code=1).output
    target = tmp_path / "theydo.json"
    run("feedback", "export", ws, "--out", target)
    back = read_theydo_feedback(target)
    assert back.responses.height == 300 and "reason_label" in back.responses.columns
