"""A CSV file made ready for Polars: its encoding and separator found, its header read, bad lines set apart.

:func:`prepare_csv` streams the file once (constant memory, whatever its size) and finds

- the **encoding**: a byte-order mark (UTF-8, UTF-16), UTF-16 without one (every other byte NUL), UTF-8,
  or cp1252 (Windows' Western European encoding, what Excel writes) when the bytes are not UTF-8 and
  hold no UTF-8 text before the first byte that is not; an explicit ``encoding`` option wins;
- the **separator**: ``,``, ``;``, tab or ``|``, the one that splits the header into most columns and the
  first lines into as many; an explicit ``separator`` option wins;
- **bad lines**: a line longer than ``line_limit`` bytes, or holding NUL bytes. Such a line is a bad row,
  not an out-of-memory: the file Polars reads then is a UTF-8 copy (in the workspace's ``cache/sources``)
  in which each bad line is replaced by a marker (``_wb_bad_line_long:<bytes>`` or
  ``_wb_bad_line_nul:<count>`` in its first field), which the load reports with the line's location.

A file in another encoding than UTF-8 is read through the same kind of copy. A file that is empty,
binary (NUL bytes in its header or everywhere), or another kind of file (an image, a workbook …) is
refused with one sentence saying so.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError
from workbench.files import atomic_path
from workbench.sources.filetype import KIND_NAMES, suggested_kind, what_is

LINE_LIMIT = 1 << 20  # bytes in one line (1 MB)
CHUNK = 1 << 20
SEPARATORS = (",", ";", "\t", "|")
SEPARATOR_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
#: How a separator is typed after ``--option separator=`` (a tab cannot be typed).
SEPARATOR_OPTION = {",": ",", ";": ";", "\t": "tab", "|": "|"}
BAD_LINE = "_wb_bad_line_"
SAMPLE = 1 << 16
COPY_VERSION = "1"


class TextFileError(InputError):
    """A CSV file cannot be read as text (empty, binary, an unreadable encoding)."""


@dataclass(frozen=True)
class TextFile:
    """A CSV file as it will be read: the file Polars scans (the original or a UTF-8 copy) and what was found."""

    original: Path
    path: Path
    encoding: str
    encoding_given: bool
    separator: str
    separator_given: bool
    header: tuple[str, ...]
    quote_char: str = '"'

    @property
    def copied(self) -> bool:
        return self.path != self.original

    def describe(self) -> str:
        """What was detected, e.g. ``"encoding cp1252 (detected), separator ';' (detected)"``."""
        how = {True: "given", False: "detected"}
        return (f"encoding {describe_encoding(self.encoding)} ({how[self.encoding_given]}), "
                f"separator {SEPARATOR_NAMES.get(self.separator, repr(self.separator))} "
                f"({how[self.separator_given]})")


def describe_encoding(name: str) -> str:
    """``utf-8-sig`` → ``"UTF-8 with BOM"``; other codec names as they are.

    >>> describe_encoding("utf-8-sig"), describe_encoding("cp1252")
    ('UTF-8 with BOM', 'cp1252')
    """
    return {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "utf-16": "UTF-16 with BOM",
            "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE"}.get(name, name)


def separator_option(value: str | None) -> str | None:
    """A separator as typed (``tab``, ``\\t``) → the character.

    >>> separator_option("tab"), separator_option(";"), separator_option(None)
    ('\\t', ';', None)
    """
    if value is None:
        return None
    return "\t" if value.lower() in ("tab", "\\t", "\t") else value


def separator_hint(columns: list[str], separator: str) -> str:
    """When a header read as one column holds another separator: the option to add, else ``""``.

    >>> separator_hint(["customer;timestamp;channel"], ",")[-57:]
    "the separator is probably ';': add `--option separator=;`"
    """
    if len(columns) != 1:
        return ""
    counts = {s: columns[0].count(s) for s in SEPARATORS if s != separator}
    best = max(counts, key=counts.get) if counts else None
    if not best or not counts[best]:
        return ""
    shown = columns[0] if len(columns[0]) <= 60 else columns[0][:59] + "…"
    return (f"the header reads as one column ({shown!r}), so the separator is probably "
            f"{SEPARATOR_NAMES[best]}: add `--option separator={SEPARATOR_OPTION[best]}`")


def prepare_csv(path: Path, *, encoding: str | None = None, separator: str | None = None, quote_char: str = '"',
                scratch: Path | None = None, line_limit: int = LINE_LIMIT) -> TextFile:
    """Find ``path``'s encoding, separator and header, and set bad lines apart (see the module docstring).

    ``scratch`` is the folder for UTF-8 copies (default: a folder in the system's temporary folder).
    """
    size = path.stat().st_size
    with open(path, "rb") as stream:
        head = stream.read(SAMPLE)
    if not head.strip(b"\xef\xbb\xbf\xff\xfe \t\r\n"):
        raise TextFileError(f"{path}: the file is empty" + (" (only blank space)" if size else ""))
    kind = what_is(path)
    if kind not in ("a text file", "a binary file"):
        raise TextFileError(f"{path}: this is {kind}, not {KIND_NAMES['csv']}{suggested_kind(kind)}")
    given = encoding is not None
    encoding = _codec(encoding) if given else _bom_or_utf16(head)
    if encoding is not None and encoding.startswith("utf-8") and head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    if encoding is None or not encoding.startswith("utf-16"):
        _refuse_binary(path, head)
    scratch = scratch or Path(tempfile.gettempdir()) / f"workbench-{os.getuid()}" / "sources"
    readable = path
    if encoding in (None, "utf-8", "utf-8-sig"):
        found = _scan_utf8(path, line_limit, strict=given)
        if found == "cp1252":
            encoding = "cp1252"
            readable = _copy(path, encoding, scratch, line_limit)
        else:
            encoding = encoding or ("utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8")
            if found == "bad lines":
                readable = _copy(path, encoding, scratch, line_limit)
    else:
        readable = _copy(path, encoding, scratch, line_limit)
    sample = _sample(readable)
    if sample.startswith(f"{BAD_LINE}long:"):
        length = int(sample.partition("\n")[0].rpartition(":")[2])
        raise TextFileError(f"{path}: the first line is {length:,} bytes long, more than a line may be "
                            f"({line_limit:,} bytes): this is no CSV file with a header")
    separator = separator_option(separator)
    chosen = separator or _sniff_separator(sample, quote_char) or ","
    header = _header(sample, chosen, quote_char)
    return TextFile(path, readable, encoding, given, chosen, separator is not None, header, quote_char)


def duplicate_columns(header: tuple[str, ...]) -> dict[str, list[int]]:
    """Column names the header holds more than once → their 1-based positions.

    >>> duplicate_columns(("a", "cost", "b", "cost"))
    {'cost': [2, 4]}
    """
    places: dict[str, list[int]] = {}
    for i, name in enumerate(header, start=1):
        places.setdefault(name, []).append(i)
    return {name: at for name, at in places.items() if len(at) > 1}


def check_encoding(path: Path, encoding: str = "utf-8", chunk_size: int = CHUNK) -> None:
    """Raise :class:`TextFileError` naming the byte offset and line of the first byte ``encoding`` cannot read.

    The file is streamed, so a large file is checked in constant memory.
    """
    decoder = codecs.getincrementaldecoder(_codec(encoding))()
    offset = 0
    with open(path, "rb") as stream:
        while True:
            chunk = stream.read(chunk_size)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                raise _decode_error(path, encoding, error, offset, len(chunk)) from None
            if not chunk:
                return
            offset += len(chunk)


# -- detection --------------------------------------------------------------------------------------
def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise TextFileError(f"unknown encoding '{name}' (try 'utf-8' or 'cp1252')") from None


def _bom_or_utf16(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096] if len(head) % 2 == 0 else head[:4095]
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 4:
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
    return None


def _refuse_binary(path: Path, head: bytes) -> None:
    """NUL bytes in the header, or in a tenth of the first bytes: a binary file, not text with a few bad lines."""
    first = head.find(b"\x00")
    if first < 0:
        return
    header_end = head.find(b"\n")
    if first < header_end or header_end < 0 or head.count(0) > len(head) // 10:
        line = head[:first].count(b"\n") + 1
        raise TextFileError(f"{path}: NUL bytes from byte {first} (line {line}) on: this is not a text file "
                            "(a binary file, a damaged export, or UTF-16 without a byte-order mark: then "
                            "add `--option encoding=utf-16-le`)")


def _scan_utf8(path: Path, line_limit: int, *, strict: bool) -> str:
    """Validate ``path`` as UTF-8 and look for bad lines: ``"clean"``, ``"bad lines"`` or ``"cp1252"``.

    ``"cp1252"`` when the bytes are not UTF-8 and no UTF-8 text came before (and ``strict`` is false);
    UTF-8 text with a byte that is not is an error (a file that mixes two encodings).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    scanner = _LineScanner(line_limit)
    offset, seen_non_ascii = 0, False
    with open(path, "rb") as stream:
        while True:
            chunk = stream.read(CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                before = error.object[:error.start]
                if strict or seen_non_ascii or not before.isascii():
                    raise _decode_error(path, "utf-8", error, offset, len(chunk), mixed=not strict) from None
                return "cp1252"  # _copy decodes it strictly, naming the first byte cp1252 cannot read
            if not chunk:
                break
            seen_non_ascii = seen_non_ascii or not chunk.isascii()
            scanner.feed(chunk)
            offset += len(chunk)
    scanner.close()
    return "bad lines" if scanner.bad_lines else "clean"


def _decode_error(path: Path, encoding: str, error: UnicodeDecodeError, offset: int, chunk: int,
                  mixed: bool = False) -> TextFileError:
    held = len(error.object) - chunk  # the decoder may hold back a few bytes of the previous chunk
    at = offset - held + error.start
    with open(path, "rb") as again:
        line = again.read(at).count(b"\n") + 1
    bad = error.object[error.start:error.end]
    why = (" after text that is UTF-8: the file mixes two encodings" if mixed else "")
    return TextFileError(f"{path}: not valid {encoding} at byte {at} (line {line}): cannot decode {bad!r}{why}; "
                         "set the source option 'encoding' to the file's encoding (e.g. `--option encoding=cp1252`)")


def _sample(path: Path) -> str:
    with open(path, "rb") as stream:
        data = stream.read(SAMPLE)
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    if len(data) == SAMPLE and "\n" in text:
        text = text[:text.rindex("\n")]  # drop a line cut off by the sample's end
    return text


def _sniff_separator(sample: str, quote_char: str) -> str | None:
    lines = sample.splitlines()[:21]
    best, best_score = None, (0.0, 1)
    for sep in SEPARATORS:
        rows = list(csv.reader(lines, delimiter=sep, quotechar=quote_char or None))
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        data = [r for r in rows[1:] if r]
        agree = sum(len(r) == width for r in data) / len(data) if data else 1.0
        if (agree, width) > best_score:
            best, best_score = sep, (agree, width)
    return best


def _header(sample: str, separator: str, quote_char: str) -> tuple[str, ...]:
    reader = csv.reader(io.StringIO(sample), delimiter=separator, quotechar=quote_char or None)
    return tuple(next(reader, []))


# -- the copy ---------------------------------------------------------------------------------------
def _copy(path: Path, encoding: str, scratch: Path, line_limit: int) -> Path:
    """A UTF-8 copy of ``path`` with bad lines replaced by markers, reused while ``path`` is unchanged."""
    stat = path.stat()
    where = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
    what = hashlib.sha1(f"{stat.st_size}:{stat.st_mtime_ns}:{encoding}:{line_limit}:{COPY_VERSION}"
                        .encode()).hexdigest()[:12]
    target = scratch / f"{where}-{what}.csv"
    if target.exists():
        return target
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with atomic_path(target) as tmp, open(path, "rb") as source, open(tmp, "wb") as sink:
        scanner = _LineScanner(line_limit, sink)
        while True:
            chunk = source.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                raise _decode_error(path, encoding, error, offset, len(chunk)) from None
            if not offset:
                text = text.removeprefix("\ufeff")
            scanner.feed(text.encode("utf-8"))
            if not chunk:
                break
            offset += len(chunk)
        scanner.close()
    for old in scratch.glob(f"{where}-*.csv"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


class _LineScanner:
    """Follows lines through UTF-8 chunks: finds lines longer than ``limit`` bytes or holding NUL bytes,
    and, given a ``sink``, writes the text with each such line replaced by a marker line."""

    def __init__(self, limit: int, sink=None):
        self.limit, self.sink = limit, sink
        self.partial = bytearray()  # the current line so far (only kept when copying)
        self.length = 0             # bytes in the current line so far
        self.nul = 0                # NUL bytes in the current line so far
        self.bad_lines = 0

    def feed(self, data: bytes) -> None:
        for start in range(0, len(data), self.limit):  # pieces of at most `limit` bytes
            self._feed(data[start:start + self.limit])

    def close(self) -> None:
        if self.length:
            self._end_line(newline=b"")

    def _feed(self, data: bytes) -> None:
        first = data.find(b"\n")
        if first < 0:
            self._extend(data)
            return
        self._extend(data[:first])
        self._end_line()
        last = data.rfind(b"\n")
        middle = data[first + 1:last + 1]  # whole lines, each shorter than the piece: never too long
        if b"\x00" in middle:
            for line in middle[:-1].split(b"\n"):
                self._extend(line)
                self._end_line()
        elif self.sink is not None:
            self.sink.write(middle)
        self._extend(data[last + 1:])

    def _extend(self, data: bytes) -> None:
        self.length += len(data)
        self.nul += data.count(0)
        if self.sink is not None and self.length <= self.limit:
            self.partial += data

    def _end_line(self, newline: bytes = b"\n") -> None:
        if self.length > self.limit or self.nul:
            self.bad_lines += 1
            marker = f"long:{self.length}" if self.length > self.limit else f"nul:{self.nul}"
            if self.sink is not None:
                self.sink.write(f"{BAD_LINE}{marker}".encode() + newline)
        elif self.sink is not None:
            self.sink.write(bytes(self.partial) + newline)
        self.partial.clear()
        self.length = self.nul = 0
