"""Editing on the map (editors only): add, remove and move a step, change a step's fields in place, add or
rename an episode, make a journey (blank, or the future version of a current one), undo the last change.

Every change is saved at once through ``Session.save`` (revision-checked, one transaction; a refused save
says why in ``session.message``). The edits themselves are :mod:`workbench.journey_edits`.

Nothing an editor typed is overwritten silently. A field keeps what its editor typed while someone else's
save arrives (see :mod:`workbench.ui.live`); and a field saved after someone else changed the same field of
the same step since this editor saw it is not saved: a bar says so, shows both values and lets the editor
keep theirs or take the other one. The same bar appears when the save itself is refused because the
journey moved on meanwhile: the typed value stays in the field.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import panel as pn
import param

from workbench.display.journeys import counterpart, reason_groups
from workbench.journey_edits import (
    STEP_FIELDS,
    JourneyState,
    add_episode,
    add_step,
    move_step,
    new_journey,
    remove_step,
    rename_episode,
    set_step,
    state_of,
    undo,
)
from workbench.model import Model, ModelError
from workbench.ui.messages import message_alert
from workbench.ui.view import View

NONE = ""  # the "not set" choice of the selects
EMOTION_CHOICES = {"not set": NONE, "−2 very negative": "-2", "−1 negative": "-1", "0 neutral": "0",
                   "+1 positive": "1", "+2 very positive": "2"}
TEXT_FIELDS = ("label", "touchpoint", "need", "notes")


def _shown(name: str, value: Any) -> Any:
    """A step field's value as its widget holds it."""
    if name in ("emotion", "target_emotion"):
        return NONE if value is None else str(value)
    if name == "moment_of_truth":
        return bool(value)
    return value or NONE


def _stored(name: str, value: Any) -> Any:
    """A widget's value as the step field stores it."""
    if name in ("emotion", "target_emotion"):
        return None if value in (NONE, None) else int(value)
    if name == "moment_of_truth":
        return bool(value)
    if name in ("episode", "channel", "reason"):
        return value or None
    return (value or "").strip() if name != "label" else (value or "")


