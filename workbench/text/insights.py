"""The figures of the customer listening path: what customers say, and how they feel, along a journey.

Pure functions over frames. ``tagged`` is feedback with its reason (the columns of
:func:`workbench.text.workspace.tag_feedback`: ``feedback_id, timestamp, text, score, scale, journey,
step, assigned, confidence_1 …``; ``assigned`` is a reason id or ``"unassigned"``); ``contacts`` is the
canonical contact frame. A feedback row belongs to a part (phase or episode) of a journey when its step
is in that part, or, without a step of this journey, when its reason is linked by a step of the journey
in that part (so, as for contacts, one comment can count toward several parts and journeys).

Scores: NPS = % promoters (9–10) − % detractors (0–6); CSAT = share of 4–5; CES = mean on 1–7; each from
the rows on its own scale, with its number of responses. Sentiment from the score: NPS 0–6 / CSAT 1–2 /
CES 1–3 negative, NPS 9–10 / CSAT 4–5 / CES 5–7 positive, the rest neutral; no score, no sentiment.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

import polars as pl

from workbench.metrics.kpis import ces, csat, nps
from workbench.model import Model, ModelError, did_you_mean
from workbench.text.normalise import tokens

VERBATIMS = 3
THEMES = 5
KEYWORDS = 5


def scores_wide(tagged: pl.DataFrame) -> pl.DataFrame:
    """``tagged`` with ``nps``, ``csat`` and ``ces`` columns filled from ``score`` on its ``scale``."""
    scale = pl.col("scale").str.to_lowercase()
    return tagged.with_columns(*(pl.when(scale == s).then(pl.col("score")).cast(pl.Int16).alias(s)
                                 for s in ("nps", "csat", "ces")))


def sentiment() -> pl.Expr:
    """``negative`` / ``neutral`` / ``positive`` from ``score`` and ``scale`` (null without a score).

    >>> frame = pl.DataFrame({"score": [3, 8, 10, 5, None], "scale": ["nps", "nps", "nps", "csat", "nps"]})
    >>> frame.select(sentiment()).to_series().to_list()
    ['negative', 'neutral', 'positive', 'positive', None]
    """
    s, scale = pl.col("score"), pl.col("scale").str.to_lowercase()
    low = pl.when(scale == "nps").then(6).when(scale == "csat").then(2).when(scale == "ces").then(3)
    high = pl.when(scale == "nps").then(9).when(scale == "csat").then(4).when(scale == "ces").then(5)
    return (pl.when(s.is_null() | low.is_null()).then(None).when(s <= low).then(pl.lit("negative"))
            .when(s >= high).then(pl.lit("positive")).otherwise(pl.lit("neutral")).alias("sentiment"))


def experience(tagged: pl.DataFrame, by: list[str] | None = None) -> pl.DataFrame:
    """Overall experience per group: ``responses``, ``nps``/``nps_n``, ``csat``/``csat_n``, ``ces``/``ces_n``.

    >>> frame = pl.DataFrame({"part": ["a"] * 4, "score": [10, 9, 3, 4], "scale": ["nps", "nps", "nps", "csat"]})
    >>> experience(frame, ["part"]).select("nps", "nps_n", "csat", "csat_n").row(0)
    (33.33333333333333, 3, 1.0, 1)
    """
    wide = scores_wide(tagged)
    aggregates = [pl.len().alias("responses"),
                  nps(), pl.col("nps").count().alias("nps_n"), csat(), pl.col("csat").count().alias("csat_n"),
                  ces(), pl.col("ces").count().alias("ces_n")]
    if not by:
        return wide.select(aggregates)
    return wide.group_by(by, maintain_order=True).agg(aggregates)


def _distinctive_words(texts_by_theme: dict[str, list[str]], language: str) -> dict[str, list[str]]:
    """Per theme the words it uses most that the other themes use least (count × idf over themes)."""
    counts = {t: Counter(w for text in texts for w in set(tokens(text, language)) if len(w) > 2)
              for t, texts in texts_by_theme.items()}
    spread = Counter(w for c in counts.values() for w in c)
    n = len(counts)
    return {t: [w for w, _ in sorted(c.items(), key=lambda kv: (-kv[1] * math.log((1 + n) / spread[kv[0]]), kv[0]))
                if c[w] > 1][:KEYWORDS] for t, c in counts.items()}


def themes(tagged: pl.DataFrame, model: Model, *, top: int = THEMES, verbatims: int = VERBATIMS) -> pl.DataFrame:
    """The top themes (reasons) of some feedback: ``reason, reason_label, mentions, share, negative,
    positive, keywords, verbatims``; three representative verbatims each (most confident first, confirmed
    tags before the model's), sentiment shares from the score. Unassigned feedback is no theme.
    """
    frame = tagged.filter(pl.col("assigned").is_not_null() & (pl.col("assigned") != "unassigned")) \
        .with_columns(sentiment())
    total = frame.height
    schema = {"reason": pl.String, "reason_label": pl.String, "mentions": pl.Int64, "share": pl.Float64,
              "negative": pl.Float64, "positive": pl.Float64, "keywords": pl.List(pl.String),
              "verbatims": pl.List(pl.String)}
    if not total:
        return pl.DataFrame(schema=schema)
    person = pl.col("tagged_by") == "person" if "tagged_by" in frame.columns else pl.lit(False)
    ranked = frame.with_columns(person.alias("_person")).sort(
        ["assigned", "_person", "confidence_1", "feedback_id"], descending=[False, True, True, False])
    grouped = (ranked.group_by("assigned").agg(
        pl.len().alias("mentions"),
        (pl.col("sentiment") == "negative").sum().alias("_neg"),
        (pl.col("sentiment") == "positive").sum().alias("_pos"),
        pl.col("sentiment").count().alias("_scored"),
        pl.col("text").unique(maintain_order=True).head(verbatims).alias("verbatims"),
        pl.col("text").alias("_texts"))
        .sort(["mentions", "assigned"], descending=[True, False]).head(top))
    language = "nl" if (model.language or "").lower().startswith("nl") else "en"
    words = _distinctive_words(dict(zip(grouped["assigned"], grouped["_texts"].to_list(), strict=True)), language)
    return grouped.select(
        pl.col("assigned").alias("reason"),
        pl.col("assigned").replace_strict({r: x.label for r, x in model.reasons.items()}, default=None,
                                          return_dtype=pl.String).alias("reason_label"),
        pl.col("mentions").cast(pl.Int64), (pl.col("mentions") / total).alias("share"),
        (pl.col("_neg") / pl.col("_scored")).alias("negative"), (pl.col("_pos") / pl.col("_scored")).alias("positive"),
        pl.col("assigned").replace_strict({t: w for t, w in words.items()}, default=[],
                                          return_dtype=pl.List(pl.String)).alias("keywords"),
        pl.col("verbatims"),
    ).cast(schema)


def _parts(model: Model, journey: str, by: str) -> pl.DataFrame:
    """``part, part_label, order, step, reason`` for every step of the journey."""
    if journey not in model.journeys:
        raise ModelError(f"unknown journey '{journey}'{did_you_mean(journey, model.journeys)}")
    if by not in ("phase", "episode"):
        raise ModelError(f"by must be 'phase' or 'episode', not '{by}'")
    rows = []
    phase_order = {p: i for i, p in enumerate(model.phases)}
    episode_order = {e: i for i, e in enumerate(model.episodes)}
    for s in model.steps_of(journey):
        if by == "phase":
            phase = model.reasons[s.reason].phase if s.reason in model.reasons else None
            if phase:
                rows.append((phase, model.phases[phase].label, phase_order[phase], s.id, s.reason))
        elif s.episode in model.episodes:
            rows.append((s.episode, model.episodes[s.episode].label, episode_order[s.episode], s.id, s.reason))
    return pl.DataFrame(rows, schema={"part": pl.String, "part_label": pl.String, "order": pl.Int64,
                                      "step": pl.String, "reason": pl.String}, orient="row")


def journey_parts(model: Model, journey: str, by: str = "phase") -> pl.DataFrame:
    """``part, part_label, order, step, reason`` for every step of ``journey`` placed in a phase (by its
    reason) or an episode: the parts of :func:`listening_path`."""
    return _parts(model, journey, by)


def feedback_by_part(model: Model, tagged: pl.DataFrame, journey: str, by: str = "phase") -> pl.DataFrame:
    """``tagged`` rows with the ``part`` (and ``part_label``, ``order``) of the journey they belong to."""
    parts = _parts(model, journey, by)
    on_step = tagged.filter(pl.col("journey") == journey).join(parts.select("step", "part", "part_label", "order"),
                                                               on="step", how="inner")
    by_reason = (tagged.filter(pl.col("step").is_null() | (pl.col("journey") != journey) | pl.col("journey").is_null())
                 .join(parts.select("reason", "part", "part_label", "order").unique(), left_on="assigned",
                       right_on="reason", how="inner"))
    return pl.concat([on_step, by_reason], how="vertical_relaxed").unique(["feedback_id", "part"], maintain_order=True)


def listening_path(model: Model, tagged: pl.DataFrame, journey: str, *, by: str = "phase",
                   contacts: pl.DataFrame | pl.LazyFrame | None = None, top: int = 3,
                   volumes: Mapping[str, int] | None = None) -> pl.DataFrame:
    """Per phase (or episode) of ``journey``, in order: the overall experience (responses, nps, csat, ces
    with their n), the ``top`` themes (a list of :func:`themes` rows) and the ``top`` contact reasons by
    volume from ``contacts`` or, already counted, ``volumes`` (reason → contacts) (``contact_reasons``:
    reason, reason_label, volume)."""
    parts = _parts(model, journey, by)
    outline = parts.group_by("part", maintain_order=True).agg(pl.col("part_label").first(), pl.col("order").first(),
                                                              pl.col("reason").drop_nulls().unique().alias("_reasons"))
    placed = feedback_by_part(model, tagged, journey, by)
    rows = []
    labels = {r: x.label for r, x in model.reasons.items()}
    volumes = dict(volumes) if volumes is not None else _volumes(contacts)
    for part in outline.sort("order").iter_rows(named=True):
        mine = placed.filter(pl.col("part") == part["part"])
        figures = experience(mine).row(0, named=True) if mine.height else \
            {"responses": 0, "nps": None, "nps_n": 0, "csat": None, "csat_n": 0, "ces": None, "ces_n": 0}
        found = themes(mine, model, top=top)
        reasons = sorted(((r, volumes.get(r, 0)) for r in part["_reasons"]), key=lambda rv: (-rv[1], rv[0]))[:top]
        rows.append({"part": part["part"], "part_label": part["part_label"], **figures,
                     "themes": found.to_dicts(),
                     "contact_reasons": [{"reason": r, "reason_label": labels.get(r), "volume": v}
                                         for r, v in reasons]})
    return pl.DataFrame(rows) if rows else pl.DataFrame(schema={"part": pl.String, "part_label": pl.String})


def _volumes(contacts) -> dict[str, int]:
    if contacts is None:
        return {}
    frame = contacts.lazy().filter(pl.col("reason").is_not_null()).group_by("reason").agg(pl.len()).collect()
    return dict(frame.iter_rows())


def reason_verbatims(tagged: pl.DataFrame, reason: str, *, every: str = "1mo", per_period: int = VERBATIMS
                     ) -> pl.DataFrame:
    """A contact reason's verbatims over time: per period (``every``, a Polars duration such as ``1mo``
    or ``1w``) ``period, mentions, nps, nps_n, negative, verbatims`` (the most confident first)."""
    frame = (tagged.filter(pl.col("assigned") == reason).with_columns(sentiment())
             .pipe(scores_wide).sort("timestamp"))
    schema = {"period": pl.Datetime("us", "UTC"), "mentions": pl.Int64, "nps": pl.Float64, "nps_n": pl.Int64,
              "negative": pl.Float64, "verbatims": pl.List(pl.String)}
    if not frame.height:
        return pl.DataFrame(schema=schema)
    return (frame.with_columns(period=pl.col("timestamp").dt.truncate(every))
            .sort(["period", "confidence_1"], descending=[False, True])
            .group_by("period", maintain_order=True)
            .agg(pl.len().alias("mentions"), nps(), pl.col("nps").count().alias("nps_n"),
                 ((pl.col("sentiment") == "negative").sum() / pl.col("sentiment").count()).alias("negative"),
                 pl.col("text").unique(maintain_order=True).head(per_period).alias("verbatims"))
            .cast(schema))
