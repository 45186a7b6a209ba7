"""Contact logs, surveys and event logs → LazyFrames in one canonical schema."""

from workbench.sources.canonical import CONTACT_SCHEMA, conform, empty_contacts
from workbench.sources.connectors import SourceError
from workbench.sources.crosswalk import IGNORE, Crosswalk
from workbench.sources.load import LoadResult, load_source, read_source
from workbench.sources.registry import (
    ContactsResult,
    add_source,
    contacts,
    get_crosswalk,
    list_sources,
    remove_source,
    set_crosswalk,
    set_mapping,
)
from workbench.sources.report import BadRow, LoadReport, SourceRejected
from workbench.sources.spec import SourceSpec, SpecError

__all__ = [
    "CONTACT_SCHEMA", "conform", "empty_contacts",
    "BadRow", "ContactsResult", "Crosswalk", "IGNORE", "LoadReport", "LoadResult", "SourceError",
    "SourceRejected", "SourceSpec", "SpecError", "add_source", "contacts", "get_crosswalk", "list_sources",
    "load_source", "read_source", "remove_source", "set_crosswalk", "set_mapping",
]
