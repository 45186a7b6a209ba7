"""The KPI catalogue: each KPI is one documented Polars aggregation over canonical contact rows.

Conventions
-----------
* Every function returns one ``pl.Expr`` aliased to the KPI id, meant for ``group_by(...).agg`` (or
  ``select`` for a grand total). Rates and shares are fractions 0-1 (shown as %); NPS is in points
  (-100...100); CES is a mean on its 1-7 scale; counts are ``Int64``.
* Rates ignore rows where their input is null (unknown is not "no"); a group without any input gives null.
* Non-additive KPIs (``additive=False`` in ``CATALOGUE``) must be recomputed from the events at every
  level of a roll-up, never summed or averaged; ``workbench.metrics.measure`` does exactly that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from workbench.metrics.repeats import mark_repeats as mark_repeats  # re-exported: it lived here first


def _fraction(flag: pl.Expr) -> pl.Expr:
    """Mean of a boolean expression over its non-null rows, as Float64 (null when there are none)."""
    return flag.cast(pl.Float64).mean()


def volume() -> pl.Expr:
    """Contacts: the number of rows in the group. Additive.

    Examples
    --------
    >>> pl.DataFrame({"reason": ["bill", "bill", "move"]}).select(volume()).item()
    3
    """
    return pl.len().cast(pl.Int64).alias("volume")


def customers(customer: str = "customer_id") -> pl.Expr:
    """Distinct customers with at least one contact in the group (null ids not counted). Non-additive.

    Examples
    --------
    >>> pl.DataFrame({"customer_id": ["a", "b", "a", None]}).select(customers()).item()
    2
    """
    return pl.col(customer).drop_nulls().n_unique().cast(pl.Int64).alias("customers")


def share(volume_column: str = "volume", parent_volume: str = "parent_volume") -> pl.Expr:
    """Share of the parent group's contacts: ``volume / parent volume``, computed AFTER grouping.

    ``measure(..., share_of=dim)`` puts the contacts of the group without ``dim`` (counted from the
    events, so many-to-many overlaps are not double counted) in ``parent_volume``; ``share_of``
    defaults to the last ``by`` column, e.g. by reason x channel gives each channel's share of the
    reason. Non-additive.

    Examples
    --------
    >>> df = pl.DataFrame({"volume": [30, 10], "parent_volume": [40, 40]})
    >>> df.select(share())["share"].to_list()
    [0.75, 0.25]
    """
    return (pl.col(volume_column) / pl.col(parent_volume)).alias("share")


def digital_share(digital: str = "digital") -> pl.Expr:
    """Share of contacts made in a channel marked digital (boolean ``digital`` column from the dims).

    Non-additive; ``measure`` refuses channels missing from ``Dimensions.channels``.

    Examples
    --------
    >>> pl.DataFrame({"digital": [True, False, False, True]}).select(digital_share()).item()
    0.5
    """
    return _fraction(pl.col(digital)).alias("digital_share")


def cost(column: str = "cost") -> pl.Expr:
    """Total cost of the group's contacts (nulls count as unknown, not as 0 in the mean). Additive.

    Examples
    --------
    >>> pl.DataFrame({"cost": [2.5, 4.0, None]}).select(cost()).item()
    6.5
    """
    return pl.col(column).sum().alias("cost")


def cost_per_contact(column: str = "cost") -> pl.Expr:
    """Cost per contact: total cost / contacts with a known cost (the mean cost). Non-additive.

    Examples
    --------
    >>> pl.DataFrame({"cost": [2.0, 4.0, None]}).select(cost_per_contact()).item()
    3.0
    """
    return pl.col(column).mean().alias("cost_per_contact")


def aht(column: str = "handling_seconds") -> pl.Expr:
    """Average handling time in seconds over contacts with a known handling time. Non-additive.

    Examples
    --------
    >>> pl.DataFrame({"handling_seconds": [60.0, 120.0, None, 180.0]}).select(aht()).item()
    120.0
    """
    return pl.col(column).mean().alias("aht")


def complaints(column: str = "complaint") -> pl.Expr:
    """Contacts flagged as a complaint. Additive.

    Examples
    --------
    >>> pl.DataFrame({"complaint": [True, False, True, None]}).select(complaints()).item()
    2
    """
    return pl.col(column).sum().cast(pl.Int64).alias("complaints")


def complaint_rate(column: str = "complaint") -> pl.Expr:
    """Complaints / contacts with a known complaint flag. Non-additive.

    Examples
    --------
    >>> pl.DataFrame({"complaint": [True, False, False, False, None]}).select(complaint_rate()).item()
    0.25
    """
    return _fraction(pl.col(column)).alias("complaint_rate")


def resolution_rate(column: str = "resolved") -> pl.Expr:
    """Contacts marked resolved / contacts with a known ``resolved`` flag. Non-additive.

    Examples
    --------
    >>> pl.DataFrame({"resolved": [True, True, True, False]}).select(resolution_rate()).item()
    0.75
    """
    return _fraction(pl.col(column)).alias("resolution_rate")


def repeats(column: str = "repeat") -> pl.Expr:
    """Repeated contacts: contacts followed by another one of the same customer on the same reason
    within N days (the ``repeat`` column of ``mark_repeats``). Additive.

    Examples
    --------
    >>> pl.DataFrame({"repeat": [True, False, False]}).select(repeats()).item()
    1
    """
    return pl.col(column).sum().cast(pl.Int64).alias("repeats")


def repeat_rate(column: str = "repeat") -> pl.Expr:
    """Repeat-contact rate: repeated contacts / contacts (see ``mark_repeats``). Non-additive.

    Bill contacts of one customer on Jan 5, 7 and 20 with N = 7: only Jan 5 is repeated (Jan 7
    follows 2 days later; Jan 20 is 13 days after Jan 7; nothing follows Jan 20): 1/3.

    Examples
    --------
    >>> pl.DataFrame({"repeat": [True, False, False]}).select(repeat_rate()).item()
    0.3333333333333333
    """
    return _fraction(pl.col(column)).alias("repeat_rate")


def fcr(column: str = "repeat") -> pl.Expr:
    """First-contact resolution: 1 - repeat rate. Non-additive.

    Examples
    --------
    >>> pl.DataFrame({"repeat": [True, False, False, False]}).select(fcr()).item()
    0.75
    """
    return (1.0 - _fraction(pl.col(column))).alias("fcr")


def nps(score: str = "nps") -> pl.Expr:
    """Net Promoter Score: % promoters (9-10) minus % detractors (0-6) among non-null responses.

    In points, -100...100. Non-additive: recompute it from responses at every level; never average NPS.

    Examples
    --------
    >>> pl.DataFrame({"nps": [10, 9, 7, 3, None]}).select(nps()).item()
    25.0
    """
    s = pl.col(score)
    return (100.0 * ((s >= 9).cast(pl.Float64) - (s <= 6).cast(pl.Float64)).mean()).alias("nps")


def ces(score: str = "ces") -> pl.Expr:
    """Customer Effort Score: mean of the 1-7 responses (7 = easiest, so higher is better). Non-additive.

    Examples
    --------
    >>> pl.DataFrame({"ces": [7, 5, 3, None]}).select(ces()).item()
    5.0
    """
    return pl.col(score).cast(pl.Float64).mean().alias("ces")


def csat(score: str = "csat") -> pl.Expr:
    """Customer satisfaction: fraction of the 1-5 responses that are 4 or 5. Non-additive.

    Examples
    --------
    >>> pl.DataFrame({"csat": [5, 4, 2, 1, None]}).select(csat()).item()
    0.5
    """
    return _fraction(pl.col(score) >= 4).alias("csat")


def responses(score: str) -> pl.Expr:
    """Number of non-null survey responses in ``score`` (nps, ces or csat), as ``<score>_responses``.

    Additive.

    Examples
    --------
    >>> pl.DataFrame({"nps": [10, None, 3]}).select(responses("nps")).item()
    2
    """
    return pl.col(score).count().cast(pl.Int64).alias(f"{score}_responses")


@dataclass(frozen=True)
class KpiDef:
    """One catalogue entry: what the KPI means and how to compute and show it."""

    id: str
    label: str
    unit: str                      # count | currency | seconds | fraction | points | score
    format: str                    # a str.format spec for display, e.g. "{:.1%}"
    additive: bool                 # True: sums of children equal the parent
    higher_is_better: bool | None  # None: neither (volume, share)
    description: str
    expr: Callable[[], pl.Expr] = field(repr=False)
    needs: frozenset[str] = frozenset()  # helper columns: "repeat", "digital", "parent_volume"

    @property
    def after_grouping(self) -> bool:
        """True for KPIs computed from the grouped result (share), not from the events."""
        return "parent_volume" in self.needs

    @property
    def columns(self) -> frozenset[str]:
        """The event columns this KPI reads (helper columns replaced by their sources)."""
        sources = {"repeat": {"customer_id", "reason", "timestamp"}, "digital": {"channel"},
                   "volume": set(), "parent_volume": set()}
        names = set(self.expr().meta.root_names())
        return frozenset().union(*(sources.get(n, {n}) for n in names))


def _k(id_, label, unit, fmt, additive, hib, description, expr, needs=()):
    return KpiDef(id_, label, unit, fmt, additive, hib, description, expr, frozenset(needs))


_COUNT, _PCT, _MONEY = "{:,.0f}", "{:.1%}", "{:,.2f}"

CATALOGUE: dict[str, KpiDef] = {k.id: k for k in (
    _k("volume", "Contacts", "count", _COUNT, True, None, "Number of contacts.", volume),
    _k("customers", "Customers", "count", _COUNT, False, None, "Distinct customers with a contact.",
       customers),
    _k("share", "Share of contacts", "fraction", _PCT, False, None,
       "Contacts / contacts of the parent group (the group without the `share_of` dimension).", share,
       ("parent_volume",)),
    _k("digital_share", "Digital share", "fraction", _PCT, False, True,
       "Share of contacts in channels marked digital.", digital_share, ("digital",)),
    _k("cost", "Total cost", "currency", _MONEY, True, False, "Sum of contact costs.", cost),
    _k("cost_per_contact", "Cost per contact", "currency", _MONEY, False, False,
       "Total cost / contacts with a known cost.", cost_per_contact),
    _k("aht", "Average handling time", "seconds", "{:,.0f} s", False, False,
       "Mean handling seconds over contacts with a known handling time.", aht),
    _k("complaints", "Complaints", "count", _COUNT, True, False, "Contacts flagged as complaint.",
       complaints),
    _k("complaint_rate", "Complaint rate", "fraction", _PCT, False, False,
       "Complaints / contacts with a known complaint flag.", complaint_rate),
    _k("resolution_rate", "Resolution rate", "fraction", _PCT, False, True,
       "Contacts marked resolved / contacts with a known resolved flag.", resolution_rate),
    _k("repeats", "Repeated contacts", "count", _COUNT, True, False,
       "Contacts followed by another contact of the same customer on the same reason within N days.",
       repeats, ("repeat",)),
    _k("repeat_rate", "Repeat-contact rate", "fraction", _PCT, False, False,
       "Repeated contacts / contacts.", repeat_rate, ("repeat",)),
    _k("fcr", "First-contact resolution", "fraction", _PCT, False, True, "1 - repeat-contact rate.", fcr,
       ("repeat",)),
    _k("nps", "NPS", "points", "{:+.0f}", False, True,
       "% promoters (9-10) - % detractors (0-6) among NPS responses.", nps),
    _k("ces", "CES", "score", "{:.2f}", False, True, "Mean customer effort score (1-7, 7 = easiest).", ces),
    _k("csat", "CSAT", "fraction", _PCT, False, True, "Share of CSAT responses that are 4 or 5 (of 1-5).",
       csat),
    _k("nps_responses", "NPS responses", "count", _COUNT, True, None, "Non-null NPS responses.",
       lambda: responses("nps")),
    _k("ces_responses", "CES responses", "count", _COUNT, True, None, "Non-null CES responses.",
       lambda: responses("ces")),
    _k("csat_responses", "CSAT responses", "count", _COUNT, True, None, "Non-null CSAT responses.",
       lambda: responses("csat")),
)}

#: The KPIs ``measure`` computes when none are named (``digital_share`` only when dims are given).
DEFAULT_KPIS: tuple[str, ...] = tuple(CATALOGUE)

