"""Labels for the model dimensions in a result table, so people read names, not ids."""

from __future__ import annotations

import polars as pl

from workbench.model import COLLECTIONS, Model

#: dimension column → model collection holding its labels
LABELLED = {k: COLLECTIONS[k] for k in ("reason", "phase", "stage", "journey", "channel", "segment", "process",
                                         "system")}


def with_labels(frame: pl.DataFrame, model: Model) -> pl.DataFrame:
    """Insert ``<dim>_label`` right after every model dimension column (unknown ids keep their id).

    Examples
    --------
    >>> from workbench.model import COLLECTIONS, Model, Channel
    >>> m = Model().add(Channel("app", "Mobile app", True))
    >>> with_labels(pl.DataFrame({"channel": ["app", "fax"], "volume": [3, 1]}), m).rows()
    [('app', 'Mobile app', 3), ('fax', 'fax', 1)]
    """
    columns: list[pl.Expr] = []
    for name in frame.columns:
        columns.append(pl.col(name))
        if name in LABELLED and frame.schema[name] == pl.String:
            labels = {k: v.label for k, v in getattr(model, LABELLED[name]).items()}
            columns.append(pl.col(name).replace(labels).alias(f"{name}_label"))
    return frame.select(columns)
