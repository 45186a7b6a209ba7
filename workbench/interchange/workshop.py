"""The workshop journey sheet: one row per journey step, as teams fill it in on a wall or a laptop.

Columns: journey (label or id), episode (label), step (label), channel, touchpoint, need, emotion,
target_emotion, satisfaction, importance_to_customer, importance_to_organisation, moment_of_truth,
notes, reason (a contact reason id or its exact label). Only journey and step are required.

:func:`read_workshop` adds the journeys of a sheet (.xlsx or .csv) to a copy of a model, replacing
journeys that already exist (matched by id or label): ids come from labels, step ids are
``<journey-id>-<n>`` and episode ids ``<journey-id>-<episode-slug>``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.interchange.convert import CONVERTERS
from workbench.interchange.excel_read import Table, normal_header, open_workbook, read_tables, table_records
from workbench.interchange.problems import ImportRejected, Problem, decode_utf8, ordered, read_bytes
from workbench.interchange.validate import Record, suggestion
from workbench.interchange.workshop_layout import COLUMNS, SHEET, WORKSHOP_FIELDS
from workbench.interchange.workshop_write import write_workshop_xlsx
from workbench.model import Episode, Journey, Model, Step, slugify, unique_id


def read_workshop(path: str | Path, model: Model) -> Model:
    """A copy of ``model`` with the sheet's journeys added or replaced; nothing changes on a problem."""
    file = str(path)
    problems: list[Problem] = []
    table = read_csv_table(path, file) if str(path).lower().endswith(".csv") else _xlsx_table(path, file)
    records = table_records(file, table, "workshop", problems, WORKSHOP_FIELDS)
    if not records and not problems:
        problems.append(Problem(file, table.sheet, table.header_row + 1, None, "the sheet has no steps"))
    builder = _Builder(file, model, problems)
    for record in records:
        builder.add_row(record)
    if problems:
        raise ImportRejected(ordered(problems, [table.sheet or ""]))
    return builder.result()


@dataclass
class _Draft:
    journey: Journey
    episodes: dict[str, Episode] = field(default_factory=dict)  # episode label → episode
    steps: list[Step] = field(default_factory=list)


