"""Reading imported files safely: a size limit checked before anything is parsed, and text decoding
that says where it fails (a byte that is not UTF-8, a NUL character).

The limit is :data:`MAX_FILE_MB` megabytes, unless the environment variable ``WORKBENCH_MAX_FILE_MB``
or a reader's ``max_mb`` argument says otherwise. CSV files are read in the encoding they were saved
in — UTF-8 (with or without a byte order mark), UTF-16 (Excel's "Unicode text") or Windows-1252
(Excel's "CSV" on Western European Windows) — and with the separator their header line uses.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

from workbench.errors import UsageError
from workbench.interchange.problems import ImportRejected, Problem, decoding_problem
from workbench.interchange.sheet import Table

#: The largest file (in megabytes) an import reads, unless WORKBENCH_MAX_FILE_MB or ``max_mb`` says otherwise.
MAX_FILE_MB = 50
ENV_MAX_FILE_MB = "WORKBENCH_MAX_FILE_MB"
SEPARATORS = (",", ";", "\t", "|")
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16",
                  "cp1252": "Windows-1252"}


def size_limit(max_mb: float | None = None) -> int:
    """The size limit in bytes: ``max_mb``, else ``$WORKBENCH_MAX_FILE_MB``, else :data:`MAX_FILE_MB`.

    >>> size_limit(1), size_limit(0.5)
    (1000000, 500000)
    """
    if max_mb is None:
        setting = os.environ.get(ENV_MAX_FILE_MB, "").strip()
        try:
            max_mb = float(setting) if setting else MAX_FILE_MB
        except ValueError:
            raise UsageError(f"{ENV_MAX_FILE_MB} must be a number of megabytes, not '{setting}'") from None
    if not max_mb > 0:
        raise UsageError(f"the file size limit must be a positive number of megabytes, not {max_mb:g}")
    return int(max_mb * 1_000_000)


def check_size(path: str | Path, file: str, max_mb: float | None = None) -> int:
    """The size of ``path`` in bytes, or :class:`ImportRejected` when it is above the limit or unreadable."""
    limit = size_limit(max_mb)
    try:
        size = os.stat(path).st_size
    except OSError as error:
        raise ImportRejected([Problem(file, None, None, None, f"cannot read the file: {error.strerror}")]) from None
    if size > limit:
        raise ImportRejected([_too_large(file, size, limit)])
    return size


def _too_large(file: str, size: int | None, limit: int) -> Problem:
    """``size`` None: the input (a pipe) went on past the limit, its whole size unknown."""
    what = f"the file is {_size(size)}, more than" if size is not None else "the input holds more than"
    return Problem(file, None, None, None, f"{what} the {_size(limit)} an import reads; nothing was read "
                                           f"(set {ENV_MAX_FILE_MB} to allow larger files)")


def _size(n: int) -> str:
    """2_147_483_648 → '2,147.5 MB', 2_613 → '2.6 kB'."""
    return f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{n / 1e3:,.1f} kB"


def read_bytes(path: str | Path, file: str, max_mb: float | None = None) -> bytes:
    """The bytes of ``path``, refused before reading when larger than the limit (see :func:`size_limit`).

    At most limit + 1 bytes are ever read, so a file that grows (or a pipe) cannot exhaust memory.
    """
    size = check_size(path, file, max_mb)
    limit = size_limit(max_mb)
    try:
        with open(path, "rb") as handle:
            if stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                data = handle.read(size)
                if handle.read(1):  # it grew since: read on, up to the limit
                    handle.seek(len(data))
                    data += handle.read(limit + 1 - len(data))
            else:  # a pipe or a device: its size says nothing
                data = handle.read(limit + 1)
    except OSError as error:
        raise ImportRejected([Problem(file, None, None, None, f"cannot read the file: {error.strerror}")]) from None
    if len(data) > limit:
        raise ImportRejected([_too_large(file, None, limit)])
    return data


def nul_problem(file: str, text: str) -> Problem | None:
    """A problem naming the first NUL character of ``text`` (line and column), or None when there is none.

    >>> print(nul_problem("j.csv", "journey,step\\nI move,Ca\\x00ll\\n"))
    j.csv:row 2: the text holds a NUL character (line 2, character 10): the file is damaged or not a text file
    """
    at = text.find("\x00")
    if at < 0:
        return None
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return Problem(file, None, line, None, f"the text holds a NUL character (line {line}, character {column}): "
                                           "the file is damaged or not a text file")


def utf8_text(file: str, data: bytes) -> str:
    """The UTF-8 text of ``data`` (a byte order mark dropped), or :class:`ImportRejected` saying where it fails."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected([decoding_problem(file, data, error)]) from None
    problem = nul_problem(file, text)
    if problem:
        raise ImportRejected([problem])
    return text


def decode_text(file: str, data: bytes) -> tuple[str, str]:
    """Text and encoding of a spreadsheet-made text file: UTF-8 (BOM or not), UTF-16, or Windows-1252.

    >>> decode_text("x.csv", "stage;phase\\nOriënteren".encode("utf-16"))
    ('stage;phase\\nOriënteren', 'utf-16')
    >>> decode_text("x.csv", "Oriënteren".encode("cp1252"))
    ('Oriënteren', 'cp1252')
    """
    encoding = _utf16(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise ImportRejected([decoding_problem(file, data, error)]) from None
        text = text.removeprefix("\ufeff")
    else:
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as first:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                problem = decoding_problem(file, data, first)
                raise ImportRejected([Problem(problem.file, None, problem.row, None, problem.message.replace(
                    "the text is not UTF-8", "the text is neither UTF-8, UTF-16 nor Windows-1252"))]) from None
    problem = nul_problem(file, text)
    if problem:
        raise ImportRejected([problem])
    return text, encoding


def _utf16(data: bytes) -> str | None:
    """'utf-16' for a UTF-16 byte order mark, '-le'/'-be' when every other byte of the start is zero."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def read_csv_table(path: str | Path, file: str, max_mb: float | None = None) -> Table:
    """A CSV file as a table, rows numbered as a spreadsheet shows them (see the module docstring)."""
    text, encoding = decode_text(file, read_bytes(path, file, max_mb))
    if not text.strip():
        raise ImportRejected([Problem(file, None, None, None, "the file is empty")])
    first_line = next(line for line in text.splitlines() if line.strip())
    separator = max(SEPARATORS, key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as error:
        raise ImportRejected([Problem(file, None, None, None, f"this is not a readable CSV file: {error}")]) from None
    numbered = [(i, [c if c.strip() else None for c in cells]) for i, cells in enumerate(rows, start=1)]
    numbered = [(i, cells) for i, cells in numbered if any(cells)]
    header_row, headers = numbered[0]
    return Table(None, header_row, [h.strip() if h else None for h in headers], numbered[1:], encoding)


def encoding_name(encoding: str | None) -> str:
    """How an encoding is named to people: 'utf-16-le' → 'UTF-16'."""
    return ENCODING_NAMES.get(encoding or "", encoding or "")
