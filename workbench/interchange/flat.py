"""The flat model sheet: one row per contact reason, with columns for its stage, phase and label.

This is the shape people keep a life cycle model in when no tool helped them (one sheet in Excel or
LibreOffice, or a CSV file)::

    Stage;Phase;Contact reason
    Nog geen klant;Oriënteren;Ik vergelijk energieleveranciers
    ;;Ik bereken wat stroom en gas mij kosten        ← blank: the stage and phase of the row above

Columns are found by their header, in English or Dutch, ignoring case and accents (see :data:`ROLES`),
or named with ``columns={"stage": "Levensfase", …}``. Optional columns: description, owner, strategic
weight, channels (one or more channel labels per cell) and order columns (``stage order``, ``volgorde
fase`` …); without order columns, row order is display order. The header may sit below a title.

:func:`read_flat` gives the stages, phases and reasons (and channels, when the sheet has that column).
Ids are made from labels (:func:`~workbench.model.unique_id`), except where ``base`` already has an
entity with that label: it keeps its id, so links from journey steps survive a re-import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from xlsxwriter.utility import xl_col_to_name

from workbench.interchange.convert import to_weight, whole_number
from workbench.interchange.excel_read import find_sheets, open_workbook, read_tables, sheet_key
from workbench.interchange.flat_columns import REQUIRED, ROLES, find_header, is_flat, roles_of
from workbench.interchange.labels import Labels, fold
from workbench.interchange.layout import AUXILIARY_SHEETS
from workbench.interchange.notes import ImportNotes, MadeId
from workbench.interchange.problems import ImportRejected, Problem, ordered
from workbench.interchange.sheet import Table
from workbench.interchange.textfile import read_csv_table
from workbench.model import Channel, ContactReason, Model, Phase, Stage, did_you_mean, unique_id

_LIST = re.compile(r"[,;\n]")
_order = whole_number(-10**9, 10**9)


def read_table(path: str | Path, file: str, columns: Mapping[str, str] | None = None,
               max_mb: float | None = None) -> Table:
    """The flat sheet of a CSV file, or of a workbook (its first sheet with the columns, else its first)."""
    if str(path).lower().endswith(".csv"):
        return read_csv_table(path, file, max_mb)
    reader = open_workbook(path, file, max_mb)
    names = [n for n in reader.sheet_names if sheet_key(n) not in {sheet_key(a) for a in AUXILIARY_SHEETS}]
    tables = read_tables(reader, names or reader.sheet_names, file, [])
    return next((t for t in tables.values() if is_flat(t, columns)), next(iter(tables.values())))


@dataclass
class _Row:
    number: int
    stage: str
    phase: str
    reason: str
    values: dict[str, str | None] = field(default_factory=dict)


class _Reader:
    """Turns the rows of a flat table into stages, phases, reasons (and channels), gathering problems."""

    def __init__(self, file: str, table: Table, base: Model, notes: ImportNotes):
        self.file, self.table, self.base, self.notes = file, table, base, notes
        self.problems: list[Problem] = []
        self.header_row = table.header_row
        self.header: list = []

    def problem(self, row: int | None, role: str | None, message: str) -> None:
        column = self.header[self.columns[role]] if role in getattr(self, "columns", {}) else role
        self.problems.append(Problem(self.file, self.table.sheet, row, column, message))

    def read(self, columns: Mapping[str, str]) -> Model:
        header_row, found, header = find_header(self.table, columns)
        self.header_row, self.header = header_row, header
        if found is None:
            self._explain(columns)
            raise ImportRejected(self.problems)
        self.columns = found
        rows = self._rows()
        if self.problems:
            raise ImportRejected(ordered(self.problems))
        model = self._model(rows)
        if self.problems:
            raise ImportRejected(ordered(self.problems))
        return model

    def _explain(self, columns: Mapping[str, str]) -> None:
        roles = roles_of(self.header, columns)
        headers = [h for h in self.header if isinstance(h, str) and h.strip()]
        for role in REQUIRED:
            if role in columns and role not in roles:
                self.problem(self.header_row, None, f"there is no column '{columns[role]}' (--columns {role}=…)"
                             + did_you_mean(columns[role], headers))
            elif role not in roles:
                self.problem(self.header_row, None,
                             f"no {role} column: name one {', '.join(repr(n) for n in ROLES[role][:4])} … "
                             f"or say which it is with --columns {role}=HEADER"
                             + did_you_mean(role, headers))
            elif len(roles[role]) > 1:
                doubles = " and ".join(f"'{self.header[i]}' ({xl_col_to_name(i)})" for i in roles[role])
                self.problem(self.header_row, None, f"the columns {doubles} both look like the {role} column: "
                                                    f"say which with --columns {role}=HEADER")

    def _rows(self) -> list[_Row]:
        out: list[_Row] = []
        above = {"stage": "", "phase": ""}
        context: dict[str, int] = {}  # folded "stage / phase" of rows without a reason → row number
        for number, cells in self.table.rows:
            if number <= self.header_row:
                continue

            def cell(role: str, cells=cells) -> str:
                i = self.columns.get(role)
                return (cells[i] or "").strip() if i is not None and i < len(cells) else ""

            stage, phase, reason = cell("stage"), cell("phase"), cell("reason")
            if not stage and above["stage"]:
                stage = above["stage"]
                self.notes.filled_down += 1
            if not phase and above["phase"] and stage == above["stage"]:
                phase = above["phase"]
                self.notes.filled_down += 1
            above = {"stage": stage, "phase": phase}
            if not reason:
                if phase:
                    context.setdefault(fold(f"{stage}/{phase}"), number)
                continue
            for role, text in (("stage", stage), ("phase", phase)):
                if not text:
                    self.problem(number, role, f"{role} is required: the cell is empty and no row above gives it")
            out.append(_Row(number, stage, phase, reason, {r: cell(r) or None for r in self.columns}))
        given = {fold(f"{r.stage}/{r.phase}") for r in out}
        for key, number in context.items():
            if key not in given:
                self.problem(number, "reason", "this phase has no contact reason: fill in the reason, "
                                               "or delete the row")
        if not out and not self.problems:
            self.problem(self.header_row + 1, None, "the sheet has no contact reasons below its header")
        return out

    def _model(self, rows: list[_Row]) -> Model:
        stages = _Ids("stages", {k: s.label for k, s in self.base.stages.items()}, self)
        phases = _Ids("phases", {k: p.label for k, p in self.base.phases.items()}, self)
        reasons = _Ids("reasons", {k: r.label for k, r in self.base.reasons.items()}, self)
        out = Model()
        seen: dict[tuple[str, str], int] = {}
        order: dict[str, dict[str, tuple]] = {"stages": {}, "phases": {}, "reasons": {}}
        for row in rows:
            stage_id = stages.get(row.stage, row.number)
            phase_id = phases.get(row.phase, row.number, scope=stage_id,
                                  same_scope=lambda key, s=stage_id: self.base.phases[key].stage == s)
            out.stages.setdefault(stage_id, Stage(stage_id, row.stage))
            out.phases.setdefault(phase_id, Phase(phase_id, stage_id, row.phase))
            if (phase_id, fold(row.reason)) in seen:
                self.problem(row.number, "reason", f"'{row.reason}' is in phase '{row.phase}' already "
                                                   f"(row {seen[phase_id, fold(row.reason)]})")
                continue
            seen[phase_id, fold(row.reason)] = row.number
            reason_id = reasons.new(row.reason, row.number)
            weight, error = to_weight(row.values.get("strategic_weight"))
            if error:
                self.problem(row.number, "strategic_weight", error)
            out.reasons[reason_id] = ContactReason(reason_id, phase_id, row.reason, row.values.get("description") or "",
                                                   row.values.get("owner") or "", 1.0 if weight is None else weight)
            for kind, key in (("stages", stage_id), ("phases", phase_id), ("reasons", reason_id)):
                self._order(order[kind], kind, key, row)
        stage_rank = {k: i for i, k in enumerate(sorted(order["stages"], key=order["stages"].get))}
        phase_rank = {k: i for i, k in enumerate(sorted(order["phases"], key=lambda k: (
            stage_rank[out.phases[k].stage], order["phases"][k])))}
        out.stages = {k: out.stages[k] for k in stage_rank}
        out.phases = {k: out.phases[k] for k in phase_rank}
        out.reasons = {k: out.reasons[k] for k in sorted(order["reasons"], key=lambda k: (
            phase_rank[out.reasons[k].phase], order["reasons"][k]))}
        if "channels" in self.columns:
            out.channels = self._channels(rows)
        return out

    def _order(self, entries: dict[str, tuple], kind: str, key: str, row: _Row) -> None:
        """Keep the sort key of an entity: (no order given, its order cell, its first row, the order's row)."""
        role = f"{kind[:-1]}_order"
        value, error = _order(row.values.get(role))
        if error:
            self.problem(row.number, role, error.replace(" from -1000000000 to 1000000000", ""))
        unordered, known, first, where = entries.get(key, (True, 0, row.number, row.number))
        if value is not None and not unordered and value != known:
            self.problem(row.number, role, f"{kind[:-1]} order {value} here, but {known} on row {where}")
        elif value is not None:
            unordered, known, where = False, value, row.number
        entries[key] = (unordered, known, first, where)

    def _channels(self, rows: list[_Row]) -> dict[str, Channel]:
        known = Labels({k: c.label for k, c in self.base.channels.items()}, "channel")
        out: dict[str, Channel] = {}
        seen: dict[str, str] = {}
        for row in rows:
            for label in (part.strip() for part in _LIST.split(row.values.get("channels") or "")):
                if not label or fold(label) in seen:
                    continue
                found = known.resolve(label)
                key = found.id if found.id and found.id not in out else unique_id(label, {*out, *self.base.channels})
                if found.id != key:
                    self.notes.made_ids.append(MadeId("channels", key, label, self._where(row.number, "channels")))
                old = self.base.channels.get(key)
                out[key] = Channel(key, label, old.digital if old else False)
                seen[fold(label)] = key
        return out

    def _where(self, row: int, role: str) -> str:
        column = self.header[self.columns[role]] if role in self.columns else role
        return Problem(self.file, self.table.sheet, row, column, "").location()


class _Ids:
    """Ids for the labels of one kind: the base model's id for the same label, else one made from the label."""

    def __init__(self, kind: str, base: dict[str, str], reader: _Reader):
        self.kind, self.base, self.reader = kind, base, reader
        self.by_label: dict[str, list[str]] = {}
        for key, label in base.items():
            self.by_label.setdefault(fold(label), []).append(key)
        self.given: dict[tuple[str, str], str] = {}  # (scope, folded label) → id
        self.used: set[str] = set()

    def get(self, label: str, row: int, scope: str = "", same_scope=None) -> str:
        """The id of ``label`` (within ``scope``: a phase's stage), the same on every row."""
        key = (scope, fold(label))
        if key not in self.given:
            self.given[key] = self.new(label, row, same_scope)
        return self.given[key]

    def new(self, label: str, row: int, same_scope=None) -> str:
        """An id for one more entity labelled ``label``."""
        olds = [k for k in self.by_label.get(fold(label), []) if k not in self.used]
        if same_scope and any(same_scope(k) for k in olds):
            olds = [k for k in olds if same_scope(k)]
        if olds:
            self.used.add(olds[0])
            return olds[0]
        made = unique_id(label, {*self.used, *self.base})
        self.used.add(made)
        role = self.kind[:-1]
        self.reader.notes.made_ids.append(MadeId(self.kind, made, label, self.reader._where(row, role)))
        return made


def read_flat(path: str | Path, base: Model | None = None, *, columns: Mapping[str, str] | None = None,
              notes: ImportNotes | None = None, max_mb: float | None = None) -> Model:
    """The framework in a flat sheet (.csv or .xlsx): a model holding its stages, phases and reasons
    (and channels, if the sheet has a channels column), with ids kept from ``base`` where labels match.

    Raises :class:`ImportRejected` listing every problem; ``notes`` gets the ids made from labels.
    """
    file = str(path)
    notes = notes if notes is not None else ImportNotes()
    table = read_table(path, file, columns, max_mb)
    if table.encoding not in (None, "utf-8"):
        notes.encoding = table.encoding
    reader = _Reader(file, table, base or Model(), notes)
    model = reader.read(columns or {})
    notes.absent |= {"segments", "processes", "systems", "journeys", "episodes", "steps"}
    if "channels" not in reader.columns:
        notes.absent.add("channels")
    notes.has_workspace = False
    return model


def looks_flat(path: str | Path, columns: Mapping[str, str] | None = None, max_mb: float | None = None) -> bool:
    """Whether ``path`` is a flat sheet rather than a workspace workbook: a CSV file, or a workbook
    without any of the workspace sheets (Stages, Phases …)."""
    if columns or str(path).lower().endswith(".csv"):
        return True
    reader = open_workbook(path, str(path), max_mb)
    return not find_sheets(reader)
