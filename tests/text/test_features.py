"""The Polars TF-IDF features equal scikit-learn's own vectorizers, to float precision."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.pipeline import FeatureUnion

from workbench.text import features as F
from workbench.text.normalise import fold

TRAIN = [fold(t) for t in [
    "My bill is too high this month", "De factuur klopt niet, het bedrag is te hoog", "Internet storing sinds gisteren",
    "the engineer never came", "de monteur is niet gekomen", "Oriëntatie op prijzen", "ça va", "a b c", "",
    "adreswijziging doorgeven na de verhuizing", "I want to change my address after moving",
]]
TEST = [fold(t) for t in [
    "bill too high", "factuurbedrag klopt niet", "monteurs", "", "zzz qqq", "a", "verhuizing adres",
    "the the the bill bill", "Één", "4g 5g 500 mbit",
]]


def _sklearn(train, test):
    union = FeatureUnion([("char", F.make_vectorizer(analyzer="char_wb", ngram_range=F.CHAR_RANGE)),
                          ("word", F.make_vectorizer(analyzer="word", ngram_range=F.WORD_RANGE))])
    return union.fit(train).transform(test)


def test_the_matrix_equals_scikit_learns_feature_union():
    got = F.TextFeatures().fit(TRAIN).transform(TEST)
    expected = _sklearn(TRAIN, TEST)
    assert got.shape == expected.shape
    assert abs(got - expected).max() < 1e-6


def test_the_vocabulary_and_idf_are_scikit_learns():
    features = F.TextFeatures().fit(TRAIN)
    char, word = features.vectorizers()
    reference = F.make_vectorizer(analyzer="char_wb", ngram_range=F.CHAR_RANGE).fit(TRAIN)
    assert char.vocabulary_ == reference.vocabulary_
    np.testing.assert_allclose(char.idf_, reference.idf_)
    both = sp.hstack([char.transform(TEST), word.transform(TEST)])
    assert abs(both - features.transform(TEST)).max() < 1e-6


def test_chunked_transform_gives_the_same_rows(monkeypatch):
    features = F.TextFeatures().fit(TRAIN)
    whole = features.transform(TEST * 3)
    monkeypatch.setattr(F, "CHUNK", 4)
    assert abs(features.transform(TEST * 3) - whole).max() == 0


def test_an_empty_batch_and_unknown_text_are_zero_rows():
    features = F.TextFeatures().fit(TRAIN)
    assert features.transform([]).shape == (0, features.n_features)
    assert features.transform(["qqqqqq"]).nnz == 0


@pytest.mark.parametrize("text", ["a", "ab", "abc", "abcd", "abcde", "abcdef"])
def test_short_words_count_as_scikit_learn_counts_them(text):
    got = F.TextFeatures().fit([text, "xyz"]).transform([text])
    assert abs(got - _sklearn([text, "xyz"], [text])).max() < 1e-6
