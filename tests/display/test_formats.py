"""Number formats and colour scales shared by the dashboard, the snapshot and the command line."""

from __future__ import annotations

from workbench.display.formats import DIVERGING, GREY, SEQUENTIAL, format_kpi, kpi_colour, numeral_format


def test_format_kpi_units():
    assert [format_kpi("volume", 1234567), format_kpi("share", 0.5), format_kpi("cost", 12.6),
            format_kpi("nps", 33.3), format_kpi("nps", float("nan")), format_kpi("my_custom", 2.5)] == \
        ["1,234,567", "50.0%", "€13", "+33", "–", "2.5"]  # a total cost in whole euros


def test_kpi_colour_direction_and_missing():
    # CES: higher is better → the highest value gets the good (blue) end; volume has no direction: blues.
    assert kpi_colour("ces", [1.0, 7.0, None]) == [DIVERGING[0], DIVERGING[-1], GREY]
    assert kpi_colour("cost_per_contact", [1.0, 7.0]) == [DIVERGING[-1], DIVERGING[0]]
    assert kpi_colour("volume", [0, 10]) == [SEQUENTIAL[0], SEQUENTIAL[-1]]
    assert kpi_colour("nps", [None, None]) == [GREY, GREY]



def test_one_table_gives_the_python_and_the_browser_format():
    assert [numeral_format(k) for k in ("volume", "repeat_rate", "nps", "aht", "ces")] == \
        ["0,0", "0.0%", "+0", "0,0", "0.00"]
