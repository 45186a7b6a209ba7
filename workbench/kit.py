"""The trainer kit: workshop spreadsheets written from code, plus the exercises and the facilitator guide.

``write_kit(folder)`` (re)writes ``life-cycle-model.xlsx`` (an empty workspace workbook a group fills
in) and ``journey-mapping.xlsx`` (the workshop journey sheet on the telecom template's channels and
reasons) with the current interchange format, so both import as they are:

    workbench import WS life-cycle-model.xlsx                 # into a new workspace
    workbench import WS journey-mapping.xlsx --journeys       # into a telecom workspace

Both have an Instructions sheet on top (the readers skip sheets they do not know) and grey example rows
that are valid: they import like any other row, so a group overwrites or deletes them.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import xlsxwriter

from workbench.interchange.excel import HELP, SHEETS, columns
from workbench.interchange.excel_write import (
    SPARE_ROWS,
    Styles,
    add_dropdown,
    choices,
    sheet_rows,
    write_readme,
    write_table,
)
from workbench.interchange.validate import FIELDS
from workbench.interchange.workshop_write import INSTRUCTIONS as JOURNEY_INSTRUCTIONS
from workbench.interchange.workshop_write import display_names, step_row, write_instructions, write_workshop_xlsx
from workbench.model import Channel, ContactReason, Model, Phase, Process, Segment, Stage, System

LIFE_CYCLE_FILE, JOURNEY_FILE = "life-cycle-model.xlsx", "journey-mapping.xlsx"
KIT_TEMPLATE = "telecom"
EXAMPLE_JOURNEY = "Example: I move house"
EXAMPLE_STEPS = ("move-1", "move-3", "move-5", "move-7", "move-8", "move-11", "move-12")
COPIED = ("FACILITATOR.md", "exercises", "solutions")
IGNORED = shutil.ignore_patterns("kit-demo-workspace", ".ipynb_checkpoints", "__pycache__")
OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}

LIFE_CYCLE_INSTRUCTIONS = [
    "How to fill in the life cycle model",
    "",
    "This workbook is one life cycle model: stages → phases → contact reasons. Fill in the sheets from left to "
    "right; the README sheet describes every column.",
    "Workspace — one row: your organisation's name and language (en, nl …).",
    "Stages — the customer's life cycle, in order: Not yet a customer → Becoming a customer → Being a customer "
    "→ Staying a customer → Leaving. Keep these five unless your organisation truly differs.",
    "Phases — each stage split into 2 to 5 phases (e.g. Ordering, Delivery and installation). Pick the stage "
    "from the drop-down.",
    "Reasons — what customers contact you for, in their own words: 'I pay my bill', not 'Billing'. One activity "
    "per reason; 60 to 80 reasons cover most organisations. Every phase needs at least one.",
    "Channels, Segments — the channels customers use (digital TRUE/FALSE) and the segments (personas) you serve.",
    "Processes, Systems — back-office processes and IT systems; link each to the reasons it serves on "
    "ProcessReasons and SystemReasons, one pair per row.",
    "Journeys, Episodes, Steps — leave them empty here: map journeys on the journey-mapping sheet.",
    "ids — short lowercase slugs (letters, digits and '-'): they link the sheets, so keep them when you relabel.",
    "",
    "Grey rows are examples that are valid: keep, overwrite or delete them before importing.",
    "Import with: workbench new WS && workbench import WS life-cycle-model.xlsx; then: workbench check WS",
]
JOURNEY_KIT_LINES = [
    "",
    "In the workshop: one journey per group, 5 to 7 episodes, a channel and both emotions on every step, and at "
    "least one moment of truth. The target emotion is never below the experienced one.",
    "The channels and reasons in the drop-downs are those of the demo organisation (the telecom template).",
]


def write_kit(out_dir: str | Path, *, copy_exercises: bool = True) -> list[Path]:
    """Write the kit's two spreadsheets into ``out_dir`` and, unless it is the kit folder itself or
    ``copy_exercises`` is false, copy the exercises, solutions and facilitator guide beside them.
    Returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [write_life_cycle_sheet(out / LIFE_CYCLE_FILE), write_journey_sheet(out / JOURNEY_FILE)]
    source = kit_dir()
    if copy_exercises and source is not None and source.resolve() != out.resolve():
        for name in COPIED:
            if (source / name).is_dir():
                shutil.copytree(source / name, out / name, dirs_exist_ok=True, ignore=IGNORED)
            elif (source / name).exists():
                shutil.copy2(source / name, out / name)
            written.append(out / name)
    return written


