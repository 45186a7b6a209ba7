"""Segment profiles against figures worked out by hand from the UI fixture's ten contacts and a small
customers table."""

from __future__ import annotations

import polars as pl
import pytest

from workbench.analysis.segments import segment_profiles


def test_the_customers_figures_come_from_the_last_month_only():
    seg = pl.DataFrame({"segment": ["a", "b"], "volume": [3, 1], "customers": [3, 1], "nps": [None, None],
                        "nps_responses": [0, 0], "digital_share": [1.0, 0.0]})
    reasons = pl.DataFrame({"segment": ["a", "b"], "reason": ["x", "x"], "volume": [3, 1]})
    channels = pl.DataFrame({"segment": ["a", "b"], "channel": ["app", "phone"], "volume": [3, 1]})
    customers = pl.DataFrame({"period": ["2026-01", "2026-01", "2026-02", "2026-02"], "segment": ["a", "b", "a", "b"],
                              "active": [10, 10, 30, 10], "arpu": [20.0, 40.0, 25.0, 45.0],
                              "churn_rate": [0.1, 0.0, 0.05, 0.2], "tenure_months": [12.0, 3.0, 13.0, 4.0]})
    out = {r["segment"]: r for r in segment_profiles(seg, reasons, channels, customers).iter_rows(named=True)}
    # February: 30 of 40 active customers are in a
    assert out["a"]["share_of_base"] == pytest.approx(0.75) and out["b"]["share_of_base"] == pytest.approx(0.25)
    assert (out["a"]["active"], out["a"]["arpu"], out["b"]["churn_rate"]) == (30, 25.0, 0.2)
