"""Checks for the trainer kit's exercises: each gives a trainee specific feedback on one task.

Every ``check_*`` returns a :class:`CheckResult` (``ok``, ``messages``) that prints as text and shows
as Markdown in a notebook. The ``draft_*``/``start_*`` functions make the flawed starting material of
an exercise from the demo organisation's model.
"""

from workbench.exercises.frame import check_framework, draft_framework
from workbench.exercises.journeys import add_journey_rows, check_journey
from workbench.exercises.kpis import KpiQuestion, ask, check_kpi_answer
from workbench.exercises.links import check_links, start_links
from workbench.exercises.prioritise import check_priority_answer
from workbench.exercises.publish import check_export
from workbench.exercises.result import CheckResult, events_of

__all__ = ["CheckResult", "KpiQuestion", "add_journey_rows", "ask", "check_export", "check_framework",
           "check_journey", "check_kpi_answer", "check_links", "check_priority_answer", "draft_framework",
           "events_of", "start_links"]
