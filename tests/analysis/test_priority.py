"""Priority scores checked against factors, contributions and scores worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from workbench.analysis.priority import (
    FACTORS,
    PriorityWeights,
    explain,
    model_dimensions,
    priorities,
    priority_scores,
)
from workbench.metrics import measure
from workbench.model import Channel, ContactReason, Journey, Model, Phase, Process, Segment, Stage, Step, System
from workbench.sources.canonical import conform

APPROX = {"abs": 1e-9}


def tiny_model() -> Model:
    """Reasons a, b (strategic 2), c, d (no contacts); j1 = a, b; j2 = b, c; j3 (future) = a."""
    m = Model(name="Tiny")
    m.add(Stage("s", "Stage"), Phase("p", "s", "Phase"),
          ContactReason("a", "p", "I do A"), ContactReason("b", "p", "I do B", strategic_weight=2.0),
          ContactReason("c", "p", "I do C"), ContactReason("d", "p", "I do D"),
          Channel("phone", "Phone"), Channel("web", "Web", True),
          Segment("s1", "One"), Segment("s2", "Two"),
          Process("proc", "Process", reasons=("a", "c")), System("sys", "System", reasons=("b",)),
          Journey("j1", "Journey one"), Journey("j2", "Journey two"), Journey("j3", "Future", state="future"),
          # j1 experience gap: (2 x (1 - -1) [moment of truth] + 1 x max(0, 0 - 1)) / (2 + 1) = 4/3
          Step("j1-1", "j1", "A step", emotion=-1, target_emotion=1, moment_of_truth=True, reason="a"),
          Step("j1-2", "j1", "B step", emotion=1, target_emotion=0, reason="b"),
          Step("j2-1", "j2", "B again", reason="b"), Step("j2-2", "j2", "C step", reason="c"),
          Step("j3-1", "j3", "A later", reason="a"))
    return m


def contacts(*rows) -> pl.DataFrame:
    """(customer, 'YYYY-MM-DD', channel, reason, segment, cost, complaint, nps, ces, csat) rows."""
    names = ("customer_id", "timestamp", "channel", "reason", "segment", "cost", "complaint", "nps", "ces", "csat")
    data = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    data["timestamp"] = [datetime.fromisoformat(t).replace(tzinfo=UTC) for t in data["timestamp"]]
    data["source_code"] = data["reason"]
    return conform(pl.DataFrame(data, strict=False)).collect()


EVENTS = contacts(
    # a: 4 contacts, cost 40, 1 complaint, x again within 7 days (1 repeat), NPS [0, 0, 10] = (1 - 2)/3 = -33.3
    ("x", "2026-01-01", "phone", "a", "s1", 10.0, True, 0, None, None),
    ("x", "2026-01-03", "phone", "a", "s1", 10.0, False, 0, None, None),
    ("y", "2026-01-01", "web", "a", "s1", 10.0, False, 10, None, None),
    ("z", "2026-01-02", "web", "a", "s1", 10.0, False, None, None, None),
    # b: 2 contacts, cost 60, 2 complaints, no repeat, NPS [10, 10] = 100, CES [3] = 3, CSAT [5] = 100%
    ("x", "2026-01-05", "phone", "b", "s2", 30.0, True, 10, 3, None),
    ("p", "2026-01-05", "phone", "b", "s2", 30.0, True, 10, None, 5),
    # c: 1 contact in February, cost 5, no complaint, no survey
    ("r", "2026-02-02", "web", "c", "s1", 5.0, False, None, None, None),
)


def test_reason_scores_match_the_hand_computation():
    # Raw values: volume 4 2 1 0 | cost 40 60 5 0 | complaints 1 2 0 0 | repeats 1 0 0 0 | strategic 1 2 1 1
    # dissatisfaction a: NPS gap (10 - -33.33)/200 = 13/60; b: mean(NPS gap 0, CES gap (5-3)/6, CSAT gap 0) = 1/9
    # Share of max:  a: 1, 2/3, 1, 1/2, 1, 1/2    b: 1/2, 1, (1/9)/(13/60) = 20/39, 1, 0, 1
    #                c: 1/4, 1/12, 0, 0, 0, 1/2   d: 0, 0, 0, 0, 0, 1/2
    # Six weights of 1: contribution = 100/6 x factor.
    got = priorities(EVENTS, tiny_model())
    assert got["id"].to_list() == ["a", "b", "c", "d"]
    assert got["rank"].to_list() == [1, 2, 3, 4]
    unit = 100 / 6
    expected = {
        "a": [1, 2 / 3, 1, 1 / 2, 1, 1 / 2],          # 14/3 x 100/6 = 77.78
        "b": [1 / 2, 1, 20 / 39, 1, 0, 1],            # 4.0128 x 100/6 = 66.88
        "c": [1 / 4, 1 / 12, 0, 0, 0, 1 / 2],          # 5/6 x 100/6 = 13.89
        "d": [0, 0, 0, 0, 0, 1 / 2],                  # 8.33
    }
    for row in got.iter_rows(named=True):
        contributions = [row[f"contribution_{f}"] for f in FACTORS]
        assert contributions == pytest.approx([unit * x for x in expected[row["id"]]], **APPROX)
        assert sum(contributions) == row["score"]     # exactly, not approximately
    assert got["score"].to_list() == pytest.approx([1400 / 18, unit * (3.5 + 20 / 39), unit * 5 / 6, unit / 2],
                                                   **APPROX)
    a = got.row(0, named=True)
    assert (a["level"], a["label"], a["volume"], a["customers"], a["cost"], a["complaints"], a["repeats"]) == \
        ("reason", "I do A", 4, 3, 40.0, 1, 1)
    assert a["nps"] == pytest.approx(-100 / 3) and a["nps_gap"] == pytest.approx(10 + 100 / 3)
    assert a["dissatisfaction"] == pytest.approx(13 / 60) and a["ces"] is None and a["ces_gap"] is None
    b = got.row(1, named=True)
    assert (b["nps_gap"], b["ces_gap"], b["csat_gap"], b["strategic_weight"]) == (0.0, 2.0, 0.0, 2.0)
    assert b["dissatisfaction"] == pytest.approx(1 / 9)


def test_explain_names_the_largest_factors_first():
    got = priorities(EVENTS, tiny_model())
    # a: volume, dissatisfaction and repeat add 16.67 each (ties keep factor order), cost 11.1, the rest 8.3
    assert explain(got.head(1)) == (
        "I do A ranks 1st: 17 of 78 points from volume (4 contacts), "
        "17 from dissatisfaction (NPS −33 against target 10), 17 from repeat (1 repeated contact), "
        "11 from cost (€40 in contact costs), 8 from complaints (1 complaint), 8 from strategic (strategic weight 1.0)")
    assert explain(got.row(1, named=True)).startswith(
        "I do B ranks 2nd: 17 of 67 points from cost (€60 in contact costs), 17 from complaints (2 complaints), "
        "17 from strategic (strategic weight 2.0), 9 from dissatisfaction (CES 3.0 against target 5.0)")
    assert explain(got.row(3, named=True)) == "I do D ranks 4th: 8 of 8 points from strategic (strategic weight 1.0)"


def test_zero_weights_drop_factors():
    # cost weight 0: five weights remain, contribution = 100/5 x factor
    # a = 20 x (1 + 1 + 1/2 + 1 + 1/2) = 80; b = 20 x (1/2 + 20/39 + 1 + 0 + 1) = 60.26
    got = priorities(EVENTS, tiny_model(), weights=PriorityWeights(cost=0))
    assert got["contribution_cost"].to_list() == [0.0] * 4
    assert got.filter(pl.col("id") == "a")["score"].item() == pytest.approx(80.0, **APPROX)
    assert got.filter(pl.col("id") == "b")["score"].item() == pytest.approx(20 * (2.5 + 20 / 39), **APPROX)
    only_volume = PriorityWeights(cost=0, dissatisfaction=0, complaints=0, repeat=0, strategic=0)
    got = priorities(EVENTS, tiny_model(), weights=only_volume)
    assert got.select("id", "score").rows() == [("a", 100.0), ("b", 50.0), ("c", 25.0), ("d", 0.0)]
    with pytest.raises(ValueError, match="every factor weight is 0"):
        priorities(EVENTS, tiny_model(), weights=PriorityWeights.from_dict(only_volume.to_dict() | {"volume": 0}))


def test_ties_are_ranked_by_id():
    m = Model().add(Stage("s", "S"), Phase("p", "s", "P"), ContactReason("zeta", "p", "Z"),
                    ContactReason("alpha", "p", "A"), ContactReason("mid", "p", "M"))
    events = contacts(("u", "2026-01-01", "phone", "zeta", "s1", 1.0, False, None, None, None),
                      ("v", "2026-01-01", "phone", "alpha", "s1", 1.0, False, None, None, None))
    got = priorities(events, m)
    assert got.select("id", "rank").rows() == [("alpha", 1), ("zeta", 2), ("mid", 3)]
    assert got["score"][0] == got["score"][1]


def test_filters_change_the_ranking():
    only_volume = PriorityWeights(cost=0, dissatisfaction=0, complaints=0, repeat=0, strategic=0)
    # segment s2 holds only b's two contacts: b gets 100, the rest 0 and are ranked by id
    got = priorities(EVENTS, tiny_model(), weights=only_volume, filters={"segment": "s2"})
    assert got.select("id", "score", "volume").rows() == [("b", 100.0, 2), ("a", 0.0, 0), ("c", 0.0, 0),
                                                          ("d", 0.0, 0)]
    # web: a has 2 contacts (y, z), c has 1
    got = priorities(EVENTS, tiny_model(), weights=only_volume, filters={"channel": ["web"]})
    assert got.select("id", "volume", "score").rows()[:2] == [("a", 2, 100.0), ("c", 1, 50.0)]
    # February holds only c
    got = priorities(EVENTS, tiny_model(), weights=only_volume, filters={"period": [date(2026, 2, 1)]},
                     period="month")
    assert got.select("id", "volume").rows()[0] == ("c", 1)
    assert got["volume"].sum() == 1
    with pytest.raises(ValueError, match="period="):
        priorities(EVENTS, tiny_model(), filters={"period": [date(2026, 2, 1)]})


def test_journey_rollup_recomputes_kpis_from_the_journeys_reasons():
    got = priorities(EVENTS, tiny_model(), level="journey")
    assert got["id"].to_list() == ["j1", "j2"]  # j3 is a future-state design and is not ranked
    j1 = got.row(0, named=True)
    # j1 = events of a and b: 6 contacts; customers {x, y, z, p} = 4 (not 3 + 2); NPS over [0, 0, 10, 10, 10]
    # = (3 - 2)/5 = 20 (not the mean of -33.3 and 100)
    assert (j1["volume"], j1["customers"], j1["cost"], j1["complaints"], j1["repeats"]) == (6, 4, 100.0, 3, 1)
    assert j1["nps"] == pytest.approx(20.0) and j1["experience_gap"] == pytest.approx(4 / 3)
    oracle = measure(EVENTS.filter(pl.col("reason").is_in(["a", "b"])), by=[], kpis=["volume", "customers", "nps"])
    assert (j1["volume"], j1["customers"], j1["nps"]) == oracle.row(0)
    # Seven factors (with experience). j1 is the largest on every one -> 100.
    # j2 = b + c: volume 3/6, cost 65/100, dissatisfaction (1/9)/(1/9) = 1, complaints 2/3, repeat 0,
    # strategic 2/2, experience 0 (no emotions) -> 100/7 x (0.5 + 0.65 + 1 + 2/3 + 1)
    assert j1["score"] == pytest.approx(100.0, **APPROX) and j1["strategic_weight"] == 2.0
    assert got["score"][1] == pytest.approx(100 / 7 * (0.5 + 0.65 + 1 + 2 / 3 + 1), **APPROX)
    assert got["contribution_experience"].to_list() == pytest.approx([100 / 7, 0.0], **APPROX)


def test_channels_processes_and_systems():
    only_volume = PriorityWeights(cost=0, dissatisfaction=0, complaints=0, repeat=0, strategic=0)
    channels = priorities(EVENTS, tiny_model(), level="channel")
    # phone: a x2, b x2 -> 4 contacts, strategic max(1, 2) = 2; web: a x2, c -> 3 contacts, strategic 1
    assert channels.select("id", "volume", "strategic_weight").rows() == [("phone", 4, 2.0), ("web", 3, 1.0)]
    processes = priorities(EVENTS, tiny_model(), level="process", weights=only_volume)
    assert processes.select("id", "label", "volume", "score").rows() == [("proc", "Process", 5, 100.0)]
    systems = priorities(EVENTS, tiny_model(), level="system", top=1)
    assert systems.select("id", "volume", "strategic_weight").rows() == [("sys", 2, 2.0)]


def test_a_measure_frame_scores_like_priorities():
    m = tiny_model()
    frame = measure(EVENTS, by=["reason"], dims=model_dimensions(m))
    assert priority_scores(frame, m).equals(priorities(EVENTS, m))
    # the null group is not an item; an id the model lacks is ranked under its id
    bare = priority_scores(pl.DataFrame({"reason": ["b", "a", None, "zz"], "volume": [4, 2, 9, 1]}), m, top=3)
    assert bare.select("id", "label", "rank").rows() == [("b", "I do B", 1), ("a", "I do A", 2), ("zz", "zz", 3)]


def test_weights_round_trip_and_validation():
    w = PriorityWeights(volume=2, nps_target=20, csat_target=0.9)
    assert PriorityWeights.from_dict(w.to_dict()) == w
    assert PriorityWeights.from_dict(None) == PriorityWeights()
    with pytest.raises(ValueError, match="did you mean 'volume'"):
        PriorityWeights.from_dict({"volum": 1})
    with pytest.raises(ValueError, match="'cost' must lie in 0..inf"):
        PriorityWeights(cost=-1)
    with pytest.raises(ValueError, match="a fraction"):
        PriorityWeights(csat_target=80)
    with pytest.raises(ValueError, match="did you mean 'journey'"):
        priorities(EVENTS, tiny_model(), level="journy")
