"""The demo workspace: the telecom template with two years of generated contact data (2025–2026),
crosswalked; an improvement agenda with two solutions that went live (their effect is in the data);
custom layers; life-stage segments; a customers table, a survey platform's monthly NPS by stage and customers'
written feedback (comments to tag to contact reasons)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import polars as pl

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
FEEDBACK_DIR = "data/feedback"
FEEDBACK_SOURCE = "demo-feedback"


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
    write_demo_extras(ws, seed=seed, events=events)
    return ws


def write_demo_extras(ws: Workspace, *, seed: int = 0, events: int = 1_000_000) -> None:
    """The demo's customers table (from its contacts), a survey platform's monthly NPS counts by stage
    (a THEYDO_METRICS_V1 file) and feedback comments (one per 50 contacts, 500 to 20,000), in the
    workspace's ``data/`` folder, each declared as a source."""
    from workbench.files import atomic_path
    from workbench.interchange.theydo_metrics import write_theydo_metrics
    from workbench.sample.customers import customers_from_contacts
    from workbench.sample.feedback import generate_feedback
    from workbench.sources.feedback import FEEDBACK_SCHEMA, FeedbackSpec, add_feedback_source

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
    model = ws.load()
    written = generate_feedback(model, ws.path / FEEDBACK_DIR, rows=min(20_000, max(500, events // 50)), seed=seed,
                                start=datetime.combine(DEMO_START, time(), UTC), days=DEMO_MONTHS * 365 // 12,
                                customers=max(events // 6, 10))
    columns = [c for c in pl.read_parquet_schema(written.path) if c in FEEDBACK_SCHEMA]
    add_feedback_source(ws.store, FeedbackSpec(
        id=FEEDBACK_SOURCE, kind="parquet", location=str(written.path.relative_to(ws.path)),
        mapping={c: c for c in columns}, on_bad_rows="quarantine"), model=model, workspace_dir=ws.path)
    _demo_review(ws, model, written.answer_key, seed=seed)


def _demo_review(ws: Workspace, model, answer_key: Path, *, seed: int, share: float = 0.25) -> None:
    """The demo team has reviewed a quarter of the on-topic comments: their tags are confirmed (from the
    generator's answer key), so the reason model has examples to learn from, as in a workspace in use."""
    from workbench.sources.feedback import feedback
    from workbench.text.tags import confirm

    loaded = feedback(ws.store, ws.path, model).frame
    key = pl.read_parquet(answer_key).filter(~pl.col("off_topic")).sample(fraction=share, seed=seed)
    texts = dict(zip(loaded["feedback_id"], loaded["text"], strict=True))
    pairs = [(f, r) for f, r in key.select("feedback_id", "reason").iter_rows() if f in texts]
    confirm(ws.store, model, pairs, texts, source=FEEDBACK_SOURCE, by="demo team")


def ensure_demo(path: str | Path, *, events: int = 1_000_000, seed: int = 0, progress: bool = False) -> Workspace:
    """Open the demo workspace at ``path``, building it first if the folder is not a workspace yet."""
    path = Path(path)
    if (path / CONFIG).exists():
        return Workspace.open(path)
    return build_demo(path, events=events, seed=seed, progress=progress)
