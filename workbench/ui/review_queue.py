"""The review queue: editors confirm which contact reason a verbatim is about, least certain first.

Each verbatim the model tagged (no person has yet) shows with the model's guess and the words behind
it; an editor accepts the guess, picks another reason (grouped by stage and phase), or marks it as about
no contact reason. A confirmation is stored at once through :func:`workbench.text.tags.confirm`,
revision-checked against the tags this queue was read with (two editors tagging at once: the second is
told and the queue reloads, nothing is lost), and trains the model: the queue is then read again, with
the model refitted on the new tag (seconds, under a spinner). Viewers see the queue without controls.
"""

from __future__ import annotations

from dataclasses import dataclass

import panel as pn
import param
import polars as pl

from workbench.display.journeys import reason_groups
from workbench.display.listening import queue_rows, reason_label, short, verbatim_html
from workbench.errors import InputError, WorkbenchError
from workbench.text.tags import NOT_A_REASON, confirm
from workbench.ui.background import Background, computing, failure, served_doc
from workbench.ui.listening import problem_html
from workbench.ui.messages import message_alert
from workbench.ui.view import View

PICK = "Pick another reason …"


@dataclass
class RowControls:
    """The editing widgets of one verbatim (for tests and scripting)."""

    accept: pn.widgets.Button
    choose: pn.widgets.Select
    not_a_reason: pn.widgets.Button


