"""The workshop journey sheet: written with drop-downs, read back from .xlsx and .csv."""

from __future__ import annotations

import zipfile

import pytest
from ix_workbooks import write_sheets

from workbench.interchange import ImportRejected, Problem, read_workshop, write_excel, write_workshop
from workbench.interchange.workshop import COLUMNS
from workbench.model import Step

HEADER = ",".join(COLUMNS)


def test_written_sheet_reads_back_into_the_same_steps(model, tmp_path):
    path = tmp_path / "kit.xlsx"
    write_workshop(path, model)
    fresh = model.copy()
    fresh.journeys, fresh.episodes, fresh.steps = {}, {}, {}
    got = read_workshop(path, fresh)
    assert list(got.journeys) == ["i-move-house", "i-become-a-customer"]  # ids from the labels
    assert [j.label for j in got.journeys.values()] == ["I move house", "I become a customer"]
    assert list(got.steps) == ["i-move-house-1", "i-move-house-2", "i-move-house-3", "i-become-a-customer-1",
                               "i-become-a-customer-2", "i-become-a-customer-3"]
    assert list(got.episodes) == ["i-move-house-i-prepare", "i-move-house-i-settle-in"]
    fields = ("label", "channel", "emotion", "target_emotion", "satisfaction", "moment_of_truth", "reason")
    for old, new in zip(model.steps.values(), got.steps.values(), strict=True):
        assert [getattr(new, f) for f in fields] == [getattr(old, f) for f in fields]
    assert got.steps["i-move-house-3"].episode == "i-move-house-i-settle-in"


def test_existing_journey_is_replaced_and_others_stay(model, tmp_path):
    path = tmp_path / "steps.csv"
    path.write_text(f"{HEADER}\n"
                    "I move house,I plan,Looks up the moving checklist,Website,,,1,2,4,5,3,yes,,I change my details\n"
                    "i-move-house,I plan,Calls to confirm,phone,,,,,,,,,,pay-bill\n", encoding="utf-8")
    got = read_workshop(path, model)
    assert list(got.journeys) == ["i-move-house", "i-join"]
    assert got.journeys["i-move-house"] == model.journeys["i-move-house"]
    assert got.steps_of("i-join") == model.steps_of("i-join")
    assert got.steps_of("i-move-house") == [
        Step("i-move-house-1", "i-move-house", "Looks up the moving checklist", episode="i-move-house-i-plan",
             channel="web", emotion=1, target_emotion=2, satisfaction=4, importance_to_customer=5,
             importance_to_organisation=3, moment_of_truth=True, reason="change-details"),
        Step("i-move-house-2", "i-move-house", "Calls to confirm", episode="i-move-house-i-plan",
             channel="phone", reason="pay-bill"),
    ]
    assert [e.id for e in got.episodes_of("i-move-house")] == ["i-move-house-i-plan"]
    assert "move-1" in model.steps  # the input model is untouched


def test_csv_with_bom_and_semicolons(model, tmp_path):
    path = tmp_path / "dutch.csv"
    text = "journey;step;emotion;reason\nIk verhuis;Zoekt \"verhuizen\" op;-1;report-fault\n;;;\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    got = read_workshop(path, model)
    assert got.steps["ik-verhuis-1"] == Step("ik-verhuis-1", "ik-verhuis", 'Zoekt "verhuizen" op', emotion=-1,
                                             reason="report-fault")


