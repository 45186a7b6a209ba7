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
# # Step 1 — Frame: the life cycle model
#
# **What this step is for.** Your organisation has, or will have, many customer journeys. They change
# all the time: new products, new processes, new channels. To compare them, prioritise them and steer on
# them, you need one framework that sits *above* every journey and does not change when journeys do: the
# **life cycle model**.
#
# - **Stages** follow the customer's life with you: *Not yet a customer → Becoming a customer → Being a
#   customer → Staying a customer → Leaving*.
# - Each stage splits into **phases** (*Onboarding*, *Billing and paying*, *Getting help* …).
# - Each phase holds **contact reasons**: what a customer contacts you for, **in the customer's own
#   words** — *"I receive and pay my bill"*, *"I change my details"*. An organisation rarely needs more
#   than **60–80 contact reasons**.
#
# **What goes in:** an industry template (or your own spreadsheet). **What comes out:** a checked life
# cycle model in your workspace, which every later step hangs on.
#
# To run this notebook on your own workspace, change `WORKSPACE` in the next cell to its folder. If the
# folder is not a workspace yet, the demo organisation (a telecom provider with a year of generated
# contact data) is built there first.

# %% tags=["parameters"]
WORKSPACE = "../demo-workspace"
EVENTS = 200_000  # contacts generated if the demo workspace must be built first

# %%
import ipywidgets as widgets
import polars as pl

import workbench.notebook as wbn
from workbench.rules import RULES, check
from workbench.templates import list_templates, load_template
from workbench.ui.circular import CircularView
from workbench.ui.lifecycle_map import LifeCycleMap
from workbench.ui.model_editor import ModelEditor
from workbench.ui.notebook import open_session

ws = wbn.setup(WORKSPACE, EVENTS)
session = open_session(ws, can_edit=True)  # what you choose in the views below, and the right to edit

# %% [markdown]
# ## Start from an industry template
#
# You rarely start from a blank page. The workbench ships templates for several industries; each is a
# complete life cycle model with channels, customer segments, back-office processes, IT systems and a few
# example journeys. Pick one in the list below to see its stages and phases. (The demo uses *telecom*. To
# start your own workspace from another template, run `workbench new my-workspace --template energy` in
# a terminal, or import your own spreadsheet with `workbench import`.)

# %%
pl.DataFrame([(t.name, t.title, t.language, t.stages, t.phases, t.reasons, t.journeys) for t in list_templates()],
             schema=["template", "title", "language", "stages", "phases", "reasons", "journeys"], orient="row")

# %%
widgets.interact(lambda template: wbn.outline(load_template(template)),
                 template=widgets.Dropdown(options=[t.name for t in list_templates()], value="telecom"));

# %% [markdown]
# ## Your model as a map
#
# Every contact reason is a tile, in its phase and stage, coloured by a KPI from your contact data
# (choose the KPI in the dashboard; here: contact volume). Click a tile to select a reason. The circle
# shows the same model around the customer.

# %%
model = session.model
LifeCycleMap(session=session)

# %%
CircularView(session=session)

# %% [markdown]
# ## The rules check
#
# A sound model follows a few design rules: 60–80 reasons, no empty phases, no two reasons with the same
# label, every reason phrased in the customer's voice ("I …"), every reason used by a journey or by data,
# and more. Each rule is an **error** (the workbench cannot work with it) or a **warning** (a departure
# you may accept knowingly). These are the rules:

# %%
pl.DataFrame([(r.id, r.severity, r.description) for r in RULES], schema=["rule", "severity", "what"], orient="row")

# %%
findings = check(model, reasons_with_data=wbn.reasons_with_data(ws))
wbn.findings_table(findings)

# %% [markdown]
# ## Changing the model
#
# The model changes through a few operations — rename, move, merge and delete reasons or phases — that
# keep every link intact: a renamed reason keeps its id, so journeys and data stay attached. Here we try
# some on a **copy**, so your workspace is not touched, and run the rules check on the result: a label
# that is not in the customer's voice, and a merge that leaves one reason fewer.

# %%
draft = model.copy()
draft.rename("reasons", "pay-bill", "Payment of the bill")   # not in the customer's voice
draft.move_reason("check-usage", "billing-and-paying")       # links stay
draft.merge_reasons("receive-payment-reminder", "pay-bill")  # journeys on the first now point at the second
wbn.findings_table(check(draft, reasons_with_data=wbn.reasons_with_data(ws)))

# %% [markdown]
# To change the model for real, use the **model editor** below (the same editor as on the *Frame* page of
# the dashboard): every change is saved at once in your workspace, and the rules check re-runs after each
# save. Deleting a reason that journey steps link to is refused unless you choose where those links go.

# %%
ModelEditor(session=session)

# %% [markdown]
# ## Outcome of this step
#
# The step is done when the rules check has **no errors** and you accept the warnings that remain.

# %%
print(wbn.outcome(1, ws))

# %% [markdown]
# **Next:** step 2, *Map* (`02_map.ipynb`): capture customer journeys on top of this model.
