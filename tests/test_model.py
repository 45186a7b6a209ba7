"""The domain model: slugs, references checked on add, and the operations keeping their invariants."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.model import (
    SLUG,
    Channel,
    ContactReason,
    Episode,
    Journey,
    Model,
    ModelError,
    Phase,
    Process,
    ReasonInUse,
    Stage,
    Step,
    System,
    slugify,
)


def build() -> Model:
    """Two stages, three phases, four reasons; two journeys; a process and a system."""
    m = Model(name="Test Co")
    m.add(
        Stage("becoming", "Becoming a customer"), Stage("being", "Being a customer"),
        Phase("buying", "becoming", "Buying"), Phase("using", "being", "Using"),
        Phase("leaving-soon", "being", "Leaving soon"),
        ContactReason("order", "buying", "I place an order"),
        ContactReason("pay", "using", "I pay my bill"),
        ContactReason("details", "using", "I change my details"),
        ContactReason("fault", "using", "I report a fault"),
        Channel("web", "Website", digital=True),
        Process("billing", "Billing", reasons=("pay", "details")),
        System("crm", "CRM", reasons=("details", "order")),
        Journey("move", "I move house"), Journey("join", "I join"),
        Episode("move-e1", "move", "I prepare"), Episode("join-e1", "join", "I choose"),
        Step("move-1", "move", "Reports new address", episode="move-e1", reason="details"),
        Step("move-2", "move", "Asks about bill", reason=None),
        Step("move-3", "move", "Pays final bill", channel="web", reason="pay"),
        Step("join-1", "join", "Orders", episode="join-e1", reason="order"),
        Step("join-2", "join", "Pays first bill", reason="pay"),
    )
    return m


def links(m: Model) -> dict[str, str | None]:
    return {s.id: s.reason for s in m.steps.values()}


# -- slugify ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("label", "slug"), [
    ("I change my details", "i-change-my-details"),
    ("Déménagement à Zürich", "demenagement-a-zurich"),
    ("Ik wijzig mijn gegevens", "ik-wijzig-mijn-gegevens"),
    ("Ĳsselmeer café", "ijsselmeer-cafe"),            # the Dutch ĳ ligature decomposes to "ij"
    ("Ik verhuis naar een nieuw adres — snel!", "ik-verhuis-naar-een-nieuw-adres-snel"),
    ("I 🚀 move 🏠 house", "i-move-house"),
    ("Straße Ærø", "strasse-aero"),
    ("", "item"),
    ("  --I'm   moving__NOW--  ", "i-m-moving-now"),
    ("Step 10", "step-10"),
])
def test_slugify(label, slug):
    assert slugify(label) == slug
    assert SLUG.match(slug)


def test_slugify_of_a_label_without_latin_letters_is_stable_and_distinct():
    assert slugify("🎉🎉") == slugify("🎉🎉") != slugify("Переезд")
    assert SLUG.match(slugify("Переезд")) and slugify("Переезд").startswith("item-")


@given(st.text())
def test_slugify_always_gives_a_valid_stable_slug(text):
    slug = slugify(text)
    assert SLUG.match(slug)
    assert slugify(slug) == slug


# -- add -----------------------------------------------------------------------------------------------
def test_add_refuses_bad_references_with_a_clear_message():
    m = build()
    with pytest.raises(ModelError, match=r"^step 'move-4': unknown reason 'pya'$"):
        m.add(Step("move-4", "move", "Pays", reason="pya"))
    with pytest.raises(ModelError, match=r"reason 'x': unknown phase 'nowhere'"):
        m.add(ContactReason("x", "nowhere", "I do x"))
    with pytest.raises(ModelError, match=r"phase 'p': unknown stage 'nope'"):
        m.add(Phase("p", "nope", "P"))
    with pytest.raises(ModelError, match=r"episode 'e': unknown journey 'ghost'"):
        m.add(Episode("e", "ghost", "I do"))
    with pytest.raises(ModelError, match=r"step 's': episode 'join-e1' belongs to another journey"):
        m.add(Step("s", "move", "S", episode="join-e1"))
    with pytest.raises(ModelError, match=r"reason 'Pay Bill': id must be a lowercase slug like 'pay-bill'"):
        m.add(ContactReason("Pay Bill", "using", "I pay"))
    with pytest.raises(ModelError, match=r"unknown channel 'fax'.*unknown reason 'nope'"):
        m.add(Step("s", "move", "S", channel="fax", reason="nope"))   # every problem, in one message
    assert m == build()


def test_add_is_all_or_nothing():
    m = build()
    with pytest.raises(ModelError):
        m.add(ContactReason("good", "using", "I am fine"), ContactReason("bad", "nowhere", "I am not"))
    assert "good" not in m.reasons


def test_add_chains_and_replaces_by_id():
    m = build()
    assert m.add(ContactReason("pay", "using", "I pay my invoice")) is m
    assert m.reasons["pay"].label == "I pay my invoice"
    assert list(m.reasons) == ["order", "pay", "details", "fault"]   # replacing keeps the position


# -- rename and moves -------------------------------------------------------------------------------------
def test_rename_keeps_id_and_links():
    m = build()
    m.rename("reasons", "pay", "I receive and pay my bill")
    assert m.reasons["pay"] == ContactReason("pay", "using", "I receive and pay my bill")
    assert links(m) == links(build())
    assert m.processes["billing"].reasons == ("pay", "details")
    m.rename("journeys", "move", "I relocate")
    assert m.journeys["move"].label == "I relocate" and [s.id for s in m.steps_of("move")] == [
        "move-1", "move-2", "move-3"]
    with pytest.raises(ModelError, match=r"unknown reason 'pya' \(did you mean 'pay'\?\)"):
        m.rename("reasons", "pya", "x")


def test_move_reason_keeps_links_and_orders_with_before():
    m = build()
    m.move_reason("pay", "buying")
    assert m.reasons["pay"].phase == "buying"
    assert [r.id for r in m.reasons_of("buying")] == ["order", "pay"]
    assert links(m) == links(build())
    assert m.processes["billing"].reasons == ("pay", "details")
    m.move_reason("fault", "buying", before="order")
    assert [r.id for r in m.reasons_of("buying")] == ["fault", "order", "pay"]
    assert [r.id for r in m.reasons_of("using")] == ["details"]
    assert m.problems() == []


def test_move_reason_to_unknown_phase_is_refused_and_changes_nothing():
    m = build()
    with pytest.raises(ModelError, match=r"unknown phase 'usin' \(did you mean 'using'\?\)"):
        m.move_reason("pay", "usin")
    with pytest.raises(ModelError, match=r"unknown reason 'nope'"):
        m.move_reason("nope", "using")
    assert m == build()


def test_move_phase():
    m = build()
    m.move_phase("leaving-soon", "becoming", before="buying")
    assert m.phases["leaving-soon"].stage == "becoming"
    assert [p.id for p in m.phases_of("becoming")] == ["leaving-soon", "buying"]
    assert [p.id for p in m.phases_of("being")] == ["using"]
    assert m.stage_of("pay") == "being"
    m.move_phase("using", "becoming")
    assert m.stage_of("pay") == "becoming"
    with pytest.raises(ModelError, match=r"unknown stage 'leaving'"):
        m.move_phase("using", "leaving")


# -- merge and delete ---------------------------------------------------------------------------------------
def test_merge_reasons_moves_steps_processes_and_systems_and_collapses_duplicates():
    m = build()
    m.merge_reasons("details", "pay")
    assert "details" not in m.reasons
    assert links(m) == {"move-1": "pay", "move-2": None, "move-3": "pay", "join-1": "order", "join-2": "pay"}
    assert m.processes["billing"].reasons == ("pay",)            # ("pay", "pay") collapsed
    assert m.systems["crm"].reasons == ("pay", "order")          # replaced in place
    assert m.problems() == []


def test_merge_into_itself_or_unknown_is_refused():
    m = build()
    with pytest.raises(ModelError, match="cannot merge reason 'pay' into itself"):
        m.merge_reasons("pay", "pay")
    with pytest.raises(ModelError, match="unknown reason 'ghost'"):
        m.merge_reasons("pay", "ghost")
    assert m == build()


def test_delete_reason_in_use_is_refused_listing_the_steps():
    m = build()
    with pytest.raises(ReasonInUse) as refused:
        m.delete_reason("pay")
    assert refused.value.reason == "pay"
    assert [s.id for s in refused.value.steps] == ["move-3", "join-2"]
    assert "linked by 2 step(s): move/move-3, join/join-2" in str(refused.value)
    assert "relink_to" in str(refused.value)
    assert isinstance(refused.value, ModelError)
    assert m == build()


def test_delete_reason_with_relink_to():
    m = build()
    m.delete_reason("pay", relink_to="details")
    assert "pay" not in m.reasons
    assert links(m)["move-3"] == links(m)["join-2"] == "details"
    assert m.processes["billing"].reasons == ("details",)
    assert m.problems() == []
    with pytest.raises(ModelError, match="unknown reason 'ghost'"):
        m.delete_reason("details", relink_to="ghost")
    assert "details" in m.reasons and links(m)["move-1"] == "details"


def test_delete_unlinked_reason_drops_it_from_processes_and_systems():
    m = build()
    m.link("move-1", None)
    m.delete_reason("details")
    assert "details" not in m.reasons
    assert m.processes["billing"].reasons == ("pay",)
    assert m.systems["crm"].reasons == ("order",)
    assert m.problems() == []


def test_delete_reason_relinked_to_itself_leaves_no_dangling_link():
    m = build()
    try:
        m.delete_reason("pay", relink_to="pay")
    except ModelError:
        pass
    assert m.problems() == []


def test_delete_phase_only_when_empty():
    m = build()
    with pytest.raises(ModelError, match=r"phase 'using' still holds 3 reason\(s\): pay, details, fault"):
        m.delete_phase("using")
    assert m == build()
    m.delete_phase("leaving-soon")
    assert list(m.phases) == ["buying", "using"]
    with pytest.raises(ModelError, match="unknown phase 'leaving-soon'"):
        m.delete_phase("leaving-soon")


# -- journeys ------------------------------------------------------------------------------------------------
def test_link_and_unlink():
    m = build()
    m.link("move-2", "pay")
    assert m.steps["move-2"].reason == "pay"
    assert [s.id for s in m.steps_linked_to("pay")] == ["move-2", "move-3", "join-2"]
    m.link("move-3", None)
    assert m.steps["move-3"].reason is None
    assert m.steps["move-3"].label == "Pays final bill"   # everything else kept
    with pytest.raises(ModelError, match=r"unknown reason 'pya' \(did you mean 'pay'\?\)"):
        m.link("move-1", "pya")
    with pytest.raises(ModelError, match="unknown step 'move-9'"):
        m.link("move-9", "pay")
    assert m.steps["move-1"].reason == "details"


def test_designed_sequence_follows_step_order_and_skips_unlinked():
    m = build()
    assert m.designed_sequence("move") == ["details", "pay"]
    assert m.designed_sequence("join") == ["order", "pay"]
    assert m.designed_sequence("nobody") == []
    m.link("move-2", "fault")
    assert m.designed_sequence("move") == ["details", "fault", "pay"]


def test_copy_is_independent():
    m = build()
    c = m.copy()
    assert c == m and c is not m
    c.link("move-2", "pay")
    c.rename("reasons", "order", "I order")
    c.add(ContactReason("extra", "using", "I ask something"))
    c.voice_prefixes = ("Ik ",)
    assert m == build()
    assert c.steps["move-2"].reason == "pay" and m.steps["move-2"].reason is None


# -- problems() -------------------------------------------------------------------------------------------
def test_sound_model_has_no_problems():
    assert build().problems() == []


def test_problems_out_of_range_emotions_and_scores():
    m = build()
    m.steps["move-1"] = dataclasses.replace(m.steps["move-1"], emotion=3, target_emotion=-3)
    m.steps["move-2"] = dataclasses.replace(m.steps["move-2"], satisfaction=0, importance_to_customer=6,
                                            importance_to_organisation=5, emotion=-2)
    assert m.problems() == [
        "step 'move-1': emotion 3 is outside -2..+2",
        "step 'move-1': target_emotion -3 is outside -2..+2",
        "step 'move-2': satisfaction 0 is outside 1..5",
        "step 'move-2': importance_to_customer 6 is outside 1..5",
    ]
    with pytest.raises(ModelError, match="emotion 3 is outside"):
        build().add(Step("x", "move", "X", emotion=3))


def test_problems_out_of_range_episode_emotion():
    m = build()
    m.episodes["move-e1"] = dataclasses.replace(m.episodes["move-e1"], emotion=7)
    assert m.problems() == ["episode 'move-e1': emotion 7 is outside -2..+2"]


def test_problems_episode_of_another_journey_bad_state_unknown_counterpart():
    m = build()
    m.steps["move-1"] = dataclasses.replace(m.steps["move-1"], episode="join-e1")
    m.journeys["join"] = dataclasses.replace(m.journeys["join"], state="past", counterpart="joined")
    assert m.problems() == [
        "journey 'join': state must be 'current' or 'future', not 'past'",
        "step 'move-1': episode 'join-e1' belongs to another journey",
        "journey 'join': unknown counterpart 'joined'",
    ]


def test_problems_dangling_references_after_direct_edits():
    m = build()
    del m.phases["buying"]                       # bypasses delete_phase
    m.steps["join-2"] = dataclasses.replace(m.steps["join-2"], journey="gone", channel="fax")
    assert m.problems() == [
        "reason 'order': unknown phase 'buying'",
        "step 'join-2': unknown journey 'gone'",
        "step 'join-2': unknown channel 'fax'",
    ]


def test_problems_name_processes_correctly():
    m = build()
    m.processes["billing"] = dataclasses.replace(m.processes["billing"], reasons=("ghost",))
    m.systems["crm"] = dataclasses.replace(m.systems["crm"], reasons=("ghost",))
    assert m.problems() == ["process 'billing': unknown reason 'ghost'",
                            "system 'crm': unknown reason 'ghost'"]


def test_unique_id_appends_a_number():
    from workbench.model import unique_id

    assert unique_id("I ask for a refund", {"i-ask-for-a-refund", "i-ask-for-a-refund-2"}) == "i-ask-for-a-refund-3"
