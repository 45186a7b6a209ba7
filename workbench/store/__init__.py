"""Persistence through SQLAlchemy Core: a SQLite file by default, PostgreSQL by URL."""

from workbench.store.schema import SCHEMA_VERSION
from workbench.store.store import ConflictError, Store, StoreError, StoreVersionError, make_engine

__all__ = ["SCHEMA_VERSION", "ConflictError", "Store", "StoreError", "StoreVersionError", "make_engine"]
