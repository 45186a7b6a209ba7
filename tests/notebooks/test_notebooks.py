"""The six step notebooks: committed clean, paired with their py:percent text, runnable top to bottom in a
real kernel on a small demo workspace (01 → 06, one workspace), and 06 servable with ``panel serve``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import jupytext
import nbformat
import pytest

pytestmark = pytest.mark.notebooks

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ORDER = ["01_frame", "02_map", "03_link", "04_measure", "05_prioritise", "06_publish"]
ALL = ["00_your_data", *ORDER]  # 00 starts a workspace from the example files instead of the demo
SMALL = 20_000          # contacts in the test's demo workspace
CELL_TIMEOUT = 180      # seconds per cell
TIMINGS: dict[str, float] = {}


def test_every_step_has_a_notebook_pair():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == ALL
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.py")) == ALL


@pytest.mark.parametrize("name", ALL)
def test_committed_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert dirty == [], f"{name}.ipynb has outputs in cells {dirty}: strip them (jupytext --to notebook)"


@pytest.mark.parametrize("name", ALL)
def test_ipynb_and_py_are_in_sync(name):
    def cells(path):
        return [(c.cell_type, c.source.strip(), c.metadata.get("tags", []))
                for c in jupytext.read(path).cells]

    assert cells(NOTEBOOKS / f"{name}.ipynb") == cells(NOTEBOOKS / f"{name}.py")


@pytest.mark.parametrize("name", ORDER)
def test_notebook_opens_with_markdown_and_one_parameters_cell(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# Step ")
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "WORKSPACE =" in tagged[0].source and "EVENTS =" in tagged[0].source
    assert "Next" in nb.cells[-1].source or name == "06_publish"


# -- executing the notebooks ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """Where the notebooks build (01) and then share the small demo workspace."""
    return tmp_path_factory.mktemp("notebooks") / "demo-workspace"


@pytest.fixture(scope="module")
def kernel_dirs(tmp_path_factory) -> list[str]:
    """A kernel spec that runs this very Python (the project's .venv), whatever `python` is on PATH."""
    folder = tmp_path_factory.mktemp("kernels")
    spec = folder / "workbench-test"
    spec.mkdir()
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "workbench test", "language": "python"}))
    return [str(folder)]


def with_parameters(nb, **values):
    """Insert an ``injected-parameters`` cell after the ``parameters`` cell, as papermill does."""
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    source = "\n".join(f"{k} = {v!r}" for k, v in values.items())
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]}))
    return nb


def execute(name: str, kernel_dirs: list[str], **parameters):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = with_parameters(nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4), **parameters)
    km = KernelManager(kernel_name="workbench-test", kernel_spec_manager=KernelSpecManager(kernel_dirs=kernel_dirs))
    client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT, resources={"metadata": {"path": str(NOTEBOOKS)}})
    try:
        client.execute()
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)  # a kernel manager passed in is not shut down by nbclient
    return nb


def text_output(nb) -> str:
    """Everything the notebook printed or showed as plain text."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", "") + out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


EXPECTED = {  # what each step's outcome cell says about the demo workspace
    "01_frame": ["Step 1 (Frame): 67 contact reasons in 5 stages and 16 phases; rules check: 0 error(s)",
                 "Built the demo workspace"],
    "02_map": ["Step 2 (Map): 4 journeys (3 current, 1 future), 45 steps", "example-i-move-house"],
    "03_link": ["Step 3 (Link): all 45 steps are linked to a contact reason"],
    "04_measure": ["Step 4 (Measure):", "on a contact reason", "source code(s) still unmapped"],
    "05_prioritise": ["Step 5 (Prioritise): the top 3 contact reasons to tackle first:", "ranks 1st"],
    "06_publish": ["Step 6 (Publish): ready to publish: 0 rule error(s), 0 unlinked step(s)"],
}


@pytest.mark.parametrize("name", ORDER)
def test_notebook_runs_top_to_bottom(name, workspace, kernel_dirs):
    start = time.perf_counter()
    nb = execute(name, kernel_dirs, WORKSPACE=str(workspace), EVENTS=SMALL)
    TIMINGS[name] = time.perf_counter() - start
    text = text_output(nb)
    for expected in EXPECTED[name]:
        assert expected in text, f"{name}: '{expected}' not in the output:\n{text[-3000:]}"
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    print(f"{name} executed in {TIMINGS[name]:.1f} s")


def test_the_own_data_notebook_builds_a_workspace_from_the_example_files(tmp_path, kernel_dirs):
    target = tmp_path / "energie-workspace"
    nb = execute("00_your_data", kernel_dirs, WORKSPACE=str(target))
    text = text_output(nb)
    assert [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"] == []
    # the first try without decimal_comma is refused and says why; the second loads every row
    assert "is not a number (a decimal comma? add `--option decimal_comma=true`)" in text
    assert "2000 row(s) read, 2000 kept" in text
    # 2,000 rows: STORING (376) ignored, the other four codes mapped → 1,624 on a reason (as the CLI gives)
    assert ("Your data: 63 contact reasons, 1 journey(s), 4 channels, 1,624 contacts on a contact reason; "
            "rules check: 0 error(s).") in text
    from workbench.workspace import Workspace

    model = Workspace.open(target).load()
    assert model.name == "Energie BV" and model.language == "nl" and model.voice_prefixes == ("Ik", "Mijn")


def test_notebook_runs_leave_the_demo_as_it_was(workspace):
    """Running 01 → 06 only looks and previews: the demo's model is the telecom template, unchanged."""
    from workbench.templates import load_template
    from workbench.workspace import Workspace

    if not (workspace / "workspace.yaml").exists():
        pytest.skip("the notebooks did not run")
    saved, template = Workspace.open(workspace).load(), load_template("telecom")
    assert (saved.reasons, saved.steps) == (template.reasons, template.steps)
    assert [replace(j, revision=0) for j in saved.journeys.values()] == list(template.journeys.values())
    assert (workspace / "workshop-sheet.xlsx").exists()  # 02 wrote the blank workshop kit


# -- serving notebook 06 ----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_panel_serve_of_the_publish_notebook(workspace, tmp_path):
    from workbench.demo import ensure_demo

    ensure_demo(workspace, events=SMALL).close()
    port = free_port()
    env = {**os.environ, "WORKBENCH_WORKSPACE": str(workspace)}
    log = tmp_path / "panel-serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "panel", "serve", str(NOTEBOOKS / "06_publish.ipynb"), "--port", str(port),
             "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}"],
            env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        page = None
        deadline = time.monotonic() + 120
        while page is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/06_publish", timeout=60) as response:
                    status, page = response.status, response.read().decode("utf-8")
            except OSError:
                time.sleep(0.5)
        assert page is not None, f"panel serve did not answer:\n{log.read_text()}"
        assert status == 200
        title = page.split("<title>", 1)[1].split("</title>", 1)[0]
        assert "Journey Workbench" in title and "Telecom provider" in title
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
