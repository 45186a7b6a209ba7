"""The registry: sources and crosswalk persisted in the store; all sources as one canonical frame."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from workbench.sources import (
    Crosswalk,
    SourceRejected,
    SourceSpec,
    SpecError,
    add_source,
    contacts,
    get_crosswalk,
    list_sources,
    remove_source,
    set_crosswalk,
    set_mapping,
)
from workbench.sources.registry import UnknownSource
from workbench.store import Store

UTC = UTC


@pytest.fixture
def store(tmp_path, model):
    store = Store.create(f"sqlite:///{tmp_path}/wb.db", model)
    yield store
    store.close()


def calls_spec(tmp_path, **change) -> SourceSpec:
    path = tmp_path / "calls.csv"
    if not path.exists():
        path.write_text(
            "klant;datum;code;merk\n"
            "k1;2026-01-05 10:00;FACT;Alfa\n"
            "k2;2026-01-05 11:00;ADR;Beta\n"
            "k2;2026-01-05 12:00;TEST;Beta\n"
            "k3;2026-01-06 12:00;NEW;Alfa\n",
            encoding="utf-8",
        )
    base = dict(
        id="calls",
        kind="csv",
        location=str(path),
        options={"separator": ";"},
        mapping={"customer_id": "klant", "timestamp": "datum", "source_code": "code"},
        constants={"channel": "phone"},
        extra_dimensions=["merk"],
    )
    return SourceSpec(**{**base, **change})


def survey_spec(tmp_path) -> SourceSpec:
    path = tmp_path / "survey.parquet"
    pl.DataFrame(
        {
            "cust": ["k1", "k9"],
            "when": [datetime(2026, 1, 7), datetime(2026, 1, 8)],
            "code": ["FACT", "FACT"],
            "score": [10, 3],
        }
    ).write_parquet(path)
    return SourceSpec(
        id="nps-survey",
        kind="parquet",
        location=str(path),
        content="survey",
        mapping={"customer_id": "cust", "timestamp": "when", "source_code": "code", "nps": "score"},
        constants={"channel": "web"},
    )


def test_sources_round_trip(store, tmp_path):
    calls, survey = calls_spec(tmp_path), survey_spec(tmp_path)
    add_source(store, survey)
    add_source(store, calls)
    again = Store.open(store.url)
    assert list_sources(again) == [calls, survey]  # by id
    again.close()
    with pytest.raises(SpecError, match="already registered"):
        add_source(store, calls)
    add_source(store, calls_spec(tmp_path, on_bad_rows="quarantine"), replace=True)
    assert list_sources(store)[0].on_bad_rows == "quarantine"
    remove_source(store, "calls")
    assert [s.id for s in list_sources(store)] == ["nps-survey"]
    with pytest.raises(
        UnknownSource, match="no source 'nps-survy' is registered \\(did you mean 'nps-survey'\\?\\)"
    ):
        remove_source(store, "nps-survy")


def test_crosswalk_round_trip_and_single_mappings(store):
    crosswalk = Crosswalk(
        {"FACT": "pay-bill", "ADR": "change-details", "TEST": "ignore"}, {"TEST": "test calls"}
    )
    set_crosswalk(store, crosswalk)
    assert get_crosswalk(store) == crosswalk
    set_mapping(store, "NEW", "place-order", "new orders")
    set_mapping(store, "ADR", None)
    got = get_crosswalk(store)
    assert got.targets == {"FACT": "pay-bill", "NEW": "place-order", "TEST": "ignore"}
    assert got.notes == {"NEW": "new orders", "TEST": "test calls"}


def test_a_bad_target_writes_nothing(store):
    set_crosswalk(store, Crosswalk({"FACT": "pay-bill"}))
    with pytest.raises(ValueError, match="did you mean 'change-details'"):
        set_crosswalk(store, Crosswalk({"ADR": "change-detail", "NEW": "place-order"}))
    with pytest.raises(ValueError, match="'nope', which is not a contact reason"):
        set_mapping(store, "X", "nope")
    assert get_crosswalk(store) == Crosswalk({"FACT": "pay-bill"})


def test_contacts_unions_every_source_into_one_canonical_frame(store, tmp_path, model):
    add_source(store, calls_spec(tmp_path))
    add_source(store, survey_spec(tmp_path))
    set_crosswalk(store, Crosswalk({"FACT": "pay-bill", "ADR": "change-details", "TEST": "ignore"}))
    result = contacts(store, tmp_path, model)
    got = result.frame.collect().sort("timestamp")
    assert got.columns[:14] == [
        "customer_id",
        "timestamp",
        "channel",
        "reason",
        "source_code",
        "segment",
        "cost",
        "handling_seconds",
        "complaint",
        "resolved",
        "nps",
        "ces",
        "csat",
        "source",
    ]
    assert got.select("customer_id", "reason", "source", "nps", "merk").rows() == [
        ("k1", "pay-bill", "calls", None, "Alfa"),
        ("k2", "change-details", "calls", None, "Beta"),
        ("k3", None, "calls", None, "Alfa"),  # unmapped code: kept, reason null
        ("k1", "pay-bill", "nps-survey", 10, None),
        ("k9", "pay-bill", "nps-survey", 3, None),
    ]
    assert got["timestamp"][0] == datetime(2026, 1, 5, 10, tzinfo=UTC)
    assert result.reports["calls"].rows_ignored == 1
    assert result.reports["calls"].unmapped.rows() == [("NEW", 1, 1)]


def test_contacts_stops_on_a_rejected_source(store, tmp_path, model):
    add_source(store, calls_spec(tmp_path, constants={"channel": "phone"}))
    (tmp_path / "calls.csv").write_text("klant;datum;code;merk\n;2026-01-05;FACT;A\n")
    with pytest.raises(SourceRejected, match="missing_customer_id: 1"):
        contacts(store, tmp_path, model)


def test_contacts_of_no_sources_is_empty_but_canonical(store, tmp_path):
    got = contacts(store, tmp_path).frame.collect()
    assert got.height == 0 and got.columns[:3] == ["customer_id", "timestamp", "channel"]


@pytest.mark.postgres
def test_round_trip_on_postgresql(pg_url, tmp_path, model):
    store = Store.create(pg_url, model)
    try:
        add_source(store, calls_spec(tmp_path))
        set_crosswalk(store, Crosswalk({"FACT": "pay-bill", "TEST": "ignore"}))
        assert list_sources(store) == [calls_spec(tmp_path)]
        assert get_crosswalk(store) == Crosswalk({"FACT": "pay-bill", "TEST": "ignore"})
        assert contacts(store, tmp_path, model).frame.collect().height == 3
    finally:
        store.close()


def test_crosswalk_follows_merged_and_deleted_reasons(tmp_path):
    from model_fixtures import small_model

    from workbench.sources.crosswalk import Crosswalk
    from workbench.sources.registry import get_crosswalk, set_crosswalk
    from workbench.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws", model=small_model())
    set_crosswalk(ws.store, Crosswalk({"ORD": "place-order", "FLT": "report-fault", "BILL": "pay-bill",
                                       "TEST": "ignore"}))
    base = ws.load()
    new = base.copy()
    new.merge_reasons("place-order", "change-details")   # join-2 now links to change-details
    new.delete_reason("report-fault")                    # linked by nothing: no successor
    ws.commit(new, base=base)
    assert get_crosswalk(ws.store).targets == {"ORD": "change-details", "BILL": "pay-bill", "TEST": "ignore"}
    ws.close()


def test_codes_of_a_reason_no_journey_uses_follow_its_merge(tmp_path):
    from model_fixtures import small_model

    from workbench.model import ContactReason
    from workbench.sources.crosswalk import Crosswalk
    from workbench.sources.registry import get_crosswalk, set_crosswalk
    from workbench.workspace import Workspace

    model = small_model().add(ContactReason("ask-question", "using", "I ask a question"))
    ws = Workspace.create(tmp_path / "ws", model=model)
    set_crosswalk(ws.store, Crosswalk({"Q": "ask-question", "Q2": "ask-question"}))
    base = ws.load()
    new = base.copy()
    new.merge_reasons("ask-question", "change-details")  # no step, process or system links it
    ws.commit(new, base=base)
    assert get_crosswalk(ws.store).targets == {"Q": "change-details", "Q2": "change-details"}
    ws.close()


def test_model_and_crosswalk_change_in_one_transaction(tmp_path):
    from model_fixtures import small_model

    from workbench.sources.crosswalk import Crosswalk
    from workbench.sources.registry import get_crosswalk, set_crosswalk
    from workbench.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws", model=small_model())
    set_crosswalk(ws.store, Crosswalk({"FLT": "report-fault"}))
    base = ws.load()
    new = base.copy()
    new.merge_reasons("report-fault", "pay-bill")

    def fail(conn):
        raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError):
        ws.store.commit(new, base=base, also=fail)
    assert "report-fault" in ws.load().reasons  # the model was not saved either
    assert get_crosswalk(ws.store).targets == {"FLT": "report-fault"}
    ws.close()
