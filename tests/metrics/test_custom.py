"""Declarative custom KPIs: every aggregation on the fixture, YAML round trip, and validation errors."""

from __future__ import annotations

import polars as pl
import pytest
import yaml
from polars.testing import assert_frame_equal

from workbench.metrics import CustomKpi, CustomKpiError, measure, parse_custom_kpis

WORKSPACE_YAML = """
phone_cost: {label: Phone cost, aggregation: sum, column: cost, filter: {channel: phone}}
big_calls: {label: Long calls, aggregation: count, filter: {handling_seconds: {op: ">", value: 60}}}
promoter_share: {label: Promoters, aggregation: share, column: nps, filter: {nps: {op: ">=", value: 9}}}
app_users: {label: App users, aggregation: distinct, column: customer_id, filter: {channel: [app]}}
median_cost: {label: Median cost, aggregation: median, column: cost}
max_wait: {label: Longest, aggregation: max, column: handling_seconds, filter: {segment: {op: in, value: [priv]}}}
min_cost: {label: Cheapest, aggregation: min, column: cost}
mean_ces: {label: CES priv, aggregation: mean, column: ces, filter: {segment: priv}}
"""


def test_every_aggregation_by_reason(events):
    kpis = parse_custom_kpis(yaml.safe_load(WORKSPACE_YAML))
    got = measure(events, by=["reason"], kpis=["volume"], custom=kpis)
    assert_frame_equal(got, pl.DataFrame({
        "reason": ["bill", "join", "move"],
        "volume": [4, 1, 3],
        "phone_cost": [4.0, 0.0, 3.0],       # bill: rows 1, 3 (2 + 2); join: no phone row, sum 0
        "big_calls": [2, 0, 1],              # > 60 s: bill 90, 120; move 300
        "promoter_share": [2 / 3, 1.0, 0.0],  # of non-null NPS: bill 10, 9 of 10, 3, 9
        "app_users": [1, 1, 2],              # app: bill a; join d; move b, c
        "median_cost": [2.0, 1.0, 2.0],      # bill 2, 1, 2, 5; move 1, 3 (null ignored)
        "max_wait": [90.0, None, 300.0],     # priv rows only; join is biz
        "min_cost": [1.0, 1.0, 1.0],
        "mean_ces": [7.0, None, None],       # priv with a CES: row 1 only
    }), check_dtypes=False)
    assert got["phone_cost"].dtype == pl.Float64 and got["big_calls"].dtype == pl.Int64


def test_custom_kpi_is_recomputed_at_the_total_and_round_trips(events):
    kpi = CustomKpi.from_dict({"id": "promoters", "aggregation": "share", "column": "nps",
                               "filter": {"nps": {"op": ">=", "value": 9}}})
    assert measure(events, by=[], kpis=["promoters"], custom=[kpi]).item() == 3 / 6  # 10, 9, 10 of 6
    assert CustomKpi.from_dict(kpi.to_dict()) == kpi
    assert kpi.label == "promoters" and kpi.additive is False


def test_validation_names_the_kpi_and_field_with_suggestions():
    specs = [
        {"id": "a", "aggregation": "meen", "column": "cost"},
        {"id": "b", "aggregation": "sum"},
        {"id": "c", "aggregation": "mean", "column": "cost", "additive": True},
        {"id": "d", "aggregation": "count", "fitler": {}},
        {"id": "e", "aggregation": "count", "filter": {"nps": {"op": "=>", "value": 9}}},
        {"id": "nps", "aggregation": "count"},
        {"id": "Bad Id", "aggregation": "count"},
        {"aggregation": "count"},
        {"id": "f", "aggregation": "count", "filter": {"nps": {"op": "in", "value": 9}}},
    ]
    with pytest.raises(CustomKpiError) as err:
        parse_custom_kpis(specs)
    assert err.value.problems == [
        "custom KPI 'a': field 'aggregation': unknown value 'meen'; valid: count, sum, mean, share, distinct, "
        "median, min, max. Did you mean 'mean'?",
        "custom KPI 'b': field 'column' is required for aggregation 'sum'",
        "custom KPI 'c': field 'additive': a 'mean' is not additive (only count and sum are)",
        "custom KPI 'd': unknown field 'fitler'. Did you mean 'filter'?",
        "custom KPI 'e': field 'filter': column 'nps': unknown op '=>'; valid: ==, !=, >, >=, <, <=, in, not in. "
        "Did you mean '>='?",
        "custom KPI 'nps': field 'id' clashes with the catalogue KPI 'nps'",
        "custom KPI 'Bad Id': field 'id' must be a lowercase slug (a-z, 0-9, _)",
        "custom KPI #8: field 'id' is required",
        "custom KPI 'f': field 'filter': column 'nps': op 'in' needs a list value",
    ]
    assert "9 problem(s)" in str(err.value)


def test_unknown_column_is_found_against_the_events(events):
    kpi = CustomKpi.from_dict({"id": "x", "aggregation": "sum", "column": "costs", "filter": {"chanel": "app"}})
    with pytest.raises(CustomKpiError, match="no column 'chanel' in the events. Did you mean 'channel'") as err:
        measure(events, by=["reason"], custom=[kpi])
    assert "custom KPI 'x': field 'column': no column 'costs' in the events. Did you mean 'cost'?" in str(err.value)


def test_duplicate_custom_ids_are_rejected():
    with pytest.raises(CustomKpiError, match="field 'id' is used twice"):
        parse_custom_kpis([{"id": "x", "aggregation": "count"}, {"id": "x", "aggregation": "count"}])
