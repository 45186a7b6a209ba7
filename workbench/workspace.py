"""A workspace: one folder holding a team's model store, its contact data and computed caches.

    PATH/workspace.yaml   the workspace's name and store URL (default: the SQLite file below)
    PATH/workbench.db     the SQLite store (absent when the store lives in PostgreSQL)
    PATH/data/            contact data the workspace owns (the demo's generated Parquet)
    PATH/quarantine/      rows a source load set aside, with the problem of each
    PATH/cache/           computed aggregates, reused until their inputs change
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml

from workbench.errors import WorkbenchError
from workbench.model import Model
from workbench.store import Store, StoreError

CONFIG = "workspace.yaml"
FORMAT = "journey-workbench-workspace/1"


class WorkspaceError(WorkbenchError):
    """A folder is not a workspace, or cannot become one."""

    exit_code = 2


class Workspace:
    """A handle on a workspace folder and its store."""

    def __init__(self, path: Path, store: Store, config: dict):
        self.path, self.store, self.config = path, store, config

    @property
    def name(self) -> str:
        return self.config.get("name", self.path.name)

    @property
    def data_dir(self) -> Path:
        return self.path / "data"

    @property
    def cache_dir(self) -> Path:
        return self.path / "cache"

    @property
    def metrics_dir(self) -> Path:
        """Imported external metrics (data points with their parts), one Parquet file per import."""
        return self.path / "data" / "metrics"

    @property
    def quarantine_dir(self) -> Path:
        return self.path / "quarantine"

    # -- create and open -------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, *, model: Model | None = None, template: str | None = None,
               db: str | None = None) -> Workspace:
        """Make a new workspace folder from a model or a template (an empty model if neither)."""
        path = Path(path).resolve()
        if (path / CONFIG).exists():
            raise WorkspaceError(f"{path} is already a workspace; open it, or choose another folder")
        if path.exists() and any(path.iterdir()):
            raise WorkspaceError(f"{path} exists and is not empty; choose a new or empty folder")
        if template is not None:
            from workbench.templates import load_template

            model = load_template(template)
        model = model or Model()
        url = db or f"sqlite:///{path / 'workbench.db'}"
        path.mkdir(parents=True, exist_ok=True)
        try:
            store = Store.create(url, model)
        except Exception:
            if not any(path.iterdir()):
                path.rmdir()
            raise
        config = {"format": FORMAT, "name": model.name, "created": datetime.now(UTC).isoformat(timespec="seconds")}
        if db:
            config["store"] = db
        if template:
            config["template"] = template
        (path / CONFIG).write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return cls(path, store, config)

    @classmethod
    def open(cls, path: str | Path) -> Workspace:
        path = Path(path).resolve()
        config_file = path / CONFIG
        if not config_file.exists():
            raise WorkspaceError(
                f"{path} is not a workspace (no {CONFIG}); create one with `workbench new {path} --template telecom`"
            )
        try:
            config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise WorkspaceError(f"{config_file} cannot be read: {exc}") from exc
        url = config.get("store") or f"sqlite:///{path / 'workbench.db'}"
        if url.startswith("sqlite") and not (path / "workbench.db").exists() and not config.get("store"):
            raise WorkspaceError(f"{path}: the store file workbench.db is missing")
        try:
            store = Store.open(url)
        except StoreError as exc:
            raise WorkspaceError(f"{path}: {exc}") from exc
        return cls(path, store, config)

    # -- the model ------------------------------------------------------------------------------
    def load(self) -> Model:
        """The model as it is in the store now."""
        return self.store.load()

    def commit(self, new: Model, *, base: Model) -> Model:
        """Save what changed from ``base`` to ``new`` (see :meth:`Store.commit`).

        In the same transaction, crosswalk codes of reasons that were merged away follow them; codes of
        deleted reasons become unmapped (see :func:`workbench.sources.registry.follow_model`).
        """
        from workbench.sources.registry import follow_model

        return self.store.commit(new, base=base, also=lambda conn: follow_model(conn, base, new))

    # -- the data -------------------------------------------------------------------------------
    def contacts(self, model: Model | None = None, *, check: bool = True):
        """Every registered source loaded with the crosswalk, as one canonical frame with each source's
        report (see :func:`workbench.sources.registry.contacts`)."""
        from workbench.sources.registry import contacts

        return contacts(self.store, self.path, model if model is not None else self.load(), check=check)

    def add_source(self, spec):
        """Declare a contact, survey or customers source (see ``workbench sources add``): it is checked
        first — loaded, or for a pushed-down SQL source checked in its database — and declared only when
        it passes. Returns its report; raises ``SourceRejected`` (located bad rows) and nothing is kept.
        """
        import dataclasses

        from workbench.metrics.pushdown import engine_check, pushes_down
        from workbench.sources.crosswalk import Crosswalk
        from workbench.sources.load import load_source
        from workbench.sources.registry import add_source, get_crosswalk, load_options, refuse_taken_id

        refuse_taken_id(self.store, spec.id)  # before the load, which would replace its quarantine file
        if spec.content == "customers":
            from workbench.sources.customers import customer_mapping, load_customers

            result = load_customers(spec, self.path)
            found = customer_mapping(spec, [])  # only what the spec named; the rest is found by name at each load
            add_source(self.store, dataclasses.replace(spec, mapping=found))
            return result
        model = self.load()
        crosswalk = get_crosswalk(self.store) or Crosswalk()
        if pushes_down(spec):  # checked where the data is: its rows are not read here
            report = engine_check(spec, {c.id: c.digital for c in model.channels.values()}, crosswalk.targets)
            add_source(self.store, spec)
            return report
        result = load_source(spec, channels=set(model.channels), crosswalk=crosswalk, workspace_dir=self.path,
                             **load_options(self.store))
        # stored with the columns found by name, so a later export with other headers cannot remap silently
        add_source(self.store, dataclasses.replace(spec, mapping={**spec.mapping, **result.columns.found_by_name}))
        return result.report

    def dataset(self, model: Model | None = None):
        """The :class:`~workbench.dataset.Dataset` of this workspace (figures shared by every session)."""
        from workbench.dataset import Dataset

        return Dataset.of_workspace(self, model)

    def data_version(self, model: Model) -> str:
        """A fingerprint of everything the contact data depends on: the declared sources and the size and
        time of every file they name, the crosswalk and the model's channels. An SQL source counts by its
        declaration only: new rows in its database are not seen until the declaration or a file changes."""
        from workbench.metrics.cache import fingerprint
        from workbench.sources.registry import get_crosswalk, list_sources

        specs = list_sources(self.store)
        files = [f for s in specs if s.kind != "sql" for f in _source_files(self.path, s.location)]
        channels = sorted((c.id, c.digital) for c in model.channels.values())
        window = self.store.get_setting("sources.timestamp_window", None)  # which rows are bad rows
        return fingerprint([s.to_dict() for s in specs], files, get_crosswalk(self.store).targets, channels,
                           window, "contacts/1")

    def extra_dimensions(self) -> tuple[str, ...]:
        """The extra dimensions (brand, country …) the declared sources keep, in declaration order."""
        from workbench.sources.registry import list_sources

        return tuple(dict.fromkeys(d for s in list_sources(self.store) for d in s.extra_dimensions))

    def custom_kpis(self) -> list[dict]:
        """The workspace's own KPI definitions (see ``workbench kpis``)."""
        from workbench.settings import custom_kpis

        return custom_kpis(self.store)[0]

    def metric_points(self):
        """Every imported external metric data point (see :mod:`workbench.metrics.external`)."""
        import polars as pl

        from workbench.metrics.external import conform_points, empty_points

        files = sorted(self.metrics_dir.glob("*.parquet")) if self.metrics_dir.is_dir() else []
        return pl.concat([conform_points(pl.read_parquet(f)) for f in files]) if files else empty_points()

    def save_metric_points(self, points, name: str) -> Path:
        """Keep imported data points as ``data/metrics/<name>.parquet`` (replacing an earlier import of it)."""
        from workbench.files import atomic_path
        from workbench.model import slugify

        target = self.metrics_dir / f"{slugify(name)}.parquet"
        with atomic_path(target) as tmp:
            points.write_parquet(tmp)
        return target

    def close(self) -> None:
        self.store.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r}, store={self.store.url!r})"


def _source_files(workspace: Path, location: str) -> list[Path]:
    """The files (or folders) a source location names; a glob is expanded, a missing path left out."""
    import glob

    path = Path(location).expanduser()
    path = path if path.is_absolute() else Path(workspace) / path
    if any(c in str(path) for c in "*?["):
        return sorted(Path(p) for p in glob.glob(str(path), recursive=True))
    return [path] if path.exists() else []
