"""The home page on the hand-made session: cards with change, the sample-size guard, the grid, escaping."""

from __future__ import annotations

import panel as pn

from workbench.ui.home import HomePage, change_text, sparkline


def _html(layout) -> str:
    return "".join(str(p.object) for p in layout.select(pn.pane.HTML))


def test_cards_compare_february_with_january_and_grey_small_samples(ui_session):
    text = _html(HomePage(session=ui_session)._view())
    assert "February 2026, compared with January 2026" in text
    # February: 6 contacts (January 4): +50.0 %; NPS on 5 answers is shown greyed with its n
    assert ">6<" in text and "+50.0%" in text
    assert "n = 5" in text and "color:#8a8f98" in text
    assert "<polyline" in text  # the sparkline of the two months


def test_the_grid_lists_every_stage_and_says_what_is_missing(ui_session):
    text = _html(HomePage(session=ui_session)._view())
    assert "Becoming a customer" in text and "Being a customer" in text
    assert "Financial figures need a customers table" in text


def test_user_text_is_escaped(ui_session):
    text = _html(HomePage(session=ui_session)._view())
    assert "<script>" not in text
    assert pn.panel(HomePage(session=ui_session)).get_root() is not None


def test_change_words_and_sparkline():
    assert change_text("volume", 0.5) == "+50.0%" and change_text("repeat_rate", -0.02) == "-2.0 pp"
    assert change_text("nps", 3.0) == "+3 points" and change_text("nps", None) == ""
    assert sparkline([1.0]) == "" and sparkline([1.0, None, 3.0]).count(",") == 2