def kit_dir() -> Path | None:
    """The kit folder shipped with the project (``templates/kit``), or None if it is not there."""
    from workbench.resources import resource_dir

    try:
        path = resource_dir("templates") / "kit"
    except FileNotFoundError:
        return None
    return path if path.is_dir() else None


# -- the life cycle model workbook --------------------------------------------------------------------
def example_model() -> Model:
    """The grey example rows of the life cycle workbook: one phase per stage, a reason in each, and the
    sheets around them, all valid."""
    stages = [("not-yet-a-customer", "Not yet a customer"), ("becoming-a-customer", "Becoming a customer"),
              ("being-a-customer", "Being a customer"), ("staying-a-customer", "Staying a customer"),
              ("leaving", "Leaving")]
    phases = [("orientation", "Orientation"), ("ordering", "Ordering"), ("billing-and-paying", "Billing and paying"),
              ("renewing", "Renewing"), ("cancelling", "Cancelling")]
    reasons = [("compare-offers", "I compare offers", "Sales"), ("order-product", "I order a product", "Sales"),
               ("pay-bill", "I pay my bill", "Finance"), ("renew-contract", "I renew my contract", "Retention"),
               ("cancel-contract", "I cancel my contract", "Retention")]
    model = Model(name="My organisation", language="en", description="Our life cycle model (workshop)")
    for (stage, stage_label), (phase, phase_label), (reason, label, owner) in zip(stages, phases, reasons,
                                                                                  strict=True):
        model.add(Stage(stage, stage_label), Phase(phase, stage, phase_label),
                  ContactReason(reason, phase, label, owner=owner))
    model.add(Channel("phone", "Phone"), Channel("web", "Website", True), Channel("app", "App", True),
              Channel("shop", "Shop"), Channel("email", "E-mail", True),
              Segment("families", "Families", "Households with children"),
              Process("billing-run", "Monthly billing run", "Finance", reasons=("pay-bill",)),
              System("billing-system", "Billing system", "IT", reasons=("pay-bill",)))
    return model


def write_life_cycle_sheet(path: str | Path) -> Path:
    """The empty life cycle workbook: Instructions, README, then the workspace sheets with grey examples."""
    rows = sheet_rows(example_model())
    rows["Workspace"] = [[cell if cell != "" else None for cell in row] for row in rows["Workspace"]]
    with xlsxwriter.Workbook(str(path), OPTIONS) as book:
        styles = Styles(book)
        write_instructions(book, styles, LIFE_CYCLE_INSTRUCTIONS)
        write_readme(book, styles)
        for sheet in SHEETS:
            ws = book.add_worksheet(sheet)
            write_table(ws, styles, columns(sheet), rows[sheet], styles.example)
            last = len(rows[sheet]) + SPARE_ROWS
            for col, spec in enumerate(FIELDS[SHEETS[sheet]]):
                source = choices(spec.kind, spec.target, rows)
                if source is not None:
                    add_dropdown(ws, col, last, source, HELP.get(spec.name, ""))
    return Path(path)


# -- the journey-mapping sheet ---------------------------------------------------------------------------
def journey_rows(model: Model, journey: str = "i-move-house", steps: tuple[str, ...] = EXAMPLE_STEPS,
                 title: str = EXAMPLE_JOURNEY) -> list[list[Any]]:
    """Rows of the journey sheet (its :data:`COLUMNS`) for some steps of a journey of ``model``."""
    channels, reasons = display_names(model.channels), display_names(model.reasons)
    return [step_row(model, model.steps[key], title, channels, reasons)
            for key in steps if key in model.steps and model.steps[key].journey == journey]


def write_journey_sheet(path: str | Path, model: Model | None = None, rows: list[list[Any]] | None = None) -> Path:
    """The journey-mapping sheet on ``model``'s channels and reasons (default: the telecom template), with
    ``rows`` in grey (default: part of its journey 'I move house' as an example)."""
    if model is None:
        from workbench.templates import load_template

        model = load_template(KIT_TEMPLATE)
    lines = JOURNEY_INSTRUCTIONS[:-3] + JOURNEY_KIT_LINES + JOURNEY_INSTRUCTIONS[-3:]
    write_workshop_xlsx(path, model, [], False, examples=journey_rows(model) if rows is None else rows,
                        instructions=lines)
    return Path(path)
