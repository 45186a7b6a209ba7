"""The customer listening path and the review queue as plain frames and HTML (no Panel).

Every verbatim, label and keyword is customer or user text and goes through ``html.escape``. Survey
scores are coloured only when they rest on at least ``min_responses`` answers (default 30, as on the
home page): a red NPS on four comments would be read as a finding. Colours use fixed ranges (NPS −100…+100,
CSAT 0…100 %, CES 1…7), so the same NPS has the same colour in every part and journey.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

import polars as pl

from workbench.analysis.overview import MIN_RESPONSES
from workbench.display.formats import GREY, ColourScale, format_kpi, palette, text_colour
from workbench.model import Insight, Model
from workbench.text.insights import journey_parts, sentiment

EXPERIENCE = ("nps", "csat", "ces")
LABELS = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}
RANGES = {"nps": (-100.0, 100.0), "csat": (0.0, 1.0), "ces": (1.0, 7.0)}
BY = {"By phase": "phase", "By episode": "episode"}
NOT_A_REASON_LABEL = "Not a contact reason"
MAX_CHARS = 320  # a verbatim longer than this is cut (its whole text is in the exports)


def short(text: str | None, limit: int = MAX_CHARS) -> str:
    """``text`` cut to ``limit`` characters at a word, with an ellipsis (not escaped).

    >>> short("a b c d", 4)
    'a b…'
    """
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut + "…"


# -- overall experience -------------------------------------------------------------------------------
def experience_tiles(row: Mapping, min_responses: int = MIN_RESPONSES) -> list[dict]:
    """Per score (NPS, CSAT, CES): ``kpi, label, value`` (formatted), ``n`` and ``colour`` (None when there
    are fewer than ``min_responses`` answers or no value), from a row with ``nps, nps_n, csat, …``.

    >>> tiles = experience_tiles({"nps": 12.5, "nps_n": 40, "csat": 0.5, "csat_n": 3, "ces": None, "ces_n": 0})
    >>> [(t["label"], t["value"], t["n"], t["colour"] is not None) for t in tiles]
    [('NPS', '+12', 40, True), ('CSAT', '50.0%', 3, False), ('CES', '–', 0, False)]
    """
    tiles = []
    for kpi in EXPERIENCE:
        value, n = row.get(kpi), int(row.get(f"{kpi}_n") or 0)
        low, high = RANGES[kpi]
        colour = ColourScale(kpi, low, high, palette(kpi)).colour(value) \
            if value is not None and n >= min_responses else None
        tiles.append({"kpi": kpi, "label": LABELS[kpi], "value": format_kpi(kpi, value), "n": n, "colour": colour})
    return tiles


def experience_html(row: Mapping, min_responses: int = MIN_RESPONSES) -> str:
    """The overall experience of a part: one tile per score with its number of answers."""
    cells = []
    for tile in experience_tiles(row, min_responses):
        background = tile["colour"] or "#f4f5f7"
        ink = text_colour(background) if tile["colour"] else "#1a1a1a"
        few = tile["n"] and tile["colour"] is None and tile["value"] != "–"
        tip = f"{tile['n']:,} answers" + (f": fewer than {min_responses}, too few to read as a finding" if few else "")
        cells.append(f"<div class='wb-score' title='{tip}' style='background:{background};color:{ink};"
                     f"border-radius:5px;padding:3px 8px;margin:0 0 4px;white-space:nowrap"
                     f"{';border:1px dashed #bbb' if few else ''}'><b>{tile['label']}</b> "
                     f"{html.escape(tile['value'])} <small>n = {tile['n']:,}{' · few' if few else ''}</small></div>")
    responses = int(row.get("responses") or 0)
    return f"<div><small>{responses:,} comment(s)</small>{''.join(cells)}</div>"


# -- key customer feedback ------------------------------------------------------------------------------
def sentiment_html(negative: float | None, positive: float | None) -> str:
    """A bar of the negative (red), neutral (grey) and positive (blue) shares of the scored comments."""
    if negative is None or positive is None or math.isnan(negative) or math.isnan(positive):
        return "<small style='color:#666'>no scores</small>"
    neutral = max(0.0, 1 - negative - positive)
    bar = "".join(f"<span style='display:inline-block;height:8px;width:{100 * share:.0f}px;background:{colour}'>"
                  "</span>" for share, colour in ((negative, "#d73027"), (neutral, GREY), (positive, "#4575b4")))
    return (f"<span title='of the comments with a score'>{bar}</span> "
            f"<small>{negative:.0%} negative · {positive:.0%} positive</small>")


def theme_html(theme: Mapping) -> str:
    """One theme: its reason, how many mention it, the sentiment, keywords and representative verbatims."""
    words = ", ".join(html.escape(w) for w in theme.get("keywords") or [])
    quotes = "".join(f"<li class='wb-verbatim'>“{html.escape(short(v))}”</li>" for v in theme.get("verbatims") or [])
    return (f"<div class='wb-theme' style='margin:0 0 8px'>"
            f"<b>{html.escape(theme.get('reason_label') or theme.get('reason') or '')}</b> "
            f"<small>{theme['mentions']:,} comment(s), {theme['share']:.0%}</small><br>"
            f"{sentiment_html(theme.get('negative'), theme.get('positive'))}"
            + (f"<br><small style='color:#555'>words: {words}</small>" if words else "")
            + f"<ul style='margin:2px 0 0 0;padding-left:18px'>{quotes}</ul></div>")


def themes_html(themes: Sequence[Mapping]) -> str:
    """The key customer feedback of a part (its top themes), or a note that there is none."""
    if not themes:
        return "<small style='color:#666'>No comments tagged to a contact reason here.</small>"
    return "".join(theme_html(t) for t in themes)


def contact_reasons_html(reasons: Sequence[Mapping]) -> str:
    """The key reasons to contact of a part: label and contacts (from the logs)."""
    if not reasons:
        return "<small style='color:#666'>No step linked to a contact reason.</small>"
    items = "".join(f"<li>{html.escape(r.get('reason_label') or r['reason'])} "
                    f"<small>{format_kpi('volume', r.get('volume') or 0)} contacts</small></li>" for r in reasons)
    return f"<ol style='margin:0;padding-left:18px'>{items}</ol>"


# -- insights -------------------------------------------------------------------------------------------
def insights_by_part(model: Model, journey: str, by: str = "phase") -> dict[str | None, list[Insight]]:
    """The model's insights on ``journey`` per part (phase or episode id): those on a step of the part or
    on a reason its steps link; ``None`` holds those on the journey as a whole. Heaviest first."""
    parts = journey_parts(model, journey, by)
    out: dict[str | None, list[Insight]] = {}
    steps = dict(zip(parts["step"], parts["part"], strict=True))
    for insight in sorted(model.insights.values(), key=lambda i: (-i.weight, i.title)):
        on_steps = {steps[s] for s in insight.steps if s in steps}
        on_reasons = set(parts.filter(pl.col("reason").is_in(list(insight.reasons)))["part"].to_list())
        placed = on_steps or on_reasons
        for part in sorted(placed):
            out.setdefault(part, []).append(insight)
        if not placed and journey in insight.journeys:
            out.setdefault(None, []).append(insight)
    return out


def insights_html(insights: Sequence[Insight]) -> str:
    """Insights as a list: kind, title and text."""
    if not insights:
        return "<small style='color:#666'>No insights recorded.</small>"
    items = "".join(f"<li><small>{html.escape(i.kind)}</small> <b>{html.escape(i.title)}</b>"
                    + (f"<br><small>{html.escape(short(i.text, 200))}</small>" if i.text else "") + "</li>"
                    for i in insights)
    return f"<ul style='margin:0;padding-left:18px'>{items}</ul>"


# -- the path -------------------------------------------------------------------------------------------
COLUMNS = ("Overall experience", "Key customer feedback", "Key reasons to contact", "Insights")


def path_html(path: pl.DataFrame, insights: Mapping[str | None, Sequence[Insight]] | None = None, *,
              min_responses: int = MIN_RESPONSES, by: str = "phase") -> str:
    """The listening path as a grid: a row per part (phase or episode) with its overall experience, key
    customer feedback, key reasons to contact and insights (``path`` is ``Dataset.listening_path``)."""
    insights = insights or {}
    grid = ("display:grid;grid-template-columns:125px 185px minmax(300px,1fr) 220px 180px;gap:0;width:100%;"
            "font-size:13px;line-height:1.35")
    cell = "padding:6px 8px;border-bottom:1px solid #ddd;vertical-align:top"
    head = "".join(f"<div style='{cell};font-weight:700;background:#eef1f5'>{html.escape(c)}</div>"
                   for c in (by.capitalize(), *COLUMNS))
    rows = []
    for row in path.iter_rows(named=True) if "responses" in path.columns else []:
        rows.append(
            f"<div class='wb-part' style='{cell};font-weight:600'>{html.escape(row['part_label'] or row['part'])}"
            "</div>"
            f"<div style='{cell}'>{experience_html(row, min_responses)}</div>"
            f"<div style='{cell}'>{themes_html(row['themes'])}</div>"
            f"<div style='{cell}'>{contact_reasons_html(row['contact_reasons'])}</div>"
            f"<div style='{cell}'>{insights_html(insights.get(row['part'], []))}</div>")
    if not rows:
        return (f"<p class='wb-listening-empty'>No step of this journey is in a {html.escape(by)} yet "
                f"({'link its steps to contact reasons' if by == 'phase' else 'put its steps in episodes'}).</p>")
    whole = insights.get(None, [])
    after = f"<h4>Insights on the whole journey</h4>{insights_html(whole)}" if whole else ""
    return f"<div class='wb-listening-path' style='{grid}'>{head}{''.join(rows)}</div>{after}"


def path_table(path: pl.DataFrame) -> pl.DataFrame:
    """The listening path flat, for a table or a download: part, responses, the scores with their n, and
    the themes and contact reasons as labels joined with " · "."""
    if "responses" not in path.columns:
        return pl.DataFrame(schema={"part": pl.String, "responses": pl.Int64})
    return path.select(
        pl.col("part_label").alias("part"), "responses", *(c for k in EXPERIENCE for c in (k, f"{k}_n")),
        pl.col("themes").list.eval(pl.element().struct.field("reason_label")).list.join(" · ").alias("themes"),
        pl.col("contact_reasons").list.eval(pl.element().struct.field("reason_label")).list.join(" · ")
        .alias("contact_reasons"))


# -- a reason's verbatims over time -------------------------------------------------------------------
def verbatims_table(frame: pl.DataFrame) -> pl.DataFrame:
    """``Dataset.reason_verbatims`` with the period as ``YYYY-MM`` (raw text, not escaped)."""
    return frame.with_columns(pl.col("period").dt.strftime("%Y-%m")).rename({"period": "month"})


def verbatims_html(frame: pl.DataFrame, label: str, min_responses: int = MIN_RESPONSES) -> str:
    """A reason's verbatims month by month, the latest first (in a scrolling box): mentions, NPS with its n
    (uncoloured below ``min_responses``), the negative share and the most confident verbatims."""
    if not frame.height:
        return f"<p>No comment is tagged to “{html.escape(label)}” yet.</p>"
    rows = []
    for row in verbatims_table(frame).sort("month", descending=True).iter_rows(named=True):
        tile = experience_tiles({"nps": row["nps"], "nps_n": row["nps_n"]}, min_responses)[0]
        nps = (f"<span style='background:{tile['colour'] or 'transparent'};padding:0 4px'>{tile['value']}</span> "
               f"<small>n = {tile['n']}</small>")
        negative = "–" if row["negative"] is None or math.isnan(row["negative"]) else f"{row['negative']:.0%}"
        quotes = "".join(f"<li class='wb-verbatim'>“{html.escape(short(v))}”</li>" for v in row["verbatims"])
        rows.append(f"<tr><td>{row['month']}</td><td align='right'>{row['mentions']:,}</td><td>{nps}</td>"
                    f"<td align='right'>{negative}</td><td><ul style='margin:0;padding-left:18px'>{quotes}</ul>"
                    "</td></tr>")
    head = "".join(f"<th align='left'>{h}</th>" for h in ("Month", "Comments", "NPS", "Negative", "Verbatims"))
    return (f"<div style='max-height:520px;overflow-y:auto'><table class='wb-reason-verbatims' "
            f"style='font-size:13px;border-collapse:collapse' cellpadding='4'><tr>{head}</tr>{''.join(rows)}</table>"
            "</div>")


# -- the review queue -----------------------------------------------------------------------------------
def reason_label(model: Model, reason: str | None) -> str:
    """A reason's label; "Not a contact reason" for the unassigned marker, "" for none."""
    if reason is None:
        return ""
    if reason == "unassigned":
        return NOT_A_REASON_LABEL
    return model.reasons[reason].label if reason in model.reasons else reason


