"""CSV sources: BOM, ';' and decimal commas, other encodings, a broken encoding, globs, missing columns."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from workbench.sources import Crosswalk, SourceError, SourceSpec, load_source

UTC = UTC
MAPPING = {
    "customer_id": "KlantNr",
    "timestamp": "Datum",
    "channel": "Kanaal",
    "source_code": "Reden",
    "cost": "Kosten",
    "handling_seconds": "Duur",
    "complaint": "Klacht",
}
CHANNELS = {"phone", "web", "app"}


def dutch_spec(location, **change) -> SourceSpec:
    base = dict(
        id="calls",
        kind="csv",
        location=str(location),
        mapping=MAPPING,
        timezone="Europe/Amsterdam",
        timestamp_format="%d-%m-%Y %H:%M",
        options={"separator": ";", "decimal_comma": True},
        extra_dimensions=["merk"],
    )
    return SourceSpec(**{**base, **change})


DUTCH = (
    "KlantNr;Datum;Kanaal;Reden;Kosten;Duur;Klacht;merk\n"
    "K1;05-01-2026 10:00;phone;FACT;1,50;120;ja;Alfa\n"
    "K2;01-07-2026 10:00;web;ADR;0,25;30,5;nee;Beta\n"
)


def test_bom_semicolons_and_decimal_commas(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes(b"\xef\xbb\xbf" + DUTCH.encode("utf-8"))
    result = load_source(
        dutch_spec(path),
        channels=CHANNELS,
        crosswalk=Crosswalk({"FACT": "pay-bill", "ADR": "change-details"}),
    )
    got = result.frame.collect()
    assert got.columns[:13] == [
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
    ]
    assert got["customer_id"].to_list() == ["K1", "K2"]  # the BOM did not end up in the first header
    # 10:00 in Amsterdam is 09:00 UTC in winter (CET, +1) and 08:00 UTC in summer (CEST, +2)
    assert got["timestamp"].to_list() == [
        datetime(2026, 1, 5, 9, tzinfo=UTC),
        datetime(2026, 7, 1, 8, tzinfo=UTC),
    ]
    assert got["cost"].to_list() == [1.5, 0.25]
    assert got["handling_seconds"].to_list() == [120.0, 30.5]
    assert got["complaint"].to_list() == [True, False]
    assert got["reason"].to_list() == ["pay-bill", "change-details"]
    assert got["merk"].to_list() == ["Alfa", "Beta"]
    assert result.report.rows_read == result.report.rows_kept == 2


def test_cp1252_file_read_with_the_encoding_option(tmp_path):
    path = tmp_path / "calls.csv"
    text = DUTCH.replace("Alfa", "Café").replace("Beta", "Œuvre €")
    path.write_bytes(text.encode("cp1252"))
    spec = dutch_spec(path, options={"separator": ";", "decimal_comma": True, "encoding": "cp1252"})
    got = load_source(spec, channels=CHANNELS).frame.collect()
    assert got["merk"].to_list() == ["Café", "Œuvre €"]


@pytest.mark.parametrize("given", [None, "utf-8"])
def test_broken_encoding_names_file_byte_and_line(tmp_path, given):
    """UTF-8 text ('Crème') then a byte that is not UTF-8: a file mixing encodings, not a cp1252 file."""
    path = tmp_path / "calls.csv"
    data = (DUTCH.replace("Alfa", "Crème").encode("utf-8")
            + b"K3;06-01-2026 10:00;web;ADR;1;1;ja;Caf" + b"\xe9\n")
    path.write_bytes(data)
    offset = data.index(b"\xe9")
    options = {"separator": ";", "decimal_comma": True, **({"encoding": given} if given else {})}
    with pytest.raises(SourceError) as caught:
        load_source(dutch_spec(path, options=options), channels=CHANNELS)
    message = str(caught.value)
    assert str(path) in message
    assert f"at byte {offset} (line 4)" in message
    assert "'encoding'" in message
    assert ("mixes two encodings" in message) == (given is None)


def test_broken_encoding_found_across_read_chunks(tmp_path):
    from workbench.sources.connectors import check_encoding

    path = tmp_path / "big.csv"
    data = ("a,b\n" + "x,é\n" * 1000).encode() + b"\xff\n"
    path.write_bytes(data)
    with pytest.raises(SourceError, match=f"at byte {len(data) - 2} \\(line 1002\\)"):
        check_encoding(path, "utf-8", chunk_size=7)  # chunks split the two-byte 'é' many times


def test_glob_reads_every_file_and_locates_rows_per_file(tmp_path):
    (tmp_path / "jan.csv").write_text(DUTCH, encoding="utf-8")
    (tmp_path / "feb.csv").write_text(DUTCH.replace("phone", "fax"), encoding="utf-8")
    spec = dutch_spec(tmp_path / "*.csv", on_bad_rows="quarantine")
    result = load_source(spec, channels=CHANNELS, workspace_dir=tmp_path / "ws")
    assert result.report.rows_read == 4 and result.report.rows_kept == 3
    [example] = result.report.problems["unknown_channel"].examples
    assert (example.file, example.row, example.column, example.value) == (
        str(tmp_path / "feb.csv"),
        2,
        "Kanaal",
        "fax",
    )


def test_missing_column_is_named_with_a_suggestion(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(DUTCH.replace("Reden", "Redenen"), encoding="utf-8")
    with pytest.raises(
        SourceError, match=r"no column 'Reden' \(mapped to source_code\) \(did you mean 'Redenen'\?\)"
    ):
        load_source(dutch_spec(path), channels=CHANNELS)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(SourceError, match="nothing.csv"):
        load_source(dutch_spec(tmp_path / "nothing.csv"), channels=CHANNELS)


def test_iso_timestamps_with_and_without_offset(tmp_path):
    path = tmp_path / "iso.csv"
    path.write_text(
        "id,ts,code\n"
        "a,2026-01-05T10:00:00Z,X\n"  # UTC
        "b,2026-01-05 10:00:00+02:00,X\n"  # offset → 08:00 UTC
        "c,2026-01-05 10:00:00.5,X\n"  # local Amsterdam → 09:00:00.5 UTC
        "d,2026-01-05,X\n"  # a date: local midnight → 23:00 UTC the day before
        "e,2026-03-29 02:30,X\n",
        encoding="utf-8",
    )  # does not exist in Amsterdam (DST gap)
    spec = SourceSpec(
        id="iso",
        kind="csv",
        location=str(path),
        on_bad_rows="quarantine",
        mapping={"customer_id": "id", "timestamp": "ts", "source_code": "code"},
        constants={"channel": "web"},
        timezone="Europe/Amsterdam",
    )
    result = load_source(spec, channels=CHANNELS, workspace_dir=tmp_path)
    assert result.frame.collect()["timestamp"].to_list() == [
        datetime(2026, 1, 5, 10, tzinfo=UTC),
        datetime(2026, 1, 5, 8, tzinfo=UTC),
        datetime(2026, 1, 5, 9, 0, 0, 500000, tzinfo=UTC),
        datetime(2026, 1, 4, 23, tzinfo=UTC),
    ]
    [gap] = result.report.problems["bad_timestamp"].examples
    assert (gap.row, gap.value) == (6, "2026-03-29 02:30")
    assert pl.read_parquet(tmp_path / "quarantine" / "iso.parquet")["ts"].to_list() == ["2026-03-29 02:30"]
