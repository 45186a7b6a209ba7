"""Broken workbooks: every problem at once, named by file, sheet, row (header = 1) and column."""

from __future__ import annotations

import zipfile

import pytest
from ix_strategies import snapshot
from ix_workbooks import model_sheets, set_cell, write_raw_xlsx, write_sheets

from workbench.interchange import ImportRejected, Problem, read_excel


def rejected(path) -> list[Problem]:
    with pytest.raises(ImportRejected) as caught:
        read_excel(path)
    return caught.value.problems


def test_every_problem_in_a_workbook_is_reported_at_once(model, tmp_path):
    sheets = model_sheets(model)
    set_cell(sheets, "Steps", 7, "emotion", "very happy")              # join-3
    set_cell(sheets, "Steps", 4, "satisfaction", 6.0)                  # move-3
    set_cell(sheets, "Steps", 3, "target_emotion", 3)                  # move-2
    set_cell(sheets, "Steps", 2, "channel", "webb")                    # move-1
    set_cell(sheets, "Steps", 5, "episode", "move-prepare")            # join-1 is in i-join
    set_cell(sheets, "Steps", 6, "moment_of_truth", "maybe")           # join-2
    set_cell(sheets, "Steps", 6, "label", "  ")
    set_cell(sheets, "Reasons", 4, "id", "place-order")                # row 4 = pay-bill: now a duplicate
    set_cell(sheets, "Reasons", 5, "id", "Change Details")
    set_cell(sheets, "Reasons", 6, "phase", "usng")
    set_cell(sheets, "Journeys", 3, "state", "draft")
    set_cell(sheets, "Channels", 3, "digital", "sometimes")
    sheets["Phases"][0][1] = "stgae"                                   # the stage column header, misspelt
    sheets["Steps"][0][9] = "satisfacton"                              # optional column, misspelt
    sheets["Segment"] = sheets.pop("Segments")
    del sheets["SystemReasons"]
    path = write_sheets(tmp_path / "broken.xlsx", sheets)
    f = str(path)
    expected = [
        Problem(f, "Phases", 1, "stage", "the required column 'stage' is missing (did you mean 'stgae'?)"),
        Problem(f, "Reasons", 4, "id", "duplicate id 'place-order' (also on row 3)"),
        Problem(f, "Reasons", 5, "id", "id 'Change Details' is not a slug (lowercase letters, digits and '-'); "
                                       "use 'change-details'"),
        Problem(f, "Reasons", 6, "phase", "unknown phase 'usng' (did you mean 'using'?)"),
        Problem(f, "Channels", 3, "digital", "'sometimes' is not true or false"),
        # Segments and SystemReasons are optional sheets now: only the misspelt one is a problem
        Problem(f, "Segment", None, None, "the sheet 'Segment' is not one the import reads (did you mean 'Segments'?)"),
        Problem(f, "Journeys", 3, "state", "'draft' is not a journey state: use current or future"),
        Problem(f, "Steps", 1, "satisfacton", "unknown column 'satisfacton' (did you mean 'satisfaction'?)"),
        Problem(f, "Steps", 2, "channel", "unknown channel 'webb' (did you mean 'web'?)"),
        Problem(f, "Steps", 3, "target_emotion", "3 is not a whole number from -2 to 2"),
        Problem(f, "Steps", 3, "reason", "unknown reason 'change-details' (did you mean 'Change Details'?)"),
        Problem(f, "Steps", 4, "reason", "unknown reason 'pay-bill'"),
        Problem(f, "Steps", 5, "episode",
                "episode 'move-prepare' belongs to journey 'i-move-house', not to this step's journey 'i-join'"),
        Problem(f, "Steps", 6, "label", "label is required: the cell is empty or missing"),
        Problem(f, "Steps", 6, "moment_of_truth", "'maybe' is not true or false"),
        Problem(f, "Steps", 7, "emotion", "'very happy' is not a whole number from -2 to 2"),
    ]
    problems = rejected(path)
    assert [p for p in problems if p.sheet != "ProcessReasons"] == expected
    # pay-bill is gone (its row now holds the duplicate), so the billing process link is reported too
    assert [(p.sheet, p.row, p.column) for p in problems if p.sheet == "ProcessReasons"] == [
        ("ProcessReasons", 2, "reason")]


