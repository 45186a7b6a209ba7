"""The demo organisation's own reason codes, and the crosswalk from them to contact reason ids.

Real contact systems carry their own codes ("BILL_Q", "ADDR_CHG"), not the workbench's reason ids.
The generator writes such codes into ``source_code``; the crosswalk maps them back to reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_LEN = 10
#: Codes the demo data carries that deliberately have no crosswalk entry (~0.5 % of the contacts).
UNMAPPED_CODES = ("MISC_07", "MISC_12", "OLD_CRM")
#: Codes the crosswalk maps to the literal "ignore": test traffic and spam.
IGNORE_CODES = ("TEST", "SPAM")

_ABBREVIATIONS = {
    "account": "ACC", "address": "ADDR", "appointment": "APPT", "bill": "BILL", "cancel": "CNCL",
    "change": "CHG", "check": "CHK", "complaint": "COMPL", "contract": "CTR", "customer": "CUST",
    "details": "DET", "device": "DEV", "equipment": "EQUIP", "escalate": "ESC", "fault": "FLT",
    "installation": "INST", "install": "INST", "internet": "INET", "mobile": "MOB", "number": "NR",
    "order": "ORD", "payment": "PAY", "phone": "PHONE", "product": "PROD", "question": "Q",
    "receive": "RCV", "renewal": "RENEW", "report": "RPT", "request": "REQ", "service": "SVC",
    "subscription": "SUB", "transfer": "TRF", "upgrade": "UPG",
}
_STOPWORDS = {"i", "my", "a", "an", "the", "to", "of", "and", "or", "for", "on", "in", "at", "with", "me",
              "your", "our", "is", "it", "up", "out", "ik", "mijn", "een", "de", "het", "van", "en", "naar"}


def _abbreviate(word: str) -> str:
    """One word as a short upper-case token: a known abbreviation, or the word's first consonants.

    Examples
    --------
    >>> _abbreviate("question"), _abbreviate("slow"), _abbreviate("coverage")
    ('Q', 'SLOW', 'CVRG')
    """
    if word in _ABBREVIATIONS:
        return _ABBREVIATIONS[word]
    word = word.upper()
    if len(word) <= 4:
        return word
    return (word[0] + re.sub(r"[AEIOUY]", "", word[1:]))[:4]


def source_code(reason_id: str) -> str:
    """The organisation's code for a reason: abbreviated words of its id, the object first.

    Examples
    --------
    >>> source_code("question-bill")
    'BILL_Q'
    >>> source_code("change-details")
    'DET_CHG'
    >>> source_code("report-fault")
    'FLT_RPT'
    >>> len(source_code("i-take-my-services-to-my-new-address")) <= 10
    True
    """
    words = [w for w in re.split(r"[^a-z0-9]+", reason_id.lower()) if w and w not in _STOPWORDS]
    words = words or [reason_id.lower() or "x"]
    verb, objects = words[0], words[1:]
    tokens = [_abbreviate(w) for w in (objects[-2:] + [verb])] if objects else [_abbreviate(verb)]
    code = ""
    for token in tokens:
        candidate = f"{code}_{token}" if code else token
        if len(candidate) > MAX_LEN:
            break
        code = candidate
    return code or tokens[0][:MAX_LEN]


def reason_codes(reason_ids: Iterable[str]) -> dict[str, str]:
    """A unique code (≤ 10 characters, never a reserved one) per reason id, in the given order.

    Examples
    --------
    >>> reason_codes(["pay-bill", "pay-the-bill", "test"])
    {'pay-bill': 'BILL_PAY', 'pay-the-bill': 'BILL_PAY2', 'test': 'TEST2'}
    """
    taken = set(UNMAPPED_CODES) | set(IGNORE_CODES)
    codes: dict[str, str] = {}
    for rid in reason_ids:
        base = source_code(rid)
        code, n = base, 1
        while code in taken:
            n += 1
            code = f"{base[:MAX_LEN - len(str(n))]}{n}"
        taken.add(code)
        codes[rid] = code
    return codes


def crosswalk(codes: dict[str, str]) -> dict[str, str]:
    """Source code → reason id for every reason code, plus the ignore codes mapped to ``"ignore"``."""
    return {**{code: rid for rid, code in codes.items()}, **{code: "ignore" for code in IGNORE_CODES}}
