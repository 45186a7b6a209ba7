"""The workshop journey sheet: one row per journey step, as teams fill it in on a wall or a laptop.

Columns: journey (label or id), episode (label), step (label), channel, touchpoint, need, emotion,
target_emotion, satisfaction, importance_to_customer, importance_to_organisation, moment_of_truth,
notes, reason (a contact reason id or its label). Only journey and step are required. Labels are
matched ignoring case, accents and spacing (:mod:`~workbench.interchange.labels`); a label that
belongs to several channels or reasons is refused naming them.

:func:`read_workshop` adds the journeys of a sheet (.xlsx or .csv) to a copy of a model, replacing
journeys that already exist (matched by id or label): ids of new journeys come from their labels
(:func:`~workbench.model.unique_id`), step ids are ``<journey-id>-<n>`` and episode ids
``<journey-id>-<episode-slug>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.interchange.convert import CONVERTERS
from workbench.interchange.excel_read import open_workbook, read_tables, sheet_key
from workbench.interchange.labels import Labels, fold
from workbench.interchange.layout import AUXILIARY_SHEETS
from workbench.interchange.notes import ImportNotes, MadeId
from workbench.interchange.problems import ImportRejected, Problem, ordered
from workbench.interchange.sheet import Table, table_records
from workbench.interchange.textfile import read_csv_table
from workbench.interchange.validate import Record
from workbench.interchange.workshop_layout import COLUMNS, SHEET, WORKSHOP_FIELDS
from workbench.interchange.workshop_write import write_workshop_xlsx
from workbench.model import Episode, Journey, Model, Step, slugify, unique_id


def read_workshop(path: str | Path, model: Model, *, notes: ImportNotes | None = None,
                  max_mb: float | None = None) -> Model:
    """A copy of ``model`` with the sheet's journeys added or replaced; nothing changes on a problem.

    ``notes`` gets the ids made from labels (new journeys, episodes) and how many references were labels.
    """
    file = str(path)
    problems: list[Problem] = []
    if str(path).lower().endswith(".csv"):
        table = read_csv_table(path, file, max_mb)
    else:
        table = _xlsx_table(path, file, problems, max_mb)
    records = table_records(file, table, "workshop", problems, WORKSHOP_FIELDS)
    if not records and not problems:
        problems.append(Problem(file, table.sheet, table.header_row + 1, None, "the sheet has no steps"))
    builder = _Builder(file, model, problems, notes if notes is not None else ImportNotes())
    if table.encoding not in (None, "utf-8"):
        builder.notes.encoding = table.encoding
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
    def __init__(self, file: str, model: Model, problems: list[Problem], notes: ImportNotes):
        self.file, self.model, self.problems, self.notes = file, model, problems, notes
        self.drafts: dict[str, _Draft] = {}
        self.labels = {"channel": Labels({k: c.label for k, c in model.channels.items()}, "channel"),
                       "reason": Labels({k: r.label for k, r in model.reasons.items()}, "reason")}
        self.journeys = Labels({k: j.label for k, j in model.journeys.items()}, "journey")
        self.new_journeys: dict[str, str] = {}  # folded label → id of a journey the sheet adds

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
            if spec.name in ("channel", "reason") and value is not None:  # an id or a label
                found = self.labels[spec.name].resolve(value)
                if found.error:
                    self.problem(record, spec.name, found.error)
                self.notes.by_label += found.by_label
                value = found.id
            values[spec.name] = value
        channel, reason = values.get("channel"), values.get("reason")
        journey = self.journeys.resolve(values["journey"].strip()) if values.get("journey", "").strip() else None
        if journey is not None and journey.candidates:  # a current and a future journey share the label, say
            self.problem(record, "journey", journey.error or "")
        if not values.get("journey", "").strip() or not values.get("step", "").strip() or self.problems:
            return
        draft = self.draft(values["journey"].strip(), record)
        episode = None
        if values["episode"].strip():
            episode = self.episode(draft, values["episode"].strip(), record).id
        draft.steps.append(Step(
            id="", journey=draft.journey.id, label=values["step"], episode=episode, channel=channel,
            touchpoint=values["touchpoint"], need=values["need"], emotion=values["emotion"],
            target_emotion=values["target_emotion"], satisfaction=values["satisfaction"],
            importance_to_customer=values["importance_to_customer"],
            importance_to_organisation=values["importance_to_organisation"],
            moment_of_truth=bool(values["moment_of_truth"]), notes=values["notes"], reason=reason))

    def draft(self, text: str, record: Record) -> _Draft:
        """The journey a row belongs to: an existing one by id or label, else a new one named ``text``."""
        found = self.journeys.resolve(text)
        key = found.id or self.new_journeys.get(fold(text))
        if key is None:
            key = unique_id(text, set(self.model.journeys) | set(self.drafts))
            self.new_journeys[fold(text)] = key
            self.notes.made_ids.append(MadeId("journeys", key, text, _where(self.file, record, "journey")))
        if key not in self.drafts:
            self.drafts[key] = _Draft(self.model.journeys.get(key) or Journey(id=key, label=text))
        return self.drafts[key]

    def episode(self, draft: _Draft, label: str, record: Record) -> Episode:
        if fold(label) not in draft.episodes:
            taken = {e.id for d in self.drafts.values() for e in d.episodes.values()}
            taken |= {e.id for e in self.model.episodes.values() if e.journey not in self.drafts}
            episode = Episode(id=unique_id(f"{draft.journey.id}-{slugify(label)}", taken), journey=draft.journey.id,
                              label=label)
            draft.episodes[fold(label)] = episode
            self.notes.made_ids.append(MadeId("episodes", episode.id, label, _where(self.file, record, "episode")))
        return draft.episodes[fold(label)]

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
                step_id = unique_id(f"{key}-{n}", taken)
                taken.add(step_id)
                out.steps[step_id] = replace(step, id=step_id)
        new = set(out.problems()) - set(self.model.problems())
        if new:
            raise ImportRejected([Problem(self.file, None, None, None, text) for text in sorted(new)])
        return out


def _where(file: str, record: Record, name: str) -> str:
    return Problem(file, *record.locate(name), "").location()


def _xlsx_table(path: str | Path, file: str, problems: list[Problem], max_mb: float | None) -> Table:
    """The journey steps sheet (by name, else the first sheet that is not help or lists)."""
    reader = open_workbook(path, file, max_mb)
    names = reader.sheet_names
    wanted = [n for n in names if sheet_key(n) == sheet_key(SHEET)]
    others = [n for n in names if sheet_key(n) not in {sheet_key(a) for a in AUXILIARY_SHEETS}]
    sheet = (wanted or others or names)[0]
    return read_tables(reader, [sheet], file, problems)[sheet]


def write_workshop(path: str | Path, model: Model, journeys: list[str] | None = None,
                   example_rows: bool = True) -> None:
    """Write a workshop sheet (.xlsx) for ``journeys`` (ids; default all), with drop-downs.

    When no journey step is written and ``example_rows`` is true, a few grey example rows show how
    the sheet is filled in (they import like any other row: overwrite or delete them).
    """
    write_workshop_xlsx(path, model, journeys, example_rows)


__all__ = ["COLUMNS", "SHEET", "WORKSHOP_FIELDS", "read_csv_table", "read_workshop", "write_workshop"]
