"""Declarative user KPIs stored in a workspace (dict / YAML) and turned into Polars expressions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from workbench.errors import InputError
from workbench.metrics.kpis import CATALOGUE
from workbench.model import did_you_mean as _did_you_mean

AGGREGATIONS = ("count", "sum", "mean", "share", "distinct", "median", "min", "max")
ADDITIVE_AGGREGATIONS = ("count", "sum")
NEEDS_COLUMN = ("sum", "mean", "distinct", "median", "min", "max")
FIELDS = ("id", "label", "aggregation", "column", "filter", "additive", "higher_is_better", "description")
OPERATORS = ("==", "!=", ">", ">=", "<", "<=", "in", "not in")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def did_you_mean(name: str, valid: Iterable[str]) -> str:
    """``model.did_you_mean`` as a sentence of its own (the metrics' messages end with a full stop).

    Examples
    --------
    >>> did_you_mean("avg", ["mean", "average", "sum"])
    " Did you mean 'average'?"
    """
    return _did_you_mean(name, valid, sentence=True)


class CustomKpiError(InputError):
    """One or more custom KPI definitions are invalid; ``problems`` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in custom KPI definitions:\n" +
                         "\n".join(f"  {p}" for p in problems))


@dataclass(frozen=True)
class CustomKpi:
    """A user KPI: ``aggregation`` of ``column`` over the rows matching ``filter``.

    ``filter`` maps a column to a value, a list of values, or ``{"op": ">=", "value": x}`` (ops:
    ``== != > >= < <= in, not in``); several columns are combined with AND; rows where the column is
    null never match. ``count`` counts matching rows (non-null ``column`` if given); ``share`` is
    matching rows / all rows of the group (both limited to non-null ``column`` if given); the others
    aggregate ``column`` over matching rows. Only count and sum may be declared additive.

    Examples
    --------
    >>> kpi = CustomKpi.from_dict({"id": "angry", "label": "Angry NPS", "aggregation": "share",
    ...                            "filter": {"nps": {"op": "<=", "value": 3}}, "column": "nps"})
    >>> pl.DataFrame({"nps": [0, 2, 8, 10, None]}).select(kpi.expr()).item()
    0.5
    """

    id: str
    label: str
    aggregation: str
    column: str | None = None
    filter: Mapping[str, Any] = field(default_factory=dict)
    additive: bool = False
    higher_is_better: bool | None = None
    description: str = ""

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> CustomKpi:
        """Validate one definition; raises ``CustomKpiError`` naming the KPI id and the bad field."""
        return parse_custom_kpis([spec])[0]

    def to_dict(self) -> dict[str, Any]:
        """The definition as plain data (round-trips through ``from_dict``)."""
        return {"id": self.id, "label": self.label, "aggregation": self.aggregation, "column": self.column,
                "filter": dict(self.filter), "additive": self.additive,
                "higher_is_better": self.higher_is_better, "description": self.description}

    def columns(self) -> set[str]:
        """Event columns this KPI reads."""
        return {c for c in [self.column, *self.filter] if c}

    def expr(self) -> pl.Expr:
        """The aggregation as one Polars expression aliased to ``id``."""
        cond = _condition(self.filter)
        agg = self.aggregation
        if agg in ("count", "share"):
            rows = pl.col(self.column).is_not_null() if self.column else pl.lit(True)
            hits = (rows & cond).sum()
            out = hits.cast(pl.Int64) if agg == "count" else (hits / rows.sum()).fill_nan(None)
        else:
            values = pl.col(self.column).filter(cond)
            method = {"distinct": lambda v: v.drop_nulls().n_unique().cast(pl.Int64)}.get(
                agg, lambda v: getattr(v, agg)())
            out = method(values)
        return out.alias(self.id)


def _condition(spec: Mapping[str, Any]) -> pl.Expr:
    cond = pl.lit(True)
    for column, rule in spec.items():
        col = pl.col(column)
        if isinstance(rule, Mapping):
            part = _compare(col, rule["op"], rule["value"])
        elif isinstance(rule, list | tuple | set):
            part = col.is_in(list(rule))
        else:
            part = col == rule
        cond = cond & part.fill_null(False)
    return cond


def _compare(col: pl.Expr, op: str, value: Any) -> pl.Expr:
    if op in ("in", "not in"):
        hit = col.is_in(list(value))
        return hit if op == "in" else ~hit
    return {"==": col.__eq__, "!=": col.__ne__, ">": col.__gt__, ">=": col.__ge__, "<": col.__lt__,
            "<=": col.__le__}[op](value)


