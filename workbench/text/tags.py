"""Confirmed tags: a person's word on which contact reason a verbatim is about; they train the model.

Kept as one workspace setting (``text.tags``, revision-checked like every setting: two people
confirming at once get a conflict, never a lost tag) until the store has a ``feedback_tags`` table.
Each tag keeps the verbatim's text, so the model retrains without reading the sources again. A later
confirmation of the same feedback id (in the same source) replaces the earlier one. A verbatim a person
marks as about no contact reason at all (off-topic, a test) is stored with the reason
:data:`NOT_A_REASON`: it is then unassigned for good and trains nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import polars as pl

from workbench.errors import InputError
from workbench.model import Model, did_you_mean

TAGS = "text.tags"
NOT_A_REASON = "unassigned"  # the reason of a verbatim a person says is about no contact reason
TAG_SCHEMA = {"feedback_id": pl.String, "source": pl.String, "reason": pl.String, "text": pl.String,
              "by": pl.String, "at": pl.String}


def confirmed_tags(store) -> tuple[pl.DataFrame, int]:
    """Every confirmed tag (columns of :data:`TAG_SCHEMA`) and the setting's revision (0: none yet)."""
    saved, revision = store.get_setting_revision(TAGS, [])
    return pl.DataFrame(saved, schema=TAG_SCHEMA), revision


def confirm(store, model: Model, confirmations: Iterable[tuple[str, str]], texts: Mapping[str, str], *,
            source: str | Mapping[str, str] = "", by: str = "", revision: int | None = None) -> int:
    """Store ``(feedback_id, reason)`` confirmations in one write; returns the new revision.

    ``texts`` maps each feedback id to its verbatim (an id without one is refused, as is a reason the
    model does not have: nothing is stored then; :data:`NOT_A_REASON` says "about no contact reason");
    ``source`` is the feedback source of all of them, or
    a mapping feedback id → source. With ``revision`` the write is refused with a
    :class:`~workbench.errors.ConflictError` if someone confirmed tags since; without it, since now.
    """
    pairs = list(confirmations)
    problems = []
    for feedback_id, reason in pairs:
        if reason not in model.reasons and reason != NOT_A_REASON:
            problems.append(f"{feedback_id}: no reason '{reason}'{did_you_mean(reason, model.reasons)}")
        if feedback_id not in texts:
            problems.append(f"{feedback_id}: no feedback with that id{did_you_mean(feedback_id, texts)}")
        elif not (texts[feedback_id] or "").strip():
            problems.append(f"{feedback_id}: the feedback has no text to learn from")
    if problems:
        raise InputError("nothing was confirmed:\n  " + "\n  ".join(problems))
    current, read_revision = confirmed_tags(store)
    at = datetime.now(UTC).isoformat(timespec="seconds")
    source_of = (lambda f: source.get(f, "")) if isinstance(source, Mapping) else (lambda f: source)
    new = pl.DataFrame([(f, source_of(f), r, texts[f], by, at) for f, r in pairs], schema=TAG_SCHEMA,
                       orient="row") \
        .unique(["feedback_id", "source"], keep="last", maintain_order=True)
    kept = current.join(new.select("feedback_id", "source"), on=["feedback_id", "source"], how="anti")
    merged = pl.concat([kept, new])
    return store.set_setting(TAGS, merged.to_dicts(), expected_revision=read_revision if revision is None else revision)


def read_confirmations(path, feedback_column: str = "feedback_id", reason_column: str = "reason"):
    """``(feedback_id, reason)`` pairs from a CSV or Excel file with those two columns."""
    from workbench.text.workspace import read_table

    frame = read_table(path)
    missing = [c for c in (feedback_column, reason_column) if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: no column {', '.join(repr(c) for c in missing)}; the columns are "
                         f"{', '.join(frame.columns)}")
    rows = frame.select(pl.col(feedback_column).cast(pl.String), pl.col(reason_column).cast(pl.String))
    return [(f, r) for f, r in rows.iter_rows() if f and r]
