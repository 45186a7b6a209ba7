"""Keyword and label rules, and the keyword setting (revision-checked)."""

from __future__ import annotations

import pytest

from workbench.errors import ConflictError, InputError
from workbench.store import Store
from workbench.templates import load_template
from workbench.text.normalise import fold
from workbench.text.rules import Rules, default_keywords, keywords, save_keywords


def test_default_keywords_are_words_only_one_label_has():
    words = default_keywords(load_template("telecom"))
    assert "bill" not in words["question-bill"] and "charge" in words["question-bill"]
    every = [w for ws in words.values() for w in ws]
    assert len(every) == len(set(every))


def test_a_keyword_meets_its_compound_a_typo_and_a_phrase():
    model = load_template("telecom-nl")
    rules = Rules(model, {"question-bill": ["factuur"], "pay-bill": ["automatische incasso"]})
    hits = rules.score([fold(t) for t in ["Het factuurbedrag klopt niet", "mijn factuu is fout",
                                          "De automatische incasso mislukte", "geen idee"]])
    at = rules.reasons.index
    assert hits.scores[0, at("question-bill")] == pytest.approx(0.9)   # compound
    assert hits.scores[1, at("question-bill")] == pytest.approx(0.8)   # a letter missing
    assert hits.scores[2, at("pay-bill")] == 1.0                       # phrase
    assert "as 'factuurbedrag'" in hits.fired[0]["question-bill"]
    assert not hits.fired[3] or all(v.startswith("label") for v in hits.fired[3].values())


def test_a_text_holding_a_labels_content_words_fires_the_label_rule():
    model = load_template("telecom")
    rules = Rules(model, {})
    hits = rules.score([fold("could you help, I want to report a fault please")])
    assert "report-fault" in hits.fired[0]
    assert hits.scores[0, rules.reasons.index("report-fault")] >= 0.8


def test_saved_keywords_replace_the_defaults_and_are_revision_checked(tmp_path):
    model = load_template("telecom")
    store = Store.create(f"sqlite:///{tmp_path / 'w.db'}", model)
    lists, revision = keywords(store, model)
    assert revision == 0 and lists == default_keywords(model)
    revision = save_keywords(store, model, {"question-bill": ["invoice", " invoice ", "overcharged", ""]},
                             revision=revision)
    lists, now = keywords(store, model)
    assert now == revision == 1 and lists["question-bill"] == ["invoice", "overcharged"]
    assert lists["pay-bill"] == default_keywords(model)["pay-bill"]
    with pytest.raises(ConflictError):
        save_keywords(store, model, {"pay-bill": ["ideal"]}, revision=0)
    with pytest.raises(InputError, match="no reason 'question-bil'.*did you mean"):
        save_keywords(store, model, {"question-bil": ["x"]}, revision=1)
    assert keywords(store, model)[1] == 1
