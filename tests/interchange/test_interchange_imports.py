"""The interchange modules import one another in one direction: no circles, not even lazy ones."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import workbench.interchange

PACKAGE = Path(workbench.interchange.__file__).parent


def imports_of(path: Path) -> set[str]:
    """The interchange modules a file imports anywhere (module level and inside functions)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("workbench.interchange."):
            out.add(node.module.removeprefix("workbench.interchange.").split(".")[0])
        elif isinstance(node, ast.Import):
            out |= {a.name.removeprefix("workbench.interchange.").split(".")[0] for a in node.names
                    if a.name.startswith("workbench.interchange.")}
    return out


def test_no_import_circles_between_interchange_modules():
    graph = {p.stem: imports_of(p) - {p.stem} for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert graph["excel"] >= {"excel_read", "excel_write"} and "excel" not in graph["excel_read"]
    assert "workshop_write" in graph["workshop"] and "workshop" not in graph["workshop_write"]
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"import circle: {' → '.join(error.args[1])}") from None
    assert order.index("layout") < order.index("excel_read")
