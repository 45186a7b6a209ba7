"""The process map: node and arc counts on a hand log, the two cuts, the case filters and the variants;
the helpdesk log against pm4py (filters, projection on the most frequent activities)."""

from datetime import datetime, timedelta

import polars as pl
import pytest
from real_logs import real_log

from workbench.analysis.mining import END, START, order_events
from workbench.analysis.process_map import (
    cut_arcs,
    filter_cases,
    filter_min_events,
    filter_variant,
    process_map,
    variant_shares,
)
from workbench.sources.xes import read_xes

T0 = datetime(2026, 1, 1)
# c1: a b c · c2: a c · c3: a b b c · c4: b (one hour between contacts, c3's b → b two hours)
PATHS = {"c1": "abc", "c2": "ac", "c3": "abbc", "c4": "b"}


def hand_log():
    rows = []
    for case, path in PATHS.items():
        hours = 0
        for i, activity in enumerate(path):
            hours += 2 if (case, i) == ("c3", 2) else (1 if i else 0)
            rows.append((case, activity, T0 + timedelta(hours=hours)))
    frame = pl.DataFrame(rows, schema=["customer_id", "reason", "timestamp"], orient="row")
    return order_events(frame.sample(fraction=1.0, shuffle=True, seed=3))  # any row order


def arcs_of(pm, column="frequency"):
    return {(s, t): v for s, t, v in pm.arcs.select("source", "target", column).iter_rows()}


def test_nodes_and_arcs_counted_by_hand():
    pm = process_map(hand_log())
    assert pm.nodes.rows() == [(START, 4, 4), ("b", 4, 3), ("a", 3, 3), ("c", 3, 3), (END, 4, 4)]
    assert arcs_of(pm) == {("a", "b"): 2, ("b", "c"): 2, ("a", "c"): 1, ("b", "b"): 1,
                           (START, "a"): 3, (START, "b"): 1, ("c", END): 3, ("b", END): 1}
    assert arcs_of(pm, "cases") == arcs_of(pm)  # no case takes an arc twice here
    times = {(s, t): m for s, t, m in pm.arcs.select("source", "target", "median_seconds").iter_rows()}
    assert times[("b", "b")] == 7200.0 and times[("a", "b")] == 3600.0 and times[(START, "a")] is None
    assert (pm.activities_total, pm.arcs_total, pm.cases) == (3, 8, 4)


def test_an_arc_taken_twice_in_a_case_counts_once_as_a_case():
    log = pl.DataFrame({"customer_id": ["x"] * 4, "reason": ["a", "b", "a", "b"],
                        "timestamp": [T0 + timedelta(days=d) for d in range(4)]})
    pm = process_map(order_events(log))
    assert arcs_of(pm)[("a", "b")] == 2 and arcs_of(pm, "cases")[("a", "b")] == 1


def test_activity_slider_keeps_the_most_frequent_and_reconnects_their_events():
    pm = process_map(hand_log(), activities=2)
    # b (4 events), then a and c tie at 3: a comes first by label; c's events are dropped, so c1 is a → b
    assert pm.nodes["node"].to_list() == [START, "b", "a", END]
    assert arcs_of(pm) == {("a", "b"): 2, ("b", "b"): 1, (START, "a"): 3, (START, "b"): 1,
                           ("b", END): 3, ("a", END): 1}
    assert pm.activities_total == 3


def test_arc_slider_keeps_the_most_frequent_and_every_node_connected():
    pm = process_map(hand_log(), arcs=2)
    # most frequent: c → ■ and ▶ → a (3 each); a then lacks an outgoing arc (a → b comes back), b one (b → c)
    assert list(arcs_of(pm)) == [("c", END), (START, "a"), ("a", "b"), ("b", "c")]
    assert pm.arcs_total == 8
    assert list(arcs_of(process_map(hand_log(), arcs=6))) == [
        ("c", END), (START, "a"), ("a", "b"), ("b", "c"), ("a", "c"), ("b", "b")]


