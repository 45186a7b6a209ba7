"""The demo organisation's behaviour, derived from any life cycle model and a seed.

A :class:`Profile` holds small numpy tables (per reason, channel, segment) that the month generator
draws from. Everything is seeded; labels and ids only nudge the tables where they suggest something
(a "senior" segment prefers phone, shop and letter; a "bill" reason carries much volume), so the
generator works for a model in any language, where it then falls back on seeded randomness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from workbench.model import Model
from workbench.sample.codes import reason_codes

#: Channel id/label keyword → (share of contacts, age lean: + older customers, - younger, time profile).
_CHANNELS = {
    "phone|call|telef|bellen": (0.30, 0.6, "phone"), "shop|store|winkel|branch|counter": (0.07, 1.0, "shop"),
    "letter|mail-post|post|brief": (0.03, 1.5, "letter"), "e-?mail": (0.06, 0.3, "digital"),
    "web|site|portal|online": (0.22, -0.2, "digital"), "app|mobile": (0.20, -1.0, "digital"),
    "chat|whatsapp|messag": (0.09, -0.7, "digital"), "social|twitter|facebook|x-com": (0.03, -1.2, "digital"),
}
#: Median cost (EUR) and handling seconds per channel, and how often its contacts are resolved.
_CHANNEL_COST = {"phone": (6.0, 360.0, 0.0), "shop": (12.0, 900.0, 0.03), "letter": (9.0, 600.0, -0.08),
                 "e-?mail": (4.0, 300.0, -0.05), "web|site|portal|online": (0.2, 120.0, -0.10),
                 "app|mobile": (0.2, 90.0, -0.08), "chat|whatsapp|messag": (3.0, 480.0, -0.02),
                 "social|twitter|facebook": (3.0, 300.0, -0.06)}
TIME_PROFILES = ("digital", "phone", "shop", "letter")
#: Segment label keyword → age axis (+1 senior-like, -1 young-like).
_SEGMENT_AGE = {"senior|elder|older|retire|pension|oudere|65": 1.0, "student|teen|youth|scholier": -1.0,
                "young|jong|starter|millennial|gen-z": -0.7, "famil|gezin|parent": 0.1}
_HIGH_VOLUME = r"bill|invoice|factu|fault|storing|outage|slow|internet|wifi|subscri|abonne|upgrade|usage"
_SELF_SERVICE = r"check|usage|track|status|add-on|buy|download|view|invoice|receive|pay|order"
_PERSONAL = r"fault|complain|klacht|bereave|death|overl|fraud|escalat|repair|lost|debt|instal"
_COMPLAINT = r"complain|klacht|escalat"
_SUMMER = r"abroad|roaming|buitenland|holiday|vakantie"
#: Calendar-month volume curve (Jan … Dec): new-year bills and phones, a summer dip, back to school.
MONTH_CURVE = np.array([1.12, 1.0, 1.02, 0.97, 0.95, 0.9, 0.84, 0.87, 1.06, 1.03, 1.0, 0.94])


def _match(patterns: dict, text: str, default):
    for pattern, value in patterns.items():
        if re.search(pattern, text):
            return value
    return default


def _hits(pattern: str, texts: list[str]) -> np.ndarray:
    return np.array([bool(re.search(pattern, t)) for t in texts])


@dataclass(frozen=True)
class Profile:
    """Seeded tables that describe how the demo organisation's customers make contact."""

    reasons: list[str]
    channels: list[str]
    segments: list[str]
    codes: dict[str, str]                # reason id → source code
    broken_processes: list[str]
    broken: np.ndarray                   # (R,) bool: the reason sits under a broken process
    segment_share: np.ndarray            # (S,) share of customers
    reason_weight: np.ndarray            # (12, S, R) relative volume per calendar month and segment
    channel_prob: np.ndarray             # (R, S, C) channel mix of a reason in a segment
    time_profile: np.ndarray             # (C,) index into TIME_PROFILES
    cost: np.ndarray                     # (C,) median cost in EUR
    handling: np.ndarray                 # (C,) median handling seconds
    reason_effort: np.ndarray            # (R,) multiplier on handling time and cost
    resolve_prob: np.ndarray             # (R, C)
    repeat_if_unresolved: np.ndarray     # (R,) chance an unresolved contact is followed by a repeat
    repeat_if_resolved: np.ndarray       # (R,)
    complaint_base: np.ndarray           # (R,)
    satisfaction: np.ndarray             # (R,) mean latent 0-10 score of a resolved first contact
    channel_satisfaction: np.ndarray     # (C,)

    def expected_contacts_per_first(self) -> float:
        """Average contacts that one first contact brings, repeats included (for sizing a batch)."""
        res = (self.resolve_prob * self.channel_prob.mean(axis=1)).sum(axis=1)
        q = res * self.repeat_if_resolved + (1 - res) * self.repeat_if_unresolved
        w = self.reason_weight.sum(axis=(0, 1))
        return float(((1 + q + q**2 + q**3) * w).sum() / w.sum())


