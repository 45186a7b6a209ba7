"""The relational schema of a workspace store (SQLAlchemy Core), and its version."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

#: Bump when the tables change; an older store is migrated when opened (``store.migrate``), a newer one
#: refused with a clear message.
SCHEMA_VERSION = 2

metadata = MetaData()


def _id() -> Column:
    return Column("id", String(200), primary_key=True)


def _ref(name: str, target: str, nullable: bool = False) -> Column:
    return Column(name, String(200), ForeignKey(f"{target}.id"), nullable=nullable, index=True)


def _text(name: str) -> Column:
    return Column(name, Text, nullable=False, default="")


schema_info = Table("schema_info", metadata, Column("key", String(50), primary_key=True),
                    Column("value", Text, nullable=False))

workspace = Table(
    "workspace", metadata, Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False), Column("language", String(20), nullable=False),
    _text("description"), _text("voice_prefixes"),  # JSON list
    Column("revision", Integer, nullable=False),
)

stages = Table("stages", metadata, _id(), Column("position", Integer, nullable=False),
               Column("label", Text, nullable=False), _text("description"))
phases = Table("phases", metadata, _id(), Column("position", Integer, nullable=False),
               _ref("stage", "stages"), Column("label", Text, nullable=False), _text("description"))
reasons = Table("reasons", metadata, _id(), Column("position", Integer, nullable=False),
                _ref("phase", "phases"), Column("label", Text, nullable=False), _text("description"),
                _text("owner"), Column("strategic_weight", Float, nullable=False, default=1.0))
channels = Table("channels", metadata, _id(), Column("position", Integer, nullable=False),
                 Column("label", Text, nullable=False), Column("digital", Boolean, nullable=False))
def _json(name: str) -> Column:
    """A tuple of ids or pairs, kept as a JSON list."""
    return Column(name, Text, nullable=False, default="[]")


#: columns version 2 added to ``segments`` (life-stage attributes), for the migration from version 1
SEGMENT_ATTRIBUTES = ("needs_and_wants", "pain_points", "products", "money_spent", "share_of_base", "tenure",
                      "favourite_channels", "risks", "demographics", "extra")
segments = Table("segments", metadata, _id(), Column("position", Integer, nullable=False),
                 Column("label", Text, nullable=False), _text("description"),
                 _text("needs_and_wants"), _text("pain_points"), _text("products"),
                 Column("money_spent", Float, nullable=True), Column("share_of_base", Float, nullable=True),
                 _text("tenure"), _json("favourite_channels"), _text("risks"), _text("demographics"),
                 _json("extra"))
processes = Table("processes", metadata, _id(), Column("position", Integer, nullable=False),
                  Column("label", Text, nullable=False), _text("owner"), _text("description"))
systems = Table("systems", metadata, _id(), Column("position", Integer, nullable=False),
                Column("label", Text, nullable=False), _text("owner"), _text("description"))


def _reason_link(name: str, owner: str) -> Table:
    return Table(name, metadata, _ref(owner, f"{owner}es" if owner == "process" else f"{owner}s"),
                 _ref("reason", "reasons"), Column("position", Integer, nullable=False),
                 PrimaryKeyConstraint(owner, "reason"))


process_reasons = _reason_link("process_reasons", "process")
system_reasons = _reason_link("system_reasons", "system")

journeys = Table(
    "journeys", metadata, _id(), Column("position", Integer, nullable=False),
    Column("label", Text, nullable=False), Column("state", String(20), nullable=False),
    Column("counterpart", String(200), nullable=True), _ref("segment", "segments", nullable=True),
    _text("scope"), _text("owner"), _text("description"), Column("revision", Integer, nullable=False),
)
episodes = Table("episodes", metadata, _id(), _ref("journey", "journeys"),
                 Column("position", Integer, nullable=False), Column("label", Text, nullable=False),
                 _text("description"), Column("emotion", Integer, nullable=True))
steps = Table(
    "steps", metadata, _id(), _ref("journey", "journeys"), Column("position", Integer, nullable=False),
    Column("label", Text, nullable=False), _ref("episode", "episodes", nullable=True),
    _ref("channel", "channels", nullable=True), _text("touchpoint"), _text("need"),
    *(Column(c, Integer, nullable=True) for c in ("emotion", "target_emotion", "satisfaction",
                                                   "importance_to_customer", "importance_to_organisation")),
    Column("moment_of_truth", Boolean, nullable=False, default=False), _text("notes"),
    _ref("reason", "reasons", nullable=True),
)

layers = Table("layers", metadata, _id(), Column("position", Integer, nullable=False),
               Column("label", Text, nullable=False), _text("description"))
layer_items = Table("layer_items", metadata, _id(), Column("position", Integer, nullable=False),
                    _ref("layer", "layers"), Column("label", Text, nullable=False), _text("owner"),
                    _text("description"), _json("reasons"), _json("steps"))
insights = Table("insights", metadata, _id(), Column("position", Integer, nullable=False),
                 Column("kind", String(20), nullable=False), Column("title", Text, nullable=False), _text("text"),
                 Column("feedback", String(200), nullable=True), _json("steps"), _json("reasons"),
                 _json("journeys"), _text("owner"), Column("weight", Float, nullable=False, default=1.0))
opportunities = Table("opportunities", metadata, _id(), Column("position", Integer, nullable=False),
                      Column("title", Text, nullable=False), _text("description"),
                      Column("status", String(40), nullable=False), _text("type"), _text("owner"),
                      _json("reasons"), _json("steps"), _json("journeys"), Column("effort", Float, nullable=True),
                      _json("tags"), Column("parent", String(200), nullable=True))
solutions = Table("solutions", metadata, _id(), Column("position", Integer, nullable=False),
                  _ref("opportunity", "opportunities"), Column("title", Text, nullable=False),
                  Column("status", String(40), nullable=False), _text("owner"),
                  Column("go_live", Date, nullable=True), _json("expected"), _text("description"))

#: Workspace settings (priority weights, custom KPIs, declared dimensions …) as JSON documents.
settings = Table("settings", metadata, Column("key", String(200), primary_key=True),
                 Column("value", Text, nullable=False), Column("revision", Integer, nullable=False))

#: Declared data sources: where the data is and how its columns map to the canonical schema.
sources = Table("sources", metadata, _id(), Column("kind", String(50), nullable=False),
                Column("location", Text, nullable=False), Column("spec", Text, nullable=False))

#: Source reason code → contact reason id (or the literal 'ignore').
crosswalk = Table("crosswalk", metadata, Column("source_code", String(200), primary_key=True),
                  Column("target", String(200), nullable=False), _text("note"))

#: Model collection → table, in the order rows must be inserted (parents first).
ENTITY_TABLES: dict[str, Table] = {
    "stages": stages, "phases": phases, "reasons": reasons, "channels": channels, "segments": segments,
    "processes": processes, "systems": systems, "journeys": journeys, "episodes": episodes, "steps": steps,
    "layers": layers, "layer_items": layer_items, "insights": insights, "opportunities": opportunities,
    "solutions": solutions,
}
LINK_TABLES: dict[str, Table] = {"processes": process_reasons, "systems": system_reasons}
