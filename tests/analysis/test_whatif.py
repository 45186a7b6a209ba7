"""What-if scenarios: conservation laws and figures worked out by hand."""

from __future__ import annotations

import polars as pl
import pytest

from workbench.analysis.whatif import Scenario, Shift, whatif

DIGITAL = {"phone": False, "app": True, "web": True}
#: bill: phone 100 contacts at €5 (300 s, 20 repeats, NPS 0 on 10), app 50 at €0.50 (60 s, 5 repeats, NPS +40 on 10)
BASE = pl.DataFrame({"reason": ["bill", "bill", "move"], "channel": ["phone", "app", "phone"],
                     "volume": [100, 50, 40], "cost": [500.0, 25.0, 200.0], "aht": [300.0, 60.0, 240.0],
                     "repeats": [20, 5, 4], "nps": [0.0, 40.0, -50.0], "nps_responses": [10, 10, 4]})
JOURNEYS = pl.DataFrame({"journey": ["j1", "j1", "j2"], "reason": ["bill", "move", "move"]})


def run(**scenario) -> object:
    return whatif(BASE, Scenario(("bill",), **scenario), digital=DIGITAL, journeys=JOURNEYS)


def row(frame: pl.DataFrame, **where) -> dict:
    for k, v in where.items():
        frame = frame.filter(pl.col(k) == v)
    return frame.row(0, named=True)


def test_a_zero_scenario_changes_nothing():
    out = run(shifts=(Shift("phone", "app", 0.0),))
    for frame in (out.by_reason, out.by_channel, out.by_journey, out.total):
        for figure in ("volume", "cost", "handling_hours", "repeats", "repeat_rate", "digital_share", "nps"):
            assert frame[figure].to_list() == pytest.approx(frame[f"{figure}_after"].to_list())


def test_a_pure_shift_keeps_the_volume_and_changes_cost_by_the_price_difference():
    out = run(shifts=(Shift("phone", "app", 0.3),))
    bill = row(out.by_reason, reason="bill")
    assert bill["volume_after"] == pytest.approx(bill["volume"]) == 150
    # 30 contacts move from €5 to €0.50 each: cost falls by 30 × 4.50 = 135
    assert bill["cost"] - bill["cost_after"] == pytest.approx(30 * (5.0 - 0.5))
    # handling: 70 × 300 s + 80 × 60 s = 25,800 s
    assert bill["handling_hours_after"] == pytest.approx(25_800 / 3600)
    # digital share: 50 → 80 of 150
    assert (bill["digital_share"], bill["digital_share_after"]) == pytest.approx((50 / 150, 80 / 150))
    # NPS from responses: phone 7 responses at 0, app 16 at +40 (response rates per contact stay) → 640 / 23
    assert bill["nps_after"] == pytest.approx(16 * 40 / 23)
    # repeats take the target channel's rate: 70 × 0.2 + 80 × 0.1 = 22
    assert bill["repeats_after"] == pytest.approx(22)
    phone = row(out.by_channel, channel="phone")
    assert (phone["volume"], phone["volume_after"]) == (100, pytest.approx(70))


def test_other_reasons_are_untouched_and_journeys_overlap():
    out = run(deflection=0.2)
    total = out.total.row(0, named=True)
    assert total["volume_after"] == pytest.approx(190 - 0.2 * 150)  # move keeps its 40
    j1 = row(out.by_journey, journey="j1")  # bill and move: all its contacts, before and after
    assert (j1["volume"], j1["volume_after"]) == (190, pytest.approx(160))
    assert out.by_journey["journey"].to_list() == ["j1"]  # j2 has no step on bill: not affected


def test_deflection_scales_everything_but_the_rates():
    out = run(deflection=0.5)
    bill = row(out.by_reason, reason="bill")
    assert bill["volume_after"] == pytest.approx(75) and bill["cost_after"] == pytest.approx(262.5)
    assert bill["repeat_rate_after"] == pytest.approx(bill["repeat_rate"])
    assert bill["nps_after"] == pytest.approx(bill["nps"])


def test_halving_repeats_removes_the_follow_up_contacts():
    out = run(repeat_change=-0.5)
    bill = row(out.by_reason, reason="bill")
    # 25 repeats → 12.5; 12.5 follow-up contacts fewer: 10 in phone at €5, 2.5 in app at €0.50
    assert bill["repeats_after"] == pytest.approx(12.5)
    assert bill["volume_after"] == pytest.approx(150 - 12.5)
    assert bill["cost_after"] == pytest.approx(525 - 10 * 5 - 2.5 * 0.5)


def test_stimulated_demand_adds_contacts_in_the_target_channel():
    out = run(shifts=(Shift("phone", "app", 0.2),), stimulated_demand=0.5)
    bill = row(out.by_reason, reason="bill")
    assert bill["volume_after"] == pytest.approx(150 + 0.5 * 20)


def test_a_channel_the_reason_never_used_takes_that_channels_figures_over_all_reasons():
    out = whatif(BASE, Scenario(("move",), (Shift("phone", "app", 0.5),)), digital=DIGITAL)
    move = row(out.by_reason, reason="move")
    assert move["cost_after"] == pytest.approx(20 * 5.0 + 20 * 0.5)  # move's phone price, app's price of bill
    assert any("no contacts in app yet" in n for n in out.notes)


@pytest.mark.parametrize("bad", [dict(deflection=1.5), dict(repeat_change=-2), dict(stimulated_demand=-1)])
def test_impossible_scenarios_are_refused(bad):
    with pytest.raises(ValueError):
        Scenario(("bill",), **bad)
    with pytest.raises(ValueError, match="two different channels"):
        Shift("app", "app", 0.1)


def test_the_cli_projects_a_scenario_on_a_workspace(tmp_path):
    from typer.testing import CliRunner

    from workbench.cli import app
    from workbench.demo import build_demo

    build_demo(tmp_path / "ws", events=5_000, seed=2).close()
    result = CliRunner().invoke(app, ["whatif", str(tmp_path / "ws"), "--reason", "receive-bill",
                                      "--shift", "phone=app:30%", "--out", str(tmp_path / "w.csv")])
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(tmp_path / "w.csv")
    assert frame["volume"][0] == pytest.approx(frame["volume_after"][0])  # a pure shift keeps the volume
    assert frame["cost_after"][0] < frame["cost"][0]                     # the app is cheaper than the phone
    bad = CliRunner().invoke(app, ["whatif", str(tmp_path / "ws"), "--reason", "receive-bil"])
    assert bad.exit_code == 2 and "did you mean 'receive-bill'" in bad.output
    bad = CliRunner().invoke(app, ["whatif", str(tmp_path / "ws"), "--reason", "receive-bill", "--shift", "phone"])
    assert bad.exit_code == 2 and "FROM=TO:SHARE" in bad.output
