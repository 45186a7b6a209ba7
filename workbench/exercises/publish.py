"""Step 6, Publish: check that an export holds the whole workspace and that a snapshot stands alone."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from workbench.exercises.result import CheckResult, model_of, plural
from workbench.interchange import ImportRejected, read_model
from workbench.model import ENTITY_TYPES, Model

EXTERNAL = re.compile(r"<(?:script|link)[^>]+(?:src|href)=[\"']https?://", re.IGNORECASE)


def check_export(ws: Any, excel: str | Path | None = None, html: str | Path | None = None) -> CheckResult:
    """Check an export of the workspace: ``excel`` (.xlsx or .yaml) re-imports to the same model;
    ``html`` (a snapshot) exists, names the workspace and loads nothing from the internet."""
    model = model_of(ws)
    messages: list[str] = []
    ok = True
    if excel is None and html is None:
        return CheckResult("Export", False, ["Pass the file you exported: check_export(ws, excel=..., html=...)."])
    if excel is not None:
        good, text = _model_file(Path(excel), model)
        ok &= good
        messages.append(text)
    if html is not None:
        good, text = _snapshot(Path(html), model)
        ok &= good
        messages.append(text)
    return CheckResult("Export", ok, messages)


def _model_file(path: Path, model: Model) -> tuple[bool, str]:
    if not path.exists():
        return False, f"There is no file {path}: export with write_model(model, '{path.name}')."
    try:
        back = read_model(path)
    except ImportRejected as rejected:
        return False, f"{path.name} does not import again: {rejected.problems[0]}"
    differ = [kind for kind in ENTITY_TYPES if _plain(getattr(back, kind)) != _plain(getattr(model, kind))]
    if differ:
        return False, (f"{path.name} is not the workspace as it is now: the {', '.join(differ)} differ. "
                       "Export again after your last change.")
    return True, (f"{path.name} holds the whole model ({plural(len(model.reasons), 'contact reason')}, "
                  f"{plural(len(model.journeys), 'journey')}, {plural(len(model.steps), 'step')}) and imports again "
                  "without a problem: colleagues can edit it in Excel and send it back.")


def _plain(items: dict) -> dict:
    """Entities without their store revision, which an export does not carry."""
    return {k: replace(v, revision=0) if hasattr(v, "revision") else v for k, v in items.items()}


def _snapshot(path: Path, model: Model) -> tuple[bool, str]:
    if not path.exists():
        return False, f"There is no file {path}: write it with write_snapshot(ws, '{path.name}')."
    page = path.read_text(encoding="utf-8", errors="replace")
    if model.name and model.name not in page:
        return False, f"{path.name} does not mention the workspace '{model.name}': is it the right snapshot?"
    if EXTERNAL.search(page):
        return False, f"{path.name} loads scripts or styles from the internet; it will not open offline."
    return True, (f"{path.name} ({path.stat().st_size / 1e6:.1f} MB) stands alone: it opens from a disk or an "
                  "e-mail without a server or the internet.")
