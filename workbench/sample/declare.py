"""Declare generated contact data in a workspace: its source and its crosswalk, as a team would its own export."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.model import Model
from workbench.sample.generator import SampleResult
from workbench.sources.canonical import CONTACT_SCHEMA
from workbench.sources.crosswalk import IGNORE, Crosswalk
from workbench.sources.registry import add_source, get_crosswalk, set_crosswalk
from workbench.sources.spec import SourceSpec
from workbench.store import Store

GENERATED_SOURCE = "generated"


@dataclass(frozen=True)
class Declared:
    """What :func:`declare_generated` wrote: the source, the codes added to the crosswalk, and the codes the
    crosswalk already mapped (left as they were)."""

    spec: SourceSpec
    added: int
    kept: int


def generated_spec(source_id: str, location: str) -> SourceSpec:
    """The source of generated data: Parquet in the canonical schema; bad rows (there are none) set aside."""
    return SourceSpec(id=source_id, kind="parquet", location=location, on_bad_rows="quarantine",
                      mapping={c: c for c in CONTACT_SCHEMA if c != "reason"})


def declare_generated(store: Store, model: Model, result: SampleResult, *, location: str,
                      source_id: str = GENERATED_SOURCE, replace: bool = False) -> Declared:
    """Register ``result``'s data at ``location`` as the source ``source_id`` and add its codes to the crosswalk.

    A code the crosswalk maps already keeps its mapping (the team's word wins over the generator's). The
    crosswalk is written before the source, so a refused source leaves only extra, harmless mappings.
    """
    current = get_crosswalk(store)
    new = {code: target for code, target in result.crosswalk.items() if code not in current.targets}
    notes = {**current.notes, **{code: "generated: test and spam contacts" for code, target in new.items()
                                 if target == IGNORE}}
    set_crosswalk(store, Crosswalk({**current.targets, **new}, notes), model=model)
    spec = generated_spec(source_id, location)
    add_source(store, spec, replace=replace)
    return Declared(spec, added=len(new), kept=len(result.crosswalk) - len(new))
