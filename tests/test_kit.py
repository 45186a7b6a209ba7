"""The trainer kit: its spreadsheets import as they are, mistakes are located, notebooks stay in sync."""

from __future__ import annotations

import os
from pathlib import Path

import fastexcel
import nbformat
import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.interchange import ImportRejected, read_model, read_workshop
from workbench.kit import JOURNEY_FILE, LIFE_CYCLE_FILE, journey_rows, write_journey_sheet, write_kit
from workbench.templates import load_template

KIT = Path(__file__).resolve().parents[1] / "templates" / "kit"
STEPS = ["01_frame", "02_map", "03_link", "04_measure", "05_prioritise", "06_publish"]


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kit")
    write_kit(out)
    return out


def cells(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's cell values as text, row by row."""
    reader = fastexcel.read_excel(str(path))
    return {name: reader.load_sheet(name, header_row=None, dtypes="string").to_polars().rows()
            for name in reader.sheet_names}


def test_write_kit_writes_sheets_and_copies_the_exercises(kit):
    assert (kit / LIFE_CYCLE_FILE).exists() and (kit / JOURNEY_FILE).exists()
    assert (kit / "FACILITATOR.md").exists()
    assert sorted(p.name for p in (kit / "solutions").glob("*.ipynb")) == [f"{s}_solution.ipynb" for s in STEPS]


def test_life_cycle_sheet_imports_with_instructions_on_top(kit):
    book = fastexcel.read_excel(str(kit / LIFE_CYCLE_FILE))
    assert book.sheet_names[:3] == ["Instructions", "README", "Workspace"]
    model = read_model(kit / LIFE_CYCLE_FILE)
    assert (model.name, len(model.stages), len(model.phases), len(model.reasons)) == ("My organisation", 5, 5, 5)
    assert model.systems["billing-system"].reasons == ("pay-bill",) and not model.journeys


def test_journey_sheet_imports_into_the_telecom_model(kit):
    telecom = load_template("telecom")
    book = fastexcel.read_excel(str(kit / JOURNEY_FILE))
    assert book.sheet_names == ["Instructions", "Journey steps", "Lists"]
    model = read_workshop(kit / JOURNEY_FILE, telecom)
    example = model.journeys["example-i-move-house"]
    steps = model.steps_of(example.id)
    assert len(steps) == 7 and len(model.episodes_of(example.id)) == 5
    assert [s.reason for s in steps] == [telecom.steps[f"move-{n}"].reason for n in (1, 3, 5, 7, 8, 11, 12)]


def test_cli_imports_both_sheets(kit, tmp_path):
    runner = CliRunner()
    fresh, telecom = str(tmp_path / "fresh"), str(tmp_path / "telecom")
    assert runner.invoke(app, ["new", fresh]).exit_code == 0
    result = runner.invoke(app, ["import", fresh, str(kit / LIFE_CYCLE_FILE)])
    assert result.exit_code == 0, result.output
    assert "5 contact reasons, 0 journeys" in result.output
    assert runner.invoke(app, ["new", telecom, "--template", "telecom"]).exit_code == 0
    result = runner.invoke(app, ["import", telecom, str(kit / JOURNEY_FILE), "--journeys"])
    assert result.exit_code == 0, result.output
    assert "67 contact reasons, 5 journeys" in result.output


def test_journey_sheet_with_mistakes_names_file_sheet_row_and_column(tmp_path):
    telecom = load_template("telecom")
    rows = journey_rows(telecom)[:2]
    rows[0][3] = "Fax"               # channel
    rows[1][6] = 5                   # emotion
    rows[1][13] = "I pay my bils"    # reason
    path = write_journey_sheet(tmp_path / "filled.xlsx", telecom, rows)
    with pytest.raises(ImportRejected) as rejected:
        read_workshop(path, telecom)
    got = [(p.file, p.sheet, p.row, p.column) for p in rejected.value.problems]
    assert got == [(str(path), "Journey steps", 2, "channel"), (str(path), "Journey steps", 3, "emotion"),
                   (str(path), "Journey steps", 3, "reason")]
    messages = [p.message for p in rejected.value.problems]
    assert messages[0].startswith("unknown channel 'Fax'")
    assert messages[1] == "5 is not a whole number from -2 to 2"
    assert messages[2] == "unknown reason 'I pay my bils' (did you mean 'I pay my bill'?)"
    runner = CliRunner()
    ws = str(tmp_path / "ws")
    runner.invoke(app, ["new", ws, "--template", "telecom"])
    result = runner.invoke(app, ["import", ws, str(path), "--journeys"])
    assert result.exit_code == 1 and "filled.xlsx:Journey steps:row 3:emotion" in result.output


@pytest.mark.parametrize("name", [LIFE_CYCLE_FILE, JOURNEY_FILE])
def test_committed_sheets_are_what_write_kit_writes_now(kit, name):
    assert cells(KIT / name) == cells(kit / name), f"run: python -c 'from workbench.kit import write_kit; " \
                                                   f"write_kit(\"templates/kit\")' and commit {name}"


@pytest.mark.parametrize("step", STEPS)
def test_notebooks_are_paired_clean_and_alike(step):
    jupytext = pytest.importorskip("jupytext")
    pair = {}
    for folder, variant in (("exercises", "exercise"), ("solutions", "solution")):
        notebook = KIT / folder / f"{step}_{variant}.ipynb"
        nb = nbformat.read(notebook, as_version=4)
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells
                   if c.cell_type == "code"), f"{notebook.name} is committed with outputs"
        script = jupytext.read(notebook.with_suffix(".py"))
        assert [(c.cell_type, c.source) for c in nb.cells] == [(c.cell_type, c.source) for c in script.cells], \
            f"{notebook.name} and its .py differ: run jupytext --sync {notebook}"
        pair[variant] = nb
    exercise, solution = ([(c.source, c.metadata.get("tags", [])) for c in pair[v].cells if c.cell_type == "markdown"
                           or "check" in c.metadata.get("tags", [])] for v in ("exercise", "solution"))
    assert exercise[1:] == solution[1:]  # the same tasks and checks; only the title differs


def _kernel_name(tmp_path_factory) -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    if "python3" in KernelSpecManager().find_kernel_specs():
        return "python3"
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("kernel")
    install(prefix=str(prefix), kernel_name="kit-python")
    paths = [str(prefix / "share" / "jupyter"), os.environ.get("JUPYTER_PATH", "")]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in paths if p)
    return "kit-python"


@pytest.mark.notebooks
def test_solution_notebooks_run_and_every_check_passes(tmp_path_factory):
    from nbclient import NotebookClient

    kernel = _kernel_name(tmp_path_factory)
    folder = tmp_path_factory.mktemp("run")
    for step in STEPS:
        nb = nbformat.read(KIT / "solutions" / f"{step}_solution.ipynb", as_version=4)
        for cell in nb.cells:
            if "parameters" in cell.metadata.get("tags", []):
                cell.source = f"WORKSPACE = {str(folder / 'demo')!r}\nEVENTS = 20_000"
        NotebookClient(nb, timeout=300, kernel_name=kernel, resources={"metadata": {"path": str(folder)}}).execute()
        checks = [c for c in nb.cells if "check" in c.metadata.get("tags", [])]
        assert checks, f"{step}: no cell tagged 'check'"
        for cell in checks:
            shown = [o["data"]["text/plain"] for o in cell.outputs if o.get("output_type") == "execute_result"]
            assert shown and shown[-1].startswith("✓"), f"{step}: {cell.source}\n{shown}"
