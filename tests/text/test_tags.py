"""Confirmed tags: stored revision-checked, replaced per feedback id, refused whole when wrong."""

from __future__ import annotations

import pytest

from workbench.errors import ConflictError, InputError
from workbench.store import Store
from workbench.text.tags import confirm, confirmed_tags


@pytest.fixture
def store(tmp_path, model):
    return Store.create(f"sqlite:///{tmp_path / 'w.db'}", model)


def test_confirmations_are_stored_with_text_and_source(store, model):
    revision = confirm(store, model, [("F1", "pay-bill"), ("F2", "report-fault")],
                       {"F1": "paid twice", "F2": "no internet"}, source="nps", by="ann")
    tags, now = confirmed_tags(store)
    assert now == revision == 1
    assert tags.select("feedback_id", "source", "reason", "text", "by").rows() == [
        ("F1", "nps", "pay-bill", "paid twice", "ann"), ("F2", "nps", "report-fault", "no internet", "ann")]


def test_a_later_confirmation_replaces_the_earlier_one(store, model):
    confirm(store, model, [("F1", "pay-bill")], {"F1": "paid twice"}, source="nps")
    confirm(store, model, [("F1", "change-details")], {"F1": "paid twice"}, source="nps")
    confirm(store, model, [("F1", "report-fault")], {"F1": "other text"}, source="web")  # another source's F1
    tags, _ = confirmed_tags(store)
    assert sorted(tags.select("source", "reason").rows()) == [("nps", "change-details"), ("web", "report-fault")]


def test_an_unknown_reason_or_feedback_id_stores_nothing(store, model):
    with pytest.raises(InputError, match="F2: no reason 'pay-bil'.*did you mean.*\n.*F3: no feedback"):
        confirm(store, model, [("F1", "pay-bill"), ("F2", "pay-bil"), ("F3", "pay-bill")],
                {"F1": "a", "F2": "b"})
    assert confirmed_tags(store)[1] == 0


def test_a_stale_revision_is_a_conflict(store, model):
    confirm(store, model, [("F1", "pay-bill")], {"F1": "a"})
    with pytest.raises(ConflictError):
        confirm(store, model, [("F2", "pay-bill")], {"F2": "b"}, revision=0)
    assert confirmed_tags(store)[0].height == 1


def test_not_a_contact_reason_is_stored_unassigned_and_trains_nothing(tmp_path):
    import polars as pl

    from workbench.sources.feedback import FeedbackSpec, add_feedback_source
    from workbench.text.knowledge import training_texts
    from workbench.text.tags import NOT_A_REASON
    from workbench.text.workspace import knowledge, tag_feedback
    from workbench.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws", template="telecom")
    model = ws.load()
    pl.DataFrame({"id": ["F1", "F2"], "when": ["2026-01-02T10:00:00Z"] * 2,
                  "comment": ["Great weather today, go team!", "There is a charge on my bill I do not know"]}
                 ).write_csv(tmp_path / "ws" / "fb.csv")
    add_feedback_source(ws.store, FeedbackSpec(id="survey", kind="csv", location="fb.csv", mapping={
        "feedback_id": "id", "timestamp": "when", "text": "comment"}), model=model, workspace_dir=ws.path)
    confirm(ws.store, model, [("F1", NOT_A_REASON)], {"F1": "Great weather today, go team!"}, source="survey")
    tagged = tag_feedback(ws.store, ws.path, model).sort("feedback_id")
    assert tagged.select("feedback_id", "reason_1", "assigned", "tagged_by").rows()[0] == (
        "F1", None, "unassigned", "person")
    assert tagged["tagged_by"].to_list() == ["person", "model"]
    assert "tag" not in training_texts(model, **knowledge(ws.store, model))["origin"].to_list()
    ws.close()
