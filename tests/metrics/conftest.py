"""Small hand-checkable contact fixtures for the metrics tests."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from workbench.metrics import Dimensions
from workbench.sources.canonical import conform


def contacts(*rows: tuple, **columns: list) -> pl.LazyFrame:
    """Canonical contacts from ``(customer, "YYYY-MM-DD[THH:MM]", reason)`` tuples plus extra columns."""
    stamps = [dt.datetime.fromisoformat(r[1]).replace(tzinfo=dt.UTC) for r in rows]
    base = {"customer_id": [r[0] for r in rows], "timestamp": stamps, "reason": [r[2] for r in rows],
            "channel": ["phone"] * len(rows), "source_code": [r[2] for r in rows]}
    return conform(pl.DataFrame({**base, **columns}))


@pytest.fixture
def make_contacts():
    """The ``contacts`` builder (a fixture, since test folders have no ``__init__``)."""
    return contacts


@pytest.fixture
def dims() -> Dimensions:
    return Dimensions.build(
        reasons={"bill": ("pay", "being"), "move": ("change", "being"), "join": ("signup", "becoming")},
        journeys={"moving": ["move", "bill"], "billing": ["bill"], "starting": ["join"]},
        processes={"invoicing": ["bill"]},
        systems={"crm": ["move", "join", "bill"], "erp": ["bill"]},
        channels={"phone": False, "app": True, "shop": False},
    )


@pytest.fixture
def events() -> pl.LazyFrame:
    """Eight contacts; every figure used in the tests is worked out in the comments."""
    return contacts(
        ("a", "2026-01-05", "bill"), ("a", "2026-01-07", "bill"),   # a/bill: Jan 5 repeated (2 days)
        ("a", "2026-01-20", "bill"), ("b", "2026-01-06", "bill"),   # Jan 7 not (13 days); b alone
        ("b", "2026-02-01", "move"), ("c", "2026-02-03", "move"),
        ("c", "2026-02-09", "move"), ("d", "2026-03-15", "join"),   # c/move: Feb 3 repeated (6 days)
        channel=["phone", "app", "phone", "shop", "app", "phone", "app", "app"],
        segment=["priv", "priv", "priv", "biz", "biz", "priv", "priv", "biz"],
        cost=[2.0, 1.0, 2.0, 5.0, 1.0, 3.0, None, 1.0],
        handling_seconds=[60.0, 30.0, 90.0, 120.0, 30.0, 300.0, None, 10.0],
        complaint=[False, False, True, False, False, True, False, None],
        resolved=[True, False, True, True, True, False, True, True],
        nps=[10, None, 3, 9, None, 6, 8, 10],
        ces=[7, None, None, 2, 6, None, None, None],
        csat=[5, 4, 2, None, None, 1, None, 3],
        brand=["x", "x", "y", "y", "x", "x", "y", "x"],
    )
