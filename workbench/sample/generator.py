"""Write a demo organisation's contact data, month by month, as hive-partitioned Parquet."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import polars as pl

from workbench.model import Model
from workbench.sample import months as mo
from workbench.sample.codes import IGNORE_CODES, UNMAPPED_CODES, crosswalk
from workbench.sample.effects import Effect, apply_effects
from workbench.sample.journeys import plan_walks, walk_month
from workbench.sample.profile import MONTH_CURVE, Profile, build_profile
from workbench.sources.canonical import CONTACT_SCHEMA, conform


@dataclass(frozen=True)
class SampleResult:
    """What :func:`generate` wrote, and what a workspace needs to read it back.

    ``crosswalk`` maps every reason's source code to its reason id and the ``IGNORE_CODES`` to
    ``"ignore"``; the ``unmapped_codes`` (about 0.5 % of the contacts) are deliberately left out of it.
    ``broken_processes`` perform badly: their reasons have fewer resolved contacts, more repeats and
    complaints, longer handling and a lower NPS/CES/CSAT (``broken_reasons``). ``journey_walkers`` maps
    each walked journey to the sorted ids of the customers who started a walk along it
    (see :mod:`workbench.sample.journeys`).
    """

    paths: list[Path]
    events: int
    crosswalk: dict[str, str]
    codes: dict[str, str]
    source_spec: dict
    broken_processes: list[str]
    broken_reasons: list[str] = field(default_factory=list)
    unmapped_codes: list[str] = field(default_factory=lambda: list(UNMAPPED_CODES))
    journey_walkers: dict[str, list[str]] = field(default_factory=dict)


def month_windows(start: date, count: int) -> list[tuple[str, mo.Month]]:
    """The ``count`` calendar months from ``start`` (the first of a month) as (``YYYY-MM``, Month).

    Examples
    --------
    >>> [(k, m.first_day, m.days) for k, m in month_windows(date(2026, 1, 1), 2)]
    [('2026-01', 0, 31), ('2026-02', 31, 28)]
    """
    out, first = [], start
    for _ in range(count):
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        out.append((f"{first:%Y-%m}", mo.Month(first_day=(first - start).days, days=(nxt - first).days,
                                               calendar=first.month - 1)))
        first = nxt
    return out


def split_events(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` split in proportion to ``weights`` with whole numbers that add up exactly.

    Examples
    --------
    >>> split_events(10, np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    """
    share = total * weights / weights.sum()
    out = np.floor(share).astype(np.int64)
    out[np.argsort(-(share - out), kind="stable")[: total - out.sum()]] += 1
    return out


