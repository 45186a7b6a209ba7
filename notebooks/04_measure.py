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
# # Step 4 — Measure: data per contact reason
#
# **What this step is for.** Because every journey hangs on the same contact reasons, data is kept in
# one place: **per reason**. How many customers contact you for it, in which channels, how many
# complaints, what it costs, how satisfied customers are (NPS, CES, CSAT), which back-office processes
# and IT systems sit underneath.
#
# **What goes in:** your contact logs and survey results (CSV, Parquet, Excel, XES event logs or a
# database table), with your organisation's *own* reason codes. A **crosswalk** translates each code into
# one contact reason. **What comes out:** KPIs by reason, phase, stage, journey, channel, segment and
# period, computed from the individual contacts.
#
# To measure your own data, set `DATA_SOURCE` below to your contact file. It needs at least the columns
# `customer_id`, `timestamp`, `channel` and `source_code` (your reason code); `segment`, `cost`,
# `handling_seconds`, `complaint`, `resolved`, `nps`, `ces` and `csat` are used when present. Columns
# with other names can be mapped: see `wbn.add_contact_file`. `None` uses the demo's generated data.

# %% tags=["parameters"]
WORKSPACE = "../demo-workspace"
EVENTS = 200_000  # contacts generated if the demo workspace must be built first
DATA_SOURCE = None  # a path to your own contact file (.csv, .parquet, .xlsx, .xes); None = the demo's data

# %%
import polars as pl

import workbench.notebook as wbn
from workbench.metrics import CATALOGUE
from workbench.metrics.labels import with_labels
from workbench.sources import get_crosswalk, list_sources
from workbench.ui.kpi_table import KpiTable
from workbench.ui.notebook import open_session
from workbench.ui.reason_detail import ReasonDetail

ws = wbn.setup(WORKSPACE, EVENTS)
if DATA_SOURCE:
    print(wbn.add_contact_file(ws, DATA_SOURCE))

# %% [markdown]
# ## Sources
#
# A source is declared once — where the data is and which of its columns is which — and read again
# whenever the figures are computed, so new data shows up without a new import. Loading a source counts
# every row: kept, bad (set aside in the workspace's `quarantine` folder with the problem of each row),
# ignored (codes marked as no customer contact, such as test calls) and unmapped.

# %%
pl.DataFrame([(s.id, s.kind, s.location, s.on_bad_rows) for s in list_sources(ws.store)],
             schema=["source", "kind", "location", "bad rows"], orient="row")

# %%
loaded = ws.contacts()
print(loaded.report)

# %% [markdown]
# ## The crosswalk
#
# Each of your reason codes maps to one contact reason, or to `ignore`. A code that is not in the
# crosswalk is **unmapped**: its contacts are kept, without a reason, and listed by volume so you map the
# biggest first (in a terminal: `workbench crosswalk WORKSPACE --set CODE=reason-id`, or edit the sheet
# from `workbench crosswalk WORKSPACE --export crosswalk.xlsx` and import it again).

# %%
crosswalk = get_crosswalk(ws.store)
crosswalk.to_frame().head(10)

# %%
pl.concat([r.unmapped for r in loaded.reports.values()]).sort("contacts", descending=True)

# %% [markdown]
# ## The KPIs and what they mean
#
# Some KPIs add up (volume, cost, complaints); most do not (customers, rates, NPS, CES, CSAT). The
# workbench never averages a KPI that does not add up: **NPS is recomputed from the individual
# responses** at every level (% promoters 9–10 minus % detractors 0–6), never an average of reason NPS.
# CES is the mean on 1–7, CSAT the share of 4–5 answers, a repeat contact is the same customer on the same
# reason again within 7 days, first-contact resolution is one minus the repeat rate.

# %%
pl.DataFrame([(k.id, k.label, k.unit, k.additive, k.description) for k in CATALOGUE.values()],
             schema=["kpi", "label", "unit", "adds up", "meaning"], orient="row")

# %%
data = ws.dataset()  # every figure of the workspace, computed once and remembered
by_reason = data.measure(["reason"], ["volume", "nps"]).drop_nulls("reason")
total = data.measure([], ["volume", "nps"])
print(f"NPS of all responses: {total['nps'][0]:+.1f}; "
      f"the average of the {by_reason.height} reasons' NPS would say {by_reason['nps'].mean():+.1f} (wrong)")

# %% [markdown]
# ## KPIs by stage, journey and channel

# %%
with_labels(data.measure(["stage"], ["volume", "customers", "cost", "nps", "repeat_rate"]), data.model)

# %% [markdown]
# **Journeys overlap.** A contact on a reason counts toward *every* journey that has a step linked to that
# reason: a call to change one's details belongs to *I move house* and to *I separate from my partner*.
# So the journeys' volumes add up to more than all contacts, and that is correct: each journey shows
# every contact that touches it. (Contacts on reasons no journey uses form the empty journey row.)

