"""Link suggestions: hand-made English and Dutch cases, leave-one-out fairness, accuracy floors on templates."""

from __future__ import annotations

import pytest
from model_fixtures import small_model

from workbench.analysis.suggest import (
    Suggester,
    format_suggestions,
    stem,
    suggest,
    suggest_all,
    tokens,
)
from workbench.model import ContactReason, Journey, Model, ModelError, Phase, Stage, Step
from workbench.templates import load_template, template_paths


def _with_step(model: Model, label: str, need: str = "", touchpoint: str = "") -> Model:
    model.add(Step("new", "i-join", label, need=need, touchpoint=touchpoint))
    return model


def _ranked(model: Model, step: str = "new") -> list[str]:
    return [g.reason for g in suggest(model, step, top=len(model.reasons))]


def test_changing_my_address_ranks_change_details_above_paying_the_bill():
    ranked = _ranked(_with_step(small_model(), "I change my address"))
    assert ranked[0] == "change-details"
    assert ranked.index("change-details") < ranked.index("pay-bill")


def test_inflected_words_meet_their_reason():
    model = _with_step(small_model(), "Paying the bills", need="I want to pay my bills on time")
    top = suggest(model, "new", top=1)[0]
    assert top.reason == "pay-bill"
    assert "paying" in top.why and "bills" in top.why  # stems pay/bill matched, shown as the step's words


def test_a_fault_report_is_not_a_bill():
    ranked = _ranked(_with_step(small_model(), "Reports that the internet has a fault"))
    assert ranked[0] == "report-fault"


def _dutch_model() -> Model:
    m = Model(name="NL", language="nl", voice_prefixes=("Ik ", "Mijn "))
    m.add(
        Stage("klant", "Klant zijn"), Phase("gebruik", "klant", "Gebruiken"), Phase("betalen", "klant", "Betalen"),
        ContactReason("change-details", "gebruik", "Ik wijzig mijn gegevens",
                      "De klant geeft een nieuw adres, telefoonnummer of e-mailadres door."),
        ContactReason("pay-bill", "betalen", "Ik betaal mijn rekening", "De klant betaalt de maandelijkse rekening."),
        ContactReason("report-fault", "gebruik", "Ik meld een storing", "Internet, tv of bellen werkt niet."),
        Journey("verhuis", "Ik verhuis"),
        Step("v1", "verhuis", "Geeft het nieuwe adres door na de verhuizing"),
        Step("v2", "verhuis", "Betaalt de laatste rekeningen op het oude adres"),
        Step("v3", "verhuis", "Meldt dat de televisie niet werkt"),
    )
    return m


@pytest.mark.parametrize(("step", "expected"), [("v1", "change-details"), ("v2", "pay-bill"),
                                                ("v3", "report-fault")])
def test_dutch_steps_find_their_reasons(step, expected):
    assert suggest(_dutch_model(), step, top=1)[0].reason == expected


def test_dutch_tokens_drop_stop_words_and_stems_meet():
    assert tokens("Ik betaal mijn rekening op tijd", "nl") == ["betaal", "rekening", "tijd"]
    assert stem("betaalt", "nl") == stem("betaal", "nl") == "betaal"
    assert stem("rekeningen", "nl") == stem("rekening", "nl")
    assert stem("adressen", "nl") == stem("adres", "nl") == "adres"


def test_accents_and_case_are_ignored():
    assert tokens("Oriëntatie op PRIJZEN", "nl") == ["orientatie", "prijzen"]


def test_a_step_never_votes_for_its_own_link():
    # the ranking changed from a nearest-neighbour vote to a trained model: what stays is that a journey's
    # own links never train the suggestions for its steps, while other journeys' links do
    model = small_model()
    before = Suggester(model).scores("move-2")["model"]
    relinked = small_model()
    relinked.link("move-2", "report-fault")  # its own link, and only that, changes
    assert (Suggester(relinked).scores("move-2")["model"] == before).all()
    index = list(model.reasons).index
    twin = small_model()
    twin.add(Step("join-4", "i-join", "Checks coverage", reason="place-order"))  # another journey's step
    lifted = Suggester(twin).scores("move-1")["model"][index("place-order")]
    assert lifted > Suggester(model).scores("move-1")["model"][index("place-order")]


