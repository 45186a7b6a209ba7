"""What an improvement opportunity is worth, from the contact data of its reasons, explained like the priority
score: every point comes from a named figure, and the contributions add up to the value.

For each opportunity (its contact reasons, in the chosen period and filters):

- **business value** (0–100): the avoidable cost — repeat contacts × the reasons' cost per contact
  (a repeat is a contact that did not solve the customer's question) — and the contacts on the reasons;
- **customer value** (0–100): the customers affected (counted once across the reasons), how much lower
  the NPS of those customers is than the NPS of all other customers (0 when not lower; not used, and said
  so, when either side has no survey response), and the reasons' strategic weight.

Each figure is scaled to the largest among the opportunities (the largest gets all of its points, as in
``analysis.priority``), weighted, and the value is the mean of customer and business value (the
convention of journey tools such as TheyDo, whose Customer and Business Value run 0–100). ``eur_per_period``
is the avoidable cost in money. Ties rank by id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

BUSINESS = {"avoidable_cost": 1.0, "contacts": 1.0}
CUSTOMER = {"customers": 1.0, "nps_gap": 1.0, "strategic": 1.0}
RAW = {"avoidable_cost": "avoidable_cost", "contacts": "volume", "customers": "customers", "nps_gap": "nps_gap",
       "strategic": "strategic_weight"}
NAMES = {"avoidable_cost": "avoidable cost", "contacts": "contacts", "customers": "customers affected",
         "nps_gap": "NPS gap", "strategic": "strategic weight"}


@dataclass(frozen=True)
class Opportunity:
    """What :func:`value` needs of an opportunity: its id, title, contact reasons and effort."""

    id: str
    title: str
    reasons: tuple[str, ...]
    effort: float | None = None


def affected_customers(events: pl.LazyFrame | pl.DataFrame, opportunities: Sequence[Opportunity]) -> pl.DataFrame:
    """Per opportunity: customers with a contact on its reasons (counted once), the NPS of those customers'
    responses (on any reason) and of everyone else's, with their response counts.

    Examples
    --------
    >>> ev = pl.DataFrame({"customer_id": ["a", "a", "b", "c"], "reason": ["bill", "move", "move", "move"],
    ...                    "nps": [0, None, 10, 9]})
    >>> affected_customers(ev, [Opportunity("o", "O", ("bill",))]).row(0)
    ('o', 1, -100.0, 1, 100.0, 2)
    """
    lf = events.lazy().select("customer_id", "reason", "nps")
    rows = []
    for opp in opportunities:
        who = lf.filter(pl.col("reason").is_in(list(opp.reasons))).select(pl.col("customer_id").drop_nulls().unique())
        flagged = lf.join(who.with_columns(pl.lit(True).alias("_hit")), on="customer_id", how="left")
        parts = flagged.group_by(pl.col("_hit").fill_null(False)).agg(
            (100.0 * ((pl.col("nps") >= 9).cast(pl.Float64) - (pl.col("nps") <= 6).cast(pl.Float64)).mean())
            .alias("nps"), pl.col("nps").count().alias("n")).collect()
        by = {r["_hit"]: r for r in parts.iter_rows(named=True)}
        hit, rest = by.get(True, {"nps": None, "n": 0}), by.get(False, {"nps": None, "n": 0})
        customers = who.select(pl.len()).collect().item()
        rows.append((opp.id, customers, hit["nps"], hit["n"], rest["nps"], rest["n"]))
    return pl.DataFrame(rows, schema={"opportunity": pl.String, "customers": pl.Int64, "nps_affected": pl.Float64,
                                      "responses_affected": pl.Int64, "nps_rest": pl.Float64,
                                      "responses_rest": pl.Int64}, orient="row")


def value(opportunities: Sequence[Opportunity], per_reason: pl.DataFrame, affected: pl.DataFrame, *,
          weights: Mapping[str, float] | None = None) -> pl.DataFrame:
    """Rank opportunities by value with each factor's contribution (see the module docstring).

    ``per_reason``: reason, volume, cost_per_contact, repeats, strategic_weight (``Dataset.measure`` plus the
    model's weights); ``affected``: :func:`affected_customers`. Returns id, title, rank, value,
    customer_value, business_value, ``contribution_<factor>`` (they add up to ``value``), the raw figures,
    eur_per_period, effort and ``notes`` (what could not be used and why).
    """
    weights = {**BUSINESS, **CUSTOMER, **(weights or {})}
    figures = {r["reason"]: r for r in per_reason.iter_rows(named=True)}
    seen = {r["opportunity"]: r for r in affected.iter_rows(named=True)}
    rows = []
    for opp in opportunities:
        known = [figures[r] for r in opp.reasons if r in figures]
        volume = sum(r["volume"] or 0 for r in known)
        avoidable = sum((r["repeats"] or 0) * (r["cost_per_contact"] or 0.0) for r in known)
        strategic = max((r.get("strategic_weight") or 1.0 for r in known), default=0.0)
        hit = seen.get(opp.id, {})
        notes = []
        if not opp.reasons:
            notes.append("no contact reason linked: nothing to value")
        elif volume == 0:
            notes.append("no contacts on its reasons in this period")
        gap = None
        if hit.get("responses_affected") and hit.get("responses_rest"):
            gap = max(0.0, hit["nps_rest"] - hit["nps_affected"])
        else:
            notes.append("no survey responses: NPS not used")
        rows.append({"id": opp.id, "title": opp.title, "volume": volume, "avoidable_cost": avoidable,
                     "customers": hit.get("customers", 0) or 0, "nps_gap": gap, "strategic_weight": strategic,
                     "eur_per_period": avoidable, "effort": opp.effort, "notes": "; ".join(notes)})
    schema = {"id": pl.String, "title": pl.String, "volume": pl.Int64, "avoidable_cost": pl.Float64,
              "customers": pl.Int64, "nps_gap": pl.Float64, "strategic_weight": pl.Float64,
              "eur_per_period": pl.Float64, "effort": pl.Float64, "notes": pl.String}
    frame = pl.DataFrame(rows, schema=schema)
    if frame.is_empty():
        return frame
    return _score(frame, weights)


def _score(frame: pl.DataFrame, weights: Mapping[str, float]) -> pl.DataFrame:
    sides = {"business": [f for f in BUSINESS if weights[f] > 0], "customer": [f for f in CUSTOMER if weights[f] > 0]}
    contributions = []
    for factors in sides.values():
        total = sum(weights[f] for f in factors) or 1.0
        for f in factors:
            column = pl.col(RAW[f]).cast(pl.Float64)
            peak = frame[RAW[f]].cast(pl.Float64).max()
            share = (column / peak).fill_null(0.0) if peak else pl.lit(0.0)
            # half of the value comes from each side, split by the factors' weights
            contributions.append((50.0 * weights[f] / total * share).alias(f"contribution_{f}"))
    out = frame.with_columns(contributions)
    parts = [c for c in out.columns if c.startswith("contribution_")]
    business = [f"contribution_{f}" for f in sides["business"]]
    customer = [f"contribution_{f}" for f in sides["customer"]]
    out = out.with_columns(pl.sum_horizontal(parts).alias("value"),
                           (2 * pl.sum_horizontal(business)).alias("business_value") if business else pl.lit(0.0),
                           (2 * pl.sum_horizontal(customer)).alias("customer_value") if customer else pl.lit(0.0))
    out = out.sort(["value", "id"], descending=[True, False]).with_row_index("rank", offset=1)
    return out.select("id", "title", pl.col("rank").cast(pl.Int64), "value", "customer_value", "business_value",
                      *parts, "volume", "avoidable_cost", "customers", "nps_gap", "strategic_weight",
                      "eur_per_period", "effort", "notes")


def explain_value(row: Mapping) -> str:
    """One line: the value and where its points come from, biggest first, with the figures behind them.

    >>> explain_value({"title": "Clear first bill", "value": 60.0, "contribution_avoidable_cost": 25.0,
    ...                "contribution_customers": 35.0, "avoidable_cost": 1200.0, "customers": 300, "notes": ""})
    'Clear first bill is worth 60 of 100: 35 from customers affected (300), 25 from avoidable cost (€1,200)'
    """
    parts = sorted(((k.removeprefix("contribution_"), v) for k, v in row.items()
                    if k.startswith("contribution_") and v), key=lambda kv: -kv[1])
    shown = {"avoidable_cost": "€{:,.0f}", "contacts": "{:,}", "customers": "{:,}", "nps_gap": "{:.0f} points",
             "strategic": "{:g}"}
    details = ", ".join(f"{v:.0f} from {NAMES[f]} ({shown[f].format(row.get(RAW[f]))})" for f, v in parts)
    text = f"{row['title']} is worth {row['value']:.0f} of 100" + (f": {details}" if details else "")
    return text + (f" — {row['notes']}" if row.get("notes") else "")
