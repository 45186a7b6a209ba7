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
# # Solution 4 — Measure: KPIs per reason, phase and journey
#
# Contact data is attached to reasons, so every figure can be shown by reason, phase, stage, journey,
# channel or segment. Some KPIs add up (contacts, cost); others must be **recomputed from the events** at
# every level: NPS is % promoters (9–10) − % detractors (0–6) *of the responses*, never an average of
# averages. A contact on a reason counts toward every journey that uses the reason.
#
# Answer each question with a number and check it.

# %% tags=["parameters"]
# The demo organisation (a telecom provider with generated contact data): built on first use.
WORKSPACE = "kit-demo-workspace"
EVENTS = 100_000

# %%
from workbench.demo import ensure_demo

ws = ensure_demo(WORKSPACE, events=EVENTS)

# %%
import polars as pl

from workbench.exercises import ask, check_kpi_answer, events_of
from workbench.metrics import measure
from workbench.metrics.model_dims import dimensions

model = ws.load()
events = events_of(ws, model)
dims = dimensions(model)
measure(events, by=["stage"], kpis=["volume", "nps", "csat"], dims=dims)

# %% [markdown]
# ## Question 1 — what is the NPS of phase "Billing and paying"?

# %% tags=["solution"]
by_phase = measure(events, by=["phase"], kpis=["nps"], dims=dims)
answer = by_phase.filter(pl.col("phase") == "billing-and-paying")["nps"][0]

# %% tags=["check"]
check_kpi_answer(model, ask("nps", phase="billing-and-paying"), answer, events=events)

# %% [markdown]
# ## Question 2 — how many contacts does the journey "I move house" have?

# %% tags=["solution"]
answer = measure(events, by=["journey"], kpis=["volume"], dims=dims).filter(pl.col("journey") == "i-move-house")
answer = answer["volume"][0]

# %% tags=["check"]
check_kpi_answer(model, ask("volume", journey="i-move-house"), answer, events=events)

# %% [markdown]
# ## Question 3 — what is the CSAT in the app (as a fraction)?

# %% tags=["solution"]
answer = measure(events, by=["channel"], kpis=["csat"], dims=dims).filter(pl.col("channel") == "app")["csat"][0]

# %% tags=["check"]
check_kpi_answer(model, ask("csat", channel="app"), answer, events=events)

# %% [markdown]
# ## Question 4 — what is the repeat-contact rate of "I question a charge on my bill"?

# %% tags=["solution"]
answer = measure(events, by=["reason"], kpis=["repeat_rate"], dims=dims)
answer = answer.filter(pl.col("reason") == "question-bill")["repeat_rate"][0]

# %% tags=["check"]
check_kpi_answer(model, ask("repeat_rate", reason="question-bill"), answer, events=events)

# %% [markdown]
# ## Debrief
# - Why do the journeys' contacts add up to more than all contacts?
# - Which phase has the lowest NPS, and is it also the one with the most contacts?
