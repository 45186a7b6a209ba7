"""The framework design rules: each rule fires exactly where a hand-built model breaks it."""

from __future__ import annotations

import dataclasses
import random

import pytest

from workbench.model import (
    ContactReason,
    Episode,
    Journey,
    Model,
    Phase,
    Process,
    Stage,
    Step,
    System,
)
from workbench.rules import RULES, VOICE_PREFIXES, Finding, check, format_findings, sort_key, summary


def messy_model() -> Model:
    """A model that breaks every rule once (unlinked-step twice), at places named in the comments."""
    m = Model(name="Messy Co", language="en")
    m.add(
        Stage("before", "Not yet a customer"), Stage("being", "Being a customer"),
        Stage("staying", "being a  CUSTOMER"),             # duplicate-label of stage 'being'
        Stage("leaving", "Leaving"),                         # empty-stage
        Phase("orient", "before", "Orientation"), Phase("billing", "being", "Billing"),
        Phase("empty", "being", "Nothing here"),             # empty-phase
        Phase("renew", "staying", "Renewal"),
        Phase("billing-2", "staying", " BILLING"),           # duplicate-label of phase 'billing'
        ContactReason("compare", "orient", "I compare offers"),
        ContactReason("pay", "billing", "I pay the bill"),
        ContactReason("pay-dup", "billing", "i  pay the bill "),  # duplicate-label of reason 'pay'
        ContactReason("renew-contract", "renew", "Renew contract"),  # customer-voice
        ContactReason("cancel", "renew", "I cancel my contract"),    # unused-reason
        ContactReason("bill-2", "billing-2", "My invoice is wrong"),
        Process("invoicing", "Invoicing", reasons=("pay",)),
        Process("archiving", "Archiving"),                   # orphan-process
        System("crm", "CRM", reasons=("compare", "renew-contract")),
        System("legacy", "Legacy mainframe"),                # orphan-system
        Journey("move", "I move house", counterpart="move-future"),
        Journey("move-future", "I move house (future)", state="future", counterpart="move"),
        Journey("switch", "I switch", state="future", counterpart="move"),  # counterpart
        Journey("idle", "I wait"),                           # empty-journey
        Episode("move-e1", "move", "I prepare"), Episode("move-e2", "move", "I settle"),  # episode-count
        Step("move-1", "move", "Tells us the new address", reason="pay-dup"),
        Step("move-2", "move", "Asks about the move"),       # unlinked-step
        Step("move-10", "move", "Waits"),                    # unlinked-step (natural order after move-2)
        Step("move-future-1", "move-future", "Gets a corrected bill", reason="bill-2"),
        Step("switch-1", "switch", "Pays", reason="pay"),
    )
    # dangling-reference: two broken invariants on one step, put in past the checks of add()
    m.steps["switch-2"] = Step("switch-2", "switch", "Calls", reason="ghost", emotion=5)
    return m


MESSY_EXPECTED = [
    ("dangling-reference", "error", "journey 'switch' / step 'switch-2'"),   # emotion 5 …
    ("dangling-reference", "error", "journey 'switch' / step 'switch-2'"),   # unknown reason 'ghost'
    ("duplicate-label", "error", "phase 'billing-2'"),
    ("duplicate-label", "error", "reason 'pay-dup'"),
    ("duplicate-label", "error", "stage 'staying'"),
    ("empty-phase", "error", "phase 'empty'"),
    ("empty-stage", "error", "stage 'leaving'"),
    ("counterpart", "warning", "journey 'switch'"),
    ("customer-voice", "warning", "reason 'renew-contract'"),
    ("empty-journey", "warning", "journey 'idle'"),
    ("episode-count", "warning", "journey 'move'"),
    ("orphan-process", "warning", "process 'archiving'"),
    ("orphan-system", "warning", "system 'legacy'"),
    ("reason-count", "warning", "model"),
    ("unlinked-step", "warning", "journey 'move' / step 'move-2'"),
    ("unlinked-step", "warning", "journey 'move' / step 'move-10'"),
    ("unused-reason", "warning", "reason 'cancel'"),
]


