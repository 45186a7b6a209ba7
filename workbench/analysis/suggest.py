"""Link suggestions: rank the contact reasons a journey step most likely belongs to, in English or Dutch.

How a step is scored against each reason (all deterministic, no downloaded models):

* **Text.** A step's text is its label, need, touchpoint and episode label; a reason's text is its
  label, description, phase label and stage label (each field weighted, labels most). Text is
  lowercased, accents stripped, tokenised on Unicode letters and digits, stop words and the model's
  voice prefixes removed (small built-in English and Dutch lists, chosen by ``model.language``).
* ``chars``: cosine of TF-IDF vectors of character 3- and 4-grams of the words (robust to
  inflection, compounds and typos: "verhuizing" shares most n-grams with "verhuis").
* ``words``: cosine of TF-IDF vectors of word stems (a light suffix stripper: -ing/-ed/-es/-s in
  English; -en/-t/-e/-s/-ing in Dutch). ``why`` names the matched words.
* ``neighbours``: a nearest-neighbour vote: each reason gets the highest text similarity between this
  step and another step already linked to that reason (similarities below ``NEIGHBOUR_FLOOR`` count as
  0, the rest rescaled to 0..1).
* ``context``: journeys move through the life cycle in order, so a reason in the phase of the step
  just before or after (when linked) gets 1, one in their stage 0.5, others 0.

The step's own link is never used, so a suggestion for a linked step is a fair leave-one-out guess.
``score`` is the :data:`WEIGHTS`-weighted mean of the four parts (each on 0..1, so the score is too).
The weights were chosen on the templates' example journeys (``benchmarks/bench_suggest.py``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np
import polars as pl

from workbench.model import Model, ModelError, did_you_mean

WEIGHTS = {"chars": 0.4, "words": 0.3, "neighbours": 0.3, "context": 0.1}
NEIGHBOUR_FLOOR = 0.2
STEP_FIELDS = {"label": 1.5, "need": 1.0, "touchpoint": 1.0, "episode": 0.5}
REASON_FIELDS = {"label": 2.0, "description": 1.0, "phase": 0.7, "stage": 0.3}

STOP_WORDS = {
    "en": set("""a about after all also am an and any are as at be been before but by can could do does did
        for from get got has have he her his how i if in into is it its just me mine my no not of on or our
        out over she should so some than that the their them then there these they this those to too up us
        was we what when where which who will with would you your m s t ve d ll re want wants""".split()),
    "nl": set("""aan al alle als bij ben bent dan dat de deze die dit door een en er geen het hij hoe hun
        ik in is je jij jou jullie kan kun kunnen me mee met mij mijn moet na naar niet nog of om onze ons
        ook op over te tot u uit uw van voor wat we welke wie wij wil wilt willen word wordt worden ze zich
        zij zijn zo zodat""".split()),
}
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "ı": "i", "’": "'"})
_TOKEN = re.compile(r"[^\W_]+")
_EN_SUFFIXES = ("ing", "ed", "es", "s", "e")
_NL_SUFFIXES = ("ingen", "ing", "heden", "en", "te", "de", "e", "t", "s")


@dataclass(frozen=True)
class Suggestion:
    """A ranked candidate reason for a step: its id, a score in 0..1 and why (the words that matched)."""

    reason: str
    score: float
    why: str


def fold(text: str) -> str:
    """Lowercase, strip accents.

    >>> fold("Oriëntatie Ça")
    'orientatie ca'
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str, language: str = "en") -> str:
    """A light suffix-stripping stem (English or Dutch), so inflected forms meet.

    >>> [stem(w) for w in ("changes", "changing", "changed", "change", "billing", "addresses")]
    ['chang', 'chang', 'chang', 'chang', 'bill', 'address']
    >>> [stem(w, "nl") for w in ("bestellen", "bestelt", "bestelling", "verhuizen", "verhuist", "rekeningen")]
    ['bestel', 'bestel', 'bestel', 'verhuis', 'verhuis', 'reken']
    """
    dutch = language == "nl"
    while True:
        stripped = _strip_once(word, dutch)
        if stripped == word:
            return word
        word = stripped


def _strip_once(word: str, dutch: bool) -> str:
    if not dutch and word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    minimum = 4 if dutch else 3
    for suffix in _NL_SUFFIXES if dutch else _EN_SUFFIXES:
        if not word.endswith(suffix) or len(word) - len(suffix) < minimum:
            continue
        if suffix == "s" and word[-2] in ("seiu" if dutch else "sui"):
            continue  # adres, huis, prijs; address, status, this
        root = word[: -len(suffix)]
        if len(root) > 2 and root[-1] == root[-2] and root[-1] not in "aeiou" and (dutch or root[-1] not in "lsfz"):
            root = root[:-1]  # bestell -> bestel, stopp -> stop (but bill, address stay)
        if dutch and root[-1] in "zv":
            root = root[:-1] + {"z": "s", "v": "f"}[root[-1]]  # verhuiz -> verhuis
        return root
    return word


