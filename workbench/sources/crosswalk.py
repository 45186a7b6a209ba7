"""The crosswalk: an organisation's own reason codes → contact reason ids (or ``"ignore"``).

A source says *why* a customer made contact in its own words ("FACT-03", "Adreswijziging"); the
crosswalk translates each such ``source_code`` into one contact reason of the life cycle model. A code
mapped to ``"ignore"`` marks rows that are not customer contacts (test calls, internal transfers): they
are counted as ignored, never silently dropped. A code not in the crosswalk is *unmapped*: its rows are
kept with a null reason and reported with their volume, so the biggest codes get mapped first.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from workbench.interchange.problems import ImportRejected, Problem, decode_utf8, ordered
from workbench.model import Model, did_you_mean
from workbench.sources.columns import as_text

IGNORE = "ignore"


@dataclass(frozen=True)
class Crosswalk:
    """Source code → reason id or ``"ignore"``, with an optional note per code.

    Examples
    --------
    >>> cw = Crosswalk({"F1": "pay-bill", "T0": "ignore"})
    >>> frame = pl.DataFrame({"source_code": ["F1", "T0", "X9"], "customer_id": ["a", "b", "c"]})
    >>> cw.apply(frame).rows()
    [('F1', 'a', 'pay-bill'), ('X9', 'c', None)]
    """

    targets: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "targets", dict(self.targets))
        object.__setattr__(self, "notes", {k: v for k, v in dict(self.notes).items() if v})

    def __len__(self) -> int:
        return len(self.targets)

    @classmethod
    def identity(cls, reasons: list[str] | Model) -> Crosswalk:
        """Every reason id maps to itself (for data whose codes already are reason ids)."""
        ids = list(reasons.reasons) if isinstance(reasons, Model) else list(reasons)
        return cls(dict(zip(ids, ids, strict=True)))

    def with_mapping(self, code: str, target: str | None, note: str = "") -> Crosswalk:
        """A copy with ``code`` mapped to ``target`` (``None`` removes the code)."""
        targets, notes = dict(self.targets), dict(self.notes)
        targets.pop(code, None), notes.pop(code, None)
        if target is not None:
            targets[code], notes[code] = target, note
        return Crosswalk(targets, notes)

    # -- on data --------------------------------------------------------------------------------
    def reason_expr(self, code: str = "source_code") -> pl.Expr:
        """The reason of each row: the mapped target, null where unmapped, ``"ignore"`` where ignored."""
        return pl.col(code).replace_strict(self.targets, default=None, return_dtype=pl.String)

    def is_ignored(self, code: str = "source_code") -> pl.Expr:
        ignored = [c for c, t in self.targets.items() if t == IGNORE]
        return pl.col(code).is_in(pl.Series(ignored, dtype=pl.String).implode()).fill_null(False)

    def is_unmapped(self, code: str = "source_code") -> pl.Expr:
        return ~pl.col(code).is_in(pl.Series(list(self.targets), dtype=pl.String).implode()).fill_null(False)

    def apply(self, frame: pl.DataFrame | pl.LazyFrame):
        """Fill ``reason`` from ``source_code`` and leave out the rows whose code is ignored."""
        return frame.filter(~self.is_ignored()).with_columns(self.reason_expr().alias("reason"))

    def unmapped(self, frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
        """Codes not in the crosswalk with their volume: ``source_code, contacts, customers``.

        Sorted by contacts, biggest first (ties by code), so the user maps what matters most first.

        Examples
        --------
        >>> frame = pl.DataFrame({"source_code": ["A", "B", "B", "B", "C"],
        ...                       "customer_id": ["1", "1", "2", "2", "3"]})
        >>> Crosswalk({"C": "x"}).unmapped(frame).rows()
        [('B', 3, 2), ('A', 1, 1)]
        """
        return self.unmapped_query(frame).collect()

    def unmapped_query(self, frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
        """:meth:`unmapped`, not yet collected."""
        return (
            frame.lazy().filter(self.is_unmapped() & pl.col("source_code").is_not_null())
            .group_by("source_code")
            .agg(pl.len().cast(pl.Int64).alias("contacts"),
                 pl.col("customer_id").n_unique().cast(pl.Int64).alias("customers"))
            .sort(["contacts", "source_code"], descending=[True, False])
        )

    # -- checks ---------------------------------------------------------------------------------
    def validate(self, model: Model) -> list[str]:
        """Targets that are neither a contact reason of ``model`` nor ``"ignore"``; empty if all are fine."""
        return [
            f"crosswalk: code '{code}' maps to '{target}', which is not a contact reason"
            f"{did_you_mean(target, [*model.reasons, IGNORE])}"
            for code, target in self.targets.items()
            if target != IGNORE and target not in model.reasons
        ]

    # -- exchange -------------------------------------------------------------------------------
    def to_frame(self) -> pl.DataFrame:
        """``source_code, reason, note``, in the crosswalk's order."""
        codes = list(self.targets)
        return pl.DataFrame({"source_code": codes, "reason": [self.targets[c] for c in codes],
                             "note": [self.notes.get(c, "") for c in codes]},
                            schema={"source_code": pl.String, "reason": pl.String, "note": pl.String})

    def write(self, path: str | Path) -> Path:
        """Export to ``.xlsx`` (sheet ``crosswalk``) or ``.csv`` (UTF-8), by the file's suffix."""
        path = Path(path)
        frame = self.to_frame()
        if path.suffix.lower() == ".csv":
            frame.write_csv(path)
        elif path.suffix.lower() == ".xlsx":
            frame.write_excel(path, worksheet="crosswalk", autofit=True)
        else:
            raise ValueError(f"{path}: export the crosswalk to a .xlsx or .csv file")
        return path

    @classmethod
    def read(cls, path: str | Path, *, sheet: str | None = None, model: Model | None = None) -> Crosswalk:
        """Import a sheet with columns ``source_code, reason[, note]`` (Excel or CSV).

        Every problem is collected with its file, sheet, row (header = row 1) and column, and raised
        together as :class:`~workbench.interchange.problems.ImportRejected`; with ``model`` given, a
        reason that is not in the model is a problem too (with a did-you-mean).
        """
        targets, notes = _read_sheet(Path(path), sheet, model)
        return cls(targets, notes)


