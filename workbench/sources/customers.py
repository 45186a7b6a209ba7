"""Customers tables as a source (``content="customers"``): who the customers are, since when, what they pay
and when they left — read with the same readers, mapping and bad-row handling as contact sources.

Canonical columns: ``customer_id`` (required), ``start`` (the day they became a customer; blank for a
prospect who did not convert), ``end`` (the churn date; blank while active), ``monthly_revenue``,
``segment``, ``prospect`` (the day first seen as a prospect) and ``products``. A column named like a
canonical one (or a usual Dutch/English alias: klantnummer, startdatum, einddatum, omzet …) maps itself.

Bad rows — no customer id, a date that cannot be read, negative revenue, an end before the start, a
customer listed twice — are counted and located (file and row); ``on_bad_rows="reject"`` refuses the
source, ``"quarantine"`` sets them aside in the workspace's quarantine folder.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl

from workbench.errors import InputError
from workbench.sources import columns as parse
from workbench.sources.automap import normalise
from workbench.sources.connectors import FILE, ROW, read_raw
from workbench.sources.quarantine import clear_quarantine, quarantine_path, write_quarantine
from workbench.sources.spec import SourceSpec, SpecError, in_workspace

CUSTOMER_COLUMNS = {"customer_id": pl.String, "segment": pl.String, "start": pl.Date, "end": pl.Date,
                    "monthly_revenue": pl.Float64, "prospect": pl.Date, "products": pl.String}
ALIASES = {
    "customer_id": ("customer", "customerid", "klant", "klantnummer", "klantid", "klantnr", "id"),
    "start": ("startdate", "since", "customersince", "startdatum", "klantsinds", "begin", "ingangsdatum"),
    "end": ("enddate", "churn", "churndate", "cancelled", "einddatum", "opgezegd", "opzegdatum"),
    "monthly_revenue": ("revenue", "mrr", "monthlyfee", "omzet", "maandbedrag", "abonnementsprijs"),
    "prospect": ("prospectsince", "lead", "leaddate", "prospectdatum"),
    "segment": ("klantsegment", "doelgroep"),
    "products": ("product", "producten"),
}
EXAMPLES = 10


class CustomersRejected(InputError):
    """A customers source with ``on_bad_rows="reject"`` has bad rows; nothing of it was loaded."""


@dataclasses.dataclass(frozen=True)
class CustomersResult:
    """The good rows of a customers source, and what was set aside."""

    frame: pl.DataFrame
    rows_read: int
    rows_bad: int
    problems: list[str]
    quarantine: Path | None = None

    def __str__(self) -> str:
        head = f"customers: {self.rows_read:,} rows read, {self.frame.height:,} kept, {self.rows_bad:,} bad"
        return "\n".join([head, *(f"  {p}" for p in self.problems)] +
                         ([f"  bad rows set aside in {self.quarantine}"] if self.quarantine else []))


def customer_mapping(spec: SourceSpec, columns: list[str]) -> dict[str, str]:
    """Canonical column → source column: the spec's mapping, then columns named so or by an alias."""
    out = dict(spec.mapping)
    by_name = {normalise(c): c for c in columns}
    for canonical, aliases in ALIASES.items():
        if canonical in out:
            continue
        for name in (canonical, *aliases):
            if normalise(name) in by_name:
                out[canonical] = by_name[normalise(name)]
                break
    return out


