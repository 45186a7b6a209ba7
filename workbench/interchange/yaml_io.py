"""The workspace model as one YAML file (format ``journey-workbench/1``, see the YAML format note).

Writing is stable: keys in the documented order, optional keys left out at their default, lists in
display order, so export → import → export gives the same bytes. Reading walks the composed node tree,
so every problem is located by line number and key path (``journeys[0].steps[3].reason``).
"""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from workbench.files import write_text
from workbench.interchange.convert import Unreadable
from workbench.interchange.notes import ImportNotes
from workbench.interchange.problems import ImportRejected, Problem
from workbench.interchange.textfile import read_bytes, utf8_text
from workbench.interchange.validate import FIELDS, Record, build_model, suggestion
from workbench.model import ENTITY_TYPES, Model

FORMAT = "journey-workbench/1"
#: Nesting of the file: collection key → (entity kind, field set by the parent, child collections).
NESTING: dict[str, tuple[str, str | None, dict[str, str]]] = {
    "stages": ("stages", None, {"phases": "phases"}),
    "phases": ("phases", "stage", {"reasons": "reasons"}),
    "reasons": ("reasons", "phase", {}),
    "channels": ("channels", None, {}),
    "segments": ("segments", None, {}),
    "processes": ("processes", None, {"reasons": "process_reasons"}),
    "systems": ("systems", None, {"reasons": "system_reasons"}),
    "journeys": ("journeys", None, {"episodes": "episodes", "steps": "steps"}),
    "episodes": ("episodes", "journey", {}),
    "steps": ("steps", "journey", {}),
    "layers": ("layers", None, {"items": "layer_items"}),
    "items": ("layer_items", "layer", {}),
    "insights": ("insights", None, {}),
    "opportunities": ("opportunities", None, {"solutions": "solutions"}),
    "solutions": ("solutions", "opportunity", {}),
}
TOP_COLLECTIONS = ("stages", "channels", "segments", "processes", "systems", "journeys", "layers", "insights",
                   "opportunities")
OPTIONAL_COLLECTIONS = ("layers", "insights", "opportunities")
TOP_KEYS = ["format", "name", "description", "language", "voice_prefixes", *TOP_COLLECTIONS]
#: the model collections each top-level key holds (what is kept from the workspace when the key is left out)
HELD_BY = {"stages": ("stages", "phases", "reasons"), "processes": ("processes", "process_reasons"),
           "systems": ("systems", "system_reasons"), "journeys": ("journeys", "episodes", "steps"),
           "layers": ("layers", "layer_items"), "opportunities": ("opportunities", "solutions")}
SETTINGS = ("description", "language", "voice_prefixes")
ALWAYS = {"id", "label", "title", "kind", "state", "digital"}  # written even at their default
ONE_LINE = {"channels", "segments", "episodes"}  # small entities written as {id: …, label: …}
RAW_TEXT_KINDS = {"text", "id", "ref", "state", "language"}
NULL_TAG = "tag:yaml.org,2002:null"
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# -- writing --------------------------------------------------------------------------------------
def model_to_yaml(model: Model) -> str:
    """The model as YAML text in the documented key order (UTF-8, optional keys at default left out)."""
    doc = {"format": FORMAT, "name": model.name}
    if model.description:
        doc["description"] = model.description
    doc["language"] = model.language
    if model.voice_prefixes:
        doc["voice_prefixes"] = list(model.voice_prefixes)
    for key in TOP_COLLECTIONS:
        if key in OPTIONAL_COLLECTIONS and not getattr(model, key):
            continue  # the agenda and the layers are written only when there are some
        doc[key] = [_entity_doc(model, key, e) for e in getattr(model, key).values()]
    text = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1 << 16)
    return _spaced(text)


def _spaced(text: str) -> str:
    """A blank line before each top-level collection, for the eye; not after a block scalar that keeps its
    trailing line breaks (``|+``), where the blank line would become part of the text."""
    out, keeping = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith(tuple(f"{k}:" for k in TOP_COLLECTIONS)) and not keeping:
            out.append("\n")
        if line[:1] not in (" ", "\n", ""):
            keeping = False
        if re.search(r"\|\d*\+\s*$", line):
            keeping = True
        out.append(line)
    return "".join(out)


def write_yaml(model: Model, path: str | Path) -> None:
    """Write the model as YAML (whole or not at all: see :func:`workbench.files.write_text`)."""
    write_text(path, model_to_yaml(model))


