"""A declared source whose cube is pushed down (``sql`` with ``pushdown``, ``spark``) gives the cube the Polars
path gives for the same source: its mapping, constants, channel map, crosswalk and bad rows all apply in
the engine. A workspace mixing such a source with a file source combines both cubes."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.errors import InputError
from workbench.metrics.cube import CUBE_KPIS, Cube
from workbench.metrics.pushdown import pushdown_cube, relation
from workbench.sources.crosswalk import Crosswalk
from workbench.sources.load import load_source
from workbench.sources.spec import SourceSpec

MAPPING = {"customer_id": "KlantNr", "timestamp": "Moment", "channel": "Kanaal", "source_code": "Code",
           **{c: c for c in ("cost", "handling_seconds", "complaint", "resolved", "nps", "ces", "csat")}}


def calls(demo) -> pl.DataFrame:
    """The demo rows as a CRM exports them: own column names, Dutch phone channel, no segment (a constant),
    and three bad rows: no customer, an unknown channel, a negative cost."""
    frame = demo.raw.rename({"customer_id": "KlantNr", "timestamp": "Moment", "channel": "Kanaal",
                             "source_code": "Code"}).drop("segment")
    frame = frame.with_columns(pl.col("Kanaal").replace({"phone": "Telefoon"}))
    bad = frame.head(3).with_columns(pl.Series("KlantNr", [None, "C1", "C2"]),
                                     pl.Series("Kanaal", ["web", "fax", "web"]),
                                     pl.Series("cost", [1.0, 1.0, -5.0]))
    return pl.concat([frame, bad])


def spec_of(kind: str, location: str, **options) -> SourceSpec:
    return SourceSpec(id="crm", kind=kind, location=location, mapping=MAPPING, constants={"segment": "private"},
                      options={"table": "calls", "channel_map": {"Telefoon": "phone"}, **options},
                      on_bad_rows="quarantine")


def polars_cube(spec: SourceSpec, demo, tmp_path) -> Cube:
    """The Polars path: the source's rows loaded and checked by ``load_source``, then cubed."""
    loaded = load_source(spec, channels=set(demo.channels), crosswalk=Crosswalk(demo.crosswalk),
                         workspace_dir=tmp_path)
    assert loaded.report.rows_bad == 3
    return Cube.build(loaded.frame, demo.dims)


def assert_same(got: tuple[pl.DataFrame, pl.DataFrame], expected: Cube, dims) -> None:
    cube = Cube(*got[:1], 7, got[1])
    assert_frame_equal(cube.cells, expected.cells, check_exact=False, rel_tol=1e-12)
    assert_frame_equal(cube.customers, expected.customers)
    for by in (["phase"], ["segment", "digital"]):
        assert_frame_equal(cube.measure(by=by, kpis=list(CUBE_KPIS), dims=dims),
                           expected.measure(by=by, kpis=list(CUBE_KPIS), dims=dims), check_exact=False, rel_tol=1e-12)


def test_a_source_that_needs_parsing_is_refused():
    spec = SourceSpec(id="crm", kind="sql", location="postgresql://h/db", mapping=MAPPING,
                      timestamp_format="%d-%m-%Y", options={"table": "calls", "pushdown": True})
    with pytest.raises(InputError, match="timestamp_format is set"):
        pushdown_cube(spec, channels={"web": True}, crosswalk={})


def test_the_canonical_rows_as_sql_keep_the_users_query_and_quote_names():
    spec = SourceSpec(id="s", kind="spark", location="local[2]", mapping=MAPPING, constants={"segment": "x"},
                      options={"query": "SELECT * FROM crm.calls WHERE year = 2026"})
    sql = relation(spec, ["web", "phone"], "spark")
    assert "(SELECT * FROM crm.calls WHERE year = 2026) AS source" in sql
    assert "CAST(`KlantNr` AS VARCHAR)), '') AS customer_id" in sql and "`Moment` AS timestamp" in sql
    assert "channel IN ('phone', 'web')" in sql


@pytest.mark.postgres
def test_a_sql_source_pushed_down_to_postgresql(demo, pg_engine, tmp_path):
    calls(demo).write_database("calls", pg_engine, if_table_exists="replace")
    url = pg_engine.url.render_as_string(hide_password=False)
    got = pushdown_cube(spec_of("sql", url, pushdown=True), channels=demo.channels, crosswalk=demo.crosswalk)
    assert_same(got, polars_cube(spec_of("sql", url), demo, tmp_path), demo.dims)


