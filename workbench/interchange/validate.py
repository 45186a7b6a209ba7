"""Located validation shared by every import format.

A reader turns its file into :class:`Record` s (raw values per field plus a way to locate each field);
:func:`build_model` converts and checks them all in one pass, collecting every :class:`Problem`, and
builds a :class:`~workbench.model.Model` only when there is none.

Ids may be left blank: they are made from the label (:func:`workbench.model.unique_id`; a step's from
its journey and position, ``<journey>-<n>``, an episode's from its journey and label). A reference may
hold the id or the label of what it points to (see :mod:`workbench.interchange.labels`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbench.interchange.convert import CONVERTERS, Unreadable
from workbench.interchange.keep import broken_links, kept_kinds
from workbench.interchange.labels import Labels, Resolved
from workbench.interchange.notes import ImportNotes, MadeId
from workbench.interchange.problems import ImportRejected, Problem, ordered
from workbench.model import ENTITY_TYPES, SINGULAR, SLUG, Model, did_you_mean, slugify, unique_id

Location = tuple[str | None, int | None, str | None]  # sheet, row, column


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # id | text | ref | emotion | score | weight | bool | state
    required: bool = False
    target: str | None = None  # the collection a ref points into


def _f(name, kind="text", required=False, target=None) -> Field:
    return Field(name, kind, required, target)


ID, LABEL, DESCRIPTION, OWNER = _f("id", "id"), _f("label", required=True), _f("description"), _f("owner")
#: Every field of every record kind, in the column order of the spreadsheet sheets.
FIELDS: dict[str, list[Field]] = {
    "workspace": [_f("name", required=True), _f("language", "language"), DESCRIPTION,
                  _f("voice_prefixes", "prefixes")],
    "stages": [ID, LABEL, DESCRIPTION],
    "phases": [ID, _f("stage", "ref", True, "stages"), LABEL, DESCRIPTION],
    "reasons": [ID, _f("phase", "ref", True, "phases"), LABEL, DESCRIPTION, OWNER,
                _f("strategic_weight", "weight")],
    "channels": [ID, LABEL, _f("digital", "bool")],
    "segments": [ID, LABEL, DESCRIPTION, _f("needs_and_wants"), _f("pain_points"), _f("products"),
                 _f("money_spent", "amount"), _f("share_of_base", "amount"), _f("tenure"),
                 _f("favourite_channels", "refs", target="channels"), _f("risks"), _f("demographics"),
                 _f("extra", "pairs")],
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
    "layers": [ID, LABEL, DESCRIPTION],
    "layer_items": [ID, _f("layer", "ref", True, "layers"), LABEL, OWNER, DESCRIPTION,
                    _f("reasons", "refs", target="reasons"), _f("steps", "refs", target="steps")],
    "insights": [ID, _f("kind", "insight_kind", True), _f("title", required=True), _f("text"), _f("feedback", "id"),
                 _f("steps", "refs", target="steps"), _f("reasons", "refs", target="reasons"),
                 _f("journeys", "refs", target="journeys"), OWNER, _f("weight", "amount")],
    "opportunities": [ID, _f("title", required=True), DESCRIPTION, _f("status", "opportunity_status"), _f("type"),
                      OWNER, _f("reasons", "refs", target="reasons"), _f("steps", "refs", target="steps"),
                      _f("journeys", "refs", target="journeys"), _f("effort", "amount"), _f("tags", "tags"),
                      _f("parent", "ref", target="opportunities")],
    "solutions": [ID, _f("opportunity", "ref", True, "opportunities"), _f("title", required=True),
                  _f("status", "solution_status"), OWNER, _f("go_live", "date"), _f("expected", "effects"),
                  DESCRIPTION],
}
LINKS = {"process_reasons": "processes", "system_reasons": "systems"}


@dataclass
class Record:
    """One row (or YAML mapping) of raw values; ``locate(field)`` says where a field sits."""

    kind: str
    values: dict[str, Any]
    locate: Callable[[str], Location]
    implied: frozenset[str] = field(default_factory=frozenset)  # fields set by nesting, not by the user
    # an implied reference may hold the parent's Record instead of its id: the id the parent ends up
    # with (perhaps made from its label) is filled in when the parent's ids are known


def suggestion(word: str, candidates) -> str:
    """' (did you mean …?)' for a mistyped header or key, or '' when nothing is close."""
    return did_you_mean(word, candidates)


def describe(loc: Location, here: Location) -> str:
    """A short pointer to ``loc`` as seen from ``here`` (same sheet: just the row)."""
    sheet, row, column = loc
    if sheet is None:
        return f"line {row}" + (f", {column}" if column else "")
    return f"row {row}" if sheet == here[0] else f"sheet {sheet} row {row}"


def where(file: str, loc: Location) -> str:
    """``loc`` as a problem names it (``Reasons:row 4:id``), without the file."""
    return Problem(file, *loc, "").location().removeprefix(file).lstrip(":") or file


def name_of(values: dict) -> str:
    """What people call a record: its label, or its title (insights, opportunities, solutions)."""
    return values.get("label") or values.get("title") or ""


#: Kinds in the order their ids are settled: every reference points to a kind before it (or to itself).
ORDER = [kind for kind in FIELDS if kind != "workspace"]


class Checker:
    """Converts records, settles ids and references, and gathers every problem on the way."""

    def __init__(self, file: str, missing: frozenset[str] = frozenset(), absent: frozenset[str] = frozenset(),
                 notes: ImportNotes | None = None, known: dict[str, dict[str, str]] | None = None):
        self.file, self.missing, self.absent = file, missing, absent
        self.known = known or {}  # id → label of what already exists outside the file, per kind
        self.notes = notes if notes is not None else ImportNotes()
        self.problems: list[Problem] = []
        self.values: dict[int, dict] = {}  # id(record) → its converted values
        self.index: dict[str, Labels] = {}
        self.episodes_of: dict[str, Labels] = {}  # journey id → its episodes

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
        self.values[id(record)] = out
        return out

    def settle(self, kind: str, rows: list[tuple[Record, dict]]) -> None:
        """References to earlier kinds, then this kind's ids, then references to itself."""
        for record, values in rows:
            self._parents(record, values)
            self.check_refs(record, values, own=False)
        if kind not in LINKS:
            self.check_ids(kind, rows)
            labels = {**self.known.get(kind, {}), **{v["id"]: name_of(v) for _, v in rows if v.get("id")}}
            self.index[kind] = Labels(labels, SINGULAR[kind], kind)
            if kind == "episodes":
                by_journey: dict[str, dict[str, str]] = {}
                for _, v in rows:
                    if v.get("id") and v.get("journey"):
                        by_journey.setdefault(v["journey"], {})[v["id"]] = v.get("label") or ""
                self.episodes_of = {j: Labels(items, "episode") for j, items in by_journey.items()}
        for record, values in rows:
            self.check_refs(record, values, own=True)

    def _parents(self, record: Record, values: dict) -> None:
        for name in record.implied:
            parent = values.get(name)
            if isinstance(parent, Record):
                values[name] = self.values.get(id(parent), {}).get("id")

    def check_ids(self, kind: str, rows: list[tuple[Record, dict]]) -> None:
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
        taken = set(seen) | set(self.known.get(kind, {}))  # a made id never takes an existing one
        position: dict[str | None, int] = {}
        for record, values in rows:
            journey = values.get("journey")
            position[journey] = position.get(journey, 0) + 1
            label = name_of(values) or None
            if values.get("id") is not None or not (label or "").strip():
                continue  # an id given, or no label to make one from (a problem already)
            if kind == "steps" and journey:
                base = f"{journey}-{position[journey]}"
            elif kind == "episodes" and journey:
                base = f"{journey}-{slugify(label)}"
            else:
                base = label
            values["id"] = unique_id(base, taken)
            taken.add(values["id"])
            self.notes.made_ids.append(MadeId(kind, values["id"], label.strip(),
                                              where(self.file, record.locate("id"))))

    def check_refs(self, record: Record, values: dict, *, own: bool) -> None:
        """Resolve the reference fields (to this kind when ``own``, else to earlier kinds) to ids."""
        for spec in FIELDS[record.kind]:
            value = values.get(spec.name)
            if (spec.kind not in ("ref", "refs") or value is None or spec.name in record.implied
                    or spec.target in self.missing or (spec.target == record.kind) != own):
                continue
            hint = f" (the file has no {spec.target.capitalize()} sheet)" if spec.target in self.absent else ""
            if spec.kind == "refs":
                values[spec.name] = self._many(record, spec, value, hint)
                continue
            if spec.name == "episode":
                found = self._episode(values.get("journey"), str(value), hint)
            else:
                index = self.index.get(spec.target) or Labels({}, SINGULAR[spec.target], spec.target)
                found = index.resolve(str(value), hint)
            if found.error:
                self.add(record.locate(spec.name), found.error)
            self.notes.by_label += found.by_label
            values[spec.name] = found.id

    def _many(self, record: Record, spec: Field, values: tuple, hint: str) -> tuple[str, ...]:
        """Each id or label of a list field resolved to an id; a problem per unknown or ambiguous one."""
        index = self.index.get(spec.target) or Labels({}, SINGULAR[spec.target], spec.target)
        out = []
        for value in values:
            found = index.resolve(str(value), hint)
            if found.error:
                self.add(record.locate(spec.name), found.error)
            self.notes.by_label += found.by_label
            if found.id:
                out.append(found.id)
        return tuple(dict.fromkeys(out))

    def _episode(self, journey: str | None, value: str, hint: str) -> Resolved:
        """An episode by id, or by label among the episodes of the step's own journey first."""
        every = self.index.get("episodes") or Labels({}, "episode")
        own = self.episodes_of.get(journey or "")
        if value not in every and own is not None:
            found = own.resolve(value)
            if found.id or found.candidates:
                return found
        return every.resolve(value, hint)  # another journey's episode is reported by _check_step_episodes


