"""The Dataset's listening block: tagged feedback, the listening path and verbatims, remembered per state
of the knowledge (a confirmed tag makes new figures; nothing else refits the model)."""

from __future__ import annotations

import polars as pl
import pytest
from listening_fixtures import ROWS, feedback_workspace

from workbench.dataset import Dataset, Filters
from workbench.templates import load_template
from workbench.text.tags import confirm


@pytest.fixture
def ws(tmp_path):
    workspace = feedback_workspace(tmp_path / "ws")
    yield workspace
    workspace.close()


def test_listening_path_by_phase_from_the_scores(ws):
    path = ws.dataset().listening_path("i-move-house", "phase")
    rows = {r["part"]: r for r in path.to_dicts()}
    # orientation: F1 10 and F2 3 -> one promoter, one detractor of 2: NPS 0
    assert (rows["orientation"]["responses"], rows["orientation"]["nps"], rows["orientation"]["nps_n"]) == (2, 0.0, 2)
    # billing and paying: F5 9 -> NPS +100 on 1; CSAT F3 2 (no), F4 5 (yes) -> 50 % on 2
    billing = rows["billing-and-paying"]
    assert (billing["responses"], billing["nps"], billing["nps_n"], billing["csat"], billing["csat_n"]) == (
        3, 100.0, 1, 0.5, 2)
    assert rows["ordering"]["responses"] == 0
    assert path["part"].to_list().index("orientation") < path["part"].to_list().index("billing-and-paying")


def test_figures_are_remembered_until_a_tag_is_confirmed(ws):
    data = ws.dataset()
    first = data.feedback()
    assert data.feedback() is first and ws.dataset().feedback() is first  # another session: same figures
    assert first["tagged_by"].to_list() == ["model"] * 5
    confirm(ws.store, data.model, [("F1", "check-coverage")], {"F1": ROWS[0][2]}, source="survey")
    again = data.feedback()
    assert again is not first
    assert again.filter(pl.col("feedback_id") == "F1").select("assigned", "confidence_1", "tagged_by").row(0) == (
        "check-coverage", 1.0, "person")


def test_period_and_channel_filters_restrict_the_feedback(ws):
    data = ws.dataset()
    assert data.feedback(Filters(period="2026-02"))["feedback_id"].to_list() == ["F3", "F4", "F5"]
    assert data.feedback(Filters(channel="phone")).height == 0  # no channel given: no row is on the phone


def test_verbatims_of_a_confirmed_reason_by_month(ws):
    data = ws.dataset()
    confirm(ws.store, data.model, [("F3", "question-bill"), ("F4", "question-bill")],
            {"F3": ROWS[2][2], "F4": ROWS[3][2]}, source="survey")
    months = data.reason_verbatims("question-bill", Filters(period="2026-01"))  # the period filter is ignored
    assert months.select(pl.col("period").dt.strftime("%Y-%m"), "mentions").rows() == [("2026-02", 2)]
    assert sorted(months["verbatims"][0]) == sorted([ROWS[2][2], ROWS[3][2]])


def test_without_a_workspace_there_is_no_feedback_but_a_tagger():
    model = load_template("telecom")
    data = Dataset.from_frames(model, pl.DataFrame({"reason": ["pay-bill"]}))
    assert data.feedback().height == 0
    assert data.listening_path("i-move-house")["responses"].to_list() == [0] * data.listening_path(
        "i-move-house").height
    assert data.tagger().rank(["There is a charge on my bill I do not recognise"])["reason_1"].item() == \
        "question-bill"