class JourneyEditor(View):
    """The map editor of the selected journey (see the module docstring)."""

    step = param.String(default=None, allow_None=True, doc="The id of the step being edited")

    def __init__(self, **params):
        super().__init__(**params)
        self._filling = False
        self._seen: dict[str, Any] = {}         # field → the stored value the editor last saw
        self._dirty: dict[str, Any] = {}        # field → a value typed or chosen but not saved
        self._last: tuple[str, JourneyState, JourneyState, str] | None = None  # journey, before, after, what
        self._message = message_alert(self.session)
        self._choose = pn.widgets.Select(name="Step to edit", options={}, width=420, css_classes=["jm-edit-step"])
        self._choose.param.watch(lambda e: setattr(self, "step", e.new or None), "value")
        button = dict(width=150, align="end", button_type="default")
        self._earlier = pn.widgets.Button(name="◀ Earlier", **button, css_classes=["jm-earlier"])
        self._later = pn.widgets.Button(name="Later ▶", **button, css_classes=["jm-later"])
        self._add = pn.widgets.Button(name="+ Add a step after it", **{**button, "width": 190},
                                      css_classes=["jm-add-step"])
        self._remove = pn.widgets.Button(name="Remove this step", **button, css_classes=["jm-remove-step"])
        self._undo = pn.widgets.Button(name="↶ Undo my last change", **{**button, "width": 200},
                                       css_classes=["jm-undo"], disabled=True)
        self._earlier.on_click(lambda _e: self._move(-1))
        self._later.on_click(lambda _e: self._move(+1))
        self._add.on_click(lambda _e: self._add_step())
        self._remove.on_click(lambda _e: self._remove_step())
        self._undo.on_click(lambda _e: self._undo_last())
        self.fields: dict[str, pn.widgets.Widget] = {
            "label": pn.widgets.TextInput(name="Label (what the customer does)", width=420),
            "episode": pn.widgets.Select(name="Episode", width=260),
            "channel": pn.widgets.Select(name="Channel", width=180),
            "touchpoint": pn.widgets.TextInput(name="Touchpoint", width=260),
            "need": pn.widgets.TextInput(name="Need", width=420),
            "emotion": pn.widgets.Select(name="Emotion", options=EMOTION_CHOICES, width=170),
            "target_emotion": pn.widgets.Select(name="Target emotion", options=EMOTION_CHOICES, width=170),
            "moment_of_truth": pn.widgets.Checkbox(name="Moment of truth", align="end", width=150),
            "reason": pn.widgets.Select(name="Contact reason", width=360),
            "notes": pn.widgets.TextInput(name="Notes", width=420),
        }
        for name, widget in self.fields.items():
            widget.css_classes = [f"jm-field-{name}"]
            widget.param.watch(lambda e, name=name: self._changed(name, e.new), "value")
        self._conflict_text = pn.pane.HTML("", sizing_mode="stretch_width")
        self._keep = pn.widgets.Button(name="Save mine over theirs", button_type="warning", width=200,
                                       css_classes=["jm-keep-mine"])
        self._take = pn.widgets.Button(name="Take theirs", width=140, css_classes=["jm-take-theirs"])
        self._keep.on_click(lambda _e: self._resolve(keep=True))
        self._take.on_click(lambda _e: self._resolve(keep=False))
        self._conflict = pn.Row(self._conflict_text, self._keep, self._take, visible=False,
                                css_classes=["jm-conflict"], sizing_mode="stretch_width",
                                styles={"background": "#fff1cc", "padding": "4px 8px", "border-radius": "4px"})
        self._episode_title = pn.widgets.TextInput(name="Title of this step's episode", width=300)
        self._episode_title.param.watch(lambda e: self._rename_episode(e.new), "value")
        self._new_episode = pn.widgets.TextInput(name="New episode", placeholder="I …", width=260)
        self._add_episode = pn.widgets.Button(name="Add episode", align="end", width=130)
        self._add_episode.on_click(lambda _e: self._make_episode())
        self._new_title = pn.widgets.TextInput(name="New journey", placeholder="I … (in the customer's voice)",
                                               width=300)
        self._blank = pn.widgets.Button(name="Create a blank journey", align="end", width=200)
        self._blank.on_click(lambda _e: self._make_journey())
        self._future = pn.widgets.Button(name="Make its future version", align="end", width=210,
                                         css_classes=["jm-make-future"])
        self._future.on_click(lambda _e: self._make_future())
        self.session.param.watch(lambda _e: self._refresh(), "data")
        self.selection.param.watch(lambda _e: self._refresh(new_journey=True), "journey")
        self.param.watch(self._step_changed, "step")
        self._refresh(new_journey=True)

    # -- following the model --------------------------------------------------------------------------
    def _steps(self) -> list:
        journey = self.selection.journey
        return self.model.steps_of(journey) if journey in self.model.journeys else []

    def _refresh(self, new_journey: bool = False) -> None:
        """Follow a new model or journey: step choices, episode and reason choices, then the form."""
        model, steps = self.model, self._steps()
        options = {f"{i}. {s.label}": s.id for i, s in enumerate(steps, start=1)}
        journey = self.selection.journey
        self._filling = True
        try:
            self.fields["episode"].options = {"(no episode)": NONE, **{
                e.label: e.id for e in model.episodes_of(journey)}} if journey in model.journeys else {}
            self.fields["channel"].options = {"(no channel)": NONE, **{c.label: c.id for c in model.channels.values()}}
            self.fields["reason"].groups = {"Not linked": {"— not linked —": NONE}, **reason_groups(model)}
            self._choose.options = options
            if new_journey or self.step not in options.values():
                if self.step is not None and self.step not in options.values() and not new_journey and self._dirty:
                    self.session.message = ("The step you were editing was removed by someone else; what you had "
                                            "typed: " + "; ".join(f"{STEP_FIELDS[k]} “{v}”" for k, v in
                                                                 self._dirty.items()))
                self._dirty.clear()
                self._conflict.visible = False
                first = next(iter(options.values()), None)
                self.step = first if new_journey or self.step not in options.values() else self.step
            self._choose.value = self.step
        finally:
            self._filling = False
        has_future = journey in model.journeys and counterpart(model, journey) is not None
        self._future.visible = journey in model.journeys and model.journeys[journey].state == "current" \
            and not has_future
        self._fill()

    def _step_changed(self, _event) -> None:
        self._dirty.clear()
        self._seen.clear()
        self._conflict.visible = False
        self._fill()

    def _fill(self) -> None:
        """Show the step's fields; a field with unsaved input keeps it (and says so when it changed meanwhile)."""
        step = self.model.steps.get(self.step) if self.step else None
        for w in (self._earlier, self._later, self._remove, *self.fields.values(), self._episode_title):
            w.disabled = step is None
        self._undo.disabled = self._last is None
        if step is None:
            return
        self._filling = True
        try:
            self._choose.value = step.id
            for name, widget in self.fields.items():
                stored = _shown(name, getattr(step, name))
                typing = name in TEXT_FIELDS and widget.value_input not in (None, widget.value)
                if name in self._dirty or typing:
                    if name in self._seen and stored != self._seen[name]:
                        self._offer(name, self._dirty.get(name, widget.value_input), stored)
                    continue
                self._seen[name] = stored
                if name in TEXT_FIELDS:
                    widget.param.update(value=stored, value_input=stored)
                else:
                    widget.value = stored
            episode = self.model.episodes.get(step.episode) if step.episode else None
            self._episode_title.param.update(value=episode.label if episode else "",
                                             value_input=episode.label if episode else "")
            self._episode_title.disabled = episode is None
        finally:
            self._filling = False

    # -- saving ---------------------------------------------------------------------------------------
    def _apply(self, what: str, edit: Callable[[Model], Any], journey: str | None = None,
               before: JourneyState | None = None, undoable: bool = True, retry: bool = True) -> tuple[str, Any]:
        """Make ``edit`` on a copy of the model and save it: ("saved", what the edit returned), ("invalid",
        None) when the edit cannot be made, ("refused", None) when the store refused it (the model reloaded).

        Refused because someone saved the journey meanwhile, the edit is made once more on the reloaded model
        (``retry``): adding, moving or removing a step means the same on the newer version."""
        base, given = self.model, before
        journey = journey or self.selection.journey
        before = before or state_of(base, journey)
        new = base.copy()
        try:
            result = edit(new)
        except ModelError as exc:
            self.session.message = f"Not saved: {exc}"
            return "invalid", None
        journey = result if isinstance(result, str) and result in new.journeys else journey
        if not self.session.save(new, base=base, what=what):
            if retry and self.model is not base:
                return self._apply(what, edit, journey, given, undoable, retry=False)
            return "refused", None
        if undoable:
            self._last = (journey, before, state_of(self.model, journey), what)
        self._undo.disabled = self._last is None
        return "saved", result

    def _changed(self, name: str, value: Any) -> None:
        if self._filling or self.step is None:
            return
        stored_now = _shown(name, getattr(self.model.steps[self.step], name)) if self.step in self.model.steps else None
        if name in self._seen and stored_now != self._seen[name]:
            self._dirty[name] = value
            self._offer(name, value, stored_now)
            return
        self._save_field(name, value)

    def _save_field(self, name: str, value: Any, retry: bool = True) -> None:
        step = self.step
        label = self.model.steps[step].label if step in self.model.steps else step
        outcome, _ = self._apply(f"{STEP_FIELDS[name].lower()} of “{label}”",
                                 lambda m: set_step(m, step, **{name: _stored(name, value)}), retry=False)
        if outcome == "saved":
            self._dirty.pop(name, None)
            self._seen[name] = _shown(name, getattr(self.model.steps[step], name))
            if self._conflict.visible and getattr(self, "_conflict_field", None) == name:
                self._conflict.visible = False
            return
        if step not in self.model.steps:
            self.session.message = (f"Not saved: the step was removed by someone else meanwhile; your "
                                    f"{STEP_FIELDS[name].lower()} was “{value}”.")
            return
        theirs = _shown(name, getattr(self.model.steps[step], name))
        if outcome == "refused" and retry and theirs == self._seen.get(name):
            self._save_field(name, value, retry=False)  # someone saved another part of the journey: apply again
            return
        self._dirty[name] = value                       # keep what this editor chose, in the field
        self._put(name, value)
        if outcome == "refused":
            self._offer(name, value, theirs)

    def _put(self, name: str, value: Any) -> None:
        self._filling = True
        try:
            widget = self.fields[name]
            widget.param.update(value=value, **({"value_input": value} if name in TEXT_FIELDS else {}))
        finally:
            self._filling = False

    def _offer(self, name: str, mine: Any, theirs: Any) -> None:
        """Show the conflict bar for ``name``: someone else's value and the one this editor has in the field."""
        self._conflict_field, self._conflict_values = name, (mine, theirs)
        self._conflict_text.object = (
            f"<b>{html.escape(STEP_FIELDS[name])}</b> of this step was changed by someone else to "
            f"“{html.escape(str(theirs))}” while you were editing; your value “{html.escape(str(mine))}” is not "
            "saved yet and is still in the field.")
        self._conflict.visible = True

    def _resolve(self, keep: bool) -> None:
        name = getattr(self, "_conflict_field", None)
        if name is None or self.step not in self.model.steps:
            self._conflict.visible = False
            return
        mine, _ = self._conflict_values
        theirs = _shown(name, getattr(self.model.steps[self.step], name))
        self._conflict.visible = False
        self._seen[name] = theirs
        if keep:
            self._save_field(name, mine)
        else:
            self._dirty.pop(name, None)
            self._put(name, theirs)

    # -- the buttons ----------------------------------------------------------------------------------
    def _move(self, by: int) -> None:
        step = self.step
        label = self.model.steps[step].label
        self._apply(f"moved “{label}” {'earlier' if by < 0 else 'later'}", lambda m: move_step(m, step, by))

    def _add_step(self) -> None:
        after = self.step
        saved, new = self._apply("added a step", lambda m: add_step(m, self.selection.journey, "New step",
                                                                     after=after))
        if saved == "saved":
            self.step = new

    def _remove_step(self) -> None:
        step = self.step
        ids = [s.id for s in self._steps()]
        label = self.model.steps[step].label
        saved, _ = self._apply(f"removed “{label}”", lambda m: remove_step(m, step))
        if saved == "saved" and ids:
            rest = [i for i in ids if i != step]
            self.step = rest[min(ids.index(step), len(rest) - 1)] if rest else None

    def _undo_last(self) -> None:
        if self._last is None:
            return
        journey, before, after, what = self._last
        self._last = None
        self._apply(f"undid “{what}”", lambda m: undo(m, journey, before, after), journey, undoable=False)
        self._undo.disabled = True
        if journey in self.model.journeys and self.selection.journey != journey:
            self.selection.journey = journey
        self._refresh()

    def _rename_episode(self, label: str) -> None:
        if self._filling or self.step not in self.model.steps:
            return
        episode = self.model.steps[self.step].episode
        if episode and label.strip() and label.strip() != self.model.episodes[episode].label:
            self._apply(f"renamed the episode to “{label.strip()}”", lambda m: rename_episode(m, episode, label))

    def _make_episode(self) -> None:
        title = self._new_episode.value_input or self._new_episode.value or ""
        saved, _ = self._apply(f"added the episode “{title.strip()}”",
                               lambda m: add_episode(m, self.selection.journey, title))
        if saved == "saved":
            self._new_episode.param.update(value="", value_input="")

    def _make_journey(self) -> None:
        title = self._new_title.value_input or self._new_title.value or ""
        saved, journey = self._apply(f"created the journey “{title.strip()}”", lambda m: new_journey(m, title),
                                     before=JourneyState(None, (), ()))
        if saved == "saved":
            self._new_title.param.update(value="", value_input="")
            self.selection.journey = journey

    def _make_future(self) -> None:
        current = self.selection.journey
        saved, journey = self._apply(f"made the future version of “{self.model.journeys[current].label}”",
                                     lambda m: m.future_version(current), before=JourneyState(None, (), ()))
        if saved == "saved":
            self.selection.journey = journey

    def __panel__(self):
        f = self.fields
        return pn.Card(
            self._message,
            pn.FlexBox(self._choose, self._earlier, self._later, self._add, self._remove, self._undo),
            self._conflict,
            pn.FlexBox(f["label"], f["episode"], f["channel"], f["touchpoint"], f["need"], f["emotion"],
                       f["target_emotion"], f["moment_of_truth"], f["reason"], f["notes"]),
            pn.FlexBox(self._episode_title, self._new_episode, self._add_episode, self._new_title, self._blank,
                       self._future),
            title="Edit the map: every change is saved at once, and others see it within a second or two",
            collapsed=False, sizing_mode="stretch_width", css_classes=["jm-editor"],
            styles={"font-size": "13px"})
