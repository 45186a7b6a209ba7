"""One door for importing a file into a workspace's model: it finds out what the file is, reads it,
keeps what the file does not hold, and says what it did.

=====================  ======================================================================
the file               what the import does
=====================  ======================================================================
``.yaml`` / ``.yml``   replaces what its top-level keys hold (``stages``: the whole life cycle
                       model; ``journeys``: every journey …); keys it leaves out keep the workspace's
workspace workbook     replaces what its sheets hold; sheets it leaves out keep the workspace's
``.xlsx``              (and without a Workspace sheet: the workspace's name, language, prefixes)
flat sheet ``.csv`` /  replaces stages, phases and reasons (and channels, given a channels
``.xlsx``              column); keeps name, language, voice prefixes, segments … and journeys
workshop sheet         adds or replaces journeys (``journeys=True``)
=====================  ======================================================================

Kept journey steps whose reason the file no longer holds are problems, and nothing is imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import UsageError
from workbench.interchange.convert import to_language, to_prefixes
from workbench.interchange.excel_read import read_workbook
from workbench.interchange.flat import looks_flat, read_flat
from workbench.interchange.keep import broken_links, kept_kinds
from workbench.interchange.notes import ImportNotes
from workbench.interchange.problems import ImportRejected, Problem
from workbench.interchange.textfile import encoding_name
from workbench.interchange.workshop import read_workshop
from workbench.interchange.yaml_io import read_yaml
from workbench.model import Model

FLAT_KINDS = ("stages", "phases", "reasons")
COUNTED = ("stages", "phases", "reasons", "channels", "segments", "processes", "systems", "journeys", "steps")


@dataclass
class Imported:
    """The model an import gives (not saved yet), what kind of file it was, and the import's notes."""

    model: Model
    kind: str  # "YAML file", "workspace workbook", "flat sheet", "workshop sheet"
    notes: ImportNotes = field(default_factory=ImportNotes)
    kept: tuple[str, ...] = ()  # collections kept from the workspace

    def summary(self, file: str | Path) -> str:
        """What was imported, as lines for a terminal: counts, what was kept, the ids made from labels.

        The first line reads as it always has: ``imported FILE (kind): 63 contact reasons, 2 journeys, 9 steps``.
        """
        m = self.model

        def count(kind: str) -> str:
            return f"{len(getattr(m, kind))} {_noun(kind, len(getattr(m, kind)))}"

        lines = [f"imported {file} ({self.kind}): {count('reasons')}, {count('journeys')}, {count('steps')}",
                 "  " + ", ".join(count(kind) for kind in COUNTED if kind not in ("journeys", "steps"))]
        if self.kept:
            lines.append(f"  kept from the workspace: {', '.join(self.kept)}")
        notes = self.notes
        if notes.encoding:
            lines.append(f"  read as {encoding_name(notes.encoding)} text")
        if notes.filled_down:
            lines.append(f"  {notes.filled_down} blank stage/phase cell(s) taken from the row above")
        if notes.by_label:
            lines.append(f"  {notes.by_label} reference(s) given by label instead of id")
        if notes.made_ids:
            lines.append(f"  ids made from labels ({len(notes.made_ids)}):")
            lines.extend(f"    {line}" for line in notes.made_lines())
        return "\n".join(lines)


def _noun(kind: str, n: int) -> str:
    singular = {"reasons": "contact reason", "processes": "process"}.get(kind, kind[:-1])
    return singular if n == 1 else ("contact reasons" if kind == "reasons" else kind)


def import_file(path: str | Path, base: Model, *, journeys: bool = False, columns: Mapping[str, str] | None = None,
                voice_prefixes: str | None = None, language: str | None = None,
                max_mb: float | None = None) -> Imported:
    """Read ``path`` into a new model based on ``base`` (the workspace's model now); nothing is saved.

    ``columns`` names the columns of a flat sheet (role → header, see
    :func:`~workbench.interchange.flat.parse_columns`); ``voice_prefixes`` ("Ik, Mijn") and
    ``language`` ("nl") set the model's. Raises :class:`ImportRejected` listing every problem.
    """
    file, suffix = str(path), Path(path).suffix.lower()
    notes = ImportNotes()
    kept: tuple[str, ...] = ()
    if journeys:
        model, kind = read_workshop(path, base, notes=notes, max_mb=max_mb), "workshop sheet"
    elif suffix in (".yaml", ".yml") and not columns:
        model, kind = read_yaml(path, notes=notes, max_mb=max_mb, keep=base), "YAML file"
        kept = tuple(k for k in COUNTED if k in kept_kinds(notes.absent))
    elif suffix in (".csv", ".xlsx"):
        if looks_flat(path, columns, max_mb):
            model, kind = _merge_flat(base, read_flat(path, base, columns=columns, notes=notes, max_mb=max_mb),
                                      notes, file), "flat sheet"
        else:
            model, kind = read_workbook(path, notes=notes, keep=base, max_mb=max_mb), "workspace workbook"
        kept = tuple(k for k in COUNTED if k in kept_kinds(notes.absent))
    else:
        raise ImportRejected([Problem(file, None, None, None, f"unknown file type {suffix or '(none)'}: use .yaml, "
                                      ".yml or .xlsx for a workspace, .xlsx or .csv for a flat sheet or (with "
                                      "--journeys) a workshop sheet")])
    _settings(model, voice_prefixes, language)
    return Imported(model, kind, notes, kept)


def _merge_flat(base: Model, framework: Model, notes: ImportNotes, file: str) -> Model:
    """``base`` with the flat sheet's stages, phases and reasons (and channels, if it has them)."""
    out = base.copy()
    replaced = [*FLAT_KINDS, *(["channels"] if "channels" not in notes.absent else [])]
    for kind in replaced:
        setattr(out, kind, dict(getattr(framework, kind)))
    problems = broken_links(out, base, set(kept_kinds(notes.absent)), file)
    if problems:
        raise ImportRejected(problems)
    return out


def _settings(model: Model, voice_prefixes: str | None, language: str | None) -> None:
    problems = []
    if voice_prefixes is not None:
        prefixes, error = to_prefixes(voice_prefixes)
        if error:
            problems.append(error)
        model.voice_prefixes = prefixes
    if language is not None:
        code, error = to_language(language)
        if error:
            problems.append(error)
        model.language = code or model.language
    if problems:
        raise UsageError("; ".join(problems))