def test_cut_arcs_does_not_count_a_self_loop_as_a_connection():
    arcs = pl.DataFrame({"source": [START, "a", "a", "a"], "target": ["a", "a", END, END],
                         "frequency": [5, 4, 3, 1]}).head(3)
    assert cut_arcs(arcs, 2).rows() == [(START, "a", 5), ("a", "a", 4), ("a", END, 3)]


@pytest.mark.parametrize(("activity", "how", "cases"), [
    ("b", "with", {"c1", "c3", "c4"}), ("b", "without", {"c2"}), ("b", "starting", {"c4"}),
    ("a", "starting", {"c1", "c2", "c3"}), ("c", "ending", {"c1", "c2", "c3"}), ("b", "ending", {"c4"}),
    ("zz", "with", set()), ("zz", "without", {"c1", "c2", "c3", "c4"})])
def test_case_filters(activity, how, cases):
    kept = filter_cases(hand_log(), activity, how)
    assert {"".join(v) for v in variant_shares(kept)["variant"].to_list()} == {PATHS[c] for c in cases}
    assert kept.events.height == sum(len(PATHS[c]) for c in cases)


def test_unknown_filter_is_refused():
    with pytest.raises(ValueError, match="with, without, starting, ending"):
        filter_cases(hand_log(), "a", "around")


def test_variants_and_their_shares_and_the_variant_filter():
    ordered = hand_log()
    shares = variant_shares(ordered)
    assert {"".join(v): (n, s) for v, n, s in shares.rows()} == {p: (1, 0.25) for p in PATHS.values()}
    chosen = filter_variant(ordered, ["a", "b", "b", "c"])
    assert process_map(chosen).cases == 1 and arcs_of(process_map(chosen))[("b", "b")] == 1
    assert filter_variant(ordered, ["a", "b"]).events.height == 0  # a prefix is not the variant
    assert filter_variant(ordered, ["nope"]).events.height == 0
    two = filter_min_events(ordered, 2)
    assert variant_shares(two)["cases"].sum() == 3
    assert process_map(two).nodes.rows()[1:3] == [("a", 3, 3), ("b", 3, 2)]  # a tie: by label


# ---- oracle: pm4py on the helpdesk log ------------------------------------------------------------------

@pytest.fixture(scope="module")
def helpdesk():
    pm4py = pytest.importorskip("pm4py")
    log = read_xes(real_log("helpdesk.xes.gz"))
    formatted = pm4py.format_dataframe(log.to_pandas(), case_id="case_id", activity_key="activity",
                                       timestamp_key="timestamp")
    return order_events(log, case="case_id", activity="activity"), formatted, pm4py


def _pm4py_map(pm4py, frame):
    dfg, starts, ends = pm4py.discover_dfg(frame)
    return {**dict(dfg), **{(START, a): n for a, n in starts.items()}, **{(a, END): n for a, n in ends.items()}}


def test_case_filters_equal_pm4py(helpdesk):
    ordered, formatted, pm4py = helpdesk
    activity = "Resolve ticket"
    theirs = {
        "with": pm4py.filter_event_attribute_values(formatted, "concept:name", [activity], level="case"),
        "without": pm4py.filter_event_attribute_values(formatted, "concept:name", [activity], level="case",
                                                       retain=False),
        "starting": pm4py.filter_start_activities(formatted, [activity]),
        "ending": pm4py.filter_end_activities(formatted, ["Closed"]),
    }
    for how, frame in theirs.items():
        ours = process_map(filter_cases(ordered, "Closed" if how == "ending" else activity, how))
        assert ours.cases == frame["case:concept:name"].nunique(), how
        assert arcs_of(ours) == _pm4py_map(pm4py, frame), how


def test_activity_cut_equals_pm4py_projection(helpdesk):
    ordered, formatted, pm4py = helpdesk
    counts = formatted["concept:name"].value_counts()
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    projected = pm4py.filter_event_attribute_values(formatted, "concept:name", [a for a, _ in top], level="event")
    ours = process_map(ordered, activities=5)
    assert ours.nodes.filter(~pl.col("node").is_in([START, END])).select("node", "events").rows() == top
    assert arcs_of(ours) == _pm4py_map(pm4py, projected)
