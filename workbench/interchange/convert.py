"""Typed conversion of raw cell or YAML values, with a readable error for each bad value.

Each converter takes the raw value (a string from a spreadsheet cell, a scalar from YAML, or None
when empty) and returns ``(value, error)``; ``error`` is None when the value is fine.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from workbench.model import INSIGHT_KINDS, OPPORTUNITY_STATUSES, SOLUTION_STATUSES

LANGUAGE = re.compile(r"^[a-z]{2}$")
PREFIX_SEPARATORS = re.compile(r"[,;\r\n]")
TRUE = {"true", "yes", "y", "1", "x", "waar", "ja", "wahr", "vrai"}
FALSE = {"false", "no", "n", "0", "onwaar", "nee", "falsch", "faux"}


@dataclass(frozen=True)
class Unreadable:
    """A value of the wrong shape (a list where text belongs…), described for the message."""

    found: str


def _show(raw: Any) -> str:
    """How a bad value is quoted in a message: numbers bare (also when a cell gave them as text)."""
    if isinstance(raw, Unreadable):
        return raw.found
    if isinstance(raw, str):
        return raw.strip() if _number(raw) is not None else repr(raw)
    return str(raw)


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def to_text(raw: Any):
    if raw is None:
        return "", None
    if isinstance(raw, Unreadable):
        return "", f"{raw.found} is not text"
    return (raw if isinstance(raw, str) else str(raw)), None


def to_id(raw: Any):
    if _blank(raw):
        return None, None
    if isinstance(raw, Unreadable):
        return None, f"{raw.found} is not an id"
    return str(raw).strip(), None


def whole_number(low: int, high: int):
    """A converter to an integer in ``low..high`` that accepts 2, 2.0 and '2' alike.

    Examples
    --------
    >>> whole_number(-2, 2)("very happy")
    (None, "'very happy' is not a whole number from -2 to 2")
    >>> whole_number(1, 5)("4.0")
    (4, None)
    """
    def convert(raw: Any):
        if _blank(raw):
            return None, None
        number = _number(raw)
        if number is None or not number.is_integer() or not low <= number <= high:
            return None, f"{_show(raw)} is not a whole number from {low} to {high}"
        return int(number), None
    return convert


def to_weight(raw: Any):
    """The strategic weight: a number from 0 to 3, default 1."""
    if _blank(raw):
        return None, None
    number = _number(raw)
    if number is None or not 0 <= number <= 3:
        return None, f"{_show(raw)} is not a number from 0 to 3"
    return number, None


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool) or isinstance(raw, Unreadable):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip()
        if text.count(",") == 1 and "." not in text:  # a decimal comma, as Dutch Excel writes it
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return None
    return value if math.isfinite(value) else None


def to_bool(raw: Any):
    if _blank(raw):
        return None, None
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw), None
    text = str(raw).strip().casefold() if not isinstance(raw, Unreadable) else ""
    if text in TRUE or text in FALSE:
        return text in TRUE, None
    return None, f"{_show(raw)} is not true or false"


def to_state(raw: Any):
    if _blank(raw):
        return None, None
    text = str(raw).strip().lower() if not isinstance(raw, Unreadable) else ""
    if text in ("current", "future"):
        return text, None
    return None, f"{_show(raw)} is not a journey state: use current or future"


def to_language(raw: Any):
    if _blank(raw):
        return None, None
    text = str(raw).strip() if not isinstance(raw, Unreadable) else ""
    if LANGUAGE.match(text):
        return text, None
    return None, f"{_show(raw)} is not a two-letter ISO 639-1 language code such as 'en' or 'nl'"


def to_prefixes(raw: Any):
    r"""Voice prefixes: a YAML list of texts, or one text listing them separated by commas, semicolons
    or line breaks. Spaces before a prefix are dropped; a space after it is kept ("I " is not "I'm").

    Examples
    --------
    >>> to_prefixes("Ik,Mijn"), to_prefixes("I \nMy "), to_prefixes(["Je ", "J'"])
    ((('Ik', 'Mijn'), None), (('I ', 'My '), None), (('Je ', "J'"), None))
    """
    if raw is None:
        return (), None
    items = PREFIX_SEPARATORS.split(raw) if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        return (), f"{_show(raw)} is not a list of texts"
    return tuple(dict.fromkeys(item.lstrip() for item in items if item.strip())), None


def to_list(raw: Any):
    """Several ids, labels or tags: a YAML list, or one text separated by commas, semicolons or line breaks.

    >>> to_list("pay-bill, move-house"), to_list(["a", 2]), to_list(None)
    ((('pay-bill', 'move-house'), None), (('a', '2'), None), ((), None))
    """
    if _blank(raw):
        return (), None
    if isinstance(raw, Unreadable):
        return (), f"{raw.found} is not a list"
    items = PREFIX_SEPARATORS.split(raw) if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple) or any(isinstance(i, Unreadable | dict | list) for i in items):
        return (), f"{_show(raw)} is not a list of ids or labels"
    return tuple(dict.fromkeys(str(i).strip() for i in items if str(i).strip())), None


def to_amount(raw: Any):
    """A number of 0 or more (money, a share, an effort); a decimal comma is read too."""
    if _blank(raw):
        return None, None
    number = _number(raw)
    if number is None or number < 0:
        return None, f"{_show(raw)} is not a number of 0 or more"
    return number, None


def to_date(raw: Any):
    """A calendar day: a date cell, or text in the form 2026-07-01.

    >>> to_date("2026-07-01"), to_date("1 July")[1]
    ((datetime.date(2026, 7, 1), None), "'1 July' is not a date in the form YYYY-MM-DD")
    """
    if _blank(raw):
        return None, None
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    try:
        return date.fromisoformat(str(raw).strip()[:10]), None
    except ValueError:
        return None, f"{_show(raw)} is not a date in the form YYYY-MM-DD"


def pairs(numbers: bool):
    """A converter to (name, value) pairs from a YAML mapping or "name=value; name=value" text.

    >>> pairs(True)("volume=-0.3; nps=5"), pairs(False)({"age": "30-45"})
    (((('volume', -0.3), ('nps', 5.0)), None), ((('age', '30-45'),), None))
    """
    def convert(raw: Any):
        if _blank(raw):
            return (), None
        if isinstance(raw, dict):
            items = list(raw.items())
        elif isinstance(raw, str):
            items = [part.partition("=" if "=" in part else ":")[::2] for part in re.split(r"[;\r\n]", raw)
                     if part.strip()]
        else:
            return (), f"{_show(raw)} is not a list of name=value pairs"
        out = []
        for name, value in items:
            name = str(name).strip()
            if not name:
                return (), f"{_show(raw)} has a value without a name"
            if numbers:
                number = _number(value)
                if number is None:
                    return (), f"the value of '{name}' ({_show(value)}) is not a number"
                out.append((name, number))
            else:
                out.append((name, str(value).strip()))
        return tuple(out), None
    return convert


def choice(allowed: tuple[str, ...]):
    """A converter to one of ``allowed`` (matched ignoring case), default the first."""
    def convert(raw: Any):
        if _blank(raw):
            return None, None
        text = str(raw).strip() if not isinstance(raw, Unreadable) else ""
        found = next((a for a in allowed if a.casefold() == text.casefold()), None)
        if found is None:
            return None, f"{_show(raw)} is not one of {', '.join(allowed)}"
        return found, None
    return convert


CONVERTERS = {
    "text": to_text, "id": to_id, "ref": to_id, "emotion": whole_number(-2, 2), "score": whole_number(1, 5),
    "weight": to_weight, "bool": to_bool, "state": to_state, "language": to_language,
    "prefixes": to_prefixes, "refs": to_list, "tags": to_list, "amount": to_amount, "date": to_date,
    "effects": pairs(True), "pairs": pairs(False), "insight_kind": choice(INSIGHT_KINDS),
    "opportunity_status": choice(OPPORTUNITY_STATUSES), "solution_status": choice(SOLUTION_STATUSES),
}
