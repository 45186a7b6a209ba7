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
# # Step 5 — Prioritise: what to tackle first
#
# **What this step is for.** With data per contact reason, you can decide on facts which reasons,
# journeys, channels, processes and IT systems to improve first — and explain why.
#
# - **Priority scores** are transparent: each factor (volume, cost, dissatisfaction against your NPS / CES
#   / CSAT targets, complaints, repeat contacts, a strategic weight you set per reason, and for journeys
#   the gap between experienced and target emotion) adds points, and the score is exactly their sum. You
#   choose the weights.
# - **Impact analysis** follows the links the other way: replace an IT system or change a process, and see
#   which contact reasons, which journeys and how many customers are hit.
# - **Journey mining** shows the paths customers actually take, from the contact data, and compares them
#   with the designed journeys: which steps are skipped, repeated or taken out of order.
#
# **What goes in:** the model, the journeys and the data of steps 1–4. **What comes out:** a ranked,
# explained list to decide on.

# %% tags=["parameters"]
WORKSPACE = "../demo-workspace"
EVENTS = 200_000  # contacts generated if the demo workspace must be built first

# %%
import polars as pl

import workbench.notebook as wbn
from workbench.analysis import variants
from workbench.analysis.priority import explain
from workbench.ui.agenda import AgendaView
from workbench.ui.impact_explorer import ImpactExplorer
from workbench.ui.journey_flow import JourneyFlow
from workbench.ui.notebook import open_session
from workbench.ui.priorities import PrioritiesView

ws = wbn.setup(WORKSPACE, EVENTS)
data = ws.dataset()  # every figure of the workspace, computed once and remembered
session = open_session(ws, can_edit=True)  # for the dashboard's views below

# %% [markdown]
# ## Priority scores
#
# Each factor is scaled to the largest item (the biggest reason by volume gets the full volume points), so
# the score runs from 0 to 100. The columns `contribution_…` are the points of each factor.

# %%
ranked = data.priorities("reason").head(10)
ranked.select("rank", "label", "score", pl.col("^contribution_.*$").round(1))

# %%
for row in ranked.head(3).iter_rows(named=True):
    print(explain(row))

# %% [markdown]
# The same for journeys, where the experience gap of the journey map counts too:

# %%
journeys = data.priorities("journey")
[explain(row) for row in journeys.iter_rows(named=True)]

# %% [markdown]
# The priorities view of the dashboard: change the weights, select items in the scatter, read why.

# %%
PrioritiesView(session=session)

# %% [markdown]
# ## Impact of an IT system
#
# Suppose the billing system is replaced. Which contact reasons run on it, which journeys pass through
# them, and how many customers and contacts are at stake? Each contact counts once, and NPS is computed
# over all affected responses.

# %%
hit = data.impact(systems=["billing-system"])
hit.totals

# %%
hit.reasons.select("label", "volume", "customers", "cost", "nps")

# %%
hit.journeys.select("journey_label", "state", "step_label", "reason")

# %%
ImpactExplorer(session=session, systems=["billing-system"])

# %% [markdown]
# ## Journey mining: actual against designed journeys
#
# Each customer's contacts, in time order, form their actual path. The **directly-follows graph** counts
# how often one reason follows another; **variants** are the distinct paths; **conformance** compares each
# customer's path with the designed sequence of a journey (fitness 1 = exactly as designed).

# %%
mined = data.mine("phase")
print(f"{mined.missing:,} contacts without a contact reason are left out of the mining")
mined.dfg.head(10)

# %%
variants(mined.ordered, activity="activity", top=5)

# %%
designed = data.model.designed_sequence("i-move-house")
moving = data.conformance("i-move-house")  # customers on the journey: half of its reasons or more
print(f"designed: {' → '.join(designed)}")
moving.summary

# %%
moving.per_step