def build_model(file: str, meta: Record, records: list[Record], sheets: list[str] | None = None,
                missing: frozenset[str] = frozenset(), *, absent: frozenset[str] = frozenset(),
                notes: ImportNotes | None = None, keep: Model | None = None) -> Model:
    """Validate every record and build the model, or raise :class:`ImportRejected` listing every problem.

    ``missing`` names kinds whose required source (a sheet) is absent: references to them are not
    reported one by one, as the missing sheet is already a problem. ``absent`` names optional kinds the
    file does not hold: with ``keep`` (the workspace's model) they are taken from it (see
    :mod:`~workbench.interchange.keep`), else they hold nothing. ``notes`` gets the ids made from labels
    and the references given by label.
    """
    kept = kept_kinds(absent) if keep is not None else set()
    check = Checker(file, missing, absent - kept, notes)
    head = check.convert(meta)
    if head.get("language") is None:
        head["language"] = "en"
    converted: dict[str, list[tuple[Record, dict]]] = {kind: [] for kind in ORDER}
    for record in records:
        converted[record.kind].append((record, check.convert(record)))
    for kind in ORDER:
        check.settle(kind, converted[kind])
        if kind in kept:
            check.index[kind] = Labels({k: e.label for k, e in getattr(keep, kind).items()}, SINGULAR[kind], kind)
    _check_step_episodes(check, converted["steps"], converted["episodes"])
    links = _check_links(check, converted)
    if check.problems:
        raise ImportRejected(ordered(check.problems, sheets))
    model = Model(name=head.get("name") or Model.name, language=head["language"],
                  description=head.get("description") or "", voice_prefixes=tuple(head.get("voice_prefixes") or ()))
    for kind in kept:
        setattr(model, kind, dict(getattr(keep, kind)))
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
    broken = broken_links(model, keep, kept, file) if keep is not None else []
    if broken:
        raise ImportRejected(broken)
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
