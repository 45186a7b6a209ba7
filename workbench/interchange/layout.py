"""The layout of the workspace workbook: its sheets, their columns and the help texts written into it.

Both the reader (:mod:`~workbench.interchange.excel_read`) and the writer
(:mod:`~workbench.interchange.excel_write`) import it; it imports neither.
"""

from __future__ import annotations

from workbench.interchange.validate import FIELDS

#: Sheet name → record kind, in workbook order.
SHEETS: dict[str, str] = {
    "Workspace": "workspace", "Stages": "stages", "Phases": "phases", "Reasons": "reasons",
    "Channels": "channels", "Segments": "segments", "Processes": "processes",
    "ProcessReasons": "process_reasons", "Systems": "systems", "SystemReasons": "system_reasons",
    "Journeys": "journeys", "Episodes": "episodes", "Steps": "steps",
    "Layers": "layers", "LayerItems": "layer_items", "Insights": "insights", "Opportunities": "opportunities",
    "Solutions": "solutions",
}
#: The sheets a workbook must have; any other may be left out (it then holds nothing).
REQUIRED_SHEETS = ("Stages", "Phases", "Reasons")
#: Sheets the workbench writes beside the data (help, drop-down lists, the continuation of long texts).
AUXILIARY_SHEETS = ("README", "Instructions", "Lists", "Overflow")
#: The sheet whose first column lists the ids a reference can point to.
ID_SHEET = {"stages": "Stages", "phases": "Phases", "reasons": "Reasons", "channels": "Channels",
            "segments": "Segments", "processes": "Processes", "systems": "Systems",
            "journeys": "Journeys", "episodes": "Episodes", "layers": "Layers", "opportunities": "Opportunities"}

HELP: dict[str, str] = {
    "id": "stable id: lowercase letters, digits and '-' (a slug); links use it, so keep it when relabelling; "
          "left blank, it is made from the label",
    "label": "the name people see; free text in any language",
    "description": "free text",
    "owner": "who in the organisation owns it",
    "name": "the workspace name",
    "language": "two-letter language code: en, nl, …",
    "voice_prefixes": "how reasons in the customer's voice start, separated by commas, semicolons or line breaks "
                      "(e.g. 'I, My' or 'Ik, Mijn')",
    "stage": "the id (or the label) of a stage on the Stages sheet",
    "phase": "the id (or the label) of a phase on the Phases sheet",
    "strategic_weight": "a number from 0 to 3 (default 1) used by the priority score",
    "digital": "TRUE for a digital channel (web, app, chat…), FALSE otherwise",
    "process": "the id (or the label) of a process on the Processes sheet",
    "system": "the id (or the label) of a system on the Systems sheet",
    "reason": "the id (or the label) of a contact reason on the Reasons sheet",
    "state": "current or future",
    "counterpart": "the id (or the label) of the other-state version of this journey (optional)",
    "segment": "the id (or the label) of a segment on the Segments sheet (the persona; optional)",
    "scope": "where the journey starts and ends",
    "journey": "the id (or the label) of a journey on the Journeys sheet",
    "episode": "the id (or the label) of an episode of the same journey on the Episodes sheet (optional)",
    "channel": "the id (or the label) of a channel on the Channels sheet",
    "touchpoint": "where the contact happens (a page, a letter, a call)",
    "need": "what the customer needs, in their own words",
    "emotion": "experienced emotion: a whole number from -2 to 2",
    "target_emotion": "the emotion we aim for: a whole number from -2 to 2",
    "satisfaction": "touchpoint score: a whole number from 1 to 5",
    "importance_to_customer": "a whole number from 1 to 5",
    "importance_to_organisation": "a whole number from 1 to 5",
    "moment_of_truth": "TRUE if this step makes or breaks the journey",
    "notes": "free text",
    "needs_and_wants": "what this segment needs and wants",
    "pain_points": "what bothers this segment most",
    "products": "the products this segment typically has",
    "money_spent": "what a customer of this segment spends per month",
    "share_of_base": "the share of all customers, from 0 to 1 (0.25 = a quarter)",
    "tenure": "how long they typically stay (free text: '2–4 years')",
    "favourite_channels": "ids or labels of channels, separated by commas",
    "risks": "what could make them leave",
    "demographics": "age, household, region … (free text)",
    "extra": "more attributes as name=value pairs separated by semicolons",
    "layer": "the id (or the label) of a layer on the Layers sheet (Capability, Department …)",
    "reasons": "ids or labels of contact reasons, separated by commas",
    "steps": "ids of journey steps, separated by commas",
    "journeys": "ids or labels of journeys, separated by commas",
    "kind": "quote, need, pain or observation",
    "title": "a short title",
    "text": "the quote itself, or what was observed",
    "feedback": "the id of the feedback row a quote comes from (optional)",
    "weight": "how much it weighs, 0 or more (default 1)",
    "status": "Open, In progress, Solved or Dismissed (opportunities); Planned, In progress, Live or Dropped "
              "(solutions)",
    "type": "what kind of change: Process, Digital, People, Technology …",
    "effort": "1–5, or person-days",
    "tags": "free tags, separated by commas",
    "parent": "the id (or the title) of a broader opportunity this one is part of (optional)",
    "opportunity": "the id (or the title) of an opportunity on the Opportunities sheet",
    "go_live": "the day it went (or goes) live: YYYY-MM-DD; monitoring compares the months around it",
    "expected": "the expected effect as figure=change pairs: volume=-0.3 (30 % fewer contacts); nps=5 (points)",
}
SHEET_HELP: dict[str, str] = {
    "Workspace": "One row: the workspace itself.",
    "Stages": "The life cycle stages, in order.",
    "Phases": "The phases, each in one stage.",
    "Reasons": "The contact reasons, each in one phase, phrased in the customer's voice.",
    "Channels": "The contact channels.",
    "Segments": "Customer segments (personas).",
    "Processes": "Back-office processes.",
    "ProcessReasons": "Which contact reasons a process serves: one process-reason pair per row.",
    "Systems": "IT systems.",
    "SystemReasons": "Which contact reasons a system serves: one system-reason pair per row.",
    "Journeys": "Customer journeys, titled in the customer's voice.",
    "Episodes": "The chapters of each journey, in order.",
    "Steps": "The steps of each journey, in order; each links to at most one contact reason.",
    "Layers": "Kinds of things linked to reasons and steps besides processes and IT systems: capabilities, "
              "departments, products …",
    "LayerItems": "The items of each layer and the contact reasons and steps that need them.",
    "Insights": "What customers say (quotes) and what the team learned (needs, pains, observations).",
    "Opportunities": "The improvement agenda: what to improve, on which reasons, steps and journeys.",
    "Solutions": "How an opportunity is tackled; with a go-live date its effect is monitored.",
}


def columns(sheet: str) -> list[str]:
    """The column headers of a sheet, in order."""
    return [f.name for f in FIELDS[SHEETS[sheet]]]
