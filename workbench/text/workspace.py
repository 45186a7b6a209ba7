"""The reason model of a workspace: trained on all it knows, used to tag its feedback or any file.

These functions take a store and a model (and a workspace folder where files are read), so the CLI,
a notebook and the dashboard share them. :func:`tagger` is fitted once per process per state of the
knowledge (the keywords, crosswalk and confirmed tags) and refitted when any of it changes; confirming
a tag therefore changes the next suggestion for a similar text.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from workbench.errors import InputError
from workbench.model import Model, did_you_mean
from workbench.text.knowledge import training_texts
from workbench.text.reasons import THRESHOLD, ReasonModel, ranked_schema, reason_model
from workbench.text.rules import keywords
from workbench.text.tags import NOT_A_REASON, confirmed_tags

THRESHOLD_SETTING = "text.threshold"
RULE_WEIGHT = 0.0  # measured in benchmarks/bench_tagging.py (rules 0 / 0.1 / 0.3)
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet")


def knowledge(store, model: Model) -> dict:
    """What the workspace knows besides the model: ``keywords``, crosswalk ``notes`` and ``targets``, ``tags``
    (without a store, e.g. contact rows held in memory: the default keywords only)."""
    from workbench.sources.registry import get_crosswalk

    if store is None:
        return {"keywords": keywords(None, model)[0], "notes": {}, "targets": {}, "tags": None}
    crosswalk = get_crosswalk(store)
    return {"keywords": keywords(store, model)[0], "notes": dict(crosswalk.notes),
            "targets": dict(crosswalk.targets), "tags": confirmed_tags(store)[0]}


def tagger(store, model: Model) -> ReasonModel:
    """The workspace's text → reason model (fitted once per process for each state of its knowledge)."""
    known = knowledge(store, model)
    training = training_texts(model, **known)
    threshold = float(store.get_setting(THRESHOLD_SETTING, THRESHOLD)) if store is not None else THRESHOLD
    return reason_model(model, training, keywords=known["keywords"], threshold=threshold, rule_weight=RULE_WEIGHT)


def suggester(store, model: Model):
    """Link suggestions that also use the workspace's keywords, crosswalk notes and confirmed tags."""
    from workbench.analysis.suggest import Suggester

    return Suggester(model, **knowledge(store, model))


def tag_texts(store, model: Model, texts: list[str], *, top: int = 3, explain: bool = False) -> pl.DataFrame:
    """``text`` and the ranked reasons of each (see :meth:`ReasonModel.rank`)."""
    ranked = tagger(store, model).rank(texts, top=top, explain=explain)
    return pl.concat([pl.DataFrame({"text": texts}, schema={"text": pl.String}), ranked], how="horizontal")


def empty_tagged(top: int = 3) -> pl.DataFrame:
    """No feedback, in the columns of :func:`tag_feedback`."""
    from workbench.sources.feedback import FEEDBACK_SCHEMA

    return pl.DataFrame(schema={**FEEDBACK_SCHEMA, "source": pl.String(), **ranked_schema(top),
                                "tagged_by": pl.String()})


def tag_feedback(store, workspace_dir, model: Model, *, source: str | None = None, top: int = 3) -> pl.DataFrame:
    """Every feedback row of the workspace (or of ``source``) with its ranked reasons; a confirmed tag
    wins (``confidence_1`` 1.0, ``tagged_by`` ``person``; otherwise ``model``). A verbatim a person marked
    as about no contact reason (:data:`~workbench.text.tags.NOT_A_REASON`) is ``assigned`` ``unassigned``
    with no ``reason_1``."""
    from workbench.sources.feedback import feedback, feedback_sources

    if source is not None:
        ids = [s.id for s in feedback_sources(store)]
        if source not in ids:
            raise InputError(f"no feedback source '{source}'{did_you_mean(source, ids)}")
    frame = feedback(store, workspace_dir, model).frame
    if source is not None:
        frame = frame.filter(pl.col("source") == source)
    ranked = tagger(store, model).rank(frame["text"].to_list(), top=top) if frame.height else \
        pl.DataFrame(schema=ranked_schema(top))
    out = pl.concat([frame, ranked], how="horizontal").with_columns(tagged_by=pl.lit("model"))
    tags, _ = confirmed_tags(store)
    if tags.height:
        person = tags.select("feedback_id", "source", confirmed=pl.col("reason"))
        reason = pl.when(pl.col("confirmed") != NOT_A_REASON).then(pl.col("confirmed"))
        out = out.join(person, on=["feedback_id", "source"], how="left").with_columns(
            *(pl.when(pl.col("confirmed").is_not_null()).then(v).otherwise(pl.col(c)).alias(c)
              for c, v in (("reason_1", reason), ("confidence_1", pl.lit(1.0)),
                           ("assigned", pl.col("confirmed")), ("tagged_by", pl.lit("person"))))).drop("confirmed")
    return out


def read_table(path: str | Path) -> pl.DataFrame:
    """A CSV (UTF-8), Excel or Parquet file as text columns, for tagging or confirmations (not stored)."""
    from workbench.sources.connectors import SourceError, check_encoding

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(f"{path}: not a table file ({', '.join(TABLE_SUFFIXES)})")
    try:
        if suffix in (".csv", ".txt"):
            check_encoding(path, "utf-8-sig")
            return pl.read_csv(path, infer_schema=False, raise_if_empty=False)
        if suffix == ".parquet":
            return pl.read_parquet(path)
        return pl.read_excel(path, infer_schema_length=0)
    except SourceError:
        raise
    except Exception as error:  # the readers raise their own kinds for broken files
        raise InputError(f"{path}: cannot be read ({error})") from None


def tag_file(store, model: Model, path: str | Path, text_column: str, *, top: int = 3) -> pl.DataFrame:
    """``path``'s rows with ``reason_1, confidence_1, …`` and ``assigned`` added (the file is not stored)."""
    frame = read_table(path)
    if text_column not in frame.columns:
        raise InputError(f"{path}: no column '{text_column}'{did_you_mean(text_column, frame.columns)}; "
                         f"the columns are {', '.join(frame.columns)}")
    texts = frame[text_column].cast(pl.String).fill_null("").to_list()
    ranked = tagger(store, model).rank(texts, top=top)
    clash = [c for c in ranked.columns if c in frame.columns]
    if clash:
        raise InputError(f"{path}: already has the column(s) {', '.join(clash)}; rename them first")
    return pl.concat([frame, ranked], how="horizontal")
