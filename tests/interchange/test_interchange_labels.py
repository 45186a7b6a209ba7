"""Workbooks people fill in by hand: blank ids, labels where ids go, and only the sheets they need."""

from __future__ import annotations

import pytest
from ix_workbooks import write_raw_xlsx, write_sheets

from workbench.interchange import ImportNotes, ImportRejected, Problem, import_file, model_from_yaml_text, read_excel
from workbench.interchange.excel_read import read_workbook
from workbench.model import Channel, Journey, Model, Step

ID_HEADERS = {"Stages": ["id", "label"], "Phases": ["id", "stage", "label"], "Reasons": ["id", "phase", "label"]}


def hand_made() -> dict[str, list[list]]:
    """A Dutch workbook as a person types it: id columns left blank, labels in the reference columns
    (in other case and without accents), voice prefixes typed as 'Ik,Mijn' in one cell."""
    return {
        "Workspace": [["name", "language", "voice_prefixes"], ["Energie BV", "nl", "Ik,Mijn"]],
        "Stages": [["id", "label"], [None, "Nog geen klant"], [None, "Klant zijn"]],
        "Phases": [["id", "stage", "label"], [None, "Nog geen klant", "Oriënteren"],
                   ["betalen", "klant ZIJN", "Betalen"]],
        "Reasons": [["id", "phase", "label"], [None, "orienteren", "Ik vergelijk leveranciers"],
                    [None, "Oriënteren", "Ik vergelijk leveranciers"],       # the same label: -2
                    ["pay", "Betalen", "Ik betaal mijn rekening"]],
        "Channels": [["id", "label", "digital"], [None, "Telefoon", False], [None, "App", True]],
        "Journeys": [["id", "label"], [None, "Ik verhuis"]],
        "Episodes": [["id", "journey", "label"], [None, "Ik verhuis", "Ik regel het"]],
        "Steps": [["id", "journey", "episode", "label", "channel", "reason"],
                  [None, "ik verhuis", "ik regel het", "Belt", "telefoon", "ik betaal mijn rekening"],
                  ["eigen-id", "Ik verhuis", None, "Opent de app", "APP", "pay"],
                  [None, "Ik verhuis", "Ik regel het", "Betaalt", "Telefoon", "Ik betaal mijn rekening"]],
        "ProcessReasons": [["process", "reason"]],
    }


def test_blank_ids_are_made_from_labels_and_labels_stand_for_ids(tmp_path):
    path = write_sheets(tmp_path / "hand.xlsx", hand_made())
    notes = ImportNotes()
    m = read_workbook(path, notes=notes)
    assert list(m.stages) == ["nog-geen-klant", "klant-zijn"]
    assert [(p.id, p.stage) for p in m.phases.values()] == [("orienteren", "nog-geen-klant"), ("betalen", "klant-zijn")]
    assert [(r.id, r.phase) for r in m.reasons.values()] == [
        ("ik-vergelijk-leveranciers", "orienteren"), ("ik-vergelijk-leveranciers-2", "orienteren"), ("pay", "betalen")]
    assert list(m.channels) == ["telefoon", "app"] and list(m.journeys) == ["ik-verhuis"]
    assert list(m.episodes) == ["ik-verhuis-ik-regel-het"]
    # step ids follow the journey and the position, as on the workshop sheet; an id given stays
    assert [(s.id, s.episode, s.channel, s.reason) for s in m.steps.values()] == [
        ("ik-verhuis-1", "ik-verhuis-ik-regel-het", "telefoon", "pay"), ("eigen-id", None, "app", "pay"),
        ("ik-verhuis-3", "ik-verhuis-ik-regel-het", "telefoon", "pay")]
    assert m.voice_prefixes == ("Ik", "Mijn")  # one cell, comma-separated: two prefixes
    made = [(n.kind, n.id, n.where) for n in notes.made_ids]
    assert made[:3] == [("stages", "nog-geen-klant", "Stages:row 2:id"), ("stages", "klant-zijn", "Stages:row 3:id"),
                        ("phases", "orienteren", "Phases:row 2:id")]
    assert len(made) == 2 + 1 + 2 + 2 + 1 + 1 + 2
    # labels where ids go, counted by hand: Phases 2 (stage); Reasons 2 ('orienteren' is the id made for
    # Oriënteren); Episodes 1; Steps 3 + 2 + 4 (journey, episode, channel, reason; 'telefoon' and 'pay' are ids)
    assert notes.by_label == 2 + 2 + 1 + 3 + 2 + 4


def test_a_sheet_without_an_id_column_gets_ids_from_labels(tmp_path):
    sheets = {"Stages": [["label"], ["Klant zijn"]], "Phases": [["stage", "label"], ["Klant zijn", "Betalen"]],
              "Reasons": [["phase", "label"], ["Betalen", "Ik betaal"]]}
    m = read_excel(write_sheets(tmp_path / "no-ids.xlsx", sheets))
    assert m.reasons["ik-betaal"].phase == "betalen" and m.phases["betalen"].stage == "klant-zijn"


def test_a_workbook_with_only_the_sheets_it_needs_is_read(tmp_path):
    """The issue's case: Workspace, Stages, Phases, Reasons and Channels only (it was refused 8 times)."""
    sheets = {k: v for k, v in hand_made().items() if k in ("Workspace", "Stages", "Phases", "Reasons", "Channels")}
    m = read_excel(write_sheets(tmp_path / "five.xlsx", sheets))
    assert (len(m.reasons), len(m.channels), m.segments, m.journeys, m.steps) == (3, 2, {}, {}, {})
    del sheets["Reasons"]
    with pytest.raises(ImportRejected) as caught:
        read_excel(write_sheets(tmp_path / "four.xlsx", sheets))
    assert [(p.sheet, p.message) for p in caught.value.problems] == [("Reasons", "the sheet 'Reasons' is missing")]