@pytest.mark.postgres
def test_a_workspace_combines_a_file_source_and_a_pushed_down_source(demo, pg_engine, tmp_path):
    from workbench.dataset import Dataset
    from workbench.sources.registry import add_source, set_crosswalk
    from workbench.workspace import Workspace

    frame = calls(demo).head(-3)
    half = pl.col("KlantNr").hash(seed=1) % 2 == 0  # disjoint customers: no repeat spans the two sources
    frame.filter(half).write_database("calls", pg_engine, if_table_exists="replace")
    ws = Workspace.create(tmp_path / "ws", model=demo.model)
    (ws.path / "data").mkdir(exist_ok=True)
    frame.filter(~half).write_parquet(ws.path / "data" / "calls.parquet")
    url = pg_engine.url.render_as_string(hide_password=False)
    add_source(ws.store, spec_of("sql", url, pushdown=True))
    add_source(ws.store, SourceSpec(id="files", kind="parquet", location="data/calls.parquet", mapping=MAPPING,
                                    constants={"segment": "private"}, options={"channel_map": {"Telefoon": "phone"}}))
    set_crosswalk(ws.store, Crosswalk(demo.crosswalk), model=demo.model)
    data = Dataset.of_workspace(ws)
    expected = Cube.build(Crosswalk(demo.crosswalk).apply(data.events()), demo.dims)  # every row, here
    got = data.cube()
    assert_frame_equal(got.cells, expected.cells, check_exact=False, rel_tol=1e-12)
    assert_frame_equal(got.customers, expected.customers)
    by_stage = data.measure(["stage"], ["volume", "customers", "repeat_rate", "nps"])
    assert_frame_equal(by_stage, expected.measure(by=["stage"], kpis=["volume", "customers", "repeat_rate", "nps"],
                                                  dims=demo.dims))
    ws.close()


@pytest.mark.spark
def test_a_spark_source_pushed_down_to_a_local_spark(demo, spark, tmp_path):
    spark.createDataFrame(calls(demo).to_arrow()).createOrReplaceTempView("calls")
    spec = spec_of("spark", "local[2]")
    got = pushdown_cube(spec, channels=demo.channels, crosswalk=demo.crosswalk)
    assert_same(got, polars_cube(spec, demo, tmp_path), demo.dims)  # the Polars path reads the rows via Spark
    sketched = pushdown_cube(spec, channels=demo.channels, crosswalk=demo.crosswalk, exact_pairs=0)
    cube = Cube(sketched[0], 7, sketched[1])
    exact = polars_cube(spec, demo, tmp_path)
    assert cube.customers_mode == "hll"
    for by in (["stage"], ["segment"], []):
        got_c = cube.measure(by=by, kpis=["customers"], dims=demo.dims)["customers"]
        want = exact.measure(by=by, kpis=["customers"], dims=demo.dims)["customers"]
        assert ((got_c - want).abs() <= (0.02 * want).clip(lower_bound=2)).all()


@pytest.mark.postgres
def test_the_cli_adds_a_pushed_down_sql_source_without_reading_its_rows(demo, pg_engine, tmp_path):
    from typer.testing import CliRunner

    from workbench.cli import app
    from workbench.dataset import Dataset
    from workbench.sources.registry import set_crosswalk
    from workbench.workspace import Workspace

    calls(demo).write_database("calls", pg_engine, if_table_exists="replace")
    ws = Workspace.create(tmp_path / "ws", model=demo.model)
    set_crosswalk(ws.store, Crosswalk(demo.crosswalk), model=demo.model)
    url = pg_engine.url.render_as_string(hide_password=False)
    args = ["sources", "add", str(ws.path), "--id", "crm", "--kind", "sql", "--location", url, "--pushdown",
            "--option", "table=calls", "--option", '{"Telefoon": "phone"}'.join(["channel_map=", ""]),
            "--const", "segment=private", "--on-bad-rows", "quarantine",
            *(a for column, source in MAPPING.items() for a in ("--map", f"{column}={source}"))]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    contacts = demo.cube.cells["__part_rows"].sum()  # bad rows and ignored codes are left out in the engine
    assert f"{contacts:,} contacts in" in result.output and "computed in the engine (sql)" in result.output
    data = Dataset.of_workspace(Workspace.open(ws.path))
    assert data.measure([], ["volume"]).item() == contacts


def test_a_spark_source_needs_a_table_or_a_query():
    from workbench.sources.spec import SpecError

    with pytest.raises(SpecError, match="a spark source needs exactly one of the options 'table' or 'query'"):
        SourceSpec(id="s", kind="spark", location="local[2]", mapping=MAPPING)


def test_a_pushed_down_sources_rows_are_read_only_when_collected(tmp_path):
    from sqlalchemy import create_engine

    from workbench.sources import connectors
    from workbench.sources.remote import SAMPLE_ROWS, deferred

    url = f"sqlite:///{tmp_path / 'crm.db'}"
    rows = pl.DataFrame({"KlantNr": [f"C{i}" for i in range(500)], "Code": "BILL_Q", "cost": [None] * 500})
    engine = create_engine(url)
    rows.write_database("calls", engine)
    engine.dispose()
    reads: list[int] = []

    def counting(spec, limit=None):
        raw = connectors._sql_rows(spec)
        reads.append(raw.frame.collect().height)
        return raw

    spec = SourceSpec(id="crm", kind="sql", location=url, mapping={"customer_id": "KlantNr", "source_code": "Code"},
                      constants={"channel": "web", "timestamp": "2026-01-01"},
                      options={"table": "calls", "pushdown": True})
    frame = deferred(spec, counting).frame
    assert reads == [SAMPLE_ROWS]  # a sample gives the schema; the table is not read
    assert frame.collect_schema()["cost"] == pl.String  # null throughout the sample: read as text
    assert frame.collect().height == 500 and reads == [SAMPLE_ROWS, 500]