def test_scores_are_deterministic_and_in_range():
    model = load_template("telecom")
    first = suggest_all(model, "i-move-house")
    assert first.equals(suggest_all(model, "i-move-house"))
    assert first["score"].is_between(0, 1).all()
    assert first.group_by("step").len()["len"].to_list() == [3] * first["step"].n_unique()


def test_suggest_all_carries_labels_and_current_link():
    model = small_model()
    frame = suggest_all(model, "i-join", top=2)
    assert frame.columns == ["journey", "step", "step_label", "linked", "rank", "reason", "reason_label",
                             "score", "why"]
    assert frame["step"].unique(maintain_order=True).to_list() == ["join-1", "join-2", "join-3"]
    assert frame.filter(step="join-3")["linked"].to_list() == [None, None]
    row = frame.row(0, named=True)
    assert row["reason_label"] == model.reasons[row["reason"]].label
    text = format_suggestions(model, frame)
    assert "i-join / join-3: Calls about the order" in text and "(not linked)" in text
    assert "1. " in text and "2. " in text


def test_unknown_step_or_journey_is_named():
    with pytest.raises(ModelError, match="unknown step 'move-9'.*did you mean"):
        suggest(small_model(), "move-9")
    with pytest.raises(ModelError, match="unknown journey 'nope'"):
        suggest_all(small_model(), "nope")


def _accuracy(model: Model) -> tuple[float, float]:
    """Top-1 and top-3 accuracy over every linked step, leave-one-journey-out (a journey's links never train
    the suggestions for its own steps)."""
    suggester = Suggester(model)
    linked = [s for s in model.steps.values() if s.reason]
    ranks = [[g.reason for g in suggester.suggest(s.id, top=3)] for s in linked]
    top1 = sum(r[0] == s.reason for r, s in zip(ranks, linked, strict=True)) / len(linked)
    top3 = sum(s.reason in r for r, s in zip(ranks, linked, strict=True)) / len(linked)
    return top1, top3


# Measured with benchmarks/bench_suggest.py (leave-one-journey-out, top-1 / top-3): energy 0.710 / 0.968,
# insurance 0.861 / 1.000, public-sector 0.900 / 0.967, retail-banking 0.656 / 0.844, telecom 0.889 / 0.978,
# telecom-nl 0.778 / 0.978. The floors sit one or two steps below.
@pytest.mark.parametrize(("template", "top1_floor", "top3_floor"), [
    ("energy", 0.67, 0.93), ("insurance", 0.80, 0.97), ("public-sector", 0.85, 0.93),
    ("retail-banking", 0.60, 0.80), ("telecom", 0.84, 0.95), ("telecom-nl", 0.73, 0.95)])
def test_accuracy_on_template_journeys_stays_above_the_floor(template, top1_floor, top3_floor):
    top1, top3 = _accuracy(load_template(template))
    assert top1 >= top1_floor
    assert top3 >= top3_floor


def test_english_link_suggestions_reach_the_three_best_for_95_percent_of_steps():
    # the target of [4/8]: over every English template's linked steps, leave-one-journey-out
    hits = steps = 0
    for name in template_paths():
        model = load_template(name)
        if model.language.startswith("en"):
            linked = [s for s in model.steps.values() if s.reason]
            ranked = Suggester(model).suggest_many([s.id for s in linked], top=3)
            hits += sum(s.reason in [g.reason for g in ranked[s.id]] for s in linked)
            steps += len(linked)
    assert steps >= 150  # five English templates
    assert hits / steps >= 0.95
