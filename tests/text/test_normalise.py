"""Folding, language guessing and transcripts."""

from __future__ import annotations

import polars as pl
import pytest

from workbench.text.normalise import customer_turns, fold, fold_expr, guess_language

SAMPLES = ["Oriëntatie  Ça", "STRAßE", "naïve café", "Æble øl", "tab\tand\nnewline", "  ", "het’s", "Één ïdee"]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_polars_fold_matches_the_python_fold(text):
    assert pl.select(fold_expr(pl.lit(text))).item() == fold(text)


def test_guess_language_on_dutch_and_english_comments():
    assert guess_language("De monteur is niet gekomen en ik heb de hele dag gewacht") == "nl"
    assert guess_language("The engineer never came and I waited all day") == "en"
    assert guess_language("asdf", default="nl") == "nl"


def test_a_transcript_keeps_only_the_customers_turns():
    turns = ('[{"actor": "Agent", "statement": "Can I offer you a new phone?"},'
             ' {"actor": "klant", "statement": "Mijn factuur klopt niet"},'
             ' {"actor": "bot", "statement": "bill"}, {"actor": "CUSTOMER", "statement": "echt niet"}]')
    assert customer_turns(turns) == "Mijn factuur klopt niet echt niet"


@pytest.mark.parametrize("text", ["[not json", "[1, 2]", '[{"actor": "customer"}]', "[ok] comment"])
def test_text_that_is_no_transcript_is_left_alone(text):
    assert customer_turns(text) == text
