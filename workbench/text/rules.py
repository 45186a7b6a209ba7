"""Rules that work from day one: per-reason keyword lists and fuzzy matches against reason labels.

Keywords are a workspace setting (``text.keywords``: reason id → list of words or phrases) the user
edits, saved revision-checked. Until saved, every reason has :func:`default_keywords`: the content
words of its label that no other reason's label uses ("charge" for *I question a charge on my bill*,
not "bill", which five reasons share).

A text matches a keyword when, after folding, one of its words

* is the keyword (score 1.0), or contains it (a Dutch compound: "factuurbedrag" holds "factuur", 0.9), or
* is spelled within a typo of it (rapidfuzz ``ratio`` ≥ :data:`TYPO_RATIO`, words of 5+ letters, 0.8);

a keyword of several words must appear as a phrase (1.0). Independently, a reason's label matches when
the text holds (nearly) all its content words: rapidfuzz ``token_set_ratio`` over content words,
counted from :data:`LABEL_RATIO` up (0.8 → 1.0).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from workbench.errors import InputError
from workbench.model import Model, did_you_mean
from workbench.text.normalise import fold, tokens

KEYWORDS = "text.keywords"
TYPO_RATIO = 85
LABEL_RATIO = 85
MIN_KEYWORD = 4


def _language(model: Model) -> str:
    return "nl" if (model.language or "").lower().startswith("nl") else "en"


def _stop(model: Model) -> frozenset[str]:
    return frozenset(t for p in model.voice_prefixes for t in fold(p).split())


def default_keywords(model: Model) -> dict[str, list[str]]:
    """Per reason, the content words of its label no other label has (at least 4 letters).

    >>> from workbench.templates import load_template
    >>> default_keywords(load_template("telecom"))["question-bill"]
    ['question', 'charge']
    """
    language, stop = _language(model), _stop(model)
    words = {r.id: list(dict.fromkeys(tokens(r.label, language, stop))) for r in model.reasons.values()}
    shared = Counter(w for ws in words.values() for w in set(ws))
    return {rid: [w for w in ws if shared[w] == 1 and len(w) >= MIN_KEYWORD] for rid, ws in words.items()}


def keywords(store, model: Model) -> tuple[dict[str, list[str]], int]:
    """The workspace's keyword lists (saved ones, else the defaults) and their revision (0: never saved).

    Reasons the model gained since the save get their defaults; reasons it lost are left out.
    """
    saved, revision = store.get_setting_revision(KEYWORDS, None) if store is not None else (None, 0)
    defaults = default_keywords(model)
    if not saved:
        return defaults, revision
    return {rid: list(saved.get(rid, defaults[rid])) for rid in model.reasons}, revision


def save_keywords(store, model: Model, lists: Mapping[str, Iterable[str]], *, revision: int) -> int:
    """Save keyword lists (reason id → words) if nobody saved since ``revision``; returns the new revision.

    Unknown reason ids are refused with a "did you mean"; words are stripped, blanks and repeats dropped.
    """
    unknown = [rid for rid in lists if rid not in model.reasons]
    if unknown:
        raise InputError("; ".join(f"no reason '{rid}'{did_you_mean(rid, model.reasons)}" for rid in unknown)
                         + "; nothing was saved")
    current, _ = keywords(store, model)
    merged = {**current, **{rid: list(dict.fromkeys(w.strip() for w in ws if w.strip())) for rid, ws in lists.items()}}
    return store.set_setting(KEYWORDS, merged, expected_revision=revision)


@dataclass(frozen=True)
class RuleHits:
    """Rule scores per text and reason (``scores``: texts × reasons, 0..1) and, per text, what fired."""

    scores: np.ndarray
    reasons: list[str]
    fired: list[dict[str, str]]  # per text: reason → "keyword 'x'" / "label words"


class Rules:
    """The keyword and label rules of one model, ready to score many texts at once."""

    def __init__(self, model: Model, lists: Mapping[str, Iterable[str]] | None = None):
        self.reasons = list(model.reasons)
        self.language, self._stop = _language(model), _stop(model)
        lists = lists if lists is not None else default_keywords(model)
        self.words: list[tuple[str, int]] = []  # (folded keyword, reason index): single words
        self.phrases: list[tuple[str, int]] = []
        for i, rid in enumerate(self.reasons):
            for keyword in lists.get(rid, ()):
                folded = fold(keyword)
                if " " in folded:
                    self.phrases.append((folded, i))
                elif len(folded) >= 2:
                    self.words.append((folded, i))
        self.labels = [" ".join(tokens(model.reasons[r].label, self.language, self._stop)) for r in self.reasons]

    def score(self, texts: list[str]) -> RuleHits:
        """Rule scores of folded ``texts`` (see the module docstring)."""
        n, m = len(texts), len(self.reasons)
        scores = np.zeros((n, m), dtype=np.float32)
        fired: list[dict[str, str]] = [{} for _ in range(n)]
        if not n or not m:
            return RuleHits(scores, self.reasons, fired)
        self._words(texts, scores, fired)
        for phrase, i in self.phrases:
            for row in np.flatnonzero(pl.Series(texts).str.contains(phrase, literal=True).fill_null(False).to_numpy()):
                scores[row, i] = 1.0
                fired[row].setdefault(self.reasons[i], f"keyword '{phrase}'")
        content = [" ".join(tokens(t, self.language, self._stop)) for t in texts]
        ratios = process.cdist(content, self.labels, scorer=fuzz.token_set_ratio, dtype=np.uint8, workers=-1)
        rows, cols = np.nonzero(ratios >= LABEL_RATIO)
        for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
            value = 0.8 + 0.2 * (ratios[row, col] - LABEL_RATIO) / (100 - LABEL_RATIO)
            if value > scores[row, col]:
                scores[row, col] = value
            fired[row].setdefault(self.reasons[col], f"label words '{self.labels[col]}'")
        return RuleHits(scores, self.reasons, fired)

    def _words(self, texts: list[str], scores: np.ndarray, fired: list[dict[str, str]]) -> None:
        if not self.words:
            return
        frame = (pl.DataFrame({"doc": np.arange(len(texts)), "text": texts})
                 .select("doc", word=pl.col("text").str.extract_all(r"[^\W_]+")).explode("word").drop_nulls()
                 .unique())
        frame = frame.sort("doc", "word")
        distinct = frame["word"].unique().sort().to_list()
        keys = [w for w, _ in self.words]
        exact = process.cdist(keys, distinct, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
        best = np.zeros_like(exact, dtype=np.float32)
        best[exact >= TYPO_RATIO] = 0.8
        words = pl.Series(distinct, dtype=pl.String)
        best[:, ~(words.str.len_chars() >= 5).to_numpy()] = 0
        for k, key in enumerate(keys):
            if len(key) >= 5:  # a compound holding the keyword
                best[k, (words.str.contains(key, literal=True) & (words != key)).to_numpy()] = 0.9
        best[exact == 100] = 1.0
        hit = {}
        for k, j in zip(*np.nonzero(best), strict=True):
            hit.setdefault(distinct[j], []).append((k, best[k, j]))
        if not hit:
            return
        for doc, word in frame.filter(pl.col("word").is_in(list(hit))).iter_rows():
            for k, value in hit[word]:
                i = self.words[k][1]
                if value > scores[doc, i]:
                    scores[doc, i] = value
                    fired[doc][self.reasons[i]] = f"keyword '{keys[k]}'" + ("" if value == 1 else f" (as '{word}')")
