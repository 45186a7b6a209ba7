"""The examples in the core's docstrings are doctests: they run and give what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import workbench

UI = ("workbench.ui", "workbench.app", "workbench.server", "workbench.snapshot", "workbench.web")
CORE = sorted(m.name for m in pkgutil.walk_packages(workbench.__path__, "workbench.")
              if not m.name.startswith(UI) and not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", CORE)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