def build_profile(model: Model, seed: int) -> Profile:
    """The demo organisation for ``model``: which reasons are big, which processes broken, and so on."""
    reasons, channels, segments = list(model.reasons), list(model.channels), list(model.segments)
    for kind, items in (("reasons", reasons), ("channels", channels), ("segments", segments)):
        if not items:
            raise ValueError(f"cannot generate contacts: the model '{model.name}' has no {kind}")
    rng = np.random.default_rng([seed, 7_000_001])
    R, C, S = len(reasons), len(channels), len(segments)
    rtext = [f"{r} {model.reasons[r].label}".lower() for r in reasons]

    # Volume: Zipf-like over a seeded order that puts billing/fault/plan-like reasons first.
    key = rng.random(R) + 0.8 * _hits(_HIGH_VOLUME, rtext)
    rank = np.empty(R)
    rank[np.argsort(-key)] = np.arange(1, R + 1)
    base_weight = (rank + 1.5) ** -1.2
    seg_tilt = rng.lognormal(0, 0.35, (S, R))
    summer = _hits(_SUMMER, rtext)
    peak = np.where(summer, 6.5, rng.uniform(0, 12, R))                  # calendar month index, 0 = Jan
    amplitude = np.where(summer, 0.6, rng.uniform(0, 0.25, R))
    season = 1 + amplitude * np.cos(2 * np.pi * (np.arange(12)[:, None] - peak) / 12)
    reason_weight = season[:, None, :] * seg_tilt[None] * base_weight[None, None, :]

    # Segments: uneven sizes (geometric, seeded order); an age axis from the label, else seeded.
    share = 0.72 ** np.arange(S)
    segment_share = rng.permutation(share / share.sum())
    age = np.array([_match(_SEGMENT_AGE, f"{s} {model.segments[s].label}".lower(), None) for s in segments])
    age = np.array([a if a is not None else rng.uniform(-0.3, 0.3) for a in age], dtype=float)

    # Channels: base share and age lean from the label, else from the digital flag.
    ctext = [f"{c} {model.channels[c].label}".lower() for c in channels]
    digital = np.array([model.channels[c].digital for c in channels])
    known = [_match(_CHANNELS, t, None) for t in ctext]
    base = np.array([k[0] if k else 0.08 for k in known])
    lean = np.array([k[1] if k else (-0.5 if d else 0.6) for k, d in zip(known, digital, strict=True)])
    profile = [k[2] if k else ("digital" if d else "phone") for k, d in zip(known, digital, strict=True)]
    tilt = rng.normal(0, 0.6, R)
    tilt += 0.8 * _hits(_SELF_SERVICE, rtext) - 0.9 * _hits(_PERSONAL, rtext)
    sign = np.where(digital, 1.0, -1.0)
    prob = (base[None, None, :] * rng.lognormal(0, 0.3, (R, 1, C))
            * np.exp(tilt[:, None, None] * sign[None, None, :])
            * np.exp(1.2 * age[None, :, None] * lean[None, None, :]))
    channel_prob = prob / prob.sum(axis=2, keepdims=True)

    cost_table = [_match(_CHANNEL_COST, t, None) for t in ctext]
    pairs = list(zip(cost_table, digital, strict=True))
    cost = np.array([k[0] if k else (1.0 if d else 6.0) for k, d in pairs])
    handling = np.array([k[1] if k else (180.0 if d else 360.0) for k, d in pairs])
    channel_resolve = np.array([k[2] if k else 0.0 for k in cost_table])

    broken_processes = _pick_broken(model, reasons, base_weight, rng)
    broken_ids = {r for p in broken_processes for r in model.processes[p].reasons}
    broken = np.array([r in broken_ids for r in reasons])

    effort = rng.normal(0, 0.25, R)
    resolve = rng.uniform(0.74, 0.92, R)[:, None] + channel_resolve[None, :] - 0.22 * broken[:, None]
    complaint = np.where(_hits(_COMPLAINT, rtext), 0.55, 0.012 * rng.lognormal(0, 0.4, R))
    return Profile(
        reasons=reasons, channels=channels, segments=segments, codes=reason_codes(reasons),
        broken_processes=broken_processes, broken=broken, segment_share=segment_share,
        reason_weight=reason_weight, channel_prob=channel_prob,
        time_profile=np.array([TIME_PROFILES.index(p) for p in profile]), cost=cost, handling=handling,
        reason_effort=np.exp(effort - effort.mean()) * np.where(broken, 1.2, 1.0),
        resolve_prob=np.clip(resolve, 0.05, 0.98),
        repeat_if_unresolved=np.clip(rng.uniform(0.35, 0.6, R) + 0.2 * broken, 0, 0.9),
        repeat_if_resolved=rng.uniform(0.02, 0.05, R) * np.where(broken, 2.0, 1.0),
        complaint_base=np.clip(complaint, 0, 0.9),
        satisfaction=8.2 + rng.normal(0, 0.35, R) - 0.9 * broken,
        channel_satisfaction=rng.normal(0, 0.3, C) + np.where(digital, -0.2, 0.2),
    )


def _pick_broken(model: Model, reasons: list[str], weight: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Two or three processes (seeded, likelier when their reasons carry volume) that perform badly.

    Their reasons together stay under 35 % of all reasons and of the volume, so there is a "rest"
    to compare with.
    """
    index = {r: i for i, r in enumerate(reasons)}
    candidates = [p for p in model.processes.values() if any(r in index for r in p.reasons)]
    if not candidates:
        return []
    share = np.array([sum(weight[index[r]] for r in p.reasons if r in index) for p in candidates])
    order = np.argsort(-np.log(rng.random(len(candidates))) / share, kind="stable")  # weighted random order
    wanted, chosen, covered = int(rng.integers(2, 4)), [], set()
    for i in order:
        new = covered | {r for r in candidates[i].reasons if r in index}
        if len(new) <= 0.35 * len(reasons) and sum(weight[index[r]] for r in new) <= 0.35 * weight.sum():
            chosen.append(candidates[i].id)
            covered = new
        if len(chosen) == wanted:
            break
    if not chosen:  # every process is big: take the smallest one
        chosen.append(min(candidates, key=lambda p: len(set(p.reasons))).id)
    return chosen
