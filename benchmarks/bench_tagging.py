"""How well and how fast the text → reason model tags: demo feedback, template steps, 100k texts.

1. **Demo feedback** (``workbench.sample.feedback``, English on the telecom template, Dutch on
   telecom-nl). The answer key is the truth; it is never a training text for the texts it scores:

   * ``held-out``: a random 30 % is scored by a model trained on the workspace's own texts plus the
     other 70 % as confirmed tags (as if people had confirmed them). Held-out texts share the way of
     saying things with training texts, never the text itself: ``same_text`` is the share of held-out
     texts that also occur, folded, among the training texts, and ``top1_new`` / ``top3_new`` count only
     the others.
   * ``unseen-phrasing``: of each reason's four customer phrasings one is held out: the texts built on it
     are scored by a model trained on the texts built on the other three (the hardest case: a new way
     of saying it, shared words only).
   * ``day-one``: no confirmed tag at all: labels, descriptions, keywords and the template's steps.

   ``top1`` / ``top3`` count on-topic texts; ``unassigned`` is the share below the threshold among
   on-topic (``unassigned_on``) and off-topic texts (``unassigned_off``, where higher is better).
   ``rules=…`` rows blend the keyword rules in at that weight (the default is 0).
2. **Template steps**, leave-one-journey-out (the suggester never trains on the journey it ranks), with
   and without the neighbouring steps' phases (``context``).
3. **Speed**: fitting on 10k texts, and tagging 100k texts (features + classifier + rules), against
   scikit-learn's own ``FeatureUnion`` of the two ``TfidfVectorizer`` doing the same features; the best
   of ``--repeat`` runs. The machine is shared: read the ratio, not the seconds.

Run: ``.venv/bin/python benchmarks/bench_tagging.py`` (``--quick`` for a smaller run).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from workbench.analysis.suggest import Suggester
from workbench.sample.feedback import generate_feedback
from workbench.templates import load_template, template_paths
from workbench.text import reasons as R
from workbench.text.features import make_vectorizer
from workbench.text.knowledge import training_texts
from workbench.text.normalise import content_words, customer_turns, fold
from workbench.text.rules import default_keywords


def demo_feedback(template: str, rows: int, folder: Path) -> pl.DataFrame:
    model = load_template(template)
    result = generate_feedback(model, folder / template, rows=rows, seed=11)
    frame = pl.read_parquet(result.path).join(pl.read_parquet(result.answer_key), on="feedback_id")
    return frame.with_columns(text=pl.col("text").map_elements(customer_turns, return_dtype=pl.String))


def score(model, train: pl.DataFrame | None, test: pl.DataFrame, rule_weight: float = 0.0) -> dict:
    keywords = default_keywords(model)
    tags = None if train is None else train.filter(pl.col("reason").is_not_null()).select("text", "reason")
    fitted = R.ReasonModel(model, training_texts(model, keywords=keywords, tags=tags), keywords=keywords,
                           rule_weight=rule_weight)
    ranked = fitted.rank(test["text"].to_list())
    truth = test["reason"].to_numpy()
    on = test["reason"].is_not_null().to_numpy()
    hits = np.column_stack([ranked[f"reason_{k}"].to_numpy() == truth for k in (1, 2, 3)])
    unassigned = ranked["assigned"].to_numpy() == R.UNASSIGNED
    seen = set() if train is None else {fold(t) for t in train["text"]}
    new = on & ~np.array([fold(t) in seen for t in test["text"]], dtype=bool)
    return {"train_tags": 0 if tags is None else tags.height, "test": int(on.sum()),
            "top1": hits[on, 0].mean(), "top3": hits[on].any(axis=1).mean(),
            "top1_new": hits[new, 0].mean(), "top3_new": hits[new].any(axis=1).mean(),
            "unassigned_on": unassigned[on].mean(), "unassigned_off": unassigned[~on].mean() if (~on).any() else None,
            "same_text": float(np.mean([fold(t) in seen for t in test["text"]]))}


def feedback_table(rows: int, folder: Path) -> pl.DataFrame:
    out = []
    for template in ("telecom", "telecom-nl"):
        model = load_template(template)
        frame = demo_feedback(template, rows, folder)
        held = pl.Series(np.random.default_rng(0).random(frame.height) < 0.3)
        unseen = frame["phrase"].str.ends_with("/3").fill_null(False)
        language = "nl" if template.endswith("nl") else "en"
        cases = [("held-out", frame.filter(~held), frame.filter(held), 0.0),
                 ("held-out rules=0.1", frame.filter(~held), frame.filter(held), 0.1),
                 ("held-out rules=0.3", frame.filter(~held), frame.filter(held), 0.3),
                 ("unseen-phrasing", frame.filter(~unseen & frame["reason"].is_not_null()),
                  frame.filter(unseen), 0.0),
                 ("day-one", None, frame.filter(held), 0.0),
                 ("day-one rules=0.3", None, frame.filter(held), 0.3)]
        for name, train, test, weight in cases:
            out.append({"language": language, "split": name, **score(model, train, test, weight)})
    return pl.DataFrame(out)


def steps_table() -> pl.DataFrame:
    rows = []
    for name in template_paths():
        model = load_template(name)
        linked = [s for s in model.steps.values() if s.reason]
        row = {"template": name, "language": "nl" if model.language.startswith("nl") else "en", "steps": len(linked)}
        for label, weight in (("", None), ("no_context_", 0.0)):
            suggester = Suggester(model) if weight is None else Suggester(model, context_weight=weight)
            ranked = suggester.suggest_many([s.id for s in linked], top=3)
            row[f"{label}top1"] = float(np.mean([ranked[s.id][0].reason == s.reason for s in linked]))
            row[f"{label}top3"] = float(np.mean([s.reason in [g.reason for g in ranked[s.id]] for s in linked]))
        rows.append(row)
    frame = pl.DataFrame(rows)
    rates = [c for c in frame.columns if c.endswith(("top1", "top3"))]
    overall = (frame.group_by("language").agg(pl.col("steps").sum(), *[
        ((pl.col(c) * pl.col("steps")).sum() / pl.col("steps").sum()).alias(c) for c in rates])
        .sort("language").with_columns(template=pl.format("ALL {}", pl.col("language"))))
    return pl.concat([frame, overall.select(frame.columns)])


def _best(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def speed_table(train_rows: int, tag_rows: int, repeat: int, folder: Path) -> pl.DataFrame:
    from sklearn.pipeline import FeatureUnion

    model = load_template("telecom-nl")
    frame = demo_feedback("telecom-nl", train_rows + 5000, folder / "speed")
    keywords = default_keywords(model)
    tags = frame.head(train_rows).filter(pl.col("reason").is_not_null()).select("text", "reason")
    training = training_texts(model, keywords=keywords, tags=tags)
    fit_s, fitted = _best(lambda: R.ReasonModel(model, training, keywords=keywords, rule_weight=0.0), repeat)
    texts = frame["text"].sample(tag_rows, with_replacement=True, seed=1).to_list()
    tag_s, _ = _best(lambda: fitted.rank(texts), repeat)
    content = content_words([fold(t) for t in texts])  # the model reads content words (both routes alike)
    union = FeatureUnion([("char", make_vectorizer(analyzer="char_wb", ngram_range=(2, 5))),
                          ("word", make_vectorizer(analyzer="word", ngram_range=(1, 2)))])
    union.fit(content_words(training["text"].to_list()))
    base_s, _ = _best(lambda: fitted.classifier.predict_proba(union.transform(content)), 1)
    features_s, _ = _best(lambda: fitted.features.transform(content), repeat)
    return pl.DataFrame([
        {"what": f"fit on {training.height:,} texts", "seconds": fit_s, "baseline_seconds": None, "ratio": None},
        {"what": f"tag {tag_rows:,} texts (features, classifier, rules)", "seconds": tag_s,
         "baseline_seconds": base_s, "ratio": base_s / tag_s},
        {"what": f"features of {tag_rows:,} texts (Polars) vs scikit-learn", "seconds": features_s,
         "baseline_seconds": base_s, "ratio": base_s / features_s},
    ])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 comments, 20k texts timed")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    rows, train_rows, tag_rows = (2000, 3000, 20_000) if args.quick else (6000, 10_000, 100_000)
    config = pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=220, float_precision=3,
                       tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True)
    with tempfile.TemporaryDirectory() as tmp, config:
        folder = Path(tmp)
        print(f"demo feedback ({rows:,} comments per language, 10 % off-topic):")
        print(feedback_table(rows, folder))
        print("\ntemplate steps, leave-one-journey-out:")
        print(steps_table())
        print("\nspeed (machine shared with other work; ratios are what to read):")
        print(speed_table(train_rows, tag_rows, args.repeat, folder))


if __name__ == "__main__":
    main()
