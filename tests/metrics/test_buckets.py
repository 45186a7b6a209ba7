"""Measuring bucket by bucket of customers gives the same figures as one pass over all events."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.metrics import CATALOGUE, CustomKpi, Dimensions, measure, repeats
from workbench.metrics.buckets import Parts, auto_buckets, bucket_of, splits
from workbench.metrics.repeats import mark_repeats, mark_repeats_frame
from workbench.sources.canonical import conform

REASONS = ["bill", "move", "join", "quit", "orphan"]  # orphan is not in the model
CHANNELS = ["phone", "app", "shop"]
CUSTOM = [
    {"id": "complaints_app", "aggregation": "count", "filter": {"channel": "app", "complaint": True}},
    {"id": "nps_count", "aggregation": "count", "column": "nps"},
    {"id": "cost_sum", "aggregation": "sum", "column": "cost", "filter": {"segment": ["priv"]}},
    {"id": "nps_sum", "aggregation": "sum", "column": "nps"},
    {"id": "cost_mean", "aggregation": "mean", "column": "cost", "filter": {"nps": {"op": ">=", "value": 5}}},
    {"id": "csat_mean", "aggregation": "mean", "column": "csat"},
    {"id": "angry", "aggregation": "share", "column": "nps", "filter": {"nps": {"op": "<=", "value": 3}}},
    {"id": "complainers", "aggregation": "distinct", "column": "customer_id", "filter": {"complaint": True}},
    {"id": "reasons_used", "aggregation": "distinct", "column": "reason"},
    {"id": "median_cost", "aggregation": "median", "column": "cost"},
    {"id": "first_contact", "aggregation": "min", "column": "timestamp"},
    {"id": "max_ces", "aggregation": "max", "column": "ces", "filter": {"channel": {"op": "!=", "value": "shop"}}},
    {"id": "min_customer", "aggregation": "min", "column": "customer_id"},
]


@pytest.fixture(scope="module")
def model() -> Dimensions:
    return Dimensions.build(
        reasons={"bill": ("pay", "being"), "move": ("change", "being"), "join": ("signup", "becoming"),
                 "quit": ("leave", "leaving")},
        journeys={"moving": ["move", "bill"], "billing": ["bill"], "starting": ["join"]},
        channels={"phone": False, "app": True, "shop": False})


@pytest.fixture(scope="module")
def many() -> pl.LazyFrame:
    """3,000 random contacts of 150 customers over 3 months: repeats, exact ties, and nulls everywhere."""
    rng = np.random.default_rng(11)
    n = 3_000
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def maybe_null(values: list, p: float) -> list:
        return [None if rng.random() < p else v for v in values]

    hours = rng.integers(0, 90 * 24, n)
    hours[1::7] = hours[::7][: len(hours[1::7])]  # exact ties
    frame = pl.DataFrame({
        "customer_id": maybe_null([f"c{i}" for i in rng.integers(0, 150, n)], 0.02),
        "timestamp": maybe_null([start + dt.timedelta(hours=int(h)) for h in hours], 0.01),
        "reason": maybe_null([REASONS[i] for i in rng.integers(0, len(REASONS), n)], 0.01),
        "channel": maybe_null([CHANNELS[i] for i in rng.integers(0, len(CHANNELS), n)], 0.01),
        "source_code": ["x"] * n,
        "segment": maybe_null([["priv", "biz"][i] for i in rng.integers(0, 2, n)], 0.05),
        "cost": maybe_null(np.round(rng.gamma(2.0, 3.0, n), 2).tolist(), 0.1),
        "handling_seconds": maybe_null(rng.gamma(3.0, 100.0, n).tolist(), 0.1),
        "complaint": maybe_null((rng.random(n) < 0.1).tolist(), 0.1),
        "resolved": maybe_null((rng.random(n) < 0.8).tolist(), 0.1),
        "nps": maybe_null(rng.integers(0, 11, n).tolist(), 0.7),
        "ces": maybe_null(rng.integers(1, 8, n).tolist(), 0.8),
        "csat": maybe_null(rng.integers(1, 6, n).tolist(), 0.8),
    }, schema_overrides={"timestamp": pl.Datetime("us", "UTC")})
    return conform(frame)


@pytest.mark.parametrize(("by", "options"), [
    (["reason", "channel", "segment"], {"period": "month"}),
    ([], {}),
    (["journey"], {}),
    (["stage", "digital"], {"filters": {"channel": ["phone", "app"]}}),
    (["reason", "journey"], {"share_of": "journey"}),
    (["channel"], {"filters": {"journey": "moving"}, "repeat_days": 2}),
])
def test_buckets_give_the_same_figures_for_every_catalogue_kpi(many, model, by, options):
    kpis = list(CATALOGUE)
    one = measure(many, by=by, kpis=kpis, dims=model, buckets=1, **options)
    three = measure(many, by=by, kpis=kpis, dims=model, buckets=3, **options)
    assert one.height > 0
    assert_frame_equal(three, one)
    # integers and the ratios of integers are exact; only float sums may differ in the last bits
    exact = [c for c in one.columns if c not in ("cost", "cost_per_contact", "aht")]
    assert_frame_equal(three.select(exact), one.select(exact), check_exact=True)


@pytest.mark.parametrize("n_buckets", [2, 5])
def test_buckets_give_the_same_figures_for_every_custom_aggregation(many, model, n_buckets):
    by = ["reason", "segment"]
    one = measure(many, by=by, kpis=["volume"], custom=CUSTOM, dims=model, buckets=1)
    more = measure(many, by=by, kpis=["volume"], custom=CUSTOM, dims=model, buckets=n_buckets)
    assert_frame_equal(more, one)
    assert one.null_count().sum_horizontal().item() < one.height * one.width  # not all null
    total = measure(many, by=[], custom=CUSTOM, dims=model, buckets=n_buckets)
    assert_frame_equal(total, measure(many, by=[], custom=CUSTOM, dims=model, buckets=1))


def test_buckets_on_the_hand_checked_fixture(events, dims):
    got = measure(events, by=["reason"], kpis=["volume", "customers", "repeat_rate", "nps", "share"], buckets=4)
    # bill: a a a b (2 customers, Jan 5 repeated, NPS 10 3 9); join: d; move: b c c (Feb 3 repeated, NPS 6 8)
    assert_frame_equal(got, pl.DataFrame({
        "reason": ["bill", "join", "move"], "volume": [4, 1, 3], "customers": [2, 1, 2],
        "repeat_rate": [0.25, 0.0, 1 / 3], "nps": [100 / 3, 100.0, -50.0], "share": [0.5, 0.125, 0.375]}))


def test_more_buckets_than_customers_and_empty_events(events, make_contacts):
    assert_frame_equal(measure(events, by=["channel"], buckets=50), measure(events, by=["channel"], buckets=1))
    empty = events.filter(pl.lit(False))
    assert_frame_equal(measure(empty, by=[], buckets=3), measure(empty, by=[], buckets=1))
    assert measure(empty, by=["reason"], buckets=3).height == 0


def test_every_customer_lands_in_exactly_one_bucket(many):
    frame = many.select("customer_id", bucket_of(4).alias("bucket")).collect()
    per_customer = frame.group_by("customer_id").agg(pl.col("bucket").n_unique())
    assert per_customer["bucket"].max() == 1
    assert frame["bucket"].is_between(0, 3).all() and frame["bucket"].n_unique() == 4


def test_which_kpis_split():
    schema = pl.Schema({"customer_id": pl.String, "reason": pl.String, "cost": pl.Float64,
                        "timestamp": pl.Datetime("us", "UTC")})
    assert all(splits(k, schema) for k in CATALOGUE if k != "share")
    kpis = [CustomKpi.from_dict(c) for c in CUSTOM]
    whole = [k.id for k in kpis if not splits(k, schema | {"nps": pl.Int8, "csat": pl.Int8, "ces": pl.Int8})]
    assert whole == ["reasons_used", "median_cost"]
    assert not splits(CustomKpi("t", "T", "mean", column="timestamp"), schema)


def test_parts_recompute_nps_from_summed_parts():
    # bucket 1: 10, 3 (net 0 of 2); bucket 2: 9, 9, 6 (net 1 of 3) -> (0 + 1) / 5 = +20, not the mean of 0 and 33
    parts = Parts(["nps", "nps_responses"], pl.Schema({"nps": pl.Int8}))
    stacked = pl.concat([pl.DataFrame({"nps": pl.Series(v, dtype=pl.Int8)}).select(parts.aggregations())
                         for v in ([10, 3, None], [9, 9, 6])])
    got = stacked.select(parts.combine()).select(parts.finish())
    assert got.rows() == [(20.0, 5)]


def test_auto_buckets_and_bad_value(events):
    assert auto_buckets(0) == auto_buckets(1) == 1
    assert auto_buckets(25, rows_per_bucket=10) == 3
    with pytest.raises(ValueError, match="buckets must be >= 1"):
        measure(events, by=["reason"], buckets=0)


@pytest.mark.parametrize("days", [0, 1, 7])
def test_the_fast_repeat_marking_gives_the_same_flags(many, days, monkeypatch):
    frame = many.collect()
    keys = [*frame.columns, "repeat"]
    expected = mark_repeats(frame, days).collect().sort(keys, nulls_last=True)
    got = mark_repeats_frame(frame, days)
    assert got.height == frame.height and (got["repeat"].sum() > 0) == (days > 0)  # 0 days: nothing is later
    assert_frame_equal(got.sort(keys, nulls_last=True), expected)
    # every pair sharing one hash (a clash) falls back to the sort on the values
    monkeypatch.setattr(repeats, "_pair_key", lambda: pl.col("reason").hash() * 0)
    assert_frame_equal(mark_repeats_frame(frame, days).sort(keys, nulls_last=True), expected)
