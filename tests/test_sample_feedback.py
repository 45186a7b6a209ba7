"""Demo feedback: seeded, with the promised shares of languages, noise and journey steps; an aligned answer key."""

from __future__ import annotations

import polars as pl
import pytest
from model_fixtures import small_model

from workbench.sample.feedback import generate_feedback, phrase_book, phrasings
from workbench.templates import load_template


@pytest.fixture(scope="module")
def dutch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fb")
    result = generate_feedback(load_template("telecom-nl"), folder, rows=3000, seed=4)
    return pl.read_parquet(result.path), pl.read_parquet(result.answer_key), folder


def test_the_same_seed_gives_the_same_files(dutch, tmp_path):
    frame, key, _ = dutch
    again = generate_feedback(load_template("telecom-nl"), tmp_path, rows=3000, seed=4)
    assert pl.read_parquet(again.path).equals(frame) and pl.read_parquet(again.answer_key).equals(key)


def test_shares_of_noise_languages_and_scores(dutch):
    frame, key, _ = dutch
    assert key["feedback_id"].to_list() == frame["feedback_id"].to_list()
    assert 0.08 < key["off_topic"].mean() < 0.12
    assert key.filter("off_topic")["reason"].null_count() == key["off_topic"].sum()
    assert 0.11 < (frame["language"] == "en").mean() < 0.19
    nps = frame.filter(pl.col("scale") == "nps")["score"]
    csat = frame.filter(pl.col("scale") == "csat")["score"]
    assert nps.is_between(0, 10).all() and csat.is_between(1, 5).all() and 0.6 < nps.len() / frame.height < 0.8
    assert frame["text"].str.starts_with("[{").any()  # some chat transcripts


def test_steps_belong_to_their_journey_and_to_the_comments_reason(dutch):
    frame, key, _ = dutch
    model = load_template("telecom-nl")
    placed = frame.join(key, on="feedback_id").filter(pl.col("step").is_not_null())
    assert placed.height > 100
    for journey, step, reason in placed.select("journey", "step", "reason").iter_rows():
        assert model.steps[step].journey == journey and model.steps[step].reason == reason


def test_comments_are_reworded_not_copied(dutch):
    frame, key, _ = dutch
    texts = frame.join(key, on="feedback_id").filter(~pl.col("off_topic") & ~pl.col("text").str.starts_with("[{"))
    assert texts["text"].n_unique() / texts.height > 0.8


def test_every_telecom_reason_has_english_and_dutch_phrasings():
    model = load_template("telecom")
    book = phrase_book()
    assert set(book) == set(model.reasons)
    assert all(len(book[r]["en"]) == 4 and len(book[r]["nl"]) == 4 for r in model.reasons)


def test_a_model_without_phrasings_uses_its_labels(tmp_path):
    model = small_model()
    assert phrasings(model, "place-order", "en") == ["place an order"]  # no phrase book entry, no description
    result = generate_feedback(model, tmp_path, rows=50)
    assert pl.read_parquet(result.path).height == 50
