"""Life-stage segment profiles from the data: what a segment card shows beside what the team wrote down.

Per segment, from the contacts: contacts, customers who made contact, contacts per such customer, NPS
with its number of responses, digital share, the top contact reasons and the channels used most (each with
its share of the segment's contacts). From a customers table when there is one (the last month): active
customers, their **share of the base** (active in the segment ÷ all active), **money spent** (ARPU: MRR ÷
active), churn rate and tenure. A stated ``share_of_base`` or ``money_spent`` on the segment can then be
checked against the computed one.
"""

from __future__ import annotations

import polars as pl

TOP = 3
CUSTOMER_FIGURES = ("active", "share_of_base", "arpu", "churn_rate", "tenure_months")


def segment_profiles(by_segment: pl.DataFrame, by_reason: pl.DataFrame, by_channel: pl.DataFrame,
                     customers: pl.DataFrame | None = None, *, top: int = TOP) -> pl.DataFrame:
    """One row per segment of ``by_segment``.

    Parameters
    ----------
    by_segment
        segment, volume, customers, nps, nps_responses, digital_share (as ``Dataset.measure`` gives them).
    by_reason, by_channel
        segment, reason (or channel), volume.
    customers
        Customer KPIs per month and segment (``metrics.customers.customer_kpis(by=["segment"])``), or None.

    Returns
    -------
    segment, volume, customers, contacts_per_customer, nps, nps_responses, digital_share, top_reasons and
    top_channels (lists of ``{id, share}``), and with a customers table active, share_of_base, arpu,
    churn_rate, tenure_months (null without one).

    Examples
    --------
    >>> seg = pl.DataFrame({"segment": ["a", "b"], "volume": [30, 10], "customers": [10, 10],
    ...                     "nps": [10.0, None], "nps_responses": [40, 0], "digital_share": [0.5, 1.0]})
    >>> reasons = pl.DataFrame({"segment": ["a", "a", "b"], "reason": ["x", "y", "x"], "volume": [20, 10, 10]})
    >>> channels = pl.DataFrame({"segment": ["a", "b"], "channel": ["app", "web"], "volume": [30, 10]})
    >>> out = segment_profiles(seg, reasons, channels)
    >>> out.select("segment", "contacts_per_customer").rows()
    [('a', 3.0), ('b', 1.0)]
    >>> out["top_reasons"][0].to_list()
    [{'id': 'x', 'share': 0.6666666666666666}, {'id': 'y', 'share': 0.3333333333333333}]
    """
    base = by_segment.filter(pl.col("segment").is_not_null()).with_columns(
        (pl.col("volume") / pl.col("customers")).alias("contacts_per_customer"))
    out = base.join(_top(by_reason, "reason", top), on="segment", how="left") \
        .join(_top(by_channel, "channel", top), on="segment", how="left") \
        .rename({"reason_top": "top_reasons", "channel_top": "top_channels"})
    if customers is None or customers.height == 0:
        return out.with_columns(*(pl.lit(None, pl.Float64).alias(c) for c in CUSTOMER_FIGURES))
    last = customers.filter(pl.col("period") == pl.col("period").max())
    last = last.with_columns((pl.col("active") / pl.col("active").sum()).alias("share_of_base"))
    return out.join(last.select("segment", *CUSTOMER_FIGURES), on="segment", how="left")


def _top(frame: pl.DataFrame, column: str, top: int) -> pl.DataFrame:
    """segment, ``<column>_top``: the ``top`` values by volume, each with its share of the segment."""
    return (frame.filter(pl.col("segment").is_not_null() & pl.col(column).is_not_null())
            .with_columns((pl.col("volume") / pl.col("volume").sum().over("segment")).alias("share"))
            .sort(["segment", "volume", column], descending=[False, True, False])
            .group_by("segment", maintain_order=True)
            .agg(pl.struct(pl.col(column).alias("id"), "share").head(top).alias(f"{column}_top")))
