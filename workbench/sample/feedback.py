"""Demo feedback: what the demo organisation's customers write, with an answer key for the reason model.

Each comment is about one contact reason, said in one of several customer phrasings
(``feedback_phrases.yaml``: four per reason and language for the telecom templates; other models fall
back to their reasons' labels and descriptions), reworded as one customer would (a synonym swapped, a
filler word added, a word left out), put in a sentence that fits its score (an angry detractor, a
neutral remark, a pleased promoter), sometimes with a detail about the channel or the wait, and with
typos in about one word in twelve. A Dutch organisation gets about 15 % English comments (and an English
one 5 % Dutch); about 10 % are off-topic ("test", the weather, a football score) and have no reason.
Some chat comments are transcripts (JSON turns of agent and customer) of which only the customer's turns
say what it is about. About a third of the comments on a reason that journeys link to carry that journey
and step (a journey survey).

The answer key (``feedback_id, reason, phrase, language, off_topic``) is for benchmarks only: the reason
model never trains on it (``benchmarks/bench_tagging.py`` keeps its held-out split apart).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import yaml

from workbench.files import atomic_path
from workbench.model import Model

PHRASES = Path(__file__).with_name("feedback_phrases.yaml")
OFF_TOPIC_SHARE = 0.10
TYPO_RATE = 1 / 12
FEEDBACK_FILE, ANSWER_FILE = "feedback.parquet", "answer_key.parquet"

FRAMES = {
    "en": {
        "negative": ["{p}.", "{P}!!", "Terrible: {p}.", "{P} and nobody could help me.",
                     "Called three times because {p}.",
                     "Honestly {p}, not happy at all.", "{P}. Very disappointed.", "Why is it that {p}?",
                     "{P} - took ages to sort out", "seriously, {p}", "{P}. Thinking of leaving."],
        "neutral": ["{p}.", "{P}", "Question: {p}?", "Just so you know, {p}.", "{P}, please look into it.",
                    "Hi, {p}.", "{P}. Can someone call me back?"],
        "positive": ["{P}, sorted in minutes. Great service!", "{P} but the agent was really helpful.",
                     "Thanks, {p} and it was handled well.", "{P}. Quick and friendly help, thank you",
                     "Good experience: {p}."],
    },
    "nl": {
        "negative": ["{p}.", "{P}!!", "Slecht: {p}.", "{P} en niemand kon me helpen.", "Drie keer gebeld omdat {p}.",
                     "Eerlijk gezegd {p}, helemaal niet blij.", "{P}. Erg teleurgesteld.", "Hoe kan het dat {p}?",
                     "{P} - duurde eeuwen voordat het opgelost was", "serieus, {p}",
                     "{P}. Ik denk erover weg te gaan."],
        "neutral": ["{p}.", "{P}", "Vraag: {p}?", "Even ter info, {p}.", "{P}, graag naar kijken.",
                    "Hallo, {p}.", "{P}. Kan iemand me terugbellen?"],
        "positive": ["{P}, binnen een paar minuten geregeld. Top service!", "{P} maar de medewerker hielp echt goed.",
                     "Bedankt, {p} en het werd goed opgepakt.", "{P}. Snel en vriendelijk geholpen, dank je",
                     "Goede ervaring: {p}."],
    },
}
DETAILS = {
    "en": ["I was on hold for 40 minutes.", "The chat bot was useless.", "The app kept crashing.",
           "The shop staff did their best.", "Second time this year.", "I had to explain everything again."],
    "nl": ["Ik hing 40 minuten in de wacht.", "De chatbot was nutteloos.", "De app bleef crashen.",
           "De winkelmedewerkers deden hun best.", "Tweede keer dit jaar.", "Ik moest alles opnieuw uitleggen."],
}
OFF_TOPIC = {
    "en": ["test", "n/a", "no comment", "asdf", "nothing to add", "lovely weather today", "who won the match yesterday",
           "ok", "the colours of your logo are nice", "my cat walked over the keyboard", "-", "see previous answer",
           "why do you ask", "I am just filling this in for the voucher"],
    "nl": ["test", "nvt", "geen opmerkingen", "asdf", "niks toe te voegen", "lekker weer vandaag",
           "wie won de wedstrijd gisteren",
           "ok", "mooie kleuren in jullie logo", "mijn kat liep over het toetsenbord", "-", "zie vorig antwoord",
           "waarom vragen jullie dit", "ik vul dit alleen in voor de bon"],
}
AGENT = {
    "en": ["Good morning, how can I help you?", "Let me check that for you, one moment.",
           "Is there anything else I can do for you, perhaps a new phone offer?"],
    "nl": ["Goedemorgen, waarmee kan ik u helpen?", "Ik kijk het even voor u na, een moment.",
           "Kan ik verder nog iets voor u doen, misschien een aanbieding voor een nieuwe telefoon?"],
}
#: Words customers swap for one another (a phrase is rarely written the same way twice).
SYNONYMS = {
    "en": [("bill", "invoice", "statement"), ("phone", "mobile", "handset"), ("want to", "would like to", "need to"),
           ("can't", "cannot", "can not"), ("how do i", "how can i", "how to"), ("never", "still not"),
           ("money", "cash"), ("please", "pls", "plz"), ("my", "our"), ("a week", "7 days", "ages"),
           ("months", "mnths"), ("doesn't", "does not", "won't")],
    "nl": [("factuur", "rekening", "nota"), ("telefoon", "mobiel", "toestel"), ("ik wil", "ik zou graag", "ik moet"),
           ("lukt niet", "gaat niet", "werkt niet"), ("hoe", "hoe kan ik"), ("nooit", "nog steeds niet"),
           ("graag", "aub", "alstublieft"), ("mijn", "m'n"), ("jullie", "u"), ("een week", "7 dagen", "weken"),
           ("maanden", "mnd")],
}
FILLERS = {"en": ["really", "just", "again", "still", "honestly", "basically"],
           "nl": ["echt", "gewoon", "weer", "nog steeds", "eerlijk gezegd", "eigenlijk"]}
CHANNELS = ("web", "app", "email", "phone", "chat", "shop", "social")
CHANNEL_SHARE = np.array([0.3, 0.25, 0.15, 0.1, 0.1, 0.05, 0.05])


@dataclass(frozen=True)
class FeedbackResult:
    """Where :func:`generate_feedback` wrote the comments and the answer key, and how many."""

    path: Path
    answer_key: Path
    rows: int


@cache
def phrase_book() -> dict[str, dict[str, list[str]]]:
    """Reason id → language → customer phrasings (the telecom templates' reasons)."""
    return yaml.safe_load(PHRASES.read_text(encoding="utf-8"))


def phrasings(model: Model, reason: str, language: str) -> list[str]:
    """How customers say ``reason`` in ``language``: the phrase book, else the reason's own label and
    description (lowercased, the voice prefix dropped)."""
    book = phrase_book().get(reason, {})
    if book.get(language):
        return book[language]
    r = model.reasons[reason]
    label = r.label
    for prefix in (*model.voice_prefixes, "I ", "Ik "):
        if label.startswith(prefix):
            label = label[len(prefix):]
            break
    return [p for p in (label.lower(), r.description.rstrip(".").lower()) if p]


def _reword(phrase: str, language: str, rng: np.random.Generator) -> str:
    """The phrase as one customer writes it: synonyms swapped, a filler word added, a word left out."""
    words = f" {phrase} "
    for group in SYNONYMS[language]:
        for word in group:
            if f" {word} " in words and rng.random() < 0.5:
                words = words.replace(f" {word} ", f" {group[int(rng.integers(len(group)))]} ", 1)
                break
    words = words.strip().split(" ")
    if len(words) > 4 and rng.random() < 0.2:
        del words[int(rng.integers(1, len(words)))]
    if rng.random() < 0.25:
        filler = FILLERS[language]
        words.insert(int(rng.integers(0, len(words) + 1)), filler[int(rng.integers(len(filler)))])
    return " ".join(words)


def _typos(text: str, rng: np.random.Generator) -> str:
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) > 3 and rng.random() < TYPO_RATE:
            at = int(rng.integers(1, len(word) - 1))
            kind = rng.integers(3)
            words[i] = (word[:at] + word[at + 1:] if kind == 0 else  # a letter dropped
                        word[:at] + word[at] + word[at:] if kind == 1 else  # doubled
                        word[:at - 1] + word[at] + word[at - 1] + word[at + 1:])  # swapped
    return " ".join(words)


