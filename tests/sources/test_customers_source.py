"""Customers tables as a source: columns found by their usual names, bad rows located, rejected or set
aside, and the customer KPIs through the command line."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.sources.customers import CustomersRejected, load_customers
from workbench.sources.spec import SourceSpec, SpecError

runner = CliRunner()
DUTCH = ("klantnummer;startdatum;einddatum;omzet;klantsegment\n"
         "K1;2026-01-10;;20,50;particulier\n"
         "K2;2026-01-20;2026-02-15;10,00;zakelijk\n"
         "K3;2026-02-01;;30,00;particulier\n")


def spec(path, **kw) -> SourceSpec:
    return SourceSpec(id="klanten", kind="csv", location=str(path), content="customers",
                      options=kw.pop("options", {"separator": ";", "decimal_comma": True}), **kw)


def test_dutch_column_names_map_themselves_and_values_are_typed(tmp_path):
    path = tmp_path / "klanten.csv"
    path.write_text(DUTCH)
    result = load_customers(spec(path))
    frame = result.frame.sort("customer_id")
    assert result.rows_read == 3 and result.rows_bad == 0
    assert frame["customer_id"].to_list() == ["K1", "K2", "K3"]
    assert frame["start"].to_list() == [date(2026, 1, 10), date(2026, 1, 20), date(2026, 2, 1)]
    assert frame["end"].to_list() == [None, date(2026, 2, 15), None]
    assert frame["monthly_revenue"].to_list() == [20.5, 10.0, 30.0]
    assert frame["segment"].to_list() == ["particulier", "zakelijk", "particulier"]


BAD = ("customer,since,churn,mrr\n"
       "C1,2026-01-01,,10\n"          # 2 good
       ",2026-01-01,,10\n"            # 3 no customer id
       "C3,someday,,10\n"             # 4 start is not a date
       "C4,2026-01-01,,-5\n"          # 5 negative revenue
       "C5,2026-03-01,2026-02-01,10\n"  # 6 end before start
       "C6,2026-01-01,,ten\n"         # 7 revenue is not a number
       "C7,2026-01-01,,10\n"          # 8 listed twice
       "C7,2026-01-02,,10\n")         # 9 listed twice


def test_bad_rows_are_located_and_reject_loads_nothing(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(BAD)
    with pytest.raises(CustomersRejected) as refused:
        load_customers(spec(path, options={}), tmp_path)
    message = str(refused.value)
    assert "7 bad row(s) of 8; nothing was loaded" in message
    assert "no customer id: 1 row(s) (customers.csv row 3)" in message
    assert "start is not a date: 1 row(s) (customers.csv row 4)" in message
    assert "monthly_revenue is not a number of 0 or more: 2 row(s) (customers.csv row 5, customers.csv row 7)" \
        in message
    assert "end before start: 1 row(s) (customers.csv row 6)" in message
    assert "customer listed more than once: 2 row(s) (customers.csv row 8, customers.csv row 9)" in message
    assert not (tmp_path / "quarantine").exists()


def test_quarantine_keeps_the_good_rows_and_sets_the_bad_aside_with_where_they_came_from(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(BAD)
    result = load_customers(spec(path, options={}, on_bad_rows="quarantine"), tmp_path)
    assert result.frame["customer_id"].to_list() == ["C1"] and result.rows_bad == 7
    aside = pl.read_parquet(result.quarantine) if result.quarantine.suffix == ".parquet" \
        else pl.read_csv(result.quarantine)
    assert sorted(aside["source_row"].cast(pl.Int64).to_list()) == [3, 4, 5, 6, 7, 8, 9]
    assert "C3" in aside["customer"].to_list() and "someday" in aside["since"].to_list()


def test_a_table_without_a_customer_column_names_the_columns_it_has(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("who,when\nA,2026-01-01\n")
    with pytest.raises(SpecError, match="no column for customer_id.*--map customer_id=COLUMN.*who, when"):
        load_customers(spec(path, options={}))


def test_the_customers_command_shows_churn_and_mrr_worked_out_by_hand(tmp_path):
    from model_fixtures import small_model

    from workbench.workspace import Workspace

    Workspace.create(tmp_path / "ws", model=small_model()).close()
    (tmp_path / "ws" / "klanten.csv").write_text(DUTCH)
    shown = runner.invoke(app, ["customers", str(tmp_path / "ws")])
    assert shown.exit_code == 1 and "no customers table" in shown.output
    added = runner.invoke(app, ["sources", "add", str(tmp_path / "ws"), "--id", "klanten", "--kind", "csv",
                                "--location", str(tmp_path / "ws" / "klanten.csv"), "--content", "customers",
                                "--option", "separator=;", "--option", "decimal_comma=true"])
    assert added.exit_code == 0, added.output
    assert "3 rows read, 3 kept, 0 bad" in added.output
    shown = runner.invoke(app, ["customers", str(tmp_path / "ws"), "--months", "2"], terminal_width=240)
    assert shown.exit_code == 0, shown.output
    rows = [line for line in shown.output.splitlines() if "2026-0" in line]
    # January: K1 and K2 joined (MRR 20.50 + 10.00); February: K3 joined, K2 left (MRR 20.50 + 30.00).
    assert any("2026-01" in r and "€30" in r for r in rows), shown.output
    assert any("2026-02" in r and "€50" in r for r in rows), shown.output