def test_a_reference_to_a_sheet_that_is_not_there_says_so(tmp_path):
    sheets = {k: v for k, v in hand_made().items() if k != "Channels"}
    with pytest.raises(ImportRejected) as caught:
        read_excel(write_sheets(tmp_path / "no-channels.xlsx", sheets))
    assert [(p.row, p.message) for p in caught.value.problems] == [
        (2, "unknown channel 'telefoon' (the file has no Channels sheet)"),
        (3, "unknown channel 'APP' (the file has no Channels sheet)"),
        (4, "unknown channel 'Telefoon' (the file has no Channels sheet)")]


def test_an_ambiguous_label_names_the_candidates_and_a_near_miss_gets_a_hint(tmp_path):
    sheets = hand_made()
    sheets["Steps"][1][5] = "Ik vergelijk leveranciers"   # the label of two reasons
    sheets["Phases"][1][1] = "Nog gen klant"              # a typo in a stage label
    path = write_raw_xlsx(tmp_path / "unclear.xlsx", sheets)  # another writer than xlsxwriter
    with pytest.raises(ImportRejected) as caught:
        read_excel(path)
    f = str(path)
    assert caught.value.problems == [
        Problem(f, "Phases", 2, "stage", "unknown stage 'Nog gen klant' (did you mean 'Nog geen klant'?)"),
        Problem(f, "Steps", 2, "reason", "'Ik vergelijk leveranciers' is the label of 2 reasons: "
                                         "'ik-vergelijk-leveranciers' (Ik vergelijk leveranciers), "
                                         "'ik-vergelijk-leveranciers-2' (Ik vergelijk leveranciers); use the id of "
                                         "the one you mean"),
    ]


def test_an_episode_label_is_looked_up_in_the_steps_own_journey(tmp_path):
    sheets = hand_made()
    sheets["Journeys"].append([None, "Ik stap over"])
    sheets["Episodes"].append([None, "Ik stap over", "Ik regel het"])  # the same label in another journey
    sheets["Steps"].append([None, "Ik stap over", "Ik regel het", "Tekent", None, None])
    m = read_excel(write_sheets(tmp_path / "episodes.xlsx", sheets))
    assert m.steps["ik-stap-over-1"].episode == "ik-stap-over-ik-regel-het"
    assert m.steps["ik-verhuis-1"].episode == "ik-verhuis-ik-regel-het"


def test_importing_a_partial_workbook_keeps_what_it_leaves_out(tmp_path):
    base = Model(name="Energie BV", language="nl", voice_prefixes=("Ik ", "Mijn "))
    base.channels["telefoon"] = Channel("telefoon", "Telefoon")
    sheets = {k: v for k, v in hand_made().items() if k in ("Stages", "Phases", "Reasons")}
    base_steps = read_excel(write_sheets(tmp_path / "full.xlsx", hand_made()))
    base.stages, base.phases, base.reasons = base_steps.stages, base_steps.phases, base_steps.reasons
    base.journeys = {"j": Journey("j", "Ik verhuis")}
    base.steps = {"j-1": Step("j-1", "j", "Belt", channel="telefoon", reason="pay")}
    imported = import_file(write_sheets(tmp_path / "part.xlsx", sheets), base)
    m = imported.model
    assert (m.name, m.language, m.voice_prefixes) == ("Energie BV", "nl", ("Ik ", "Mijn "))  # no Workspace sheet
    assert m.steps == base.steps and m.channels == base.channels
    assert imported.kept == ("channels", "segments", "processes", "systems", "journeys", "steps")
    sheets["Reasons"] = sheets["Reasons"][:-1]  # drop 'pay', which the kept step links to
    with pytest.raises(ImportRejected) as caught:
        import_file(write_sheets(tmp_path / "less.xlsx", sheets), base)
    assert [(p.column, p.message.split(",")[0]) for p in caught.value.problems] == [
        ("journey 'j' / step 'j-1'", "kept from the workspace")]


def test_yaml_ids_may_be_left_out_and_nested_children_follow_their_parent():
    text = ("name: x\nstages:\n  - label: Klant zijn\n    phases:\n      - label: Betalen\n        reasons:\n"
            "          - label: Ik betaal\nprocesses:\n  - label: Incasso\n    reasons: [Ik betaal]\n")
    notes = ImportNotes()
    m = model_from_yaml_text(text, file="m.yaml", notes=notes)
    assert m.phases["betalen"].stage == "klant-zijn" and m.reasons["ik-betaal"].phase == "betalen"
    assert m.processes["incasso"].reasons == ("ik-betaal",)
    assert [(n.id, n.where) for n in notes.made_ids] == [
        ("klant-zijn", "line 3:stages[0].id"), ("betalen", "line 5:stages[0].phases[0].id"),
        ("ik-betaal", "line 7:stages[0].phases[0].reasons[0].id"), ("incasso", "line 9:processes[0].id")]


@pytest.mark.parametrize(("written", "prefixes"), [
    ('"Ik, Mijn"', ("Ik", "Mijn")), ("Ik;Mijn", ("Ik", "Mijn")), ('["Ik ", "Mijn "]', ("Ik ", "Mijn ")),
    ('"I \\nMy "', ("I ", "My ")),
])
def test_voice_prefixes_may_be_one_text_listing_them(written, prefixes):
    text = f"name: x\nvoice_prefixes: {written}\nstages:\n  - {{id: s, label: S, phases: []}}\n"
    assert model_from_yaml_text(text).voice_prefixes == prefixes