def parse_custom_kpis(specs: Iterable[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]]) -> list[CustomKpi]:
    """Validate a list of definitions (or a mapping ``id -> definition``) as loaded from YAML.

    Every problem of every definition is gathered into one ``CustomKpiError``.
    """
    if isinstance(specs, Mapping):
        specs = [{"id": key, **value} for key, value in specs.items()]
    problems: list[str] = []
    result: list[CustomKpi] = []
    seen: set[str] = set()
    for n, spec in enumerate(specs, start=1):
        before = len(problems)
        kpi_id = spec.get("id") if isinstance(spec, Mapping) else None
        where = f"custom KPI '{kpi_id}'" if kpi_id else f"custom KPI #{n}"
        if not isinstance(spec, Mapping):
            problems.append(f"{where}: expected a mapping of fields, got {type(spec).__name__}")
            continue
        problems += [f"{where}: unknown field '{k}'.{did_you_mean(k, FIELDS)}" for k in spec if k not in FIELDS]
        problems += [f"{where}: field '{k}' is required" for k in ("id", "aggregation") if spec.get(k) is None]
        if isinstance(kpi_id, str):
            if not _ID.match(kpi_id):
                problems.append(f"{where}: field 'id' must be a lowercase slug (a-z, 0-9, _)")
            elif kpi_id in CATALOGUE:
                problems.append(f"{where}: field 'id' clashes with the catalogue KPI '{kpi_id}'")
            elif kpi_id in seen:
                problems.append(f"{where}: field 'id' is used twice")
            seen.add(kpi_id)
        agg, column = spec.get("aggregation"), spec.get("column")
        if agg is not None and agg not in AGGREGATIONS:
            problems.append(f"{where}: field 'aggregation': unknown value '{agg}'; valid: "
                            f"{', '.join(AGGREGATIONS)}.{did_you_mean(agg, AGGREGATIONS)}")
        if agg in NEEDS_COLUMN and not column:
            problems.append(f"{where}: field 'column' is required for aggregation '{agg}'")
        if column is not None and not isinstance(column, str):
            problems.append(f"{where}: field 'column' must be a column name")
        additive = spec.get("additive", agg in ADDITIVE_AGGREGATIONS)
        if not isinstance(additive, bool):
            problems.append(f"{where}: field 'additive' must be true or false")
        elif additive and agg in AGGREGATIONS and agg not in ADDITIVE_AGGREGATIONS:
            problems.append(f"{where}: field 'additive': a '{agg}' is not additive (only count and sum are)")
        filt = spec.get("filter") or {}
        problems += [f"{where}: field 'filter': {p}" for p in _filter_problems(filt)]
        if len(problems) == before:
            result.append(CustomKpi(id=kpi_id, label=spec.get("label") or kpi_id, aggregation=agg,
                                    column=column, filter=dict(filt), additive=additive,
                                    higher_is_better=spec.get("higher_is_better"),
                                    description=spec.get("description") or ""))
    if problems:
        raise CustomKpiError(problems)
    return result


def _filter_problems(filt: Any) -> list[str]:
    if not isinstance(filt, Mapping):
        return [f"expected a mapping column -> value, got {type(filt).__name__}"]
    out = []
    for column, rule in filt.items():
        if isinstance(rule, Mapping):
            extra = set(rule) - {"op", "value"}
            if extra or "op" not in rule or "value" not in rule:
                out.append(f"column '{column}': a condition needs exactly the keys 'op' and 'value'")
            elif rule["op"] not in OPERATORS:
                op = str(rule["op"])
                hint = f" Did you mean '{op[::-1]}'?" if op[::-1] in OPERATORS else did_you_mean(op, OPERATORS)
                out.append(f"column '{column}': unknown op '{op}'; valid: {', '.join(OPERATORS)}.{hint}")
            elif rule["op"] in ("in", "not in") and not isinstance(rule["value"], list | tuple):
                out.append(f"column '{column}': op '{rule['op']}' needs a list value")
    return out


def check_columns(kpis: Iterable[CustomKpi], columns: Iterable[str]) -> None:
    """Raise ``CustomKpiError`` if a KPI reads a column that the events do not have."""
    columns = list(columns)
    problems = [f"custom KPI '{k.id}': field '{'column' if c == k.column else 'filter'}': no column '{c}' "
                f"in the events.{did_you_mean(c, columns)}"
                for k in kpis for c in sorted(k.columns()) if c not in columns]
    if problems:
        raise CustomKpiError(problems)
