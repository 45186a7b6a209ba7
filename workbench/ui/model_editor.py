"""Model editor: change the life cycle model (contact reasons and phases) and see the rules check live.

Editors add, rename, move, merge and delete contact reasons and add or rename phases; each action is a
model operation saved at once through ``session.save`` (revision-checked). Deleting a reason that steps
link to is refused with the list of those steps unless a replacement is chosen. The rules check
(``workbench.rules.check``) is shown below, errors first, and re-run after every save. Viewers
(``session.can_edit`` False) see the outline and the check without any control.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable

import panel as pn
import polars as pl

from workbench.display.journeys import findings_frame, phase_groups, reason_groups
from workbench.model import ContactReason, Model, ModelError, Phase, ReasonInUse, unique_id
from workbench.ui.messages import message_alert
from workbench.ui.view import View

NONE = "— none —"


def in_use_message(model: Model, exc: ReasonInUse) -> str:
    """Why a reason cannot be deleted, naming the steps (by journey and label) that link to it."""
    steps = "; ".join(f"{model.journeys[s.journey].label} / {s.label}" for s in exc.steps)
    return (f"Not deleted: '{model.reasons[exc.reason].label}' is linked by {len(exc.steps)} step(s): {steps}. "
            "Choose a replacement reason to move these links to, then delete again.")


# -- the component --------------------------------------------------------------------------------------
class ModelEditor(View):
    """Forms for the model operations (editors only), an outline of the model and the live rules check."""

    def __init__(self, **params):
        super().__init__(**params)
        self._message = message_alert(self.session)
        self._outline = pn.pane.HTML("", sizing_mode="stretch_width")
        self._rules = pn.pane.HTML("", sizing_mode="stretch_width")
        forms = self._build_forms() if self.session.can_edit else []
        self._layout = pn.Column(
            self._message, pn.FlexBox(*forms) if forms else pn.Spacer(height=0),
            pn.pane.Markdown("### The model"), self._outline,
            pn.pane.Markdown("### Rules check"), self._rules, sizing_mode="stretch_width")
        self.session.param.watch(self._refresh, ["data"])
        self._refresh()

    def __panel__(self):
        return self._layout

    # -- forms -----------------------------------------------------------------------------------------
    def _build_forms(self) -> list[pn.viewable.Viewable]:
        def select(name):
            return pn.widgets.Select(label=name, width=370)

        def text(name, placeholder=""):
            return pn.widgets.TextInput(label=name, placeholder=placeholder, width=370)

        def button(label, action: Callable[[], None], color="primary"):
            b = pn.widgets.Button(label=label, color=color, width=170)
            b.on_click(lambda _e: action())
            return b

        self.add_label = text("Label", "I …")
        self.add_phase = select("Phase")
        self.add_description = pn.widgets.TextAreaInput(label="Description", width=370, height=70)
        self.add_owner = text("Owner (department)")
        self.add_button = button("Add reason", self.add_reason)
        self.rename_reason_id, self.rename_reason_label = select("Reason"), text("New label")
        self.rename_reason_button = button("Rename reason", self.rename_reason)
        self.move_reason_id, self.move_phase = select("Reason"), select("To phase")
        self.move_button = button("Move reason", self.move_reason)
        self.merge_source, self.merge_into = select("Merge this reason"), select("Into this reason")
        self.merge_button = button("Merge reasons", self.merge_reasons, "warning")
        self.delete_id, self.delete_replacement = select("Reason"), select("Move its links to")
        self.delete_button = button("Delete reason", self.delete_reason, "danger")
        self.new_phase_label, self.new_phase_stage = text("Label"), select("Stage")
        self.add_phase_button = button("Add phase", self.add_phase_)
        self.rename_phase_id, self.rename_phase_label = select("Phase"), text("New label")
        self.rename_phase_button = button("Rename phase", self.rename_phase)

        def card(title, *objects):
            return pn.Card(*objects, title=title, width=400, margin=5)

        return [
            card("Add a contact reason", self.add_label, self.add_phase, self.add_description, self.add_owner,
                 self.add_button),
            card("Rename a reason", self.rename_reason_id, self.rename_reason_label, self.rename_reason_button),
            card("Move a reason to another phase", self.move_reason_id, self.move_phase, self.move_button),
            card("Merge two reasons (links follow)", self.merge_source, self.merge_into, self.merge_button),
            card("Delete a reason", self.delete_id, self.delete_replacement, self.delete_button),
            card("Add a phase", self.new_phase_label, self.new_phase_stage, self.add_phase_button),
            card("Rename a phase", self.rename_phase_id, self.rename_phase_label, self.rename_phase_button),
        ]

    def _refresh_choices(self, model: Model) -> None:
        reasons, phases = reason_groups(model), phase_groups(model)
        stages = {s.label: s.id for s in model.stages.values()}
        for widget in (self.rename_reason_id, self.move_reason_id, self.merge_source, self.merge_into, self.delete_id):
            _set_groups(widget, reasons)
        _set_groups(self.delete_replacement, {NONE: {NONE: ""}, **reasons})
        for widget in (self.add_phase, self.move_phase, self.rename_phase_id):
            _set_groups(widget, phases)
        self.new_phase_stage.options = stages
        if self.new_phase_stage.value not in stages.values():
            self.new_phase_stage.value = next(iter(stages.values()), None)

    # -- actions (each saves at once) -----------------------------------------------------------------
    def add_reason(self) -> bool:
        model, label = self.model, self.add_label.value.strip()
        if not label or not self.add_phase.value:
            return self._refuse("Give the new reason a label and choose its phase.")
        same = [r.id for r in model.reasons.values() if r.label.casefold() == label.casefold()]
        if same:
            return self._refuse(f"Not added: reason '{same[0]}' already has the label '{label}'.")
        reason = ContactReason(unique_id(label, model.reasons), self.add_phase.value, label,
                               self.add_description.value.strip(), self.add_owner.value.strip())
        if saved := self._save(lambda m: m.add(reason), f"add reason '{label}'"):
            self.add_label.value = self.add_description.value = self.add_owner.value = ""
        return saved

    def rename_reason(self) -> bool:
        rid, label = self.rename_reason_id.value, self.rename_reason_label.value.strip()
        if not rid or not label:
            return self._refuse("Choose a reason and type its new label.")
        return self._save(lambda m: m.rename("reasons", rid, label), f"rename reason '{rid}' to '{label}'")

    def move_reason(self) -> bool:
        rid, phase = self.move_reason_id.value, self.move_phase.value
        return self._save(lambda m: m.move_reason(rid, phase), f"move reason '{rid}' to phase '{phase}'")

    def merge_reasons(self) -> bool:
        source, into = self.merge_source.value, self.merge_into.value
        return self._save(lambda m: m.merge_reasons(source, into), f"merge reason '{source}' into '{into}'")

    def delete_reason(self) -> bool:
        rid, replacement = self.delete_id.value, self.delete_replacement.value or None
        what = f"delete reason '{rid}'" + (f", its links moved to '{replacement}'" if replacement else "")
        return self._save(lambda m: m.delete_reason(rid, relink_to=replacement), what)

    def add_phase_(self) -> bool:
        label, stage = self.new_phase_label.value.strip(), self.new_phase_stage.value
        if not label or not stage:
            return self._refuse("Give the new phase a label and choose its stage.")
        phase = Phase(unique_id(label, self.model.phases), stage, label)
        if saved := self._save(lambda m: m.add(phase), f"add phase '{label}'"):
            self.new_phase_label.value = ""
        return saved

    def rename_phase(self) -> bool:
        pid, label = self.rename_phase_id.value, self.rename_phase_label.value.strip()
        if not pid or not label:
            return self._refuse("Choose a phase and type its new label.")
        return self._save(lambda m: m.rename("phases", pid, label), f"rename phase '{pid}' to '{label}'")

    def _save(self, change: Callable[[Model], object], what: str) -> bool:
        base = self.model
        new = base.copy()
        try:
            change(new)
        except ReasonInUse as exc:
            return self._refuse(in_use_message(base, exc))
        except ModelError as exc:
            return self._refuse(f"Not saved: {exc}")
        return self.session.save(new, base=base, what=what)

    def _refuse(self, why: str) -> bool:
        self.session.message = why
        return False

    # -- display -------------------------------------------------------------------------------------
    def _refresh(self, *_events) -> None:
        model = self.model
        if self.session.can_edit:
            self._refresh_choices(model)
        self._outline.object = outline_html(model)
        self._rules.object = rules_html(findings_frame(model))



def _set_groups(widget: pn.widgets.Select, groups: dict[str, dict[str, str]]) -> None:
    value = widget.value
    widget.groups = groups
    values = [v for entries in groups.values() for v in entries.values()]
    widget.value = value if value in values else (values[0] if values else None)


# -- HTML (every user text escaped) ------------------------------------------------------------------------
def outline_html(model: Model) -> str:
    """Stages → phases → reasons (with how many journey steps link to each), labels escaped.

    The stages stand side by side in a grid that scrolls down (never sideways), so the last reason is
    always reachable."""
    counts = Counter(s.reason for s in model.steps.values())
    stages = []
    for stage in model.stages.values():
        parts = [f"<h4 style='margin:6px 0'>{html.escape(stage.label)}</h4>"]
        for phase in model.phases_of(stage.id):
            reasons = "".join(
                f"<li>{html.escape(r.label)} <small style='color:#666' title='journey steps linked to this "
                f"reason'>({_steps(counts.get(r.id, 0))})</small></li>"
                for r in model.reasons_of(phase.id)) or "<li><i>no reasons yet</i></li>"
            parts.append(f"<div style='margin-left:12px'><b>{html.escape(phase.label)}</b>"
                         f"<ul style='margin:2px 0'>{reasons}</ul></div>")
        stages.append(f"<div class='wb-outline-stage'>{''.join(parts)}</div>")
    if not stages:
        return "<p>The model has no stages yet.</p>"
    return ("<div class='wb-outline' style='display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));"
            f"gap:4px 18px;max-height:640px;overflow-y:auto;overflow-x:hidden'>{''.join(stages)}</div>")


def _steps(n: int) -> str:
    """How many journey steps link to a reason, in words.

    >>> _steps(0), _steps(1), _steps(3)
    ('on no journey step', '1 journey step', '3 journey steps')
    """
    return "on no journey step" if n == 0 else f"{n} journey step{'s' if n != 1 else ''}"


def rules_html(findings: pl.DataFrame) -> str:
    """Counts per severity and rule, then every finding (errors first) with its fix; text escaped."""
    if findings.is_empty():
        return "<p>No findings: the model follows every design rule.</p>"
    errors = findings.filter(pl.col("severity") == "error").height
    per_rule = findings.group_by("severity", "rule", maintain_order=True).len()
    counts = ", ".join(f"{html.escape(r)}: {n:,}" for _s, r, n in per_rule.iter_rows())
    items = "".join(
        f"<li><b style='color:{'#b00' if f['severity'] == 'error' else '#a60'}'>{f['severity']}</b> "
        f"<code>{html.escape(f['rule'])}</code> {html.escape(f['location'])}: {html.escape(f['message'])}"
        + (f"<br><small>fix: {html.escape(f['fix'])}</small>" if f["fix"] else "") + "</li>"
        for f in findings.iter_rows(named=True))
    return (f"<p><b>{errors:,}</b> error(s), <b>{findings.height - errors:,}</b> warning(s) — {counts}</p>"
            f"<ul style='max-height:360px;overflow-y:auto'>{items}</ul>")
