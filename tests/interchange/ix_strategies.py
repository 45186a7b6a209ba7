"""Hypothesis strategies for random valid models with awkward texts, and model comparison helpers."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from workbench.model import (
    ENTITY_TYPES,
    INSIGHT_KINDS,
    OPPORTUNITY_STATUSES,
    SOLUTION_STATUSES,
    Channel,
    ContactReason,
    Episode,
    Insight,
    Journey,
    Layer,
    LayerItem,
    Model,
    Opportunity,
    Phase,
    Process,
    Segment,
    Solution,
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
amounts = st.one_of(st.none(), st.sampled_from([0.0, 1.0, 2.5, 0.125, 40.0, 1234.56]))
#: tags and attribute names are words: a list cell separates them with commas, pairs with ';' and '='
words = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=8)
pair_values = st.text(st.characters(categories=("L", "N", "Zs", "Pd")), max_size=12).map(str.strip)
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
        channels = st.lists(st.sampled_from(list(m.channels)), unique=True, max_size=2) if m.channels else st.just([])
        m.segments[f"seg-{g}"] = Segment(
            f"seg-{g}", draw(labels), draw(optional_text), needs_and_wants=draw(optional_text),
            pain_points=draw(optional_text), money_spent=draw(amounts),
            share_of_base=draw(st.one_of(st.none(), st.sampled_from([0.0, 0.25, 1.0]))),
            favourite_channels=tuple(draw(channels)), risks=draw(optional_text),
            extra=tuple(draw(st.dictionaries(words, pair_values, max_size=2)).items()))
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
    steps = list(m.steps)
    some = lambda items: st.lists(st.sampled_from(items), unique=True, max_size=2) if items else st.just([])  # noqa: E731
    for layer in range(draw(st.integers(0, 2))):
        m.layers[f"layer-{layer}"] = Layer(f"layer-{layer}", draw(labels), draw(optional_text))
        for i in range(draw(small)):
            item = f"item-{layer}-{i}"
            m.layer_items[item] = LayerItem(item, f"layer-{layer}", draw(labels), draw(optional_text),
                                            draw(optional_text), tuple(draw(some(reasons))), tuple(draw(some(steps))))
    for i in range(draw(small)):
        m.insights[f"insight-{i}"] = Insight(
            f"insight-{i}", draw(st.sampled_from(INSIGHT_KINDS)), draw(labels), draw(optional_text),
            draw(st.one_of(st.none(), st.just(f"fb-{i}"))), tuple(draw(some(steps))), tuple(draw(some(reasons))),
            tuple(draw(some(journey_ids))), draw(optional_text), draw(st.sampled_from([1.0, 0.5, 2.0])))
    opportunities = [f"opp-{i}" for i in range(draw(small))]
    for i, oid in enumerate(opportunities):
        m.opportunities[oid] = Opportunity(
            oid, draw(labels), draw(optional_text), draw(st.sampled_from(OPPORTUNITY_STATUSES)), draw(optional_text),
            draw(optional_text), tuple(draw(some(reasons))), tuple(draw(some(steps))), tuple(draw(some(journey_ids))),
            draw(amounts), tuple(draw(st.lists(words, unique=True, max_size=2))),
            draw(maybe(opportunities[:i])))
        for n in range(draw(st.integers(0, 2))):
            m.solutions[f"{oid}-sol-{n}"] = Solution(
                f"{oid}-sol-{n}", oid, draw(labels), draw(st.sampled_from(SOLUTION_STATUSES)), draw(optional_text),
                draw(st.one_of(st.none(), st.just(date(2026, 7, 1)))),
                tuple(draw(st.dictionaries(st.sampled_from(["volume", "cost", "nps"]),
                                           st.sampled_from([-0.3, 5.0, 0.125]), max_size=2)).items()),
                draw(optional_text))
    assert m.problems() == []
    return m


def snapshot(model: Model) -> dict:
    """Everything a model holds, order included, for equality checks."""
    out = {"meta": (model.name, model.language, model.description, model.voice_prefixes)}
    out.update({kind: list(getattr(model, kind).items()) for kind in ENTITY_TYPES})
    return out