def queue_rows(tagged: pl.DataFrame, model: Model, *, limit: int = 20) -> pl.DataFrame:
    """The verbatims to review: those only the model tagged, least confident first (ties by id), at most
    ``limit`` distinct texts, with ``label_1 … label_3`` and ``sentiment`` added (raw text, not escaped).
    The same text written several times ("n/a") is one row: ``copies`` counts them, ``ids`` and
    ``sources`` list them (one confirmation tags them all)."""
    pending = tagged.filter(pl.col("tagged_by") != "person").with_columns(sentiment()) \
        .sort(["confidence_1", "feedback_id"], nulls_last=False)
    if "source" not in pending.columns:
        pending = pending.with_columns(source=pl.lit(""))
    same = pl.col("text").str.strip_chars().str.to_lowercase()
    rows = (pending.with_columns(copies=pl.len().over(same), ids=pl.col("feedback_id").implode().over(same),
                                 sources=pl.col("source").implode().over(same))
            .unique(same, keep="first", maintain_order=True).head(limit))
    labels = {r: x.label for r, x in model.reasons.items()}
    return rows.with_columns(pl.col(f"reason_{k}").replace_strict(labels, default=None, return_dtype=pl.String)
                             .alias(f"label_{k}") for k in (1, 2, 3) if f"reason_{k}" in rows.columns)


