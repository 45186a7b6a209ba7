"""The demo workspace: the telecom template with a year of generated contact data, crosswalked."""

from __future__ import annotations

from pathlib import Path

from workbench.sample import generate
from workbench.sources.crosswalk import Crosswalk
from workbench.sources.registry import add_source, set_crosswalk
from workbench.sources.spec import SourceSpec
from workbench.workspace import CONFIG, Workspace

DEMO_TEMPLATE = "telecom"
DEMO_SOURCE = "demo-contacts"


def build_demo(path: str | Path, *, events: int = 1_000_000, seed: int = 0, progress: bool = False) -> Workspace:
    """Create a new demo workspace at ``path`` and generate, register and crosswalk its contact data."""
    ws = Workspace.create(path, template=DEMO_TEMPLATE)
    model = ws.load()
    result = generate(model, ws.data_dir / "contacts", events=events, seed=seed, progress=progress)
    add_source(ws.store, SourceSpec(
        id=DEMO_SOURCE, kind="parquet", location="data/contacts",
        mapping={column: column for column in ("customer_id", "timestamp", "channel", "source_code", "segment",
                                               "cost", "handling_seconds", "complaint", "resolved",
                                               "nps", "ces", "csat")},
        on_bad_rows="quarantine",
    ))
    notes = {code: "demo: test and spam contacts" for code, target in result.crosswalk.items() if target == "ignore"}
    set_crosswalk(ws.store, Crosswalk(result.crosswalk, notes), model=model)
    ws.store.set_setting("demo", {"events": events, "seed": seed, "broken_processes": result.broken_processes})
    return ws


def ensure_demo(path: str | Path, *, events: int = 1_000_000, seed: int = 0, progress: bool = False) -> Workspace:
    """Open the demo workspace at ``path``, building it first if the folder is not a workspace yet."""
    path = Path(path)
    if (path / CONFIG).exists():
        return Workspace.open(path)
    return build_demo(path, events=events, seed=seed, progress=progress)
