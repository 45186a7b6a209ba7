"""Journey-following customers ("walkers"): contacts along a designed journey, with deviations.

Customers on a journey contact the organisation along it. For every *current* journey with at least
two linked steps (its designed sequence of reasons, :meth:`workbench.model.Model.designed_sequence`)
a seeded share of the customers walks it once. The walk model:

- **Who.** ``journey_share`` of the customers per journey (default 4 %), times 0.5 … 1.5 after how
  much volume the journey's reasons carry (so 2 … 6 %), spread over the months like the contact
  volume. A walker is an existing customer drawn uniformly, for 70 % from the journey's segment
  (its persona) when it names one.
- **By the book or not.** 30 % of the walkers follow the book: one contact on every step, in the
  designed order, no repeats, no deliberate extras. The others deviate:

  * a step makes no contact with a chance of 12 %; 35 % when its channel is digital and it is no
    moment of truth (self-service that leaves no trace); 3 % for a moment of truth; each times a
    seeded factor per step (about × 0.8 … 1.25);
  * 10 % give up: from a random step on they make no more contacts;
  * each pair of neighbouring steps is done the other way round with a chance of 6 %;
  * extra contacts on reasons outside the journey (Poisson, mean 0.4), at random days of the walk.
- **When.** The first step falls on a random day of the start month; each next step follows after
  an exponential number of days, mean 5 when it opens a new episode and 1 within one (2.5 for a
  journey without episodes). Times are moved to an open hour of the channel and kept strictly
  increasing (at least 10 minutes apart), so the designed order survives unless swapped on purpose.
- **Channel.** The step's channel for 80 % of the contacts, else the segment's usual mix for that
  reason (also for a step that names no channel).
- **Repeats.** Each contact is repeated (at most twice, about two days later) with the profile's
  chances for its reason: far likelier when unresolved, and higher under broken processes. A repeat
  of an unresolved digital contact moves to a personal channel 60 % of the time (web → phone),
  other repeats keep their channel half the time and otherwise use the usual mix.

Walkers keep making their usual contacts drawn reason by reason all year, so some of those land on
the journey's reasons or inside the walk, as in real data.

A walk is drawn whole in the month it starts. Its contacts in later months are carried over like
repeats (see :func:`workbench.sample.generator._month`), so they count in the month they fall in and
the total stays exact; contacts after the last month are left out (walks still under way).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.model import Model
from workbench.sample import months as mo
from workbench.sample.profile import Profile

BY_THE_BOOK = 0.30
PERSONA = 0.70
DESIGNED_CHANNEL = 0.80
SKIP, SKIP_SELF_SERVICE, SKIP_MOMENT = 0.12, 0.35, 0.03
GIVE_UP, SWAP, EXTRAS = 0.10, 0.06, 0.4
EPISODE_GAP, STEP_GAP, PLAIN_GAP = 5.0, 1.0, 2.5
BOOK_REPEATS, TO_PERSONAL, KEEP_CHANNEL, MAX_REPEATS = 0.0, 0.6, 0.5, 2
MIN_GAP_SECONDS = 600


@dataclass(frozen=True)
class Walk:
    """How one journey is walked: per designed step its reason, channel, skip chance and gap."""

    journey: str
    reason: np.ndarray    # (n,) reason index per designed step
    channel: np.ndarray   # (n,) channel index, -1 when the step names none
    skip: np.ndarray      # (n,) chance a deviating walker makes no contact on the step
    gap: np.ndarray       # (n,) mean days from the step before (0 for the first)
    segment: int          # persona segment index, -1 when the journey names none
    share: float          # share of the customers that walk it over the whole window
    others: np.ndarray    # (12, S, R) reason weights with the journey's reasons zeroed, for extras


@dataclass(frozen=True)
class WalkPlan:
    walks: list[Walk]
    digital: np.ndarray    # (C,) bool
    personal: np.ndarray   # (R * S, C) channel mix restricted to non-digital channels
    members: list[np.ndarray]  # customers of each segment


def plan_walks(model: Model, p: Profile, customers: mo.Customers, journey_share: float,
               rng: np.random.Generator) -> WalkPlan:
    """The walks of every current journey with at least two linked steps (see the module docstring)."""
    channel_index = {c: i for i, c in enumerate(p.channels)}
    reason_index = {r: i for i, r in enumerate(p.reasons)}
    digital = np.array([model.channels[c].digital for c in p.channels])
    volume = p.reason_weight.sum(axis=(0, 1))
    walks = []
    for journey in model.journeys.values():
        steps = [s for s in model.steps_of(journey.id) if s.reason]
        if journey.state != "current" or len(steps) < 2:
            continue
        reason = np.array([reason_index[s.reason] for s in steps])
        channel = np.array([channel_index.get(s.channel, -1) if s.channel else -1 for s in steps])
        self_service = (channel >= 0) & digital[np.maximum(channel, 0)]
        moment = np.array([s.moment_of_truth for s in steps])
        skip = np.where(moment, SKIP_MOMENT, np.where(self_service, SKIP_SELF_SERVICE, SKIP))
        skip = np.clip(skip * rng.lognormal(0, 0.15, len(steps)), 0.0, 0.9)
        episodes = [s.episode for s in steps]
        gap = np.array([0.0] + [PLAIN_GAP if not any(episodes) else EPISODE_GAP if e != before else STEP_GAP
                                for before, e in zip(episodes, episodes[1:], strict=False)])
        scale = np.clip(np.sqrt(volume[np.unique(reason)].mean() / volume.mean()), 0.5, 1.5)
        others = p.reason_weight.copy()
        others[:, :, reason] = 0.0
        segment = p.segments.index(journey.segment) if journey.segment in p.segments else -1
        walks.append(Walk(journey=journey.id, reason=reason, channel=channel, skip=skip, gap=gap,
                          segment=segment, share=float(journey_share * scale), others=others))
    personal = p.channel_prob * ~digital
    personal = np.where(personal.sum(axis=2, keepdims=True) > 0, personal, p.channel_prob)
    members = [np.flatnonzero(customers.segment == s).astype(np.int32) for s in range(len(p.segments))]
    return WalkPlan(walks=walks, digital=digital, personal=personal.reshape(-1, len(p.channels)),
                    members=members)


def walk_month(plan: WalkPlan, p: Profile, customers: mo.Customers, month: mo.Month, start_weekday: int,
               fraction: float, rng: np.random.Generator) -> tuple[mo.Columns | None, dict[str, np.ndarray]]:
    """The contacts of the walks that start in ``month`` (``fraction`` of the year's volume), on any day
    from the month on, and the walkers (customer indices) per journey."""
    parts, walkers = [], {}
    n_customers = len(customers.segment)
    for walk in plan.walks:
        expected = walk.share * n_customers * fraction
        count = int(expected) + int(rng.random() < expected - int(expected))
        if count == 0:
            continue
        who = rng.integers(0, n_customers, count, dtype=np.int64).astype(np.int32)
        if walk.segment >= 0 and len(plan.members[walk.segment]):
            persona = np.flatnonzero(rng.random(count) < PERSONA)
            pool = plan.members[walk.segment]
            who[persona] = pool[rng.integers(0, len(pool), len(persona))]
        walkers[walk.journey] = who
        parts.append(_walk(plan, walk, p, customers, who, month, start_weekday, rng))
    return (mo.concat(parts) if parts else None), walkers


def _walk(plan: WalkPlan, walk: Walk, p: Profile, customers: mo.Customers, who: np.ndarray, month: mo.Month,
          start_weekday: int, rng: np.random.Generator) -> mo.Columns:
    count, n, S, C = len(who), len(walk.reason), len(p.segments), len(p.channels)
    segment = customers.segment[who]
    book = rng.random(count) < BY_THE_BOOK
    order = np.tile(np.arange(n), (count, 1))  # order[w, k]: the designed step walker w does k-th
    for k in range(n - 1):
        swap = np.flatnonzero(~book & (rng.random(count) < SWAP))
        order[swap, k], order[swap, k + 1] = order[swap, k + 1], order[swap, k]
    reason = walk.reason[order]
    contact = book[:, None] | (rng.random((count, n)) >= walk.skip[order])
    give_up = ~book & (rng.random(count) < GIVE_UP)
    contact &= ~(give_up[:, None] & (np.arange(n) >= rng.integers(1, n, count)[:, None]))
    mix = mo.draw_rows(p.channel_prob.reshape(-1, C), (reason * S + segment[:, None]).ravel(), rng)
    designed = walk.channel[order]
    channel = np.where((designed >= 0) & (rng.random((count, n)) < DESIGNED_CHANNEL), designed,
                       mix.reshape(count, n)).astype(np.int16)
    gap = np.floor(rng.exponential(1.0, (count, n)) * walk.gap[order]).astype(np.int64)
    day = month.first_day + rng.integers(0, month.days, count)[:, None] + np.cumsum(gap, axis=1)
    profile = p.time_profile[channel]
    day = mo.open_day(profile, day, start_weekday)
    moment = day * 86_400 + mo.seconds_of(profile.ravel(), rng).reshape(count, n)
    spacing = MIN_GAP_SECONDS * np.arange(n)
    moment = np.maximum.accumulate(moment - spacing, axis=1) + spacing
    w, k = np.nonzero(contact)
    first = mo.with_outcome(p, dict(
        customer=who[w], reason=reason[w, k].astype(np.int16), segment=segment[w], channel=channel[w, k],
        day=(moment[w, k] // 86_400).astype(np.int32), second=(moment[w, k] % 86_400).astype(np.int32),
        repeat=np.zeros(len(w), bool)), rng)
    parts = [first, *_repeats(plan, p, first, book[w], start_weekday, rng)]
    if not book.all() and (walk.others.sum(axis=2) > 0).all():
        parts.append(_extras(walk, p, who, segment, book, moment // 86_400, month, start_weekday, rng))
    return mo.concat(parts)


def _repeats(plan: WalkPlan, p: Profile, parents: mo.Columns, book: np.ndarray, start_weekday: int,
             rng: np.random.Generator) -> list[mo.Columns]:
    out, C, S = [], len(p.channels), len(p.segments)
    for _ in range(MAX_REPEATS):
        r = parents["reason"]
        chance = np.where(parents["resolved"], p.repeat_if_resolved[r], p.repeat_if_unresolved[r])
        picked = np.flatnonzero(rng.random(len(r)) < chance * np.where(book, BOOK_REPEATS, 1.0))
        kids, book = mo.take(parents, picked), book[picked]
        if not len(picked):
            break
        row = kids["reason"].astype(np.int64) * S + kids["segment"]
        personal = mo.draw_rows(plan.personal, row, rng)
        usual = mo.draw_rows(p.channel_prob.reshape(-1, C), row, rng)
        to_personal = plan.digital[kids["channel"]] & ~kids["resolved"] & (rng.random(len(row)) < TO_PERSONAL)
        keep = rng.random(len(row)) < KEEP_CHANNEL
        kids["channel"] = np.where(to_personal, personal, np.where(keep, kids["channel"], usual)).astype(np.int16)
        delay = np.minimum(rng.exponential(2.0, len(row)).astype(np.int32), mo.MAX_REPEAT_DAYS)
        day, second = mo.later(p, kids, delay, start_weekday, rng)
        kids.update(day=day.astype(np.int32), second=second, repeat=np.ones(len(row), bool))
        out.append(mo.with_outcome(p, kids, rng))
        parents = out[-1]
    return out


def _extras(walk: Walk, p: Profile, who: np.ndarray, segment: np.ndarray, book: np.ndarray, day: np.ndarray,
            month: mo.Month, start_weekday: int, rng: np.random.Generator) -> mo.Columns:
    """Contacts on reasons outside the journey, on random days between a walk's first and last step."""
    w = np.repeat(np.arange(len(who)), rng.poisson(EXTRAS, len(who)) * ~book)
    seg = segment[w]
    reason = mo.draw_rows(walk.others[month.calendar], seg, rng)
    channel = mo.draw_rows(p.channel_prob.reshape(-1, len(p.channels)),
                           reason.astype(np.int64) * len(p.segments) + seg, rng)
    first, last = day[w, 0], day[w, -1]
    when = first + (rng.random(len(w)) * (last - first + 1)).astype(np.int64)
    profile = p.time_profile[channel]
    return mo.with_outcome(p, dict(
        customer=who[w], reason=reason, segment=seg, channel=channel,
        day=mo.open_day(profile, when, start_weekday).astype(np.int32), second=mo.seconds_of(profile, rng),
        repeat=np.zeros(len(w), bool)), rng)
