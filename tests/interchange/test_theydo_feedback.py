"""TheyDo feedback files: read, every problem located by JSON path, written valid and read back."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema
import polars as pl
import pytest
from model_fixtures import small_model

from workbench.interchange.problems import ImportRejected
from workbench.interchange.theydo_feedback import (
    FORMAT,
    SCHEMA,
    read_theydo_feedback,
    theydo_document,
    write_theydo_feedback,
)
from workbench.sources.feedback import FeedbackSpec, load_feedback


def _document() -> dict:
    return {
        "format": FORMAT,
        "feedbackMetadata": {
            "feedbackName": "NPS Q1", "feedbackId": "nps-q1", "convertAllRowsToQuotes": False,
            "feedbackFields": [
                {"fieldId": "f1", "fieldName": "Comment", "fieldType": "TEXT", "tagGroupTitle": None, "required": True},
                {"fieldId": "f2", "fieldName": "Journey", "fieldType": "TAG_GROUP", "tagGroupTitle": "Journey"},
                {"fieldId": "f3", "fieldName": "Persona", "fieldType": "PERSONA"},
                {"fieldId": "f4", "fieldName": "Internal", "fieldType": "IGNORE"},
            ]},
        "responses": [
            {"responseId": "r1", "responseDateTime": "2026-03-01T10:00:00Z",
             "responseFields": [{"fieldId": "f1", "textValue": "My bill is wrong"},
                                {"fieldId": "f2", "textValue": "i-move-house"}, {"fieldId": "f4", "textValue": "x"}]},
            {"responseId": "r2", "responseDateTime": "2026-03-02T11:00:00+01:00",
             "responseFields": [{"fieldId": "f1", "textValue": "De monteur kwam niet"},
                                {"fieldId": "f3", "textValue": "Starter"}]},
        ]}


def _write(tmp_path, document, name="feedback.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_valid_file_reads_into_responses(tmp_path):
    got = read_theydo_feedback(_write(tmp_path, _document()))
    assert (got.name, got.id, [f.type for f in got.fields]) == ("NPS Q1", "nps-q1",
                                                                ["TEXT", "TAG_GROUP", "PERSONA", "IGNORE"])
    assert got.responses.columns == ["responseId", "responseDateTime", "Comment", "Journey", "Persona", "text",
                                     "_wb_row"]
    assert got.responses.select("responseId", "Journey", "Persona", "text").rows() == [
        ("r1", "i-move-house", None, "My bill is wrong"), ("r2", None, "Starter", "De monteur kwam niet")]


def test_every_problem_is_located_by_json_path(tmp_path):
    document = _document()
    document["responses"][1]["responseId"] = "r1"
    document["responses"][1]["responseDateTime"] = "yesterday"
    document["responses"][0]["responseFields"][1]["fieldId"] = "f9"
    document["responses"][1]["responseFields"][0]["textValue"] = "  "
    with pytest.raises(ImportRejected) as caught:
        read_theydo_feedback(_write(tmp_path, document))
    where = {p.column: p.message for p in caught.value.problems}
    assert where == {
        "responses[0].responseFields[1].fieldId": "no field 'f9' in feedbackMetadata.feedbackFields",
        "responses[1].responseId": "response id 'r1' is used by an earlier response",
        "responses[1].responseDateTime": "'yesterday' is not an ISO 8601 date and time",
        "responses[1].responseFields": "the required field 'Comment' (f1) is empty",
    }
    assert f"{tmp_path / 'feedback.json'}:responses[1].responseId" in str(caught.value)


def test_schema_errors_name_their_path(tmp_path):
    document = _document()
    document["format"] = "THEYDO_FEEDBACK_RESPONSES_V2"
    document["feedbackMetadata"]["feedbackFields"][1]["fieldType"] = "TAGS"
    del document["responses"][1]["responseFields"][0]["textValue"]
    with pytest.raises(ImportRejected) as caught:
        read_theydo_feedback(_write(tmp_path, document))
    columns = sorted(p.column for p in caught.value.problems)
    assert columns == ["feedbackMetadata.feedbackFields[1].fieldType", "format", "responses[1].responseFields[0]"]


@pytest.mark.parametrize(("content", "message"), [(b"{not json", "not valid JSON"),
                                                  (b'{"format": "\xe9"}', "not UTF-8")])
def test_a_broken_file_is_refused(tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(ImportRejected, match=message):
        read_theydo_feedback(path)


def test_written_feedback_validates_and_reads_back(tmp_path):
    frame = pl.DataFrame({"feedback_id": ["F1", "F2"], "timestamp": [datetime(2026, 3, 1, 10, tzinfo=UTC)] * 2,
                          "text": ["My bill is wrong", "Wifi upstairs"], "reason_label": ["I pay my bill", None]})
    path = write_theydo_feedback(tmp_path / "out" / "tagged.json", frame, name="Tagged", feedback_id="tagged",
                                 tags={"reason_label": "Contact reason"})
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    back = read_theydo_feedback(path)
    assert back.responses.select("responseId", "responseDateTime", "text", "reason_label").rows() == [
        ("F1", "2026-03-01T10:00:00Z", "My bill is wrong", "I pay my bill"),
        ("F2", "2026-03-01T10:00:00Z", "Wifi upstairs", None)]
    assert [f.tag_group_title for f in back.fields] == [None, "Contact reason"]


def test_an_invalid_document_is_never_written(tmp_path):
    frame = pl.DataFrame({"feedback_id": ["F1"], "timestamp": ["2026-03-01T10:00:00Z"], "text": [None]},
                         schema={"feedback_id": pl.String, "timestamp": pl.String, "text": pl.String})
    with pytest.raises(ValueError, match="required field 'text'"):
        theydo_document(frame, name="x", feedback_id="x")
    with pytest.raises(ValueError):
        write_theydo_feedback(tmp_path / "never.json", frame, name="x", feedback_id="x")
    assert not (tmp_path / "never.json").exists()


def test_a_theydo_file_is_a_feedback_source(tmp_path):
    path = _write(tmp_path, _document())
    spec = FeedbackSpec(id="theydo", kind="theydo", location=str(path), mapping={"journey": "Journey"})
    got = load_feedback(spec, model=small_model())
    assert got.frame.select("feedback_id", "text", "journey").rows() == [
        ("r1", "My bill is wrong", "i-move-house"), ("r2", "De monteur kwam niet", None)]
    assert got.frame["timestamp"].dt.hour().to_list() == [10, 10]
    document = _document()
    document["responses"][0]["responseFields"][1]["textValue"] = "i-move-hous"
    with pytest.raises(Exception, match=r"response 0, column 'Journey'.*did you mean 'i-move-house'"):
        load_feedback(FeedbackSpec(id="t", kind="theydo", location=str(_write(tmp_path, document, "b.json")),
                                   mapping={"journey": "Journey"}), model=small_model())
