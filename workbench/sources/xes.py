"""Read XES (IEEE 1849) event logs, plain or gzip-compressed, into a Polars frame.

Files in the plain layout that XES writers emit are tokenised in blocks with Polars
(:mod:`workbench.sources.xes_scan`, a few times faster than the XML parser); any other file is streamed
with :func:`xml.etree.ElementTree.iterparse`, each event and trace cleared once read. Both give the same
frame and the same errors; memory stays bounded by the output and one block of the file, not the XML tree.

What is read:

- ``case_id``: the trace attribute named by ``case`` (default ``concept:name``);
- ``event_index``: the event's position within its trace in file order (0-based);
- ``activity``: the event attribute named by ``activity`` (default ``concept:name``);
- ``timestamp``: the event attribute named by ``timestamp``, as ``Datetime("us", "UTC")``; values
  without a UTC offset are taken as UTC;
- ``lifecycle``: the event's ``lifecycle:transition``, null where absent;
- every requested attribute, as a string: ``"case:KEY"`` reads trace attribute ``KEY`` into column
  ``case:KEY``; any other ``KEY`` reads event attribute ``KEY`` into column ``KEY``; null where absent.

Log-level ``<global>`` default values are not applied: a trace or event without its case id, activity or
timestamp is an error, reported with the file and the trace/event position.
"""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import polars as pl

from workbench.sources.xes_scan import scan

_OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d)$")
_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%:z"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _open(path: Path):
    with open(path, "rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def read_xes(
    path: str | Path,
    *,
    case: str = "concept:name",
    activity: str = "concept:name",
    timestamp: str = "time:timestamp",
    attributes: list[str] | None = None,
) -> pl.DataFrame:
    """Read an XES event log into one row per event, in file order.

    Parameters
    ----------
    path
        A ``.xes`` file, gzip-compressed or not (detected from the content, not the name).
    case, activity, timestamp
        Attribute keys of the trace's case id, the event's activity and the event's timestamp.
    attributes
        Extra attributes to keep as strings: ``"case:KEY"`` for a trace attribute, ``"KEY"`` for an
        event attribute.

    Returns
    -------
    pl.DataFrame
        ``case_id, event_index, activity, timestamp, lifecycle`` and the requested attributes.

    Raises
    ------
    ValueError
        The file is not XML, not XES, or a trace/event lacks its case id, activity or timestamp, or has
        an unreadable timestamp; the message names the file and the trace and event position (1-based).
    """
    path = Path(path)
    attributes = list(attributes or [])
    trace_keys = {a: a.removeprefix("case:") for a in attributes if a.startswith("case:")}
    event_keys = [a for a in attributes if not a.startswith("case:")]
    try:
        with _open(path) as stream:
            scanned = scan(stream, [activity, timestamp, "lifecycle:transition", *event_keys, case,
                                    *trace_keys.values()])
        if scanned is None:
            with _open(path) as stream:
                columns, trace_of_row = _parse(stream, path, case, activity, timestamp, trace_keys, event_keys)
        else:
            columns, trace_of_row = _scanned_columns(scanned, path, case, activity, timestamp, trace_keys,
                                                     event_keys)
    except ET.ParseError as error:
        raise ValueError(f"{path}: not a well-formed XML file ({error})") from None
    except (OSError, EOFError, zlib.error) as error:  # e.g. a truncated or corrupt gzip stream
        raise ValueError(f"{path}: cannot be read as XES ({error})") from None

    frame = pl.DataFrame(
        columns,
        schema={"case_id": pl.String, "event_index": pl.UInt32, "activity": pl.String,
                "timestamp": pl.String, "lifecycle": pl.String, **dict.fromkeys(attributes, pl.String)},
    )
    return frame.with_columns(_parse_timestamps(frame["timestamp"], path, frame["event_index"], trace_of_row))


def _scanned_columns(scanned, path, case, activity, timestamp, trace_keys, event_keys):
    """The scan's events and traces as the output columns; the parser's errors for missing attributes."""
    events, traces = scanned
    missing_case = traces.filter(pl.col(case).is_null())["trace"]
    incomplete = events.filter(pl.col(activity).is_null() | pl.col(timestamp).is_null())
    first_case = missing_case[0] if len(missing_case) else None
    first_event = incomplete.row(0, named=True) if incomplete.height else None
    if first_case is not None and (first_event is None or first_case <= first_event["trace"]):
        raise ValueError(f"{path}: trace {first_case}: the trace has no '{case}' attribute")
    if first_event is not None:
        key = activity if first_event[activity] is None else timestamp
        case_id = traces.filter(pl.col("trace") == first_event["trace"])[case][0]
        raise ValueError(f"{path}: trace {first_event['trace']}, event {first_event['event_index'] + 1} "
                         f"(case {case_id!r}): the event has no '{key}' attribute")
    trace_columns = traces.select("trace", pl.col(case).alias("case_id"),
                                  *(pl.col(key).alias(column) for column, key in trace_keys.items()))
    joined = events.join(trace_columns, on="trace", how="left", maintain_order="left")
    columns = {"case_id": joined["case_id"], "event_index": joined["event_index"],
               "activity": joined[activity], "timestamp": joined[timestamp],
               "lifecycle": joined["lifecycle:transition"]}
    columns |= {key: joined[key] for key in event_keys} | {column: joined[column] for column in trace_keys}
    return columns, joined["trace"]


