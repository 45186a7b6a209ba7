"""A workspace with a small feedback source, for the listening tests (core, views and browser)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from workbench.sources.feedback import FeedbackSpec, add_feedback_source
from workbench.workspace import Workspace

HOSTILE = '<img src=x onerror="window.__wb_xss=1"> the double charge <script>window.__wb_xss=1</script> on my bill'

#: feedback_id, time, text, score, scale, step (all on the telecom template's "I move house")
ROWS = [
    ("F1", "2026-01-05T10:00:00Z", "Is there fibre at my new address?", 10, "nps", "move-1"),
    ("F2", "2026-01-20T10:00:00Z", "The coverage map is wrong for my new street", 3, "nps", "move-1"),
    ("F3", "2026-02-02T10:00:00Z", "Charged twice for the overlap, unbelievable", 2, "csat", "move-11"),
    ("F4", "2026-02-03T10:00:00Z", "They removed the double charge quickly", 5, "csat", "move-12"),
    ("F5", "2026-02-04T10:00:00Z", "Quick fix of my bill by phone", 9, "nps", "move-12"),
]


def feedback_workspace(path: Path, rows=ROWS, *, template: str = "telecom", journey: str = "i-move-house"
                       ) -> Workspace:
    """A workspace of ``template`` with one CSV feedback source ("survey") of ``rows`` on ``journey``."""
    ws = Workspace.create(path, template=template)
    pl.DataFrame(rows, schema=["id", "when", "comment", "score", "scale", "step"], orient="row").with_columns(
        journey=pl.when(pl.col("step").is_not_null()).then(pl.lit(journey))).write_csv(path / "feedback.csv")
    add_feedback_source(ws.store, FeedbackSpec(id="survey", kind="csv", location="feedback.csv", mapping={
        "feedback_id": "id", "timestamp": "when", "text": "comment", "score": "score", "scale": "scale",
        "step": "step", "journey": "journey"}), model=ws.load(), workspace_dir=ws.path)
    return ws
