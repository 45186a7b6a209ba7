"""The examples in the web layer's docstrings (hosts, throttle, components) run and give what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import workbench.web

MODULES = sorted(m.name for m in pkgutil.walk_packages(workbench.web.__path__, "workbench.web."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    assert doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS).failed == 0
