"""Grouping by model and data dimensions, filters, shares, periods, roll-ups and clear errors."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.metrics import Dimensions, measure, measure_lazy, rollup


def test_phase_and_stage_from_the_dimensions(events, dims):
    got = measure(events, by=["stage", "phase"], dims=dims, kpis=["volume", "nps"])
    assert_frame_equal(got, pl.DataFrame({
        "stage": ["becoming", "being", "being"], "phase": ["signup", "change", "pay"],
        "volume": [1, 3, 4], "nps": [100.0, -50.0, 100 / 3]}))


def test_journeys_overlap_and_are_recomputed(events, dims):
    got = measure(events, by=["journey"], dims=dims, kpis=["volume", "customers", "nps"])
    # moving = move + bill (7 contacts, customers a b c; NPS 10, 3, 9, 6, 8: 2 promoters 2 detractors)
    assert_frame_equal(got, pl.DataFrame({
        "journey": ["billing", "moving", "starting"], "volume": [4, 7, 1], "customers": [2, 3, 1],
        "nps": [100 / 3, 0.0, 100.0]}))
    assert got["volume"].sum() == 12 != measure(events, by=[], kpis=["volume"]).item()  # overlap: 12 > 8


def test_reasons_without_link_form_the_null_group(events, dims):
    got = measure(events, by=["process"], dims=dims, kpis=["volume"])
    assert_frame_equal(got, pl.DataFrame({"process": ["invoicing", None], "volume": [4, 4]}))


def test_two_many_to_many_dimensions_cross(events, dims):
    got = measure(events, by=["system", "journey"], dims=dims, kpis=["volume"])
    assert_frame_equal(got, pl.DataFrame({
        "system": ["crm", "crm", "crm", "erp", "erp"],
        "journey": ["billing", "moving", "starting", "billing", "moving"],
        "volume": [4, 7, 1, 4, 4]}))


def test_filters_on_model_and_data_dimensions(events, dims):
    by_channel = measure(events, by=["channel"], dims=dims, kpis=["volume"], filters={"journey": ["billing"]})
    assert_frame_equal(by_channel, pl.DataFrame({"channel": ["app", "phone", "shop"], "volume": [1, 2, 1]}))
    got = measure(events, by=["journey"], dims=dims, kpis=["volume"], filters={"journey": "moving",
                                                                                "segment": ["priv"]})
    assert_frame_equal(got, pl.DataFrame({"journey": ["moving"], "volume": [5]}))  # rows 1, 2, 3, 6, 7


def test_repeats_are_marked_before_filters(events):
    # bill on phone: Jan 5 (followed by the app contact on Jan 7: repeated) and Jan 20; move: Feb 3
    got = measure(events, by=["reason"], kpis=["volume", "repeat_rate"], filters={"channel": ["phone"]})
    assert_frame_equal(got, pl.DataFrame({"reason": ["bill", "move"], "volume": [2, 1],
                                          "repeat_rate": [0.5, 1.0]}))


def test_share_of_the_parent_group(events, dims):
    got = measure(events, by=["reason", "channel"], kpis=["volume", "share"])
    assert got["share"].to_list() == [1 / 4, 2 / 4, 1 / 4, 1.0, 2 / 3, 1 / 3]  # bill app/phone/shop, join, move
    of_channel = measure(events, by=["reason", "channel"], kpis=["share"], share_of="reason")
    # phone: bill 2 + move 1; app: bill 1, join 1, move 2; shop: bill 1
    assert of_channel["share"].to_list() == [1 / 4, 2 / 3, 1.0, 1 / 4, 2 / 4, 1 / 3]
    journeys = measure(events, by=["journey"], dims=dims, kpis=["share"])
    assert journeys["share"].to_list() == [4 / 8, 7 / 8, 1 / 8]  # of all 8 contacts, overlapping


def test_periods_are_utc_calendar_periods(events):
    months = measure(events, by=[], period="month", kpis=["volume"])
    assert_frame_equal(months, pl.DataFrame({
        "period": [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)], "volume": [4, 3, 1]}))
    weeks = measure(events, by=["period"], period="week", kpis=["volume"])
    # Jan 5, 6, 7 -> Mon Jan 5; Jan 20 -> Jan 19; Sun Feb 1 -> Jan 26; Feb 3 -> Feb 2; Feb 9; Sun Mar 15 -> Mar 9
    assert weeks["period"].to_list() == [dt.date(2026, m, d) for m, d in
                                         [(1, 5), (1, 19), (1, 26), (2, 2), (2, 9), (3, 9)]]
    assert weeks["volume"].to_list() == [3, 1, 1, 1, 1, 1]


def test_declared_extra_dimension_and_digital(events, dims):
    got = measure(events, by=["brand", "digital"], dims=dims, kpis=["volume"])
    assert_frame_equal(got, pl.DataFrame({"brand": ["x", "x", "y", "y"], "digital": [False, True, False, True],
                                          "volume": [2, 3, 2, 1]}))


def test_reason_missing_from_the_model_is_a_visible_null_group(make_contacts, dims):
    events = make_contacts(("a", "2026-01-01", "bill"), ("a", "2026-01-02", "divorce"))
    got = measure(events, by=["phase"], dims=dims, kpis=["volume"])
    assert_frame_equal(got, pl.DataFrame({"phase": ["pay", None], "volume": [1, 1]}))


def test_rollup_outline_with_grand_total(events, dims):
    got = rollup(events, by=["stage", "phase"], dims=dims, kpis=["volume", "nps"])
    assert_frame_equal(got, pl.DataFrame({
        "stage": [None, "becoming", "becoming", "being", "being", "being"],
        "phase": [None, None, "signup", None, "change", "pay"],
        "level": pl.Series([0, 1, 2, 1, 2, 2], dtype=pl.Int8),
        "volume": [8, 1, 1, 7, 3, 4],
        "nps": [100 / 6, 100.0, 100.0, 0.0, -50.0, 100 / 3]}))  # being: 10, 3, 9, 6, 8
    details_and_total = rollup(events, by=["reason"], levels=[0, 1], kpis=["volume"])
    assert details_and_total["volume"].to_list() == [8, 4, 1, 3]


def test_lazy_parquet_input_gives_the_same_result(events, dims, tmp_path):
    events.collect().write_parquet(tmp_path / "e.parquet")
    lazy = measure_lazy(pl.scan_parquet(tmp_path / "e.parquet"), by=["journey"], dims=dims)
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(lazy.collect(), measure(events, by=["journey"], dims=dims))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"by": ["reasn"]}, "unknown dimension 'reasn'. Did you mean 'reason'?"),
    ({"by": ["reason"], "kpis": ["nsp"]}, "unknown KPI 'nsp'. Did you mean 'nps'?"),
    ({"by": ["journey"], "dims": None}, "'journey' comes from the model; pass dims"),
    ({"by": ["period"]}, "'period' needs period= one of day, week"),
    ({"by": [], "period": "mnth"}, "Did you mean 'month'?"),
    ({"by": ["reason"], "kpis": ["digital_share"], "dims": None}, "'digital_share' needs dims"),
    ({"by": ["reason", "reason"]}, "listed twice"),
    ({"by": ["reason"], "filters": {"segmnt": ["x"]}}, "filters: unknown dimension 'segmnt'"),
    ({"by": ["reason"], "kpis": ["share"], "share_of": "channel"}, "share_of='channel' is not one of"),
    ({"by": "reason"}, "list of dimension names"),
])
def test_bad_arguments_say_what_is_valid(events, dims, kwargs, message):
    kwargs = {"dims": dims, **kwargs}
    with pytest.raises((ValueError, TypeError), match=message.replace("(", r"\(").replace("?", r"\?")):
        measure(events, **kwargs)


def test_missing_kpi_column_and_unknown_channel_are_clear_errors(events, dims):
    with pytest.raises(ValueError, match=r"KPI 'aht' needs column\(s\) \['handling_seconds'\]"):
        measure(events.drop("handling_seconds"), by=["reason"], kpis=["aht"])
    fax = events.with_columns(pl.lit("fax").alias("channel"))
    with pytest.raises(ValueError, match=r"channel\(s\) \['fax'\] are not in Dimensions.channels"):
        measure(fax, by=["reason"], dims=dims, kpis=["digital_share"])


def test_dimensions_reject_duplicates_and_dedupe_links():
    with pytest.raises(ValueError, match=r"channel listed more than once: \['app'\]"):
        Dimensions(reasons=pl.DataFrame(schema={"reason": pl.String, "phase": pl.String, "stage": pl.String}),
                   journey_reasons=pl.DataFrame(schema={"journey": pl.String, "reason": pl.String}),
                   process_reasons=pl.DataFrame(schema={"process": pl.String, "reason": pl.String}),
                   system_reasons=pl.DataFrame(schema={"system": pl.String, "reason": pl.String}),
                   channels=pl.DataFrame({"channel": ["app", "app"], "digital": [True, False]}))
    dims = Dimensions.build(journeys={"j": ["bill", "bill"]})
    assert dims.journey_reasons.rows() == [("j", "bill")]
    assert dims.content_hash() == Dimensions.build(journeys={"j": ["bill"]}).content_hash()
    assert dims.content_hash() != Dimensions.build(journeys={"j": ["move"]}).content_hash()
