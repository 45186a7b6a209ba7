"""CSV sources without ceremony: encoding and separator found, columns mapped by their names, all reported."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime

import pytest

from workbench.sources import Crosswalk, SourceError, SourceSpec, load_source
from workbench.sources.textfile import TextFileError, prepare_csv

CHANNELS = {"phone", "web", "app"}
CANONICAL = (
    "customer_id;timestamp;channel;source_code;segment;cost\n"
    "c1;2026-03-01 10:00;phone;FACT;families;2\n"
    "c2;2026-03-02T11:30:00Z;web;ADR;seniors;0.5\n"
)
#: A Dutch export: every header an alias, a brand column nobody asked for, a decimal comma.
DUTCH = (
    "Klantnummer;Datum;Kanaal;Reden;Kosten;Duur;Klacht;Opgelost;NPS;Merk\n"
    "K1;2026-01-05 10:00;phone;FACT;1,50;120;ja;nee;9;Café\n"
    "K2;2026-07-01 10:00;web;ADR;0,25;30,5;nee;ja;;Œuvre\n"
)


def bare(path, **change) -> SourceSpec:
    """A spec that says only what kind of file it is and where."""
    return SourceSpec(**{"id": "calls", "kind": "csv", "location": str(path), **change})


def test_semicolon_csv_with_canonical_names_needs_no_mapping_or_option(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(CANONICAL, encoding="utf-8")
    result = load_source(bare(path), channels=CHANNELS, crosswalk=Crosswalk({"FACT": "pay-bill"}))
    got = result.frame.collect()
    assert got["customer_id"].to_list() == ["c1", "c2"]
    assert got["timestamp"].to_list() == [datetime(2026, 3, 1, 10, tzinfo=UTC),
                                          datetime(2026, 3, 2, 11, 30, tzinfo=UTC)]
    assert got["segment"].to_list() == ["families", "seniors"]
    assert got["cost"].to_list() == [2.0, 0.5]
    assert got["reason"].to_list() == ["pay-bill", None]
    report = str(result.report)
    assert "read: encoding UTF-8 (detected), separator ';' (detected)" in report
    assert "columns: customer_id, timestamp, channel, source_code, segment, cost (same name)" in report


@pytest.mark.parametrize(("encoding", "bom", "named"), [
    ("cp1252", b"", "cp1252"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16 with BOM"),
    ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16 with BOM"),
    ("utf-16-le", b"", "UTF-16 LE"),
    ("utf-8", codecs.BOM_UTF8, "UTF-8 with BOM"),
])
def test_dutch_file_in_any_usual_encoding_reads_the_same(tmp_path, encoding, bom, named):
    path = tmp_path / "calls.csv"
    path.write_bytes(bom + DUTCH.encode(encoding))
    spec = bare(path, options={"decimal_comma": True}, extra_dimensions=["Merk"])
    result = load_source(spec, channels=CHANNELS, workspace_dir=tmp_path / "ws")
    got = result.frame.collect()
    assert got["customer_id"].to_list() == ["K1", "K2"]  # no byte-order mark in the first header
    assert got["Merk"].to_list() == ["Café", "Œuvre"]
    assert got["cost"].to_list() == [1.5, 0.25]
    assert got["handling_seconds"].to_list() == [120.0, 30.5]
    assert got["complaint"].to_list() == [True, False] and got["resolved"].to_list() == [False, True]
    assert got["nps"].to_list() == [9, None]
    assert result.report.detected == (f"encoding {named} (detected), separator ';' (detected)",)


def test_dutch_headers_map_by_alias_and_the_report_says_how(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(DUTCH, encoding="utf-8")
    result = load_source(bare(path, options={"decimal_comma": True}), channels=CHANNELS)
    assert result.columns.mapping == {
        "customer_id": "Klantnummer", "timestamp": "Datum", "channel": "Kanaal", "source_code": "Reden",
        "cost": "Kosten", "handling_seconds": "Duur", "complaint": "Klacht", "resolved": "Opgelost", "nps": "NPS"}
    assert result.report.columns == (
        "columns: nps (same name); customer_id ← 'Klantnummer', timestamp ← 'Datum', channel ← 'Kanaal', "
        "source_code ← 'Reden', cost ← 'Kosten', handling_seconds ← 'Duur', complaint ← 'Klacht', "
        "resolved ← 'Opgelost' (alias); not used: Merk")


def test_an_explicit_mapping_wins_over_a_name(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("customer_id,klant,timestamp,channel,code,reden\n"
                    "x1,k1,2026-01-05,web,C1,R1\n", encoding="utf-8")
    spec = bare(path, mapping={"customer_id": "klant", "source_code": "reden"})
    result = load_source(spec, channels=CHANNELS)
    got = result.frame.collect()
    assert (got["customer_id"].item(), got["source_code"].item()) == ("k1", "R1")
    assert "customer_id ← 'klant', source_code ← 'reden' (mapped)" in result.report.columns
    assert result.report.columns.endswith("not used: customer_id, code")


def test_names_compare_without_case_or_punctuation(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("Customer ID,Time Stamp,CHANNEL,Reason-Code,Handling Time\nc1,2026-01-05,web,X,60\n")
    result = load_source(bare(path), channels=CHANNELS)
    assert result.columns.mapping == {"customer_id": "Customer ID", "timestamp": "Time Stamp", "channel": "CHANNEL",
                                      "source_code": "Reason-Code", "handling_seconds": "Handling Time"}


def test_two_columns_that_could_be_the_timestamp_map_neither(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("klant;datum;tijd;kanaal;code\nk1;2026-01-05;10:00;web;X\n")
    with pytest.raises(SourceError) as caught:
        load_source(bare(path), channels=CHANNELS)
    assert str(caught.value) == (f"{path}: timestamp could be 'datum' or 'tijd': choose with "
                                 "`--map timestamp=COLUMN`. The columns are: klant, datum, tijd, kanaal, code")


def test_a_missing_required_column_says_what_to_add(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("klant,datum,code\nk1,2026-01-05,X\n")
    with pytest.raises(SourceError) as caught:
        load_source(bare(path), channels=CHANNELS)
    assert str(caught.value) == (
        f"{path}: no column for channel: none is named so (or by a usual alias); map one with "
        "`--map channel=COLUMN` or give a constant (`--const channel=phone`). The columns are: klant, datum, code")
    survey = bare(path, content="survey", constants={"channel": "web"})
    with pytest.raises(SourceError, match="a survey source needs at least one of nps, ces, csat"):
        load_source(survey, channels=CHANNELS)


@pytest.mark.parametrize(("text", "given", "said"), [
    ("customer;timestamp;channel;code\nc1;2026-01-05;web;X\n", ",",
     "the header reads as one column ('customer;timestamp;channel;code'), so the separator is probably ';': "
     "add `--option separator=;`"),
    ("customer\ttimestamp\tchannel\tcode\nc1\t2026-01-05\tweb\tX\n", ";",
     "the header reads as one column ('customer\\ttimestamp\\tchannel\\tcode'), so the separator is probably "
     "tab: add `--option separator=tab`"),
])
def test_a_wrong_separator_gives_the_option_to_add(tmp_path, text, given, said):
    path = tmp_path / "calls.csv"
    path.write_text(text)
    with pytest.raises(SourceError) as caught:
        load_source(bare(path, options={"separator": given}), channels=CHANNELS)
    assert str(caught.value) == f"{path}: {said}"
    mapped = bare(path, options={"separator": given}, mapping={"customer_id": "customer"})
    with pytest.raises(SourceError) as caught:  # a mapped column that is not there: the same hint, after
        load_source(mapped, channels=CHANNELS)
    assert str(caught.value).endswith(said)


def test_tab_separator_detected_or_given_as_tab(tmp_path):
    path = tmp_path / "calls.tsv"
    path.write_text("customer\ttimestamp\tchannel\tcode\nc1\t2026-01-05\tweb\tX,Y\n")
    for options in ({}, {"separator": "tab"}):
        got = load_source(bare(path, options=options), channels=CHANNELS).frame.collect()
        assert got["source_code"].to_list() == ["X,Y"]


def test_separator_is_the_one_that_splits_every_line_alike(tmp_path):
    """The header has as many commas as semicolons; only ';' splits the data lines the same way."""
    path = tmp_path / "calls.csv"
    path.write_text("a,b;c,d;e\n1;2,5;3\n4;5;6\n")
    assert prepare_csv(path).separator == ";"
    assert prepare_csv(path).header == ("a,b", "c,d", "e")


def test_cp1252_is_only_guessed_when_nothing_before_was_utf8(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes("klant;merk\nk1;Crème\n".encode() + "k2;Brûlée\n".encode("cp1252"))
    with pytest.raises(TextFileError, match="mixes two encodings"):
        prepare_csv(path)
    path.write_bytes(b"klant;merk\nk1;Creme\n" + "k2;Brûlée €\n".encode("cp1252"))
    assert prepare_csv(path, scratch=tmp_path / "copies").encoding == "cp1252"


def test_a_copy_is_made_once_and_replaced_when_the_file_changes(tmp_path):
    path, copies = tmp_path / "calls.csv", tmp_path / "copies"
    path.write_bytes("klant;merk\nk1;Café\n".encode("cp1252"))
    first = prepare_csv(path, scratch=copies)
    assert first.path.parent == copies and first.path.read_text(encoding="utf-8") == "klant;merk\nk1;Café\n"
    mtime = first.path.stat().st_mtime_ns
    assert prepare_csv(path, scratch=copies).path.stat().st_mtime_ns == mtime  # reused
    path.write_bytes("klant;merk\nk1;Crème brûlée\n".encode("cp1252"))
    second = prepare_csv(path, scratch=copies)
    assert second.path != first.path and not first.path.exists()
    assert second.path.read_text(encoding="utf-8") == "klant;merk\nk1;Crème brûlée\n"