def _language(model: Model) -> str:
    return "nl" if (model.language or "").lower().startswith("nl") else "en"


def tokens(text: str, language: str = "en", extra_stop: frozenset[str] = frozenset()) -> list[str]:
    """The content words of ``text``: folded, stop words removed (not stemmed).

    >>> tokens("I change my address")
    ['change', 'address']
    >>> tokens("Ik wijzig mijn adresgegevens", "nl")
    ['wijzig', 'adresgegevens']
    """
    stop = STOP_WORDS[language] | extra_stop
    return [t for t in _TOKEN.findall(fold(text)) if t not in stop and (len(t) > 1 or t.isdigit())]


class _Space:
    """A TF-IDF space over weighted bags of features; rows L2-normalised."""

    def __init__(self, bags: list[Counter]):
        vocab = {f: i for i, f in enumerate(sorted({f for bag in bags for f in bag}))}
        df = Counter(f for bag in bags for f in bag)
        self.idf = {f: math.log((1 + len(bags)) / (1 + n)) + 1 for f, n in df.items()}
        self.matrix = np.zeros((len(bags), len(vocab)))
        for row, bag in enumerate(bags):
            for f, w in bag.items():
                self.matrix[row, vocab[f]] = w * self.idf[f]
        norms = np.linalg.norm(self.matrix, axis=1, keepdims=True)
        self.matrix /= np.where(norms == 0, 1, norms)


class Suggester:
    """Suggestions for every step of one model (build once, ask per step)."""

    def __init__(self, model: Model):
        self.model = model
        self.language = _language(model)
        self._stop = frozenset(t for p in model.voice_prefixes for t in _TOKEN.findall(fold(p)))
        self.reason_ids = list(model.reasons)
        self.step_ids = list(model.steps)
        reason_fields = [self._reason_fields(r) for r in self.reason_ids]
        step_fields = [self._step_fields(s) for s in self.step_ids]
        docs = [(d, REASON_FIELDS) for d in reason_fields] + [(d, STEP_FIELDS) for d in step_fields]
        self.chars = _Space([self._bag(d, w, _grams) for d, w in docs])
        self.words = _Space([self._bag(d, w, self._stems) for d, w in docs])
        n = len(self.reason_ids)
        self._row = {s: n + i for i, s in enumerate(self.step_ids)}
        self._reason_stems = [{self._stem(t) for t in tokens(" ".join(d), self.language, self._stop)}
                              for d in (list(f.values()) for f in reason_fields)]

    # -- text ------------------------------------------------------------------------------------
    def _reason_fields(self, rid: str) -> dict[str, str]:
        r = self.model.reasons[rid]
        phase = self.model.phases.get(r.phase)
        stage = self.model.stages.get(phase.stage) if phase else None
        return {"label": r.label, "description": r.description, "phase": phase.label if phase else "",
                "stage": stage.label if stage else ""}

    def _step_fields(self, sid: str) -> dict[str, str]:
        s = self.model.steps[sid]
        episode = self.model.episodes.get(s.episode) if s.episode else None
        return {"label": s.label, "need": s.need, "touchpoint": s.touchpoint,
                "episode": episode.label if episode else ""}

    def _stem(self, token: str) -> str:
        return stem(token, self.language)

    def _stems(self, word: str) -> list[str]:
        return [self._stem(word)]

    def _bag(self, fields: dict[str, str], weights: dict[str, float], features) -> Counter:
        bag: Counter = Counter()
        for name, text in fields.items():
            for word in tokens(text, self.language, self._stop):
                for f in features(word):
                    bag[f] += weights[name]
        return bag

    # -- scoring ---------------------------------------------------------------------------------
    def scores(self, step_id: str) -> dict[str, np.ndarray]:
        """Per reason (in model order): the ``chars``, ``words`` and ``neighbours`` parts and the ``score``."""
        if step_id not in self._row:
            raise ModelError(f"unknown step '{step_id}'{did_you_mean(step_id, self.step_ids)}")
        n, row = len(self.reason_ids), self._row[step_id]
        chars = self.chars.matrix[:n] @ self.chars.matrix[row]
        words = self.words.matrix[:n] @ self.words.matrix[row]
        step_sim = (WEIGHTS["chars"] * (self.chars.matrix[n:] @ self.chars.matrix[row])
                    + WEIGHTS["words"] * (self.words.matrix[n:] @ self.words.matrix[row]))
        step_sim /= WEIGHTS["chars"] + WEIGHTS["words"]
        step_sim = np.clip((step_sim - NEIGHBOUR_FLOOR) / (1 - NEIGHBOUR_FLOOR), 0, 1)
        neighbours = np.zeros(n)
        index = {r: i for i, r in enumerate(self.reason_ids)}
        for j, other in enumerate(self.step_ids):
            linked = self.model.steps[other].reason
            if other != step_id and linked in index:
                neighbours[index[linked]] = max(neighbours[index[linked]], step_sim[j])
        context = self._context(step_id)
        score = (WEIGHTS["chars"] * chars + WEIGHTS["words"] * words + WEIGHTS["neighbours"] * neighbours
                 + WEIGHTS["context"] * context) / sum(WEIGHTS.values())
        return {"chars": chars, "words": words, "neighbours": neighbours, "context": context, "score": score}

    def _context(self, step_id: str) -> np.ndarray:
        """1 for reasons in the phase of the step before or after (if linked), 0.5 in their stage, else 0."""
        m = self.model
        steps = m.steps_of(m.steps[step_id].journey)
        at = [s.id for s in steps].index(step_id)
        around = [s.reason for s in steps[max(0, at - 1):at + 2] if s.id != step_id and s.reason in m.reasons]
        phases = {m.reasons[r].phase for r in around}
        stages = {m.phases[p].stage for p in phases if p in m.phases}
        return np.array([1.0 if m.reasons[r].phase in phases else
                         0.5 if m.phases.get(m.reasons[r].phase) and m.stage_of(r) in stages else 0.0
                         for r in self.reason_ids])

    def suggest(self, step_id: str, *, top: int = 5) -> list[Suggestion]:
        """The ``top`` reasons for a step, best first (ties broken by model order); none that score 0."""
        parts = self.scores(step_id)
        candidates = [i for i in range(len(self.reason_ids)) if parts["score"][i] > 0]
        order = sorted(candidates, key=lambda i: (-round(parts["score"][i], 12), i))[:top]
        return [Suggestion(self.reason_ids[i], round(float(parts["score"][i]), 4), self._why(step_id, i, parts))
                for i in order]

    def _why(self, step_id: str, i: int, parts: dict[str, np.ndarray]) -> str:
        query = " ".join(self._step_fields(step_id).values())
        matched = dict.fromkeys(t for t in tokens(query, self.language, self._stop)
                                if self._stem(t) in self._reason_stems[i])
        out = f"words: {', '.join(matched)}" if matched else "no shared words"
        if parts["neighbours"][i] > 0:
            rid = self.reason_ids[i]
            like = max((s for s in self.model.steps_linked_to(rid) if s.id != step_id),
                       key=lambda s: self._step_sim(step_id, s.id))
            out += f"; like step '{like.label}'"
        if parts["context"][i] == 1:
            out += "; same phase as the step before or after"
        return out

    def _step_sim(self, a: str, b: str) -> float:
        ra, rb = self._row[a], self._row[b]
        return float(WEIGHTS["chars"] * self.chars.matrix[ra] @ self.chars.matrix[rb]
                     + WEIGHTS["words"] * self.words.matrix[ra] @ self.words.matrix[rb])


