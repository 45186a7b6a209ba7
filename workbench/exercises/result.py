"""What every exercise check returns, and the small helpers the checks share."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from workbench.model import Model


@dataclass
class CheckResult:
    """The verdict of one check: ``ok``, and ``messages`` that tell the trainee what to look at.

    Shown as text by ``print`` and as Markdown in a notebook (trainee text is escaped).

    Examples
    --------
    >>> print(CheckResult("Journey 'I move house'", False, ["step 'move-3' has no channel"]))
    ✗ Journey 'I move house': not yet
      - step 'move-3' has no channel
    """

    title: str
    ok: bool
    messages: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        head = f"{'✓' if self.ok else '✗'} {self.title}: {'well done' if self.ok else 'not yet'}"
        return "\n".join([head, *(f"  - {m}" for m in self.messages)])

    def _repr_markdown_(self) -> str:
        head = f"**{'✓' if self.ok else '✗'} {html.escape(self.title)}: {'well done' if self.ok else 'not yet'}**"
        return "\n".join([head, "", *(f"- {html.escape(m)}" for m in self.messages)])

    def __repr__(self) -> str:
        return str(self)


def model_of(ws_or_model: Any) -> Model:
    """The model of a workspace, or the model itself."""
    return ws_or_model if isinstance(ws_or_model, Model) else ws_or_model.load()


def events_of(ws: Any, model: Model | None = None) -> pl.DataFrame:
    """The contact events of a workspace (every registered source, crosswalked) as a DataFrame."""
    return ws.contacts(model).frame.collect()


def quoted(items: list[str], limit: int = 5, quote: bool = True) -> str:
    """'a', 'b' and 'c' (at most ``limit`` named, then 'and N more'; ``quote=False``: as they are).

    >>> quoted(["a", "b", "c"])
    "'a', 'b' and 'c'"
    >>> quoted(["a", "b", "c"], limit=2)
    "'a', 'b' and 1 more"
    """
    shown = [f"'{i}'" if quote else i for i in items[:limit]]
    rest = len(items) - len(shown)
    if rest:
        return ", ".join(shown) + f" and {rest} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" and {shown[-1]}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 step', '3 steps'.

    >>> plural(1, "step"), plural(3, "reason"), plural(2, "is", "are")
    ('1 step', '3 reasons', '2 are')
    """
    return f"{n} {word if n == 1 else (many or word + 's')}"