def generate(model: Model, out_dir: str | Path, *, events: int = 1_000_000, seed: int = 0,
             start: date = date(2026, 1, 1), months: int = 12, progress: bool = True,
             overwrite: bool = False, journey_share: float = 0.04, effects: Sequence[Effect] = ()) -> SampleResult:
    """Generate ``events`` contacts of a demo organisation over ``months`` months from ``start``.

    Writes ``out_dir/month=YYYY-MM/part-0.parquet`` in the canonical contact schema, sorted by
    timestamp, one month at a time (peak memory is about one month of contacts). The ``reason`` column
    is null: the data carries the organisation's own codes in ``source_code``; apply the returned
    crosswalk to fill it. The same model, seed and arguments give the same files.

    Besides contacts drawn reason by reason, about ``journey_share`` of the customers per current
    journey walk it (:mod:`workbench.sample.journeys`); their contacts are part of the ``events``.
    ``journey_share=0`` turns the walks off. ``effects`` remove a share of some reasons' contacts from a
    go-live day on (:mod:`workbench.sample.effects`), so the events total is then a little lower.
    """
    if start.day != 1:
        raise ValueError(f"start must be the first day of a month, not {start.isoformat()}")
    if events < 1 or months < 1:
        raise ValueError(f"events and months must be positive (got events={events}, months={months})")
    if not 0 <= journey_share <= 0.25:
        raise ValueError(f"journey_share must be between 0 and 0.25 (got {journey_share})")
    out_dir = Path(out_dir)
    existing = sorted(out_dir.glob("month=*/*.parquet")) if out_dir.exists() else []
    if existing and not overwrite:
        raise FileExistsError(f"{out_dir} already holds contact data ({existing[0]} …); pass overwrite=True")
    for old in existing:
        old.unlink()
    profile = build_profile(model, seed)
    windows = month_windows(start, months)
    volume = np.array([MONTH_CURVE[m.calendar] * m.days for _, m in windows])
    targets = split_events(events, volume)
    rng = np.random.default_rng([seed, 1])
    customers = mo.Customers.create(max(events // 6, 10), profile.segment_share, rng)
    names = _names(profile, len(customers.segment))
    plan = plan_walks(model, profile, customers, journey_share, np.random.default_rng([seed, 3]))
    paths, carry, walkers, written = [], None, {}, 0
    with _progress(progress, events) as (bar, task):
        for i, (label, month) in enumerate(windows):
            walked, who = walk_month(plan, profile, customers, month, start.weekday(), targets[i] / events,
                                     np.random.default_rng([seed, 3, i]))
            carry = walked if carry is None else carry if walked is None else mo.concat([carry, walked])
            for journey, ids in who.items():
                walkers.setdefault(journey, []).append(ids)
            rng = np.random.default_rng([seed, 2, i])
            cols, carry = _month(profile, customers, month, start.weekday(), int(targets[i]), carry, rng)
            frame = _frame(cols, names, datetime(start.year, start.month, start.day, tzinfo=UTC))
            frame = apply_effects(frame, effects, profile.codes, np.random.default_rng([seed, 4, i]))
            written += frame.height
            path = out_dir / f"month={label}" / "part-0.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.write_parquet(path, compression="zstd", compression_level=1)
            paths.append(path)
            del frame, cols
            if bar is not None:
                bar.advance(task, int(targets[i]))
    codes = profile.codes
    spec = {"id": "demo-contacts", "kind": "parquet", "location": str(out_dir), "hive_partitioning": True,
            "mapping": {column: column for column in CONTACT_SCHEMA}}
    broken_reasons = [r for r, b in zip(profile.reasons, profile.broken, strict=True) if b]
    return SampleResult(paths=paths, events=written, crosswalk=crosswalk(codes), codes=dict(codes),
                        source_spec=spec, broken_processes=list(profile.broken_processes),
                        broken_reasons=broken_reasons, journey_walkers=_walker_ids(walkers, names["width"]))


def _walker_ids(walkers: dict[str, list[np.ndarray]], width: int) -> dict[str, list[str]]:
    return {journey: [f"C{c:0{width}d}" for c in np.unique(np.concatenate(parts)).tolist()]
            for journey, parts in walkers.items()}


def _month(p: Profile, customers: mo.Customers, month: mo.Month, weekday: int, target: int,
           carry: mo.Columns | None, rng: np.random.Generator) -> tuple[mo.Columns, mo.Columns | None]:
    """Exactly ``target`` contacts in ``month`` (repeats and journey walks carried in included), and the
    carried-in or new contacts that fall after it.

    Carried-in contacts are all kept (unless there are more than ``target``: then a random subset);
    new contacts drawn reason by reason fill the rest of the month."""
    end = month.first_day + month.days
    inside, after = [], []
    have = 0
    if carry is not None:
        keep = carry["day"] < end
        inside.append(mo.take(carry, np.flatnonzero(keep)))
        after.append(mo.take(carry, np.flatnonzero(~keep)))
        have = len(inside[0]["day"])
    carried = have
    per_first = p.expected_contacts_per_first()
    while have < target:
        batch = [mo.first_contacts(p, customers, month, weekday, math.ceil((target - have) / per_first * 1.03)
                                   + 16, rng)]
        for _ in range(3):
            batch.append(mo.repeats_of(p, batch[-1], weekday, rng))
        new = mo.concat(batch)
        late = new["day"] >= end
        inside.append(mo.take(new, np.flatnonzero(~late)))
        after.append(mo.take(new, np.flatnonzero(late)))
        have += int((~late).sum())
    cols = mo.concat(inside)
    if carried > target:  # a tiny month: only some of the carried-in repeats fit
        cols = mo.take(cols, np.sort(rng.choice(carried, target, replace=False)))
    elif have > target:  # thin the new contacts at random (keep the carried-in ones)
        drop = carried + rng.choice(have - carried, have - target, replace=False)
        cols = mo.take(cols, np.setdiff1d(np.arange(have), drop, assume_unique=True))
    return mo.attributes(p, cols, rng), (mo.concat(after) if after else None)


def _names(p: Profile, customers: int) -> dict[str, pl.Series]:
    width = max(6, len(str(customers - 1)))
    codes = [p.codes[r] for r in p.reasons] + list(UNMAPPED_CODES) + list(IGNORE_CODES)
    return {"channel": pl.Series(p.channels, dtype=pl.String), "width": width,
            "segment": pl.Series(p.segments, dtype=pl.String), "code": pl.Series(codes, dtype=pl.String)}


def _frame(cols: mo.Columns, names: dict, start: datetime) -> pl.DataFrame:
    micros = (cols["day"].astype(np.int64) * 86_400 + cols["second"]) * 1_000_000
    raw = pl.DataFrame({
        "customer": cols["customer"].astype(np.int64), "ts": micros, "channel": cols["channel"],
        "code": cols["code"],
        "segment": cols["segment"], "cost": cols["cost"], "handling_seconds": cols["handling"],
        "complaint": cols["complaint"], "resolved": cols["resolved"],
        **{k: cols[k] for k in ("nps", "ces", "csat")},
    }).sort("ts", maintain_order=True)
    epoch = int(start.timestamp()) * 1_000_000
    frame = raw.select(
        customer_id=pl.format(
            "C{}", (pl.col("customer") + 10 ** names["width"]).cast(pl.String).str.slice(1)),
        timestamp=(pl.col("ts") + epoch).cast(pl.Datetime("us", "UTC")),
        channel=names["channel"].gather(raw["channel"]),
        source_code=names["code"].gather(raw["code"]),
        segment=names["segment"].gather(raw["segment"]),
        cost=pl.col("cost"), handling_seconds=pl.col("handling_seconds"),
        complaint=pl.col("complaint"), resolved=pl.col("resolved"),
        **{k: pl.when(pl.col(k) >= 0).then(pl.col(k)) for k in ("nps", "ces", "csat")},
    )
    return conform(frame).collect()


class _NoBar:
    def __enter__(self):
        return None, None

    def __exit__(self, *exc):
        return False


class _Bar:
    def __init__(self, total: int):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("generating contacts"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn())
        self.total = total

    def __enter__(self):
        self.progress.__enter__()
        return self.progress, self.progress.add_task("contacts", total=self.total)

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)


def _progress(show: bool, total: int):
    return _Bar(total) if show else _NoBar()