def load_customers(spec: SourceSpec, workspace_dir: str | Path | None = None) -> CustomersResult:
    """Read a customers source (see the module docstring); raises :class:`SourceRejected` or
    :class:`SpecError` with every problem located when the source is refused."""
    spec = in_workspace(spec, workspace_dir)
    raw = read_raw(spec, Path(workspace_dir) / "cache" / "sources" if workspace_dir else None)
    mapping = customer_mapping(spec, raw.columns)
    if "customer_id" not in mapping:
        raise SpecError(f"source '{spec.id}': no column for customer_id: map one with `--map customer_id=COLUMN`. "
                        f"The columns are: {', '.join(raw.columns)}")
    unknown = [c for c in mapping.values() if c not in raw.columns]
    if unknown:
        raise SpecError(f"source '{spec.id}': no column {', '.join(map(repr, unknown))}; the columns are: "
                        f"{', '.join(raw.columns)}")
    schema = raw.frame.collect_schema()
    frame = raw.frame.with_columns(_typed(canonical, mapping.get(canonical), schema, spec)
                                   for canonical in CUSTOMER_COLUMNS).collect()
    checks = {
        "no customer id": pl.col("customer_id").is_null(),
        "start is not a date": _unreadable(mapping, "start", schema),
        "end is not a date": _unreadable(mapping, "end", schema),
        "prospect is not a date": _unreadable(mapping, "prospect", schema),
        "monthly_revenue is not a number of 0 or more": _unreadable(mapping, "monthly_revenue", schema)
        | (pl.col("monthly_revenue") < 0).fill_null(False),
        "end before start": (pl.col("end") < pl.col("start")).fill_null(False),
        "customer listed more than once": pl.col("customer_id").is_duplicated() & pl.col("customer_id").is_not_null(),
    }
    flagged = frame.with_columns(**{f"_bad_{i}": e for i, e in enumerate(checks.values())})
    bad = pl.any_horizontal(pl.col(f"_bad_{i}") for i in range(len(checks)))
    problems = []
    for i, name in enumerate(checks):
        hits = flagged.filter(pl.col(f"_bad_{i}"))
        if hits.height:
            where = ", ".join(f"{Path(f).name} row {r}" for f, r in hits.select(FILE, ROW).head(EXAMPLES).iter_rows())
            more = f" and {hits.height - EXAMPLES} more" if hits.height > EXAMPLES else ""
            problems.append(f"{name}: {hits.height:,} row(s) ({where}{more})")
    bad_rows = flagged.filter(bad)
    good = flagged.filter(~bad).select(list(CUSTOMER_COLUMNS))
    quarantine = None
    if bad_rows.height and spec.on_bad_rows == "reject":
        raise CustomersRejected(f"source '{spec.id}' rejected: {bad_rows.height:,} bad row(s) of {frame.height:,}; "
                                "nothing was loaded. Fix them, or set them aside with `--on-bad-rows quarantine`.\n"
                                + "\n".join(f"  {p}" for p in problems))
    if bad_rows.height and workspace_dir is not None:
        quarantine = write_quarantine(bad_rows.select(pl.col(FILE).alias("source_file"), pl.col(ROW).alias(
            "source_row"), *(pl.col(c).cast(pl.String) for c in raw.columns)).lazy(),
            quarantine_path(workspace_dir, spec.id))
    elif workspace_dir is not None:
        clear_quarantine(quarantine_path(workspace_dir, spec.id))
    return CustomersResult(good, frame.height, bad_rows.height, problems, quarantine)


def _typed(canonical: str, column: str | None, schema, spec: SourceSpec) -> pl.Expr:
    kind = CUSTOMER_COLUMNS[canonical]
    if column is None:
        return pl.lit(None, kind).alias(canonical)
    raw = pl.col(column)
    if kind == pl.Date:
        value = parse.as_timestamp(raw, schema[column], spec.timestamp_format, spec.timezone).dt.date()
    elif kind == pl.Float64:
        value = parse.as_number(raw, schema[column], bool(spec.options.get("decimal_comma")))
    else:
        value = parse.as_text(raw, schema[column])
    return value.alias(canonical)


def _unreadable(mapping: dict[str, str], canonical: str, schema) -> pl.Expr:
    """A value given in the source that did not convert."""
    column = mapping.get(canonical)
    if column is None:
        return pl.lit(False)
    return parse.present(pl.col(column), schema[column]) & pl.col(canonical).is_null()
