"""Bad rows: every kind counted, located and explained; reject vs quarantine; nothing silently dropped."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.sources import Crosswalk, SourceError, SourceRejected, SourceSpec, load_source

HEADER = "klant,datum,kanaal,code,kosten,duur,nps,ces,csat,klacht"
CHANNELS = {"phone", "web", "app"}
CROSSWALK = Crosswalk({"FACT": "pay-bill", "ADR": "change-details", "TEST": "ignore"})
MAPPING = dict(
    zip(
        [
            "customer_id",
            "timestamp",
            "channel",
            "source_code",
            "cost",
            "handling_seconds",
            "nps",
            "ces",
            "csat",
            "complaint",
        ],
        HEADER.split(","),
        strict=True,
    )
)
ROWS = [  # line 2 onwards; the comment says what is wrong
    "k1,2026-01-05 10:00,phone,FACT,1.5,60,9,2,5,no",  # 2 good
    ",2026-01-05 10:00,phone,FACT,1.5,60,,,,no",  # 3 missing_customer_id
    "k3,05/01/2026,web,FACT,1,1,,,,no",  # 4 bad_timestamp
    "k4,,web,FACT,1,1,,,,no",  # 5 missing_timestamp
    "k5,2026-01-05 10:00,fone,FACT,1,1,,,,no",  # 6 unknown_channel (did you mean 'phone'?)
    "k6,2026-01-05 10:00,web,FACT,-2,1,,,,no",  # 7 negative_cost
    "k7,2026-01-05 10:00,web,FACT,1,1,11,0,6,no",  # 8 score_out_of_range ×3 (one row)
    "k8,2026-01-05 10:00,web,FACT,abc,1,,,,no",  # 9 not_a_number
    "k9,2026-01-05 10:00,web,FACT,1,1,7.5,,,misschien",  # 10 score_out_of_range, not_a_boolean
    "k10,2026-01-05 10:00,web,TEST,1,1,,,,no",  # 11 ignored
    "k11,2026-01-05 10:00,web,NEW,1,1,,,,no",  # 12 unmapped, kept
    "k11,2026-01-06 10:00,app,NEW,1,1,,,,no",  # 13 unmapped, kept
    "k12,2026-01-06 10:00,app,OLD,1,-5,,,,no",  # 14 negative_handling_seconds
    "k13,2026-01-06 10:00,app,,1,1,,,,no",  # 15 missing_source_code
    "k14,2026-01-06 10:00,,ADR,1,1,,,,yes",  # 16 missing_channel
]


def spec_for(path, **change) -> SourceSpec:
    return SourceSpec(**{**dict(id="calls", kind="csv", location=str(path), mapping=MAPPING), **change})


@pytest.fixture
def messy(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def test_reject_raises_with_every_kind_counted_and_located(messy):
    with pytest.raises(SourceRejected) as caught:
        load_source(spec_for(messy), channels=CHANNELS, crosswalk=CROSSWALK)
    report = caught.value.report
    assert report.counts == {
        "missing_customer_id": 1,
        "missing_timestamp": 1,
        "bad_timestamp": 1,
        "missing_channel": 1,
        "unknown_channel": 1,
        "missing_source_code": 1,
        "not_a_number": 1,
        "negative_cost": 1,
        "negative_handling_seconds": 1,
        "score_out_of_range": 4,
        "not_a_boolean": 1,
    }
    assert (report.rows_read, report.rows_bad, report.rows_ignored, report.rows_kept) == (15, 11, 1, 3)
    assert report.rows_quarantined == 0
    located = {kind: [(e.row, e.column, e.value) for e in p.examples] for kind, p in report.problems.items()}
    assert located["bad_timestamp"] == [(4, "datum", "05/01/2026")]
    assert located["score_out_of_range"] == [
        (8, "nps", "11"),
        (8, "ces", "0"),
        (8, "csat", "6"),
        (10, "nps", "7.5"),
    ]
    assert located["missing_customer_id"] == [(3, "klant", None)]
    message = str(caught.value)
    assert "rejected: 11 bad row(s) of 15" in message
    assert (
        f"{messy}, line 6, column 'kanaal': 'fone' is not a channel of the model (did you mean 'phone'?)"
        in message
    )


def test_quarantine_sets_bad_rows_aside_and_goes_on(messy, tmp_path):
    result = load_source(
        spec_for(messy, on_bad_rows="quarantine"),
        channels=CHANNELS,
        crosswalk=CROSSWALK,
        workspace_dir=tmp_path / "ws",
    )
    report = result.report
    kept = result.frame.collect()
    quarantine = pl.read_parquet(tmp_path / "ws" / "quarantine" / "calls.parquet")
    assert kept["customer_id"].to_list() == ["k1", "k11", "k11"]
    assert kept["reason"].to_list() == ["pay-bill", None, None]
    assert quarantine["source_row"].to_list() == [3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16]
    assert quarantine.columns == ["source_file", "source_row", *HEADER.split(","), "problem"]
    row_8 = quarantine.filter(pl.col("source_row") == 8)["problem"].item()
    assert row_8 == "score_out_of_range (nps): 11; score_out_of_range (ces): 0; score_out_of_range (csat): 6"
    # nothing silently dropped
    assert report.rows_read == kept.height + quarantine.height + report.rows_ignored == 15
    assert report.rows_quarantined == quarantine.height
    assert report.unmapped.rows() == [("NEW", 2, 1)]
    assert report.rows_unmapped == 2


def test_a_clean_load_removes_an_old_quarantine_file(messy, tmp_path):
    spec = spec_for(messy, on_bad_rows="quarantine")
    load_source(spec, channels=CHANNELS, crosswalk=CROSSWALK, workspace_dir=tmp_path)
    assert (tmp_path / "quarantine" / "calls.parquet").exists()
    messy.write_text(HEADER + "\n" + ROWS[0] + "\n", encoding="utf-8")
    report = load_source(spec, channels=CHANNELS, crosswalk=CROSSWALK, workspace_dir=tmp_path).report
    assert report.rows_bad == 0 and report.quarantine_path is None
    assert not (tmp_path / "quarantine" / "calls.parquet").exists()


def test_quarantine_without_a_workspace_is_refused(messy):
    with pytest.raises(SourceError, match="no workspace folder"):
        load_source(spec_for(messy, on_bad_rows="quarantine"), channels=CHANNELS, crosswalk=CROSSWALK)


def test_a_bad_constant_is_reported_once_about_the_spec(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("klant,datum,code\nk1,2026-01-05,FACT\n", encoding="utf-8")
    spec = SourceSpec(
        id="calls",
        kind="csv",
        location=str(path),
        constants={"channel": "fone"},
        mapping={"customer_id": "klant", "timestamp": "datum", "source_code": "code"},
    )
    with pytest.raises(SourceError, match="the constant channel='fone' is not a channel of the model"):
        load_source(spec, channels=CHANNELS)


def test_channel_map_translates_source_values(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("klant,datum,kanaal,code\nk1,2026-01-05,Telefoon,FACT\nk2,2026-01-05,web,FACT\n")
    spec = SourceSpec(
        id="calls",
        kind="csv",
        location=str(path),
        options={"channel_map": {"Telefoon": "phone"}},
        mapping={"customer_id": "klant", "timestamp": "datum", "source_code": "code", "channel": "kanaal"},
    )
    assert load_source(spec, channels=CHANNELS).frame.collect()["channel"].to_list() == ["phone", "web"]


FIELD = st.sampled_from
ROW = st.tuples(
    FIELD(["c1", "c2", ""]),
    FIELD(["2026-01-05 10:00", "junk", ""]),
    FIELD(["phone", "fax"]),
    FIELD(["FACT", "TEST", "NEW", "ODD"]),
    FIELD(["1.5", "-1", "x", ""]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, max_size=25))
def test_every_row_is_accounted_for(tmp_path_factory, rows):
    """An independent oracle in plain Python sorts each row; the load must agree and lose nothing."""
    folder = tmp_path_factory.mktemp("prop")
    path = folder / "calls.csv"
    path.write_text("klant,datum,kanaal,code,kosten\n" + "".join(",".join(r) + "\n" for r in rows))
    spec = SourceSpec(
        id="calls",
        kind="csv",
        location=str(path),
        on_bad_rows="quarantine",
        mapping={
            "customer_id": "klant",
            "timestamp": "datum",
            "channel": "kanaal",
            "source_code": "code",
            "cost": "kosten",
        },
    )
    crosswalk = dataclasses.replace(CROSSWALK)
    result = load_source(spec, channels=CHANNELS, crosswalk=crosswalk, workspace_dir=folder)

    def is_bad(r):
        return r[0] == "" or r[1] != "2026-01-05 10:00" or r[2] == "fax" or r[4] in ("-1", "x")

    real = [r for r in rows if any(r)]  # a fully blank line is not a row
    bad = [r for r in real if is_bad(r)]
    ignored = [r for r in real if not is_bad(r) and r[3] == "TEST"]
    kept = [r for r in real if not is_bad(r) and r[3] != "TEST"]
    report = result.report
    assert (report.rows_read, report.rows_bad, report.rows_ignored, report.rows_kept) == (
        len(real),
        len(bad),
        len(ignored),
        len(kept),
    )
    assert report.rows_unmapped == sum(r[3] in ("NEW", "ODD") for r in kept)
    assert result.frame.collect().height == len(kept)
    quarantine = folder / "quarantine" / "calls.parquet"
    assert (pl.read_parquet(quarantine).height if quarantine.exists() else 0) == len(bad)


def test_unchecked_load_keeps_exactly_the_rows_a_checked_load_keeps(tmp_path):
    from workbench.sources.load import load_source
    from workbench.sources.spec import SourceSpec

    csv = tmp_path / "c.csv"
    csv.write_text("id,ts,code,ch\na,2026-01-01T10:00:00Z,X,phone\n,2026-01-01T11:00:00Z,X,phone\n"
                   "b,garbage,X,web\nc,2026-01-02T10:00:00Z,Y,fax\nd,2026-01-03T10:00:00Z,X,web\n", encoding="utf-8")
    spec = SourceSpec(id="c", kind="csv", location=str(csv), on_bad_rows="quarantine",
                      mapping={"customer_id": "id", "timestamp": "ts", "source_code": "code", "channel": "ch"})
    checked = load_source(spec, channels={"phone", "web"}, workspace_dir=tmp_path)
    unchecked = load_source(spec, channels={"phone", "web"}, workspace_dir=tmp_path, check=False)
    assert unchecked.report is None and checked.report.rows_bad == 3
    assert unchecked.frame.collect()["customer_id"].to_list() == checked.frame.collect()["customer_id"].to_list() \
        == ["a", "d"]


@pytest.mark.parametrize(("channels", "hint"), [
    ({"phone", "web"}, "'chat' is not a channel of the model (the model's channels are phone, web)"),
    (set(), "'chat' is not a channel of the model (the model has no channels yet: add them on the Channels sheet"),
])
def test_an_unknown_channel_says_which_channels_there_are_or_how_to_add_them(tmp_path, channels, hint):
    path = tmp_path / "calls.csv"
    path.write_text(HEADER + "\nk1,2026-01-05 10:00,chat,FACT,1.5,60,9,2,5,no\n", encoding="utf-8")
    with pytest.raises(SourceRejected) as caught:
        load_source(spec_for(path), channels=channels, crosswalk=CROSSWALK)
    assert f"{path}, line 2, column 'kanaal': {hint}" in str(caught.value)
