"""Adding to a workspace's improvement agenda and layers from a small YAML file, without touching the rest.

The file holds any of the workspace YAML's ``opportunities`` (with their ``solutions``), ``insights`` and
``layers`` (with their ``items``), written as in the full workspace file. Entities are added, or replace
the ones with the same id; references (reasons, steps, journeys, opportunities, layers) may be ids or
labels of the workspace's. Every problem is located by line and key path, and nothing is added when
there is one.

    opportunities:
      - title: Clearer first bill
        reasons: [I understand my first bill, question-bill]
        effort: 2
        solutions:
          - title: Redesigned bill
            go_live: 2026-07-01
            expected: {volume: -0.3}
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode

from workbench.interchange.labels import Labels
from workbench.interchange.notes import ImportNotes
from workbench.interchange.problems import ImportRejected, Problem
from workbench.interchange.textfile import read_bytes, utf8_text
from workbench.interchange.validate import Checker, name_of
from workbench.interchange.yaml_io import Loader, _Reader
from workbench.model import ENTITY_TYPES, SINGULAR, Model

KEYS = ("opportunities", "insights", "layers")
KINDS = ("layers", "layer_items", "insights", "opportunities", "solutions")


def read_agenda(path: str | Path, base: Model, *, notes: ImportNotes | None = None) -> Model:
    """``base`` with the file's opportunities, solutions, insights, layers and layer items added or replaced."""
    file = str(path)
    text = utf8_text(file, read_bytes(path, file))
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ImportRejected([Problem(file, None, mark.line + 1 if mark else None, None,
                                      f"this is not valid YAML: {getattr(error, 'problem', error)}")]) from None
    reader = _Reader(file)
    if not isinstance(root, MappingNode):
        raise ImportRejected([Problem(file, None, 1, None, f"expected a mapping with {', '.join(KEYS)}")])
    keys = reader.mapping(root, "", [*KEYS, "format"]) or {}
    for key in KEYS:
        if key in keys:
            reader.collection(key, keys[key][1], key, {})
    known = {kind: {k: name_of(vars(e)) for k, e in getattr(base, kind).items()} for kind in ENTITY_TYPES}
    known["journeys"] = {j: base.journey_title(j) for j in base.journeys}  # "I move house (future)" apart
    check = Checker(file, notes=notes, known=known)  # the file may point at everything the workspace has
    for kind in ENTITY_TYPES:
        check.index[kind] = Labels(known[kind], SINGULAR[kind], kind)
    converted = {kind: [] for kind in KINDS}
    for record in reader.records:
        converted[record.kind].append((record, check.convert(record)))
    for kind in KINDS:
        check.settle(kind, converted[kind])
    problems = reader.problems + check.problems
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.row or 0))
    out = base.copy()
    for kind in KINDS:
        target = getattr(out, kind)
        for _, values in converted[kind]:
            entity = ENTITY_TYPES[kind](**{k: v for k, v in values.items() if v is not None})
            target[entity.id] = entity
    if safety := out.problems():
        raise ImportRejected([Problem(file, None, None, None, text) for text in safety])
    return out
