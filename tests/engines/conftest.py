"""Demo contacts, their Polars cube, and the engines the cube is pushed down to (one of each per module)."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass

import polars as pl
import pytest
from model_fixtures import PG_ENV

from workbench.metrics.cube import Cube
from workbench.metrics.dimensions import Dimensions
from workbench.metrics.model_dims import dimensions
from workbench.model import Model
from workbench.sample import generate
from workbench.sources.crosswalk import Crosswalk
from workbench.templates import load_template


@dataclass(frozen=True)
class Demo:
    model: Model
    dims: Dimensions
    raw: pl.DataFrame          # canonical columns as generated: source codes, no reasons
    crosswalk: dict[str, str]
    cube: Cube                 # computed by Polars from the crosswalked rows

    @property
    def channels(self) -> dict[str, bool]:
        return dict(self.dims.channels.iter_rows())


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Demo:
    model = load_template("telecom")
    folder = tmp_path_factory.mktemp("engines")
    result = generate(model, folder, events=6_000, seed=9, progress=False)
    raw = pl.read_parquet(folder, hive_partitioning=True).drop("month", "reason")
    dims = dimensions(model)
    events = Crosswalk(result.crosswalk).apply(raw.lazy())
    return Demo(model, dims, raw, result.crosswalk, Cube.build(events, dims))


@pytest.fixture(scope="module")
def pg_engine():
    """A SQLAlchemy engine on a fresh PostgreSQL database (skipped without WORKBENCH_TEST_PG_URL)."""
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.skip(f"no PostgreSQL server: set {PG_ENV} (.ci/run starts one)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"wb_engines_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(make_url(admin_url).set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def spark():
    """One local Spark session (2 cores) for the module; it takes a few seconds to start."""
    pytest.importorskip("pyspark")
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java runtime for Spark (.ci/run installs openjdk-17-jre-headless)")
    from workbench.sources.remote import spark_session

    session = spark_session("local[2]")
    session.conf.set("spark.sql.shuffle.partitions", "4")
    yield session
    session.stop()
