"""The demo workspace: the telecom template with two years of generated contact data (2025–2026),
crosswalked; an improvement agenda with two solutions that went live (their effect is in the data);
custom layers; life-stage segments; a customers table and a survey platform's monthly NPS by stage."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from workbench.sample import generate
from workbench.sample.agenda import effects, with_agenda
from workbench.sources.crosswalk import Crosswalk
from workbench.sources.registry import add_source, set_crosswalk
from workbench.sources.spec import SourceSpec
from workbench.workspace import CONFIG, Workspace

DEMO_TEMPLATE = "telecom"
DEMO_SOURCE = "demo-contacts"
DEMO_START, DEMO_MONTHS = date(2025, 1, 1), 24
CUSTOMERS_FILE = "data/customers.parquet"
METRICS_FILE = "data/metrics/survey-nps-by-stage.json"


def build_demo(path: str | Path, *, events: int = 1_000_000, seed: int = 0, progress: bool = False) -> Workspace:
    """Create a new demo workspace at ``path`` and generate, register and crosswalk its contact data."""
    ws = Workspace.create(path, template=DEMO_TEMPLATE)
    base = ws.load()
    model = ws.commit(with_agenda(base), base=base)
    result = generate(model, ws.data_dir / "contacts", events=events, seed=seed, progress=progress,
                      start=DEMO_START, months=DEMO_MONTHS, effects=effects(model))
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
    write_demo_extras(ws, seed=seed)
    return ws


def write_demo_extras(ws: Workspace, *, seed: int = 0) -> None:
    """The demo's customers table (from its contacts) and a survey platform's monthly NPS counts by stage
    (a THEYDO_METRICS_V1 file), in the workspace's ``data/`` folder."""
    from workbench.files import atomic_path
    from workbench.interchange.theydo_metrics import write_theydo_metrics
    from workbench.sample.customers import customers_from_contacts

    data = ws.dataset()
    table = customers_from_contacts(data.events(), seed=seed, data_start=DEMO_START)
    with atomic_path(ws.path / CUSTOMERS_FILE) as tmp:
        table.write_parquet(tmp)
    add_source(ws.store, SourceSpec(id="demo-customers", kind="parquet", location=CUSTOMERS_FILE,
                                    content="customers", on_bad_rows="quarantine"))
    points = data.kpi_points("stage", ["nps"])
    points = points.with_columns(points["metric"].str.replace("^nps:", "survey-nps:"))
    write_theydo_metrics(points, ws.path / METRICS_FILE)
    ws.save_metric_points(points, "survey-nps-by-stage")  # as `workbench metrics-import` keeps it


def ensure_demo(path: str | Path, *, events: int = 1_000_000, seed: int = 0, progress: bool = False) -> Workspace:
    """Open the demo workspace at ``path``, building it first if the folder is not a workspace yet."""
    path = Path(path)
    if (path / CONFIG).exists():
        return Workspace.open(path)
    return build_demo(path, events=events, seed=seed, progress=progress)
