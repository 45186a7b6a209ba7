"""Located import problems and the all-or-nothing rejection that carries them."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.errors import InputError


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an imported file, located as the user sees it.

    ``row`` is the spreadsheet row (header = row 1) or, for YAML, the line number; ``column`` is the
    column header or, for YAML, the key path (``journeys[0].steps[3].reason``).
    """

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def location(self) -> str:
        """``file:sheet:row N:column``, leaving out the parts that are unknown.

        Examples
        --------
        >>> Problem("kit.xlsx", "Steps", 7, "emotion", "bad").location()
        'kit.xlsx:Steps:row 7:emotion'
        >>> Problem("model.yaml", None, 12, "journeys[0].label", "bad").location()
        'model.yaml:line 12:journeys[0].label'
        """
        parts = [self.file]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"{'line' if is_yaml_name(self.file) else 'row'} {self.row}")
        if self.column:
            parts.append(self.column)
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class ImportRejected(InputError):
    """An import found problems; nothing was imported. ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        listing = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s); nothing was imported:\n{listing}")


def is_yaml_name(file: str) -> bool:
    return file.lower().endswith((".yaml", ".yml"))


def decoding_problem(file: str, data: bytes, error: UnicodeDecodeError) -> Problem:
    """Say where bytes that are not UTF-8 sit: the line and the byte offset."""
    line = data.count(b"\n", 0, error.start) + 1
    bad = data[error.start:error.end].hex(" ")
    return Problem(file, None, line, None,
                   f"the text is not UTF-8: byte {error.start} (0x{bad}) on line {line} cannot be read; "
                   "save the file with the UTF-8 encoding")


def decode_utf8(file: str, data: bytes, problems: list[Problem]) -> str | None:
    """The text of ``data`` (a UTF-8 byte order mark is dropped), or None with a problem added."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(decoding_problem(file, data, error))
        return None


def ordered(problems: list[Problem], sheets: list[str] | None = None) -> list[Problem]:
    """Problems sorted as the user reads the file: by sheet (in ``sheets`` order), then row."""
    rank = {name: i for i, name in enumerate(sheets or [])}
    return sorted(problems, key=lambda p: (rank.get(p.sheet or "", -1), p.row or 0))
