"""The measure and prioritise commands on a small demo workspace, checked against direct Polars queries."""

from __future__ import annotations

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
