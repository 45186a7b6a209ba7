"""External metrics from a spreadsheet or CSV in long format: one row per data point.

Columns (headers matched ignoring case): ``metric`` (a key; also the title unless a ``title`` column is
given), ``date``, ``type`` (NPS, CSAT, CES, RATIO or OTHER; default OTHER), ``unit``, ``aggregation``
(OTHER: SUM or AVERAGE), the parts of its type — ``value``; ``promoters, passives, detractors``;
``very_unsatisfied … very_satisfied``; ``score, respondents``; ``numerator, denominator`` — a link
column naming what the point belongs to (``reason``, ``phase``, ``stage``, ``journey`` or ``step``: an id
or a label), and any other column as a dimension (brand, region …). Every problem is located by row and
column; nothing is imported when there is one.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl

from workbench.interchange.convert import _number, to_date
from workbench.interchange.labels import Labels
from workbench.interchange.problems import ImportRejected, Problem
from workbench.metrics.external import LEVELS, PARTS, TYPES, conform_points
from workbench.model import COLLECTIONS, Model

KNOWN = {"metric", "title", "date", "type", "unit", "aggregation", *LEVELS, *(p for ps in PARTS.values() for p in ps)}


def read_metric_table(path: str | Path, model: Model) -> pl.DataFrame:
    """The data points of a long-format metrics file (see the module docstring), linked to ``model``."""
    path = Path(path)
    frame = _read(path)
    columns = {c.strip().casefold(): c for c in frame.columns}
    problems: list[Problem] = []
    for needed in ("metric", "date"):
        if needed not in columns:
            problems.append(Problem(path.name, None, 1, needed, f"no '{needed}' column; the columns are "
                                    f"{', '.join(frame.columns)}"))
    links = [c for c in LEVELS if c in columns]
    if len(links) > 1:
        problems.append(Problem(path.name, None, 1, links[1], f"a point belongs to one thing: use one of the "
                                f"columns {', '.join(links)}"))
    if problems:
        raise ImportRejected(problems)
    level = links[0] if links else None
    index = (Labels({k: (model.journey_title(k) if level == "journey" else e.label)
                     for k, e in getattr(model, COLLECTIONS[level]).items()}, level) if level else None)
    dimensions = [c for c in frame.columns if c.strip().casefold() not in KNOWN]
    rows = []
    for i, raw in enumerate(frame.iter_rows(named=True), start=2):
        get = {k: raw[v] for k, v in columns.items()}
        kind = str(get.get("type") or "OTHER").strip().upper()
        if kind not in TYPES:
            problems.append(Problem(path.name, None, i, columns.get("type"), f"'{kind}' is not one of "
                                    f"{', '.join(TYPES)}"))
            continue
        when, error = to_date(get["date"].date() if isinstance(get["date"], datetime) else get["date"])
        if error or when is None:
            problems.append(Problem(path.name, None, i, columns["date"], error or "the date is empty"))
        parts = {}
        for part in PARTS[kind]:
            number = _number(get.get(part)) if get.get(part) is not None else None
            if number is None:
                problems.append(Problem(path.name, None, i, columns.get(part, part),
                                        f"a {kind} point needs a number in '{part}'"))
            parts[part] = number
        target = None
        if level and get.get(level) not in (None, ""):
            found = index.resolve(str(get[level]).strip())
            if found.error:
                problems.append(Problem(path.name, None, i, columns[level], found.error))
            target = found.id
        rows.append({"metric": str(get["metric"]).strip(), "title": str(get.get("title") or get["metric"]),
                     "type": kind, "unit": str(get.get("unit") or ""),
                     "aggregation": (str(get.get("aggregation") or "SUM").upper() if kind == "OTHER" else None),
                     "date": when, "level": level if target else None, "target": target, **parts,
                     "dimensions": [{"key": d, "value": str(raw[d])} for d in dimensions if raw[d] not in (None, "")]})
    if problems:
        raise ImportRejected(problems)
    return conform_points(pl.DataFrame(rows, infer_schema_length=None)) if rows else conform_points(pl.DataFrame())


def _read(path: Path) -> pl.DataFrame:
    import fastexcel

    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig")
            separator = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
            return pl.read_csv(path, separator=separator, infer_schema=False, encoding="utf8-lossy")
        if suffix == ".xlsx":
            return fastexcel.read_excel(path).load_sheet(0).to_polars()
    except (OSError, UnicodeDecodeError, pl.exceptions.PolarsError, fastexcel.FastExcelError) as exc:
        raise ImportRejected([Problem(path.name, None, None, None, f"cannot be read as a table: {exc}")]) from None
    raise ImportRejected([Problem(path.name, None, None, None, f"'{suffix}' is not a metrics file: use .csv, .xlsx "
                                  "or THEYDO_METRICS_V1 .json")])