def _entity_doc(model: Model, key: str, entity) -> dict:
    kind, parent_field, children = NESTING[key]
    defaults = {f.name: f.default for f in fields(ENTITY_TYPES[kind])}
    out = {}
    for spec in FIELDS[kind]:
        value = getattr(entity, spec.name)
        if spec.name != parent_field and (spec.name in ALWAYS or value != defaults[spec.name]):
            out[spec.name] = _plain(spec.kind, value)
    for child_key, child_kind in children.items():
        if child_kind in ("process_reasons", "system_reasons"):
            out[child_key] = list(entity.reasons)
        else:
            parent = NESTING[child_key][1]
            owned = [c for c in getattr(model, child_kind).values() if getattr(c, parent) == entity.id]
            if owned or kind not in ("layers", "opportunities"):
                out[child_key] = [_entity_doc(model, child_key, c) for c in owned]
    return _OneLine(out) if kind in ONE_LINE else out


def _plain(kind: str, value):
    """A field's value as YAML writes it: lists of ids as lists, pairs as a mapping."""
    if kind in ("effects", "pairs"):
        return dict(value)
    if isinstance(value, tuple):
        return list(value)
    return value


class _OneLine(dict):
    """A mapping written in flow style on one line."""


def parent_of(kind: str) -> str:
    return NESTING[kind][1] or ""


