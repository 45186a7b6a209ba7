"""Workspace folders: create, open, refuse what is not one; the core imports no UI library."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

import workbench
from workbench.store import ConflictError
from workbench.workspace import Workspace, WorkspaceError


def test_create_and_open_a_sqlite_workspace(tmp_path, model):
    ws = Workspace.create(tmp_path / "ws", model=model)
    assert (tmp_path / "ws" / "workbench.db").is_file()
    config = yaml.safe_load((tmp_path / "ws" / "workspace.yaml").read_text(encoding="utf-8"))
    assert config["name"] == "Small Co" and "store" not in config
    ws.close()
    again = workbench.open(tmp_path / "ws")
    assert list(again.load().reasons) == list(model.reasons)
    again.close()


def test_create_on_postgresql(tmp_path, pg_url, model):
    ws = Workspace.create(tmp_path / "team", model=model, db=pg_url)
    assert not (tmp_path / "team" / "workbench.db").exists()
    ws.close()
    again = Workspace.open(tmp_path / "team")
    assert again.load().steps["move-2"].reason == "change-details"
    again.close()


def test_two_workspace_handles_conflict(tmp_path, model):
    Workspace.create(tmp_path / "ws", model=model).close()
    a, b = Workspace.open(tmp_path / "ws"), Workspace.open(tmp_path / "ws")
    base_a, base_b = a.load(), b.load()
    new_a, new_b = base_a.copy(), base_b.copy()
    new_a.rename("reasons", "pay-bill", "I pay")
    new_b.rename("reasons", "pay-bill", "I settle my bill")
    a.commit(new_a, base=base_a)
    with pytest.raises(ConflictError):
        b.commit(new_b, base=base_b)
    assert b.load().reasons["pay-bill"].label == "I pay"
    a.close()
    b.close()


def test_refuses_what_is_not_a_workspace(tmp_path, model):
    with pytest.raises(WorkspaceError, match="is not a workspace"):
        Workspace.open(tmp_path)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    with pytest.raises(WorkspaceError, match="exists and is not empty"):
        Workspace.create(tmp_path / "full", model=model)
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["notes.txt"]
    Workspace.create(tmp_path / "ws", model=model).close()
    with pytest.raises(WorkspaceError, match="already a workspace"):
        Workspace.create(tmp_path / "ws", model=model)


def test_core_imports_no_ui_library():
    """Every module of the package but the Panel layer (ui/, app, server, snapshot) imports without Panel,
    HoloViews or Bokeh: the core stays fast to import and usable from scripts."""
    code = ("import importlib, pkgutil, sys, workbench\n"
            "ui = ('workbench.ui', 'workbench.app', 'workbench.server', 'workbench.snapshot', 'workbench.web')\n"
            "names = [m.name for m in pkgutil.walk_packages(workbench.__path__, 'workbench.')\n"
            "         if not m.name.startswith(ui) and not m.name.endswith('__main__')]\n"
            "for name in names: importlib.import_module(name)\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'panel', 'holoviews', 'bokeh', 'hvplot'})\n"
            "print('workbench.dataset' in names, len(names), ','.join(loaded))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    has_dataset, count, *loaded = result.stdout.split()
    assert has_dataset == "True" and int(count) >= 70
    assert loaded == []
