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
# # Exercise 3 — Link: every step to one contact reason
#
# Each journey step links to **exactly one** contact reason. Because all journeys hang on the same
# reasons, data is kept once, per reason, and journeys can be compared. The workbench ranks candidate
# reasons for a step (`suggest`), but the decision is yours: the customer's activity at that step, in the
# stage of the life cycle the customer is in.
#
# A colleague started linking the demo journey "I move house" and stopped halfway; some links are wrong.

# %% tags=["parameters"]
# The demo organisation (a telecom provider with generated contact data): built on first use.
WORKSPACE = "kit-demo-workspace"
EVENTS = 100_000

# %%
from workbench.demo import ensure_demo

ws = ensure_demo(WORKSPACE, events=EVENTS)

# %%
from workbench.analysis.suggest import format_suggestions, suggest_all
from workbench.exercises import check_links, start_links

model = start_links(ws.load())

# %% [markdown]
# ## Task 1 — what is wrong?

# %%
check_links(model, "i-move-house")

# %% [markdown]
# ## Task 2 — fix the links and link the rest
# The suggestions below rank three reasons per step. Link each step with `model.link(STEP, REASON)`.

# %%
print(format_suggestions(model, suggest_all(model, "i-move-house")))

# %% tags=["exercise"]
# model.link("move-3", "...")

# %% tags=["check"]
check_links(model, "i-move-house")

# %% [markdown]
# ## Debrief
# - Which steps could belong to two reasons? What made you choose one?
# - A moving customer and a divorcing one both "change my details": what does that give you?
# - Which reasons does this journey share with "I switch to you"?
