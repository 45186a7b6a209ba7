"""Segment profiles and cards on the hand-made session (figures worked out by hand from its ten contacts)."""

from __future__ import annotations

import dataclasses

import panel as pn
import pytest

from workbench.ui.segments import SegmentCards


def test_profiles_of_the_hand_made_contacts(ui_session):
    out = {r["segment"]: r for r in ui_session.data.segment_profiles().iter_rows(named=True)}
    families, seniors = out["families"], out["seniors"]
    # families: c1 ×2, c3, c4 ×2, c7 = 6 contacts from 4 customers
    assert (families["volume"], families["customers"]) == (6, 4)
    assert families["contacts_per_customer"] == pytest.approx(1.5)
    # answers 9, 3, 7, 10, 6: promoters 2, detractors 2 of 5 → NPS 0
    assert families["nps_responses"] == 5 and families["nps"] == pytest.approx(0.0)
    # app, web, web of 6 contacts are digital
    assert families["digital_share"] == pytest.approx(0.5)
    assert families["top_reasons"] == [{"id": "pay-bill", "share": pytest.approx(3 / 6)},
                                       {"id": "compare-offers", "share": pytest.approx(2 / 6)},
                                       {"id": "place-order", "share": pytest.approx(1 / 6)}]
    assert [t["id"] for t in families["top_channels"]] == ["phone", "web", "app"]
    # seniors: 4 contacts from 3 customers; answers 10, 0, 10, 10 → (3 - 1) / 4 = +50
    assert (seniors["volume"], seniors["customers"], seniors["nps"]) == (4, 3, pytest.approx(50.0))
    assert seniors["digital_share"] == pytest.approx(0.75)
    # ties (pay-bill and place-order, one contact each) are broken by id
    assert [t["id"] for t in seniors["top_reasons"]] == ["change-details", "pay-bill", "place-order"]
    assert seniors["share_of_base"] is None  # no customers table


def test_the_segment_filter_does_not_hide_the_other_segments(ui_session):
    from workbench.dataset import Filters

    picked = ui_session.data.segment_profiles(Filters(segment="families"))
    assert sorted(picked["segment"]) == ["families", "seniors"]


def test_cards_show_stated_beside_computed_and_escape_what_the_team_wrote(ui_session):
    model = ui_session.model.copy()
    model.segments["families"] = dataclasses.replace(
        model.segments["families"], needs_and_wants="<img src=x onerror=alert(1)>", money_spent=95.0,
        favourite_channels=("web",))
    ui_session.can_edit = True
    assert ui_session.save(model, what="segment"), ui_session.message
    session = ui_session
    text = "".join(str(p.object) for p in pn.panel(SegmentCards(session=session)._view()).select(pn.pane.HTML))
    assert "<img" not in text and "&lt;img src=x" in text
    assert "6 from 4 customers (1.5 each)" in text
    assert "€95" in text and "no customers table" in text and "stated: Website" in text
    # five answers are too few for an NPS (the default minimum is 30)
    assert text.count("too few answers") == 2
