"""What a source load found: rows read, kept, bad, ignored and unmapped, with located examples."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from workbench.errors import InputError


@dataclass(frozen=True)
class BadRow:
    """One offending value: the file, the row as the user sees it, the source column and the value."""

    file: str
    row: int
    column: str
    value: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, column '{self.column}': {self.message}"


@dataclass(frozen=True)
class ProblemCount:
    """How many values had one kind of problem, with up to five examples."""

    kind: str
    count: int
    examples: tuple[BadRow, ...]


@dataclass(frozen=True)
class LoadReport:
    """The account of one source load; ``rows_read == rows_kept + rows_bad + rows_ignored``.

    ``rows_kept`` includes ``rows_unmapped`` (kept with a null reason); ``unmapped`` lists those codes
    with their ``contacts`` and ``customers``, biggest first. ``problems`` maps a problem kind to the
    number of offending values (a row with two problems counts under both; ``rows_bad`` counts rows).
    """

    source: str
    location: str
    row_unit: str
    on_bad_rows: str
    rows_read: int
    rows_kept: int
    rows_bad: int
    rows_ignored: int
    rows_unmapped: int
    blank_rows: int = 0
    problems: dict[str, ProblemCount] = field(default_factory=dict)
    unmapped: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"source_code": pl.String, "contacts": pl.Int64, "customers": pl.Int64}))
    quarantine_path: Path | None = None
    detected: tuple[str, ...] = ()  # what the reader found out by itself, per file (encoding, separator)
    columns: str = ""               # which source column fed which column, and how

    @property
    def rows_quarantined(self) -> int:
        """Bad rows set aside in the quarantine file (0 when the load was rejected)."""
        return self.rows_bad if self.quarantine_path is not None else 0

    @property
    def counts(self) -> dict[str, int]:
        """Problem kind → number of offending values."""
        return {kind: p.count for kind, p in self.problems.items()}

    def quarantined_to(self, path: Path) -> LoadReport:
        return replace(self, quarantine_path=path)

    def __str__(self) -> str:
        unit = "line" if self.row_unit == "line" else self.row_unit
        lines = [
            f"source '{self.source}' ({self.location}): {self.rows_read} row(s) read, {self.rows_kept} kept "
            f"({self.rows_unmapped} with an unmapped code), {self.rows_bad} bad, {self.rows_ignored} ignored"
            + (f"; {self.blank_rows} blank row(s) skipped" if self.blank_rows else "")
        ]
        if self.detected:
            shown = self.detected if len(self.detected) <= 5 else [*self.detected[:5],
                                                                   f"and {len(self.detected) - 5} more file(s)"]
            lines.append("  read: " + "; ".join(shown))
        if self.columns:
            lines.append(f"  {self.columns}")
        for kind, problem in self.problems.items():
            lines.append(f"  {kind}: {problem.count}")
            for e in problem.examples:
                lines.append(f"    {e.file}, {unit} {e.row}, column '{e.column}': {e.message}")
        if self.unmapped.height:
            top = ", ".join(f"'{c}' ({n} contacts, {k} customers)"
                            for c, n, k in self.unmapped.head(10).iter_rows())
            more = f" and {self.unmapped.height - 10} more" if self.unmapped.height > 10 else ""
            lines.append(f"  unmapped codes, kept with no reason: {top}{more}")
        if self.quarantine_path is not None:
            lines.append(f"  bad rows set aside in {self.quarantine_path}")
        return "\n".join(lines)


class SourceRejected(InputError):
    """A source with ``on_bad_rows="reject"`` has bad rows; nothing of it was loaded."""

    def __init__(self, report: LoadReport):
        self.report = report
        super().__init__(
            f"source '{report.source}' rejected: {report.rows_bad} bad row(s) of {report.rows_read}; nothing "
            "was loaded. Fix them, or set them aside with on_bad_rows='quarantine' (`--on-bad-rows quarantine`).\n"
            + str(report)
        )
