"""TheyDo's metrics files (``THEYDO_METRICS_V1`` JSON) in and out, validated against the format's rules.

The format (as TheyDo publishes it): ``{format: "THEYDO_METRICS_V1", metrics: [...]}``; a metric is
``{type: CES|CSAT|NPS|OTHER|RATIO, importKey, title, unit, dataPoints[], description?, ownerEmail?,
target?, targetComparisonOperator? (LESS_THAN_OR_EQUAL_TO | MORE_THAN_OR_EQUAL_TO), groups?[],
groupTags?[{tagGroup, tag}], aggregationMethod (OTHER only: SUM | AVERAGE)}``; a data point is
``{dateOfMeasurement: YYYY-MM-DD, dimensions?[{key, value}]}`` plus, by type, CES ``score, respondents``;
CSAT ``veryUnsatisfied, unsatisfied, neutral, satisfied, verySatisfied`` (counts); NPS ``detractors,
passives, promoters`` (counts); OTHER ``value``; RATIO ``numerator, denominator``. No other property is
allowed anywhere.

Reading turns the metrics into the data points of :mod:`workbench.metrics.external`; what a metric belongs
to in the life cycle model comes from a group tag whose tagGroup is a level (``reason``, ``phase``,
``stage``, ``journey``, ``step``), or from ``link`` for the whole file. Every problem is reported with its
JSON path; nothing is imported when there is one.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import polars as pl

from workbench.files import write_text
from workbench.interchange.problems import ImportRejected, Problem
from workbench.metrics.external import LEVELS, PARTS, conform_points

FORMAT = "THEYDO_METRICS_V1"
#: our part names → TheyDo's property names
PROPERTY = {"promoters": "promoters", "passives": "passives", "detractors": "detractors",
            "very_unsatisfied": "veryUnsatisfied", "unsatisfied": "unsatisfied", "neutral": "neutral",
            "satisfied": "satisfied", "very_satisfied": "verySatisfied", "score": "score",
            "respondents": "respondents", "numerator": "numerator", "denominator": "denominator", "value": "value"}


def _point_schema(kind: str) -> dict:
    values = {PROPERTY[p]: {"type": "number", **({"minimum": 0} if kind != "OTHER" else {})} for p in PARTS[kind]}
    return {"type": "object", "additionalProperties": False,
            "required": ["dateOfMeasurement", *values],
            "properties": {"dateOfMeasurement": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                           "dimensions": {"type": "array", "items": {
                               "type": "object", "additionalProperties": False, "required": ["key", "value"],
                               "properties": {"key": {"type": "string", "minLength": 1},
                                              "value": {"type": "string"}}}},
                           **values}}


def _metric_schema(kind: str) -> dict:
    properties = {
        "type": {"const": kind}, "importKey": {"type": "string", "minLength": 1},
        "title": {"type": "string", "minLength": 1}, "unit": {"type": "string"},
        "description": {"type": "string"}, "ownerEmail": {"type": "string"}, "target": {"type": "number"},
        "targetComparisonOperator": {"enum": ["LESS_THAN_OR_EQUAL_TO", "MORE_THAN_OR_EQUAL_TO"]},
        "groups": {"type": "array", "items": {"type": "string"}},
        "groupTags": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["tagGroup", "tag"],
            "properties": {"tagGroup": {"type": "string"}, "tag": {"type": "string"}}}},
        "dataPoints": {"type": "array", "items": _point_schema(kind)},
    }
    required = ["type", "importKey", "title", "unit", "dataPoints"]
    if kind == "OTHER":
        properties["aggregationMethod"] = {"enum": ["SUM", "AVERAGE"]}
        required.append("aggregationMethod")
    return {"type": "object", "additionalProperties": False, "required": required, "properties": properties}


#: The JSON Schema of a THEYDO_METRICS_V1 file, written from the format's published rules.
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "additionalProperties": False, "required": ["format", "metrics"],
    "properties": {"format": {"const": FORMAT}, "metrics": {"type": "array", "items": {
        "type": "object", "required": ["type"],
        "properties": {"type": {"enum": list(PARTS)}},
        "allOf": [{"if": {"properties": {"type": {"const": k}}}, "then": _metric_schema(k)} for k in PARTS]}}},
}


def problems(document: object, file: str = "metrics.json") -> list[Problem]:
    """Every way ``document`` breaks the format (empty when it is valid), each located by its JSON path."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    found = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path) or "(the file)"
        found.append(Problem(file, None, None, path.lstrip("."), error.message))
    if not found:
        for i, metric in enumerate(document["metrics"]):  # dates must be real calendar days
            for j, point in enumerate(metric["dataPoints"]):
                try:
                    date.fromisoformat(point["dateOfMeasurement"])
                except ValueError:
                    found.append(Problem(file, None, None, f"metrics[{i}].dataPoints[{j}].dateOfMeasurement",
                                         f"'{point['dateOfMeasurement']}' is not a calendar date"))
    return found