def confidence_words(confidence: float | None, threshold: float) -> str:
    """How sure the model is, in words.

    >>> confidence_words(0.1, 0.2), confidence_words(0.35, 0.2), confidence_words(0.8, 0.2)
    ('not sure (below the threshold)', 'unsure', 'fairly sure')
    """
    if confidence is None or confidence < threshold:
        return "not sure (below the threshold)"
    return "unsure" if confidence < 0.5 else "fairly sure"


def verbatim_html(row: Mapping, model: Model, threshold: float) -> str:
    """One verbatim of the review queue: its text, when, channel and score, and the model's guess."""
    when = row["timestamp"].strftime("%Y-%m-%d") if row.get("timestamp") is not None else ""
    channel = model.channels[row["channel"]].label if row.get("channel") in model.channels else (row.get("channel")
                                                                                                    or "")
    score = f"{row['scale'].upper()} {row['score']}" if row.get("score") is not None and row.get("scale") else ""
    mood = {"negative": "<span style='color:#d73027'>negative</span>",
            "positive": "<span style='color:#4575b4'>positive</span>"}.get(row.get("sentiment") or "", "")
    copies = f"written {row['copies']:,} times" if (row.get("copies") or 1) > 1 else ""
    meta = " · ".join([*(html.escape(str(p)) for p in (when, channel, score, copies) if p), *([mood] if mood else [])])
    guess = (f"model's guess: <b>{html.escape(row['label_1'])}</b>, "
             f"{confidence_words(row.get('confidence_1'), threshold)} ({row['confidence_1']:.0%})"
             if row.get("label_1") else "the model has no guess")
    why = f"<br><small style='color:#555'>{html.escape(row['why_1'])}</small>" if row.get("why_1") else ""
    return (f"<div class='wb-review-text'><div style='font-size:14px'>“{html.escape(short(row['text'], 600))}”"
            f"</div><small style='color:#666'>{meta}</small><br><small>{guess}</small>{why}</div>")


