"""Shared fixtures: a small hand-built model and store URLs for SQLite and (when available) PostgreSQL."""

from __future__ import annotations

import os
import uuid

import pytest
from model_fixtures import PG_ENV, REAL_LOGS, ROOT, small_model  # noqa: F401 - re-exported for tests

from workbench.model import Model


@pytest.fixture
def model() -> Model:
    return small_model()


def _pg_database(admin_url: str):
    """Create a fresh database on the test server; yield its URL; drop it afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"wb_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """A URL of an empty database: a SQLite file, and a fresh PostgreSQL database when one is available."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workbench.db'}"
        return
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.skip(f"no PostgreSQL server: set {PG_ENV} (.ci/run starts one)")
    yield from _pg_database(admin_url)


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL database URL; skipped when no server is configured."""
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.skip(f"no PostgreSQL server: set {PG_ENV} (.ci/run starts one)")
    yield from _pg_database(admin_url)
