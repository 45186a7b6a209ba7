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
# # Step 3 — Link: every journey step to one contact reason
#
# **What this step is for.** This is the step that makes journeys comparable. Each step of each journey
# is linked to **exactly one** contact reason of the life cycle model. The same reason appears in many
# journeys: a customer who moves house and one who separates from their partner both *"change my
# details"*. Because every journey hangs on the same reasons, data is kept once, per reason (step 4), and
# every journey gets its figures from the reasons of its steps.
#
# **What goes in:** the journeys of step 2 and the model of step 1. **What comes out:** links, helped by
# ranked suggestions, and a coverage check: steps still unlinked, reasons shared by journeys, reasons no
# journey uses.

# %% tags=["parameters"]
WORKSPACE = "../demo-workspace"
EVENTS = 200_000  # contacts generated if the demo workspace must be built first

# %%
import ipywidgets as widgets
import polars as pl

import workbench.notebook as wbn
from workbench.analysis.suggest import suggest, suggest_all
from workbench.analysis.coverage import coverage
from workbench.ui.link_editor import LinkEditor
from workbench.ui.notebook import open_session

ws = wbn.setup(WORKSPACE, EVENTS)
session = open_session(ws, can_edit=True)
model = session.model

# %% [markdown]
# ## Suggestions
#
# For each step the workbench ranks the contact reasons it most likely belongs to, from the words of the
# step (label, need, touchpoint, episode) and of the reasons, from steps already linked, and from the
# neighbouring steps. `why` names the words that matched. Choose a journey:

# %%
suggester = session.data.suggester()  # the Link page's model: also the workspace's keywords, crosswalk, confirmed tags
columns = ["step_label", "linked", "reason", "score", "why"]
widgets.interact(lambda journey: suggest_all(model, journey, top=1, suggester=suggester).select(columns),
                 journey=widgets.Dropdown(options={j.label + f" ({j.state})": j.id for j in model.journeys.values()}));

# %% [markdown]
# How good are the suggestions? A suggestion never uses the step's own link, so we can check it against
# the links the demo's journeys already have:

# %%
best = suggest_all(model, top=1, suggester=suggester)
agree = best.filter(pl.col("linked") == pl.col("reason")).height
print(f"the first suggestion is the linked reason for {agree} of {best.height} steps")

# %% [markdown]
# Linking is one operation: `link(step, reason)`. On a **copy** of the model, clear a link and let the
# suggestions find it again:

# %%
draft = model.copy()
draft.link("move-4", None)
[(s.reason, round(s.score, 2), s.why) for s in suggest(draft, "move-4", top=3)]

# %% [markdown]
# ## The link editor
#
# The same editor as on the *Link* page of the dashboard. Per step: its current reason, the top
# suggestions (accept one with a click), a list of every reason by stage and phase, and a button to clear
# the link. Each change is saved at once. Choose the journey in its list (or with `session.selection.journey`).

# %%
session.selection.journey = "i-separate-from-my-partner"
LinkEditor(session=session)

# %% [markdown]
# ## Coverage
#
# Reasons used by **more than one journey** are where improvements pay off twice; reasons used by **no
# journey** are either covered by data only, or a journey nobody has mapped yet.

# %%
cov = coverage(model, None)
print(f"{cov.all_unlinked} of {cov.all_steps} steps unlinked; {cov.shared.height} reasons shared; "
      f"{cov.unused.height} unused")
cov.shared

# %%
cov.unused

# %% [markdown]
# ## Outcome of this step

# %%
print(wbn.outcome(3, ws))

# %% [markdown]
# **Next:** step 4, *Measure* (`04_measure.ipynb`): attach contact data to the reasons.
