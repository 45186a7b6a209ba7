"""The demo customers table: every customer with a contact, churn linked to unresolved repeats."""

from __future__ import annotations

import polars as pl

from workbench.metrics.repeats import mark_repeats
from workbench.sample.customers import customers_from_contacts


def test_churn_is_more_likely_after_unresolved_repeats(tmp_path):
    from workbench.demo import build_demo

    ws = build_demo(tmp_path / "ws", events=40_000, seed=3)
    contacts = ws.contacts(check=False).frame
    table = customers_from_contacts(contacts, seed=3)
    customers = contacts.select(pl.col("customer_id").unique()).collect()
    assert set(customers["customer_id"]) <= set(table["customer_id"])
    assert table.filter(pl.col("start").is_null())["customer_id"].str.starts_with("P").all()  # lost prospects
    assert (table.drop_nulls("end").select((pl.col("end") >= pl.col("start")).all()).item())
    failures = (mark_repeats(contacts, 7).group_by("customer_id")
                .agg((pl.col("repeat") & ~pl.col("resolved")).sum().alias("failures")).collect())
    rates = (table.join(failures, on="customer_id")
             .group_by(pl.col("failures") >= 2).agg(pl.col("end").is_not_null().mean()).sort("failures"))
    without, with_failures = rates["end"].to_list()
    assert with_failures > 1.5 * without
    ws.close()
