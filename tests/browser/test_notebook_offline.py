"""Notebook 01 in a real JupyterLab with no internet: Chromium may reach loopback only (every other
request is aborted), all cells run, the life cycle map draws its tiles (inside the map's shadow DOM)
and a change made in a Panel widget reaches the kernel and comes back to the page. Before
``setup_panel`` inlined BokehJS and Panel's JavaScript, these outputs stayed blank offline; and an
output whose labels held ``</script>`` (the demo's first reason does) stayed blank, its tail parsed as
HTML, until ``setup_panel`` made Panel's embedded JSON script-safe."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_helpers import free_port
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = [pytest.mark.ui, pytest.mark.notebooks]

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_frame.ipynb"
TOKEN = "offline-test-token"


def _notebook_copy(folder: Path, workspace: Path) -> Path:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    cell["source"] = f"WORKSPACE = {str(workspace)!r}\nEVENTS = 5_000\n"
    nb["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb["metadata"].pop("jupytext", None)
    path = folder / "01_frame.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@pytest.fixture
def jupyterlab(tmp_path, demo_workspace):
    workspace = tmp_path / "ws"
    shutil.copytree(demo_workspace, workspace)
    _notebook_copy(tmp_path, workspace)
    settings = tmp_path / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # every cell in the DOM, not only those scrolled into view
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port = free_port()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / ".jupyter"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
           "PANEL_INLINE": "0"}  # the notebook's own setup must inline the resources
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={tmp_path}", "--ServerApp.open_browser=False",
         "--LabApp.news_url=", "--LabApp.extension_manager=readonly", "--allow-root"],
        env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "jupyter.log").open("w"), cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                log = (tmp_path / "jupyter.log").read_text()[-3000:]
                raise RuntimeError(f"JupyterLab did not start:\n{log}") from None
            time.sleep(0.5)
    yield base
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def test_notebook_01_draws_and_reacts_offline(page, jupyterlab):
    outside: list[str] = []

    def only_loopback(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            return route.continue_()
        outside.append(url)
        return route.abort()

    page.route("**/*", only_loopback)
    page.goto(f"{jupyterlab}/lab/tree/01_frame.ipynb?token={TOKEN}", timeout=120_000)
    page.wait_for_selector(".jp-Notebook", timeout=120_000)
    choose = page.locator(".jp-Dialog").get_by_role("button", name="Select")
    try:  # JupyterLab may ask which kernel to start
        choose.click(timeout=15_000)
    except PlaywrightTimeout:
        pass
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=120_000)
    page.get_by_text("Run", exact=True).first.click()
    page.get_by_text("Run All Cells", exact=True).first.click()
    tiles = page.locator(".jp-OutputArea-output .wb-tile")
    expect(tiles.first).to_be_visible(timeout=180_000)
    count = tiles.count()
    editor = page.locator(".jp-OutputArea-output").filter(has_text="Add a contact reason").first
    expect(editor).to_be_visible(timeout=120_000)
    label = editor.locator("input[placeholder='I …']").first
    label.fill("I test offline notebooks")
    label.press("Enter")  # Panel takes a text input's value when it changes (Enter or leaving the field)
    page.wait_for_timeout(1000)
    editor.get_by_role("button", name="Add reason").first.click()
    expect(page.locator(".jp-OutputArea-output .wb-tile").filter(has_text="I test offline notebooks").first
           ).to_be_visible(timeout=60_000)
    assert tiles.count() == count + 1
    assert page.evaluate("() => window.__wb_xss") is None  # a label with </script> runs nothing here either
    assert all(not u.startswith(("http://127.0.0.1", "ws://127.0.0.1")) for u in outside)
