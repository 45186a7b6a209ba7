"""Hypothesis strategies for random valid models with awkward texts, and model comparison helpers."""

from __future__ import annotations

from hypothesis import strategies as st

from workbench.model import (
    ENTITY_TYPES,
    Channel,
    ContactReason,
    Episode,
    Journey,
    Model,
    Phase,
    Process,
    Segment,
    Stage,
    Step,
    System,
)

AWKWARD = ["Ik verhuis naar Zürich", "Één klant — café", "I'm \"quoted\"", "it's 'single'", "🚀 emoji 👍🏽",
           "multi\nline\ntext", "trailing \n", "  leading spaces", "No", "yes", "null", "~", "2024-01-01",
           "1.0", "#not a comment", "key: value", "- dash", "=SUM(A1:A2)", "[x, y]", "{a: b}", "@at", "100%",
           "tab\there", "ĳsje ﬁ ligature"]
# Letters, marks, digits, punctuation and symbols of any script, plus space and newline; no control
# characters (Excel and XML cannot hold them) and no line/paragraph separators.
alphabet = st.characters(categories=("L", "M", "N", "P", "S"), exclude_characters="\r\x85\u2028\u2029")
texts = st.one_of(st.sampled_from(AWKWARD), st.text(st.one_of(alphabet, st.sampled_from(" \n")), max_size=30))
labels = texts.filter(lambda t: t.strip())
optional_text = st.one_of(st.just(""), texts)
emotions = st.one_of(st.none(), st.integers(-2, 2))
scores = st.one_of(st.none(), st.integers(1, 5))


@st.composite
def models(draw, max_items: int = 3) -> Model:
    """A valid model in canonical order (phases grouped by stage, steps by journey)."""
    small = st.integers(0, max_items)
    m = Model(name=draw(labels), language=draw(st.sampled_from(["en", "nl", "de"])),
              description=draw(optional_text),
              voice_prefixes=tuple(draw(st.lists(st.sampled_from(["I ", "I'm ", "My ", "Ik ", "Mijn "]),
                                                 max_size=3, unique=True))))
    for s in range(draw(st.integers(1, max_items))):
        stage = Stage(f"stage-{s}", draw(labels), draw(optional_text))
        m.stages[stage.id] = stage
        for p in range(draw(small)):
            phase = Phase(f"phase-{s}-{p}", stage.id, draw(labels), draw(optional_text))
            m.phases[phase.id] = phase
            for r in range(draw(small)):
                reason = ContactReason(f"reason-{s}-{p}-{r}", phase.id, draw(labels), draw(optional_text),
                                       draw(optional_text), draw(st.sampled_from([1.0, 0.0, 0.5, 1.25, 2.0, 3.0])))
                m.reasons[reason.id] = reason
    reasons = list(m.reasons)
    for c in range(draw(small)):
        m.channels[f"ch-{c}"] = Channel(f"ch-{c}", draw(labels), draw(st.booleans()))
    for g in range(draw(small)):
        m.segments[f"seg-{g}"] = Segment(f"seg-{g}", draw(labels), draw(optional_text))
    linked = st.lists(st.sampled_from(reasons), unique=True, max_size=3) if reasons else st.just([])
    for kind, cls in (("processes", Process), ("systems", System)):
        for i in range(draw(small)):
            getattr(m, kind)[f"{kind[:4]}-{i}"] = cls(f"{kind[:4]}-{i}", draw(labels), draw(optional_text),
                                                     draw(optional_text), tuple(draw(linked)))
    maybe = lambda items: st.one_of(st.none(), st.sampled_from(list(items))) if items else st.none()  # noqa: E731
    journey_ids = [f"journey-{j}" for j in range(draw(small))]
    for jid in journey_ids:
        m.journeys[jid] = Journey(jid, draw(labels), draw(st.sampled_from(["current", "future"])),
                                  draw(maybe(journey_ids)), draw(maybe(m.segments)), draw(optional_text),
                                  draw(optional_text), draw(optional_text))
        episodes = [f"{jid}-ep-{e}" for e in range(draw(small))]
        for eid in episodes:
            m.episodes[eid] = Episode(eid, jid, draw(labels), draw(optional_text), draw(emotions))
        for n in range(draw(st.integers(0, max_items + 1))):
            m.steps[f"{jid}-{n + 1}"] = Step(
                f"{jid}-{n + 1}", jid, draw(labels), draw(maybe(episodes)), draw(maybe(m.channels)),
                draw(optional_text), draw(optional_text), draw(emotions), draw(emotions), draw(scores),
                draw(scores), draw(scores), draw(st.booleans()), draw(optional_text), draw(maybe(reasons)))
    assert m.problems() == []
    return m


def snapshot(model: Model) -> dict:
    """Everything a model holds, order included, for equality checks."""
    out = {"meta": (model.name, model.language, model.description, model.voice_prefixes)}
    out.update({kind: list(getattr(model, kind).items()) for kind in ENTITY_TYPES})
    return out