def _parse(stream, path: Path, case: str, activity: str, timestamp: str, trace_keys: dict[str, str],
           event_keys: list[str]) -> tuple[dict[str, list], list[int]]:
    """Stream the file with the XML parser: output columns as lists, and the trace number of each row."""
    columns: dict[str, list] = {
        name: [] for name in ("case_id", "event_index", "activity", "timestamp", "lifecycle",
                              *event_keys, *trace_keys)
    }
    trace_of_row: list[int] = []  # 1-based trace number of each row, for error messages
    n_traces = 0
    n_events = 0  # events of the trace being read
    missing: tuple[int, str] | None = None  # (event, key) of the first missing required attribute

    def where(event: int | None = None) -> str:
        return f"{path}: trace {n_traces + 1}" + ("" if event is None else f", event {event}")

    parser = ET.iterparse(stream, events=("start", "end"))
    _, root = next(parser)
    if _local(root.tag) != "log":
        raise ValueError(f"{path}: not an XES log (root element <{_local(root.tag)}>)")
    namespace = root.tag[: -len("log")]
    event_tag, trace_tag = namespace + "event", namespace + "trace"
    activities, stamps, lifecycles = columns["activity"], columns["timestamp"], columns["lifecycle"]
    for kind, elem in parser:
        if kind == "start":
            continue
        tag = elem.tag
        if tag == event_tag:
            values = {c.get("key"): c.get("value") for c in elem}
            elem.clear()
            n_events += 1
            name, stamp = values.get(activity), values.get(timestamp)
            if missing is None and (name is None or stamp is None):
                key = activity if name is None else timestamp
                missing = (n_events, key)
            activities.append(name)
            stamps.append(stamp)
            lifecycles.append(values.get("lifecycle:transition"))
            for key in event_keys:
                columns[key].append(values.get(key))
        elif tag == trace_tag:
            trace_attrs = {c.get("key"): c.get("value") for c in elem if c.tag != event_tag}
            case_id = trace_attrs.get(case)
            if case_id is None:
                raise ValueError(f"{where()}: the trace has no '{case}' attribute")
            if missing is not None:
                raise ValueError(f"{where(missing[0])} (case {case_id!r}): "
                                 f"the event has no '{missing[1]}' attribute")
            n_traces += 1
            columns["case_id"].extend([case_id] * n_events)
            columns["event_index"].extend(range(n_events))
            trace_of_row.extend([n_traces] * n_events)
            for column, key in trace_keys.items():
                columns[column].extend([trace_attrs.get(key)] * n_events)
            n_events = 0
            elem.clear()
            root.remove(elem)
    if n_events:
        raise ValueError(f"{path}: {n_events} event(s) outside any <trace> before the end of the log")
    return columns, trace_of_row


def _parse_timestamps(raw: pl.Series, path: Path, event_index: pl.Series,
                      trace_of_row: list[int] | pl.Series) -> pl.Series:
    """xs:dateTime strings → Datetime(us, UTC); a value without offset is UTC; failures raise."""
    parsed = raw.str.to_datetime(_FORMAT, time_zone="UTC", time_unit="us", strict=False)
    if not parsed.null_count():  # the usual form, with a ±hh:mm offset: read as it is
        return parsed.alias("timestamp")
    text = raw.str.strip_chars().str.replace(r"Z$", "+00:00")
    text = pl.select(
        pl.when(text.str.contains(_OFFSET.pattern)).then(text).otherwise(text + "+00:00")
    ).to_series()
    parsed = pl.select(pl.coalesce(
        text.str.to_datetime(_FORMAT, time_zone="UTC", time_unit="us", strict=False),
        text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", time_zone="UTC", time_unit="us", strict=False),
    )).to_series()
    bad = parsed.is_null().arg_true()
    if len(bad):
        first = bad[0]
        raise ValueError(f"{path}: trace {trace_of_row[first]}, event {event_index[first] + 1}: "
                         f"unreadable timestamp {raw[first]!r} ({len(bad)} unreadable in all)")
    return parsed.alias("timestamp")
