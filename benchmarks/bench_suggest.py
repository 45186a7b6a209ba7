"""Accuracy of link suggestions on the templates' example journeys (leave-one-out).

Every linked step of every template is a test case: its link in the template is the truth. The
suggester never uses a step's own link, so asking it for that step is a leave-one-out guess. Printed per
template and overall (English and Dutch separately), for the full score, without the nearest-neighbour
vote over other linked steps (``no_nbr_*``) and for text alone (``text_*``: no neighbours, no context
of the adjacent steps, as for a model with no links yet), with the time the full run took.

Run: ``.venv/bin/python benchmarks/bench_suggest.py``
"""

from __future__ import annotations

import time
from unittest import mock

import polars as pl

from workbench.analysis import suggest as suggest_module
from workbench.analysis.suggest import Suggester
from workbench.templates import load_template, template_paths

#: Variants measured beside the full score: without the neighbour vote; text alone (as on a model
#: with no links yet).
VARIANTS = {"no_nbr": {"neighbours": 0.0}, "text": {"neighbours": 0.0, "context": 0.0}}


def hits(model, weights: dict[str, float] | None = None) -> pl.DataFrame:
    """One row per linked step: the rank of its true reason among the suggestions (null if past 10)."""
    with mock.patch.dict(suggest_module.WEIGHTS, weights or {}):
        suggester = Suggester(model)
        rows = []
        for step in model.steps.values():
            if step.reason is None:
                continue
            ranked = [g.reason for g in suggester.suggest(step.id, top=10)]
            rows.append((step.id, step.reason, ranked.index(step.reason) + 1 if step.reason in ranked else None))
    return pl.DataFrame(rows, schema={"step": pl.String, "truth": pl.String, "rank": pl.Int64}, orient="row")


def accuracy(model, weights: dict[str, float] | None = None) -> dict[str, float]:
    """Top-1 and top-3 accuracy over the model's linked steps (leave-one-out)."""
    ranks = hits(model, weights)["rank"]
    n = len(ranks)
    return {"steps": n, "top1": float((ranks == 1).sum()) / n, "top3": float((ranks <= 3).sum()) / n}


def table() -> pl.DataFrame:
    rows = []
    for name in template_paths():
        model = load_template(name)
        started = time.perf_counter()
        full = accuracy(model)
        seconds = time.perf_counter() - started
        language = "nl" if model.language.startswith("nl") else "en"
        row = {"template": name, "language": language, "steps": full["steps"], "top1": full["top1"],
               "top3": full["top3"]}
        for variant, weights in VARIANTS.items():
            got = accuracy(model, weights)
            row |= {f"{variant}_top1": got["top1"], f"{variant}_top3": got["top3"]}
        rows.append(row | {"seconds": seconds})
    frame = pl.DataFrame(rows)
    rates = [c for c in frame.columns if c.endswith(("top1", "top3"))]
    overall = (frame.group_by("language")
               .agg(pl.col("steps").sum(), *[((pl.col(c) * pl.col("steps")).sum() / pl.col("steps").sum()).alias(c)
                                             for c in rates], pl.col("seconds").sum())
               .sort("language").with_columns(template=pl.format("ALL {}", pl.col("language"))))
    return pl.concat([frame, overall.select(frame.columns)])


if __name__ == "__main__":
    result = table()
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, float_precision=3,
                   tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        print(result)