def test_problems_are_located_and_all_reported(model, tmp_path):
    path = tmp_path / "workshop.csv"
    path.write_text("Journey,Step,Channel,Emotion,Satisfaction,Reason\n"
                    "I move house,Looks up,fax,very happy,3,I compare offers\n"
                    "I move house,,web,2,9,I pay my bil\n"
                    ",Calls,Phone,0,5,compare-offer\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        read_workshop(path, model)
    f = str(path)
    assert caught.value.problems == [
        Problem(f, None, 2, "Channel", "unknown channel 'fax'"),
        Problem(f, None, 2, "Emotion", "'very happy' is not a whole number from -2 to 2"),
        Problem(f, None, 3, "Step", "step is required: the cell is empty"),
        Problem(f, None, 3, "Satisfaction", "9 is not a whole number from 1 to 5"),
        Problem(f, None, 3, "Reason", "unknown reason 'I pay my bil' (did you mean 'I receive and pay my bill'?)"),
        Problem(f, None, 4, "Journey", "journey is required: the cell is empty"),
        Problem(f, None, 4, "Reason", "unknown reason 'compare-offer' (did you mean 'compare-offers'?)"),
    ]
    assert str(caught.value).splitlines()[1] == f"  {f}:row 2:Channel: unknown channel 'fax'"


@pytest.mark.parametrize(("content", "row", "message"), [
    (b"", None, "the file is empty"),
    (b"journey,step\nI move,Caf\x81\n", 2,  # 0xe9 (é in Windows-1252) is read now; 0x81 is in no encoding tried
     "the text is neither UTF-8, UTF-16 nor Windows-1252: byte 23 (0x81) on line 2 cannot be read; save the file "
     "with the UTF-8 encoding"),
    (b"journey,notes\nI move,x\n", 1, "the required column 'step' is missing"),
])
def test_unreadable_csv(model, tmp_path, content, row, message):
    path = tmp_path / "w.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRejected) as caught:
        read_workshop(path, model)
    assert [(p.row, p.message) for p in caught.value.problems] == [(row, message)]


def test_blank_kit_has_example_rows_that_import(model, tmp_path):
    path = tmp_path / "blank.xlsx"
    write_workshop(path, model, journeys=[])
    got = read_workshop(path, model)
    example = got.steps_of("example-i-move-house")
    assert [s.channel for s in example] == ["phone", "web", "app"]
    assert [s.reason for s in example] == ["compare-offers", "place-order", "pay-bill"]
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml").decode()
        book = archive.read("xl/workbook.xml").decode()
    assert '<sheet name="Instructions"' in book and '<sheet name="Journey steps"' in book
    assert "<formula1>Lists!$A$1:$A$3</formula1>" in sheet     # channels
    assert "<formula1>Lists!$B$1:$B$5</formula1>" in sheet     # reasons
    assert '<formula1>"-2,-1,0,1,2"</formula1>' in sheet
    assert 'topLeftCell="A2"' in sheet and 'state="frozen"' in sheet


def test_a_workbook_sheet_named_otherwise_is_read_from_its_first_sheet(model, tmp_path):
    path = write_sheets(tmp_path / "own.xlsx", {"Kaart": [["journey", "step", "reason"],
                                                          ["I move house", "Calls", "I report a fault"]]})
    got = read_workshop(path, model)
    assert [s.reason for s in got.steps_of("i-move-house")] == ["report-fault"]


def test_model_workbook_has_readme_frozen_headers_and_dropdowns(model, tmp_path):
    path = tmp_path / "model.xlsx"
    write_excel(model, path)
    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode()
        reasons = archive.read("xl/worksheets/sheet5.xml").decode()  # README, Workspace, Stages, Phases, Reasons
        steps = archive.read("xl/worksheets/sheet14.xml").decode()
    assert book.index('name="README"') < book.index('name="Workspace"') < book.index('name="Steps"')
    assert "<formula1>'Phases'!$A$2:$A$1004</formula1>" in reasons and 'state="frozen"' in reasons
    for source in ("'Channels'!$A$2:$A$1004", "'Reasons'!$A$2:$A$1006", "'Episodes'!$A$2:$A$1003",
                   '"1,2,3,4,5"', '"TRUE,FALSE"'):
        assert f"<formula1>{source}</formula1>" in steps


def test_labels_match_ignoring_case_accents_and_spacing(model, tmp_path):
    from workbench.interchange import ImportNotes

    path = tmp_path / "labels.csv"
    path.write_text("journey;step;channel;reason\n"
                    "i become a CUSTOMER;Calls;  website ;i  RÉPORT a fault\n"   # an existing journey, by label
                    "I move!;Packs;APP;I compare offers\n"                      # new: slug i-move
                    "I move?;Unpacks;Phone;pay-bill\n", encoding="utf-8")       # new: same slug, another id
    notes = ImportNotes()
    got = read_workshop(path, model, notes=notes)
    assert [(s.journey, s.channel, s.reason) for s in got.steps.values() if s.journey != "i-move-house"] == [
        ("i-join", "web", "report-fault"), ("i-move", "app", "compare-offers"), ("i-move-2", "phone", "pay-bill")]
    assert [(m.kind, m.id, m.label) for m in notes.made_ids] == [("journeys", "i-move", "I move!"),
                                                                ("journeys", "i-move-2", "I move?")]
    assert notes.by_label == 5  # the journey label, website, RÉPORT, APP and 'I compare offers'


def test_a_label_shared_by_two_reasons_or_journeys_is_refused_naming_them(model, tmp_path):
    from dataclasses import replace

    model.reasons["change-details"] = replace(model.reasons["change-details"], label="I report a fault")
    model.journeys["i-join"] = replace(model.journeys["i-join"], label="I move house", state="future")
    path = tmp_path / "shared.csv"
    path.write_text("journey,step,reason\nI move house,Calls,I report a fault\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        read_workshop(path, model)
    assert [(p.column, p.message) for p in caught.value.problems] == [
        ("reason", "'I report a fault' is the label of 2 reasons: 'change-details' (I report a fault), "
                   "'report-fault' (I report a fault); use the id of the one you mean"),
        ("journey", "'I move house' is the label of 2 journeys: 'i-move-house' (I move house), "
                    "'i-join' (I move house); use the id of the one you mean"),
    ]
