"""Link editor: link each step of the selected journey to one contact reason, helped by ranked suggestions.

Per step: its current reason, the top suggestions (accept one with a click), a select over every
reason grouped by stage / phase, and a button to clear the link. Every action saves at once through
``state.save`` (revision-checked); a conflict shows ``state.message`` and the view follows the reloaded
model. A coverage panel counts unlinked steps and lists reasons shared by journeys and reasons no journey
uses. Viewers (``state.can_edit`` False) see the same information without any control.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import panel as pn
import param
import polars as pl

from workbench.analysis.suggest import suggest_all
from workbench.model import Model
from workbench.ui.messages import message_alert
from workbench.ui.state import WorkbenchState

NOT_LINKED = "— not linked —"


# -- data preparation (no Panel) ----------------------------------------------------------------------
def link_rows(model: Model, journey: str, top: int = 3) -> pl.DataFrame:
    """The steps of ``journey`` in order with their link and ``top`` suggestions (ids, labels, scores)."""
    steps = [s for s in model.steps_of(journey)]
    base = pl.DataFrame(
        [(i, s.id, s.label, model.episodes[s.episode].label if s.episode in model.episodes else "",
          model.channels[s.channel].label if s.channel in model.channels else "", s.touchpoint, s.reason,
          model.reasons[s.reason].label if s.reason in model.reasons else None)
         for i, s in enumerate(steps, start=1)],
        schema={"order": pl.Int64, "step": pl.String, "step_label": pl.String, "episode_label": pl.String,
                "channel_label": pl.String, "touchpoint": pl.String, "linked": pl.String,
                "linked_label": pl.String}, orient="row")
    suggestions = (suggest_all(model, journey, top=top).sort("step", "rank", maintain_order=True)
                   .group_by("step", maintain_order=True)
                   .agg(suggested=pl.col("reason"), suggested_label=pl.col("reason_label"), score=pl.col("score"),
                        why=pl.col("why")))
    return base.join(suggestions, on="step", how="left").sort("order")


@dataclass(frozen=True)
class Coverage:
    """How completely the journeys are linked (see :func:`coverage`)."""

    journey_steps: int
    journey_unlinked: int
    all_steps: int
    all_unlinked: int
    shared: pl.DataFrame = field(repr=False)  # reason, reason_label, journeys (list of labels), n_journeys
    unused: pl.DataFrame = field(repr=False)  # reason, reason_label, phase_label


def coverage(model: Model, journey: str | None) -> Coverage:
    """Unlinked steps (in ``journey`` and overall), reasons used by two or more journeys, reasons used by none."""
    links = pl.DataFrame([(s.journey, s.reason) for s in model.steps.values()],
                         schema={"journey": pl.String, "reason": pl.String}, orient="row")
    here = links.filter(pl.col("journey").eq_missing(pl.lit(journey, dtype=pl.String)))
    used = (links.drop_nulls("reason").unique(maintain_order=True)
            .with_columns(journey_label=pl.col("journey").replace_strict(
                {j.id: journey_title(model, j.id) for j in model.journeys.values()}, default=pl.col("journey")))
            .group_by("reason", maintain_order=True)
            .agg(journeys=pl.col("journey_label"), n_journeys=pl.len().cast(pl.Int64)))
    order = {r: i for i, r in enumerate(model.reasons)}
    labels = {r.id: r.label for r in model.reasons.values()}
    shared = (used.filter(pl.col("n_journeys") >= 2)
              .with_columns(reason_label=pl.col("reason").replace_strict(labels, default=pl.col("reason")),
                            position=pl.col("reason").replace_strict(order, default=len(order)))
              .sort("n_journeys", "position", descending=[True, False])
              .select("reason", "reason_label", "journeys", "n_journeys"))
    in_use = set(used["reason"].to_list())
    unused = pl.DataFrame(
        [(r.id, r.label, model.phases[r.phase].label if r.phase in model.phases else r.phase)
         for r in model.reasons.values() if r.id not in in_use],
        schema={"reason": pl.String, "reason_label": pl.String, "phase_label": pl.String}, orient="row")
    return Coverage(here.height, here["reason"].null_count(), links.height, links["reason"].null_count(),
                    shared, unused)


def journey_title(model: Model, journey: str) -> str:
    """A journey's label, with "(future)" for a future-state journey (current and future share labels)."""
    j = model.journeys[journey]
    return f"{j.label} (future)" if j.state == "future" and "future" not in j.label.lower() else j.label


