"""How completely journeys are linked: unlinked steps, shared reasons, unused reasons (by hand)."""

from __future__ import annotations

from model_fixtures import small_model

from workbench.analysis.coverage import coverage


def test_coverage_counts_unlinked_shared_and_unused_reasons():
    cov = coverage(small_model(), "i-join")
    # i-join: join-1..3, join-3 unlinked; overall 6 steps, only join-3 unlinked
    assert (cov.journey_steps, cov.journey_unlinked, cov.all_steps, cov.all_unlinked) == (3, 1, 6, 1)
    # compare-offers is linked from move-1 and join-1: the only reason two journeys share
    assert cov.shared.rows() == [("compare-offers", "I compare offers", ["I move house", "I become a customer"], 2)]
    assert cov.unused["reason"].to_list() == ["report-fault"]  # linked by no step
