"""One error root: every error the workbench raises on purpose is a WorkbenchError with an exit code."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from typer.testing import CliRunner

import workbench
from workbench.errors import InputError, NotFoundError, WorkbenchError, exit_code


def _own_exceptions() -> list[type]:
    found = []
    for info in pkgutil.walk_packages(workbench.__path__, "workbench."):
        if info.name.startswith(("workbench.ui", "workbench.app", "workbench.snapshot")):
            continue
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == info.name:
                found.append(obj)
    return found


def test_every_workbench_exception_has_the_one_root():
    classes = _own_exceptions()
    assert len(classes) >= 14
    strays = [f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, WorkbenchError)]
    assert strays == []


def test_exit_codes_by_kind():
    assert exit_code(InputError("x")) == 1
    assert exit_code(NotFoundError("x")) == 2
    assert str(NotFoundError("no source 'x'")) == "no source 'x'"  # not KeyError's quoted form
    assert exit_code(RuntimeError("a bug")) == 1


def test_cli_turns_a_workbench_error_into_a_message_and_its_exit_code(tmp_path):
    from workbench.cli import app
    from workbench.workspace import Workspace

    Workspace.create(tmp_path / "ws", template="telecom").close()
    result = CliRunner().invoke(app, ["sources", "remove", str(tmp_path / "ws"), "nothing-here"])
    assert result.exit_code == 2
    assert "error: no source 'nothing-here' is registered" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("args", [["users", "list", "/nonexistent/users.yaml"]])
def test_cli_reports_users_file_problems_with_exit_2(args):
    from workbench.cli import app

    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "no such users file" in result.output
