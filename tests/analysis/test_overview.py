"""The home page's figures: change month on month, significance of movers, the sample-size guard, targets."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest

from workbench.analysis.overview import Target, grid, headline, movers, target_for, uncovered

JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


def test_headline_change_is_relative_for_counts_and_points_for_scores():
    monthly = pl.DataFrame({"period": [JAN, FEB], "volume": [200, 150], "nps": [10.0, 4.0],
                            "nps_responses": [40, 12]})
    rows = {r["kpi"]: r for r in headline(monthly, kpis=("volume", "nps"),
                                          targets=[Target("nps", 0.0, ">=")]).iter_rows(named=True)}
    assert rows["volume"]["change"] == pytest.approx(-0.25) and rows["volume"]["spark"] == [200.0, 150.0]
    assert rows["nps"]["change"] == pytest.approx(-6.0)
    # February's NPS rests on 12 responses: shown, but not reliable, and not judged against its target
    assert (rows["nps"]["n"], rows["nps"]["reliable"], rows["nps"]["on_track"]) == (12, False, None)
    january = {r["kpi"]: r for r in headline(monthly, JAN, kpis=("nps",), targets=[Target("nps", 0.0)])
               .iter_rows(named=True)}
    assert january["nps"]["previous"] is None and january["nps"]["on_track"] is True


def test_movers_are_ranked_by_significance_not_by_size():
    frame = pl.DataFrame({
        "period": [JAN, FEB, JAN, FEB], "reason": ["big", "big", "small", "small"],
        "volume": [10_000, 10_400, 10, 30],               # +4 % of a lot, +200 % of a little
        "nps_promoters": [40, 10, 0, 0], "nps_detractors": [20, 40, 0, 0], "nps_responses": [100, 100, 0, 0]})
    got = movers(frame, top=5)
    z_big = (10_400 - 10_000) / math.sqrt(20_400)
    assert got.filter(pl.col("figure") == "volume", pl.col("reason") == "big")["z"].item() == pytest.approx(z_big)
    # NPS of big: +20 (p .4, d .2) → −30 (p .1, d .4): errors √((.6 − .04)/100)·100 and √((.5 − .09)/100)·100
    e = math.hypot(100 * math.sqrt((0.6 - 0.04) / 100), 100 * math.sqrt((0.5 - 0.09) / 100))
    first = got.row(0, named=True)
    assert (first["reason"], first["figure"], first["z"]) == ("big", "nps", pytest.approx(-50 / e))
    assert got.filter(pl.col("reason") == "small")["significant"].to_list() == [True]  # (30 − 10)/√40 = 3.2


def test_busy_reasons_no_journey_covers():
    by_reason = pl.DataFrame({"reason": ["a", "b", "c", None], "volume": [50, 30, 20, 100]})
    assert uncovered(by_reason, {"a"}).rows() == [("b", 30, 0.15), ("c", 20, 0.1)]


def test_the_grid_judges_only_reliable_values_against_the_most_specific_target():
    by_stage = pl.DataFrame({"stage": ["being", "leaving"], "nps": [5.0, -40.0], "nps_responses": [300, 3],
                             "volume": [900, 80]})
    targets = [Target("nps", 0.0, ">="), Target("nps", 10.0, ">=", level="stage", item="being")]
    cells = grid(by_stage, "stage", targets=targets, families={"VoC": ("nps",), "Operational": ("volume",)})
    nps = {r["item"]: r for r in cells.filter(pl.col("kpi") == "nps").iter_rows(named=True)}
    assert nps["being"]["on_track"] is False            # 5 is below being's own target of 10
    assert nps["leaving"]["reliable"] is False and nps["leaving"]["on_track"] is None  # n = 3
    assert target_for(targets, "nps", "stage", "leaving").value == 0.0
    with pytest.raises(ValueError):
        Target("nps", 1, "=")
