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
# # Exercise 1 — Frame: repair a life cycle model
#
# A **life cycle model** hangs above every journey and does not change when journeys do: **stages**
# (*Not yet a customer → … → Leaving*), split into **phases**, each holding **contact reasons** — what a
# customer contacts the organisation for, *in the customer's voice* ("I pay my bill"). An organisation
# rarely needs more than **60–80 contact reasons**, and every phase holds at least one.
#
# A workshop group drafted the model of our demo telecom provider. It has the mistakes groups often make.
# Your job: find them with the check, and repair the model in code. Nothing here changes the workspace:
# you work on a copy in memory.

# %% tags=["parameters"]
# The demo organisation (a telecom provider with generated contact data): built on first use.
WORKSPACE = "kit-demo-workspace"
EVENTS = 100_000

# %%
from workbench.demo import ensure_demo

ws = ensure_demo(WORKSPACE, events=EVENTS)

# %%
from workbench.exercises import check_framework, draft_framework
from workbench.model import ContactReason

draft = draft_framework(ws.load())
for stage in draft.stages.values():
    print(stage.label, "→", ", ".join(f"{p.label} ({len(draft.reasons_of(p.id))})" for p in draft.phases_of(stage.id)))

# %% [markdown]
# ## Task 1 — run the check
# Read each message: what is wrong, and where?

# %%
check_framework(draft)

# %% [markdown]
# ## Task 2 — the customer's voice
# Three reasons are labelled the way a department talks ("Fault reports"). Relabel them as the customer
# would say it, starting with "I" or "My": `draft.rename("reasons", ID, "I …")`. The id stays, so every
# link to the reason stays too.

# %% tags=["exercise"]
# draft.rename("reasons", "report-fault", "I ...")

# %% [markdown]
# ## Task 3 — one activity, one reason
# Two groups wrote down the same reason. Merge the copy into the original:
# `draft.merge_reasons(COPY, into=ORIGINAL)` (links, processes and systems follow).

# %% tags=["exercise"]
# draft.merge_reasons(...)

# %% [markdown]
# ## Task 4 — an empty phase, and too few reasons
# Phase *After leaving* is empty and the model is below 60 reasons. What do former customers contact a
# telecom provider for? Add at least two reasons to that phase:
# `draft.add(ContactReason("an-id", "after-leaving", "I …"))`.

# %% tags=["exercise"]
# draft.add(ContactReason(...))

# %% [markdown]
# ## Check again
# When the check says *well done*, the model follows the design rules. `workbench check WS` runs the full
# set of rules (also on journeys) from the command line.

# %% tags=["check"]
result = check_framework(draft)
result

# %% [markdown]
# ## Debrief
# - Which reasons were hardest to phrase in the customer's voice, and why?
# - When is a reason too broad ("I have a question") or too fine ("I pay my bill by direct debit")?
# - Who in your organisation would own each phase?
