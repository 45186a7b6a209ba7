"""The layout of the workshop journey sheet: its name and columns, shared by its reader and its writer."""

from __future__ import annotations

from workbench.interchange.validate import Field

SHEET = "Journey steps"
T, R = "text", "ref"
WORKSHOP_FIELDS = [
    Field("journey", T, True), Field("episode", T), Field("step", T, True), Field("channel", R),
    Field("touchpoint", T), Field("need", T), Field("emotion", "emotion"), Field("target_emotion", "emotion"),
    Field("satisfaction", "score"), Field("importance_to_customer", "score"),
    Field("importance_to_organisation", "score"), Field("moment_of_truth", "bool"), Field("notes", T),
    Field("reason", R),
]
COLUMNS = [f.name for f in WORKSHOP_FIELDS]
