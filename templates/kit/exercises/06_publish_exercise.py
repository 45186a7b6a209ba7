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
# # Exercise 6 — Publish: share the result
#
# Colleagues who do not run notebooks get the model as an Excel workbook (edit it and send it back: it
# imports again, all or nothing), or as a dashboard: served with `workbench serve WS`, or as one static
# HTML file that opens without a server (`workbench export WS --html FILE`).

# %% tags=["parameters"]
# The demo organisation (a telecom provider with generated contact data): built on first use.
WORKSPACE = "kit-demo-workspace"
EVENTS = 100_000

# %%
from workbench.demo import ensure_demo

ws = ensure_demo(WORKSPACE, events=EVENTS)

# %%
from pathlib import Path

from workbench.exercises import check_export
from workbench.interchange import write_model

out = Path(WORKSPACE) / "exports"
out.mkdir(exist_ok=True)

# %% [markdown]
# ## Task — export the model to Excel and check it

# %% tags=["exercise"]
excel = out / "model.xlsx"
# write_model(...)

# %% tags=["check"]
check_export(ws, excel=excel)

# %% [markdown]
# ## Debrief
# - Who in your organisation should see the dashboard, and who may edit the model?
# - How often should the data be refreshed, and who does it?
