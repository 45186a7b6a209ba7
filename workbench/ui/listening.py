"""The customer listening path: for a journey, by phase or episode, what customers say and how they feel
next to why they contact us, and, for one contact reason, its verbatims month by month.

Feedback rows are tagged to contact reasons by the workspace's text model (a person's confirmed tag
wins); a comment belongs to a part when its step is there or, without a step of this journey, when its
reason is linked by a step there. The period and channel filters apply to the feedback, the segment
filter only to the contacts (feedback rows carry no segment). Tagging a workspace's feedback takes seconds
the first time: the figures are computed in a worker thread under a spinner, and the Dataset remembers
them for every session until a tag is confirmed.
"""

from __future__ import annotations

import html

import panel as pn
import param
import polars as pl

from workbench.analysis.overview import MIN_RESPONSES
from workbench.display.journeys import reason_groups
from workbench.display.listening import BY, insights_by_part, path_html, verbatims_html
from workbench.errors import WorkbenchError
from workbench.ui.background import Background
from workbench.ui.view import View

NO_REASON = "— the journey's top theme —"


class ListeningPath(View):
    """The listening path of the selected journey and a contact reason's verbatims over time."""

    by = param.Selector(default="phase", objects=list(BY.values()), doc="Parts of the journey: phases or episodes")
    reason = param.String(default="", doc="The contact reason whose verbatims are shown ('' = the top theme)")
    min_responses = param.Integer(default=MIN_RESPONSES, bounds=(1, None), doc="Fewest answers to colour a score")

    def __init__(self, **params):
        super().__init__(**params)
        self.journey_select = pn.widgets.Select.from_param(self.selection.param.journey, name="Journey", width=340,
                                                           css_classes=["wb-listening-journey"])
        self.by_select = pn.widgets.RadioButtonGroup.from_param(self.param.by, options=BY, color="light", width=240,
                                                                margin=(26, 10, 0, 10))
        self.reason_select = pn.widgets.Select(label="Contact reason", width=420, css_classes=["wb-listening-reason"])
        self._reason_options()
        self.reason_select.param.watch(lambda e: setattr(self, "reason", e.new or ""), "value")
        self.session.param.watch(self._reason_options, "data")
        self._path = pn.Column(sizing_mode="stretch_width", min_height=60)
        self._verbatims = pn.Column(sizing_mode="stretch_width", min_height=60)
        self._path_work, self._verbatims_work = Background(), Background()
        self._draw_path()
        self._draw_verbatims()

    def _reason_options(self, *_events) -> None:
        self.reason_select.groups = {"Default": {NO_REASON: ""}, **reason_groups(self.model)}
        if self.reason and self.reason not in self.model.reasons:
            self.reason = ""
        self.reason_select.value = self.reason

    # -- figures (the Dataset computes and remembers them) ---------------------------------------------
    def figures(self, journey: str) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The journey's listening path and every feedback row in the filters."""
        filters = self.selection.filter
        return self.data.listening_path(journey, self.by, filters), self.data.feedback(filters)

    def chosen_reason(self, journey: str | None) -> str | None:
        """The reason whose verbatims are shown: the one picked, else the journey's most mentioned theme."""
        if self.reason in self.model.reasons:
            return self.reason
        if journey not in self.model.journeys:
            return None
        path = self.data.listening_path(journey, self.by, self.selection.filter)
        mentions: dict[str, int] = {}
        for themes in (path["themes"].to_list() if "themes" in path.columns else []):
            for t in themes:
                mentions[t["reason"]] = mentions.get(t["reason"], 0) + t["mentions"]
        return max(mentions, key=lambda r: (mentions[r], r)) if mentions else None

    # -- views ------------------------------------------------------------------------------------------
    def summary_html(self, feedback: pl.DataFrame) -> str:
        """How much feedback there is and how it was tagged."""
        if not feedback.height:
            return ("<p class='wb-listening-summary'>No feedback in these filters. Add survey comments, complaints "
                    "or reviews with <code>workbench feedback add</code>; they are tagged to contact reasons "
                    "automatically.</p>")
        people = int((feedback["tagged_by"] == "person").sum())
        unassigned = int((feedback["assigned"] == "unassigned").sum())
        segment = " The segment filter applies to the contacts only." if self.selection.filter.segment else ""
        return (f"<p class='wb-listening-summary'>{feedback.height:,} comments in these filters: {people:,} tagged "
                f"by people, {feedback.height - people - unassigned:,} by the model, {unassigned:,} about no "
                f"contact reason (or too unsure to tell). A score is coloured from {self.min_responses} answers "
                f"up; below that it is grey and marked “few”.{segment}</p>")

    def path_view(self, journey: str | None) -> pn.viewable.Viewable:
        if journey not in self.model.journeys:
            return pn.pane.Markdown("Choose a journey.")
        try:
            path, feedback = self.figures(journey)
        except WorkbenchError as exc:
            return pn.pane.HTML(problem_html(exc), sizing_mode="stretch_width")
        insights = insights_by_part(self.model, journey, self.by)
        title = html.escape(self.model.journey_title(journey))
        design = ("<p class='wb-listening-future'><i>A future journey is a design: what is shown are today's "
                  "comments and contacts on the contact reasons its steps link.</i></p>"
                  if self.model.journeys[journey].state == "future" else "")
        return pn.Column(
            pn.pane.HTML(f"<h3 style='margin:4px 0'>Listening path of “{title}”</h3>{self.summary_html(feedback)}"
                         f"{design}", sizing_mode="stretch_width"),
            pn.pane.HTML(path_html(path, insights, min_responses=self.min_responses, by=self.by),
                         sizing_mode="stretch_width", css_classes=["wb-listening-grid"]),
            sizing_mode="stretch_width")

    def verbatims_view(self, journey: str | None) -> pn.viewable.Viewable:
        try:
            reason = self.chosen_reason(journey)
            frame = self.data.reason_verbatims(reason, self.selection.filter) if reason else None
        except WorkbenchError as exc:
            return pn.pane.HTML(problem_html(exc), sizing_mode="stretch_width")
        if reason is None:
            return pn.pane.HTML("<p>Pick a contact reason to see its verbatims over time.</p>")
        label = self.model.reasons[reason].label
        return pn.pane.HTML(f"<h4 style='margin:4px 0'>What customers say about “{html.escape(label)}”, month by "
                            f"month</h4>{verbatims_html(frame, label, self.min_responses)}",
                            sizing_mode="stretch_width", css_classes=["wb-listening-verbatims"])

    # -- spinner first, figures from a worker thread; never the previous journey's figures -------------
    @param.depends("selection.journey", "selection.filter", "session.data", "session.settings_saved", "by",
                   "min_responses", watch=True)
    def _draw_path(self) -> None:
        journey = self.selection.journey
        title = html.escape(self.model.journey_title(journey)) if journey in self.model.journeys else ""
        self._path_work.fill(self._path, lambda: self.path_view(journey), what="The listening path",
                             doing=f"Reading what customers say about “{title}” …" if title else "…")

    @param.depends("selection.journey", "selection.filter", "session.data", "session.settings_saved", "by",
                   "reason", "min_responses", watch=True)
    def _draw_verbatims(self) -> None:
        journey = self.selection.journey
        self._verbatims_work.fill(self._verbatims, lambda: self.verbatims_view(journey), what="The verbatims",
                                  doing="Collecting the verbatims …")

    def __panel__(self):
        return pn.Column(
            pn.Row(self.journey_select, self.by_select),
            self._path,
            pn.pane.HTML("<hr style='border:0;border-top:1px solid #dde1e6;margin:12px 0'>",
                         sizing_mode="stretch_width"),  # not pn.layout.Divider: its stylesheet comes from a CDN
            self.reason_select,
            self._verbatims,
            sizing_mode="stretch_width", css_classes=["wb-listening"])


def problem_html(exc: Exception) -> str:
    """Why the feedback cannot be read (a source's file gone, rejected bad rows …), escaped."""
    return (f"<p class='wb-listening-problem' style='color:#b00'>The feedback cannot be read: "
            f"{html.escape(str(exc))}. Check the sources with <code>workbench feedback check WORKSPACE</code>.</p>")


def listening_page(session) -> pn.viewable.Viewable:
    """The Measure sub-tab "Listening path" for ``session``."""
    return ListeningPath(session=session)
