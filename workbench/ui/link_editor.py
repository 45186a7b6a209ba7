"""Link editor: link each step of the selected journey to one contact reason, helped by ranked suggestions.

Per step: its current reason, the top suggestions of the workspace's text model (``Dataset.suggester``: the
same model that tags feedback, trained on the keywords, crosswalk notes and confirmed tags too) with the
words or rules that drove each (accept one with a click), a select over every reason grouped by stage /
phase, and a button to clear the link. Every action saves at once through
``session.save`` (revision-checked); a conflict shows ``session.message`` and the view follows the reloaded
model. A coverage panel counts unlinked steps and lists reasons shared by journeys and reasons no journey
uses. Viewers (``session.can_edit`` False) see the same information without any control.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import panel as pn
import param

from workbench.analysis.coverage import Coverage
from workbench.display.journeys import link_rows, reason_groups
from workbench.model import Model
from workbench.ui.messages import message_alert
from workbench.ui.view import View

NOT_LINKED = "— not linked —"


# -- the component --------------------------------------------------------------------------------------
@dataclass
class StepControls:
    """The editing widgets of one step row (for tests and scripting)."""

    accept: list[pn.widgets.Button]
    choose: pn.widgets.Select
    clear: pn.widgets.Button


class LinkEditor(View):
    """The steps of the selected journey with their links, suggestions and (for editors) link controls."""

    top = param.Integer(default=3, bounds=(1, 10), doc="How many suggestions to show per step")

    def __init__(self, **params):
        super().__init__(**params)
        self.controls: dict[str, StepControls] = {}
        self._message = message_alert(self.session)
        self._steps = pn.Column(sizing_mode="stretch_width")
        self._coverage = pn.pane.HTML("", sizing_mode="stretch_width")
        self._journey = pn.widgets.Select.from_param(self.selection.param.journey, name="Journey", width=360,
                                                     css_classes=["wb-link-journey"])
        self._layout = pn.Column(
            self._journey,
            self._message,
            pn.Card(self._coverage, title="Coverage: unlinked steps, shared and unused reasons", collapsed=True,
                    sizing_mode="stretch_width", css_classes=["wb-coverage"]),
            self._steps, sizing_mode="stretch_width")
        self.session.param.watch(self._refresh, ["data", "can_edit"])
        self.selection.param.watch(self._refresh, ["journey"])
        self._refresh()

    def __panel__(self):
        return self._layout

    # -- building ------------------------------------------------------------------------------------
    def _refresh(self, *_events) -> None:
        model, journey = self.model, self.selection.journey
        self.controls = {}
        if journey is None or journey not in model.journeys:
            self._steps.objects = [pn.pane.Markdown("No journey selected.")]
        else:
            rows = link_rows(model, journey, top=self.top, suggester=self.data.suggester())
            title = html.escape(model.journey_title(journey))
            groups = reason_groups(model) if self.session.can_edit else {}
            self._steps.objects = [pn.pane.HTML(f"<h3>Link the steps of “{title}”</h3>")] + [
                self._row(row, groups) for row in rows.iter_rows(named=True)]
        self._coverage.object = coverage_html(self.data.coverage(journey), model)

    def _row(self, row: dict, groups: dict[str, dict[str, str]]) -> pn.viewable.Viewable:
        info = pn.pane.HTML(_step_html(row), width=330)
        linked = pn.pane.HTML(_linked_html(row), width=300)
        if not self.session.can_edit:
            return pn.Row(info, linked, pn.pane.HTML(_suggestions_html(row), width=360),
                          styles={"border-bottom": "1px solid #ddd"})
        step = row["step"]
        accept, suggestions = [], []
        for rid, label, why in zip(row["suggested"] or [], row["suggested_label"] or [], row["why"] or [],
                                   strict=True):
            current = rid == row["linked"]
            button = pn.widgets.Button(label=f"{'✓ ' if current else ''}{label}", description=why,
                                       color="success" if current else "default", disabled=current,
                                       width=360, margin=(2, 5, 0, 5))
            button.on_click(lambda _e, rid=rid: self._link(step, rid))
            accept.append(button)
            suggestions += [button, pn.pane.HTML(_why_html(why), margin=(0, 12, 4, 12), width=360)]
        choose = pn.widgets.Select(groups={"Not linked": {NOT_LINKED: ""}, **groups}, value=row["linked"] or "",
                                   width=280, margin=(2, 5))
        choose.param.watch(lambda e: self._link(step, e.new or None), "value")
        clear = pn.widgets.Button(label="Clear link", color="light", disabled=row["linked"] is None,
                                  width=110, margin=(2, 5))
        clear.on_click(lambda _e: self._link(step, None))
        self.controls[step] = StepControls(accept, choose, clear)
        return pn.Row(info, pn.Column(linked, choose, clear, width=300),
                      pn.Column(pn.pane.HTML("<small>Suggestions (and what drove them)</small>", margin=(0, 5)),
                                *suggestions, width=380),
                      styles={"border-bottom": "1px solid #ddd"})

    # -- editing -------------------------------------------------------------------------------------
    def _link(self, step: str, reason: str | None) -> bool:
        base = self.model
        if step not in base.steps or base.steps[step].reason == reason:
            return False
        new = base.copy()
        new.link(step, reason)
        label = base.steps[step].label
        what = (f"link step '{label}' to '{base.reasons[reason].label}'" if reason
                else f"clear the link of step '{label}'")
        return self.session.save(new, base=base, what=what)



# -- HTML (every user text escaped) ------------------------------------------------------------------------
def _step_html(row: dict) -> str:
    details = " · ".join(html.escape(v) for v in (row["episode_label"], row["channel_label"], row["touchpoint"]) if v)
    return (f"<div><b>{row['order']}.</b> {html.escape(row['step_label'])}"
            f"<br><small style='color:#666'>{details}</small></div>")


def _linked_html(row: dict) -> str:
    if row["linked"] is None:
        return "<div><small>Linked to</small><br><span style='color:#b00'>not linked</span></div>"
    return f"<div><small>Linked to</small><br><b>{html.escape(row['linked_label'])}</b></div>"


def _why_html(why: str | None) -> str:
    """What drove a suggestion ("words: address, move; rule: keyword 'move'"), small and escaped."""
    return f"<small class='wb-why' style='color:#666'>{html.escape(why or '')}</small>"


def _suggestions_html(row: dict) -> str:
    items = "".join(f"<li>{html.escape(label)}<br>{_why_html(why)}</li>"
                    for label, why in zip(row["suggested_label"] or [], row["why"] or [], strict=True))
    return f"<div><small>Suggestions (and what drove them)</small><ol style='margin:0'>{items}</ol></div>"


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
