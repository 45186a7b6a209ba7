"""Conversion between a :class:`~workbench.model.Model` and table rows."""

from __future__ import annotations

import json
from dataclasses import fields
from functools import cache
from typing import Any

from workbench.model import AGENDA, ENTITY_TYPES, FRAMEWORK, Model, field_names

Rows = dict[Any, dict[str, Any]]

#: Link tables derived from an entity's ``reasons`` tuple: collection → owner column.
LINK_OWNER = {"processes": "process", "systems": "system"}
#: What a model revision guards: the framework, the improvement agenda and the custom layers.
GUARDED = (*FRAMEWORK, *AGENDA)


@cache
def json_fields(kind: str) -> tuple[str, ...]:
    """The tuple fields of a kind kept as a JSON list in its table (a process's reasons have a link table).

    >>> json_fields("opportunities")
    ('reasons', 'steps', 'journeys', 'tags')
    """
    tuples = [f.name for f in fields(ENTITY_TYPES[kind]) if f.default == ()]
    return tuple(n for n in tuples if not (kind in LINK_OWNER and n == "reasons"))


def entity_rows(model: Model, kind: str) -> Rows:
    """Rows of one collection keyed by id, with their display position."""
    names = [n for n in field_names(kind) if not (kind in LINK_OWNER and n == "reasons")]
    encoded = set(json_fields(kind))
    rows: Rows = {}
    positions: dict[str, int] = {}
    for entity in getattr(model, kind).values():
        # episodes and steps are ordered within their journey; everything else globally
        scope = getattr(entity, "journey", "") if kind in ("episodes", "steps") else ""
        positions[scope] = positions.get(scope, 0) + 1
        rows[entity.id] = {**{n: _encode(getattr(entity, n)) if n in encoded else getattr(entity, n) for n in names},
                           "position": positions[scope]}
    return rows


def _encode(values: tuple) -> str:
    return json.dumps([list(v) if isinstance(v, tuple) else v for v in values], ensure_ascii=False)


def _decode(text: str | None) -> tuple:
    return tuple(tuple(v) if isinstance(v, list) else v for v in json.loads(text or "[]"))


def link_rows(model: Model, kind: str) -> Rows:
    owner = LINK_OWNER[kind]
    return {
        (item.id, reason): {owner: item.id, "reason": reason, "position": i}
        for item in getattr(model, kind).values()
        for i, reason in enumerate(item.reasons, start=1)
    }


def meta_row(model: Model) -> dict[str, Any]:
    return {"name": model.name, "language": model.language, "description": model.description,
            "voice_prefixes": json.dumps(list(model.voice_prefixes), ensure_ascii=False)}


def framework_rows(model: Model) -> dict[str, Rows]:
    out = {kind: entity_rows(model, kind) for kind in GUARDED}
    out.update({f"{kind}:links": link_rows(model, kind) for kind in LINK_OWNER})
    return out


def model_rows(model: Model) -> dict[str, Rows]:
    """Every table's rows of ``model``, built once: the framework, its link tables, journeys, episodes, steps.

    Journey rows leave out the revision: the store moves it (see :meth:`Store.commit`), it is not content.

    >>> from workbench.model import Journey, Step
    >>> m = Model().add(Journey("j", "I join"), Step("j-1", "j", "Signs up"))
    >>> rows = model_rows(m)
    >>> rows["journeys"]["j"]["position"], "revision" in rows["journeys"]["j"], rows["steps"]["j-1"]["journey"]
    (1, False, 'j')
    """
    out = framework_rows(model)
    out["journeys"] = {k: {n: v for n, v in row.items() if n != "revision"}
                       for k, row in entity_rows(model, "journeys").items()}
    out["episodes"] = entity_rows(model, "episodes")
    out["steps"] = entity_rows(model, "steps")
    return out


def build_model(meta: dict[str, Any], tables: dict[str, list[dict[str, Any]]],
                links: dict[str, list[dict[str, Any]]]) -> Model:
    """A model from rows as read from the store (each list already sorted by position)."""
    model = Model(name=meta["name"], language=meta["language"], description=meta["description"] or "",
                  voice_prefixes=tuple(json.loads(meta["voice_prefixes"] or "[]")),
                  revision=meta["revision"])
    reasons_of: dict[str, dict[str, list[str]]] = {kind: {} for kind in LINK_OWNER}
    for kind, owner in LINK_OWNER.items():
        for row in links[kind]:
            reasons_of[kind].setdefault(row[owner], []).append(row["reason"])
    for kind, cls in ENTITY_TYPES.items():
        names = field_names(kind)
        items = getattr(model, kind)
        encoded = set(json_fields(kind))
        for row in tables[kind]:
            values = {n: (_decode(row[n]) if n in encoded else row[n]) for n in names if n in row}
            if kind in LINK_OWNER:
                values["reasons"] = tuple(reasons_of[kind].get(row["id"], []))
            items[row["id"]] = cls(**{k: ("" if v is None and _is_text(kind, k) else v)
                                      for k, v in values.items()})
    return model


_TEXT_FIELDS = {"description", "owner", "scope", "touchpoint", "need", "notes", "text", "type", "needs_and_wants",
                "pain_points", "products", "tenure", "risks", "demographics"}


def _is_text(kind: str, name: str) -> bool:
    return name in _TEXT_FIELDS
