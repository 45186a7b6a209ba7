"""Accuracy and time of link suggestions on the templates' example journeys, leave-one-journey-out.

Every linked step of every template is a test case: its link in the template is the truth. The
suggester trains one reason model per journey on everything but that journey's own links, so each
suggestion is a leave-one-journey-out guess. Printed per template and overall (English and Dutch
apart), with and without the phases of the neighbouring steps (``context``), and the seconds a whole
template took (fitting included; one fit per journey).

Run: ``.venv/bin/python benchmarks/bench_suggest.py``
"""

from __future__ import annotations

import time

import polars as pl

from workbench.analysis.suggest import Suggester
from workbench.templates import load_template, template_paths


def table() -> pl.DataFrame:
    rows = []
    for name in template_paths():
        model = load_template(name)
        linked = [s for s in model.steps.values() if s.reason]
        row = {"template": name, "language": "nl" if model.language.startswith("nl") else "en", "steps": len(linked)}
        for label, kwargs in (("", {}), ("no_context_", {"context_weight": 0.0})):
            started = time.perf_counter()
            ranked = Suggester(model, **kwargs).suggest_many([s.id for s in linked], top=3)
            seconds = time.perf_counter() - started
            row[f"{label}top1"] = sum(ranked[s.id][0].reason == s.reason for s in linked) / len(linked)
            row[f"{label}top3"] = sum(s.reason in [g.reason for g in ranked[s.id]] for s in linked) / len(linked)
            if not label:
                row["seconds"] = seconds
        rows.append(row)
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
