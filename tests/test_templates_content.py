"""Content checks on the industry templates in templates/*.yaml, independent of the workbench package.

Each template is loaded with plain ``yaml.safe_load`` and checked against the workspace YAML format
(version 1) and the framework's design rules: a life cycle of 4-6 stages, 60-80 contact reasons in the
customer's voice, every reference resolving, every journey step linked to a reason.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
EXPECTED = ["telecom", "telecom-nl", "insurance", "retail-banking", "energy", "public-sector"]
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DEFAULT_PREFIXES = {"en": ("I ", "I'm ", "My "), "nl": ("Ik ", "Mijn ")}


def load(name: str) -> dict:
    with open(TEMPLATES / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def reasons_of(doc: dict) -> list[dict]:
    return [r for stage in doc["stages"] for phase in stage["phases"] for r in phase["reasons"]]


def duplicates(values) -> list:
    return sorted(v for v, n in Counter(values).items() if n > 1)


@pytest.fixture(scope="module", params=EXPECTED)
def template(request) -> tuple[str, dict]:
    return request.param, load(request.param)


def test_every_expected_template_exists():
    assert sorted(p.stem for p in TEMPLATES.glob("*.yaml")) == sorted(EXPECTED)


def test_header(template):
    name, doc = template
    assert doc["format"] == "journey-workbench/1", name
    assert isinstance(doc["name"], str) and doc["name"].strip()
    assert doc["language"] == ("nl" if name.endswith("-nl") else "en")


def test_life_cycle_shape(template):
    name, doc = template
    assert 4 <= len(doc["stages"]) <= 6, name
    for stage in doc["stages"]:
        assert 2 <= len(stage["phases"]) <= 5, (name, stage["id"])
        for phase in stage["phases"]:
            assert phase["reasons"], f"{name}: phase {phase['id']} holds no reason"
    assert 60 <= len(reasons_of(doc)) <= 80, (name, len(reasons_of(doc)))


def test_ids_are_slugs_and_unique_per_kind(template):
    name, doc = template
    kinds = {
        "stage": [s["id"] for s in doc["stages"]],
        "phase": [p["id"] for s in doc["stages"] for p in s["phases"]],
        "reason": [r["id"] for r in reasons_of(doc)],
        "channel": [c["id"] for c in doc["channels"]],
        "segment": [s["id"] for s in doc["segments"]],
        "process": [p["id"] for p in doc["processes"]],
        "system": [s["id"] for s in doc["systems"]],
        "journey": [j["id"] for j in doc["journeys"]],
        # step and episode ids are unique across the whole workspace, not just per journey
        "episode": [e["id"] for j in doc["journeys"] for e in j["episodes"]],
        "step": [s["id"] for j in doc["journeys"] for s in j["steps"]],
    }
    for kind, ids in kinds.items():
        assert duplicates(ids) == [], f"{name}: duplicate {kind} ids"
        assert [i for i in ids if not SLUG.match(i)] == [], f"{name}: {kind} ids that are not slugs"


def test_labels_unique_and_reasons_in_customer_voice(template):
    name, doc = template
    prefixes = tuple(doc.get("voice_prefixes") or DEFAULT_PREFIXES[doc["language"]])
    reasons = reasons_of(doc)
    assert duplicates(r["label"] for r in reasons) == [], name
    assert duplicates(p["label"] for s in doc["stages"] for p in s["phases"]) == [], name
    assert duplicates(s["label"] for s in doc["stages"]) == [], name
    assert [r["label"] for r in reasons if not r["label"].startswith(prefixes)] == [], name
    for r in reasons:
        assert r.get("description", "").strip(), f"{name}: reason {r['id']} has no description"
        assert r.get("owner", "").strip(), f"{name}: reason {r['id']} has no owner"


def test_references_resolve(template):
    name, doc = template
    reason_ids = {r["id"] for r in reasons_of(doc)}
    channel_ids = {c["id"] for c in doc["channels"]}
    segment_ids = {s["id"] for s in doc["segments"]}
    journeys = {j["id"]: j for j in doc["journeys"]}
    for kind in ("processes", "systems"):
        assert doc[kind], f"{name}: no {kind}"
        for item in doc[kind]:
            assert item["reasons"], f"{name}: {kind} {item['id']} links no reason"
            assert set(item["reasons"]) <= reason_ids, (name, item["id"], set(item["reasons"]) - reason_ids)
    for journey in doc["journeys"]:
        where = f"{name}: journey {journey['id']}"
        assert journey["state"] in ("current", "future"), where
        assert journey.get("segment") is None or journey["segment"] in segment_ids, where
        if journey.get("counterpart"):
            other = journeys[journey["counterpart"]]
            assert other.get("counterpart") == journey["id"], f"{where}: counterpart is not set both ways"
            assert other["state"] != journey["state"], where
        episode_ids = {e["id"] for e in journey["episodes"]}
        for step in journey["steps"]:
            assert step["episode"] in episode_ids, (where, step["id"])
            assert step["channel"] in channel_ids, (where, step["id"])
            assert step.get("reason") in reason_ids, f"{where}: step {step['id']} is not linked to a reason"


def test_journeys_shape_and_scores(template):
    name, doc = template
    assert 2 <= len(doc["journeys"]) <= 4, name
    for journey in doc["journeys"]:
        where = f"{name}: journey {journey['id']}"
        prefixes = tuple(doc.get("voice_prefixes") or DEFAULT_PREFIXES[doc["language"]])
        assert journey["label"].startswith(prefixes), where
        assert 4 <= len(journey["episodes"]) <= 7, where
        assert all(e["label"].startswith(prefixes) for e in journey["episodes"]), where
        assert 8 <= len(journey["steps"]) <= 20, where
        assert 1 <= sum(bool(s.get("moment_of_truth")) for s in journey["steps"]) <= 3, where
        used_episodes = {s["episode"] for s in journey["steps"]}
        assert used_episodes == {e["id"] for e in journey["episodes"]}, f"{where}: an episode without steps"
        for step in journey["steps"]:
            for key in ("emotion", "target_emotion"):
                assert step[key] in (-2, -1, 0, 1, 2), (where, step["id"], key)
            for key in ("satisfaction", "importance_to_customer", "importance_to_organisation"):
                assert step[key] in (1, 2, 3, 4, 5), (where, step["id"], key)
            assert step["target_emotion"] >= step["emotion"], (where, step["id"])
            assert step.get("touchpoint") and step.get("need"), (where, step["id"])


def test_every_reason_is_used_by_a_journey_process_or_system(template):
    name, doc = template
    used = {s["reason"] for j in doc["journeys"] for s in j["steps"]}
    used |= {r for kind in ("processes", "systems") for item in doc[kind] for r in item["reasons"]}
    assert sorted({r["id"] for r in reasons_of(doc)} - used) == [], name


def test_journeys_share_reasons(template):
    """The point of the method: the same reason appears in more than one journey."""
    name, doc = template
    per_journey = [{s["reason"] for s in j["steps"]} for j in doc["journeys"] if j["state"] == "current"]
    shared = set.intersection(*per_journey) if len(per_journey) > 1 else set()
    pairs = [a & b for i, a in enumerate(per_journey) for b in per_journey[i + 1:]]
    assert shared or any(pairs), f"{name}: no reason is shared between current journeys"


def test_telecom_channels_and_richness():
    doc = load("telecom")
    assert {c["id"]: c["digital"] for c in doc["channels"]} == {
        "phone": False, "chat": True, "web": True, "app": True,
        "shop": False, "email": True, "letter": False, "social": True,
    }
    assert 8 <= len(doc["processes"]) <= 12 and 6 <= len(doc["systems"]) <= 10
    assert any(j["state"] == "future" for j in doc["journeys"])


def test_dutch_telecom_mirrors_english_ids():
    """telecom-nl is the same model in Dutch: the stable ids match, the labels are translated."""
    en, nl = load("telecom"), load("telecom-nl")
    assert nl["voice_prefixes"] == ["Ik ", "Mijn "]
    for key in ("channels", "segments", "processes", "systems", "journeys"):
        assert [x["id"] for x in nl[key]] == [x["id"] for x in en[key]], key
    assert [r["id"] for r in reasons_of(nl)] == [r["id"] for r in reasons_of(en)]
    steps = {key: [(s["id"], s["episode"], s["channel"], s["reason"]) for j in doc["journeys"] for s in j["steps"]]
             for key, doc in (("en", en), ("nl", nl))}
    assert steps["nl"] == steps["en"], "the Dutch journeys must have the same steps, linked to the same reasons"
    untranslated = [n["id"] for n, e in zip(reasons_of(nl), reasons_of(en), strict=True) if n["label"] == e["label"]]
    assert untranslated == [], f"untranslated reason labels: {untranslated}"
