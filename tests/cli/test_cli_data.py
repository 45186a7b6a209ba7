"""The measure and prioritise commands on a small demo workspace, checked against direct Polars queries."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.demo import build_demo
from workbench.workspace import Workspace

runner = CliRunner()


def run(*args: str | Path, code: int = 0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, f"exit {result.exit_code}:\n{result.output}\n{result.exception!r}"
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "ws"
    build_demo(path, events=30_000, seed=3).close()
    return path


def _raw(demo: Path) -> pl.DataFrame:
    """The generated contacts with the crosswalk applied by hand (the independent side of the checks)."""
    ws = Workspace.open(demo)
    from workbench.sources.registry import get_crosswalk

    targets = get_crosswalk(ws.store).targets
    raw = pl.read_parquet(demo / "data" / "contacts", hive_partitioning=True)
    return raw.with_columns(pl.col("source_code").replace_strict(targets, default=None).alias("reason")).filter(
        pl.col("reason").ne_missing("ignore"))  # unmapped codes (null reason) are kept, ignored ones are not


def test_metrics_by_channel_match_a_direct_count(demo, tmp_path):
    out = tmp_path / "by-channel.csv"
    run("metrics", demo, "--by", "channel", "--kpi", "volume", "--kpi", "nps", "--out", out)
    got = pl.read_csv(out).sort("channel")
    raw = _raw(demo)
    expected = raw.group_by("channel").agg(
        pl.len().alias("volume"),
        (100 * ((pl.col("nps") >= 9).sum().cast(pl.Int64) - (pl.col("nps") <= 6).sum().cast(pl.Int64))
         / pl.col("nps").is_not_null().sum()).alias("nps")).sort("channel")
    assert got["volume"].to_list() == expected["volume"].to_list()
    assert got["nps"].to_list() == pytest.approx(expected["nps"].to_list())
    assert "channel_label" in got.columns and "Phone" in got["channel_label"].to_list()


def test_metrics_unknown_dimension_is_a_usage_error(demo):
    assert "did you mean 'channel'" in run("metrics", demo, "--by", "chanel", code=2).output.lower()


def test_crosswalk_reports_unmapped_codes_by_volume(demo):
    output = run("crosswalk", demo, "--unmapped").output
    raw = pl.read_parquet(demo / "data" / "contacts", hive_partitioning=True)
    biggest = raw.filter(pl.col("source_code").str.starts_with("MISC_") | (pl.col("source_code") == "OLD_CRM"))[
        "source_code"].value_counts(sort=True).row(0)
    assert biggest[0] in output and f"{biggest[1]:,}" in output


def test_crosswalk_set_refuses_an_unknown_reason(demo):
    before = run("crosswalk", demo).output
    assert "did you mean" in run("crosswalk", demo, "--set", "MISC_07=pay-bil", code=1).output
    assert run("crosswalk", demo).output == before


def test_sources_list_and_check(demo):
    assert "demo-contacts" in run("sources", "list", demo).output
    output = run("sources", "check", demo).output
    assert "rows read" in output.lower() or "read" in output


def test_sources_add_a_csv_with_bad_rows_is_refused_and_not_registered(demo, tmp_path):
    csv = tmp_path / "calls.csv"
    csv.write_bytes("\ufeffKlant;Datum;Reden\nc1;2026-03-01 10:00;BILL_Q\nc2;not a date;BILL_Q\n".encode())
    result = run("sources", "add", demo, "--id", "calls", "--kind", "csv", "--location", csv,
                 "--map", "customer_id=Klant", "--map", "timestamp=Datum", "--map", "source_code=Reden",
                 "--const", "channel=phone", "--option", "separator=;", code=1)
    assert "calls.csv" in result.output and "not a date" in result.output
    assert "calls" not in run("sources", "list", demo).output.split("demo-contacts")[1]


def test_priorities_rank_and_explain(demo, tmp_path):
    out = tmp_path / "prio.parquet"
    output = run("priorities", demo, "--top", "5", "--out", out).output
    frame = pl.read_parquet(out)
    assert frame["rank"].to_list() == list(range(1, frame.height + 1))
    assert frame["score"].is_sorted(descending=True)
    first = frame.row(0, named=True)
    assert first["label"] in output and "ranks 1st" in output
    contributions = sum(v for k, v in first.items() if k.startswith("contribution_"))
    assert contributions == pytest.approx(first["score"])


def test_impact_of_a_system(demo, tmp_path):
    model = Workspace.open(demo).load()
    system = next(iter(model.systems.values()))
    out = tmp_path / "impact.xlsx"
    output = run("impact", demo, "--system", system.id, "--out", out).output
    raw = _raw(demo).filter(pl.col("reason").is_in(list(system.reasons)))
    assert f"{raw.height:,}" in output
    assert f"{raw['customer_id'].n_unique():,}" in output
    assert out.stat().st_size > 0
    assert "did you mean" in run("impact", demo, "--system", system.id + "x", code=2).output


def test_dependencies_of_a_journey(demo):
    model = Workspace.open(demo).load()
    journey = next(iter(model.journeys))
    output = run("dependencies", demo, "--journey", journey).output
    reason = model.reasons[model.designed_sequence(journey)[0]]
    assert reason.label in output


def test_mine_a_workspace_with_conformance(demo, tmp_path):
    model = Workspace.open(demo).load()
    journey = next(j for j in model.journeys.values() if j.state == "current")
    out = tmp_path / "mine.xlsx"
    output = run("mine", demo, "--conformance", journey.id, "--variants", "5", "--out", out).output
    assert "directly-follows graph" in output and f"conformance to '{journey.label}'" in output
    raw = _raw(demo).filter(pl.col("reason").is_not_null())
    transitions = raw.height - raw["customer_id"].n_unique()  # every customer's events chain into arcs
    assert f"{transitions:,} transitions" in output
    assert out.stat().st_size > 0


def test_mine_conformance_scores_only_customers_on_enough_reasons(demo):
    model = Workspace.open(demo).load()
    journey = next(j for j in model.journeys.values() if j.state == "current")
    designed = set(model.designed_sequence(journey.id))
    output = run("mine", demo, "--conformance", journey.id, "--min-reasons", "2", "--gap-days", "0",
                 "--edges", "1", "--variants", "1").output
    # independent count: customers with contacts on >= 2 distinct designed reasons, and those on just one
    distinct = (_raw(demo).filter(pl.col("reason").is_in(designed)).group_by("customer_id")
                .agg(pl.col("reason").n_unique().alias("n")))
    on_journey, touching_only = (distinct["n"] >= 2).sum(), (distinct["n"] == 1).sum()
    assert f"{touching_only:,} more customers touch the journey on fewer reasons" in output
    assert re.search(rf"│ {on_journey:,} +│ {touching_only:,} +│", output)  # the summary's first row
    assert f"at least 2 of its {len(designed)} reasons" in output and "gap of more than" not in output
    default = run("mine", demo, "--conformance", journey.id, "--edges", "1", "--variants", "1").output
    assert "at least half of its" in default and "a gap of more than 60 days starts a new journey" in default
    assert "--min-reasons" in run("mine", demo, "--conformance", journey.id, "--min-reasons", "most", code=2).output
    assert "between 1 and the journey's" in run("mine", demo, "--conformance", journey.id, "--min-reasons", "99",
                                                code=2).output


def test_mine_an_xes_log(tmp_path):
    from real_logs import real_log

    log = real_log("helpdesk.xes.gz")
    out = tmp_path / "dfg.csv"
    output = run("mine", log, "--out", out).output
    assert "16,768 transitions" in output  # 21,348 events − 4,580 cases
    assert (tmp_path / "dfg-dfg.csv").exists() and (tmp_path / "dfg-variants.csv").exists()


def test_mine_refuses_what_it_cannot_read(demo, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    assert "not a workspace" in run("mine", notes, code=2).output
    assert "did you mean" in run("mine", demo, "--conformance", "i-move-hose", code=2).output


def test_the_data_readme_flow_connects_an_organisations_own_export(tmp_path, monkeypatch):
    from model_fixtures import ROOT

    monkeypatch.chdir(ROOT)  # the README's commands are typed in the checkout
    run("new", tmp_path / "ws", "--template", "telecom")
    run("crosswalk", tmp_path / "ws", "--import", "data/crosswalk-example.csv")
    channel_map = '{"Telefoon": "phone", "Winkel": "shop", "E-mail": "email", "Brief": "letter", "Social": "social"}'
    output = run("sources", "add", tmp_path / "ws", "--id", "callcentre", "--kind", "csv",
                 "--location", "data/contacts-example.csv", "--map", "customer_id=KlantNr", "--map", "timestamp=Datum",
                 "--map", "channel=Kanaal", "--map", "source_code=Reden", "--map", "segment=Segment",
                 "--map", "cost=Kosten", "--map", "handling_seconds=Afhandeltijd", "--map", "complaint=Klacht",
                 "--map", "resolved=Opgelost", "--map", "nps=NPS", "--timestamp-format", "%d-%m-%Y %H:%M",
                 "--timezone", "Europe/Amsterdam", "--option", "separator=;", "--option", "decimal_comma=true",
                 "--option", f"channel_map={channel_map}").output
    assert "300 row(s) read, 300 kept" in output and "0 bad" in output
    out = tmp_path / "by-channel.csv"
    run("metrics", tmp_path / "ws", "--by", "channel", "--kpi", "volume", "--kpi", "cost", "--out", out)
    got = pl.read_csv(out)
    raw = pl.read_csv(ROOT / "data" / "contacts-example.csv", separator=";", decimal_comma=True)
    assert got["volume"].sum() == raw.height == 300
    assert got["cost"].sum() == pytest.approx(raw["Kosten"].sum())
    phone = raw.filter(pl.col("Kanaal") == "Telefoon").height
    assert got.filter(pl.col("channel") == "phone")["volume"].item() == phone


def test_a_workspace_kpi_declared_in_yaml_is_stored_and_measured(demo, tmp_path):
    definitions = tmp_path / "kpis.yaml"
    definitions.write_text("- id: phone_complaints\n  label: Complaints by phone\n  aggregation: count\n"
                           "  filter: {channel: phone, complaint: true}\n  additive: true\n", encoding="utf-8")
    assert "this workspace" in run("kpis", demo, "--add", definitions).output
    out = tmp_path / "k.csv"
    run("metrics", demo, "--by", "segment", "--kpi", "phone_complaints", "--out", out)
    got = pl.read_csv(out).drop_nulls("segment").sort("segment")
    raw = _raw(demo).filter((pl.col("channel") == "phone") & pl.col("complaint"))
    expected = raw.group_by("segment").len().sort("segment")
    assert dict(zip(got["segment"], got["phone_complaints"], strict=True)) == dict(
        zip(expected["segment"], expected["len"], strict=True))
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  aggregation: avg\n", encoding="utf-8")
    assert "unknown value 'avg'" in run("kpis", demo, "--add", bad, code=1).output
    run("kpis", demo, "--remove", "phone_complaints")
    assert "phone_complaints" not in run("kpis", demo).output


# -- sources with less ceremony, generate, tables that fit ---------------------------------------------
def run_env(*args: str | Path, code: int = 0, columns: int | None = None):
    """Run the CLI; stdout alone (for csv and json) is ``result.stdout``."""
    env = {"COLUMNS": str(columns)} if columns else None
    result = runner.invoke(app, [str(a) for a in args], env=env)
    assert result.exit_code == code, f"exit {result.exit_code}:\n{result.output}\n{result.exception!r}"
    return result


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """A telecom workspace whose data `workbench generate` made and declared."""
    path = tmp_path_factory.mktemp("small") / "ws"
    run("new", path, "--template", "telecom")
    run("generate", path, "--events", "4000", "--seed", "5")
    return path


def test_a_semicolon_csv_with_canonical_names_loads_without_map_or_option(tmp_path):
    ws = tmp_path / "ws"
    run("new", ws, "--template", "telecom")
    csv = tmp_path / "contacts.csv"
    csv.write_text("customer_id;timestamp;channel;source_code;segment\n"
                   "c1;2026-03-01 10:00;phone;BILL_Q;young-families\nc2;2026-03-02 11:00;web;BILL_Q;\n",
                   encoding="utf-8")
    output = run("sources", "add", ws, "--id", "x", "--kind", "csv", "--location", csv).output
    assert "2 row(s) read, 2 kept" in output and "source 'x' added" in output
    assert "read: encoding UTF-8 (detected), separator ';' (detected)" in output
    assert "columns: customer_id, timestamp, channel, source_code, segment (same name)" in output
    from workbench.sources.registry import list_sources

    [spec] = list_sources(Workspace.open(ws).store)  # stored with what it found, so it cannot drift
    assert spec.mapping == {c: c for c in ("customer_id", "timestamp", "channel", "source_code", "segment")}
    assert spec.options == {}


def test_a_dutch_export_loads_by_its_headers(tmp_path):
    ws = tmp_path / "ws"
    run("new", ws, "--template", "telecom")
    csv = tmp_path / "export.csv"
    csv.write_bytes("Klantnummer;Datum;Kanaal;Reden;Kosten;Klacht;Merk\n"
                    "K1;2026-03-01 10:00;phone;BILL_Q;1,50;ja;Café\n".encode("cp1252"))
    output = run("sources", "add", ws, "--id", "export", "--kind", "csv", "--location", csv,
                 "--option", "decimal_comma=true").output
    assert "encoding cp1252 (detected)" in output
    assert ("customer_id ← 'Klantnummer', timestamp ← 'Datum', channel ← 'Kanaal', source_code ← 'Reden', "
            "cost ← 'Kosten', complaint ← 'Klacht' (alias); not used: Merk") in output


def test_adding_a_taken_id_is_refused_before_anything_is_read(small, tmp_path):
    csv = tmp_path / "calls.csv"
    csv.write_text("customer_id,timestamp,channel,source_code\nc1,2026-01-05,fax,X\n")
    quarantine = small / "quarantine" / "generated.parquet"
    output = run("sources", "add", small, "--id", "generated", "--kind", "csv", "--location", csv,
                 "--on-bad-rows", "quarantine", code=1).output
    assert "a source 'generated' is already registered" in output
    assert not quarantine.exists()  # the registered source's quarantine was not touched


def test_metrics_without_contact_data_says_so(tmp_path):
    run("new", tmp_path / "ws", "--template", "telecom")
    result = run("metrics", tmp_path / "ws", code=1)
    assert result.output.strip() == "error: no contact data: declare a source with `workbench sources add`"


def test_generate_into_a_workspace_declares_its_source_and_crosswalk(small, tmp_path):
    ws = Workspace.open(small)
    from workbench.sources.registry import get_crosswalk, list_sources

    assert [s.id for s in list_sources(ws.store)] == ["generated"]
    targets = get_crosswalk(ws.store).targets
    raw = pl.read_parquet(small / "data" / "generated", hive_partitioning=True)
    assert raw.height == 4000
    expected = raw.with_columns(pl.col("source_code").replace_strict(targets, default=None).alias("reason")) \
        .filter(pl.col("reason").ne_missing("ignore"))
    out = tmp_path / "by-channel.csv"
    run("metrics", small, "--by", "channel", "--kpi", "volume", "--out", out)
    got = pl.read_csv(out).sort("channel")
    assert got["volume"].to_list() == expected.group_by("channel").len().sort("channel")["len"].to_list()
    again = run("generate", small, "--events", "100", code=1).output
    assert f"generate it anew with `workbench generate {small} --overwrite`" in again
    inside = run("generate", small / "data", "--events", "100", code=2).output
    assert f"generate into the workspace itself, which also declares the data as a source: " \
           f"`workbench generate {small.resolve()}`" in inside


def _widths(output: str) -> int:
    return max(map(len, output.splitlines()))


@pytest.mark.parametrize("command", [
    ("metrics", "{ws}", "--by", "reason,channel", "--period", "month"),
    ("crosswalk", "{ws}"),
    ("crosswalk", "{ws}", "--unmapped"),
    ("sources", "list", "{ws}"),
    ("priorities", "{ws}", "--level", "journey"),
    ("impact", "{ws}", "--system", "crm"),
    ("dependencies", "{ws}", "--journey", "i-move-house"),
    ("mine", "{ws}", "--conformance", "i-move-house"),
])
def test_every_table_fits_an_80_column_terminal(small, command):
    output = run_env(*(part.format(ws=small) for part in command), columns=80).output
    assert _widths(output) <= 80, output
    assert "┃" in output  # a table was drawn
    wide = run_env(*(part.format(ws=small) for part in command), columns=200).output
    assert _widths(wide) <= 200
    columns = 0
    for line in output.splitlines():  # every row of every table has its table's columns
        if line.startswith("┃"):
            columns = line.count("┃")
        elif line.startswith("│"):
            assert line.count("│") == columns, line


@pytest.mark.parametrize(("command", "rows"), [
    (("metrics", "{ws}", "--by", "reason,channel", "--period", "month"), lambda d: min(len(d), 200)),
    (("crosswalk", "{ws}"), len),
])
def test_a_row_is_one_line_however_long_its_labels(small, command, rows):
    parts = [part.format(ws=small) for part in command]
    data = json.loads(run_env(*parts, "--format", "json").stdout)
    output = run_env(*parts, columns=80).output
    assert sum(line.startswith("│") for line in output.splitlines()) == rows(data)
    assert "…" in output  # some labels were cut to fit


def test_long_labels_are_cut_with_an_ellipsis(small):
    output = run_env("crosswalk", small, "--columns", "label,source_code", columns=40).output
    assert _widths(output) <= 40 and "…" in output
    header = next(line for line in output.splitlines() if line.startswith("┃"))
    assert header.index("label") < header.index("source_code")  # the order asked for


def test_csv_and_json_parse_back_to_the_frame(small, tmp_path):
    out = tmp_path / "m.parquet"
    run("metrics", small, "--by", "segment,channel", "--out", out)
    frame = pl.read_parquet(out)
    csv = run_env("metrics", small, "--by", "segment,channel", "--format", "csv", columns=80).stdout
    assert pl.read_csv(io.StringIO(csv), schema=frame.schema).equals(frame)
    as_json = run_env("metrics", small, "--by", "segment,channel", "--format", "json").stdout
    assert pl.DataFrame(json.loads(as_json), schema=frame.schema).equals(frame)
    chosen = run_env("metrics", small, "--by", "channel", "--format", "csv", "--columns", "volume,channel").stdout
    assert chosen.splitlines()[0] == "volume,channel"


def test_csv_of_several_tables_and_json_by_name(small):
    output = run_env("impact", small, "--system", "crm", "--format", "json").stdout
    tables = json.loads(output)
    assert list(tables) == ["totals", "reasons", "journeys", "segments"]
    assert tables["totals"][0]["contacts"] == sum(r["volume"] for r in tables["reasons"])
    csv = run_env("impact", small, "--system", "crm", "--format", "csv").stdout
    blocks = {b.split("\n", 1)[0]: b.split("\n", 1)[1] for b in csv.strip().split("\n\n")}
    assert list(blocks) == ["# totals", "# reasons", "# journeys", "# segments"]
    assert pl.read_csv(io.StringIO(blocks["# totals"]))["contacts"].item() == tables["totals"][0]["contacts"]


def test_priorities_csv_keeps_prose_off_stdout(small, tmp_path):
    out = tmp_path / "p.parquet"
    result = run_env("priorities", small, "--top", "5", "--format", "csv", "--out", out)
    got = pl.read_csv(io.StringIO(result.stdout))
    assert got["rank"].to_list() == [1, 2, 3, 4, 5]
    assert got["score"].to_list() == pytest.approx(pl.read_parquet(out)["score"].head(5).to_list())
    assert "ranks 1st" in result.stderr and "wrote" in result.stderr


def test_unknown_columns_and_formats_are_usage_errors(small):
    assert "did you mean 'volume'" in run("metrics", small, "--columns", "volme", code=2).output
    assert "--format must be one of table, csv, json" in run("crosswalk", small, "--format", "xml", code=2).output
    assert "no column 'nothing'" in run("impact", small, "--system", "crm", "--columns", "nothing", code=2).output


def test_user_text_prints_literally(small):
    run("crosswalk", small, "--set", "[bold]X:smile:=pay-bill")
    output = run_env("crosswalk", small, "--columns", "source_code", columns=120).output
    assert "[bold]X:smile:" in output


def test_crosswalk_set_takes_a_reasons_label_in_any_case(tmp_path):
    path = tmp_path / "ws"
    run("new", path, "--template", "telecom")
    label = Workspace.open(path).load().reasons["pay-bill"].label
    run("crosswalk", path, "--set", f"FACT_01={label.upper()}", "--set", "TEST=ignore")
    from workbench.sources.registry import get_crosswalk

    assert get_crosswalk(Workspace.open(path).store).targets == {"FACT_01": "pay-bill", "TEST": "ignore"}


def test_new_with_a_name_and_a_flat_file_keeps_the_name(tmp_path):
    path = tmp_path / "ws"
    assert "created workspace 'Energie BV'" in run("new", path, "--name", " Energie BV ").output
    flat = Path(__file__).parents[2] / "templates" / "examples" / "energie-plat.csv"
    run("import", path, flat, "--voice-prefixes", "Ik,Mijn", "--language", "nl")
    model = Workspace.open(path).load()
    assert (model.name, model.language, len(model.reasons)) == ("Energie BV", "nl", 63)