def clean_model(language: str = "en") -> Model:
    """Sound in every respect except its size (three reasons, far below 60)."""
    m = Model(name="Clean Co", language=language)
    m.add(
        Stage("becoming", "Becoming a customer"), Stage("being", "Being a customer"),
        Phase("buying", "becoming", "Buying"), Phase("using", "being", "Using"),
        ContactReason("order", "buying", "I place an order"),
        ContactReason("pay", "using", "I'm paying my bill"),
        ContactReason("details", "using", "My details change"),
        Process("billing", "Billing", reasons=("pay",)),
        System("crm", "CRM", reasons=("details",)),
        Journey("join", "I join", counterpart="join-future"),
        Journey("join-future", "I join (future)", state="future", counterpart="join"),
        *[Episode(f"join-e{i}", "join", f"I do part {i}") for i in range(1, 4)],
        Step("join-1", "join", "Orders", episode="join-e1", reason="order"),
        Step("join-2", "join", "Pays", episode="join-e3", reason="pay"),
        Step("join-future-1", "join-future", "Orders in the app", reason="order"),
    )
    return m


def triples(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.rule, f.severity, f.location) for f in findings]


def test_messy_model_gives_exactly_the_expected_findings_in_order():
    assert triples(check(messy_model())) == MESSY_EXPECTED


def test_every_registered_rule_is_exercised_by_the_messy_model():
    assert {rule.id for rule in RULES} == {rule for rule, _, _ in MESSY_EXPECTED}
    assert len({rule.id for rule in RULES}) == len(RULES) == 13
    assert all(rule.description and "\n" not in rule.description for rule in RULES)
    severity = {rule.id: rule.severity for rule in RULES}
    assert all(severity[rule] == sev for rule, sev, _ in MESSY_EXPECTED)


def test_findings_carry_structured_kind_and_id_that_point_into_the_model():
    m = messy_model()
    for f in check(m):
        if f.kind == "model":
            assert (f.id, f.location) == ("", "model")
        else:
            assert getattr(m, f.kind)[f.id].id == f.id, f
        assert f.message and f.fix
    unlinked = [f for f in check(m) if f.rule == "unlinked-step"]
    assert [(f.kind, f.id) for f in unlinked] == [("steps", "move-2"), ("steps", "move-10")]


def test_messages_name_both_duplicates_and_the_dangling_problems():
    findings = check(messy_model())
    dup = next(f for f in findings if f.location == "reason 'pay-dup'")
    assert "'pay-dup'" in dup.message and "'pay'" in dup.message
    dangling = [f.message for f in findings if f.rule == "dangling-reference"]
    assert dangling == ["emotion 5 is outside -2..+2", "unknown reason 'ghost'"]
    voice = next(f for f in findings if f.rule == "customer-voice")
    assert "'Renew contract'" in voice.message
    assert "'I renew contract'" in voice.fix
    counterpart = next(f for f in findings if f.rule == "counterpart")
    assert counterpart.message == "counterpart 'move' points back to 'move-future', not to 'switch'"


