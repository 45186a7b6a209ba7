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
# # Step 2 — Map: customer journeys
#
# **What this step is for.** A customer journey tells one customer story from start to end, titled in the
# customer's voice: *"I move house"*, *"I switch to you"*. Where the life cycle model (step 1) is stable,
# journeys change with your products, processes and channels — and that is fine, because each journey
# hangs on the same contact reasons.
#
# A journey has:
# - a **scope** (where it starts and ends) and a **persona** or customer segment;
# - **5–7 episodes**, its chapters, also titled "I …" (*"I orientate"*, *"I arrange the move"*);
# - ordered **steps**: what the customer does, in which **channel** and at which **touchpoint**, what
#   they **need**, how they **feel** (emotion from −2 to +2) and how we want them to feel (target emotion),
#   with touchpoint scores (1–5) and the **moments of truth** that make or break the journey;
# - a **current** state (how it is today) and, when you redesign it, a **future** state to compare with.
#
# **What goes in:** journeys captured in a workshop, on the workshop spreadsheet. **What comes out:**
# journeys in your workspace, drawn as a journey map: a grid of steps under their episodes, with lanes
# for channel, need, the emotion curve, the linked contact reason and its KPI, what sits behind it.

# %% tags=["parameters"]
WORKSPACE = "../demo-workspace"
EVENTS = 200_000  # contacts generated if the demo workspace must be built first
WORKSHOP_SHEET = None  # a filled-in workshop sheet (.xlsx or .csv) to import; None = preview the blank kit

# %%
import workbench.notebook as wbn
from workbench.ui.journey_view import JourneyView
from workbench.ui.notebook import open_session
from workbench.ui.session import Session

ws = wbn.setup(WORKSPACE, EVENTS)

# %% [markdown]
# ## The journeys in the workspace

# %%
session = open_session(ws, can_edit=True)
wbn.journeys_table(session.model)

# %% [markdown]
# ## One journey as a journey map
#
# Columns are the steps, grouped under their episodes; rows are the lanes: channel and touchpoint, the
# customer's need, the emotion curve (experienced in red against the target in green), the contact reason
# the step links to (step 3) with a heat strip of its KPI and the number of contacts or responses behind
# it, the processes and IT systems behind the reason, opportunities and owners. A lane appears when the
# journey has something to show in it; moments of truth are marked above their step. The KPI is the
# session's (`session.selection.kpi`): NPS here.

# %%
session.selection.journey = "i-move-house"
session.selection.kpi = "nps"
view = JourneyView(session=session)
view

# %% [markdown]
# The same map as data: one list of cells per lane (here the KPI strip, then the needs).

# %%
grid = view.grid()
grid.lane_text("kpi"), grid.lane_text("need")[:3]

# %% [markdown]
# ## Current and future state
#
# *I move house* has a designed future state: one online moving flow, an appointment on moving day, a
# pro-rated bill. The comparison aligns both versions by episode and sums up what changes: steps removed
# and added, steps moved to another channel, emotion gaps closed, and today's contacts on the reasons the
# future no longer uses. The future design is never credited with today's contacts.

# %%
current, future, comparison = view.comparison()
comparison.summary

# %%
JourneyView(session=session, mode="compare")

# %% [markdown]
# In the dashboard (step 2, *Map*) editors can also change the map in place — add, move and remove steps,
# change their fields, add episodes, make a future version — and everyone looking at the journey sees the
# change within a second or two.

# %% [markdown]
# ## Importing a workshop sheet
#
# Journeys are usually captured in a workshop, on a wall or a laptop. The **workshop sheet** is a
# spreadsheet with one row per step (journey, episode, step, channel, touchpoint, need, emotion, target
# emotion, scores, moment of truth, notes, reason) with drop-down lists. Hand it out, fill it in, import it.
# An import is all or nothing: any problem (an unknown channel, an emotion of 5 …) is reported with its
# sheet, row and column, and nothing is saved.
#
# With `WORKSHOP_SHEET = None` (the default) the blank sheet is written into your workspace folder as
# `workshop-sheet.xlsx` and read back as a **preview** — nothing is saved. Set `WORKSHOP_SHEET` to your
# filled-in sheet to import and save its journeys (the same as `workbench import WORKSPACE sheet.xlsx
# --journeys`).

# %%
imported, journeys = wbn.import_workshop(ws, WORKSHOP_SHEET)
print("journeys in the sheet:", journeys)
preview = Session(ws.dataset(imported), journey=journeys[0])  # the imported model, not saved unless a sheet was given
JourneyView(session=preview)

# %% [markdown]
# ## Outcome of this step
#
# The step is done when every journey you care about has its steps, 5–7 episodes and its moments of truth.

# %%
print(wbn.outcome(2, ws))

# %% [markdown]
# **Next:** step 3, *Link* (`03_link.ipynb`): link every journey step to one contact reason.
