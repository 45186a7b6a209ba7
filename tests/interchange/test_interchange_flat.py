"""The flat model sheet: one row per contact reason, read from CSV (any separator, four encodings)
and from a single-sheet workbook such as LibreOffice or Excel users keep; merged into a workspace."""

from __future__ import annotations

import csv
import difflib
from pathlib import Path

import pytest
import xlsxwriter

from workbench.interchange import ImportNotes, ImportRejected, Problem, import_file, parse_columns, read_flat
from workbench.model import ContactReason, Journey, Model, Phase, Stage, Step, slugify

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "energie-plat.csv"
EXAMPLE = Path(__file__).resolve().parents[2] / "templates" / "examples" / "energie-plat.csv"


def fixture_rows() -> list[tuple[str, str, str]]:
    """The fixture's (stage, phase, reason) rows, read with the csv module: the oracle for the reader."""
    with FIXTURE.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == ["Levensfase", "Fase", "Contactreden"]
    return [tuple(r) for r in rows[1:]]


def framework(model: Model) -> list[tuple]:
    """Everything a flat sheet defines, in display order: (stage, phase, reason) labels and ids."""
    return [(model.stages[model.phases[r.phase].stage].label, model.phases[r.phase].label, r.label,
             model.phases[r.phase].stage, r.phase, r.id) for r in model.reasons.values()]


def write_libreoffice_like(path: Path, rows: list[tuple[str, str, str]], headers=("Klantfase", "Fase", "Reden")):
    """A one-sheet workbook as people make it: sheet 'Blad1', a title above the header, stage and phase
    as merged cells over their reasons (only the top cell holds the text), an empty row at the end."""
    with xlsxwriter.Workbook(str(path)) as book:
        ws = book.add_worksheet("Blad1")
        ws.write(0, 0, "Levenscyclusmodel Energie BV")
        ws.write_row(2, 0, headers, book.add_format({"bold": True}))
        first = 3
        for col in (0, 1):
            start = 0
            for i in range(1, len(rows) + 1):
                if i == len(rows) or rows[i][: col + 1] != rows[start][: col + 1]:
                    if i - start > 1:
                        ws.merge_range(first + start, col, first + i - 1, col, rows[start][col])
                    else:
                        ws.write(first + start, col, rows[start][col])
                    start = i
        for i, row in enumerate(rows):
            ws.write(first + i, 2, row[2])
    return path


def test_the_fixture_is_the_example_offered_to_users():
    assert FIXTURE.read_bytes() == EXAMPLE.read_bytes()


def test_the_dutch_fixture_reads_into_5_stages_11_phases_63_reasons_in_row_order():
    notes = ImportNotes()
    model = read_flat(FIXTURE, notes=notes)
    rows = fixture_rows()
    assert (len(model.stages), len(model.phases), len(model.reasons)) == (5, 11, 63)
    assert [(s, p, r) for s, p, r, *_ in framework(model)] == rows
    assert [s.label for s in model.stages.values()] == list(dict.fromkeys(s for s, _, _ in rows))
    assert [p.label for p in model.phases.values()] == list(dict.fromkeys(p for _, p, _ in rows))
    # ids are ASCII slugs of the labels: worked out by hand for a few
    assert list(model.stages) == ["nog-geen-klant", "klant-worden", "klant-zijn", "klant-blijven", "vertrekken"]
    assert model.phases["orienteren"].label == "Oriënteren" and model.phases["orienteren"].stage == "nog-geen-klant"
    assert model.reasons["ik-vergelijk-energieleveranciers"].phase == "vergelijken"
    assert all(r.id == slugify(r.label) for r in model.reasons.values())
    assert len(notes.made_ids) == 5 + 11 + 63 and notes.made_ids[1].label == "Oriënteren"
    assert notes.made_ids[1].where == f"{FIXTURE}:row 2:Fase"


def test_a_libreoffice_like_workbook_gives_the_same_model_as_the_csv(tmp_path):
    path = write_libreoffice_like(tmp_path / "model.xlsx", fixture_rows())
    notes = ImportNotes()
    from_xlsx = read_flat(path, notes=notes)
    assert framework(from_xlsx) == framework(read_flat(FIXTURE))
    assert notes.filled_down == 2 * 63 - 5 - 11  # every merged cell below the top one


