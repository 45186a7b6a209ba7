"""Which source column feeds which canonical column: the spec's mapping first, then names that say so.

A canonical column the spec neither maps nor gives a constant maps itself to a source column of the same
name (case, spaces, ``_`` and ``-`` do not matter: ``Customer ID`` is ``customer_id``) or of one of its
common Dutch and English names (:data:`ALIASES`: ``klantnummer`` → customer_id, ``datum`` → timestamp,
``kanaal`` → channel …). The same name beats an alias; two columns that could both be it (``Datum`` and
``Tijd``) map neither, and the load says so. An explicit mapping always wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.sources.canonical import CONTACT_SCHEMA

#: Other names of canonical columns, as an organisation's export may call them (compared normalised).
ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer", "customer number", "customer nr", "customer no", "client", "client id",
                    "klant", "klantnummer", "klantnr", "klant nr", "klant id", "relatienummer"),
    "timestamp": ("date", "time", "datetime", "date time", "datum", "tijd", "tijdstip", "datum tijd",
                  "datumtijd"),
    "channel": ("kanaal", "contactkanaal", "contact channel"),
    "source_code": ("reason code", "code", "reden", "redencode", "reden code", "contactreden", "contact reason code"),
    "segment": ("klantsegment", "customer segment"),
    "cost": ("costs", "kosten"),
    "handling_seconds": ("handling time", "handling", "duration", "duur", "afhandeltijd", "gespreksduur"),
    "complaint": ("klacht", "is complaint"),
    "resolved": ("opgelost", "is resolved"),
    "nps": ("nps score", "net promoter score"),
    "ces": ("ces score", "customer effort score"),
    "csat": ("csat score", "customer satisfaction"),
}
AUTOMATIC = tuple(c for c in CONTACT_SCHEMA if c != "reason")


def normalise(name: str) -> str:
    """A column name compared without case, spaces or punctuation.

    >>> normalise("Customer ID"), normalise("handling_seconds"), normalise("Klant-Nr.")
    ('customerid', 'handlingseconds', 'klantnr')
    """
    return "".join(ch for ch in name.casefold() if ch.isalnum())


@dataclass(frozen=True)
class ColumnUse:
    """One output column and where it comes from: ``how`` is ``mapped`` (the spec says so), ``same name``,
    ``alias``, ``default`` (a kind's default, e.g. XES activity → source_code), ``constant`` or
    ``extra dimension`` (kept under its own name)."""

    column: str
    source: str | None
    how: str

    def __str__(self) -> str:
        if self.how == "constant":
            return f"{self.column} = constant"
        return f"{self.column} ← '{self.source}' ({self.how})"


@dataclass(frozen=True)
class ColumnPlan:
    """Every output column's source, the canonical columns two source columns could feed, the rest unused."""

    uses: tuple[ColumnUse, ...]
    ambiguous: dict[str, tuple[str, ...]]
    unused: tuple[str, ...]

    @property
    def mapping(self) -> dict[str, str]:
        """Output column → source column (constants left out): an explicit mapping that loads the same."""
        return {u.column: u.source for u in self.uses if u.source is not None}

    @property
    def found_by_name(self) -> dict[str, str]:
        """Canonical column → the source column it found by its name or an alias (not mapped by the spec)."""
        return {u.column: u.source for u in self.uses if u.how in ("same name", "alias")}

    def covers(self, column: str) -> bool:
        return any(u.column == column for u in self.uses)

    def describe(self) -> str:
        """One line for a load report: the output columns grouped by how they were found.

        >>> print(plan_columns({"channel": "Medium"}, {"segment": "all"}, (), ["customer_id", "Datum", "Medium"])
        ...       .describe())
        columns: channel ← 'Medium' (mapped); customer_id (same name); timestamp ← 'Datum' (alias); segment (constant)
        """
        groups: dict[str, list[str]] = {}
        for use in self.uses:
            plain = use.how in ("same name", "constant", "extra dimension")
            named = use.column if plain else f"{use.column} ← '{use.source}'"
            groups.setdefault(use.how, []).append(named)
        order = ("mapped", "default", "same name", "alias", "constant", "extra dimension")
        text = "columns: " + "; ".join(f"{', '.join(groups[how])} ({how})" for how in order if how in groups)
        if self.ambiguous:
            text += "; not mapped because two columns could be it: " + ", ".join(
                f"{c} ({' or '.join(repr(s) for s in sources)})" for c, sources in self.ambiguous.items())
        if self.unused:
            text += f"; not used: {', '.join(self.unused)}"
        return text


def plan_columns(mapping: dict[str, str], constants: dict, extra_dimensions: tuple[str, ...],
                 source_columns: list[str], *, defaults: dict[str, str] | None = None,
                 automatic: bool = True) -> ColumnPlan:
    """Where each output column comes from (see the module docstring).

    ``mapping`` and ``constants`` are the spec's; ``defaults`` a kind's own mapping (used where the spec
    maps nothing); ``automatic=False`` turns matching by name off (a reader that only reads what is named).

    Examples
    --------
    >>> plan = plan_columns({"channel": "Medium"}, {}, (), ["Klantnummer", "Datum", "Medium", "Code", "NPS", "Memo"])
    >>> [str(u) for u in plan.uses]  # doctest: +NORMALIZE_WHITESPACE
    ["customer_id ← 'Klantnummer' (alias)", "timestamp ← 'Datum' (alias)", "channel ← 'Medium' (mapped)",
     "source_code ← 'Code' (alias)", "nps ← 'NPS' (same name)"]
    >>> plan.unused
    ('Memo',)
    """
    explicit = {**(defaults or {}), **mapping}
    uses: dict[str, ColumnUse] = {}
    for column in AUTOMATIC:
        if column in explicit:
            uses[column] = ColumnUse(column, explicit[column], "mapped" if column in mapping else "default")
        elif column in constants:
            uses[column] = ColumnUse(column, None, "constant")
    taken = set(explicit.values()) | set(extra_dimensions)
    ambiguous: dict[str, tuple[str, ...]] = {}
    if automatic:
        for column in AUTOMATIC:
            if column in uses:
                continue
            found = _candidates(column, [s for s in source_columns if s not in taken])
            if len(found) == 1:
                uses[column] = ColumnUse(column, found[0][0], found[0][1])
            elif found:
                ambiguous[column] = tuple(s for s, _ in found)
    for dimension in extra_dimensions:
        uses[dimension] = ColumnUse(dimension, explicit.get(dimension, dimension),
                                    "mapped" if dimension in mapping else "extra dimension")
    ordered = [uses[c] for c in [*AUTOMATIC, *extra_dimensions] if c in uses]
    used = {u.source for u in ordered}
    unused = tuple(s for s in source_columns if s not in used)
    return ColumnPlan(tuple(ordered), ambiguous, unused)


def _candidates(column: str, source_columns: list[str]) -> list[tuple[str, str]]:
    """The source columns of the best rank that name ``column``: (source, how)."""
    same = [s for s in source_columns if normalise(s) == normalise(column)]
    if same:
        return [(s, "same name") for s in same]
    aliases = {normalise(a) for a in ALIASES.get(column, ())}
    return [(s, "alias") for s in source_columns if normalise(s) in aliases]