class ReviewQueue(View):
    """The least certain model tags, for editors to confirm or correct (see the module docstring)."""

    size = param.Integer(default=12, bounds=(1, 200), doc="How many verbatims to show at once")

    def __init__(self, **params):
        super().__init__(**params)
        self.controls: dict[str, RowControls] = {}
        self.revision = 0  # the confirmed tags' revision the queue was read with
        self._reading = Background()
        self._message = message_alert(self.session)
        self._summary = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["wb-review-summary"])
        self._rows = pn.Column(sizing_mode="stretch_width", css_classes=["wb-review-queue"])
        self._layout = pn.Column(self._message, self._summary, self._rows, sizing_mode="stretch_width")
        self.session.param.watch(self.refresh, ["data", "can_edit"])
        self.param.watch(self.refresh, ["size"])
        self.refresh()

    def __panel__(self):
        return self._layout

    # -- reading ---------------------------------------------------------------------------------------
    def queue(self) -> tuple[pl.DataFrame, pl.DataFrame, int]:
        """The verbatims to review (with the model's reasons for its guess), all feedback, and the revision
        of the confirmed tags they were read with."""
        revision = self.data.listening_version()[0] if self.session.workspace is not None else 0
        feedback = self.data.feedback()
        rows = queue_rows(feedback, self.model, limit=self.size)
        if rows.height:
            why = self.data.tagger().rank(rows["text"].to_list(), top=1, explain=True)["why_1"]
            rows = rows.with_columns(why_1=why)
        return rows, feedback, revision

    def refresh(self, *_events) -> None:
        """Read the queue again: at once in a script or test; when served, under a spinner in a worker thread."""
        if served_doc() is not None:
            self._rows.objects = [computing("Finding the verbatims the model is least sure about …")]
        self._reading.run(self._read, lambda read: self._show(*read),
                          failed=lambda exc: setattr(self._rows, "objects", [failure(exc, "The review queue")]))

    def _read(self) -> tuple[pl.DataFrame | None, pl.DataFrame | str, int]:
        try:
            return self.queue()
        except WorkbenchError as exc:  # a feedback source that cannot be read: say why, keep the page
            return None, problem_html(exc), self.revision

    # -- drawing ---------------------------------------------------------------------------------------
    def _show(self, rows: pl.DataFrame | None, feedback: pl.DataFrame | str, revision: int) -> None:
        self.revision, self.controls = revision, {}
        if isinstance(feedback, str):
            self._summary.object, self._rows.objects = feedback, []
            return
        if self.session.workspace is None:
            self._summary.object = "<p>Reviewing feedback needs a workspace with a feedback source.</p>"
            self._rows.objects = []
            return
        if not feedback.height:
            self._summary.object = ("<p>No feedback yet: add survey comments, complaints or reviews with "
                                    "<code>workbench feedback add</code>.</p>")
            self._rows.objects = []
            return
        people = int((feedback["tagged_by"] == "person").sum())
        left = feedback.height - people
        who = "" if self.session.can_edit else " <i>Read-only: sign in as an editor to confirm tags.</i>"
        self._summary.object = (
            f"<p>{feedback.height:,} comments: {people:,} confirmed by people, {left:,} tagged by the model only. "
            f"Below, the {rows.height:,} the model is least sure about. Each confirmation trains the model.{who}</p>")
        if not rows.height:
            self._rows.objects = [pn.pane.HTML("<p>Nothing to review: every comment has a confirmed tag.</p>")]
            return
        groups = reason_groups(self.model) if self.session.can_edit else {}
        threshold = self.data.tagger().threshold
        self._rows.objects = [self._row(row, groups, threshold) for row in rows.iter_rows(named=True)]

    def _row(self, row: dict, groups: dict[str, dict[str, str]], threshold: float) -> pn.viewable.Viewable:
        info = pn.pane.HTML(verbatim_html(row, self.model, threshold), sizing_mode="stretch_width",
                            css_classes=["wb-review-row"])
        if not self.session.can_edit:
            return pn.Row(info, styles={"border-bottom": "1px solid #ddd"}, sizing_mode="stretch_width")
        key, guess = row["feedback_id"], row.get("reason_1")

        unsure = row.get("assigned") == NOT_A_REASON  # below the threshold: more likely off-topic
        accept = pn.widgets.Button(label=f"✓ {short(reason_label(self.model, guess), 50)}" if guess else "✓ Accept",
                                   disabled=guess is None, color="light" if unsure else "success",
                                   variant="outline", width=300, margin=(2, 5),
                                   description="Accept the model's guess")
        accept.on_click(lambda _e: self.confirm(row, guess))
        choose = pn.widgets.Select(groups={"Other": {PICK: ""}, **groups}, value="", width=300, margin=(2, 5))
        choose.param.watch(lambda e: self.confirm(row, e.new) if e.new else None, "value")
        none = pn.widgets.Button(label="Not a contact reason", color="success" if unsure else "light",
                                 variant="outline", width=300, margin=(2, 5))
        none.on_click(lambda _e: self.confirm(row, NOT_A_REASON))
        self.controls[key] = RowControls(accept, choose, none)
        return pn.Row(info, pn.Column(accept, choose, none, width=320),
                      styles={"border-bottom": "1px solid #ddd"}, sizing_mode="stretch_width")

    # -- editing ---------------------------------------------------------------------------------------
    def confirm(self, row: dict, reason: str | None) -> bool:
        """Store a person's tag for ``row`` (a reason id or :data:`NOT_A_REASON`); True when stored."""
        if reason is None or self.session.workspace is None:
            return False
        store, model = self.session.workspace.store, self.model
        text, label = row["text"], reason_label(model, reason)

        ids = row.get("ids") or [row["feedback_id"]]  # the same text written several times: tag them all
        sources = dict(zip(ids, row.get("sources") or [row.get("source") or ""] * len(ids), strict=True))

        def write() -> int:
            return confirm(store, model, [(i, reason) for i in ids], dict.fromkeys(ids, text), source=sources,
                           by=self.session.user or "dashboard", revision=self.revision)
        try:
            saved = self.session.save_setting(write, f"“{short(text, 60)}” is about “{label}”")
        except InputError as exc:
            self.session.message = f"Not saved: {exc}"
            saved = None
        self.refresh()
        return saved is not None


def review_page(session) -> pn.viewable.Viewable:
    """The Measure sub-tab "Review queue" for ``session``."""
    return ReviewQueue(session=session)
