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
# # Exercise 5 — Prioritise: what to tackle first, and why
#
# The priority score of a reason adds up points from six factors — volume, cost, dissatisfaction
# (NPS, CES and CSAT below target), complaints, repeat contacts and strategic weight — each scaled to the
# largest item. The score is transparent: every point can be traced to a factor.

# %% tags=["parameters"]
# The demo organisation (a telecom provider with generated contact data): built on first use.
WORKSPACE = "kit-demo-workspace"
EVENTS = 100_000

# %%
from workbench.demo import ensure_demo

ws = ensure_demo(WORKSPACE, events=EVENTS)

# %%
from workbench.analysis.impact import impact
from workbench.analysis.priority import priorities
from workbench.exercises import check_priority_answer, events_of

model = ws.load()
events = events_of(ws, model)
ranked = priorities(events, model)
ranked.select("rank", "label", "score", "volume", "cost", "nps", "complaints", "repeats").head(10)

# %% [markdown]
# ## Question 1 — which contact reason ranks first, and which factor adds the most points to it?
# Answer with the reason's id or label, and a factor: volume, cost, dissatisfaction, complaints, repeat
# or strategic.

# %% tags=["exercise"]
answer, why = None, None

# %% tags=["check"]
check_priority_answer(model, answer, why, events=events)

# %% [markdown]
# ## Question 2 — which journey ranks first?
# Journeys add a seventh factor: the experience gap (how far emotions are below target).

# %% tags=["exercise"]
answer = None

# %% tags=["check"]
check_priority_answer(model, answer, level="journey", events=events)

# %% [markdown]
# ## Question 3 — impact (discussion)
# The billing system will be replaced. Which reasons and journeys does that hit, and how many customers?

# %%
hit = impact(model, events, systems=["billing-system"])
hit.totals

# %% [markdown]
# ## Debrief
# - Would you change a factor's weight for your organisation? What would move?
# - Is the first reason also the one you would have guessed before the data?
