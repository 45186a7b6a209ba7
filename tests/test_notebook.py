"""The notebook helpers (``workbench.notebook``) on a small hand-made workspace, figures worked out by hand."""

from __future__ import annotations

import pytest
from model_fixtures import small_model

import workbench.notebook as wbn
from workbench.rules import check
from workbench.sources import list_sources
from workbench.workspace import Workspace

CSV = """customer_id,when,channel,Code,cost,nps
c1,2026-01-05T10:00:00Z,web,BILL,2.5,10
c1,2026-01-06T10:00:00Z,phone,BILL,7.5,3
c2,2026-01-07T10:00:00Z,app,MOVE,,9
c3,2026-01-08T10:00:00Z,web,WHAT,1.0,
c4,2026-01-09T10:00:00Z,fax,BILL,1.0,
"""


@pytest.fixture
def ws(tmp_path):
    return Workspace.create(tmp_path / "ws", model=small_model())


def test_setup_opens_an_existing_workspace_without_building(ws, capsys):
    opened = wbn.setup(ws.path, events=10)
    assert opened.path == ws.path and not (ws.path / "data").exists()
    assert capsys.readouterr().out == (f"Opened workspace 'Small Co' at {ws.path}: 5 contact reasons, "
                                       "2 journeys, 6 steps\n")


def test_outcome_of_frame_map_and_link_on_the_small_model(ws):
    frame = wbn.outcome(1, ws)
    assert frame.startswith("Step 1 (Frame): 5 contact reasons in 2 stages and 3 phases; rules check: 0 error(s)")
    model = ws.load()
    assert wbn.map_outcome(model) == ["2 journeys (2 current, 0 future), 6 steps, 1 moments of truth",
                                      "'I move house' (current) has 2 episodes; 5-7 read best",
                                      "'I become a customer' (current) has 0 episodes; 5-7 read best"]
    assert wbn.link_outcome(model) == [
        "1 of 6 steps are still unlinked: I become a customer / Calls about the order",
        "4 reasons are used by journeys (1 by more than one), 1 by none"]
    with pytest.raises(ValueError, match="step must be one of"):
        wbn.outcome(7, ws)


def test_frame_outcome_names_errors():
    model = small_model()
    model.rename("reasons", "place-order", "I compare offers")  # duplicate label: an error
    lines = wbn.frame_outcome(model, check(model))
    assert "1 error(s)" in lines[0]
    assert lines[1].startswith("error: reason 'place-order'") and lines[-1].startswith("fix the errors")


def test_findings_table_keeps_the_order_and_fields():
    model = small_model()
    model.rename("reasons", "pay-bill", "Payment")
    findings = check(model)
    table = wbn.findings_table(findings)
    assert table.columns == list(wbn.FINDING_COLUMNS)
    assert table.rows() == [(f.severity, f.rule, f.location, f.message, f.fix) for f in findings]
    assert wbn.findings_table([]).height == 0


def test_add_contact_file_maps_named_columns_and_replaces_on_a_second_run(ws, tmp_path):
    from workbench.sources import Crosswalk, set_crosswalk

    set_crosswalk(ws.store, Crosswalk({"BILL": "pay-bill", "MOVE": "change-details"}))
    path = tmp_path / "My contacts.csv"
    path.write_text(CSV, encoding="utf-8")
    report = wbn.add_contact_file(ws, path, mapping={"timestamp": "when", "source_code": "Code"})
    # 5 rows: 'fax' is no channel of the model (bad, quarantined); WHAT is unmapped but kept
    assert (report.rows_read, report.rows_kept, report.rows_bad, report.rows_unmapped) == (5, 4, 1, 1)
    (spec,) = list_sources(ws.store)
    assert spec.id == "my-contacts" and spec.kind == "csv" and spec.on_bad_rows == "quarantine"
    assert spec.mapping == {"customer_id": "customer_id", "timestamp": "when", "channel": "channel",
                            "source_code": "Code", "cost": "cost", "nps": "nps"}
    wbn.add_contact_file(ws, path, mapping={"timestamp": "when", "source_code": "Code"})
    assert len(list_sources(ws.store)) == 1
    lines = wbn.measure_outcome(ws, ws.load())
    assert lines == ["4 contacts from 1 source(s); 3 (75.0%) on a contact reason; 1 bad row(s) set aside",
                     "1 source code(s) still unmapped, biggest: WHAT (1)",
                     "2 of 5 contact reasons have contacts"]


def test_add_contact_file_refuses_an_unknown_file_type(ws, tmp_path):
    from workbench.sources import SpecError

    with pytest.raises(SpecError, match="unknown file type '.doc'"):
        wbn.add_contact_file(ws, tmp_path / "contacts.doc")


def test_measure_outcome_without_sources(ws):
    assert wbn.measure_outcome(ws, ws.load()) == ["no contact data yet: declare a source (DATA_SOURCE in notebook 04)"]


def test_import_workshop_previews_the_kit_without_saving(ws):
    before = ws.load()
    preview, journeys = wbn.import_workshop(ws)
    assert (ws.path / "workshop-sheet.xlsx").exists()
    assert journeys == ["example-i-move-house"] and len(preview.steps_of("example-i-move-house")) == 3
    assert ws.load().journeys == before.journeys


def test_import_workshop_saves_a_filled_in_sheet(ws, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("journey,episode,step,channel,emotion,reason\n"
                     "I report a fault,I notice,Internet is down,app,-2,report-fault\n"
                     "I report a fault,I notice,Calls the help desk,phone,-1,\n", encoding="utf-8")
    saved, journeys = wbn.import_workshop(ws, sheet)
    assert journeys == ["i-report-a-fault"]
    stored = ws.load()
    assert [(s.label, s.reason) for s in stored.steps_of("i-report-a-fault")] == [
        ("Internet is down", "report-fault"), ("Calls the help desk", None)]
    assert wbn.journeys_table(stored).filter(id="i-report-a-fault").row(0)[5:] == (1, 2, 0)


def test_outline_counts_reasons_per_phase():
    table = wbn.outline(small_model())
    assert table.rows() == [
        ("Becoming a customer", "Orientation", 1, "I compare offers"),
        ("Becoming a customer", "Buying", 1, "I place an order"),
        ("Being a customer", "Using", 3, "I receive and pay my bill; I change my details; I report a fault"),
    ]
