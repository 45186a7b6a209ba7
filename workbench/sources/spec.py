"""A data source declared once by the user: where the data is and how its columns map to the canonical schema.

A :class:`SourceSpec` round-trips through a JSON-safe dict (``to_dict`` / ``from_dict``); the registry
stores it in the ``sources`` table.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workbench.errors import InputError
from workbench.model import SLUG, did_you_mean, slugify
from workbench.sources.canonical import CONTACT_SCHEMA

KINDS = ("csv", "parquet", "excel", "xes", "sql", "spark")
CONTENTS = ("contacts", "survey", "customers")
BAD_ROW_POLICIES = ("reject", "quarantine")
#: Options each kind understands (anything else is refused, so a typo does not go unnoticed).
OPTIONS: dict[str, tuple[str, ...]] = {
    "csv": ("separator", "encoding", "decimal_comma", "quote_char", "channel_map"),
    "parquet": ("channel_map",),
    "excel": ("sheet", "channel_map"),
    "xes": ("customer", "channel", "channel_map"),
    "sql": ("table", "query", "schema", "channel_map", "pushdown"),
    "spark": ("table", "query", "channel_map"),  # the cube is always computed on the Spark session
}
#: Kinds whose location is no file (a SQLAlchemy URL, a Spark master or Spark Connect URL).
REMOTE_KINDS = ("sql", "spark")
#: What an XES log offers without any mapping: its case is the customer, its activity the source code.
XES_DEFAULT_MAPPING = {"customer_id": "case_id", "timestamp": "timestamp", "source_code": "activity"}


class SpecError(InputError):
    """A source specification is incomplete or inconsistent."""


@dataclass(frozen=True)
class SourceSpec:
    """Where a source is and how its columns become canonical contact columns.

    Parameters
    ----------
    id
        A slug naming the source (``"callcentre-2026"``).
    kind
        ``csv``, ``parquet``, ``excel``, ``xes`` or ``sql``.
    location
        A file, a folder, a glob (``data/*.parquet``); for ``sql`` a SQLAlchemy URL; for ``spark`` a master
        (``local[2]``, ``spark://host:7077``) or a Spark Connect URL (``sc://host:15002``).
    mapping
        Canonical column → source column, e.g. ``{"customer_id": "KlantNr", "timestamp": "Datum"}``.
        An extra dimension may be mapped too (``{"brand": "Merk"}``) to rename it. A canonical column
        left out maps itself to a source column of its name or a usual alias
        (:mod:`~workbench.sources.automap`); the required ones (customer_id, timestamp, channel,
        source_code) must be found so, mapped, or given a constant when the source is loaded.
    constants
        Values for canonical columns the source lacks, e.g. ``{"channel": "phone"}``.
    timestamp_format
        A strptime format for text timestamps (``"%d-%m-%Y %H:%M"``), or ``None`` for ISO 8601.
    timezone
        The time zone of timestamps written without an offset (converted to UTC).
    options
        Per kind: csv ``separator`` and ``encoding`` (both detected when left out; e.g. ``";"``,
        ``"tab"``, ``"cp1252"``), ``decimal_comma``, ``quote_char``;
        excel ``sheet``; sql ``table`` (and ``schema``) or ``query``, and ``pushdown`` (compute the KPI
        cube in the database: ``workbench.metrics.pushdown``); spark ``table`` or ``query``; xes
        ``customer`` / ``channel`` (the attribute holding them; ``"case:KEY"`` for a trace attribute).
        Every kind: ``channel_map`` (source channel value → channel id).
    extra_dimensions
        Further columns to keep (brand, country …), by output name.
    on_bad_rows
        ``"reject"``: any bad row stops the load; ``"quarantine"``: bad rows are set aside in a file.
    content
        ``"contacts"``, ``"survey"`` (a survey needs at least one of nps, ces, csat) or ``"customers"`` (a
        customers table: see :mod:`workbench.sources.customers`).
    """

    id: str
    kind: Literal["csv", "parquet", "excel", "xes", "sql", "spark"]
    location: str
    mapping: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    timestamp_format: str | None = None
    timezone: str = "UTC"
    options: dict[str, Any] = field(default_factory=dict)
    extra_dimensions: tuple[str, ...] = ()
    on_bad_rows: Literal["reject", "quarantine"] = "reject"
    content: Literal["contacts", "survey", "customers"] = "contacts"

    def __post_init__(self):
        object.__setattr__(self, "extra_dimensions", tuple(self.extra_dimensions))
        if problems := self.problems():
            raise SpecError(f"source '{self.id}': " + "; ".join(problems))

    # -- derived --------------------------------------------------------------------------------
    @property
    def effective_mapping(self) -> dict[str, str]:
        """The mapping with a kind's defaults filled in (XES: case → customer, activity → code)."""
        if self.kind != "xes":
            return dict(self.mapping)
        out = {k: v for k, v in XES_DEFAULT_MAPPING.items() if k not in self.constants}
        for option, column in (("customer", "customer_id"), ("channel", "channel")):
            if self.options.get(option):
                out[column] = self.options[option]
        return {**out, **self.mapping}

    def source_column(self, name: str) -> str:
        """The source column that holds output column ``name`` (itself if not mapped)."""
        return self.effective_mapping.get(name, name)

    # -- validation -----------------------------------------------------------------------------
    def problems(self) -> list[str]:
        """Everything wrong with this spec; empty if it can be loaded."""
        out: list[str] = []
        if not SLUG.match(self.id or ""):
            out.append(f"id must be a lowercase slug like '{slugify(self.id or 'source')}'")
        if self.kind not in KINDS:
            out.append(f"kind '{self.kind}' is not one of {', '.join(KINDS)}{did_you_mean(self.kind, KINDS)}")
        if self.content not in CONTENTS:
            out.append(f"content '{self.content}' is not one of {', '.join(CONTENTS)}")
        if self.on_bad_rows not in BAD_ROW_POLICIES:
            out.append(f"on_bad_rows '{self.on_bad_rows}' is not one of {', '.join(BAD_ROW_POLICIES)}")
        if not self.location:
            out.append("location is empty")
        known = [*CONTACT_SCHEMA, *self.extra_dimensions]
        for column in [*self.mapping, *self.constants]:
            if column not in known:
                out.append(f"'{column}' is neither a canonical column nor a declared extra dimension"
                           f"{did_you_mean(column, known)}")
        if "reason" in self.mapping or "reason" in self.constants:
            out.append("'reason' comes from the crosswalk: map the source's own code to 'source_code'")
        for column in set(self.mapping) & set(self.constants):
            out.append(f"'{column}' is both mapped and given a constant; choose one")
        for column in set(self.extra_dimensions) & set(CONTACT_SCHEMA):
            out.append(f"extra dimension '{column}' is a canonical column; map it instead")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            out.append(f"timezone '{self.timezone}' is not an IANA time zone (like 'Europe/Amsterdam')")
        allowed = OPTIONS.get(self.kind, ())
        for option in self.options:
            if option not in allowed:
                out.append(f"option '{option}' does not apply to {self.kind} sources"
                           f"{did_you_mean(option, allowed)}")
        if self.kind in REMOTE_KINDS and bool(self.options.get("table")) == bool(self.options.get("query")):
            out.append(f"a {self.kind} source needs exactly one of the options 'table' or 'query'")
        return out

    # -- JSON -----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict; ``SourceSpec.from_dict(spec.to_dict()) == spec``."""
        out = asdict(self)
        out["extra_dimensions"] = list(self.extra_dimensions)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceSpec:
        """Build a spec from a dict (as stored, or typed by a user); unknown keys are refused."""
        names = list(cls.__dataclass_fields__)
        unknown = [k for k in data if k not in names]
        if unknown:
            raise SpecError(f"source '{data.get('id')}': unknown field(s) "
                            + ", ".join(f"'{k}'{did_you_mean(k, names)}" for k in unknown))
        missing = [k for k in ("id", "kind", "location") if k not in data]
        if missing:
            raise SpecError(f"source '{data.get('id')}': missing field(s) {', '.join(missing)}")
        if cls is SourceSpec and data.get("content") == "feedback":  # a feedback source (sources/feedback.py)
            from workbench.sources.feedback import FeedbackSpec

            return FeedbackSpec(**data)
        return cls(**data)


def in_workspace(spec: SourceSpec, workspace_dir: str | Path | None) -> SourceSpec:
    """``spec`` with a relative file location made relative to the workspace folder (remote kinds as is)."""
    if workspace_dir is None or spec.kind in REMOTE_KINDS or Path(spec.location).expanduser().is_absolute():
        return spec
    return replace(spec, location=str(Path(workspace_dir) / spec.location))
