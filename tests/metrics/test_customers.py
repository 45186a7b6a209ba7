"""Customer KPIs on a 10-customer table, every figure worked out by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from workbench.metrics.customers import customer_kpis

D = date
# id, segment, start, end (churn), monthly revenue, prospect since
TABLE = pl.DataFrame(
    [("c1", "home", D(2025, 11, 10), None, 20.0, None),              # before the window, stays
     ("c2", "home", D(2025, 12, 1), D(2026, 2, 15), 30.0, None),     # churns in February
     ("c3", "home", D(2026, 1, 5), None, 40.0, D(2025, 12, 20)),     # new in January
     ("c4", "biz", D(2026, 1, 20), D(2026, 1, 31), 100.0, None),     # new and gone in January
     ("c5", "biz", D(2026, 2, 1), None, 50.0, D(2026, 1, 10)),       # new in February
     ("c6", "biz", D(2025, 10, 1), D(2026, 3, 1), 60.0, None),       # churns on 1 March
     ("c7", "home", None, None, 0.0, D(2026, 1, 15)),                # a prospect who did not convert
     ("c8", "home", D(2026, 3, 10), None, 25.0, D(2026, 3, 1)),      # new in March
     ("c9", "biz", D(2025, 6, 1), D(2025, 9, 30), 80.0, None),       # long gone before the window
     ("c10", "home", D(2026, 2, 28), None, 10.0, D(2026, 2, 1))],    # new on the last day of February
    schema={"customer_id": pl.String, "segment": pl.String, "start": pl.Date, "end": pl.Date,
            "monthly_revenue": pl.Float64, "prospect": pl.Date}, orient="row")
MONTHS = [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]


def kpis(**options) -> pl.DataFrame:
    return customer_kpis(TABLE, months=MONTHS, **options)


def test_active_new_churned_and_mrr_by_hand():
    got = kpis().select("period", "active", "new", "churned", "mrr").rows()
    # January end: c1, c2, c3, c6 (c4 gone on the 31st) → 4; MRR 20 + 30 + 40 + 60
    # February end: c1, c3, c5, c6, c10 → 5 (c2 gone); MRR 20 + 40 + 50 + 60 + 10
    # March end: c1, c3, c5, c8, c10 → 5 (c6 gone on 1 March); MRR 20 + 40 + 50 + 25 + 10
    assert got == [(D(2026, 1, 1), 4, 2, 1, 150.0), (D(2026, 2, 1), 5, 2, 1, 180.0), (D(2026, 3, 1), 5, 1, 1, 145.0)]


def test_churn_rate_arpu_clv_by_hand():
    row = kpis(margin=0.5).filter(pl.col("period") == D(2026, 2, 1)).row(0, named=True)
    # February: active at its start = January's end = 4; churned 1 → 25 %
    assert row["churn_rate"] == pytest.approx(0.25)
    assert row["arpu"] == pytest.approx(180 / 5)
    assert row["clv"] == pytest.approx(36 * 0.5 / 0.25)  # ARPU × margin ÷ churn rate


def test_tenure_of_the_active_customers_at_month_end():
    row = kpis().filter(pl.col("period") == D(2026, 1, 1)).row(0, named=True)
    end = D(2026, 2, 1)
    days = [(end - s).days for s in (D(2025, 11, 10), D(2025, 12, 1), D(2026, 1, 5), D(2025, 10, 1))]
    assert row["tenure_months"] == pytest.approx(sum(days) / 4 / 30.4375)


def test_conversion_and_paying_after_sixty_days():
    got = {r["period"]: r for r in kpis().iter_rows(named=True)}
    # prospects first seen in January: c5 (converted), c7 (not) → 50 %; in February: c10 → 100 %
    assert got[D(2026, 1, 1)]["conversion"] == pytest.approx(0.5)
    assert got[D(2026, 2, 1)]["conversion"] == pytest.approx(1.0)
    # 60 days: only c3 (5 Jan) is 60 days in by 10 March, the table's last date: 100 %; February: nobody yet
    assert got[D(2026, 1, 1)]["paying_after"] == pytest.approx(1.0)
    assert got[D(2026, 2, 1)]["paying_after"] is None
    # 30 days: January c3 (stays) and c4 (left after 11 days) → 50 %; February c5 stays, c10 is too recent
    by30 = {r["period"]: r for r in kpis(paying_days=30).iter_rows(named=True)}
    assert by30[D(2026, 1, 1)]["paying_after"] == pytest.approx(0.5)
    assert by30[D(2026, 2, 1)]["paying_after"] == pytest.approx(1.0)


def test_by_segment_adds_up_to_the_whole():
    whole = kpis().select("period", "active", "mrr", "new", "churned")
    parts = kpis(by=["segment"]).group_by("period").agg(pl.col("active", "mrr", "new", "churned").sum()).sort("period")
    assert parts.rows() == whole.rows()
    biz = kpis(by=["segment"]).filter(pl.col("segment") == "biz", pl.col("period") == D(2026, 2, 1)).row(0, named=True)
    assert (biz["active"], biz["churn_rate"]) == (2, 0.0)  # c5, c6; biz had 1 (c6) at the start of February


def test_a_missing_column_is_named():
    with pytest.raises(ValueError, match="no column"):
        customer_kpis(TABLE.drop("monthly_revenue"))