def test_finding_is_frozen():
    f = check(messy_model())[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.rule = "other"


def test_reasons_with_data_are_not_unused():
    rules = {f.rule for f in check(messy_model(), reasons_with_data={"cancel"})}
    assert "unused-reason" not in rules
    still = [f for f in check(messy_model(), reasons_with_data={"pay"}) if f.rule == "unused-reason"]
    assert [f.id for f in still] == ["cancel"]
    assert "or contact data" in still[0].message


def test_clean_model_only_warns_about_its_size():
    findings = check(clean_model())
    assert triples(findings) == [("reason-count", "warning", "model")]
    assert findings[0].message == "3 contact reasons; an organisation rarely needs more than 60-80"
    assert check(clean_model(), reason_range=(3, 80)) == []
    assert format_findings([]) == "No findings: the model follows every design rule."


@pytest.mark.parametrize(("n", "warned"), [(59, True), (60, False), (80, False), (81, True)])
def test_reason_count_bounds_are_inclusive(n, warned):
    m = Model().add(Stage("s", "S"), Phase("p", "s", "P"))
    m.add(*[ContactReason(f"r{i}", "p", f"I do thing {i}") for i in range(n)])
    assert ("reason-count" in {f.rule for f in check(m)}) is warned


@pytest.mark.parametrize(("n", "warned"), [(0, False), (1, True), (2, True), (3, False), (7, False),
                                            (9, False), (10, True)])
def test_episode_count_only_flags_far_from_five_to_seven(n, warned):
    m = clean_model()
    for e in [e for e in m.episodes.values()]:
        del m.episodes[e.id]
    m.steps = {k: dataclasses.replace(s, episode=None) for k, s in m.steps.items()}
    m.add(*[Episode(f"e{i}", "join", f"I do {i}") for i in range(n)])
    found = [f for f in check(m) if f.rule == "episode-count"]
    assert [f.id for f in found] == (["join"] if warned else [])


def test_dutch_model_uses_dutch_prefixes():
    m = Model(language="nl").add(Stage("s", "Klant worden"), Phase("p", "s", "Kopen"))
    m.add(ContactReason("verhuis", "p", "Ik verhuis"), ContactReason("adres", "p", "Mijn adres wijzigt"),
          ContactReason("betalen", "p", "Factuur betalen"), ContactReason("pay", "p", "I pay"))
    voice = [f for f in check(m) if f.rule == "customer-voice"]
    assert [f.id for f in voice] == ["betalen", "pay"]
    assert "'Ik factuur betalen'" in voice[0].fix
    assert "'Ik' / 'Mijn'" in voice[0].message
    m.language = "nl-BE"
    assert [f.id for f in check(m) if f.rule == "customer-voice"] == ["betalen", "pay"]


def test_french_and_german_defaults():
    assert "J'" in VOICE_PREFIXES["fr"] and "Ich " in VOICE_PREFIXES["de"]
    fr = Model(language="fr").add(Stage("s", "S"), Phase("p", "s", "P"))
    fr.add(ContactReason("a", "p", "J'annule mon contrat"), ContactReason("b", "p", "Mes factures"),
           ContactReason("c", "p", "Annuler le contrat"))
    assert [f.id for f in check(fr) if f.rule == "customer-voice"] == ["c"]
    de = Model(language="de").add(Stage("s", "S"), Phase("p", "s", "P"))
    de.add(ContactReason("a", "p", "Ich ziehe um"), ContactReason("b", "p", "Rechnung bezahlen"))
    [voice] = [f for f in check(de) if f.rule == "customer-voice"]
    assert voice.id == "b" and "'Ich Rechnung bezahlen'" in voice.fix  # German nouns keep their capital


def test_voice_prefixes_are_compared_case_insensitively_after_leading_spaces():
    m = Model().add(Stage("s", "S"), Phase("p", "s", "P"))
    m.add(ContactReason("a", "p", "  my bill is wrong"), ContactReason("b", "p", "I’m moving"),
          ContactReason("c", "p", "Imagine a reason"), ContactReason("d", "p", "Myself"))
    assert [f.id for f in check(m) if f.rule == "customer-voice"] == ["c", "d"]


def test_custom_prefixes_argument_and_model_prefixes_take_precedence():
    m = Model().add(Stage("s", "S"), Phase("p", "s", "P"))
    m.add(ContactReason("a", "p", "As a customer I pay"), ContactReason("b", "p", "I pay"))
    assert [f.id for f in check(m) if f.rule == "customer-voice"] == ["a"]
    assert [f.id for f in check(m, voice_prefixes=["As a customer "]) if f.rule == "customer-voice"] == ["b"]
    m.voice_prefixes = ("I ",)  # the model's own prefixes win over the argument
    assert [f.id for f in check(m, voice_prefixes=["As a customer "]) if f.rule == "customer-voice"] == ["a"]


def test_unknown_language_gives_one_model_warning_instead_of_guessing():
    m = Model(language="es").add(Stage("s", "S"), Phase("p", "s", "P"))
    m.add(ContactReason("a", "p", "Pago la factura"), ContactReason("b", "p", "Me mudo"))
    voice = [f for f in check(m) if f.rule == "customer-voice"]
    assert [(f.kind, f.location) for f in voice] == [("model", "model")]
    assert "'es'" in voice[0].message
    assert [f.id for f in check(m, voice_prefixes=["Pago "]) if f.rule == "customer-voice"] == ["b"]


def test_orphan_counts_only_known_reasons():
    m = clean_model()
    m.processes["ghostly"] = Process("ghostly", "Ghostly", reasons=("nope",))
    found = [(f.rule, f.id) for f in check(m, reason_range=(1, 80))]
    assert found == [("dangling-reference", "ghostly"), ("orphan-process", "ghostly")]


def test_counterpart_checked_from_both_sides_and_future_needs_a_current():
    m = clean_model()
    m.journeys["join-future"] = dataclasses.replace(m.journeys["join-future"], counterpart=None)
    found = [f for f in check(m, reason_range=(1, 80))]
    assert [(f.rule, f.id) for f in found] == [("counterpart", "join")]
    assert found[0].message == "counterpart 'join-future' points back to nothing, not to 'join'"
    m = clean_model()
    m.journeys["join"] = dataclasses.replace(m.journeys["join"], state="future")
    found = [(f.rule, f.id) for f in check(m, reason_range=(1, 80))]
    assert found == [("counterpart", "join"), ("counterpart", "join-future")]


def test_order_is_deterministic_whatever_the_insertion_order():
    m = messy_model()
    first = check(m)
    assert first == sorted(first, key=sort_key) == check(m.copy())
    shuffled = m.copy()
    for kind in ("steps", "journeys", "episodes", "processes", "systems"):
        items = list(getattr(shuffled, kind).items())
        random.Random(7).shuffle(items)
        setattr(shuffled, kind, dict(items))
    assert check(shuffled) == first
    errors = [f.severity for f in first]
    assert errors == sorted(errors)  # "error" < "warning": every error comes first


def test_summary_and_terminal_format():
    findings = check(messy_model())
    assert summary(findings) == {"errors": 7, "warnings": 10}
    assert summary([]) == {"errors": 0, "warnings": 0}
    text = format_findings(findings)
    lines = text.splitlines()
    assert len(lines) == 2 * len(findings) + 1
    assert lines[0].startswith("error   dangling-reference  journey 'switch' / step 'switch-2': emotion 5")
    assert lines[1].strip().startswith("fix: ")
    assert lines[-1] == "7 error(s), 10 warning(s)"


def _template_names() -> list[str]:
    from workbench.templates import template_paths

    return list(template_paths())


@pytest.mark.parametrize("name", _template_names())
def test_every_template_passes_the_rules_without_errors(name):
    from workbench.templates import load_template

    model = load_template(name)
    errors = [f for f in check(model) if f.severity == "error"]
    assert errors == [], f"template '{name}':\n{format_findings(errors)}"
    assert len(model.reasons) > 0


def _voice(m: Model) -> dict[str, str]:
    return {f.id: f.fix for f in check(m) if f.rule == "customer-voice"}


def _dutch(*labels: str, prefixes: tuple[str, ...]) -> Model:
    m = Model(language="en", voice_prefixes=prefixes).add(Stage("s", "S"), Phase("p", "s", "P"))
    return m.add(*[ContactReason(f"r{i}", "p", label) for i, label in enumerate(labels)])


def test_one_prefix_typed_as_a_comma_separated_list_counts_as_several():
    """A Workspace cell 'Ik,Mijn' read as one prefix flagged every label, with the hint 'Ik,Mijnik begrijp …'."""
    m = _dutch("Ik begrijp mijn rekening niet", "Mijn meter is stuk", "Factuur betalen", prefixes=("Ik,Mijn",))
    assert _voice(m) == {"r2": "rephrase it as the customer would say it, e.g. 'Ik factuur betalen'"}
    assert _voice(_dutch("Factuur betalen", prefixes=("Ik; Mijn",))) == {"r0": _voice(m)["r2"]}


def test_prefixes_without_a_trailing_space_are_whole_words():
    m = _dutch("Ik verhuis", "Ikea-kast bezorgen", "Mijnheer belt", "IK BEL", "Mijn, mijn factuur",
               prefixes=("Ik", "Mijn"))
    assert sorted(_voice(m)) == ["r1", "r2"]
    assert _voice(m)["r1"] == "rephrase it as the customer would say it, e.g. 'Ik ikea-kast bezorgen'"


def test_the_fix_never_glues_a_prefix_to_a_customer_word():
    m = _dutch("Mijn rekening klopt niet", "I'm moving", "We verhuizen", prefixes=("Ik ",))
    fixes = _voice(m)
    assert sorted(fixes) == ["r0", "r1", "r2"]
    assert fixes["r0"] == ("it starts with 'Mijn', a customer's word that is not a voice prefix here: add it to "
                           "the workspace's voice prefixes, or start the label with 'Ik'")
    assert "'I'm'" in fixes["r1"] and "'We'" in fixes["r2"]
    assert all("Ik mijn" not in fix and "Ik i'm" not in fix for fix in fixes.values())


def test_findings_become_json_safe_dicts():
    [finding] = [f for f in check(_dutch("Factuur", prefixes=("Ik",))) if f.rule == "customer-voice"]
    assert finding.to_dict() == {"rule": "customer-voice", "severity": "warning", "location": "reason 'r0'",
                                 "kind": "reasons", "id": "r0", "message": finding.message, "fix": finding.fix}
