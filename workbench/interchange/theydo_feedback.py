"""TheyDo feedback files (``THEYDO_FEEDBACK_RESPONSES_V1``): read, validated with located problems, and written.

The format, as TheyDo imports and exports feedback::

    {"format": "THEYDO_FEEDBACK_RESPONSES_V1",
     "feedbackMetadata": {"feedbackName": "NPS Q1", "feedbackId": "nps-q1", "convertAllRowsToQuotes": false,
                          "feedbackFields": [{"fieldId": "f1", "fieldName": "Comment", "fieldType": "TEXT",
                                              "tagGroupTitle": null, "required": true}, …]},
     "responses": [{"responseId": "r1", "responseDateTime": "2026-03-01T10:00:00Z",
                    "responseFields": [{"fieldId": "f1", "textValue": "My bill is wrong"}, …]}, …]}

``fieldType`` is ``TEXT`` (the verbatim), ``TAG_GROUP`` (a tag, titled ``tagGroupTitle``), ``PERSONA`` or
``IGNORE``. Reading checks the file against :data:`SCHEMA` and further: field ids unique and known,
response ids unique, ISO 8601 times, required fields filled. Every problem is located by its JSON path
(``responses[12].responseFields[3].fieldId``) and nothing is read unless there is none. Writing builds
the document from a feedback frame, validates it against the same schema and writes it atomically.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jsonschema
import polars as pl

from workbench.files import write_text
from workbench.interchange.problems import ImportRejected, Problem
from workbench.interchange.textfile import read_bytes, utf8_text

FORMAT = "THEYDO_FEEDBACK_RESPONSES_V1"
FIELD_TYPES = ("TEXT", "TAG_GROUP", "PERSONA", "IGNORE")
ROW = "_wb_row"
_TEXT = {"type": "string", "minLength": 1}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "TheyDo feedback responses (version 1)",
    "type": "object",
    "required": ["format", "feedbackMetadata", "responses"],
    "properties": {
        "format": {"const": FORMAT},
        "feedbackMetadata": {
            "type": "object",
            "required": ["feedbackName", "feedbackId", "feedbackFields"],
            "properties": {
                "feedbackName": _TEXT,
                "feedbackId": _TEXT,
                "convertAllRowsToQuotes": {"type": "boolean"},
                "feedbackFields": {
                    "type": "array", "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["fieldId", "fieldName", "fieldType"],
                        "properties": {
                            "fieldId": _TEXT,
                            "fieldName": _TEXT,
                            "fieldType": {"enum": list(FIELD_TYPES)},
                            "tagGroupTitle": {"type": ["string", "null"]},
                            "required": {"type": "boolean"},
                        },
                    },
                },
            },
        },
        "responses": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["responseId", "responseDateTime", "responseFields"],
                "properties": {
                    "responseId": _TEXT,
                    "responseDateTime": {"type": "string"},
                    "responseFields": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["fieldId", "textValue"],
                            "properties": {"fieldId": _TEXT, "textValue": {"type": ["string", "null"]}},
                        },
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class FeedbackField:
    id: str
    name: str
    type: str
    tag_group_title: str | None = None
    required: bool = False


@dataclass(frozen=True)
class TheyDoFeedback:
    """A read TheyDo feedback file.

    ``responses``: one row per response, in file order: ``responseId``, ``responseDateTime`` (text, as
    written), one column per field that is not IGNORE (named by its ``fieldName``), ``text`` (the TEXT
    fields joined by a new line) and ``_wb_row`` (the response's index, as in ``responses[i]``).
    """

    name: str
    id: str
    fields: tuple[FeedbackField, ...]
    convert_all_rows_to_quotes: bool
    responses: pl.DataFrame


def json_path(parts) -> str:
    """A JSON path as a person reads it.

    >>> json_path(["responses", 12, "responseFields", 3, "fieldId"])
    'responses[12].responseFields[3].fieldId'
    """
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the document)"


def _iso(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return False
    return "T" in value or len(value) == 10


def validate(document, file: str) -> list[Problem]:
    """Every problem of a parsed TheyDo feedback document, located by JSON path (empty when it is valid)."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    problems = [Problem(file, None, None, json_path(e.absolute_path), e.message)
                for e in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))]
    if problems:
        return problems
    fields = document["feedbackMetadata"]["feedbackFields"]
    known: dict[str, dict] = {}
    for i, f in enumerate(fields):
        if f["fieldId"] in known:
            problems.append(Problem(file, None, None, f"feedbackMetadata.feedbackFields[{i}].fieldId",
                                    f"field id '{f['fieldId']}' is used by an earlier field"))
        known.setdefault(f["fieldId"], f)
    names = [f["fieldName"] for f in fields if f["fieldType"] != "IGNORE"]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append(Problem(file, None, None, "feedbackMetadata.feedbackFields",
                                f"two fields are named '{name}'; give each a name of its own"))
    if not any(f["fieldType"] == "TEXT" for f in fields):
        problems.append(Problem(file, None, None, "feedbackMetadata.feedbackFields",
                                "no field of type TEXT: there is no verbatim to read"))
    seen: set[str] = set()
    for i, response in enumerate(document["responses"]):
        where = f"responses[{i}]"
        if response["responseId"] in seen:
            problems.append(Problem(file, None, None, f"{where}.responseId",
                                    f"response id '{response['responseId']}' is used by an earlier response"))
        seen.add(response["responseId"])
        if not _iso(response["responseDateTime"]):
            problems.append(Problem(file, None, None, f"{where}.responseDateTime",
                                    f"'{response['responseDateTime']}' is not an ISO 8601 date and time"))
        filled = set()
        for j, value in enumerate(response["responseFields"]):
            if value["fieldId"] not in known:
                problems.append(Problem(file, None, None, f"{where}.responseFields[{j}].fieldId",
                                        f"no field '{value['fieldId']}' in feedbackMetadata.feedbackFields"))
            if (value["textValue"] or "").strip():
                filled.add(value["fieldId"])
        for f in fields:
            if f.get("required") and f["fieldId"] not in filled:
                problems.append(Problem(file, None, None, f"{where}.responseFields",
                                        f"the required field '{f['fieldName']}' ({f['fieldId']}) is empty"))
    return problems


