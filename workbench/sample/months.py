"""Draw one month of contacts as numpy columns: first contacts, their repeats, and their attributes.

Every draw is vectorised. Categorical draws with a different distribution per row (the channel mix of
a reason in a segment, the days of a month per opening-hours profile) go through :func:`draw_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from workbench.sample.profile import Profile

Columns = dict[str, np.ndarray]
#: Weekday weights (Mon … Sun) and hour-of-day weights (UTC) per time profile, as in TIME_PROFILES.
WEEKDAYS = np.array([[1.10, 1.05, 1.0, 1.0, 0.95, 0.80, 0.85],    # digital: always open
                     [1.30, 1.15, 1.05, 1.0, 0.95, 0.45, 0.15],   # phone
                     [0.90, 0.95, 0.95, 1.0, 1.15, 1.50, 0.0],    # shop: closed on Sunday
                     [1.30, 1.00, 1.00, 1.0, 1.00, 0.0, 0.0]])    # letter: registered on weekdays
HOURS = np.zeros((4, 24))
HOURS[0] = [.2, .1, .08, .05, .05, .1, .3, .6, .9, 1, 1, 1, 1, .95, .9, .9, .95, 1, 1.1, 1.2, 1.2, 1, .7, .4]
HOURS[1, 8:20] = [.8, 1.2, 1.3, 1.2, .9, 1, 1.05, 1, .9, .7, .5, .35]
HOURS[2, 9:18] = [.5, .9, 1.1, 1.1, 1.2, 1.1, 1, 1, .8]
HOURS[3, 8:16] = [1.5, 1.3, 1.1, 1, .7, .8, .8, .6]
SURVEY_SHARE = 0.15
UNMAPPED_SHARE, IGNORE_SHARE = 0.005, 0.002
MAX_REPEAT_DAYS = 14


def draw_rows(weights: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each entry of ``rows``, a column index drawn with the probabilities of that row of ``weights``.

    One binary search over the rows' cumulative distributions laid end to end (row k spans k … k+1).

    Examples
    --------
    >>> w = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> draw_rows(w, np.array([0, 1, 1, 0]), np.random.default_rng(0)).tolist()
    [0, 1, 1, 0]
    """
    k, m = weights.shape
    rows = rows.astype(np.int64)
    cum = np.cumsum(weights, axis=1)
    cum = cum / cum[:, -1:]
    cum[:, -1] = 1.0
    flat = (cum + np.arange(k)[:, None]).ravel()
    u = np.minimum(rng.random(len(rows)), 1 - 1e-9)
    return (np.searchsorted(flat, rows + u, side="right") - rows * m).astype(np.int16)


@dataclass(frozen=True)
class Customers:
    """The customer base: a segment per customer and a heavy-tailed contact activity."""

    segment: np.ndarray      # (N,) int8
    order: np.ndarray        # (N,) customers ordered by activity level
    start: np.ndarray        # (L,) first position of each level in ``order``
    count: np.ndarray        # (L,)
    level_cum: np.ndarray    # (L,) cumulative probability of drawing a level

    @classmethod
    def create(cls, n: int, share: np.ndarray, rng: np.random.Generator, levels: int = 40) -> Customers:
        edges = np.round(np.linspace(0, n, levels + 1)).astype(np.int64)
        count = np.diff(edges)
        activity = np.array([np.exp(0.8 * NormalDist().inv_cdf((i + 0.5) / levels)) for i in range(levels)])
        weight = count * np.minimum(activity, 20)
        return cls(segment=rng.choice(len(share), n, p=share).astype(np.int8),
                   order=rng.permutation(n).astype(np.int32), start=edges[:-1], count=count,
                   level_cum=np.cumsum(weight) / weight.sum())

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        level = np.minimum(np.searchsorted(self.level_cum, rng.random(n), side="right"), len(self.count) - 1)
        return self.order[self.start[level] + (rng.random(n) * self.count[level]).astype(np.int64)]


@dataclass(frozen=True)
class Month:
    first_day: int     # days since the start of the window
    days: int
    calendar: int      # 0 = January


def take(cols: Columns, index: np.ndarray) -> Columns:
    return {k: v[index] for k, v in cols.items()}


def concat(parts: list[Columns]) -> Columns:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def first_contacts(p: Profile, customers: Customers, month: Month, start_weekday: int, n: int,
                   rng: np.random.Generator) -> Columns:
    """``n`` first contacts in ``month``: customer, then reason given segment, channel, moment."""
    customer = customers.draw(n, rng)
    segment = customers.segment[customer]
    reason = draw_rows(p.reason_weight[month.calendar], segment, rng)
    channel = draw_rows(p.channel_prob.reshape(-1, len(p.channels)), reason * len(p.segments) + segment, rng)
    profile = p.time_profile[channel]
    dow = (start_weekday + month.first_day + np.arange(month.days)) % 7
    day = month.first_day + draw_rows(WEEKDAYS[:, dow], profile, rng).astype(np.int32)
    second = seconds_of(profile, rng)
    return with_outcome(p, dict(customer=customer, reason=reason, segment=segment, channel=channel,
                                 day=day, second=second, repeat=np.zeros(n, bool)), rng)


