"""What an import did besides reading values: ids it made from labels, references it found by label.

A reader given an :class:`ImportNotes` fills it in; the command line prints it as the import summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.model import SINGULAR


@dataclass(frozen=True)
class MadeId:
    """An id the import made from a label, because the file gave none."""

    kind: str  # the model collection: "stages", "reasons" …
    id: str
    label: str
    where: str  # the place in the file, as a problem would name it


@dataclass
class ImportNotes:
    """Filled in by a reader: what it made up, what it looked up, what the file does not hold."""

    made_ids: list[MadeId] = field(default_factory=list)
    by_label: int = 0  # references given as a label instead of an id
    filled_down: int = 0  # blank stage/phase cells of a flat sheet taken from the row above
    encoding: str | None = None  # a text file's encoding, when it was not UTF-8
    absent: set[str] = field(default_factory=set)  # model collections the file does not hold at all
    has_workspace: bool = True  # whether the file names the workspace (its name, language …)

    def made_lines(self) -> list[str]:
        """One line per made id: ``reason orienteren ← 'Oriënteren'``."""
        width = max((len(SINGULAR[m.kind]) for m in self.made_ids), default=0)
        return [f"{SINGULAR[m.kind]:<{width}} {m.id} ← '{m.label}'" for m in self.made_ids]
