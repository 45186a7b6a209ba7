"""What a workspace knows about its contact reasons, as training texts for the reason model.

One row per text: ``text`` (folded), ``reason``, ``weight`` and ``origin`` — where the text came from:

========== =====================================================================================
origin     text
========== =====================================================================================
label      the reason's label ("I question a charge on my bill")
description the reason's description
keywords   the reason's keyword list (:mod:`workbench.text.rules`), joined
code       the note of a crosswalk source code mapped to the reason
step       a journey step linked to the reason: its label, need and touchpoint
tag        a verbatim a person confirmed as being about the reason (:mod:`workbench.text.tags`)
========== =====================================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from workbench.model import Model
from workbench.text.normalise import fold_expr

#: How much one text of each origin counts in training (a label says more than a long description).
WEIGHTS = {"label": 2.0, "description": 1.0, "keywords": 1.5, "code": 1.0, "step": 1.0, "tag": 1.0}
SCHEMA = {"text": pl.String, "reason": pl.String, "weight": pl.Float64, "origin": pl.String}


def step_text(model: Model, step_id: str) -> str:
    """A step as one text: its label, need and touchpoint.

    >>> from workbench.model import Journey, Step
    >>> m = Model().add(Journey("j", "I move"), Step("s", "j", "Gives new address", need="Quick", touchpoint="App"))
    >>> step_text(m, "s")
    'Gives new address. Quick. App'
    """
    step = model.steps[step_id]
    return ". ".join(part for part in (step.label, step.need, step.touchpoint) if part)


def training_texts(model: Model, *, keywords: Mapping[str, Iterable[str]] | None = None,
                   notes: Mapping[str, str] | None = None, targets: Mapping[str, str] | None = None,
                   tags: pl.DataFrame | None = None, exclude_journeys: Iterable[str] = ()) -> pl.DataFrame:
    """The training texts of ``model`` (see the module docstring), one row each.

    ``keywords``: reason → words; ``notes`` and ``targets``: the crosswalk's code → note and code →
    reason; ``tags``: confirmed tags (columns ``text``, ``reason``); steps of ``exclude_journeys`` are
    left out (a journey's own links never train the suggestions for that journey). Texts of reasons the
    model no longer has are dropped.

    >>> from workbench.model import ContactReason, Phase, Stage
    >>> m = Model().add(Stage("s", "S"), Phase("p", "s", "P"), ContactReason("pay", "p", "I pay my bill", "Pays."))
    >>> training_texts(m, keywords={"pay": ["direct debit"]})["origin"].to_list()
    ['label', 'description', 'keywords']
    """
    rows: list[tuple[str, str, float, str]] = []
    for reason in model.reasons.values():
        rows.append((reason.label, reason.id, WEIGHTS["label"], "label"))
        if reason.description:
            rows.append((reason.description, reason.id, WEIGHTS["description"], "description"))
        words = [w for w in (keywords or {}).get(reason.id, ()) if w.strip()]
        if words:
            rows.append((" ".join(words), reason.id, WEIGHTS["keywords"], "keywords"))
    for code, note in (notes or {}).items():
        reason = (targets or {}).get(code)
        if note and reason in model.reasons:
            rows.append((note, reason, WEIGHTS["code"], "code"))
    excluded = set(exclude_journeys)
    for step in model.steps.values():
        if step.reason in model.reasons and step.journey not in excluded:
            rows.append((step_text(model, step.id), step.reason, WEIGHTS["step"], "step"))
    frame = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    if tags is not None and tags.height:
        confirmed = tags.select(pl.col("text").cast(pl.String), pl.col("reason").cast(pl.String),
                                weight=pl.lit(WEIGHTS["tag"]), origin=pl.lit("tag"))
        frame = pl.concat([frame, confirmed.filter(pl.col("reason").is_in(list(model.reasons)))])
    return frame.with_columns(text=fold_expr("text")) \
        .filter(pl.col("text") != "")
