"""Conformance: a hand-made log with one deviation of every kind, and pm4py alignments as an oracle."""

import random
from datetime import datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.analysis.conformance import align, conformance, describe_rule, reasons_needed

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


# -- min_reasons and gap_days ------------------------------------------------------------------------
FOUR = ["a", "b", "c", "d"]
SELECTION = contacts([
    ("w1", "a", 1, "s1"), ("w1", "b", 2, "s1"), ("w1", "c", 3, "s1"), ("w1", "d", 4, "s1"),  # walks it all
    ("w2", "a", 1, "s1"), ("w2", "x", 2, "s1"), ("w2", "c", 3, "s1"),                    # 2 of 4: a, c
    ("t1", "b", 1, "s2"), ("t1", "z", 2, "s2"), ("t1", "b", 3, "s2"),                    # 1 of 4, twice
    ("n1", "q", 1, "s2"),                                                                # not touching
])


def test_min_reasons_scores_only_cases_covering_enough_distinct_reasons():
    got = conformance(SELECTION, FOUR, min_reasons=2)
    # w2: matched a, c of 4 designed and 3 actual -> 2*2/7; t1 (b only) is counted but not scored
    assert got.cases.select("customer_id", "fitness", "n_skipped", "n_extra").rows() == [
        ("w1", 1.0, 0, 0), ("w2", pytest.approx(4 / 7), 2, 1)]
    assert_frame_equal(got.summary, pl.DataFrame({
        "cases": [2], "cases_touching_only": [1], "mean_fitness": [(1 + 4 / 7) / 2], "share_perfect": [0.5]}))
    assert got.per_step["cases_touching"].to_list() == [2, 1, 2, 1]  # t1's two b's are not in it
    assert got.per_step["share_skipped"].to_list() == [0.0, 0.5, 0.0, 0.5]
    assert got.extras.rows() == [("x", 1, 1, 0.5)]  # t1's z is not an extra of the journey
    # a share of the distinct reasons, rounded up: 0.5 of 4 = 2, 0.6 of 4 = 3 (w2 drops out too)
    assert_frame_equal(conformance(SELECTION, FOUR, min_reasons=0.5).cases, got.cases)
    assert conformance(SELECTION, FOUR, min_reasons=0.6).summary.rows() == [(1, 2, 1.0, 1.0)]
    assert conformance(SELECTION, FOUR, min_reasons=1.0).summary.rows() == [(1, 2, 1.0, 1.0)]


def test_min_reasons_counts_touching_only_cases_per_group():
    got = conformance(SELECTION, FOUR, by=["segment"], min_reasons=2)
    # s2 holds only t1: no scored case, one touching-only case; nothing disappears
    assert got.summary.rows() == [("s1", 2, 0, (1 + 4 / 7) / 2, 0.5), ("s2", 0, 1, None, None)]


def test_the_default_min_reasons_keeps_every_touching_case():
    got = conformance(SELECTION, FOUR)
    assert got.cases["customer_id"].to_list() == ["t1", "w1", "w2"]
    assert got.summary.columns == ["cases", "mean_fitness", "share_perfect"]
    assert conformance(SELECTION, FOUR, min_reasons=0.25).summary["cases_touching_only"].to_list() == [0]


def test_gap_days_splits_a_customer_into_journey_instances():
    walk = [(r, day) for day, r in enumerate(FOUR)]
    log = contacts([("w", r, day, "s") for r, day in walk]                 # days 0-3
                   + [("w", r, day + 203, "s") for r, day in walk]         # days 203-206: 200 days later
                   + [("v", r, day, "s") for r, day in walk] + [("v", "b", 63, "s")])  # 60 days: no split
    whole = conformance(log, FOUR)
    # without a gap rule, w is one case of 8 events: 4 matched -> 2*4/(4+8); v: 4 of 5 -> 8/9
    assert whole.cases.select("customer_id", "fitness").rows() == [("v", pytest.approx(8 / 9)),
                                                                     ("w", pytest.approx(2 / 3))]
    split = conformance(log, FOUR, gap_days=60)
    assert split.cases.select("customer_id", "fitness", "n_actual").rows() == [
        ("v#1", pytest.approx(8 / 9), 5), ("w#1", 1.0, 4), ("w#2", 1.0, 4)]
    assert split.summary.rows() == [(3, pytest.approx((8 / 9 + 2) / 3), pytest.approx(2 / 3))]


def test_a_late_stray_contact_becomes_its_own_instance_and_is_not_scored():
    log = contacts([("u", r, day, "s") for day, r in enumerate(FOUR)] + [("u", "b", 150, "s"),
                                                                         ("u", "q", 151, "s")])
    stretched = conformance(log, FOUR)
    assert stretched.cases.select("fitness", "n_repeated").rows() == [(pytest.approx(8 / 9), 1)]
    got = conformance(log, FOUR, min_reasons=2, gap_days=60)
    assert got.cases.select("customer_id", "fitness").rows() == [("u#1", 1.0)]
    assert got.summary.rows() == [(1, 1, 1.0, 1.0)]  # u#2 (b, then q outside its window) touches only


def test_more_than_ten_instances_are_listed_in_time_order():
    log = contacts([("m", "a", 100 * i, "s") for i in range(11)])
    assert conformance(log, ["a"], gap_days=1).cases["customer_id"].to_list() == [f"m#{i}" for i in range(1, 12)]


@pytest.mark.parametrize(("options", "message"), [
    ({"min_reasons": 0}, "between 1 and the journey's 4"), ({"min_reasons": 5}, "between 1 and the journey's 4"),
    ({"min_reasons": 1.5}, r"share must lie in \(0, 1\]"), ({"min_reasons": 0.0}, r"share must lie in \(0, 1\]"),
    ({"min_reasons": True}, "whole number or a share"), ({"min_reasons": "2"}, "whole number or a share"),
    ({"gap_days": 0}, "positive number of days"), ({"gap_days": -3}, "positive number of days"),
    ({"gap_days": float("inf")}, "positive number of days"),
])
def test_bad_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        conformance(SELECTION, FOUR, **options)


def test_describe_rule_and_reasons_needed():
    assert reasons_needed(0.3, 10) == 3 and reasons_needed(0.01, 4) == 1 and reasons_needed(3, 4) == 3
    assert describe_rule(0.75, 30, 4) == ("customers on the journey: those with contacts on at least three "
                                          "quarters of its 4 reasons (3); a gap of more than 30 days starts a "
                                          "new journey")
    assert describe_rule(0.4, None, 5).endswith("at least 40% of its 5 reasons (2)")
    assert describe_rule(1.0, None, 5).endswith("contacts on all 5 of its reasons")
    assert describe_rule(0.9, None, 5).endswith("contacts on all 5 of its reasons")  # 0.9 * 5 rounds up to 5