def read_theydo_metrics(path: str | Path, *, link: tuple[str, str] | None = None) -> pl.DataFrame:
    """The data points of a THEYDO_METRICS_V1 file (see :mod:`workbench.metrics.external`).

    ``link`` = (level, id or label) attaches metrics without a level group tag. Raises
    :class:`ImportRejected` with every problem located by its JSON path.
    """
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRejected([Problem(path.name, None, None, None, f"not a readable JSON file: {exc}")]) from None
    found = problems(document, path.name)
    if found:
        raise ImportRejected(found)
    rows = []
    for metric in document["metrics"]:
        kind = metric["type"]
        tags = {t["tagGroup"].casefold(): t["tag"] for t in metric.get("groupTags", [])}
        level = next((lv for lv in LEVELS if lv in tags), None)
        target = tags.get(level) if level else None
        if level is None and link is not None:
            level, target = link
        for point in metric["dataPoints"]:
            rows.append({"metric": metric["importKey"], "title": metric["title"], "type": kind,
                         "unit": metric["unit"], "aggregation": metric.get("aggregationMethod"),
                         "date": date.fromisoformat(point["dateOfMeasurement"]), "level": level, "target": target,
                         **{p: float(point[PROPERTY[p]]) for p in PARTS[kind]},
                         "dimensions": point.get("dimensions", [])})
    return conform_points(pl.DataFrame(rows, infer_schema_length=None)) if rows else conform_points(pl.DataFrame())


def theydo_document(points: pl.DataFrame, *, targets: dict[str, tuple[float, str]] | None = None) -> dict:
    """A THEYDO_METRICS_V1 document of data points (one metric per ``metric`` key, its points by date).

    ``targets`` maps metric keys to (target, "<=" or ">=").
    """
    metrics = []
    for key, group in points.sort("metric", "date").group_by("metric", maintain_order=True):
        first = group.row(0, named=True)
        kind = first["type"]
        metric = {"type": kind, "importKey": key[0], "title": first["title"] or key[0], "unit": first["unit"] or "",
                  "dataPoints": [_point(r, kind) for r in group.iter_rows(named=True)]}
        if kind == "OTHER":
            metric["aggregationMethod"] = first["aggregation"] or "SUM"
        if first["level"] and first["target"]:
            metric["groupTags"] = [{"tagGroup": first["level"], "tag": first["target"]}]
        if targets and key[0] in targets:
            value, direction = targets[key[0]]
            metric["target"] = value
            metric["targetComparisonOperator"] = ("LESS_THAN_OR_EQUAL_TO" if direction == "<="
                                                  else "MORE_THAN_OR_EQUAL_TO")
        metrics.append(metric)
    return {"format": FORMAT, "metrics": metrics}


def _point(row: dict, kind: str) -> dict:
    point = {"dateOfMeasurement": row["date"].isoformat()}
    if row["dimensions"]:
        point["dimensions"] = [{"key": d["key"], "value": d["value"]} for d in row["dimensions"]]
    for part in PARTS[kind]:
        value = row[part] or 0.0
        point[PROPERTY[part]] = int(value) if kind in ("NPS", "CSAT") or part == "respondents" else value
    return point


def write_theydo_metrics(points: pl.DataFrame, path: str | Path, **options) -> Path:
    """Write the data points as a THEYDO_METRICS_V1 file (checked against the format first), atomically."""
    document = theydo_document(points, **options)
    if found := problems(document, Path(path).name):
        raise ValueError("the export would break the THEYDO_METRICS_V1 format: " + "; ".join(
            f"{p.column}: {p.message}" for p in found))
    return write_text(path, json.dumps(document, ensure_ascii=False, indent=1))
