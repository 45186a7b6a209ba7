"""Fast path of the XES reader: the plain layout that XES writers emit, tokenised with Polars' CSV reader.

After the header (everything before the first ``<trace``, parsed with the XML parser), an XES file is
a run of tags such as ``<event>``, ``</trace>`` and ``<string key="K" value="V"/>``. Cut at every ``>``
and split at every ``"``, each tag is one CSV row of at most five fields (tag, key, ``value=``, value,
tail), which Polars reads in parallel; the few distinct tag texts are then checked with a regular
expression in Python, once each.

The scan accepts a file only if every tag has that form: names without a prefix, attributes ``key``
then ``value`` (double quotes), no text, comments, CDATA or processing instructions between the tags,
entity references among the five predefined ones, tags properly nested, and ``</log>`` last. It then
gives exactly what the XML parser gives; on any other file it returns ``None`` and
:func:`workbench.sources.xes.read_xes` parses the file with the XML parser instead.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from xml.parsers import expat

import polars as pl

from workbench.errors import InputError

BLOCK = 1 << 25  # decompressed bytes tokenised at a time: memory stays bounded on large logs
OPEN, CLOSE, EMPTY, KEYTAG, VALUE, BAD = 0, 1, 2, 3, 4, 5  # tag classes (KEYTAG: '<name key=')
_WS = "[ \t\r\n]"
_TAG = re.compile(rf"{_WS}*<(/?)([A-Za-z_][A-Za-z0-9_.\-]*)(?:({_WS}+key{_WS}*={_WS}*)|{_WS}*(/?))")
_VALUE = re.compile(rf"{_WS}+value{_WS}*={_WS}*")
_TAIL = re.compile(rf"{_WS}*(/?)")
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_REFERENCE = re.compile(r"&(?:amp|lt|gt|quot|apos);")
_ODD_VALUE = "[<\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x{FFFE}\\x{FFFF}]"  # never in a value of a well-formed file
_ODD_TEXT = re.compile("[<\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
END = "\x01"  # a character XML forbids: appended to every tag as one more field
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


class Rejected(InputError):
    """The file is not in the plain layout: read it with the XML parser (caught in :func:`scan`)."""


@dataclass
class _Codes:
    """Classes of the distinct field texts, each worked out once for the whole file."""

    keys: list[str]  # attribute keys to keep; a row's ``want`` is an index into this list
    names: dict[str, int] = field(default_factory=dict)
    tags: dict[str, tuple[int, int]] = field(default_factory=dict)  # text → (class, name id)
    tails: dict[str, tuple[int]] = field(default_factory=dict)  # text → (class,)
    wanted: dict[str, tuple[int | None]] = field(default_factory=dict)  # text → (key index,)

    def name_id(self, name: str) -> int:
        return self.names.setdefault(name, len(self.names))

    @staticmethod
    def lookup(column: pl.Series, table: dict, classify, width: int = 1) -> list[pl.Series]:
        """Per-row classes (``width`` of them) of a Categorical column; each new text classified once."""
        distinct = column.unique().drop_nulls()
        by_code: dict[int, tuple] = {}
        for code, text in zip(distinct.to_physical().to_list(), distinct.cast(pl.String).to_list(),
                              strict=True):
            if text not in table:
                table[text] = classify(text)
            by_code[code] = table[text]
        rows = [by_code.get(code, (None,) * width) for code in range(max(by_code, default=0) + 1)]
        physical = column.to_physical()
        return [pl.Series([row[i] for row in rows], dtype=pl.Int32).gather(physical)
                for i in range(width)]


def scan(stream, keys: list[str]) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """Tokenise an XES byte stream; ``None`` when it is not in the plain layout.

    Returns ``(events, traces)``: ``events`` has ``trace`` (1-based number), ``event_index`` and one
    column per key of ``keys`` (the value of the event's last attribute with that key, null if none);
    ``traces`` has ``trace`` and one column per key (the trace's attributes).
    """
    codes = _Codes(list(dict.fromkeys(keys)))
    with ThreadPoolExecutor(1) as reader:  # the next block is decompressed while this one is scanned
        blocks = _blocks(stream, reader)
        head = b""
        while (start := head.find(b"<trace")) < 0:
            block = next(blocks)
            if not block:
                return None
            head += block
        try:
            if not _header_is_plain(head[:start]):
                return None
            tokens, depth, data = [], 1, head[start:]
            del head
            while True:
                block = next(blocks)
                data += block
                cut = data.rfind(b">") + 1
                if cut:
                    part, depth = _tokens(data[:cut], depth, codes)
                    tokens.append(part)
                    data = data[cut:]
                if not block:
                    break
            if data.strip(b" \t\r\n") or not tokens:
                return None
            return _assemble(pl.concat(tokens), codes)
        except Rejected:
            return None


def _blocks(stream, reader: ThreadPoolExecutor):
    """Blocks of ``stream`` (``b""`` at the end), each read ahead in ``reader`` while the last is used."""
    pending = reader.submit(stream.read, BLOCK)
    while True:
        block = pending.result()
        if block:
            pending = reader.submit(stream.read, BLOCK)
        yield block


def _header_is_plain(header: bytes) -> bool:
    """The header parses as XML, is UTF-8 without a DTD and leaves just an unprefixed ``<log>`` open."""
    declared = _ENCODING.match(header)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8") or b"<!DOCTYPE" in header:
        return False  # another encoding, or a DTD (its defaults could add attributes)
    names: list[str] = []
    depth = [0]

    def start(name, _attributes):
        names.append(name)
        depth[0] += 1

    def end(_name):
        depth[0] -= 1

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        parser.Parse(header, False)
    except expat.ExpatError:
        return False
    return (bool(names) and names[0].rpartition("}")[2] == "log" and depth[0] == 1
            and re.search(rb"<log[ \t\r\n>]", header) is not None)


def _tokens(data: bytes, depth: int, codes: _Codes) -> tuple[pl.DataFrame, int]:
    """One block of whole tags → its open/close tags and kept attributes; raises ``Rejected``."""
    if END.encode() in data:
        raise Rejected
    cat = pl.Categorical(pl.Categories.random())  # the codes of this block only
    schema = {"tag": cat, "key": cat, "eq": cat, "value": pl.String, "tail": cat, "end": cat}
    try:  # each tag ends with an extra field END, so its place tells the number of quotes
        rows = pl.read_csv((b'"""">' + data).replace(b">", f'"{END}>'.encode()), has_header=False,
                           separator='"', eol_char=">", quote_char=None, schema=schema).slice(1)
    except pl.exceptions.PolarsError:  # more than four quotes in a tag, or not UTF-8
        raise Rejected from None
    if rows.height != data.count(b">"):
        raise Rejected  # a '>' in text or in a value
    tag, name = codes.lookup(rows["tag"], codes.tags, lambda text: _tag_class(text, codes), 2)
    (eq,) = codes.lookup(rows["eq"], codes.tails, _tail_class)
    (tail,) = codes.lookup(rows["tail"], codes.tails, _tail_class)
    want, key_end = codes.lookup(rows["key"], codes.wanted, lambda text: _key_class(text, codes.keys), 2)
    frame = pl.DataFrame({"tag": tag, "name": name, "eq": eq, "tail": tail, "want": want,
                          "no_key": rows["key"].is_null(), "value": rows["value"],
                          "key_end": key_end.fill_null(0) == 1, "end": rows["end"].is_not_null()})
    values = pl.col("value")
    odd, ampersand = frame.select((values.str.contains(_ODD_VALUE) & (values != END)).any().alias("odd"),
                                  values.str.contains("&", literal=True).any().alias("amp")).row(0)
    if odd or (ampersand and frame.select(
            values.str.replace_all(_REFERENCE.pattern, "").str.contains("&", literal=True).any()).item()):
        raise Rejected  # '<', a control character, U+FFFE/U+FFFF or an unknown reference in a value
    quotes = (pl.when(pl.col("tag") != KEYTAG).then(0).when(pl.col("eq") == VALUE).then(4).otherwise(2))
    kind = (  # the extra field END must be where the tag's class puts it
        pl.when((pl.col("quotes") == 0) & pl.col("key_end")).then(pl.col("tag"))
        .when((pl.col("quotes") == 2) & (pl.col("value") == END).fill_null(False))
        .then(pl.col("eq").fill_null(OPEN))
        .when((pl.col("quotes") == 4) & pl.col("end")).then(pl.col("tail").fill_null(OPEN))
        .otherwise(BAD)
    )
    delta = pl.when(pl.col("kind") == OPEN).then(1).when(pl.col("kind") == CLOSE).then(-1).otherwise(0)
    trace, event = codes.name_id("trace"), codes.name_id("event")
    unit = pl.col("name").is_in([trace, event])
    has_key = pl.col("quotes") > 0
    placed = (
        frame.lazy().with_columns(quotes.alias("quotes")).with_columns(kind.alias("kind"))
        .with_columns((depth + delta.cum_sum()).alias("after"))
        .with_columns((pl.col("after") - (pl.col("kind") == OPEN)).alias("level"),
                      pl.when(has_key).then(pl.when(pl.col("no_key")).then(_key_index("", codes.keys))
                                            .otherwise("want")).alias("want"))
    )
    checks = placed.select(
        (~pl.col("kind").is_in([OPEN, CLOSE, EMPTY])  # not a tag of the plain layout
         | (pl.col("after").shift(1) < 1)  # something after the root's end
         | (unit & (pl.col("kind") == EMPTY))  # <trace/> or <event/>
         | ((pl.col("name") == trace) & (pl.col("level") != 1))
         | ((pl.col("name") == event) & (pl.col("level") != 2))).any().alias("bad"),
        pl.col("after").last().alias("depth"),
    )
    kept = placed.filter(
        (pl.col("kind") != EMPTY) | (pl.col("want").is_not_null() & pl.col("level").is_in([2, 3]))
    ).select("kind", "name", pl.col("level").cast(pl.Int32), "want",
             pl.when(pl.col("quotes") == 4).then(pl.col("value").fill_null("")).alias("value"))
    checks, kept = pl.collect_all([checks, kept])
    bad, after = checks.row(0)
    if bad or (frame.height and depth < 1):
        raise Rejected
    if kept["value"].str.contains("[\t\n\r&]").any():
        kept = kept.with_columns(_normalised_expr(pl.col("value")))
    return kept, after


def _assemble(tokens: pl.DataFrame, codes: _Codes) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check the nesting, then give each event and trace its attributes (the last one of a key wins)."""
    names = codes.names
    kind, name, level = pl.col("kind"), pl.col("name"), pl.col("level")
    last = tokens.tail(1).row(0, named=True)
    if (last["kind"], last["level"], last["name"]) != (CLOSE, 0, names.get("log")):
        raise Rejected
    # sorted stably by level, every open tag must be followed by its close tag and the reverse
    tags = tokens.head(-1).filter(kind != EMPTY).select("kind", "name", "level").sort("level", maintain_order=True)
    follows = (level.shift(-1) == level) & (name.shift(-1) == name) & (kind.shift(-1) == CLOSE)
    precedes = (level.shift(1) == level) & (name.shift(1) == name) & (kind.shift(1) == OPEN)
    if tags.select(((kind == OPEN) & ~follows.fill_null(False))
                   | ((kind == CLOSE) & ~precedes.fill_null(False))).to_series().any():
        raise Rejected
    trace, event = names["trace"], names["event"]
    placed = tokens.with_columns(
        ((name == trace) & (kind == OPEN)).cum_sum().alias("trace"),
        ((name == event) & (kind == OPEN)).cum_sum().alias("event"),
        pl.when((kind == OPEN) & (level == 1)).then(name).forward_fill().alias("l1"),
        pl.when((kind == OPEN) & (level == 2)).then(name).forward_fill().alias("l2"),
    )
    if placed.select(((name == event) & (pl.col("l1") != trace)).any()).item():
        raise Rejected  # an event outside a trace
    attribute = pl.col("want").is_not_null() & (kind != CLOSE)
    first = pl.when(pl.col("trace") != pl.col("trace").shift(1).fill_null(0)).then("event").forward_fill()
    events = placed.filter((name == event) & (kind == OPEN)).select(
        "trace", (pl.col("event") - first).cast(pl.UInt32).alias("event_index"))
    traces = placed.filter((name == trace) & (kind == OPEN)).select("trace")
    event_attributes = placed.filter(attribute & (level == 3) & (pl.col("l2") == event))
    trace_attributes = placed.filter(attribute & (level == 2) & (pl.col("l1") == trace) & (name != event))
    events = events.with_columns(_values(event_attributes, "event", events.height, i).alias(key)
                                 for i, key in enumerate(codes.keys))
    traces = traces.with_columns(_values(trace_attributes, "trace", traces.height, i).alias(key)
                                 for i, key in enumerate(codes.keys))
    return events, traces


def _values(attributes: pl.DataFrame, owner: str, n: int, index: int) -> pl.Series:
    """For owners 1..n (events or traces, in file order), the value of their last attribute ``index``."""
    rows = attributes.filter(pl.col("want") == index)
    rows = rows.filter((pl.col(owner) != pl.col(owner).shift(-1)).fill_null(True))  # the last one
    if rows.height == n:  # every owner has it: the values are in owner order already
        return rows["value"]
    values = pl.Series([None] * n, dtype=pl.String)
    return values.scatter(rows[owner].cast(pl.Int64) - 1, rows["value"])


def _tag_class(text: str, codes: _Codes) -> tuple[int, int]:
    """``(class, name id)`` of a tag field: OPEN, CLOSE, EMPTY (no attributes) or KEYTAG."""
    match = _TAG.fullmatch(text)
    if match is None:
        raise Rejected
    closing, name, key, slash = match.groups()
    if closing and (key or slash):
        raise Rejected
    kind = KEYTAG if key else CLOSE if closing else EMPTY if slash else OPEN
    return kind, codes.name_id(name)


def _tail_class(text: str) -> tuple[int]:
    """A field after a quoted value: `` value=`` (VALUE), or the tag's end: ``/`` (EMPTY) or none (OPEN)."""
    if _VALUE.fullmatch(text):
        return (VALUE,)
    tail = _TAIL.fullmatch(text)
    return (BAD if tail is None else EMPTY if tail.group(1) else OPEN,)


def _key_class(text: str, keys: list[str]) -> tuple[int | None, int]:
    """``(position in keys or None, 1 if the field is END)`` of a key field."""
    return (None, 1) if text == END else (_key_index(text, keys), 0)


def _key_index(text: str, keys: list[str]) -> int | None:
    """Position in ``keys`` of an attribute key as written in the file (None: not wanted)."""
    if _ODD_TEXT.search(text) or "&" in _REFERENCE.sub("", text):
        raise Rejected
    key = _normalised(text)
    return keys.index(key) if key in keys else None


def _normalised(text: str) -> str:
    """An attribute value as an XML parser reports it: white space to spaces, references decoded."""
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")
    for reference, char in _ENTITIES:
        text = text.replace(reference, char)
    return text


def _normalised_expr(values: pl.Expr) -> pl.Expr:
    """:func:`_normalised` on a column of values."""
    values = values.str.replace_all("\r\n", " ", literal=True).str.replace_all("[\t\n\r]", " ")
    for reference, char in _ENTITIES:
        values = values.str.replace_all(reference, char, literal=True)
    return values