def reason_groups(model: Model) -> dict[str, dict[str, str]]:
    """Reasons for a grouped select: ``"Stage / Phase" -> {label: id}`` in model order (labels made unique)."""
    groups: dict[str, dict[str, str]] = {}
    seen: set[str] = set()
    for r in model.reasons.values():
        phase = model.phases.get(r.phase)
        stage = model.stages.get(phase.stage) if phase else None
        group = f"{stage.label if stage else '?'} / {phase.label if phase else r.phase}"
        label = r.label if r.label not in seen else f"{r.label} [{r.id}]"
        seen.add(label)
        groups.setdefault(group, {})[label] = r.id
    return groups


# -- the component --------------------------------------------------------------------------------------
@dataclass
class StepControls:
    """The editing widgets of one step row (for tests and scripting)."""

    accept: list[pn.widgets.Button]
    choose: pn.widgets.Select
    clear: pn.widgets.Button


class LinkEditor(pn.viewable.Viewer):
    """The steps of ``state.journey`` with their links, suggestions and (for editors) link controls."""

    state = param.ClassSelector(class_=WorkbenchState)
    top = param.Integer(default=3, bounds=(1, 10), doc="How many suggestions to show per step")

    def __init__(self, **params):
        super().__init__(**params)
        self.controls: dict[str, StepControls] = {}
        self._message = message_alert(self.state)
        self._steps = pn.Column(sizing_mode="stretch_width")
        self._coverage = pn.pane.HTML("", sizing_mode="stretch_width")
        self._journey = pn.widgets.Select(name="Journey", width=360, css_classes=["wb-link-journey"])
        self._journey.param.watch(lambda e: setattr(self.state, "journey", e.new), "value")
        self._layout = pn.Column(
            self._journey,
            self._message,
            pn.Card(self._coverage, title="Coverage: unlinked steps, shared and unused reasons", collapsed=True,
                    sizing_mode="stretch_width", css_classes=["wb-coverage"]),
            self._steps, sizing_mode="stretch_width")
        self.state.param.watch(self._refresh, ["model", "journey", "can_edit"])
        self._refresh()

    def __panel__(self):
        return self._layout

    # -- building ------------------------------------------------------------------------------------
    def _refresh(self, *_events) -> None:
        model, journey = self.state.model, self.state.journey
        self._journey.options = {journey_title(model, j): j for j in model.journeys}
        if journey is not None:
            self._journey.value = journey
        self.controls = {}
        if journey is None or journey not in model.journeys:
            self._steps.objects = [pn.pane.Markdown("No journey selected.")]
        else:
            rows = link_rows(model, journey, top=self.top)
            title = html.escape(journey_title(model, journey))
            groups = reason_groups(model) if self.state.can_edit else {}
            self._steps.objects = [pn.pane.HTML(f"<h3>Link the steps of “{title}”</h3>")] + [
                self._row(row, groups) for row in rows.iter_rows(named=True)]
        self._coverage.object = coverage_html(coverage(model, journey), model)

    def _row(self, row: dict, groups: dict[str, dict[str, str]]) -> pn.viewable.Viewable:
        info = pn.pane.HTML(_step_html(row), width=330)
        linked = pn.pane.HTML(_linked_html(row), width=300)
        if not self.state.can_edit:
            return pn.Row(info, linked, pn.pane.HTML(_suggestions_html(row), width=360),
                          styles={"border-bottom": "1px solid #ddd"})
        step = row["step"]
        accept = []
        for rid, label, score in zip(row["suggested"] or [], row["suggested_label"] or [], row["score"] or [],
                                     strict=True):
            current = rid == row["linked"]
            button = pn.widgets.Button(label=f"{'✓ ' if current else ''}{label} ({score:.2f})",
                                       color="success" if current else "default", disabled=current,
                                       width=360, margin=(2, 5))
            button.on_click(lambda _e, rid=rid: self._link(step, rid))
            accept.append(button)
        choose = pn.widgets.Select(groups={"Not linked": {NOT_LINKED: ""}, **groups}, value=row["linked"] or "",
                                   width=280, margin=(2, 5))
        choose.param.watch(lambda e: self._link(step, e.new or None), "value")
        clear = pn.widgets.Button(label="Clear link", color="light", disabled=row["linked"] is None,
                                  width=110, margin=(2, 5))
        clear.on_click(lambda _e: self._link(step, None))
        self.controls[step] = StepControls(accept, choose, clear)
        return pn.Row(info, pn.Column(linked, choose, clear, width=300),
                      pn.Column(pn.pane.HTML("<small>Suggestions</small>", margin=(0, 5)), *accept, width=380),
                      styles={"border-bottom": "1px solid #ddd"})

    # -- editing -------------------------------------------------------------------------------------
    def _link(self, step: str, reason: str | None) -> bool:
        base = self.state.model
        if step not in base.steps or base.steps[step].reason == reason:
            return False
        new = base.copy()
        new.link(step, reason)
        label = base.steps[step].label
        what = (f"link step '{label}' to '{base.reasons[reason].label}'" if reason
                else f"clear the link of step '{label}'")
        return self.state.save(new, base=base, what=what)



