"""The listening path's and review queue's frames and HTML, on a small hand-made feedback set."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from model_fixtures import small_model

from workbench.display.formats import DIVERGING
from workbench.display.listening import (
    experience_tiles,
    insights_by_part,
    path_html,
    path_table,
    queue_rows,
    reason_voice,
    reason_voice_html,
    verbatim_html,
    verbatims_html,
)
from workbench.model import Insight
from workbench.text.insights import listening_path, reason_verbatims

HOSTILE = '<img src=x onerror="window.__x=1"> my bill <script>window.__x=1</script>'


def tagged() -> pl.DataFrame:
    rows = [  # feedback_id, time, text, score, scale, journey, step, assigned, confidence_1, tagged_by
        ("F1", datetime(2026, 1, 5, tzinfo=UTC), "changed my address in the app", 10, "nps", "i-move-house",
         "move-2", "change-details", 0.6, "model"),
        ("F2", datetime(2026, 1, 9, tzinfo=UTC), HOSTILE, 3, "nps", None, None, "pay-bill", 0.7, "model"),
        ("F3", datetime(2026, 2, 2, tzinfo=UTC), "address change failed twice", 4, "csat", None, None,
         "change-details", 1.0, "person"),
        ("F4", datetime(2026, 2, 3, tzinfo=UTC), "comparing offers", 9, "nps", None, None, "compare-offers", 0.5,
         "model"),
        ("F5", datetime(2026, 2, 4, tzinfo=UTC), "asdf", 0, "nps", None, None, "unassigned", 0.05, "model"),
        ("F6", datetime(2026, 2, 20, tzinfo=UTC), "the bill came twice", 6, "nps", None, None, "pay-bill", 0.3,
         "model"),
    ]
    frame = pl.DataFrame(rows, orient="row", schema={
        "feedback_id": pl.String, "timestamp": pl.Datetime("us", "UTC"), "text": pl.String, "score": pl.Int16,
        "scale": pl.String, "journey": pl.String, "step": pl.String, "assigned": pl.String,
        "confidence_1": pl.Float64, "tagged_by": pl.String})
    return frame.with_columns(reason_1=pl.when(pl.col("assigned") != "unassigned").then(pl.col("assigned"))
                              .otherwise(pl.lit("report-fault")), channel=pl.lit("web"))


def test_scores_are_coloured_only_on_enough_answers_and_on_a_fixed_range():
    few, enough = experience_tiles({"nps": 0.0, "nps_n": 29}), experience_tiles({"nps": 0.0, "nps_n": 30})
    assert few[0]["colour"] is None and few[0]["value"] == "0" and few[0]["n"] == 29
    assert enough[0]["colour"] == DIVERGING[3]  # 0 is the middle of −100…+100: the scale's middle colour
    assert experience_tiles({"nps": 100.0, "nps_n": 30})[0]["colour"] == DIVERGING[-1]
    assert experience_tiles({"csat": 0.0, "csat_n": 50})[1]["colour"] == DIVERGING[0]
    assert experience_tiles({}, 30)[2] == {"kpi": "ces", "label": "CES", "value": "–", "n": 0, "colour": None}


def test_path_table_by_phase_worked_by_hand():
    path = listening_path(small_model(), tagged(), "i-move-house", by="phase",
                          volumes={"pay-bill": 7, "change-details": 5, "compare-offers": 2})
    table = path_table(path)
    # orientation: F4 (nps 9) by its reason -> +100 on 1; using: F1 (10, its step), F2 (3), F6 (6) by reason,
    # F3 (csat 4) by reason -> nps 1 promoter, 2 detractors of 3 = -33.3; csat 100 % on 1
    assert table.select("part", "responses", "nps_n", "csat_n").rows() == [("Orientation", 1, 1, 0),
                                                                           ("Using", 4, 3, 1)]
    assert table["nps"].round(1).to_list() == [100.0, -33.3]
    assert table["themes"].to_list() == ["I compare offers", "I change my details · I receive and pay my bill"]
    assert table["contact_reasons"].to_list() == ["I compare offers", "I receive and pay my bill · I change my details"]


def test_path_html_escapes_verbatims_and_shows_every_part():
    model = small_model()
    path = listening_path(model, tagged(), "i-move-house", by="phase")
    out = path_html(path, by="phase")
    assert HOSTILE not in out and "&lt;img src=x onerror=&quot;window.__x=1&quot;&gt;" in out
    assert "<script>" not in out
    assert out.count("class='wb-part'") == 2 and ">Orientation<" in out and ">Using<" in out
    assert "n = 3 · few" in out  # using's NPS rests on 3 answers


def test_insights_are_placed_by_step_then_reason_else_on_the_journey():
    model = small_model()
    model.add(Insight("i1", "pain", "Address form is hidden", steps=("move-2",)),
              Insight("i2", "quote", "Bill came twice", reasons=("pay-bill",), weight=2.0),
              Insight("i3", "observation", "Movers call a lot", journeys=("i-move-house",)),
              Insight("i4", "need", "Elsewhere", reasons=("place-order",)))
    placed = insights_by_part(model, "i-move-house", "phase")
    assert {k: [i.id for i in v] for k, v in placed.items()} == {"using": ["i2", "i1"], None: ["i3"]}
    by_episode = insights_by_part(model, "i-move-house", "episode")
    assert {k: [i.id for i in v] for k, v in by_episode.items()} == {
        "move-settle": ["i2"], "move-prepare": ["i1"], None: ["i3"]}


def test_the_review_queue_puts_the_least_confident_first_and_leaves_out_confirmed():
    queue = queue_rows(tagged(), small_model(), limit=3)
    assert queue.select("feedback_id", "label_1", "sentiment").rows() == [
        ("F5", "I report a fault", "negative"), ("F6", "I receive and pay my bill", "negative"),
        ("F4", "I compare offers", "positive")]
    html_row = verbatim_html(queue_rows(tagged(), small_model(), limit=6).row(4, named=True), small_model(), 0.2)
    assert "&lt;img" in html_row and "<img" not in html_row
    assert "I receive and pay my bill</b>, fairly sure (70%)" in html_row


def test_a_reasons_verbatims_by_month():
    frame = reason_verbatims(tagged(), "pay-bill")
    out = verbatims_html(frame, "I receive <b>and</b> pay")
    assert out.count("<tr>") == 3  # header, January (F2), February (F6)
    assert "&lt;script&gt;" in out and "<script>" not in out
    assert "n = 1" in out and "100%" in out  # one detractor in each month
    assert "No comment" in verbatims_html(reason_verbatims(tagged(), "place-order"), "I <i>order</i>") and \
        "&lt;i&gt;order" in verbatims_html(reason_verbatims(tagged(), "place-order"), "I <i>order</i>")


def test_a_reasons_voice_counts_and_picks_the_most_telling():
    voice = reason_voice(tagged(), "pay-bill")
    # F2 (0.7, NPS 3) and F6 (0.3, NPS 6): two detractors -> -100; the more confident first
    assert voice == {"comments": 2, "confirmed": 0, "nps": -100.0, "nps_n": 2,
                     "verbatims": [HOSTILE, "the bill came twice"]}
    assert reason_voice(tagged(), "change-details")["verbatims"][0] == "address change failed twice"  # confirmed
    out = reason_voice_html(voice)
    assert "2 comment(s), 0 confirmed by people · NPS of the comments -100 (n = 2)" in out
    assert "&lt;img" in out and "<img" not in out
    assert "No comment is tagged" in reason_voice_html(reason_voice(tagged(), "place-order"))
