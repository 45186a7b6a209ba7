"""Mining: hand-computed DFG, variants and channel switches; the two real logs against pm4py."""

from datetime import datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from real_logs import real_log

from workbench.analysis.mining import channel_switches, directly_follows, variants, with_level
from workbench.sources.xes import read_xes

T0 = datetime(2026, 1, 1)


def contacts(*rows) -> pl.DataFrame:
    """rows of (customer, reason, hours after T0[, channel])."""
    return pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "reason": [r[1] for r in rows],
            "timestamp": [T0 + timedelta(hours=r[2]) for r in rows],
            "channel": [r[3] if len(r) > 3 else "web" for r in rows],
        }
    )


def test_dfg_frequencies_and_times_by_hand():
    log = contacts(("c1", "bill", 0), ("c2", "bill", 0), ("c1", "pay", 2), ("c1", "bill", 3),
                   ("c2", "pay", 6), ("c3", "bill", 1))
    got = directly_follows(log)
    # bill→pay: c1 2 h, c2 6 h → median = mean = 4 h; pay→bill: c1 1 h
    expected = pl.DataFrame({"source": ["bill", "pay"], "target": ["pay", "bill"], "frequency": [2, 1],
                             "median_seconds": [4 * 3600.0, 3600.0], "mean_seconds": [4 * 3600.0, 3600.0]})
    assert_frame_equal(got, expected)
    assert got["frequency"].sum() == log.height - 3  # events minus cases


def test_dfg_start_end_arcs():
    log = contacts(("c1", "bill", 0), ("c1", "pay", 2), ("c2", "pay", 0), ("c3", "bill", 0))
    got = directly_follows(log, start_end=True).select("source", "target", "frequency")
    assert sorted(got.rows()) == sorted([("▶", "bill", 2), ("▶", "pay", 1), ("bill", "pay", 1),
                                         ("pay", "■", 2), ("bill", "■", 1)])
    assert got["frequency"].to_list() == [2, 2, 1, 1, 1]  # sorted by frequency desc


def test_timestamp_ties_keep_row_order_and_unsorted_input_is_sorted():
    # c1's "b" and "c" share a timestamp: row order decides b → c; rows arrive out of time order
    log = contacts(("c1", "d", 5), ("c1", "b", 1), ("c2", "a", 0), ("c1", "c", 1), ("c1", "a", 0))
    assert directly_follows(log).select("source", "target").rows() == [("a", "b"), ("b", "c"), ("c", "d")]
    assert variants(log)["variant"].to_list() == [["a"], ["a", "b", "c", "d"]]  # 1 case each: by variant


def test_variants_shares_and_tie_order():
    log = contacts(("c1", "a", 0), ("c1", "b", 1), ("c2", "a", 0), ("c2", "b", 1), ("c3", "b", 0),
                   ("c4", "a", 0), ("c5", "a", 0), ("c5", "c", 1))
    got = variants(log)
    expected = pl.DataFrame({
        "variant": [["a", "b"], ["a"], ["a", "c"], ["b"]],  # ties (1 case each) in variant order
        "cases": [2, 1, 1, 1],
        "share": [0.4, 0.2, 0.2, 0.2],
        "cumulative_share": [0.4, 0.6, 0.8, 1.0],
    })
    assert_frame_equal(got, expected)
    assert_frame_equal(variants(log, top=2), expected.head(2))


def test_channel_switches_by_hand():
    log = contacts(
        ("c1", "bill", 0, "web"), ("c1", "bill", 24, "phone"),      # web→phone within 7 days: switch
        ("c1", "move", 30, "phone"),                                 # other reason: not a "next" on bill
        ("c1", "bill", 24 * 20, "web"),                              # phone→web after 19 days: too late
        ("c2", "bill", 0, "web"), ("c2", "bill", 1, "web"),          # same channel: not a switch
        ("c2", "bill", 2, "phone"),                                  # web→phone (from the NEXT contact only)
        ("c3", "move", 0, "shop"), ("c3", "move", 7 * 24, "web"),    # exactly 7 days: counts
    )
    got = channel_switches(log)
    expected = pl.DataFrame({
        "reason": ["bill", "move"], "from_channel": ["web", "shop"], "to_channel": ["phone", "web"],
        "switches": [2, 1], "contacts_from": [4, 1], "switch_rate": [0.5, 1.0],
    })
    assert_frame_equal(got, expected)
    assert channel_switches(log, within_days=1).filter(pl.col("reason") == "move").height == 0


def test_with_level_mines_phases():
    log = contacts(("c1", "bill", 0), ("c1", "pay", 1), ("c1", "move", 2), ("c2", "move", 0))
    phases = pl.DataFrame({"reason": ["bill", "pay", "move"], "phase": ["billing", "billing", "moving"]})
    leveled = with_level(log, phases)
    got = directly_follows(leveled, activity="phase").select("source", "target", "frequency").rows()
    assert got == [("billing", "billing", 1), ("billing", "moving", 1)]  # same phase stays a self-loop
    assert variants(leveled, activity="phase")["variant"].to_list() == [
        ["billing", "billing", "moving"], ["moving"]]


def test_with_level_refuses_unknown_and_duplicate_reasons():
    log = contacts(("c1", "bill", 0), ("c1", "tax", 1))
    with pytest.raises(ValueError, match=r"no 'phase' for reason\(s\) \['tax'\]"):
        with_level(log, pl.DataFrame({"reason": ["bill"], "phase": ["billing"]}))
    with pytest.raises(ValueError, match=r"more than once: \['bill'\]"):
        with_level(log, pl.DataFrame({"reason": ["bill", "bill", "tax"], "phase": ["a", "b", "c"]}))


