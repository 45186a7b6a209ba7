"""Writing the workshop journey sheet: Instructions, the steps with drop-downs, and a hidden Lists sheet."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import xlsxwriter

from workbench.interchange.excel_write import (
    BOOLEANS,
    EMOTIONS,
    SCORES,
    SPARE_ROWS,
    Styles,
    add_dropdown,
    new_workbook,
    write_table,
)
from workbench.interchange.overflow import Overflow
from workbench.interchange.workshop_layout import COLUMNS, SHEET
from workbench.model import Model, ModelError, Step, did_you_mean

INSTRUCTIONS = [
    "How to fill in the journey sheet",
    "",
    f"Fill in the sheet '{SHEET}': one row per step of a journey, in the order the customer takes them.",
    "journey — the journey title in the customer's voice (\"I move house\"), on every row. Rows with the "
    "same journey form one journey; an existing journey with that title (or id) is replaced.",
    "episode — the chapter the step belongs to (\"I orientate\"); 5 to 7 per journey work well. Optional.",
    "step — what the customer does, in a few words. Required.",
    "channel — where the contact happens: pick one from the list.",
    "touchpoint, need — the page, letter or call, and what the customer needs in their own words.",
    "emotion, target_emotion — how the customer feels and how we want them to feel: -2 (very negative) "
    "to 2 (very positive).",
    "satisfaction, importance_to_customer, importance_to_organisation — scores from 1 (low) to 5 (high).",
    "moment_of_truth — TRUE for a step that makes or breaks the journey.",
    "notes — anything else worth keeping.",
    "reason — the contact reason this step belongs to: pick one from the list (its label or its id).",
    "",
    "Grey example rows show the idea: overwrite or delete them before importing.",
    "Import with: workbench import PATH THIS_FILE.xlsx --journeys",
]
EXAMPLE_EPISODES = [
    ("I orientate", "Checks on the website what moving means for the subscription", "Moving page",
     "I want to know what I have to arrange", 0, 1),
    ("I arrange the move", "Passes on the new address and the moving date", "Moving form",
     "I want it to work on day one at the new address", -1, 1),
    ("I settle in", "Checks that everything works at the new address", "Installation at home",
     "I want to be online again straight away", 1, 2),
]


def write_workshop_xlsx(path: str | Path, model: Model, journeys: list[str] | None,
                        example_rows: bool, *, examples: list[list] | None = None,
                        instructions: list[str] | None = None) -> None:
    """The sheet with the steps of ``journeys`` (default all), or — given — ``examples`` rows in grey.

    Without journey steps or ``examples``, ``example_rows`` adds a few generic grey rows. ``instructions``
    replaces the lines of the Instructions sheet (the first is its title; empty lines stay empty).
    """
    selected = list(model.journeys) if journeys is None else list(journeys)
    for key in selected:
        if key not in model.journeys:
            raise ModelError(f"unknown journey '{key}'{did_you_mean(key, model.journeys)}")
    channel_names, reason_names, journey_names = (display_names(getattr(model, kind))
                                                  for kind in ("channels", "reasons", "journeys"))
    rows = [step_row(model, s, journey_names[j], channel_names, reason_names)
            for j in selected for s in model.steps_of(j)]
    grey = examples is not None or (not rows and example_rows)
    if examples is not None:
        rows = examples
    elif grey:
        rows = _example_rows(list(channel_names.values()), list(reason_names.values()))
    with new_workbook(path) as book:
        styles = Styles(book)
        overflow = Overflow()
        write_instructions(book, styles, instructions or INSTRUCTIONS)
        sheet = book.add_worksheet(SHEET)
        write_table(sheet, styles, COLUMNS, rows, styles.example if grey else None, overflow)
        lists = book.add_worksheet("Lists")
        for col, values in enumerate((channel_names, reason_names, journey_names)):
            for row, value in enumerate(values.values()):
                lists.write_string(row, col, value)  # drop-down choices only (cut at 32,767 characters)
        lists.hide()
        overflow.write(book, styles.header)
        sheet.activate()
        last = len(rows) + SPARE_ROWS
        spans = {"channel": ("A", len(channel_names)), "reason": ("B", len(reason_names)),
                 "journey": ("C", len(journey_names))}
        for name, (letter, count) in spans.items():
            if count:
                add_dropdown(sheet, COLUMNS.index(name), last, f"=Lists!${letter}$1:${letter}${count}",
                             strict=False)
        for name, source in (("emotion", EMOTIONS), ("target_emotion", EMOTIONS), ("satisfaction", SCORES),
                             ("importance_to_customer", SCORES), ("importance_to_organisation", SCORES),
                             ("moment_of_truth", BOOLEANS)):
            add_dropdown(sheet, COLUMNS.index(name), last, source)


def step_row(model: Model, step: Step, journey_name: str, channel_names: dict[str, str],
             reason_names: dict[str, str]) -> list:
    """One row of the sheet (its ``COLUMNS``) for a journey step, with names as the drop-downs show them."""
    return [journey_name, model.episodes[step.episode].label if step.episode else None, step.label,
            channel_names.get(step.channel), step.touchpoint, step.need, step.emotion, step.target_emotion,
            step.satisfaction, step.importance_to_customer, step.importance_to_organisation,
            True if step.moment_of_truth else None, step.notes or None, reason_names.get(step.reason)]


def write_instructions(book: xlsxwriter.Workbook, styles: Styles, lines: list[str]) -> None:
    """An Instructions sheet: the first line as its title, the others wrapped in one wide column."""
    intro = book.add_worksheet("Instructions")
    intro.write(0, 0, lines[0], styles.title)
    for i, line in enumerate(lines[1:], start=1):
        if line:
            intro.write_string(i, 0, line, styles.wrap)
    intro.set_column(0, 0, 120)


def display_names(items: dict) -> dict[str, str]:
    """id → what the sheet shows: the label, or the id where labels are shared or look like another id."""
    counts = Counter(item.label.strip() for item in items.values())
    return {key: item.label.strip() if counts[item.label.strip()] == 1 and item.label.strip() not in items
            and item.label.strip() else key for key, item in items.items()}


def _example_rows(channels: list[str], reasons: list[str]) -> list[list]:
    rows = []
    for i, (episode, step, touchpoint, need, emotion, target) in enumerate(EXAMPLE_EPISODES):
        rows.append(["Example: I move house", episode, step, channels[i % len(channels)] if channels else None,
                     touchpoint, need, emotion, target, 3, 4, 3, True if i == 1 else None, None,
                     reasons[i % len(reasons)] if reasons else None])
    return rows
