"""Conformance: a hand-made log with one deviation of every kind, and pm4py alignments as an oracle."""

import random
from datetime import datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.analysis.conformance import align, conformance

T0 = datetime(2026, 1, 1)
DESIGN = ["a", "b", "c"]


def contacts(rows) -> pl.DataFrame:
    """rows of (customer, reason, day, segment)."""
    return pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "reason": [r[1] for r in rows],
            "timestamp": [T0 + timedelta(days=r[2]) for r in rows],
            "segment": [r[3] for r in rows],
        }
    )


LOG = contacts([
    ("c1", "a", 1, "s1"), ("c1", "b", 2, "s1"), ("c1", "c", 3, "s1"),                 # perfect
    ("c2", "x", 1, "s1"), ("c2", "a", 2, "s1"), ("c2", "z", 3, "s1"),                 # x outside window,
    ("c2", "c", 4, "s1"), ("c2", "y", 5, "s1"),                                       # z extra, b skipped
    ("c3", "a", 1, "s2"), ("c3", "c", 2, "s2"), ("c3", "b", 3, "s2"),                 # c out of order
    ("c4", "a", 1, "s2"), ("c4", "a", 2, "s2"), ("c4", "b", 3, "s2"), ("c4", "c", 4, "s2"),  # a repeated
    ("c5", "q", 1, "s2"),                                                             # not touching
])


def test_every_deviation_kind_by_hand():
    got = conformance(LOG, DESIGN)
    # fitness = 1 - (model moves + log moves) / (3 + len(actual))
    expected = pl.DataFrame({
        "customer_id": ["c1", "c2", "c3", "c4"],
        "fitness": [1.0, 1 - 2 / 6, 1 - 2 / 6, 1 - 1 / 7],  # c2: b skipped + z extra; c3: c moved twice
        "n_skipped": [0, 1, 0, 0],
        "n_extra": [0, 1, 0, 0],
        "n_repeated": [0, 0, 0, 1],
        "n_out_of_order": [0, 0, 1, 0],
        "n_actual": [3, 3, 3, 4],
        "n_matched": [3, 2, 2, 3],
    })
    assert_frame_equal(got.cases, expected)
    assert_frame_equal(got.per_step, pl.DataFrame({
        "position": [1, 2, 3], "reason": DESIGN, "cases_touching": [4, 3, 4],
        "share_skipped": [0.0, 0.25, 0.0], "share_repeated": [0.25, 0.0, 0.0],
        "share_out_of_order": [0.0, 0.0, 0.25],
    }))
    assert_frame_equal(got.extras, pl.DataFrame({"reason": ["z"], "events": [1], "cases": [1],
                                                 "share_cases": [0.25]}))
    assert_frame_equal(got.summary, pl.DataFrame({
        "cases": [4], "mean_fitness": [(1 + 2 / 3 + 2 / 3 + 6 / 7) / 4], "share_perfect": [0.25]}))


def test_by_segment_takes_the_first_window_event_and_aggregates_per_group():
    got = conformance(LOG, DESIGN, by=["segment"])
    assert got.cases["segment"].to_list() == ["s1", "s1", "s2", "s2"]
    assert_frame_equal(got.summary, pl.DataFrame({
        "segment": ["s1", "s2"], "cases": [2, 2], "mean_fitness": [(1 + 2 / 3) / 2, (2 / 3 + 6 / 7) / 2],
        "share_perfect": [0.5, 0.0]}))
    s2 = got.per_step.filter(pl.col("segment") == "s2")
    assert s2["share_out_of_order"].to_list() == [0.0, 0.0, 0.5]
    assert s2["share_repeated"].to_list() == [0.5, 0.0, 0.0]
    assert got.extras.rows() == [("s1", "z", 1, 1, 0.5)]


def test_design_with_a_reason_twice():
    log = contacts([("c1", "a", 1, "s"), ("c1", "b", 2, "s"), ("c1", "a", 3, "s"),
                    ("c2", "a", 1, "s"), ("c2", "b", 2, "s")])
    got = conformance(log, ["a", "b", "a"])
    # c1 follows it; c2 misses the second "a": one skipped step, fitness 1 - 1/5
    assert got.cases.select("fitness", "n_skipped", "n_repeated").rows() == [(1.0, 0, 0), (0.8, 1, 0)]
    assert got.per_step.select("position", "reason", "share_skipped").rows() == [(1, "a", 0.5), (2, "b", 0.0)]


def test_no_touching_case_and_empty_design():
    got = conformance(LOG, ["nothing"])
    assert got.cases.height == 0 and got.summary["cases"].to_list() == [0]
    with pytest.raises(ValueError, match="designed sequence is empty"):
        conformance(LOG, [])


def test_alignment_tie_keeps_earlier_designed_steps():
    assert align([0, 1], [1, 0]) == {0: 1}
    assert align([0, 1, 2], [2, 0, 1, 2]) == {0: 1, 1: 1, 2: 1}


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_fitness_equals_pm4py_alignments_on_random_logs():
    pm4py = pytest.importorskip("pm4py")
    rng = random.Random(7)
    design = ["a", "b", "c", "b", "d"]
    rows, windows = [], {}
    for n in range(60):
        seq = [rng.choice("abcdexy") for _ in range(rng.randint(1, 9))]
        rows += [(f"c{n:02d}", r, day, "s") for day, r in enumerate(seq)]
        hits = [i for i, r in enumerate(seq) if r in design]
        if hits:
            windows[f"c{n:02d}"] = seq[hits[0]: hits[-1] + 1]
    ours = dict(conformance(contacts(rows), design).cases.select("customer_id", "fitness").iter_rows())
    assert set(ours) == set(windows)

    frame = pl.DataFrame(
        [(case, r, T0 + timedelta(days=i)) for case, seq in windows.items() for i, r in enumerate(seq)],
        schema=["case", "activity", "timestamp"], orient="row").to_pandas()
    log = pm4py.convert_to_event_log(pm4py.format_dataframe(
        frame, case_id="case", activity_key="activity", timestamp_key="timestamp"))
    net, im, fm = pm4py.convert_to_petri_net(pm4py.parse_process_tree("->(" + ", ".join(
        f"'{r}'" for r in design) + ")"))
    aligned = pm4py.conformance_diagnostics_alignments(log, net, im, fm, return_diagnostics_dataframe=False)
    theirs = {trace.attributes["concept:name"]: a["fitness"] for trace, a in zip(log, aligned, strict=True)}
    assert ours == pytest.approx(theirs)
