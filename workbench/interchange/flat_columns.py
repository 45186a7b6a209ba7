"""The columns of a flat model sheet: which header names which role (stage, phase, reason, order …).

Headers are compared after :func:`header_key` (case, accents, spaces, '_' and '-' do not count), in
English and Dutch; ``--columns`` names them when a sheet uses other words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from workbench.errors import UsageError
from workbench.interchange.labels import fold
from workbench.interchange.sheet import Table
from workbench.model import did_you_mean

_ORDER_WORDS = ("order", "volgorde", "nr", "no", "number", "nummer", "rank", "#")
_KIND_WORDS = {
    "stage": ("stage", "stages", "stadium", "levensfase", "klantfase", "hoofdfase", "life cycle stage"),
    "phase": ("phase", "phases", "fase", "fases", "subfase", "deelfase"),
    "reason": ("reason", "reasons", "contact reason", "contact reasons", "contactreden", "contactredenen",
               "reden", "redenen"),
}
#: Column role → the headers (after :func:`header_key`) that name it.
ROLES: dict[str, tuple[str, ...]] = {
    **_KIND_WORDS,
    "description": ("description", "omschrijving", "beschrijving", "toelichting"),
    "owner": ("owner", "eigenaar"),
    "strategic_weight": ("strategic weight", "weight", "gewicht", "strategisch gewicht"),
    "channels": ("channel", "channels", "kanaal", "kanalen"),
    **{f"{kind}_order": tuple(f"{a}{sep}{b}" for w in words for o in _ORDER_WORDS for sep in (" ", "")
                              for a, b in ((w, o), (o, w)))
       for kind, words in _KIND_WORDS.items()},
}
ROLES["reason_order"] += ("order", "volgorde", "nr", "#")
REQUIRED = ("stage", "phase", "reason")
#: Short names accepted by ``--columns`` for the roles.
ALIASES = {"weight": "strategic_weight", "channel": "channels", "stage order": "stage_order",
           "phase order": "phase_order", "reason order": "reason_order", "order": "reason_order"}
HEADER_SEARCH = 20  # rows looked at for the header (a title may sit above it)


def header_key(text: str) -> str:
    """A header as it is compared: 'Contact_reason ' → 'contact reason', 'Fase-volgorde' → 'fase volgorde'."""
    return re.sub(r"[\s_\-.:]+", " ", fold(text)).strip()


def parse_columns(text: str | None) -> dict[str, str]:
    """``"stage=Levensfase,phase=Fase,reason=Klantvraag"`` → role → header; a :class:`UsageError` if wrong.

    >>> parse_columns("stage=Levensfase, reason = Klantvraag,weight=Gewicht")
    {'stage': 'Levensfase', 'reason': 'Klantvraag', 'strategic_weight': 'Gewicht'}
    """
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        role, sep, header = part.partition("=")
        key = ALIASES.get(role.strip().lower(), role.strip().lower().replace(" ", "_"))
        if not sep or not header.strip():
            raise UsageError(f"--columns: '{part.strip()}' should read ROLE=HEADER, e.g. reason=Contactreden")
        if key not in ROLES:
            raise UsageError(f"--columns: unknown column role '{role.strip()}'; use "
                             f"{', '.join(r for r in ROLES)}{did_you_mean(role.strip(), ROLES)}")
        out[key] = header.strip()
    return out


def is_flat(table: Table, columns: Mapping[str, str] | None = None) -> bool:
    """Whether ``table`` has a stage, a phase and a reason column (in one of its first rows)."""
    return find_header(table, columns or {})[1] is not None


def find_header(table: Table, columns: Mapping[str, str]) -> tuple[int, dict[str, int] | None, list]:
    """The row holding the headers, role → column index (None when no row has all three), its cells."""
    candidates = [(table.header_row, table.headers), *table.rows[:HEADER_SEARCH - 1]]
    best, score = candidates[0], 0
    for row, cells in candidates:
        roles = roles_of(cells, columns)
        if all(r in roles and len(roles[r]) == 1 for r in REQUIRED):
            return row, {r: i[0] for r, i in roles.items()}, cells
        if sum(r in roles for r in REQUIRED) > score:  # the likeliest header, to explain what is wrong
            best, score = (row, cells), sum(r in roles for r in REQUIRED)
    return best[0], None, best[1]


def roles_of(cells, columns: Mapping[str, str]) -> dict[str, list[int]]:
    keys = [header_key(c) if isinstance(c, str) and c.strip() else "" for c in cells]
    out: dict[str, list[int]] = {}
    for role, names in ROLES.items():
        wanted = (header_key(columns[role]),) if role in columns else names
        out[role] = [i for i, key in enumerate(keys) if key and key in wanted]
    if not out["stage"] and "stage" not in columns and "fase" in keys and "subfase" in keys:
        out["stage"], out["phase"] = [keys.index("fase")], [keys.index("subfase")]  # Fase / Subfase
    return {role: found for role, found in out.items() if found}
