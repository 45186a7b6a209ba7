"""The workspace's declared sources and crosswalk, kept in the store (tables ``sources`` and ``crosswalk``).

Every write is one transaction. :func:`contacts` loads every registered source and returns their good
rows as one canonical LazyFrame: the frame the metrics read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from workbench.errors import NotFoundError
from workbench.model import Model, did_you_mean
from workbench.sources.canonical import CONTACT_SCHEMA, conform, empty_contacts
from workbench.sources.crosswalk import IGNORE, Crosswalk
from workbench.sources.load import load_source
from workbench.sources.report import LoadReport
from workbench.sources.spec import SourceSpec, SpecError
from workbench.store import schema as s
from workbench.store.store import Store


class UnknownSource(NotFoundError):
    """No source with that id is registered."""


# -- sources ----------------------------------------------------------------------------------------
def add_source(store: Store, spec: SourceSpec, *, replace: bool = False) -> None:
    """Register ``spec``; an id already taken is refused unless ``replace`` is true."""
    row = {"id": spec.id, "kind": spec.kind, "location": spec.location,
           "spec": json.dumps(spec.to_dict(), ensure_ascii=False, sort_keys=True)}
    with store.engine.begin() as conn:
        exists = conn.execute(select(s.sources.c.id).where(s.sources.c.id == spec.id)).first()
        if exists and not replace:
            raise SpecError(f"a source '{spec.id}' is already registered; "
                            "remove it first or pass replace=True")
        if exists:
            conn.execute(update(s.sources).where(s.sources.c.id == spec.id).values(**row))
        else:
            try:
                conn.execute(insert(s.sources).values(**row))
            except IntegrityError:
                raise SpecError(f"a source '{spec.id}' was registered meanwhile; "
                                "nothing was written") from None


def list_sources(store: Store) -> list[SourceSpec]:
    """Every registered source, by id."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(s.sources.c.spec).order_by(s.sources.c.id)).scalars().all()
    return [SourceSpec.from_dict(json.loads(raw)) for raw in rows]


def get_source(store: Store, id: str) -> SourceSpec:
    for spec in list_sources(store):
        if spec.id == id:
            return spec
    raise _unknown(store, id)


def remove_source(store: Store, id: str) -> None:
    """Unregister a source (its files are left alone)."""
    with store.engine.begin() as conn:
        if not conn.execute(delete(s.sources).where(s.sources.c.id == id)).rowcount:
            raise _unknown(store, id)


def _unknown(store: Store, id: str) -> UnknownSource:
    with store.engine.connect() as conn:
        ids = conn.execute(select(s.sources.c.id)).scalars().all()
    return UnknownSource(f"no source '{id}' is registered{did_you_mean(id, ids)}")


# -- crosswalk --------------------------------------------------------------------------------------
def get_crosswalk(store: Store) -> Crosswalk:
    """The stored crosswalk, ordered by source code."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(s.crosswalk).order_by(s.crosswalk.c.source_code)).mappings().all()
    return Crosswalk({r["source_code"]: r["target"] for r in rows},
                     {r["source_code"]: r["note"] for r in rows})


def reasons_with_data(store: Store) -> set[str] | None:
    """Reason ids the crosswalk maps source codes to (``None`` while there is no crosswalk): the rules
    check counts these reasons as used."""
    return set(get_crosswalk(store).targets.values()) - {IGNORE} or None


def set_crosswalk(store: Store, crosswalk: Crosswalk, *, model: Model | None = None) -> None:
    """Replace the whole crosswalk in one transaction; refused (nothing written) if a target is no reason."""
    _check(crosswalk, model if model is not None else store.load())
    rows = [{"source_code": code, "target": target, "note": crosswalk.notes.get(code, "")}
            for code, target in crosswalk.targets.items()]
    with store.engine.begin() as conn:
        conn.execute(delete(s.crosswalk))
        if rows:
            conn.execute(insert(s.crosswalk), rows)


def set_mapping(store: Store, code: str, target: str | None, note: str = "", *,
                model: Model | None = None) -> None:
    """Map one source code to a reason id or ``"ignore"``; ``None`` removes the code's mapping."""
    if target is not None:
        _check(Crosswalk({code: target}), model if model is not None else store.load())
    with store.engine.begin() as conn:
        conn.execute(delete(s.crosswalk).where(s.crosswalk.c.source_code == code))
        if target is not None:
            conn.execute(insert(s.crosswalk).values(source_code=code, target=target, note=note))


