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
# # Solution 2 — Map: a journey in 5–7 episodes
#
# A **journey** is titled in the customer's voice ("I report a fault") and told in **5–7 episodes** — its
# chapters ("I notice a problem", "I get help", …). Each **step** has a channel, what the customer needs,
# the emotion they feel (−2…+2) and the one we aim for (never lower), and some steps are **moments of
# truth**: they make or break the journey.
#
# In the workshop you fill in the journey-mapping sheet; here you type the same rows in Python. They go
# through the same importer, so a mistake is reported with its row and column.

# %% tags=["parameters"]
# The demo organisation (a telecom provider with generated contact data): built on first use.
WORKSPACE = "kit-demo-workspace"
EVENTS = 100_000

# %%
from workbench.demo import ensure_demo

ws = ensure_demo(WORKSPACE, events=EVENTS)

# %%
from workbench.exercises import add_journey_rows, check_journey

model = ws.load()
print("channels:", ", ".join(c.label for c in model.channels.values()))

# %% [markdown]
# ## Task 1 — complete the journey "I report a fault"
# A group started it. Complete the rows: 5–7 episodes, a channel and both emotions on every step, the
# target emotion at least the experienced one, and at least one moment of truth. `reason` may stay empty:
# linking is the next exercise.

# %% tags=["solution"]
rows = [
    {"episode": "I notice a problem", "step": "The internet stops working in the evening", "channel": "App",
     "emotion": -1, "target_emotion": 0},
    {"episode": "I notice a problem", "step": "Checks the website for a known outage", "channel": "Website",
     "emotion": -1, "target_emotion": 0},
    {"episode": "I get help", "step": "Calls the helpdesk and restarts the modem with the agent", "channel": "Phone",
     "emotion": -2, "target_emotion": 1, "moment_of_truth": True},
    {"episode": "I wait for the engineer", "step": "Receives an engineer appointment by e-mail", "channel": "E-mail",
     "emotion": 0, "target_emotion": 1},
    {"episode": "I wait for the engineer", "step": "Gets a text the evening before the visit", "channel": "App",
     "emotion": 1, "target_emotion": 1},
    {"episode": "I get it fixed", "step": "The engineer replaces the modem", "channel": "Shop",
     "emotion": 1, "target_emotion": 2, "moment_of_truth": True},
    {"episode": "I check it stays fixed", "step": "Sees a credit for the lost days on the bill", "channel": "App",
     "emotion": 1, "target_emotion": 1},
]

# %% tags=["check"]
mapped = add_journey_rows(model, "I report a fault", rows)
check_journey(mapped, "i-report-a-fault")

# %% [markdown]
# ## Task 2 — a journey of the demo
# Run the same check on the demo's journey "I separate from my partner". What would you change in the
# workshop? (No code needed: discuss it.)

# %%
check_journey(model, "i-separate-from-my-partner")

# %% [markdown]
# ## Debrief
# - Where did your group disagree about the emotion of a step? How did you decide?
# - Which moments of truth did you pick, and what makes them decisive?
# - What would the future state of this journey look like (`state: future`)?
