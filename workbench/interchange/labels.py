"""Finding an entity by what a person typed: its id, or its label ignoring case, accents and spacing.

Every import resolves references through :class:`Labels`: an id wins; else an exact label (after
:func:`fold`) that belongs to one entity; a label shared by several is refused naming them; anything
else gets the workbench's one "did you mean".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from workbench.model import SLUG, did_you_mean

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """``text`` as labels are compared: case, accents and runs of spaces do not count.

    >>> fold("  Oriënteren  en   KIEZEN ") == fold("orienteren en kiezen")
    True
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare).strip().casefold()


@dataclass(frozen=True)
class Resolved:
    """What a typed reference turned out to be: an ``id`` (``by_label`` when a label gave it), or an ``error``
    (``candidates`` holds the ids when the label belongs to several)."""

    id: str | None
    by_label: bool = False
    error: str | None = None
    candidates: tuple[str, ...] = ()


class Labels:
    """The ids and labels of one collection, for resolving typed references to it.

    Examples
    --------
    >>> stages = Labels({"nog-geen-klant": "Nog geen klant", "klant-zijn": "Klant zijn"}, "stage")
    >>> stages.resolve("klant-zijn").id, stages.resolve("NOG GEEN KLANT").id
    ('klant-zijn', 'nog-geen-klant')
    >>> stages.resolve("Nog gen klant").error
    "unknown stage 'Nog gen klant' (did you mean 'Nog geen klant'?)"
    """

    def __init__(self, labels: Mapping[str, str], noun: str, plural: str | None = None):
        self.labels, self.noun, self.plural = dict(labels), noun, plural or f"{noun}s"
        self._folded: dict[str, list[str]] = {}
        for key, label in self.labels.items():
            for text in {fold(label), fold(key)}:
                if text and key not in self._folded.setdefault(text, []):
                    self._folded[text].append(key)

    def __contains__(self, key: object) -> bool:
        return key in self.labels

    def resolve(self, value: str, hint: str = "") -> Resolved:
        """The id ``value`` names (an id, or an unambiguous label); ``hint`` ends the message when none does."""
        if value in self.labels:
            return Resolved(value)
        matches = self._folded.get(fold(value), [])
        if len(matches) == 1:
            return Resolved(matches[0], by_label=True)
        if matches:
            listing = ", ".join(f"'{key}' ({self.labels[key]})" for key in matches)
            return Resolved(None, error=f"'{value}' is the label of {len(matches)} {self.plural}: {listing}; "
                                        "use the id of the one you mean", candidates=tuple(matches))
        ids, labels = list(self.labels), [label.strip() for label in self.labels.values()]
        first, then = (ids, labels) if SLUG.match(value) else (labels, ids)  # typed like an id, or like a label
        close = did_you_mean(value, first) or did_you_mean(value, then)
        return Resolved(None, error=f"unknown {self.noun} '{value}'{close}{hint}")
