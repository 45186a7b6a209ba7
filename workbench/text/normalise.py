"""Text as the reason model reads it: folded (lowercase, accents stripped), with a guess of its language.

Dutch and English share one pipeline: folding makes "oriëntatie" and "orientatie" one word, and the
character n-grams of :mod:`workbench.text.features` let a Dutch compound ("adreswijziging") meet its
parts ("adres", "wijzig").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence

import polars as pl

_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "ı": "i", "’": "'", "‘": "'"})
_TOKEN = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")

STOP_WORDS = {
    "en": frozenset("""a about after all also am an and any are as at be been before but by can could do does did
        for from get got has have he her his how i if in into is it its just me mine my no not of on or our
        out over she should so some than that the their them then there these they this those to too up us
        was we what when where which who will with would you your m s t ve d ll re want wants""".split()),
    "nl": frozenset("""aan al alle als bij ben bent dan dat de deze die dit door een en er geen het hij hoe hun
        ik in is je jij jou jullie kan kun kunnen me mee met mij mijn moet na naar niet nog of om onze ons
        ook op over te tot u uit uw van voor wat we welke wie wij wil wilt willen word wordt worden ze zich
        zij zijn zo zodat""".split()),
}
#: Words that tell the languages apart (frequent in one, rare in the other).
_MARKERS = {
    "en": frozenset("the and is my i you it was not with for have this that but are your to of".split()),
    "nl": frozenset("de het een en is mijn ik je niet met voor heb dit dat maar zijn uw van naar ook nog".split()),
}
#: Who speaks in a transcript turn when it is the customer (folded).
CUSTOMER_ACTORS = frozenset({"customer", "klant", "caller", "beller", "user", "gebruiker", "client", "consumer"})


def fold(text: str) -> str:
    """Lowercase, accents stripped, runs of white space made one space.

    >>> fold("Oriëntatie  Ça\\nGEHT")
    'orientatie ca geht'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return _SPACES.sub(" ", "".join(c for c in decomposed if not unicodedata.combining(c))).strip()


def fold_expr(column: str | pl.Expr) -> pl.Expr:
    """:func:`fold` as a Polars expression (for a whole column at once; same result for Latin text).

    >>> pl.DataFrame({"t": ["Oriëntatie  Ça", None]}).select(fold_expr("t")).to_series().to_list()
    ['orientatie ca', None]
    """
    expr = pl.col(column) if isinstance(column, str) else column
    expr = expr.str.to_lowercase().str.normalize("NFKD").str.replace_all(r"\p{Mn}", "")
    for a, b in (("ß", "ss"), ("æ", "ae"), ("ø", "o"), ("œ", "oe"), ("ł", "l"), ("ı", "i"), ("’", "'"), ("‘", "'")):
        expr = expr.str.replace_all(a, b, literal=True)
    return expr.str.replace_all(r"\s+", " ").str.strip_chars()


#: Words that carry meaning though short and frequent: verb particles ("top up", "zeg op", "stap over")
#: and negations. :func:`content_expr` keeps them.
PARTICLES = frozenset("up out over in on no not off down back".split()) | frozenset(
    "op over uit aan mee in af na door niet geen terug".split())
#: Function words of either language, dropped before the reason model counts n-grams.
FUNCTION_WORDS = (STOP_WORDS["en"] | STOP_WORDS["nl"]) - PARTICLES


def content_expr(column: str | pl.Expr) -> pl.Expr:
    """Folded text as the reason model reads it: its words only (punctuation gone), function words of
    English and Dutch left out (:data:`FUNCTION_WORDS`), particles and negations kept.

    >>> pl.DataFrame({"t": ["i want to top up my credit.", "ik wil mijn abonnement opzeggen, niet verlengen"]}) \\
    ...     .select(content_expr("t")).to_series().to_list()
    ['top up credit', 'abonnement opzeggen niet verlengen']
    """
    expr = pl.col(column) if isinstance(column, str) else column
    words = expr.str.extract_all(r"[^\W_]+").list.eval(pl.element().filter(~pl.element().is_in(list(FUNCTION_WORDS))))
    return words.list.join(" ")


def content_words(folded: Sequence[str]) -> list[str]:
    """:func:`content_expr` of a list of folded texts.

    >>> content_words(["the bill is wrong", ""])
    ['bill wrong', '']
    """
    series = pl.Series("t", list(folded), dtype=pl.String)
    return pl.select(content_expr(series)).to_series().to_list() if len(series) else []


def tokens(text: str, language: str = "en", extra_stop: frozenset[str] = frozenset()) -> list[str]:
    """The content words of ``text``: folded, stop words removed.

    >>> tokens("I change my address")
    ['change', 'address']
    >>> tokens("Ik wijzig mijn adresgegevens", "nl")
    ['wijzig', 'adresgegevens']
    """
    stop = STOP_WORDS.get(language, STOP_WORDS["en"]) | extra_stop
    return [t for t in _TOKEN.findall(fold(text)) if t not in stop and (len(t) > 1 or t.isdigit())]


def guess_language(text: str, default: str = "en") -> str:
    """``"nl"`` or ``"en"``, by which language's common words the text uses more (``default`` on a tie).

    >>> guess_language("Mijn factuur is te hoog en ik snap het niet")
    'nl'
    >>> guess_language("My bill is too high and I don't get it")
    'en'
    """
    words = _TOKEN.findall(fold(text))
    en = sum(w in _MARKERS["en"] for w in words)
    nl = sum(w in _MARKERS["nl"] for w in words)
    return "nl" if nl > en else "en" if en > nl else default


def customer_turns(text: str) -> str:
    """The customer's words of a transcript; any other text unchanged.

    A transcript is a JSON list of ordered turns ``{"actor": …, "statement": …}``; only turns whose
    actor is the customer (:data:`CUSTOMER_ACTORS`, any case) are kept, in order, joined by a space,
    so an agent's script never decides the reason.

    >>> customer_turns('[{"actor": "agent", "statement": "How can I help?"},'
    ...                ' {"actor": "Customer", "statement": "My bill is wrong."}]')
    'My bill is wrong.'
    >>> customer_turns("Just a comment")
    'Just a comment'
    """
    stripped = text.lstrip()
    if not stripped.startswith("["):
        return text
    try:
        turns = json.loads(stripped)
    except ValueError:
        return text
    if not isinstance(turns, list) or not all(isinstance(t, dict) and "statement" in t for t in turns):
        return text
    return " ".join(str(t["statement"]).strip() for t in turns
                    if fold(str(t.get("actor", ""))) in CUSTOMER_ACTORS and str(t["statement"]).strip())
