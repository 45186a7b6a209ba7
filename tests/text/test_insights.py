"""Listening-path figures on a hand-made tagged frame, checked against numbers worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from model_fixtures import small_model

from workbench.model import ModelError
from workbench.text.insights import experience, listening_path, reason_verbatims, themes


def _tagged() -> pl.DataFrame:
    rows = [  # feedback_id, day, text, score, scale, journey, step, assigned, confidence_1, tagged_by
        ("F1", datetime(2026, 1, 5, tzinfo=UTC), "changed my address in the app", 10, "nps", "i-move-house", "move-2",
         "change-details", 0.6, "model"),
        ("F2", datetime(2026, 1, 9, tzinfo=UTC), "the bill is wrong", 3, "nps", None, None, "pay-bill", 0.7, "model"),
        ("F3", datetime(2026, 2, 2, tzinfo=UTC), "address change failed twice", 4, "csat", None, None,
         "change-details", 0.4, "person"),
        ("F4", datetime(2026, 2, 3, tzinfo=UTC), "comparing offers", 9, "nps", None, None, "compare-offers", 0.5,
         "model"),
        ("F5", datetime(2026, 2, 4, tzinfo=UTC), "asdf", 0, "nps", None, None, "unassigned", 0.05, "model"),
        ("F6", datetime(2026, 3, 1, tzinfo=UTC), "prices are high", 6, "nps", "i-join", "join-1", "compare-offers",
         0.9, "model"),
    ]
    return pl.DataFrame(rows, orient="row", schema={
        "feedback_id": pl.String, "timestamp": pl.Datetime("us", "UTC"), "text": pl.String, "score": pl.Int16,
        "scale": pl.String, "journey": pl.String, "step": pl.String, "assigned": pl.String,
        "confidence_1": pl.Float64, "tagged_by": pl.String})


def test_experience_recomputes_each_score_on_its_own_scale():
    got = experience(_tagged()).row(0, named=True)
    # nps on F1 10, F2 3, F4 9, F5 0, F6 6: 2 promoters, 3 detractors of 5 -> -20; csat: F3 4 -> 100 %
    assert got["responses"] == 6 and got["nps_n"] == 5 and got["nps"] == pytest.approx(-20.0)
    assert got["csat_n"] == 1 and got["csat"] == 1.0 and got["ces_n"] == 0 and got["ces"] is None


def test_listening_path_by_phase_places_feedback_by_step_or_reason():
    contacts = pl.DataFrame({"reason": ["pay-bill"] * 7 + ["change-details"] * 5 + ["compare-offers"] * 2 + [None]})
    path = listening_path(small_model(), _tagged(), "i-move-house", by="phase", contacts=contacts)
    assert path["part"].to_list() == ["orientation", "using"]
    orientation, using = path.to_dicts()
    # orientation: F4 (9) and F6 (6, a step of another journey, placed by its reason) -> nps 0 on 2
    assert (orientation["responses"], orientation["nps"], orientation["nps_n"]) == (2, 0.0, 2)
    # using: F1 by its step (10), F2 by reason (3), F3 by reason (csat 4) -> nps 0 on 2, csat 100 % on 1
    assert (using["responses"], using["nps"], using["nps_n"], using["csat"], using["csat_n"]) == (3, 0.0, 2, 1.0, 1)
    assert [(t["reason"], t["mentions"]) for t in using["themes"]] == [("change-details", 2), ("pay-bill", 1)]
    assert using["themes"][0]["share"] == pytest.approx(2 / 3)
    assert using["themes"][0]["verbatims"] == ["address change failed twice", "changed my address in the app"]
    assert [(c["reason"], c["volume"]) for c in using["contact_reasons"]] == [("pay-bill", 7), ("change-details", 5)]


def test_listening_path_by_episode():
    path = listening_path(small_model(), _tagged(), "i-move-house", by="episode")
    assert path.select("part", "responses").rows() == [("move-prepare", 4), ("move-settle", 1)]


def test_themes_give_sentiment_from_scores_and_leave_out_unassigned():
    found = themes(_tagged(), small_model())
    assert found["reason"].to_list() == ["change-details", "compare-offers", "pay-bill"]
    first = found.row(0, named=True)
    assert (first["negative"], first["positive"]) == (0.0, 1.0)  # F1 nps 10 positive, F3 csat 4 positive
    assert found.filter(pl.col("reason") == "pay-bill")["negative"].item() == 1.0
    assert found["mentions"].sum() == 5


def test_reason_verbatims_over_time():
    got = reason_verbatims(_tagged(), "change-details")
    assert got.select(pl.col("period").dt.strftime("%Y-%m"), "mentions", "nps_n").rows() == [
        ("2026-01", 1, 1), ("2026-02", 1, 0)]
    assert got["verbatims"].to_list() == [["changed my address in the app"], ["address change failed twice"]]


def test_unknown_journey_is_named():
    with pytest.raises(ModelError, match="unknown journey 'i-move-hous'.*did you mean"):
        listening_path(small_model(), _tagged(), "i-move-hous")
