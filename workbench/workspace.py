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

    def close(self) -> None:
        self.store.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r}, store={self.store.url!r})"