def test_nulls_and_missing_columns_are_refused():
    log = contacts(("c1", "bill", 0)).vstack(
        pl.DataFrame({"customer_id": ["c1"], "reason": [None], "timestamp": [T0], "channel": ["web"]},
                     schema_overrides={"reason": pl.String}))
    with pytest.raises(ValueError, match="'reason' has 1 null value"):
        directly_follows(log)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['case'\]"):
        variants(log, case="case")


def test_lazy_input_gives_the_same_result():
    log = contacts(("c1", "a", 0), ("c1", "b", 1), ("c2", "a", 0))
    assert_frame_equal(directly_follows(log.lazy()), directly_follows(log))
    assert_frame_equal(variants(log.lazy()), variants(log))


# ---- oracle: pm4py on the real logs ---------------------------------------------------------------

@pytest.fixture(scope="module", params=["helpdesk.xes.gz", "bpic2012.xes.gz"])
def real(request):
    path = real_log(request.param)
    pm4py = pytest.importorskip("pm4py")
    log = read_xes(path)
    formatted = pm4py.format_dataframe(log.to_pandas(), case_id="case_id", activity_key="activity",
                                       timestamp_key="timestamp")
    return request.param, log, formatted, pm4py


def test_dfg_equals_pm4py(real):
    name, log, formatted, pm4py = real
    dfg, starts, ends = pm4py.discover_dfg(formatted)
    ours = directly_follows(log, case="case_id", activity="activity", start_end=True)
    arcs = ours.filter(~pl.col("source").eq("▶") & ~pl.col("target").eq("■"))
    assert {(s, t): f for s, t, f in arcs.select("source", "target", "frequency").iter_rows()} == dict(dfg)
    assert dict(ours.filter(pl.col("source") == "▶").select("target", "frequency").iter_rows()) == starts
    assert dict(ours.filter(pl.col("target") == "■").select("source", "frequency").iter_rows()) == ends
    if name.startswith("bpic"):
        assert arcs["frequency"].sum() == 249_113


def test_dfg_times_equal_pm4py(real):
    _, log, formatted, pm4py = real
    performance, _, _ = pm4py.discover_performance_dfg(formatted)
    ours = directly_follows(log, case="case_id", activity="activity")
    for source, target, _, median, mean in ours.iter_rows():
        assert median == pytest.approx(performance[(source, target)]["median"], abs=1e-6)
        assert mean == pytest.approx(performance[(source, target)]["mean"], rel=1e-9)


def test_variants_equal_pm4py(real):
    _, log, formatted, pm4py = real
    theirs = pm4py.get_variants(formatted)
    ours = variants(log, case="case_id", activity="activity")
    assert {tuple(v): n for v, n in ours.select("variant", "cases").iter_rows()} == dict(theirs)
    assert ours["share"].sum() == pytest.approx(1.0)
    assert ours["cumulative_share"][-1] == pytest.approx(1.0)


def test_case_hash_collision_falls_back_to_exact_codes(monkeypatch):
    import workbench.analysis.mining as mining

    log = contacts(("c1", "a", 0), ("c1", "b", 1), ("c2", "a", 0), ("c2", "c", 1), ("c3", "b", 0))
    expected_dfg, expected_variants = directly_follows(log), variants(log)
    flagged = pl.DataFrame({"__case": [7, 7, 8], "__check": [1, 2, 2]}).select(mining._collision())
    assert flagged.to_series().to_list() == [False, True, False]
    monkeypatch.setattr(mining, "_collision", lambda: pl.lit(True))  # pretend two ids share a hash
    assert_frame_equal(directly_follows(log), expected_dfg)
    assert_frame_equal(variants(log), expected_variants)


def test_integer_case_ids_and_variants_top_with_ties():
    log = contacts(("1", "a", 0), ("2", "b", 0), ("3", "c", 0), ("4", "c", 0)).with_columns(
        pl.col("customer_id").cast(pl.Int64))
    got = variants(log, top=2)
    assert got.rows() == [(["c"], 2, 0.5, 0.5), (["a"], 1, 0.25, 0.75)]


def test_log_already_in_case_and_time_order_gives_the_same_as_a_shuffled_copy():
    # rows grouped by case and in time order (as read from XES) skip the sort; a shuffled copy is
    # sorted: both must give the same graph and variants. c2 has a time tie: row order decides.
    log = contacts(("c3", "a", 0), ("c3", "b", 1), ("c1", "b", 0), ("c1", "a", 2), ("c1", "c", 3),
                   ("c2", "a", 0), ("c2", "c", 0), ("c2", "b", 5))
    no_tie = log.filter(pl.col("reason") != "c")
    shuffled = no_tie.sample(fraction=1.0, shuffle=True, seed=3)
    assert shuffled["customer_id"].to_list() != no_tie["customer_id"].to_list()
    assert_frame_equal(directly_follows(no_tie, start_end=True), directly_follows(shuffled, start_end=True))
    assert_frame_equal(variants(no_tie), variants(shuffled))
    assert variants(log)["variant"].to_list() == [["a", "b"], ["a", "c", "b"], ["b", "a", "c"]]
    # a case split in two runs, or a run out of time order, is sorted first
    split = pl.concat([log.slice(0, 1), log.slice(2, 3), log.slice(1, 1), log.slice(5)])
    assert variants(split)["variant"].to_list() == [["a", "b"], ["a", "c", "b"], ["b", "a", "c"]]
    backwards = log.reverse()
    assert variants(backwards)["variant"].to_list() == [["a", "b"], ["b", "a", "c"], ["c", "a", "b"]]