# %% [markdown]
# The **process map** draws the actual paths as process-mining tools do: start on the left, end on the
# right, the most frequent steps (boxes, with how many customers reach them) and arrows (with how many
# customers take them; thicker and darker is more). `activities` and `arcs` add steps and arrows from the
# most frequent down.

# %%
import panel as pn

from workbench.analysis.process_map import filter_cases, process_map, variant_shares
from workbench.display.process_map import map_layout
from workbench.ui.process_map_figure import process_map_figure

phases = {k: p.label for k, p in data.model.phases.items()}
pn.pane.Bokeh(process_map_figure(map_layout(process_map(mined.ordered, activities=10, arcs=25), phases)))

# %% [markdown]
# Keep only some customers: those **with**, **without**, **starting** or **ending** at a step. Here the
# customers whose first contact asks for help, and the most frequent paths (variants) they take.

# %%
helped = filter_cases(mined.ordered, "getting-help", "starting")
variant_shares(helped, top=5).with_columns(pl.col("variant").list.eval(pl.element().replace(phases)))

# %% [markdown]
# The dashboard's *Actual journeys* page shows the same map with sliders, a click on a step to filter, the
# variants as bars, and conformance per designed step; the command line writes the map of any event log
# as a page that opens offline: `workbench mine LOG --html map.html`.

# %%
session.selection.journey = "i-move-house"
JourneyFlow(session=session)

# %% [markdown]
# ## The improvement agenda: what each opportunity is worth
#
# Opportunities (*"Clearer first bill"*) name the reasons, steps or journeys they concern. Each is valued
# from those reasons' data — contacts that could go, their cost, the repeats, the customers hit, the
# reasons' strategic weight — so the agenda is ranked on evidence, with each factor's share shown.

# %%
from workbench.analysis.value import explain_value

agenda = data.agenda()
agenda.select("rank", "title", "status", pl.col("value").round(0), pl.col("customer_value").round(0),
              pl.col("business_value").round(0), "effort", pl.col("eur_per_period").round(0))

# %%
for row in agenda.head(3).iter_rows(named=True):
    print(explain_value(row))

# %% [markdown]
# **What if?** Before building anything, put numbers on a solution: move 30% of the phone calls on the
# top opportunity's reasons to the app and cut repeats by a fifth. Volumes, costs and repeats follow; each
# journey shows what it gains.

# %%
from workbench.analysis.whatif import Scenario, Shift

top = agenda["id"][0] if agenda.height else next(iter(data.model.opportunities), None)
assert top is not None, "no opportunities yet: add them with `workbench opportunities WS --add FILE.yaml`"
scenario = Scenario(reasons=data.opportunity_reasons(top), shifts=(Shift("phone", "app", 0.3),), repeat_change=-0.2)
outcome = data.whatif(scenario)
outcome.total

# %%
outcome.by_journey

# %% [markdown]
# **After go-live: did it work?** Solutions with a go-live date are monitored: the months before and after,
# corrected for the season (the same months a year earlier) or against reasons it did not touch, and set
# against the effect that was expected.

# %%
for solution in data.model.solutions.values():
    if solution.go_live is None:
        continue
    check = data.check_effect(data.opportunity_reasons(solution.opportunity), solution.go_live,
                              expected=dict(solution.expected))
    volume = check.figures.row(by_predicate=pl.col("figure") == "volume", named=True)
    print(f"{solution.title} (live {solution.go_live}): volume {volume['effect']:+.0%} after correcting for "
          f"{check.method}; expected {volume['expected']:+.0%}" if volume["expected"] is not None else
          f"{solution.title}: volume {volume['effect']:+.0%} ({check.method})")

# %% [markdown]
# The agenda page of the dashboard: value against effort, the ranked list, the what-if and the monitoring.

# %%
AgendaView(session=session)

# %% [markdown]
# ## Outcome of this step

# %%
print(wbn.outcome(5, ws))

# %% [markdown]
# **Next:** step 6, *Publish* (`06_publish.ipynb`): share the result as a dashboard.
