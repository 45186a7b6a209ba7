"""Feedback sources: mapping, located bad rows, reject or quarantine, transcripts, languages, the registry."""

from __future__ import annotations

import json

import polars as pl
import pytest
from model_fixtures import small_model

from workbench.sources.connectors import SourceError
from workbench.sources.feedback import FeedbackSpec, add_feedback_source, feedback, feedback_sources, load_feedback
from workbench.sources.registry import add_source, contacts, list_sources
from workbench.sources.report import SourceRejected
from workbench.sources.spec import SourceSpec, SpecError
from workbench.store import Store

MAPPING = {"feedback_id": "id", "timestamp": "when", "text": "comment", "score": "nps", "journey": "journey"}
HEADER = "id,when,comment,nps,journey\n"


def _spec(location, **kw) -> FeedbackSpec:
    return FeedbackSpec(id="survey", kind="csv", location=str(location), mapping=MAPPING,
                        constants={"scale": "nps"}, **kw)


def _csv(tmp_path, body: str, name="survey.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_clean_csv_loads_into_the_feedback_schema(tmp_path):
    path = _csv(tmp_path, "F1,2026-03-01 10:00,My bill is wrong and I am not happy,3,i-move-house\n"
                          "F2,2026-03-02T09:30:00+01:00,De monteur is niet gekomen,9,\n")
    got = load_feedback(_spec(path), model=small_model())
    assert got.report.rows_read == 2 and got.report.rows_kept == 2 and got.report.rows_bad == 0
    frame = got.frame
    assert frame.select("feedback_id", "score", "scale", "journey", "language").rows() == [
        ("F1", 3, "nps", "i-move-house", "en"), ("F2", 9, "nps", None, "nl")]
    assert frame["timestamp"].dt.hour().to_list() == [10, 8]  # 09:30+01:00 is 08:30 UTC


def test_every_bad_row_is_located_and_the_load_is_refused(tmp_path):
    huge = "x" * 10_485_760  # a 10 MB cell: the CSV reader sets the whole line aside (over 1 MB)
    long = "y" * 25_000  # over the 20,000 characters a text may have
    path = _csv(tmp_path, "F1,2026-03-01,fine comment,3,\n"
                          "F2,2026-03-01,   ,3,\n"             # line 3: blank text
                          f"F3,2026-03-01,{huge},3,\n"          # line 4: the line is too long
                          "F4,2026-03-01,ok,3,i-move-hous\n"     # line 5: unknown journey
                          "F1,2026-03-01,again,3,\n"             # line 6: repeated id
                          "F6,yesterday,text,11,\n"             # line 7: bad time, score off the scale
                          f"F7,2026-03-01,{long},3,\n")          # line 8: the text is too long
    with pytest.raises(SourceRejected) as caught:
        load_feedback(_spec(path), model=small_model())
    report = caught.value.report
    assert report.rows_bad == 6 and report.rows_kept == 1
    assert report.counts == {"missing_text": 1, "line_too_long": 1, "text_too_long": 1, "unknown_journey": 1,
                             "duplicate_feedback_id": 1, "bad_timestamp": 1, "score_out_of_range": 1}
    text = str(caught.value)
    assert f"{path}, line 3, column 'comment': no text" in text
    assert f"{path}, line 4, column '(whole line)': the line is 10,485,777 bytes long" in text
    assert "a row may be at most 1,048,576 bytes" in text
    assert f"{path}, line 8, column 'comment'" in text and "25,000 characters is too long" in text
    assert "'i-move-hous' is not a journey of the model (did you mean 'i-move-house'?)" in text
    assert f"{path}, line 6, column 'id': 'F1' is a feedback id used before" in text
    assert "line 7, column 'nps': '11' is not a whole number on the scale" in text
    assert not (tmp_path / "quarantine").exists()


def test_quarantine_sets_bad_rows_aside_and_keeps_the_rest(tmp_path):
    path = _csv(tmp_path, "F1,2026-03-01,fine,3,\nF2,2026-03-01,,4,\n")
    got = load_feedback(_spec(path, on_bad_rows="quarantine"), model=small_model(), workspace_dir=tmp_path)
    assert got.frame["feedback_id"].to_list() == ["F1"]
    aside = pl.read_parquet(tmp_path / "quarantine" / "survey.parquet")
    assert aside.select("source_row", "id", "problem").rows() == [(3, "F2", "missing_text:comment")]


def test_an_encoding_is_detected_and_a_wrong_one_named_is_refused_whole(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes((HEADER + "F1,2026-03-01,café très cher,3,\n").encode("cp1252"))
    assert load_feedback(_spec(path)).frame["text"].item() == "café très cher"  # detected, as contact files
    with pytest.raises(SourceError, match=r"not valid utf-8(-sig)? at byte \d+ \(line 2\)"):
        load_feedback(_spec(path, options={"encoding": "utf-8"}))


def test_a_step_must_exist_and_belong_to_the_journey(tmp_path):
    path = tmp_path / "steps.csv"
    path.write_text("id,when,comment,journey,step\nF1,2026-03-01,a,i-join,move-2\nF2,2026-03-01,b,,move-9\n",
                    encoding="utf-8")
    spec = FeedbackSpec(id="s", kind="csv", location=str(path),
                        mapping={"feedback_id": "id", "timestamp": "when", "text": "comment", "journey": "journey",
                                 "step": "step"})
    with pytest.raises(SourceRejected) as caught:
        load_feedback(spec, model=small_model())
    assert caught.value.report.counts == {"step_of_other_journey": 1, "unknown_step": 1}
    assert "('i-move-house', not 'i-join')" in str(caught.value)


def test_a_transcript_keeps_the_customers_turns(tmp_path):
    turns = [{"actor": "agent", "statement": "Shall I upgrade your phone?"},
             {"actor": "customer", "statement": "No, my internet is down"}]
    frame = pl.DataFrame({"id": ["T1"], "when": ["2026-03-01"], "comment": [json.dumps(turns)]})
    frame.write_parquet(tmp_path / "chat.parquet")
    spec = FeedbackSpec(id="chat", kind="parquet", location=str(tmp_path / "chat.parquet"),
                        mapping={"feedback_id": "id", "timestamp": "when", "text": "comment"})
    assert load_feedback(spec).frame["text"].item() == "No, my internet is down"


def test_spec_problems_are_named():
    with pytest.raises(SpecError) as caught:
        FeedbackSpec(id="Bad Id", kind="xls", location="x", mapping={"txt": "c", "score": "s"})
    message = str(caught.value)
    assert "lowercase slug" in message and "kind 'xls'" in message and "'txt' is not a feedback column" in message
    assert "'text' is required" in message and "a score needs its scale" in message


def test_the_registry_keeps_feedback_apart_from_contacts(tmp_path):
    store = Store.create(f"sqlite:///{tmp_path / 'w.db'}", small_model())
    path = _csv(tmp_path, "F1,2026-03-01,fine,3,\n")
    report = add_feedback_source(store, _spec(path), workspace_dir=tmp_path)
    assert report.rows_kept == 1
    assert [type(s) for s in list_sources(store)] == [FeedbackSpec]
    assert feedback_sources(store)[0] == _spec(path)  # round-trips through the sources table
    assert contacts(store, tmp_path).frame.collect().height == 0  # contacts() skips feedback sources
    assert feedback(store, tmp_path).frame.select("source", "feedback_id").rows() == [("survey", "F1")]


def test_a_rejected_feedback_source_is_not_registered(tmp_path):
    store = Store.create(f"sqlite:///{tmp_path / 'w.db'}", small_model())
    path = _csv(tmp_path, "F1,2026-03-01,,3,\n")
    with pytest.raises(SourceRejected):
        add_feedback_source(store, _spec(path), workspace_dir=tmp_path)
    assert list_sources(store) == []


def test_a_contact_spec_cannot_claim_feedback_content(tmp_path):
    with pytest.raises(SpecError, match="content 'feedback'"):
        SourceSpec(id="x", kind="csv", location="x", content="feedback",
                   constants={"customer_id": "c", "timestamp": "t", "channel": "phone", "source_code": "s"})
    store = Store.create(f"sqlite:///{tmp_path / 'w.db'}", small_model())
    add_source(store, _spec(tmp_path / "later.csv"))
    from workbench.sources.load import load_source

    with pytest.raises(SourceError, match="holds feedback"):
        load_source(list_sources(store)[0])
