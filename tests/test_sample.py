"""The demo-data generator: determinism, layout, schema, crosswalk, and the story the data tells."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.analysis.conformance import conformance
from workbench.model import (
    Channel,
    ContactReason,
    Episode,
    Journey,
    Model,
    Phase,
    Process,
    Segment,
    Stage,
    Step,
    System,
)
from workbench.sample import IGNORE_CODES, UNMAPPED_CODES, generate, reason_codes
from workbench.sample.__main__ import main as cli_main
from workbench.sources.canonical import CONTACT_SCHEMA
from workbench.templates import load_template

EVENTS = 50_000
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def small_model() -> Model:
    model = Model(name="Small energy company")
    model.add(Stage("joining", "Joining"), Stage("being", "Being a customer"))
    model.add(Phase("signing-up", "joining", "Signing up"), Phase("billing", "being", "Billing"),
              Phase("help", "being", "Getting help"))
    reasons = {"signing-up": ["compare-tariffs", "sign-contract", "move-in"],
               "billing": ["receive-bill", "question-bill", "pay-bill", "change-payment-method"],
               "help": ["report-fault", "report-outage", "change-details", "file-complaint", "read-meter"]}
    for phase, ids in reasons.items():
        for rid in ids:
            model.add(ContactReason(rid, phase, f"I {rid.replace('-', ' ')}"))
    model.add(Channel("phone", "Phone"), Channel("chat", "Chat", True), Channel("web", "Website", True),
              Channel("app", "App", True), Channel("shop", "Shop"), Channel("letter", "Letter"))
    model.add(Segment("seniors", "Seniors"), Segment("students", "Students"), Segment("families", "Families"))
    model.add(Process("billing-run", "Billing run", reasons=("receive-bill", "question-bill")),
              Process("meter-reading", "Meter reading", reasons=("read-meter",)),
              Process("field-service", "Field service", reasons=("report-fault", "report-outage", "move-in")),
              Process("onboarding", "Onboarding", reasons=("sign-contract", "compare-tariffs")),
              System("crm", "CRM", reasons=("change-details", "file-complaint")))
    return model


#: The designed sequence of the walked journey: a self-service web step, then moments of truth.
MOVE_IN = ["compare-tariffs", "sign-contract", "move-in", "change-details"]


def journey_model() -> Model:
    """The small model with one current journey of 4 linked steps (and journeys that are not walked)."""
    model = small_model()
    model.add(Journey("i-move", "I move in", segment="families"),
              Episode("orientate", "i-move", "I orientate"), Episode("arrange", "i-move", "I arrange it"),
              Step("s1", "i-move", "compare online", episode="orientate", channel="web", reason="compare-tariffs"),
              Step("s2", "i-move", "sign", episode="arrange", channel="web", moment_of_truth=True,
                   reason="sign-contract"),
              Step("s2b", "i-move", "a step nobody linked", episode="arrange"),
              Step("s3", "i-move", "move in", episode="arrange", channel="phone", moment_of_truth=True,
                   reason="move-in"),
              Step("s4", "i-move", "new details", episode="arrange", channel="app", reason="change-details"),
              Journey("i-move-future", "I move in (future)", state="future"),
              Step("f1", "i-move-future", "one", reason="move-in"), Step("f2", "i-move-future", "two",
                                                                        reason="read-meter"),
              Journey("i-read", "I read my meter"), Step("r1", "i-read", "read", reason="read-meter"))
    return model


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "contacts"
    return generate(journey_model(), out, events=EVENTS, seed=3, progress=False)


@pytest.fixture(scope="module")
def contacts(run) -> pl.DataFrame:
    """All contacts with the reason filled by the crosswalk (unmapped codes → null) and a repeat flag."""
    frame = pl.concat([pl.read_parquet(p) for p in run.paths])
    return (frame.with_columns(reason=pl.col("source_code").replace_strict(run.crosswalk, default=None))
            .sort("customer_id", "reason", "timestamp", maintain_order=True)
            .with_columns(repeat=(pl.col("timestamp").shift(-1).over("customer_id", "reason")
                                  - pl.col("timestamp") <= pl.duration(days=7)).fill_null(False)))


def test_same_seed_same_bytes_other_seed_other_data(run, tmp_path):
    again = generate(journey_model(), tmp_path / "again", events=EVENTS, seed=3, progress=False)
    assert [p.read_bytes() for p in again.paths] == [p.read_bytes() for p in run.paths]
    assert_frame_equal(pl.read_parquet(again.paths[5]), pl.read_parquet(run.paths[5]))
    assert again.journey_walkers == run.journey_walkers
    other = generate(journey_model(), tmp_path / "other", events=EVENTS, seed=4, progress=False)
    first, second = pl.read_parquet(run.paths[0]), pl.read_parquet(other.paths[0])
    assert not first.equals(second)
    assert other.journey_walkers != run.journey_walkers


def test_exact_count_in_month_partitions(run):
    assert run.events == EVENTS
    assert [p.parent.name for p in run.paths] == [f"month={m}" for m in MONTHS]
    assert all(p.name == "part-0.parquet" for p in run.paths)
    counts = [pl.scan_parquet(p).select(pl.len()).collect().item() for p in run.paths]
    assert sum(counts) == EVENTS
    assert max(counts) < 1.5 * min(counts)  # seasonal, not lopsided
    hive = pl.read_parquet(run.paths[0].parent.parent, hive_partitioning=True)
    assert hive.height == EVENTS and sorted(hive["month"].unique()) == MONTHS


def test_canonical_schema_sorted_and_within_each_month(run):
    for path in run.paths:
        frame = pl.read_parquet(path)
        assert frame.schema == pl.Schema(CONTACT_SCHEMA)
        assert frame["reason"].null_count() == frame.height  # the crosswalk fills it
        assert frame["timestamp"].is_sorted()
        month = path.parent.name.removeprefix("month=")
        assert (frame["timestamp"].dt.strftime("%Y-%m") == month).all()


def test_no_timestamp_outside_the_twelve_months(contacts):
    first, last = contacts["timestamp"].min(), contacts["timestamp"].max()
    assert datetime(2026, 1, 1, tzinfo=UTC) <= first and last < datetime(2027, 1, 1, tzinfo=UTC)


def test_source_codes_and_crosswalk(run, contacts):
    model = journey_model()
    assert set(run.codes) == set(model.reasons)
    assert all(run.crosswalk[code] == rid for rid, code in run.codes.items())
    assert all(run.crosswalk[code] == "ignore" for code in IGNORE_CODES)
    assert all(re.fullmatch(r"[A-Z0-9_]{1,10}", code) for code in run.codes.values())
    assert len(set(run.codes.values())) == len(run.codes)
    unmapped = contacts.filter(~pl.col("source_code").is_in(list(run.crosswalk)))
    assert set(unmapped["source_code"]) <= set(run.unmapped_codes) == set(UNMAPPED_CODES)
    assert 0.002 < unmapped.height / EVENTS < 0.01  # about 0.5 %
    assert 0 < contacts.filter(pl.col("reason") == "ignore").height < 0.01 * EVENTS
    assert run.source_spec["kind"] == "parquet" and run.source_spec["mapping"]["source_code"] == "source_code"


def test_reason_codes_are_unique_short_and_readable():
    assert reason_codes(["question-bill", "change-address"]) == {"question-bill": "BILL_Q",
                                                                 "change-address": "ADDR_CHG"}
    telecom = load_template("telecom")
    codes = reason_codes(telecom.reasons)
    assert len(set(codes.values())) == len(codes) and all(len(c) <= 10 for c in codes.values())
    assert not set(codes.values()) & (set(UNMAPPED_CODES) | set(IGNORE_CODES))


def nps(score: str = "nps") -> pl.Expr:
    """% promoters (9-10) − % detractors (0-6) among the responses, worked out directly."""
    s = pl.col(score)
    return 100 * ((s >= 9).cast(pl.Int64).sum() - (s <= 6).cast(pl.Int64).sum()) / s.is_not_null().sum()


def test_broken_processes_have_worse_nps_and_more_repeats(run, contacts):
    model = journey_model()
    assert 1 <= len(run.broken_processes) <= 3 and set(run.broken_processes) <= set(model.processes)
    broken = {r for p in run.broken_processes for r in model.processes[p].reasons}
    assert set(run.broken_reasons) == broken and len(broken) < len(model.reasons)
    by = (contacts.filter(pl.col("reason").is_in(list(model.reasons)))
          .group_by(broken=pl.col("reason").is_in(list(broken)))
          .agg(nps=nps(), repeat_rate=pl.col("repeat").mean(), complaints=pl.col("complaint").mean(),
               resolved=pl.col("resolved").mean(), responses=pl.col("nps").count())
          .sort("broken"))
    rest, bad = by.row(0, named=True), by.row(1, named=True)
    assert bad["responses"] > 300 and rest["responses"] > 300
    assert bad["nps"] < rest["nps"] - 15
    assert bad["repeat_rate"] > rest["repeat_rate"] + 0.05
    assert bad["complaints"] > rest["complaints"] and bad["resolved"] < rest["resolved"]


def test_unresolved_contacts_score_worse_and_are_repeated_more(contacts):
    by = contacts.group_by("resolved").agg(nps=nps(), repeat_rate=pl.col("repeat").mean()).sort("resolved")
    unresolved, resolved = by.row(0, named=True), by.row(1, named=True)
    assert unresolved["nps"] < resolved["nps"] - 20
    assert unresolved["repeat_rate"] > 2 * resolved["repeat_rate"]


def test_channel_mix_differs_between_seniors_and_students(contacts):
    mix = (contacts.group_by("segment").agg(
        traditional=pl.col("channel").is_in(["phone", "shop", "letter"]).mean(),
        young=pl.col("channel").is_in(["app", "chat"]).mean()))
    seniors = mix.filter(pl.col("segment") == "seniors").row(0, named=True)
    students = mix.filter(pl.col("segment") == "students").row(0, named=True)
    assert seniors["traditional"] > students["traditional"] + 0.2
    assert students["young"] > seniors["young"] + 0.2
    assert contacts["segment"].value_counts()["count"].n_unique() == 3  # uneven sizes


def test_scores_costs_and_survey_share_in_range(contacts):
    for name, (low, high) in {"nps": (0, 10), "ces": (1, 7), "csat": (1, 5)}.items():
        values = contacts[name].drop_nulls()
        assert values.min() >= low and values.max() <= high
    assert 0.13 < contacts["nps"].is_not_null().mean() < 0.17
    assert (contacts["cost"] > 0).all() and (contacts["handling_seconds"] > 0).all()
    median = contacts.group_by("channel").agg(pl.col("cost").median()).sort("cost")
    assert median["channel"][0] in ("web", "app") and median["channel"][-1] == "shop"


def test_heavy_head_of_reasons(contacts):
    shares = contacts["reason"].drop_nulls().value_counts(sort=True)["count"] / EVENTS
    assert shares[0] > 3 * shares[-1] and shares.head(3).sum() > 0.35


def test_bad_arguments_are_refused(run, tmp_path):
    with pytest.raises(ValueError, match="first day of a month"):
        generate(small_model(), tmp_path / "x", events=10, start=date(2026, 1, 15), progress=False)
    empty = small_model()
    empty.channels.clear()
    with pytest.raises(ValueError, match="no channels"):
        generate(empty, tmp_path / "y", events=10, progress=False)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        generate(small_model(), run.paths[0].parent.parent, events=10, progress=False)


def test_tiny_run_still_exact(tmp_path):
    result = generate(small_model(), tmp_path, events=7, months=3, progress=False)
    assert len(result.paths) == 3
    assert sum(pl.read_parquet(p).height for p in result.paths) == 7


def test_command_line_on_the_telecom_template(tmp_path, capsys):
    cli_main([str(tmp_path / "out"), "--events", "20000", "--quiet"])
    assert "20,000 contacts in 12 files" in capsys.readouterr().out
    frame = pl.read_parquet(tmp_path / "out", hive_partitioning=True)
    telecom = load_template("telecom")
    codes = reason_codes(telecom.reasons)
    seen = set(frame["source_code"]) - set(UNMAPPED_CODES) - set(IGNORE_CODES)
    assert seen <= set(codes.values()) and len(seen) > 0.8 * len(codes)
    assert set(frame["channel"]) == set(telecom.channels) and set(frame["segment"]) == set(telecom.segments)


@pytest.fixture(scope="module")
def walked(run, contacts) -> pl.DataFrame:
    """Conformance of every case touching the walked journey, with a flag for the walkers."""
    cases = conformance(contacts.filter(pl.col("reason").is_in(list(journey_model().reasons))), MOVE_IN).cases
    return cases.with_columns(walker=pl.col("customer_id").is_in(run.journey_walkers["i-move"]))


def test_only_current_journeys_with_several_linked_steps_are_walked(run, contacts):
    assert journey_model().designed_sequence("i-move") == MOVE_IN
    assert set(run.journey_walkers) == {"i-move"}
    walkers = run.journey_walkers["i-move"]
    customers = EVENTS // 6
    assert walkers == sorted(set(walkers)) and 0.02 * customers < len(walkers) < 0.06 * customers
    assert set(walkers) <= set(contacts["customer_id"])
    # the journey's persona: most walkers are families, more than the families' share of all customers
    segment = contacts.group_by("customer_id").agg(pl.col("segment").first())
    families = segment.select(walker=pl.col("customer_id").is_in(walkers), family=pl.col("segment") == "families")
    share_in_walkers = families.filter("walker")["family"].mean()
    assert share_in_walkers > 0.6 and share_in_walkers > families["family"].mean() + 0.2


def test_walkers_fit_the_designed_journey_far_better(walked):
    by = (walked.group_by("walker")
          .agg(cases=pl.len(), fitness=pl.col("fitness").mean(), perfect=(pl.col("fitness") == 1).mean())
          .sort("walker"))
    others, walkers = by.row(0, named=True), by.row(1, named=True)
    assert walkers["cases"] > 100 and others["cases"] > 100
    assert walkers["fitness"] > others["fitness"] + 0.3 and walkers["fitness"] > 0.6
    assert walkers["perfect"] > 0.08 and walkers["perfect"] > 5 * others["perfect"]
    assert walkers["perfect"] < 0.9  # they deviate too
    deviating = walked.filter("walker").select(pl.col("n_skipped", "n_repeated", "n_out_of_order") > 0).mean()
    assert all(0.02 < share < 0.8 for share in deviating.row(0))


def test_walkers_skip_self_service_steps_more_than_moments_of_truth(run, contacts):
    walkers = contacts.filter(pl.col("customer_id").is_in(run.journey_walkers["i-move"])
                              & pl.col("reason").is_in(list(journey_model().reasons)))
    skipped = dict(conformance(walkers, MOVE_IN).per_step.select("reason", "share_skipped").iter_rows())
    assert skipped["compare-tariffs"] > 1.5 * skipped["sign-contract"]  # web self-service vs moment of truth
    assert skipped["compare-tariffs"] > 1.5 * skipped["move-in"]


def test_walks_take_days_to_weeks_and_cross_month_boundaries(run, contacts):
    """From a walker's first designed step to the first last designed step after it."""
    start = pl.col("timestamp").filter(pl.col("reason") == MOVE_IN[0]).min().over("customer_id")
    walks = (contacts.filter(pl.col("customer_id").is_in(run.journey_walkers["i-move"]))
             .with_columns(start=start)
             .group_by("customer_id")
             .agg(pl.col("start").first(),
                  end=pl.col("timestamp").filter((pl.col("reason") == MOVE_IN[-1])
                                                 & (pl.col("timestamp") > pl.col("start"))).min())
             .drop_nulls()
             .select(days=(pl.col("end") - pl.col("start")).dt.total_days(),
                     crossed=pl.col("end").dt.month() != pl.col("start").dt.month()))
    assert walks.height > 0.4 * len(run.journey_walkers["i-move"])
    assert 2 <= walks["days"].median() <= 21 and walks["days"].quantile(0.75) < 40
    assert 0.05 < walks["crossed"].mean() < 0.6


def test_no_walkers_when_the_share_is_zero(tmp_path):
    result = generate(journey_model(), tmp_path / "none", events=5_000, journey_share=0, progress=False)
    assert result.journey_walkers == {}
    assert sum(pl.read_parquet(p).height for p in result.paths) == 5_000
    with pytest.raises(ValueError, match="journey_share"):
        generate(journey_model(), tmp_path / "bad", events=10, journey_share=0.5, progress=False)
