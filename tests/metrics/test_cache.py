"""The Parquet cache of aggregates: identical calls hit, changed inputs or definitions miss."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.metrics import CustomKpi, Dimensions, MetricsCache, fingerprint, measure


def counting(frame: pl.DataFrame):
    calls = []

    def compute():
        calls.append(1)
        return frame
    return compute, calls


def test_identical_key_hits_and_returns_the_stored_frame(tmp_path):
    cache = MetricsCache(tmp_path / "cache")
    frame = pl.DataFrame({"reason": ["bill"], "volume": [3]})
    compute, calls = counting(frame)
    first = cache.get_or_compute({"by": ["reason"], "data": "v1"}, compute)
    again = cache.get_or_compute({"data": "v1", "by": ["reason"]}, compute)
    assert_frame_equal(first, frame)
    assert_frame_equal(again, frame)
    assert (cache.hits, cache.misses, len(calls)) == (1, 1, 1)
    assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".parquet"]  # no temp file left
    assert MetricsCache(tmp_path / "cache").get_or_compute({"by": ["reason"], "data": "v1"}, compute) is not None
    assert len(calls) == 1  # a second process (a new cache object) hits the same file


def test_changed_input_file_misses(tmp_path):
    data = tmp_path / "events.parquet"
    pl.DataFrame({"x": [1]}).write_parquet(data)
    key = lambda: {"data": data, "by": ["reason"]}  # noqa: E731
    before = fingerprint(key())
    pl.DataFrame({"x": [1, 2]}).write_parquet(data)
    os.utime(data, ns=(1, 1))
    assert fingerprint(key()) != before
    with pytest.raises(FileNotFoundError, match="does not exist"):
        fingerprint({"data": tmp_path / "missing.parquet"})


def test_a_folder_of_partitions_is_fingerprinted_file_by_file(tmp_path):
    (tmp_path / "m=1").mkdir()
    pl.DataFrame({"x": [1]}).write_parquet(tmp_path / "m=1" / "a.parquet")
    before = fingerprint(tmp_path)
    pl.DataFrame({"x": [2]}).write_parquet(tmp_path / "m=1" / "b.parquet")
    assert fingerprint(tmp_path) != before


def test_cached_measure_misses_on_changed_definitions_and_dims(events, dims, tmp_path):
    cache = MetricsCache(tmp_path)
    kpi = CustomKpi.from_dict({"id": "phone", "aggregation": "count", "filter": {"channel": "phone"}})
    args = {"by": ["journey"], "kpis": ["volume"], "dims": dims, "custom": [kpi]}
    first = cache.measure(events, data_version="2026-03", **args)
    assert_frame_equal(first, measure(events, **args))
    cache.measure(events, data_version="2026-03", **args)
    assert (cache.hits, cache.misses) == (1, 1)
    changed_kpi = CustomKpi.from_dict({"id": "phone", "aggregation": "count", "filter": {"channel": "app"}})
    other_dims = Dimensions.build(journeys={"moving": ["move"]})
    for change in ({"custom": [changed_kpi]}, {"dims": other_dims}, {"kpis": ["volume", "nps"]},
                   {"filters": {"segment": ["biz"]}}):
        cache.measure(events, data_version="2026-03", **{**args, **change})
    cache.measure(events, data_version="2026-04", **args)
    assert (cache.hits, cache.misses) == (1, 6)


def test_unreadable_file_is_recomputed(tmp_path):
    cache = MetricsCache(tmp_path)
    Path(cache.path_for("k")).write_bytes(b"not parquet")
    compute, calls = counting(pl.DataFrame({"a": [1]}))
    assert_frame_equal(cache.get_or_compute("k", compute), pl.DataFrame({"a": [1]}))
    assert (cache.misses, len(calls)) == (1, 1)
    assert_frame_equal(cache.get_or_compute("k", compute), pl.DataFrame({"a": [1]}))
    assert cache.hits == 1


def test_unfingerprintable_part_is_a_clear_error():
    with pytest.raises(TypeError, match="cannot fingerprint a LazyFrame"):
        fingerprint(pl.LazyFrame({"a": [1]}))
