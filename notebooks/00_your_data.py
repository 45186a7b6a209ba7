# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Start here — your own data
#
# The six step notebooks run on a generated demo. This one starts a workspace from the files a team
# usually has: a **flat sheet** of stages, phases and contact reasons, a **journey** written down in a
# workshop, a list of **channels**, and a **contact log** exported from the contact centre with its own
# reason codes. Each cell is one step; each says what it did and, when a file is not right, where.
#
# The example files (a Dutch energy supplier, in `templates/examples/`) stand in for yours: change the
# paths in the next cell. The same walk on the command line: `docs/own-data.md`.

# %% tags=["parameters"]
WORKSPACE = "../energie-workspace"   # made here if it does not exist yet
EVENTS = 0                           # (not used: this notebook reads your files, it generates nothing)
EXAMPLES = "../templates/examples"
MODEL_FILE = f"{EXAMPLES}/energie-plat.csv"          # one row per contact reason: stage; phase; reason
JOURNEY_FILE = f"{EXAMPLES}/energie-stappen.csv"     # one row per journey step (the workshop sheet)
CHANNELS_FILE = f"{EXAMPLES}/energie-kanalen.yaml"   # the channels, digital or not
CONTACTS_FILE = f"{EXAMPLES}/energie-contacten.csv"  # the contact log, `;`-separated, with decimal commas
NAME, LANGUAGE, VOICE_PREFIXES = "Energie BV", "nl", "Ik,Mijn"

# %% [markdown]
# ## 1. A workspace and the life cycle model from a flat sheet
# Headers are recognised in English and Dutch (`stage`/`levensfase`, `phase`/`fase`,
# `reason`/`contactreden`); ids are made from the labels. `VOICE_PREFIXES` are the words a reason in
# the customer's voice starts with.

# %%
from pathlib import Path

from workbench.interchange import ImportRejected, import_file
from workbench.rules import check, summary
from workbench.workspace import Workspace

path = Path(WORKSPACE)
if (path / "workspace.yaml").exists():
    ws = Workspace.open(path)
else:
    ws = Workspace.create(path)
    empty = ws.load()
    named = empty.copy()
    named.name = NAME
    ws.commit(named, base=empty)


def import_into(ws, file, **options):
    """Import one file into the workspace's model and save it; print what it did or every problem."""
    base = ws.load()
    try:
        imported = import_file(file, base, **options)
    except ImportRejected as rejected:
        print(rejected)
        return None
    ws.commit(imported.model, base=base)
    print(imported.summary(file))
    return imported


import_into(ws, MODEL_FILE, voice_prefixes=VOICE_PREFIXES, language=LANGUAGE)
print(summary(check(ws.load())))

# %% [markdown]
# ## 2. A journey, and the channels
# The journey sheet names its contact reasons by label; a YAML file of channels replaces the channels
# only and keeps everything else.

# %%
import_into(ws, JOURNEY_FILE, journeys=True)
import_into(ws, CHANNELS_FILE)

# %% [markdown]
# ## 3. The contact log
# Separator and encoding are detected; columns named like the canonical ones (`klantnummer`, `datum`,
# `kanaal`, `code`, `kosten`, `nps`) map themselves. Without `decimal_comma` the costs `2,50` are bad
# rows, and the message says so. Nothing is declared until the whole file is fine.

# %%
from workbench.sources import SourceRejected, SourceSpec
from workbench.sources.registry import list_sources

if "contacten" not in {s.id for s in list_sources(ws.store)}:
    for options in ({}, {"decimal_comma": True}):
        spec = SourceSpec(id="contacten", kind="csv", location=str(Path(CONTACTS_FILE).resolve()), options=options)
        try:
            print(ws.add_source(spec))
            break
        except SourceRejected as rejected:
            print(str(rejected).splitlines()[0], "\n", str(rejected).splitlines()[-1], "\n")

# %% [markdown]
# ## 4. The crosswalk: the organisation's codes → contact reasons
# The codes no reason is given for yet, biggest first; then each mapped by the reason's label (or
# `ignore` for codes that are not a contact reason).

# %%
from workbench.interchange.labels import Labels
from workbench.sources.registry import get_crosswalk, set_mapping

model = ws.load()
print(get_crosswalk(ws.store).unmapped(ws.contacts(model).frame.collect()))
reasons = Labels({k: r.label for k, r in model.reasons.items()}, "contact reason")
for code, label in {"VERH": "Ik verhuis en neem mijn contract mee", "EIND": "Ik geef mijn eindstand door",
                    "AFR": "Ik ontvang en betaal mijn eindafrekening", "OPZ": "Ik zeg mijn contract op"}.items():
    set_mapping(ws.store, code, reasons.resolve(label).id, model=model)
set_mapping(ws.store, "STORING", "ignore", model=model)

# %% [markdown]
# ## 5. First figures
# KPIs by phase, with labels: the same table the dashboard's Measure page shows.

# %%
data = ws.dataset()
by_phase = data.measure(["phase"], ["volume", "customers", "cost", "nps", "repeat_rate"])
by_phase.filter(by_phase["volume"] > 0)

# %% [markdown]
# ## Outcome of this step
# A workspace of your own: the model, a journey, the channels, a contact log and its crosswalk.

# %%
model = ws.load()
contacts = by_phase["volume"].sum()
print(f"Your data: {len(model.reasons)} contact reasons, {len(model.journeys)} journey(s), "
      f"{len(model.channels)} channels, {contacts:,} contacts on a contact reason; "
      f"rules check: {summary(check(model))['errors']} error(s).")
ws.close()

# %% [markdown]
# **Next:** open the dashboard on it (`workbench serve ../energie-workspace`), or run the step notebooks
# with `WORKSPACE = "../energie-workspace"`: `01_frame.ipynb` checks the model, `02_map.ipynb` maps
# more journeys.
