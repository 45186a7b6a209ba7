"""The text → contact reason model: TF-IDF features, a linear classifier, and the rules on top.

:class:`ReasonModel` is trained on a workspace's own knowledge (:mod:`workbench.text.knowledge`): reason
labels and descriptions, keywords, crosswalk notes, linked journey steps and every tag a person
confirmed. Texts are read as their content words (function words of English and Dutch left out,
particles and negations kept: :func:`~workbench.text.normalise.content_expr`); features are character
2–5-grams within words joined with word 1–2-grams (:mod:`workbench.text.features`); the classifier is a
multinomial ``LogisticRegression`` (log loss, so its outputs are probabilities; lbfgs on small training
sets, a few saga epochs on large ones). The
:mod:`~workbench.text.rules` (keywords, label words) are blended in: where a rule fires, ``(1 -
rule_weight)`` of the confidence comes from the classifier and ``rule_weight`` from the rules (the
keywords also train the classifier, as one text per reason; journey steps, short and written by the
team, are ranked without the blend: it measured worse on them). A text whose best confidence is below
``threshold`` is *unassigned* (its ranked candidates are still given).

Nothing is downloaded: the model is fitted in seconds from what the workspace holds, in any language the
workspace writes in (English and Dutch are tested).
"""

from __future__ import annotations

import hashlib
import threading
import warnings
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from workbench.model import Model
from workbench.text.features import TextFeatures
from workbench.text.normalise import STOP_WORDS, content_words, fold, fold_expr
from workbench.text.rules import RuleHits, Rules

RULE_WEIGHT = 0.3
THRESHOLD = 0.2
C = 20.0
C_LARGE = 5.0
LARGE = 1000
UNASSIGNED = "unassigned"


def ranked_schema(top: int) -> dict[str, pl.DataType]:
    """``reason_1, confidence_1, …, reason_top, confidence_top, assigned``."""
    out: dict[str, pl.DataType] = {}
    for k in range(1, top + 1):
        out[f"reason_{k}"], out[f"confidence_{k}"] = pl.String(), pl.Float64()
    return {**out, "assigned": pl.String()}


class ReasonModel:
    """A fitted text → reason model of one life cycle model (see the module docstring).

    Examples
    --------
    >>> from workbench.templates import load_template
    >>> from workbench.text.knowledge import training_texts
    >>> model = load_template("telecom")
    >>> rm = ReasonModel(model, training_texts(model))
    >>> rm.rank(["There is a charge on my bill I do not recognise"])["reason_1"].item()
    'question-bill'
    """

    def __init__(self, model: Model, training: pl.DataFrame, *, keywords: Mapping | None = None,
                 threshold: float = THRESHOLD, rule_weight: float = RULE_WEIGHT):
        from sklearn.exceptions import ConvergenceWarning

        self.reasons = list(model.reasons)
        self.threshold, self.rule_weight = threshold, rule_weight
        self.language = "nl" if (model.language or "").lower().startswith("nl") else "en"
        self.rules = Rules(model, keywords)
        self.training = training
        texts = training["text"].to_list()
        content = content_words(texts)
        self.features = TextFeatures().fit(content)
        x = self.features.transform(content)
        index = {r: i for i, r in enumerate(self.reasons)}
        y = np.array([index[r] for r in training["reason"].to_list()])
        self.classifier = _classifier(len(texts))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # saga's few epochs are deliberate
            self.classifier.fit(x, y, sample_weight=training["weight"].to_numpy())
        self._columns = self.classifier.classes_  # reasons with training texts (all, in practice)

    # -- scoring ---------------------------------------------------------------------------------
    def probabilities(self, texts: Sequence[str], *, folded: bool = False,
                      context: np.ndarray | None = None, context_weight: float = 0.0, explain: bool = True):
        """Confidence per text and reason (rows sum to 1), with the rule hits behind them.

        ``context`` (texts × reasons, 0..1) adds what surrounds a text (a journey step's neighbours):
        ``context_weight`` of the confidence then comes from it, where it is not all zero. Without
        ``explain`` and a rule weight the rules are not run (their hits are empty).
        """
        folded_texts = list(texts) if folded else _fold_all(texts)
        x = self.features.transform(content_words(folded_texts))
        p = np.zeros((len(folded_texts), len(self.reasons)))
        if len(folded_texts):
            p[:, self._columns] = self.classifier.predict_proba(x)
        if self.rule_weight or explain:
            hits = self.rules.score(folded_texts)
        else:  # the rules only explain: skip them on bulk tagging
            hits = RuleHits(np.zeros((0, 0)), self.reasons, [{} for _ in folded_texts])
        p = _blend(p, hits.scores, self.rule_weight) if self.rule_weight else p
        if context is not None and context_weight:
            p = _blend(p, context, context_weight)
        return p, hits, x

    def rank(self, texts: Sequence[str], *, top: int = 3, explain: bool = False) -> pl.DataFrame:
        """The ``top`` reasons per text with their confidence, and ``assigned`` (the first reason, or
        ``"unassigned"`` below the threshold); with ``explain`` also ``why_1 … why_top``."""
        folded = _fold_all(texts)
        p, hits, x = self.probabilities(folded, folded=True, explain=explain)
        return self._ranked(p, hits, x, top, explain, folded)

    def _ranked(self, p: np.ndarray, hits, x, top: int, explain: bool, texts: list[str]) -> pl.DataFrame:
        top = min(top, len(self.reasons))
        order = np.argsort(-p, axis=1, kind="stable")[:, :top]
        ids = np.array(self.reasons, dtype=object)
        columns: dict[str, object] = {}
        for k in range(top):
            columns[f"reason_{k + 1}"] = ids[order[:, k]].tolist() if len(p) else []
            columns[f"confidence_{k + 1}"] = np.round(np.take_along_axis(p, order[:, k:k + 1], 1).ravel(), 4)
        first = columns["confidence_1"] if top else np.zeros(len(p))
        columns["assigned"] = np.where(np.asarray(first) >= self.threshold,
                                       np.asarray(columns.get("reason_1", []), dtype=object), UNASSIGNED).tolist()
        frame = pl.DataFrame(columns, schema=ranked_schema(top))
        if explain:
            whys = [[self.why(x[row], self.reasons[order[row, k]], hits.fired[row], texts[row])
                     for row in range(len(p))] for k in range(top)]
            frame = frame.with_columns(pl.Series(f"why_{k + 1}", w, dtype=pl.String) for k, w in enumerate(whys))
        return frame

    def why(self, row, reason: str, fired: Mapping[str, str], text: str = "") -> str:
        """Which rule, words and spellings drove ``reason`` for one text (its row of the feature matrix;
        ``text`` folded, to name the text's own words whose spelling counted)."""
        parts = [f"rule: {fired[reason]}"] if reason in fired else []
        index = self.reasons.index(reason)
        columns = list(self._columns)
        if index in columns and row.nnz:
            coef = self.classifier.coef_
            weights = coef[columns.index(index)] if coef.shape[0] > 1 else coef[0]
            contribution = row.data * weights[row.indices]
            names = self.features.feature_names()[row.indices]
            is_word = row.indices >= self.features.word_offset()
            order = np.argsort(-contribution)
            stop = STOP_WORDS[self.language]
            words = [names[j] for j in order if contribution[j] > 0 and is_word[j]
                     and not set(names[j].split()) <= stop][:3]
            if words:
                parts.append("words: " + ", ".join(words))
            like = self._spelled_like(text, names, contribution, is_word, set(words), stop)
            if like:
                parts.append("like: " + ", ".join(like))
        return "; ".join(parts) or "no telling words"

    @staticmethod
    def _spelled_like(text, names, contribution, is_word, shown, stop) -> list[str]:
        """The text's words whose character n-grams pushed most toward the reason (not already shown)."""
        grams = [(names[j], contribution[j]) for j in range(len(names)) if not is_word[j] and contribution[j] > 0]
        scored = {}
        for token in dict.fromkeys(text.split()):
            word = "".join(c for c in token if c.isalnum())
            if len(word) < 3 or word in stop or word in shown:
                continue
            padded = f" {word} "
            scored[word] = sum(value for gram, value in grams if gram in padded)
        best = sorted((w for w, v in scored.items() if v > 0), key=lambda w: -scored[w])
        return best[:3]