def _sentence(frame: str, phrase: str) -> str:
    return frame.replace("{p}", phrase).replace("{P}", phrase[:1].upper() + phrase[1:])


def generate_feedback(model: Model, out_dir: str | Path, *, rows: int = 5000, seed: int = 0,
                      start: datetime = datetime(2026, 1, 1, tzinfo=UTC), days: int = 365,
                      customers: int = 100_000) -> FeedbackResult:
    """Write ``rows`` demo comments to ``out_dir/feedback.parquet`` and their answer key beside it.

    Columns: feedback_id, customer_id, timestamp, channel, text, score, scale (``nps`` 0–10 for about
    70 %, else ``csat`` 1–5), journey, step, language. The same model, seed and arguments give the same
    files; both files are written whole or not at all.
    """
    rng = np.random.default_rng([seed, 7])
    home = "nl" if (model.language or "").lower().startswith("nl") else "en"
    other = "en" if home == "nl" else "nl"
    reasons = list(model.reasons)
    popularity = rng.pareto(1.2, len(reasons)) + 0.2
    popularity /= popularity.sum()
    steps_of = {r: [s for s in model.steps.values() if s.reason == r] for r in reasons}
    channels = [c for c in CHANNELS if not model.channels or c in model.channels] or list(model.channels)[:1]
    share = np.array([CHANNEL_SHARE[CHANNELS.index(c)] if c in CHANNELS else 0.1 for c in channels])
    records, answers = [], []
    for n in range(rows):
        language = other if rng.random() < (0.15 if home == "nl" else 0.05) else home
        fid = f"FB{n + 1:06d}"
        channel = channels[int(rng.choice(len(channels), p=share / share.sum()))]
        scale = "nps" if rng.random() < 0.7 else "csat"
        when = start + timedelta(seconds=int(rng.integers(0, days * 86_400)))
        customer = f"C{int(rng.integers(0, customers)):06d}"
        journey = step = None
        if rng.random() < OFF_TOPIC_SHARE:
            text = OFF_TOPIC[language][int(rng.integers(len(OFF_TOPIC[language])))]
            score = int(rng.integers(0, 11)) if scale == "nps" else int(rng.integers(1, 6))
            records.append((fid, customer, when, channel, text, score, scale, None, None, language))
            answers.append((fid, None, None, language, True))
            continue
        reason = reasons[int(rng.choice(len(reasons), p=popularity))]
        pool = phrasings(model, reason, language)
        k = int(rng.integers(len(pool)))
        mood = rng.choice(["negative", "neutral", "positive"], p=[0.5, 0.3, 0.2])
        phrase = _reword(pool[k], language, rng)
        text = _sentence(FRAMES[language][mood][int(rng.integers(len(FRAMES[language][mood])))], phrase)
        if rng.random() < 0.3:
            text += " " + DETAILS[language][int(rng.integers(len(DETAILS[language])))]
        text = _typos(text, rng)
        nps = {"negative": (0, 7), "neutral": (5, 9), "positive": (8, 11)}[mood]
        csat = {"negative": (1, 3), "neutral": (3, 5), "positive": (4, 6)}[mood]
        score = int(rng.integers(*(nps if scale == "nps" else csat)))
        if channel == "chat" and rng.random() < 0.5:
            agent = AGENT[language]
            text = json.dumps([{"actor": "agent", "statement": agent[0]}, {"actor": "customer", "statement": text},
                               {"actor": "agent", "statement": agent[1]}, {"actor": "agent", "statement": agent[2]}],
                              ensure_ascii=False)
        if steps_of[reason] and rng.random() < 0.35:
            chosen = steps_of[reason][int(rng.integers(len(steps_of[reason])))]
            journey, step = chosen.journey, chosen.id
        records.append((fid, customer, when, channel, text, score, scale, journey, step, language))
        answers.append((fid, reason, f"{reason}/{language}/{k}", language, False))
    frame = pl.DataFrame(records, orient="row", schema={
        "feedback_id": pl.String, "customer_id": pl.String, "timestamp": pl.Datetime("us", "UTC"),
        "channel": pl.String, "text": pl.String, "score": pl.Int64, "scale": pl.String, "journey": pl.String,
        "step": pl.String, "language": pl.String})
    key = pl.DataFrame(answers, orient="row", schema={"feedback_id": pl.String, "reason": pl.String,
                                                      "phrase": pl.String, "language": pl.String,
                                                      "off_topic": pl.Boolean})
    out_dir = Path(out_dir)
    path, answer_key = out_dir / FEEDBACK_FILE, out_dir / ANSWER_FILE
    with atomic_path(path) as tmp_feedback, atomic_path(answer_key) as tmp_key:
        frame.write_parquet(tmp_feedback)
        key.write_parquet(tmp_key)
    return FeedbackResult(path, answer_key, rows)
