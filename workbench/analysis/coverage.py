"""How completely journeys are linked to the life cycle model: unlinked steps, shared and unused reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from workbench.model import Model


@dataclass(frozen=True)
class Coverage:
    """How completely the journeys are linked (see :func:`coverage`)."""

    journey_steps: int
    journey_unlinked: int
    all_steps: int
    all_unlinked: int
    shared: pl.DataFrame = field(repr=False)  # reason, reason_label, journeys (list of titles), n_journeys
    unused: pl.DataFrame = field(repr=False)  # reason, reason_label, phase_label


def coverage(model: Model, journey: str | None = None) -> Coverage:
    """Unlinked steps (in ``journey`` and overall), reasons used by two or more journeys, reasons used by none.

    Examples
    --------
    >>> from workbench.model import ContactReason, Journey, Phase, Stage, Step
    >>> m = Model().add(Stage("s", "S"), Phase("p", "s", "P"), ContactReason("a", "p", "A"),
    ...                 ContactReason("b", "p", "B"), Journey("j", "J"), Journey("k", "K"),
    ...                 Step("1", "j", "x", reason="a"), Step("2", "j", "y"), Step("3", "k", "z", reason="a"))
    >>> c = coverage(m, "j")
    >>> c.journey_unlinked, c.journey_steps, c.all_unlinked, c.shared["reason"].to_list(), c.unused["reason"][0]
    (1, 2, 1, ['a'], 'b')
    """
    links = pl.DataFrame([(s.journey, s.reason) for s in model.steps.values()],
                         schema={"journey": pl.String, "reason": pl.String}, orient="row")
    here = links.filter(pl.col("journey").eq_missing(pl.lit(journey, dtype=pl.String)))
    used = (links.drop_nulls("reason").unique(maintain_order=True)
            .with_columns(journey_label=pl.col("journey").replace_strict(
                {j: model.journey_title(j) for j in model.journeys}, default=pl.col("journey")))
            .group_by("reason", maintain_order=True)
            .agg(journeys=pl.col("journey_label"), n_journeys=pl.len().cast(pl.Int64)))
    order = {r: i for i, r in enumerate(model.reasons)}
    labels = {r.id: r.label for r in model.reasons.values()}
    shared = (used.filter(pl.col("n_journeys") >= 2)
              .with_columns(reason_label=pl.col("reason").replace_strict(labels, default=pl.col("reason")),
                            position=pl.col("reason").replace_strict(order, default=len(order)))
              .sort("n_journeys", "position", descending=[True, False])
              .select("reason", "reason_label", "journeys", "n_journeys"))
    in_use = set(used["reason"].to_list())
    unused = pl.DataFrame(
        [(r.id, r.label, model.phases[r.phase].label if r.phase in model.phases else r.phase)
         for r in model.reasons.values() if r.id not in in_use],
        schema={"reason": pl.String, "reason_label": pl.String, "phase_label": pl.String}, orient="row")
    return Coverage(here.height, here["reason"].null_count(), links.height, links["reason"].null_count(),
                    shared, unused)
