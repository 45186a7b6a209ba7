"""Monitoring after go-live: the corrected effect, worked out by hand on small monthly series."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from workbench.analysis.monitor import CONTROL, PLAIN, SEASONAL, check_effect, months_around


def monthly(rows: list[tuple]) -> pl.DataFrame:
    """(year, month, reason, volume, nps, nps responses); cost = 2 per contact, repeats = 10 %."""
    return pl.DataFrame([{"period": date(y, m, 1), "reason": r, "volume": v, "cost": 2.0 * v, "repeats": v // 10,
                          "nps": n, "nps_responses": k} for y, m, r, v, n, k in rows])


def test_windows_are_full_months_around_the_go_live():
    assert months_around(date(2026, 1, 1), 1) == ([date(2025, 12, 1)], [date(2026, 1, 1)])
    before, after = months_around(date(2026, 3, 15), 3)
    assert before == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert after == [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]


def test_against_the_other_reasons_as_a_control():
    # bill: 100 a month before, 80 after (-20 %); the rest grew 10 % (200 → 220): effect 0.8 / 1.1 - 1
    rows = [(2026, m, "bill", 100 if m < 4 else 80, 0.0 if m < 4 else 10.0, 20) for m in range(1, 7)]
    rows += [(2026, m, "move", 200 if m < 4 else 220, 5.0, 20) for m in range(1, 7)]
    check = check_effect(monthly(rows), ["bill"], date(2026, 4, 1), months=3, expected={"volume": -0.2})
    assert check.method == CONTROL
    volume = check.figures.row(0, named=True)
    assert (volume["before"], volume["after"], volume["change"]) == pytest.approx((100, 80, -0.2))
    assert volume["effect"] == pytest.approx(0.8 / 1.1 - 1)
    assert volume["realised"] == pytest.approx((0.8 / 1.1 - 1) / -0.2)
    nps = check.figures.filter(pl.col("figure") == "nps").row(0, named=True)
    assert nps["effect"] == pytest.approx(10.0 - 0.0)  # the control's NPS did not move
    assert check.series["period"].to_list()[0] == date(2026, 1, 1) and check.series["volume"].to_list()[-1] == 80


def test_same_months_a_year_earlier_when_the_data_has_them():
    # every spring the volume rises 25 % (100 → 125); this year it rose only to 100 → 110: effect 1.1/1.25 - 1
    rows = [(2025, m, "bill", 100 if m < 4 else 125, 0.0, 10) for m in range(1, 7)]
    rows += [(2026, m, "bill", 100 if m < 4 else 110, 0.0, 10) for m in range(1, 7)]
    rows += [(y, m, "move", 50, 0.0, 10) for y in (2025, 2026) for m in range(1, 7)]
    check = check_effect(monthly(rows), ["bill"], date(2026, 4, 1), months=3)
    assert check.method == SEASONAL
    assert check.figures.row(0, named=True)["effect"] == pytest.approx(1.1 / 1.25 - 1)


def test_no_change_and_no_reference_is_a_plain_comparison_of_zero():
    rows = [(2026, m, "bill", 100, 20.0, 10) for m in range(1, 7)]
    check = check_effect(monthly(rows), ["bill"], date(2026, 4, 1))
    assert check.method == PLAIN
    assert check.figures["effect"].to_list() == pytest.approx([0.0] * 5)


def test_missing_months_are_refused_with_the_months_named():
    rows = [(2026, m, "bill", 100, 0.0, 10) for m in range(1, 5)]
    with pytest.raises(ValueError, match="no contact data for 2026-05, 2026-06"):
        check_effect(monthly(rows), ["bill"], date(2026, 4, 1))


def _generated_monthly(tmp_path, effects):
    from workbench.metrics import measure
    from workbench.sample import generate
    from workbench.templates import load_template

    model = load_template("telecom")
    result = generate(model, tmp_path / "data", events=300_000, seed=5, progress=False, effects=effects,
                      start=date(2025, 1, 1), months=24)
    mapping = {code: reason for code, reason in result.crosswalk.items() if reason != "ignore"}
    events = (pl.scan_parquet(tmp_path / "data" / "**" / "*.parquet")
              .with_columns(pl.col("source_code").replace_strict(mapping, default=None).alias("reason")))
    return measure(events, by=["reason"], kpis=["volume", "cost", "repeats", "nps", "nps_responses"],
                   period="month")


def test_monitoring_finds_the_generated_effect_and_none_where_there_is_none(tmp_path):
    from workbench.sample.effects import Effect

    fixed = ("question-bill", "understand-first-bill")
    monthly = _generated_monthly(tmp_path, [Effect(fixed, date(2026, 7, 1), -0.3)])
    found = check_effect(monthly, list(fixed), date(2026, 7, 1), months=3, expected={"volume": -0.3})
    assert found.method == SEASONAL  # two years of data: every reason has its own seasons
    volume = found.figures.row(0, named=True)
    assert volume["effect"] == pytest.approx(-0.3, rel=0.10)
    assert volume["realised"] == pytest.approx(1.0, rel=0.10)
    untouched = check_effect(monthly, ["report-fault"], date(2026, 7, 1), months=3)
    assert abs(untouched.figures.row(0, named=True)["effect"]) < 0.03