def read_theydo_feedback(path: str | Path) -> TheyDoFeedback:
    """Read and validate a TheyDo feedback file; :class:`ImportRejected` lists every problem."""
    file = str(path)
    text = utf8_text(file, read_bytes(path, file))  # bounded (WORKBENCH_MAX_FILE_MB); ImportRejected if not UTF-8
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRejected([Problem(file, None, error.lineno, None,
                                      f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")]) \
            from None
    problems = validate(document, file)
    if problems:
        raise ImportRejected(problems)
    meta = document["feedbackMetadata"]
    fields = tuple(FeedbackField(f["fieldId"], f["fieldName"], f["fieldType"], f.get("tagGroupTitle"),
                                 bool(f.get("required", False))) for f in meta["feedbackFields"])
    kept = [f for f in fields if f.type != "IGNORE"]
    rows = []
    for i, response in enumerate(document["responses"]):
        values = {v["fieldId"]: v["textValue"] for v in response["responseFields"]}
        texts = [values.get(f.id) for f in kept if f.type == "TEXT"]
        rows.append({"responseId": response["responseId"], "responseDateTime": response["responseDateTime"],
                     **{f.name: values.get(f.id) for f in kept},
                     "text": "\n".join(t.strip() for t in texts if t and t.strip()) or None, ROW: i})
    schema = {"responseId": pl.String, "responseDateTime": pl.String, **{f.name: pl.String for f in kept},
              "text": pl.String, ROW: pl.Int64}
    return TheyDoFeedback(meta["feedbackName"], meta["feedbackId"], fields,
                          bool(meta.get("convertAllRowsToQuotes", False)), pl.DataFrame(rows, schema=schema))


def theydo_document(frame: pl.DataFrame, *, name: str, feedback_id: str, text: str = "text",
                    tags: Mapping[str, str] | None = None, persona: str | None = None,
                    convert_all_rows_to_quotes: bool = False) -> dict:
    """A TheyDo feedback document of ``frame``: one response per row (``feedback_id``, ``timestamp``,
    the ``text`` column), each column of ``tags`` (column → tag group title) a TAG_GROUP field and
    ``persona`` a PERSONA field. Validated against :data:`SCHEMA` (a ``ValueError`` otherwise).
    """
    tags = dict(tags or {})
    columns = [("text", text, "TEXT", None), *((f"tag-{i + 1}", c, "TAG_GROUP", title)
                                              for i, (c, title) in enumerate(tags.items()))]
    if persona:
        columns.append(("persona", persona, "PERSONA", None))
    fields = [{"fieldId": fid, "fieldName": column, "fieldType": kind, "tagGroupTitle": title,
               "required": kind == "TEXT"} for fid, column, kind, title in columns]
    responses = []
    for row in frame.iter_rows(named=True):
        when = row["timestamp"]
        stamp = when.isoformat().replace("+00:00", "Z") if isinstance(when, datetime) else str(when)
        responses.append({"responseId": str(row["feedback_id"]), "responseDateTime": stamp,
                          "responseFields": [{"fieldId": fid, "textValue": None if row[c] is None else str(row[c])}
                                             for fid, c, _, _ in columns]})
    document = {"format": FORMAT,
                "feedbackMetadata": {"feedbackName": name, "feedbackId": feedback_id, "feedbackFields": fields,
                                     "convertAllRowsToQuotes": convert_all_rows_to_quotes},
                "responses": responses}
    problems = validate(document, "(written document)")
    if problems:
        raise ValueError("the TheyDo document would be invalid:\n  " + "\n  ".join(map(str, problems)))
    return document


def write_theydo_feedback(path: str | Path, frame: pl.DataFrame, **options) -> Path:
    """Write :func:`theydo_document` of ``frame`` to ``path`` (whole or not at all); returns the path."""
    document = theydo_document(frame, **options)
    return write_text(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")


__all__ = ["FORMAT", "SCHEMA", "FeedbackField", "TheyDoFeedback", "json_path", "read_theydo_feedback",
           "theydo_document", "validate", "write_theydo_feedback"]