@pytest.mark.parametrize(("encoding", "separator", "bom"), [
    ("utf-8", ";", False), ("utf-8", ",", True), ("utf-16", "\t", True), ("utf-16-le", ";", False),
    ("cp1252", ";", False),
])
def test_csv_encodings_and_separators_are_sniffed(tmp_path, encoding, separator, bom):
    rows = [("Stage", "Phase", "Contact reason"), *fixture_rows()[:8]]
    text = "\r\n".join(separator.join(f'"{c}"' if separator in c else c for c in row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    if bom and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    path = tmp_path / "flat.csv"
    path.write_bytes(data)
    notes = ImportNotes()
    model = read_flat(path, notes=notes)
    assert [r.label for r in model.reasons.values()] == [r for _, _, r in fixture_rows()[:8]]
    assert model.phases["orienteren"].label == "Oriënteren"  # the ë survived every encoding
    assert notes.encoding == (None if encoding == "utf-8" else encoding)


def test_columns_named_on_the_command_line_and_optional_columns(tmp_path):
    path = tmp_path / "own.csv"
    path.write_text("Hoofdstuk;Onderdeel;Klantvraag;Omschrijving;Eigenaar;Gewicht;Kanalen\n"
                    "Klant zijn;Betalen;Ik betaal mijn rekening;Maandelijks;Finance;2;Telefoon, App\n"
                    "Klant zijn;Betalen;Mijn incasso mislukt;;;;\"app; Brief\"\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        read_flat(path)
    assert [p.message for p in caught.value.problems][0].startswith("no stage column: name one 'stage'")
    roles = parse_columns("stage=hoofdstuk,phase=Onderdeel,reason=KLANTVRAAG")
    model = read_flat(path, columns=roles)
    pay = model.reasons["ik-betaal-mijn-rekening"]
    assert (pay.description, pay.owner, pay.strategic_weight) == ("Maandelijks", "Finance", 2.0)
    # channels: labels split on commas and semicolons, the same label (any case) is one channel
    assert [(c.id, c.label) for c in model.channels.values()] == [("telefoon", "Telefoon"), ("app", "App"),
                                                                   ("brief", "Brief")]


def test_order_columns_sort_stages_then_phases_within_stages_then_reasons_within_phases(tmp_path):
    path = tmp_path / "ordered.csv"
    path.write_text("stage order,stage,phase,phase order,reason,order\n"
                    "2,Klant zijn,Betalen,1,Ik betaal,2\n"
                    "2,Klant zijn,Betalen,1,Ik betaal niet,1\n"
                    "1,Klant worden,Kopen,1,Ik koop,1\n", encoding="utf-8")
    model = read_flat(path)
    assert list(model.stages) == ["klant-worden", "klant-zijn"]
    assert list(model.reasons) == ["ik-koop", "ik-betaal-niet", "ik-betaal"]
    path.write_text("stage order,stage,phase,reason\n2,A,P,Ik x\n3,A,P,Ik y\nlast,B,Q,Ik z\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        read_flat(path)
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (3, "stage order", "stage order 3 here, but 2 on row 2"),
        (4, "stage order", "'last' is not a whole number"),
    ]


def test_problems_are_located_and_all_reported(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text("Stage;Phase;Reason;Weight\n"
                    ";Orienteren;Ik zoek;\n"                 # row 2: no stage, and no row above
                    "Nog geen klant;Orienteren;Ik zoek;\n"
                    "Nog geen klant;Orienteren;ik  ZOEK;\n"  # row 4: the same reason in the same phase
                    "Nog geen klant;Vergelijken;;\n"          # row 5: a phase with no reason at all
                    "Klant zijn;Betalen;Ik betaal;9\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        read_flat(path)
    f = str(path)
    assert caught.value.problems == [
        Problem(f, None, 2, "Stage", "stage is required: the cell is empty and no row above gives it"),
        Problem(f, None, 5, "Reason", "this phase has no contact reason: fill in the reason, or delete the row"),
    ]
    path.write_text(path.read_text().replace(";Orienteren;Ik zoek;\n", "", 1).replace(
        "Nog geen klant;Vergelijken;;\n", ""), encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        read_flat(path)
    assert caught.value.problems == [
        Problem(f, None, 3, "Reason", "'ik  ZOEK' is in phase 'Orienteren' already (row 2)"),
        Problem(f, None, 4, "Weight", "9 is not a number from 0 to 3"),
    ]


def test_two_columns_for_one_role_are_refused_naming_both(tmp_path):
    path = tmp_path / "double.csv"
    path.write_text("Stage,Fase,Phase,Reason\nA,B,B,Ik x\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        read_flat(path)
    assert [p.message for p in caught.value.problems] == [
        "the columns 'Fase' (B) and 'Phase' (C) both look like the phase column: say which with --columns "
        "phase=HEADER"]


def test_same_phase_label_in_two_stages_gets_two_ids(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("stage,phase,reason\nKlant worden,Overig,Ik a\nKlant zijn,Overig,Ik b\n", encoding="utf-8")
    model = read_flat(path)
    assert [(p.id, p.stage) for p in model.phases.values()] == [("overig", "klant-worden"), ("overig-2", "klant-zijn")]


def workspace_with_journey() -> Model:
    """A workspace whose model came from the fixture, with a journey linked to two of its reasons."""
    m = read_flat(FIXTURE)
    m.name, m.language, m.voice_prefixes = "Energie BV", "nl", ("Ik", "Mijn")
    m.add(Journey("ik-verhuis", "Ik verhuis"),
          Step("ik-verhuis-1", "ik-verhuis", "Zegt op", reason="ik-zeg-mijn-contract-op"),
          Step("ik-verhuis-2", "ik-verhuis", "Betaalt", reason="ik-ontvang-en-betaal-mijn-eindafrekening"))
    return m


def test_importing_into_a_workspace_replaces_the_framework_and_keeps_the_rest(tmp_path):
    base = workspace_with_journey()
    edited = tmp_path / "edited.csv"
    rows = fixture_rows()
    rows[0] = (rows[0][0], rows[0][1], "Ik zoek een leverancier die bij mij past")  # relabelled: a new id
    rows = [rows[-1], *rows[:-1]]                                                   # the last reason first
    edited.write_text("stage;phase;reason\n" + "".join(";".join(r) + "\n" for r in rows), encoding="utf-8")
    imported = import_file(edited, base)
    got = imported.model
    assert (got.name, got.language, got.voice_prefixes) == ("Energie BV", "nl", ("Ik", "Mijn"))
    assert got.journeys == base.journeys and got.steps == base.steps  # kept, links intact
    assert list(got.reasons)[0] == "mijn-eindafrekening-klopt-niet"
    assert set(got.reasons) - set(base.reasons) == {"ik-zoek-een-leverancier-die-bij-mij-past"}
    assert [m.id for m in imported.notes.made_ids] == ["ik-zoek-een-leverancier-die-bij-mij-past"]
    assert imported.kept == ("channels", "segments", "processes", "systems", "journeys", "steps")


def test_a_kept_step_linked_to_a_reason_the_file_drops_is_a_problem(tmp_path):
    base = workspace_with_journey()
    dropped = tmp_path / "dropped.csv"
    rows = [r for r in fixture_rows() if r[2] != "Ik zeg mijn contract op"]
    dropped.write_text("stage;phase;reason\n" + "".join(";".join(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_file(dropped, base)
    close = difflib.get_close_matches("Ik zeg mijn contract op", [r for _, _, r in rows], n=1)[0]
    assert caught.value.problems == [Problem(
        str(dropped), None, None, "journey 'ik-verhuis' / step 'ik-verhuis-1'",
        "kept from the workspace, it links to reason 'ik-zeg-mijn-contract-op' "
        f"('Ik zeg mijn contract op'), which this file does not hold (did you mean '{close}'?); "
        "add the reason to the file, or link the step to another reason first")]


def test_workbook_detection_a_flat_workbook_is_not_mistaken_for_a_workspace_workbook(tmp_path):
    base = Model()
    flat = write_libreoffice_like(tmp_path / "flat.xlsx", fixture_rows()[:5], ("Stage", "Phase", "Reason"))
    assert import_file(flat, base).kind == "flat sheet"
    m = Model().add(Stage("s", "S"), Phase("p", "s", "P"), ContactReason("r", "p", "Ik r"))
    from workbench.interchange import write_excel

    write_excel(m, tmp_path / "ws.xlsx")
    assert import_file(tmp_path / "ws.xlsx", base).kind == "workspace workbook"


def test_a_yaml_file_of_channels_only_replaces_the_channels_and_keeps_the_rest(tmp_path):
    # found when trying the own-data walk-through: such a file used to replace the whole model by nothing
    base = workspace_with_journey()
    channels = tmp_path / "kanalen.yaml"
    channels.write_text("format: journey-workbench/1\nchannels:\n  - {id: telefoon, label: Telefoon}\n"
                        "  - {id: app, label: App, digital: true}\n", encoding="utf-8")
    imported = import_file(channels, base)
    got = imported.model
    assert list(got.channels) == ["telefoon", "app"] and got.channels["app"].digital
    assert (got.name, got.language, got.voice_prefixes) == ("Energie BV", "nl", ("Ik", "Mijn"))
    assert got.reasons == base.reasons and got.phases == base.phases and got.steps == base.steps
    assert imported.kept == ("stages", "phases", "reasons", "segments", "processes", "systems", "journeys",
                             "steps")


def test_a_partial_yaml_file_whose_steps_point_at_no_kept_reason_is_refused_whole(tmp_path):
    base = workspace_with_journey()
    journeys = tmp_path / "reis.yaml"
    journeys.write_text("journeys:\n  - id: ik-bel\n    label: Ik bel\n    steps:\n"
                        "      - {id: bel-1, label: Belt, reason: ik-bel-over-niets}\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_file(journeys, base)
    assert any("ik-bel-over-niets" in p.message for p in caught.value.problems), caught.value.problems
    # kept reasons can be named by label in a partial file
    journeys.write_text("journeys:\n  - id: ik-bel\n    label: Ik bel\n    steps:\n"
                        "      - {id: bel-1, label: Belt, reason: Ik zeg mijn contract op}\n", encoding="utf-8")
    got = import_file(journeys, base).model
    assert got.steps["bel-1"].reason == "ik-zeg-mijn-contract-op" and got.reasons == base.reasons
    assert "ik-verhuis" not in got.journeys  # a file with journeys replaces every journey
