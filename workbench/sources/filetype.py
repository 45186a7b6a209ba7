"""What a file is, from its first bytes: so a reader's refusal can say "a PNG image, not a workbook".

Readers (Polars, calamine) fail on a wrong file with their own internal wording ("EOCD not found"); the
connectors look here first and tell the user in one plain sentence what the file is instead.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

#: Leading bytes → what a person would call the file.
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PAR1", "a Parquet file"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office file (.xls, .doc)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
#: What a kind's reader needs, said to a person.
KIND_NAMES = {"csv": "a CSV text file", "excel": "an Excel workbook (.xlsx, .xls, .ods)",
              "parquet": "a Parquet file"}


def what_is(path: str | Path) -> str:
    """A short description of ``path`` from its content: ``"a PNG image"``, ``"an Excel workbook"``,
    ``"a text file"``, ``"an empty file"`` or ``"a binary file"``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> png = pathlib.Path(tempfile.mkdtemp()) / "photo.xlsx"
    >>> _ = png.write_bytes(b"\\x89PNG\\r\\n\\x1a\\n" + bytes(20))
    >>> what_is(png)
    'a PNG image'
    """
    path = Path(path)
    with open(path, "rb") as stream:
        head = stream.read(4096)
    if not head:
        return "an empty file"
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "an XES event log" if b"<log" in head else "an XML or HTML file"
    if _is_text(head):
        return "a text file"
    return "a binary file"


def suggested_kind(description: str) -> str:
    """The ``--kind`` to try for a file so described (``""`` when none fits).

    >>> suggested_kind("a Parquet file")
    ' (use --kind parquet)'
    """
    kind = {"a Parquet file": "parquet", "an Excel workbook": "excel", "a text file": "csv",
            "an old-style Office file (.xls, .doc)": "excel", "an XES event log": "xes"}.get(description)
    return f" (use --kind {kind})" if kind else ""


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return "a damaged ZIP archive"
    if "xl/workbook.xml" in names or "content.xml" in names and "mimetype" in names:
        return "an Excel workbook"
    if "word/document.xml" in names:
        return "a Word document"
    return "a ZIP archive"


def _is_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    control = sum(b < 32 and b not in (9, 10, 13, 12) for b in head)
    return control <= len(head) // 100