def _read_sheet(path: Path, sheet: str | None, model: Model | None) -> tuple[dict, dict]:
    """Read and check a crosswalk sheet; raise ImportRejected with every located problem."""
    file, problems = str(path), []
    frame, sheet = _read_table(path, sheet, problems)
    if frame is None:
        raise ImportRejected(problems)
    header = {str(c).strip().lower(): c for c in frame.columns}
    for needed in ("source_code", "reason"):
        if needed not in header:
            problems.append(Problem(file, sheet, 1, needed, f"no column '{needed}' "
                                    f"(the columns are: {', '.join(map(str, frame.columns))})"
                                    f"{did_you_mean(needed, list(header))}"))
    if problems:
        raise ImportRejected(problems)
    frame = frame.select(
        as_text(pl.col(header[c]), frame.schema[header[c]]).alias(c)
        for c in ("source_code", "reason", "note") if c in header
    )
    labels = {r.label.strip().lower(): r.id for r in model.reasons.values()} if model else {}
    targets, notes, first_row = {}, {}, {}
    for row_number, row in enumerate(frame.iter_rows(named=True), start=2):
        code, target, note = row["source_code"], row["reason"], row.get("note") or ""
        if code is None and target is None:
            continue  # a blank row
        if code is None:
            problems.append(Problem(file, sheet, row_number, "source_code", "no source code"))
            continue
        if code in first_row:
            problems.append(Problem(file, sheet, row_number, "source_code",
                                    f"code '{code}' is already mapped on row {first_row[code]}"))
            continue
        first_row[code] = row_number
        if target is None:
            problems.append(Problem(file, sheet, row_number, "reason",
                                    f"no reason for code '{code}'; give a reason id or '{IGNORE}'"))
        elif model is not None and target != IGNORE and target not in model.reasons:
            if target.lower() in labels:
                hint = (f" (did you mean '{labels[target.lower()]}'? "
                        f"that is the id of the reason labelled '{target}')")
            else:
                hint = did_you_mean(target, [*model.reasons, IGNORE])
            problems.append(Problem(file, sheet, row_number, "reason",
                                    f"'{target}' is not a contact reason{hint}"))
        else:
            targets[code], notes[code] = target, note
    if problems:
        raise ImportRejected(ordered(problems))
    return targets, notes


def _read_table(path: Path, sheet: str | None, problems: list) -> tuple[pl.DataFrame | None, str | None]:
    file = str(path)
    if not path.is_file():
        problems.append(Problem(file, sheet, None, None, "no such file"))
        return None, sheet
    if path.suffix.lower() == ".csv":
        text = decode_utf8(file, path.read_bytes(), problems)
        if text is None:
            return None, None
        if not text.strip():
            problems.append(Problem(file, None, None, None, "the file is empty"))
            return None, None
        try:
            return pl.read_csv(io.StringIO(text), infer_schema=False), None
        except pl.exceptions.PolarsError as error:
            problems.append(Problem(file, None, None, None, f"cannot be read as CSV ({error})"))
            return None, None
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods"):
        problems.append(Problem(file, sheet, None, None, "not a spreadsheet: give a .xlsx or .csv file"))
        return None, sheet
    import fastexcel

    try:
        sheets = fastexcel.read_excel(file).sheet_names
    except Exception as error:  # fastexcel has its own error types for files that are not workbooks
        problems.append(Problem(file, sheet, None, None, f"cannot be read as a spreadsheet ({error})"))
        return None, sheet
    sheet = sheet or ("crosswalk" if "crosswalk" in sheets else sheets[0])
    if sheet not in sheets:
        problems.append(Problem(file, sheet, None, None, f"no sheet '{sheet}'{did_you_mean(sheet, sheets)}; "
                                f"the sheets are {', '.join(sheets)}"))
        return None, sheet
    frame = pl.read_excel(path, sheet_name=sheet, drop_empty_rows=False, raise_if_empty=False,
                          infer_schema_length=None)
    if not frame.columns:
        problems.append(Problem(file, sheet, None, None, "the sheet is empty"))
        return None, sheet
    return frame, sheet