class _Builder:
    def __init__(self, file: str, model: Model, problems: list[Problem]):
        self.file, self.model, self.problems = file, model, problems
        self.drafts: dict[str, _Draft] = {}

    def problem(self, record: Record, name: str, message: str) -> None:
        self.problems.append(Problem(self.file, *record.locate(name), message))

    def add_row(self, record: Record) -> None:
        values = {}
        for spec in WORKSHOP_FIELDS:
            raw = record.values.get(spec.name)
            if spec.required and spec.name not in record.implied and (raw is None or not str(raw).strip()):
                self.problem(record, spec.name, f"{spec.name} is required: the cell is empty")
                continue
            value, error = CONVERTERS[spec.kind](raw)
            if error:
                self.problem(record, spec.name, error)
            if spec.name in ("channel", "reason"):  # an id or a label (channels: in any case)
                items = self.model.channels if spec.name == "channel" else self.model.reasons
                value = self.resolve(record, spec.name, value, items, casefold=spec.name == "channel")
            values[spec.name] = value
        channel, reason = values.get("channel"), values.get("reason")
        if not values.get("journey", "").strip() or not values.get("step", "").strip() or self.problems:
            return
        draft = self.draft(values["journey"].strip())
        episode = None
        if values["episode"].strip():
            episode = self.episode(draft, values["episode"].strip()).id
        draft.steps.append(Step(
            id="", journey=draft.journey.id, label=values["step"], episode=episode, channel=channel,
            touchpoint=values["touchpoint"], need=values["need"], emotion=values["emotion"],
            target_emotion=values["target_emotion"], satisfaction=values["satisfaction"],
            importance_to_customer=values["importance_to_customer"],
            importance_to_organisation=values["importance_to_organisation"],
            moment_of_truth=bool(values["moment_of_truth"]), notes=values["notes"], reason=reason))

    def resolve(self, record: Record, name: str, value: str | None, items: dict, casefold: bool) -> str | None:
        """An id from a cell holding the id or the label (exact, or ignoring case for channels)."""
        if value is None or value in items:
            return value
        same = (lambda a, b: a.strip().casefold() == b.casefold()) if casefold else (lambda a, b: a.strip() == b)
        matches = [key for key, item in items.items() if same(item.label, value)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            self.problem(record, name, f"'{value}' is the label of several {name}s ({', '.join(matches)}): "
                                       "use the id")
        else:
            labels = {item.label.strip(): key for key, item in items.items()}
            self.problem(record, name, f"unknown {name} '{value}'" + suggestion(value, [*items, *labels]))
        return None

    def draft(self, text: str) -> _Draft:
        journeys = self.model.journeys
        by_label = {j.label.strip(): key for key, j in journeys.items()}
        by_folded = {j.label.strip().casefold(): key for key, j in journeys.items()}
        key = text if text in journeys else by_label.get(text) or by_folded.get(text.casefold())
        key = key or slugify(text)
        if key not in self.drafts:
            journey = journeys.get(key) or Journey(id=key, label=text)
            self.drafts[key] = _Draft(journey)
        return self.drafts[key]

    def episode(self, draft: _Draft, label: str) -> Episode:
        if label not in draft.episodes:
            taken = {e.id for d in self.drafts.values() for e in d.episodes.values()}
            taken |= {e.id for e in self.model.episodes.values() if e.journey not in self.drafts}
            base = f"{draft.journey.id}-{slugify(label)}"
            draft.episodes[label] = Episode(id=_unique(base, taken), journey=draft.journey.id, label=label)
        return draft.episodes[label]

    def result(self) -> Model:
        out = self.model.copy()
        replaced = set(self.drafts)
        out.episodes = {k: e for k, e in out.episodes.items() if e.journey not in replaced}
        out.steps = {k: s for k, s in out.steps.items() if s.journey not in replaced}
        taken = set(out.steps)
        for key, draft in self.drafts.items():
            out.journeys[key] = draft.journey
            out.episodes.update({e.id: e for e in draft.episodes.values()})
            for n, step in enumerate(draft.steps, start=1):
                step_id = _unique(f"{key}-{n}", taken)
                taken.add(step_id)
                out.steps[step_id] = replace(step, id=step_id)
        new = set(out.problems()) - set(self.model.problems())
        if new:
            raise ImportRejected([Problem(self.file, None, None, None, text) for text in sorted(new)])
        return out


def _unique(base: str, taken: set[str]) -> str:
    """``base`` (already a slug) or ``base-2``, ``base-3`` … not in ``taken``."""
    return unique_id(base, taken)


def _xlsx_table(path: str | Path, file: str) -> Table:
    reader = open_workbook(path, file)
    names = reader.sheet_names
    wanted = [n for n in names if normal_header(n) == normal_header(SHEET)]
    others = [n for n in names if n.strip().lower() not in ("instructions", "lists", "readme")]
    sheet = (wanted or others or names)[0]
    return read_tables(reader, path, [sheet])[sheet]


def read_csv_table(path: str | Path, file: str) -> Table:
    """A CSV file (UTF-8 with or without BOM, ',' ';' or tab separated) as a table; rows as Excel shows them."""
    data = read_bytes(path, file)
    problems: list[Problem] = []
    text = decode_utf8(file, data, problems)
    if text is None:
        raise ImportRejected(problems)
    if not text.strip():
        raise ImportRejected([Problem(file, None, None, None, "the file is empty")])
    first_line = text.lstrip("\n").split("\n", 1)[0]
    separator = max([",", ";", "\t"], key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as error:
        raise ImportRejected([Problem(file, None, None, None, f"this is not a readable CSV file: {error}")]) from None
    numbered = [(i, [c if c.strip() else None for c in cells]) for i, cells in enumerate(rows, start=1)]
    numbered = [(i, cells) for i, cells in numbered if any(cells)]
    header_row, headers = numbered[0]
    return Table(None, header_row, [h.strip() if h else None for h in headers], numbered[1:])


def write_workshop(path: str | Path, model: Model, journeys: list[str] | None = None,
                   example_rows: bool = True) -> None:
    """Write a workshop sheet (.xlsx) for ``journeys`` (ids; default all), with drop-downs.

    When no journey step is written and ``example_rows`` is true, a few grey example rows show how
    the sheet is filled in (they import like any other row: overwrite or delete them).
    """
    write_workshop_xlsx(path, model, journeys, example_rows)


__all__ = ["COLUMNS", "SHEET", "WORKSHOP_FIELDS", "read_csv_table", "read_workshop", "write_workshop"]