class _Dumper(yaml.SafeDumper):
    """Indented block lists, flow lists of plain texts, literal blocks for multi-line text."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def choose_scalar_style(self):
        style = super().choose_scalar_style()
        return '"' if style == "'" else style  # "double quotes" as people write them


def _represent_str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper, value: list):
    flow = all(isinstance(item, str) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _represent_one_line(dumper, value: _OneLine):
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_OneLine, _represent_one_line)
_Dumper.add_representer(list, _represent_list)


# -- reading --------------------------------------------------------------------------------------
def read_yaml(path: str | Path, *, notes: ImportNotes | None = None, max_mb: float | None = None,
              keep: Model | None = None) -> Model:
    """Read a workspace (or template) YAML file; :class:`ImportRejected` lists every problem.

    Files above the size limit (see :func:`~workbench.interchange.textfile.size_limit`) are refused
    before they are read; the text must be UTF-8 without NUL characters. With ``keep`` (the workspace's
    model), what the file leaves out is taken from it: a file of only ``name`` and ``channels``
    replaces the channels and keeps the rest.
    """
    file = str(path)
    text = utf8_text(file, read_bytes(path, file, max_mb))
    return model_from_yaml_text(text, file=file, notes=notes, keep=keep)


def model_from_yaml_text(text: str, file: str = "<yaml>", *, notes: ImportNotes | None = None,
                         keep: Model | None = None) -> Model:
    """Parse and validate YAML text; problems name ``file``, the line and the key path (``keep``: see
    :func:`read_yaml`)."""
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ImportRejected([Problem(file, None, mark.line + 1 if mark else None, None,
                                      f"this is not valid YAML: {error.problem or error.context}")]) from None
    except yaml.YAMLError as error:
        raise ImportRejected([Problem(file, None, None, None, f"this is not valid YAML: {error}")]) from None
    if root is None:
        raise ImportRejected([Problem(file, None, None, None, "the file is empty")])
    reader = _Reader(file, keep)
    if not isinstance(root, MappingNode):
        reader.mapping(root, "", TOP_KEYS)
        raise ImportRejected(reader.problems)
    meta = reader.top(root)
    absent = frozenset(kind for key in TOP_COLLECTIONS if key not in reader.present
                       for kind in HELD_BY.get(key, (key,))) if keep is not None else frozenset()
    if notes is not None:
        notes.absent |= absent
    if reader.problems:  # structural problems: still validate what could be read, to report all at once
        try:
            build_model(file, meta, reader.records, absent=absent, keep=keep)
        except ImportRejected as rejected:
            raise ImportRejected(sorted(reader.problems + rejected.problems, key=lambda p: p.row or 0)) from None
        raise ImportRejected(reader.problems)
    model = build_model(file, meta, reader.records, absent=absent, notes=notes, keep=keep)
    for name in SETTINGS if keep is not None else ():
        if name not in reader.present:
            setattr(model, name, getattr(keep, name))
    return model


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _shape(node: Node) -> str:
    return {MappingNode: "a mapping", SequenceNode: "a list"}.get(type(node), "a single value")


class _Reader:
    def __init__(self, file: str, keep: Model | None = None):
        self.file, self.keep = file, keep
        self.present: set[str] = set()
        self.problems: list[Problem] = []
        self.records: list[Record] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def problem(self, node: Node, path: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, None, _line(node), path, message))

    def mapping(self, node: Node, path: str, allowed: list[str]) -> dict[str, tuple[Node, Node]] | None:
        if not isinstance(node, MappingNode):
            self.problem(node, path or None, f"expected a mapping of keys ({', '.join(allowed[:4])} …), "
                                             f"found {_shape(node)}")
            return None
        out: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node.value)
            where = f"{path}.{key}" if path else key
            if key in out:
                self.problem(key_node, where, f"key '{key}' appears twice (also on line {_line(out[key][0])})")
            elif key not in allowed:
                self.problem(key_node, where, f"unknown key '{key}'{suggestion(key, allowed)}")
            else:
                out[key] = (key_node, value_node)
        return out

    def items(self, node: Node, path: str) -> list[Node]:
        if isinstance(node, ScalarNode) and node.tag == NULL_TAG:
            return []
        if not isinstance(node, SequenceNode):
            self.problem(node, path, f"expected a list, found {_shape(node)}")
            return []
        return node.value

    def raw(self, kind: str, name: str, node: Node):
        spec = next(f for f in FIELDS[kind] if f.name == name)
        if spec.kind in ("effects", "pairs") and isinstance(node, MappingNode):
            return {k.value: self.constructor.construct_object(v) if isinstance(v, ScalarNode)
                    else Unreadable(_shape(v)) for k, v in node.value}
        if spec.kind in ("prefixes", "refs", "tags"):
            if isinstance(node, ScalarNode) and node.tag != NULL_TAG:
                return node.value  # one text: "Ik, Mijn"
            if not isinstance(node, SequenceNode):
                return Unreadable(_shape(node))
            return [n.value if isinstance(n, ScalarNode) else Unreadable(_shape(n)) for n in node.value]
        if not isinstance(node, ScalarNode):
            return Unreadable(_shape(node))
        if node.tag == NULL_TAG:
            return None
        if spec.kind in RAW_TEXT_KINDS:
            return node.value  # the text as written: `label: No` stays 'No', `label: 2024` stays '2024'
        return self.constructor.construct_object(node)

    def record(self, kind: str, node: Node, path: str, keys: dict[str, tuple[Node, Node]],
               implied: dict[str, object]) -> Record:
        values = {name: self.raw(kind, name, v) for name, (_, v) in keys.items() if name in _field_set(kind)}
        values.update(implied)

        def locate(name: str):
            return None, _line(keys[name][1] if name in keys else node), f"{path}.{name}" if path else name

        record = Record(kind, values, locate, frozenset(implied))
        self.records.append(record)
        return record

    def top(self, root: Node) -> Record:
        keys = self.mapping(root, "", TOP_KEYS) or {}
        self.present = set(keys)
        if "format" in keys and keys["format"][1].value != FORMAT:
            self.problem(keys["format"][1], "format",
                         f"unsupported format '{keys['format'][1].value}': this workbench reads '{FORMAT}'")
        implied = {"name": self.keep.name} if self.keep is not None and "name" not in keys else {}
        meta = self.record("workspace", root, "", {k: v for k, v in keys.items() if k != "format"}, implied)
        self.records.pop()
        for key in TOP_COLLECTIONS:
            if key in keys:
                self.collection(key, keys[key][1], key, {})
        return meta

    def collection(self, key: str, node: Node, path: str, implied: dict[str, object]) -> None:
        kind, _, children = NESTING[key]
        allowed = [f.name for f in FIELDS[kind] if f.name not in implied] + list(children)
        for i, item in enumerate(self.items(node, path)):
            item_path = f"{path}[{i}]"
            keys = self.mapping(item, item_path, allowed)
            if keys is None:
                continue
            own = self.record(kind, item, item_path, {k: v for k, v in keys.items() if k not in children}, implied)
            for child_key, child_kind in children.items():  # children point to ``own``: its id may be made later
                if child_key in keys:
                    child_path = f"{item_path}.{child_key}"
                    if child_kind in ("process_reasons", "system_reasons"):
                        self.links(child_kind, keys[child_key][1], child_path, own)
                    else:
                        self.collection(child_key, keys[child_key][1], child_path, {NESTING[child_key][1]: own})

    def links(self, kind: str, node: Node, path: str, owner: Record) -> None:
        owner_field = FIELDS[kind][0].name
        for i, item in enumerate(self.items(node, path)):
            where = f"{path}[{i}]"
            raw = self.raw(kind, "reason", item)
            self.records.append(Record(kind, {owner_field: owner, "reason": raw},
                                       lambda _name, line=_line(item), w=where: (None, line, w),
                                       frozenset({owner_field})))


def _field_set(kind: str) -> set[str]:
    return {f.name for f in FIELDS[kind]}