def _classifier(texts: int):
    """Multinomial logistic regression: lbfgs to convergence on a small training set (a model's own texts
    and steps), a few epochs of saga from :data:`LARGE` texts on (confirmed tags: seconds for 10k)."""
    from sklearn.linear_model import LogisticRegression

    if texts < LARGE:
        return LogisticRegression(C=C, max_iter=300, tol=1e-3)
    return LogisticRegression(C=C_LARGE, solver="saga", max_iter=5, tol=1e-3, random_state=0)  # same tags every run


def _fold_all(texts: Sequence[str]) -> list[str]:
    series = pl.Series("t", list(texts), dtype=pl.String)
    return pl.select(fold_expr(series.fill_null(""))).to_series().to_list() if len(series) else []


def _blend(p: np.ndarray, extra: np.ndarray, weight: float) -> np.ndarray:
    """``(1 - weight) p + weight extra`` (rows of ``extra`` scaled to sum 1) where ``extra`` has a row."""
    totals = extra.sum(axis=1, keepdims=True)
    has = totals[:, 0] > 0
    out = p.copy()
    out[has] = (1 - weight) * p[has] + weight * extra[has] / totals[has]
    return out


# -- one fitted model per training set, per process ---------------------------------------------------
_CACHE: OrderedDict[str, ReasonModel] = OrderedDict()
_LOCK = threading.Lock()
CACHE_SIZE = 8


def reason_model(model: Model, training: pl.DataFrame, *, keywords: Mapping | None = None,
                 threshold: float = THRESHOLD, rule_weight: float = RULE_WEIGHT) -> ReasonModel:
    """A :class:`ReasonModel` for these training texts, fitted once per process and reused."""
    digest = hashlib.sha1()
    for part in (tuple(model.reasons), tuple(model.reasons[r].label for r in model.reasons),
                 sorted((k, tuple(v)) for k, v in (keywords or {}).items()), model.language, threshold,
                 tuple(model.voice_prefixes), rule_weight, C, C_LARGE, LARGE):
        digest.update(repr(part).encode())
    digest.update(training.hash_rows().to_numpy().tobytes())
    key = digest.hexdigest()
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    fitted = ReasonModel(model, training, keywords=keywords, threshold=threshold, rule_weight=rule_weight)
    with _LOCK:
        _CACHE[key] = fitted
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return fitted


__all__ = ["ReasonModel", "THRESHOLD", "UNASSIGNED", "fold", "ranked_schema", "reason_model"]