def test_ids_duplicates_and_references_name_their_rows(model, tmp_path):
    sheets = model_sheets(model)
    set_cell(sheets, "Reasons", 4, "id", "place-order")
    set_cell(sheets, "Reasons", 5, "id", "Change Details")
    set_cell(sheets, "Reasons", 6, "phase", "usng")
    set_cell(sheets, "Steps", 7, "reason", "I report a fault")
    path = write_sheets(tmp_path / "ids.xlsx", sheets)
    got = [(p.sheet, p.row, p.column, p.message) for p in rejected(path) if p.sheet == "Reasons"]
    assert got == [
        ("Reasons", 4, "id", "duplicate id 'place-order' (also on row 3)"),
        ("Reasons", 5, "id", "id 'Change Details' is not a slug (lowercase letters, digits and '-'); "
                             "use 'change-details'"),
        ("Reasons", 6, "phase", "unknown phase 'usng' (did you mean 'using'?)"),
    ]
    steps = [(p.row, p.column, p.message) for p in rejected(path) if p.sheet == "Steps"]
    assert 7 not in [row for row, _, _ in steps]  # a reason's label is accepted where its id goes (it was refused)


def test_extra_workspace_row_and_doubled_column(model, tmp_path):
    sheets = model_sheets(model)
    sheets["Workspace"].append(["Second", "en", "", ""])
    sheets["Channels"][0].append("label")
    for row in sheets["Channels"][1:]:
        row.append("other")
    path = write_sheets(tmp_path / "extra.xlsx", sheets)
    assert [(p.sheet, p.row, p.column, p.message) for p in rejected(path)] == [
        ("Workspace", 3, None, "the Workspace sheet holds one row; this row is one too many"),
        ("Channels", 1, "label", "the column 'label' appears twice (columns B and D)"),
    ]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"id,label\nphone,Phone\n", "this is not an Excel workbook (.xlsx): the file is a text file"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "this is not an Excel workbook (.xlsx): the file is a PNG image"),
    (b"PK\x03\x04 truncated zip", None),
])
def test_files_that_are_not_workbooks(tmp_path, content, message):
    path = tmp_path / "model.xlsx"
    path.write_bytes(content)
    problems = rejected(path)
    assert len(problems) == 1 and problems[0].file == str(path) and problems[0].row is None
    if message:
        assert problems[0].message == message
    else:
        assert problems[0].message.startswith("this file cannot be read as an Excel workbook (")


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "model.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert rejected(path)[0].message.startswith("this file cannot be read as an Excel workbook")


def test_an_empty_workbook_names_every_missing_required_sheet(tmp_path):
    path = write_sheets(tmp_path / "empty.xlsx", {"Sheet1": []})
    problems = rejected(path)
    assert [p.sheet for p in problems] == ["Stages", "Phases", "Reasons"]  # the others are optional now
    assert all(p.message == f"the sheet '{p.sheet}' is missing" for p in problems)


def test_a_workbook_from_another_program_reads_fine(model, tmp_path):
    """Hand-written XML: extra columns, another column order, blank rows, numbers as 2.0, header in row 3."""
    sheets = model_sheets(model)
    steps = sheets["Steps"]
    order = list(reversed(range(len(steps[0]))))
    sheets["Steps"] = [[row[i] for i in order] + ["comment"] for row in steps]
    sheets["Steps"][0][-1] = "Remarks from the workshop"
    sheets["Steps"][0] = [h.replace("_", " ").title() for h in sheets["Steps"][0][:-1]] + ["Remarks"]
    sheets["Steps"].insert(3, [None] * len(sheets["Steps"][0]))     # a blank row in the middle
    sheets["Steps"] += [[None] * 3, [None] * 5]                      # blank styled rows at the end
    path = write_raw_xlsx(tmp_path / "foreign.xlsx", sheets, first_row={"Steps": 3})
    assert snapshot(read_excel(path)) == snapshot(model)
    # the header sits in row 3, so the step after the blank row (move-3) is in row 7
    emotion = sheets["Steps"][0].index("Emotion")
    sheets["Steps"][4][emotion] = "very happy"
    path = write_raw_xlsx(tmp_path / "foreign2.xlsx", sheets, first_row={"Steps": 3})
    assert rejected(path) == [Problem(str(path), "Steps", 7, "Emotion",
                                      "'very happy' is not a whole number from -2 to 2")]
