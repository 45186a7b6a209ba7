"""Ids made from labels, and the one "did you mean" of the workbench."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
                       "ð": "d", "þ": "th", "ł": "l", "Ł": "L", "đ": "d", "ı": "i"})
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """A stable ASCII slug id from a label.

    Examples
    --------
    >>> slugify("I change my details")
    'i-change-my-details'
    >>> slugify("Ik verhuis naar een nieuw adres — snel!")
    'ik-verhuis-naar-een-nieuw-adres-snel'
    """
    if not text.strip():
        return "item"
    folded = text.translate(_FOLD)
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if slug:
        return slug
    return "item-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]  # e.g. a label in another script



def did_you_mean(word: str, candidates: Iterable[str], *, sentence: bool = False) -> str:
    """The closest candidate to a mistyped ``word`` as a hint to append, or '' when nothing is close.

    The one "did you mean" of the workbench: a parenthesis by default, a sentence of its own after a
    message that ends with a full stop (``sentence=True``).

    Examples
    --------
    >>> did_you_mean("pya", ["pay", "move"]), did_you_mean("avg", ["average"], sentence=True)
    (" (did you mean 'pay'?)", " Did you mean 'average'?")
    """
    import difflib

    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1)
    if not close:
        return ""
    return f" Did you mean '{close[0]}'?" if sentence else f" (did you mean '{close[0]}'?)"



def unique_id(label: str, taken: Iterable[str]) -> str:
    """A slug id made from ``label`` that is not in ``taken`` (``-2``, ``-3`` … appended when needed).

    The one way the workbench makes ids from labels (model editor, flat imports, workshop sheets).

    >>> unique_id("I pay my bill", {"i-pay-my-bill"}), unique_id("Oriënteren", ())
    ('i-pay-my-bill-2', 'orienteren')
    """
    taken = set(taken)
    base = slugify(label)
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate

