"""SourceSpec: JSON round trip and the problems a user can make when declaring a source."""

from __future__ import annotations

import json

import pytest

from workbench.sources.spec import SourceSpec, SpecError

CALLS = {"customer_id": "KlantNr", "timestamp": "Datum", "source_code": "Reden"}


def test_round_trips_through_json():
    spec = SourceSpec(
        id="callcentre",
        kind="csv",
        location="data/calls/*.csv",
        mapping={**CALLS, "brand": "Merk"},
        constants={"channel": "phone"},
        timestamp_format="%d-%m-%Y %H:%M",
        timezone="Europe/Amsterdam",
        options={"separator": ";", "decimal_comma": True},
        extra_dimensions=["brand", "country"],
        on_bad_rows="quarantine",
        content="contacts",
    )
    again = SourceSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again == spec
    assert again.extra_dimensions == ("brand", "country")
    assert again.source_column("brand") == "Merk" and again.source_column("country") == "country"


def test_xes_defaults_map_case_and_activity():
    spec = SourceSpec(
        id="helpdesk",
        kind="xes",
        location="x.xes.gz",
        constants={"channel": "web"},
        options={"customer": "customer"},
    )
    assert spec.effective_mapping == {
        "customer_id": "customer",
        "timestamp": "timestamp",
        "source_code": "activity",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mapping": {**CALLS, "custmer_id": "X"}}, "'custmer_id' is neither a canonical column"),
        ({"mapping": {**CALLS, "custmer_id": "X"}}, "did you mean 'customer_id'"),
        ({"id": "Call Centre"}, "slug like 'call-centre'"),
        ({"kind": "cvs"}, "did you mean 'csv'"),
        ({"timezone": "Europe/Amsterdm"}, "not an IANA time zone"),
        ({"options": {"seperator": ";"}}, "did you mean 'separator'"),
        ({"on_bad_rows": "drop"}, "on_bad_rows 'drop'"),
        ({"mapping": {**CALLS, "reason": "R"}}, "'reason' comes from the crosswalk"),
    ],
)
def test_refuses_a_bad_spec_with_a_clear_message(change, message):
    data = {
        "id": "calls",
        "kind": "csv",
        "location": "c.csv",
        "mapping": CALLS,
        "constants": {"channel": "phone"},
        **change,
    }
    with pytest.raises(SpecError, match="source") as caught:
        SourceSpec.from_dict(data)
    assert message in str(caught.value)


def test_sql_needs_a_table_or_a_query():
    with pytest.raises(SpecError, match="exactly one of the options 'table' or 'query'"):
        SourceSpec(id="db", kind="sql", location="sqlite://", mapping=CALLS, constants={"channel": "web"})


def test_unknown_field_is_refused():
    with pytest.raises(SpecError, match="did you mean 'timezone'"):
        SourceSpec.from_dict({"id": "a", "kind": "csv", "location": "a.csv", "time_zone": "UTC"})