def follow_model(conn: Connection, base: Model, new: Model) -> dict[str, str | None]:
    """Point the crosswalk codes of reasons that left the model at the reasons that took them over.

    ``new.successors`` says where a merged (or deleted-and-relinked) reason went; codes of a reason
    removed without a successor lose their mapping and show up as unmapped, by volume, in the next
    crosswalk report. Runs on ``conn``, inside the transaction that saves the model (see
    :meth:`Workspace.commit`). Returns removed reason → successor (or None).
    """
    successors = {r: new.successors.get(r) for r in base.reasons if r not in new.reasons}
    for reason, successor in successors.items():
        where = s.crosswalk.c.target == reason
        if successor is None:
            conn.execute(delete(s.crosswalk).where(where))
        else:
            conn.execute(s.crosswalk.update().where(where).values(target=successor))
    return successors


def _check(crosswalk: Crosswalk, model: Model) -> None:
    if problems := crosswalk.validate(model):
        raise ValueError("nothing was written:\n  " + "\n  ".join(problems))


# -- all contacts -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ContactsResult:
    """The good rows of every registered source as one canonical frame, and each source's report."""

    frame: pl.LazyFrame
    reports: dict[str, LoadReport] = field(repr=False)

    @property
    def report(self) -> str:
        return "\n".join(str(r) for r in self.reports.values())


def contacts(store: Store, workspace_dir: str | Path | None, model: Model | None = None, *,
             check: bool = True) -> ContactsResult:
    """Load every registered source with the stored crosswalk and the model's channels.

    The frame is the canonical schema plus a ``source`` column (the source id) and every source's extra
    dimensions (null for sources without them). A source with bad rows and ``on_bad_rows="reject"``
    raises :class:`~workbench.sources.report.SourceRejected`; a crosswalk target that is no longer a
    reason raises ``ValueError``: both name what to fix.
    """
    model = model if model is not None else store.load()
    crosswalk = get_crosswalk(store)
    if problems := crosswalk.validate(model):
        raise ValueError("the crosswalk points at reasons the model no longer has; fix it with "
                         "set_mapping:\n  " + "\n  ".join(problems))
    channels = set(model.channels)
    frames, reports = [], {}
    for spec in list_sources(store):
        if spec.content == "feedback":  # feedback sources load through sources/feedback.py
            continue
        result = load_source(spec, channels=channels, crosswalk=crosswalk, workspace_dir=workspace_dir, check=check)
        frames.append(result.frame.with_columns(pl.lit(spec.id).alias("source")))
        if result.report is not None:
            reports[spec.id] = result.report
    if not frames:
        empty = empty_contacts().with_columns(pl.lit(None, pl.String).alias("source"))
        return ContactsResult(conform(empty), reports)
    union = pl.concat(frames, how="diagonal_relaxed")
    ordered = union.select(*CONTACT_SCHEMA, "source", pl.exclude(*CONTACT_SCHEMA, "source"))
    return ContactsResult(conform(ordered), reports)


__all__ = [
    "ContactsResult",
    "IGNORE",
    "UnknownSource",
    "add_source",
    "contacts",
    "follow_model",
    "get_crosswalk",
    "reasons_with_data",
    "get_source",
    "list_sources",
    "remove_source",
    "set_crosswalk",
    "set_mapping",
]