def seconds_of(profile: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    hour = draw_rows(HOURS, profile, rng).astype(np.int32)
    return hour * 3600 + rng.integers(0, 3600, len(profile), dtype=np.int32)


def with_outcome(p: Profile, cols: Columns, rng: np.random.Generator) -> Columns:
    cols["resolved"] = rng.random(len(cols["reason"])) < p.resolve_prob[cols["reason"], cols["channel"]]
    return cols


def repeats_of(p: Profile, parents: Columns, start_weekday: int, rng: np.random.Generator) -> Columns:
    """The repeat contacts that ``parents`` bring: same customer and reason, a few days later.

    An unresolved contact is followed by a repeat far more often than a resolved one; the chances are
    per reason (and higher under broken processes). The repeat may come through another channel.
    """
    r = parents["reason"]
    chance = np.where(parents["resolved"], p.repeat_if_resolved[r], p.repeat_if_unresolved[r])
    kids = take(parents, np.flatnonzero(rng.random(len(r)) < chance))
    n = len(kids["reason"])
    kids["channel"] = draw_rows(p.channel_prob.reshape(-1, len(p.channels)),
                                kids["reason"] * len(p.segments) + kids["segment"], rng)
    delay = np.minimum(rng.exponential(2.0, n).astype(np.int32), MAX_REPEAT_DAYS)
    day, second = later(p, kids, delay, start_weekday, rng)
    kids.update(day=day, second=second, repeat=np.ones(n, bool))
    return with_outcome(p, kids, rng)


def later(p: Profile, kids: Columns, delay: np.ndarray, start_weekday: int,
          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Day and second ``delay`` whole days after each row's own ``day``/``second``, at an hour its channel
    is open and never before the row's own moment (a same-day time that is earlier moves to the next day)."""
    profile = p.time_profile[kids["channel"]]
    day, second = kids["day"] + delay, seconds_of(profile, rng)
    day = day + ((delay == 0) & (second <= kids["second"]))
    return open_day(profile, day, start_weekday), second


def open_day(profile: np.ndarray, day: np.ndarray, start_weekday: int) -> np.ndarray:
    """``day`` moved forward past days its channel is closed: a letter is not registered at the weekend,
    a shop is closed on Sunday."""
    for _ in range(2):
        day = day + (WEEKDAYS[profile, (start_weekday + day) % 7] == 0)
    return day


def attributes(p: Profile, cols: Columns, rng: np.random.Generator) -> Columns:
    """Cost, handling time, complaint, survey scores and source-code index of finished contacts."""
    r, c, n = cols["reason"], cols["channel"], len(cols["reason"])
    unresolved, repeat, broken = ~cols["resolved"], cols["repeat"], p.broken[r]
    z = rng.standard_normal(n)
    handling = np.round(p.handling[c] * p.reason_effort[r] * np.exp(0.5 * z))
    spread = np.exp(0.4 * z + 0.15 * rng.standard_normal(n))
    cost = np.round(p.cost[c] * p.reason_effort[r] ** 0.8 * spread, 2)
    complaint_p = p.complaint_base[r] * (1 + 1.5 * unresolved) * (1 + 0.5 * repeat) * (1 + 1.5 * broken)
    scores = {k: np.full(n, -1, np.int8) for k in ("nps", "ces", "csat")}
    asked = np.flatnonzero(rng.random(n) < SURVEY_SHARE)
    m = len(asked)
    latent = (p.satisfaction[r[asked]] + p.channel_satisfaction[c[asked]] - 2.0 * unresolved[asked]
              - 0.6 * repeat[asked] + rng.normal(0, 1.5, m))
    scores["nps"][asked] = np.clip(np.rint(latent), 0, 10)
    for name, low, high, noise in (("ces", 1, 7, 0.7), ("csat", 1, 5, 0.5)):
        answered = rng.random(m) < 0.85
        value = np.clip(np.rint(low + (high - low) * latent / 10 + rng.normal(0, noise, m)), low, high)
        scores[name][asked] = np.where(answered, value, -1)
    u = rng.random(n)
    R = len(p.reasons)
    special = np.where(u < UNMAPPED_SHARE, R + rng.choice(3, n, p=[0.6, 0.3, 0.1]), R + 3 + (u > 0.0065))
    code = np.where(u < UNMAPPED_SHARE + IGNORE_SHARE, special, r)
    return {**cols, "handling": handling, "cost": cost, "complaint": rng.random(n) < complaint_p,
            "code": code.astype(np.int16), **scores}