# %%
by_journey = with_labels(data.measure(["journey"], ["volume", "customers", "nps"]), data.model)
print(f"sum over journeys: {by_journey['volume'].sum():,} contacts; all contacts: {total['volume'][0]:,}")
by_journey

# %%
with_labels(data.measure(["channel"], ["volume", "share", "cost_per_contact", "aht", "nps"]), data.model)

# %% [markdown]
# ## The KPI table and one reason in detail
#
# The KPI table of the dashboard's *Measure* page: every KPI by the level you choose, with downloads.
# Below it, everything known about the busiest contact reason: where it sits, its figures, trend,
# channels, segments and the journey steps linked to it.

# %%
session = open_session(ws)
KpiTable(session=session)

# %%
session.selection.reason = by_reason.sort("volume", descending=True)["reason"][0]
ReasonDetail(session=session)

# %% [markdown]
# ## Customers and money
#
# Contact data says what customers contact you for; the **customers table** (a source with
# `content="customers"`: who, since when, what they pay, when they left) says what it is worth. Churn rate,
# MRR, ARPU and customer lifetime value (ARPU × margin ÷ monthly churn) are computed per month, by segment
# if you like; the home page shows them beside the contact KPIs.

# %%
finance = data.customer_kpis(by=["segment"])
if finance is None:
    print("no customers table: declare one with `workbench sources add WS … --content customers`")
else:
    display(finance.filter(pl.col("period") == finance["period"].max()).select(
        "segment", "active", "new", "churned", pl.col("churn_rate").round(4), pl.col("mrr").round(0),
        pl.col("arpu").round(2), pl.col("clv").round(0)))

# %% [markdown]
# **Metrics from elsewhere** — a survey tool's NPS by stage, a finance figure per journey — are imported
# once (`workbench metrics-import WS FILE`, TheyDo's metrics JSON or a long CSV / Excel) and rolled up
# from their parts (promoters, passives, detractors), never by averaging scores:

# %%
survey = data.external("stage")
survey.group_by("title").agg(pl.col("period").max().alias("latest"), pl.col("n").sum().alias("responses"),
                             ((pl.col("promoters").sum() - pl.col("detractors").sum()) / pl.col("n").sum() * 100)
                             .round(1).alias("nps_all_months")).sort("title")

# %% [markdown]
# ## What customers say: the listening path
#
# Contact logs say what customers *do*; their comments — survey verbatims, complaints, reviews, chat
# transcripts — say what they *think*. A feedback source is declared like a contact source
# (`workbench feedback add WORKSPACE …`) and every comment is tagged to a contact reason by the workspace's
# text model, trained on what it knows: the reasons' labels and descriptions, the journey steps linked to
# them, your keywords and every tag a person confirmed. So what customers say lands on the same reasons as
# what they do, and the two can be read side by side.
#
# For a journey, phase by phase (or episode by episode, `by="episode"`): the overall experience from the
# comments' own scores (NPS, CSAT, CES, each with its number of answers: below 30 read it as an anecdote),
# the key customer feedback (the top themes with their words and three verbatims each), the key reasons to
# contact from the logs, and the insights the team recorded.

# %%
from workbench.display.listening import path_table
from workbench.ui.listening import ListeningPath
from workbench.ui.review_queue import ReviewQueue

journey = next(iter(data.model.journeys))
print(f"{data.feedback().height:,} comments; the listening path of “{data.model.journey_title(journey)}”:")
path = data.listening_path(journey, by="phase")
path_table(path)

# %% [markdown]
# One contact reason's comments month by month (the most confident verbatims of each month):

# %%
themes = data.themes()
reason = themes["reason"][0] if themes.height else by_reason.sort("volume", descending=True)["reason"][0]
data.reason_verbatims(reason).tail(4)

# %% [markdown]
# The dashboard's *Measure → Listening path* page, and the **review queue** where editors confirm the tags the
# model is least sure about (accept its guess, pick another reason, or mark a comment as about no contact
# reason). Each confirmation is stored and trains the model: the next similar comment is tagged better.
# Here the queue is read-only (`open_session(ws, can_edit=True)` lets you confirm).

# %%
ListeningPath(session=session)

# %%
ReviewQueue(session=session, size=5)

# %% [markdown]
# ## Outcome of this step
#
# The step is done when almost every contact lands on a contact reason (map the biggest unmapped codes)
# and the reasons you care about have data.

# %%
print(wbn.outcome(4, ws))

# %% [markdown]
# **Next:** step 5, *Prioritise* (`05_prioritise.ipynb`): decide what to tackle first.
