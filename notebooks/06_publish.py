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
# # Step 6 — Publish: the dashboard
#
# **What this step is for.** Share the result with colleagues who do not work in notebooks, and keep it
# current. The dashboard has a page per step: the life cycle map and model editor, journeys, links, KPIs,
# priorities with impact and actual journeys, and downloads — with filters for period, segment and channel.
#
# **What goes in:** the workspace of steps 1–5. **What comes out:** a dashboard in the browser, served to
# your team with sign-in and roles (editors change the model, viewers only look), or a static HTML
# snapshot that opens without a server.
#
# This notebook is itself an app: `panel serve 06_publish.ipynb`, run in the `notebooks` folder, serves
# the dashboard built in it (read-only). From elsewhere, say where the workspace is:
# `WORKBENCH_WORKSPACE=demo-workspace panel serve notebooks/06_publish.ipynb`.

# %% tags=["parameters"]
import os

WORKSPACE = os.environ.get("WORKBENCH_WORKSPACE", "../demo-workspace")
EVENTS = 200_000  # contacts generated if the demo workspace must be built first

# %%
import panel as pn

import workbench.notebook as wbn
from workbench.app import build_app
from workbench.ui.notebook import setup_panel

setup_panel()  # Panel's JavaScript inlined: the dashboard below works without internet
ws = wbn.setup(WORKSPACE, EVENTS)

# %% [markdown]
# ## The dashboard
#
# In this notebook you may edit (it is your own machine); served with `panel serve` it is read-only.
# The last line below also makes it servable.

# %%
app = build_app(ws, can_edit=not pn.state.served)
app.servable()

# %% [markdown]
# ## Sharing it
#
# - **On your own machine:** `workbench serve WORKSPACE` opens the dashboard at http://localhost:5006,
#   read-only; add `--allow-edit` to edit it yourself.
# - **For a team:** make a users file with roles, then serve it on the network. Passwords are stored as
#   salted hashes; editors change the model, viewers only look; every change is saved in the workspace and
#   two editors changing the same thing get a conflict message instead of overwriting each other.
#
#   ```bash
#   workbench users add users.yaml anna --role editor
#   workbench users add users.yaml ben --role viewer
#   workbench serve WORKSPACE --users users.yaml --address 0.0.0.0
#   ```
#   Sign-in through your organisation's OAuth provider works too (`--oauth-provider`, `--editor`).
# - **For readers without access:** `workbench export WORKSPACE --html snapshot.html` writes one
#   self-contained page (no server, no internet needed) of the main views, as they are now.
# - **For many users:** keep the workspace in PostgreSQL (`workbench new PATH --template telecom --db
#   postgresql+psycopg://…`) and run several `workbench serve` processes behind a proxy, with the same
#   `--cookie-secret`.
# - **Keeping it current:** sources are read again when the dashboard starts, so new contact files in a
#   source's folder show up after a restart.
#
# The snapshot, written from here into the workspace folder:

# %%
if not pn.state.served:
    from workbench.snapshot import write_snapshot

    snapshot = write_snapshot(ws, ws.path / "snapshot.html")
    print(f"snapshot: {snapshot} ({snapshot.stat().st_size / 1e6:.1f} MB)")

# %% [markdown]
# ## Outcome of this step
#
# Ready to publish when the model has no rule errors, every journey step is linked and the contacts land
# on contact reasons.

# %%
print(wbn.outcome(6, ws))

# %% [markdown]
# **That is the method.** Go back to any step when the model, the journeys or the data change: the
# dashboard follows the workspace.
