"""Located validation shared by every import format.

A reader turns its file into :class:`Record` s (raw values per field plus a way to locate each field);
:func:`build_model` converts and checks them all in one pass, collecting every :class:`Problem`, and
builds a :class:`~workbench.model.Model` only when there is none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbench.interchange.convert import CONVERTERS, Unreadable
from workbench.interchange.problems import ImportRejected, Problem, ordered
from workbench.model import ENTITY_TYPES, SLUG, Model, did_you_mean, slugify

Location = tuple[str | None, int | None, str | None]  # sheet, row, column


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # id | text | ref | emotion | score | weight | bool | state
    required: bool = False
    target: str | None = None  # the collection a ref points into


def _f(name, kind="text", required=False, target=None) -> Field:
    return Field(name, kind, required, target)


ID, LABEL, DESCRIPTION, OWNER = _f("id", "id", True), _f("label", required=True), _f("description"), _f("owner")
#: Every field of every record kind, in the column order of the spreadsheet sheets.
FIELDS: dict[str, list[Field]] = {
    "workspace": [_f("name", required=True), _f("language", "language"), DESCRIPTION,
                  _f("voice_prefixes", "prefixes")],
    "stages": [ID, LABEL, DESCRIPTION],
    "phases": [ID, _f("stage", "ref", True, "stages"), LABEL, DESCRIPTION],
    "reasons": [ID, _f("phase", "ref", True, "phases"), LABEL, DESCRIPTION, OWNER,
                _f("strategic_weight", "weight")],
    "channels": [ID, LABEL, _f("digital", "bool")],
    "segments": [ID, LABEL, DESCRIPTION],
    "processes": [ID, LABEL, OWNER, DESCRIPTION],
    "systems": [ID, LABEL, OWNER, DESCRIPTION],
    "process_reasons": [_f("process", "ref", True, "processes"), _f("reason", "ref", True, "reasons")],
    "system_reasons": [_f("system", "ref", True, "systems"), _f("reason", "ref", True, "reasons")],
    "journeys": [ID, LABEL, _f("state", "state"), _f("counterpart", "ref", target="journeys"),
                 _f("segment", "ref", target="segments"), _f("scope"), OWNER, DESCRIPTION],
    "episodes": [ID, _f("journey", "ref", True, "journeys"), LABEL, DESCRIPTION, _f("emotion", "emotion")],
    "steps": [ID, _f("journey", "ref", True, "journeys"), _f("episode", "ref", target="episodes"), LABEL,
              _f("channel", "ref", target="channels"), _f("touchpoint"), _f("need"), _f("emotion", "emotion"),
              _f("target_emotion", "emotion"), _f("satisfaction", "score"),
              _f("importance_to_customer", "score"), _f("importance_to_organisation", "score"),
              _f("moment_of_truth", "bool"), _f("notes"), _f("reason", "ref", target="reasons")],
}
LINKS = {"process_reasons": "processes", "system_reasons": "systems"}


@dataclass
class Record:
    """One row (or YAML mapping) of raw values; ``locate(field)`` says where a field sits."""

    kind: str
    values: dict[str, Any]
    locate: Callable[[str], Location]
    implied: frozenset[str] = field(default_factory=frozenset)  # fields set by nesting, not by the user


def suggestion(word: str, candidates, labels: dict[str, str] | None = None) -> str:
    """' (did you mean …?)' for a mistyped id or header, or '' when nothing is close."""
    if labels:
        by_label = [key for key, label in labels.items() if label.strip().casefold() == word.casefold()]
        if by_label:
            return f" (that is the label of '{by_label[0]}': use the id)"
    return did_you_mean(word, candidates)


def describe(loc: Location, here: Location) -> str:
    """A short pointer to ``loc`` as seen from ``here`` (same sheet: just the row)."""
    sheet, row, column = loc
    if sheet is None:
        return f"line {row}" + (f", {column}" if column else "")
    return f"row {row}" if sheet == here[0] else f"sheet {sheet} row {row}"


class Checker:
    """Converts records, checks ids and references, and gathers every problem on the way."""

    def __init__(self, file: str, missing: frozenset[str] = frozenset()):
        self.file, self.missing = file, missing
        self.problems: list[Problem] = []

    def add(self, loc: Location, message: str) -> None:
        self.problems.append(Problem(self.file, *loc, message))

    def convert(self, record: Record) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in FIELDS[record.kind]:
            raw = record.values.get(spec.name)
            if spec.name in record.implied:
                out[spec.name] = raw
                continue
            blank = raw is None or (isinstance(raw, str) and not raw.strip())
            if blank and spec.required:
                what = "key" if record.locate(spec.name)[0] is None else "cell"
                self.add(record.locate(spec.name), f"{spec.name} is required: the {what} is empty or missing")
                out[spec.name] = None
                continue
            value, error = CONVERTERS[spec.kind](raw)
            if error:
                self.add(record.locate(spec.name), error)
            out[spec.name] = value
        return out

    def check_ids(self, kind: str, rows: list[tuple[Record, dict]]) -> dict[str, Record]:
        seen: dict[str, Record] = {}
        for record, values in rows:
            ident = values.get("id")
            if ident is None:
                continue
            here = record.locate("id")
            if not SLUG.match(ident):
                self.add(here, f"id '{ident}' is not a slug (lowercase letters, digits and '-'); "
                               f"use '{slugify(ident)}'")
            if ident in seen:
                self.add(here, f"duplicate id '{ident}' (also on {describe(seen[ident].locate('id'), here)})")
            else:
                seen[ident] = record
        return seen

    def check_refs(self, record: Record, values: dict, known: dict[str, dict[str, Record]],
                   labels: dict[str, dict[str, str]]) -> None:
        for spec in FIELDS[record.kind]:
            value = values.get(spec.name)
            if spec.kind != "ref" or value is None or spec.name in record.implied or spec.target in self.missing:
                continue
            if value not in known[spec.target]:
                noun = ENTITY_TYPES[spec.target].__name__.lower() if spec.target != "reasons" else "reason"
                self.add(record.locate(spec.name), f"unknown {noun} '{value}'"
                         + suggestion(value, known[spec.target], labels.get(spec.target)))


def build_model(file: str, meta: Record, records: list[Record], sheets: list[str] | None = None,
                missing: frozenset[str] = frozenset()) -> Model:
    """Validate every record and build the model, or raise :class:`ImportRejected` listing every problem.

    ``missing`` names kinds whose whole source (a sheet) is absent: references to them are not
    reported one by one, as the missing sheet is already a problem.
    """
    check = Checker(file, missing)
    head = check.convert(meta)
    if head.get("language") is None:
        head["language"] = "en"
    converted: dict[str, list[tuple[Record, dict]]] = {kind: [] for kind in FIELDS if kind != "workspace"}
    for record in records:
        converted[record.kind].append((record, check.convert(record)))
    known = {kind: check.check_ids(kind, rows) for kind, rows in converted.items() if kind not in LINKS}
    labels = {kind: {v["id"]: v.get("label") or "" for _, v in rows if v.get("id")}
              for kind, rows in converted.items() if kind in ("channels", "reasons", "segments", "journeys")}
    for rows in converted.values():
        for record, values in rows:
            check.check_refs(record, values, known, labels)
    _check_step_episodes(check, converted["steps"], converted["episodes"])
    links = _check_links(check, converted)
    if check.problems:
        raise ImportRejected(ordered(check.problems, sheets))
    model = Model(name=head["name"], language=head["language"], description=head.get("description") or "",
                  voice_prefixes=tuple(head.get("voice_prefixes") or ()))
    for kind, rows in converted.items():
        if kind in LINKS:
            continue
        target = getattr(model, kind)
        for _, values in rows:
            entity = ENTITY_TYPES[kind](**{k: v for k, v in values.items() if v is not None})
            target[entity.id] = entity
    for kind, owners in links.items():
        target = getattr(model, kind)
        for owner, reasons in owners.items():
            target[owner] = _with_reasons(target[owner], reasons)
    safety = model.problems()
    if safety:
        raise ImportRejected([Problem(file, None, None, None, text) for text in safety])
    return model


def _with_reasons(entity, reasons: list[str]):
    from dataclasses import replace

    return replace(entity, reasons=tuple(reasons))


def _check_step_episodes(check: Checker, steps, episodes) -> None:
    journey_of = {v["id"]: v.get("journey") for _, v in episodes if v.get("id")}
    for record, values in steps:
        episode = values.get("episode")
        if episode in journey_of and values.get("journey") and journey_of[episode] != values["journey"]:
            check.add(record.locate("episode"), f"episode '{episode}' belongs to journey "
                      f"'{journey_of[episode]}', not to this step's journey '{values['journey']}'")


def _check_links(check: Checker, converted) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for link_kind, owner_kind in LINKS.items():
        owner_field = FIELDS[link_kind][0].name
        owners: dict[str, list[str]] = {}
        first: dict[tuple[str, str], Record] = {}
        for record, values in converted[link_kind]:
            owner, reason = values.get(owner_field), values.get("reason")
            if owner is None or reason is None:
                continue
            if (owner, reason) in first:
                here = record.locate("reason")
                check.add(here, f"reason '{reason}' is listed twice for {owner_field} '{owner}' "
                          f"(also on {describe(first[owner, reason].locate('reason'), here)})")
                continue
            first[owner, reason] = record
            owners.setdefault(owner, []).append(reason)
        out[owner_kind] = owners
    return out


__all__ = ["FIELDS", "LINKS", "Field", "Record", "Unreadable", "build_model",
           "suggestion", "describe", "Checker"]