# -- a reason's voice (the reason detail) -------------------------------------------------------------
def reason_voice(tagged: pl.DataFrame, reason: str, *, verbatims: int = 3) -> dict:
    """What customers say about ``reason``: ``comments`` tagged to it, ``confirmed`` of them by people,
    ``nps``/``nps_n`` from their scores and the ``verbatims`` most telling (confirmed first, then the most
    confident; the latest first among equals)."""
    from workbench.text.insights import experience

    mine = tagged.filter(pl.col("assigned") == reason)
    person = (pl.col("tagged_by") == "person") if "tagged_by" in mine.columns else pl.lit(False)
    ranked = mine.with_columns(person.alias("_person")).sort(["_person", "confidence_1", "timestamp"],
                                                              descending=True, nulls_last=True)
    scores = experience(mine).row(0, named=True) if mine.height else {"nps": None, "nps_n": 0}
    return {"comments": mine.height, "confirmed": int(mine.select(person.sum()).item()) if mine.height else 0,
            "nps": scores["nps"], "nps_n": scores["nps_n"],
            "verbatims": ranked["text"].unique(maintain_order=True).head(verbatims).to_list()}


def reason_voice_html(voice: Mapping, min_responses: int = MIN_RESPONSES) -> str:
    """The reason detail's "What customers say": the count, the NPS of the comments and a few verbatims."""
    if not voice["comments"]:
        return ("<b>What customers say</b><p style='margin:4px 0;color:#666'>No comment is tagged to this "
                "contact reason yet.</p>")
    tile = experience_tiles({"nps": voice["nps"], "nps_n": voice["nps_n"]}, min_responses)[0]
    nps = f" · NPS of the comments {tile['value']} (n = {tile['n']:,})" if tile["n"] else ""
    quotes = "".join(f"<li class='wb-verbatim'>“{html.escape(short(v, 240))}”</li>" for v in voice["verbatims"])
    return (f"<b>What customers say</b> <small>{voice['comments']:,} comment(s), {voice['confirmed']:,} confirmed "
            f"by people{nps}</small><ul class='wb-reason-voice' style='margin:4px 0'>{quotes}</ul>")