def _grams(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i:i + n] for n in (3, 4) for i in range(len(padded) - n + 1)]


def suggest(model: Model, step_id: str, *, top: int = 5) -> list[Suggestion]:
    """The ``top`` contact reasons for journey step ``step_id``, best first (see the module docstring)."""
    return Suggester(model).suggest(step_id, top=top)


SUGGESTION_SCHEMA = {"journey": pl.String, "step": pl.String, "step_label": pl.String, "linked": pl.String,
                     "rank": pl.Int64, "reason": pl.String, "reason_label": pl.String, "score": pl.Float64,
                     "why": pl.String}


def suggest_all(model: Model, journey: str | None = None, top: int = 3) -> pl.DataFrame:
    """The ``top`` suggestions for every step (of ``journey``, or of all journeys), one row per suggestion.

    Columns: journey, step, step_label, linked (the step's current reason or null), rank (1 = best),
    reason, reason_label, score, why.
    """
    if journey is not None and journey not in model.journeys:
        raise ModelError(f"unknown journey '{journey}'{did_you_mean(journey, model.journeys)}")
    suggester = Suggester(model)
    rows = [
        (s.journey, s.id, s.label, s.reason, rank, g.reason, model.reasons[g.reason].label, g.score, g.why)
        for s in model.steps.values() if journey is None or s.journey == journey
        for rank, g in enumerate(suggester.suggest(s.id, top=top), start=1)
    ]
    return pl.DataFrame(rows, schema=SUGGESTION_SCHEMA, orient="row")


def format_suggestions(model: Model, frame: pl.DataFrame) -> str:
    """``suggest_all``'s frame as plain text for a terminal: each step, its link, its ranked suggestions."""
    if frame.is_empty():
        return "No steps to suggest reasons for."
    lines = []
    for (step,), group in frame.group_by("step", maintain_order=True):
        first = group.row(0, named=True)
        linked = model.reasons[first["linked"]].label if first["linked"] in model.reasons else "(not linked)"
        lines.append(f"{first['journey']} / {step}: {first['step_label']}")
        lines.append(f"    linked: {linked}")
        for g in group.iter_rows(named=True):
            mark = "*" if g["reason"] == first["linked"] else " "
            lines.append(f"  {mark} {g['rank']}. {g['reason_label']} [{g['reason']}] {g['score']:.2f}  ({g['why']})")
    return "\n".join(lines)