# -- HTML (every user text escaped) ------------------------------------------------------------------------
def _step_html(row: dict) -> str:
    details = " · ".join(html.escape(v) for v in (row["episode_label"], row["channel_label"], row["touchpoint"]) if v)
    return (f"<div><b>{row['order']}.</b> {html.escape(row['step_label'])}"
            f"<br><small style='color:#666'>{details}</small></div>")


def _linked_html(row: dict) -> str:
    if row["linked"] is None:
        return "<div><small>Linked to</small><br><span style='color:#b00'>not linked</span></div>"
    return f"<div><small>Linked to</small><br><b>{html.escape(row['linked_label'])}</b></div>"


def _suggestions_html(row: dict) -> str:
    items = "".join(f"<li>{html.escape(label)} ({score:.2f})</li>"
                    for label, score in zip(row["suggested_label"] or [], row["score"] or [], strict=True))
    return f"<div><small>Suggestions</small><ol style='margin:0'>{items}</ol></div>"


def coverage_html(cov: Coverage, model: Model) -> str:
    """The coverage panel's HTML: unlinked counts, shared reasons, unused reasons (labels escaped)."""
    shared = "".join(
        f"<tr><td>{html.escape(r['reason_label'])}</td><td>{html.escape(', '.join(r['journeys']))}</td></tr>"
        for r in cov.shared.iter_rows(named=True)) or "<tr><td colspan='2'>none</td></tr>"
    unused = "".join(f"<li>{html.escape(r['reason_label'])} <small>({html.escape(r['phase_label'])})</small></li>"
                     for r in cov.unused.iter_rows(named=True)) or "<li>none</li>"
    return (
        f"<p>Unlinked steps: <b>{cov.journey_unlinked:,}</b> of {cov.journey_steps:,} in this journey, "
        f"<b>{cov.all_unlinked:,}</b> of {cov.all_steps:,} overall.</p>"
        f"<h4>Reasons shared across journeys ({cov.shared.height:,})</h4>"
        f"<table style='font-size:90%'><tr><th align='left'>Reason</th><th align='left'>Journeys</th></tr>"
        f"{shared}</table>"
        f"<h4>Reasons used by no journey ({cov.unused.height:,} of {len(model.reasons):,})</h4>"
        f"<ul style='font-size:90%;max-height:300px;overflow-y:auto'>{unused}</ul>"
    )
