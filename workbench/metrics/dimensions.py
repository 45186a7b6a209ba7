"""Dimension tables that place contact reasons and channels in the model: small Polars frames."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

import polars as pl

_STR = pl.String()

#: frame name -> its columns and dtypes
DIMENSION_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "reasons": {"reason": _STR, "phase": _STR, "stage": _STR},
    "journey_reasons": {"journey": _STR, "reason": _STR},
    "process_reasons": {"process": _STR, "reason": _STR},
    "system_reasons": {"system": _STR, "reason": _STR},
    "channels": {"channel": _STR, "digital": pl.Boolean()},
}

#: dimension -> the frame that holds it and the events column it joins on
MANY_TO_MANY = {"journey": "journey_reasons", "process": "process_reasons", "system": "system_reasons"}
REASON_ATTRIBUTES = ("phase", "stage")


@dataclass(frozen=True, eq=False)
class Dimensions:
    """The model as small frames: reason -> phase -> stage, reason links, and digital channels.

    ``journey_reasons``, ``process_reasons`` and ``system_reasons`` are many-to-many: a reason may
    sit in many journeys. Duplicate link pairs are dropped (a journey with two steps on one reason
    counts each contact once); a reason or channel listed twice is an error.

    Examples
    --------
    >>> dims = Dimensions.build(reasons={"bill": ("billing", "being")},
    ...                         journeys={"move": ["bill"], "divorce": ["bill"]},
    ...                         channels={"phone": False, "app": True})
    >>> dims.journey_reasons.height, dims.channels.filter("digital")["channel"].to_list()
    (2, ['app'])
    """

    reasons: pl.DataFrame
    journey_reasons: pl.DataFrame
    process_reasons: pl.DataFrame
    system_reasons: pl.DataFrame
    channels: pl.DataFrame

    def __post_init__(self) -> None:
        for f in fields(self):
            schema = DIMENSION_SCHEMAS[f.name]
            frame = getattr(self, f.name)
            if not isinstance(frame, pl.DataFrame):
                raise TypeError(f"Dimensions.{f.name} must be a polars DataFrame, got {type(frame).__name__}")
            missing = [c for c in schema if c not in frame.columns]
            if missing:
                raise ValueError(f"Dimensions.{f.name} lacks column(s) {missing}; expected {list(schema)}")
            try:
                frame = frame.select(pl.col(c).cast(t, strict=True) for c, t in schema.items())
            except pl.exceptions.PolarsError as exc:
                raise ValueError(f"Dimensions.{f.name}: wrong column type ({exc})") from None
            if f.name in MANY_TO_MANY.values():
                frame = frame.unique(maintain_order=True)
            object.__setattr__(self, f.name, frame)
        _require_unique(self.reasons, "reasons", "reason")
        _require_unique(self.channels, "channels", "channel")

    @classmethod
    def build(
        cls,
        *,
        reasons: Mapping[str, tuple[str, str]] | None = None,
        journeys: Mapping[str, Iterable[str]] | None = None,
        processes: Mapping[str, Iterable[str]] | None = None,
        systems: Mapping[str, Iterable[str]] | None = None,
        channels: Mapping[str, bool] | None = None,
    ) -> Dimensions:
        """Build from plain Python: ``reasons={reason: (phase, stage)}``, ``journeys={journey: [reason,
        ...]}`` (likewise ``processes``, ``systems``) and ``channels={channel: digital}``."""
        reasons = reasons or {}
        return cls(
            reasons=pl.DataFrame(
                {"reason": list(reasons), "phase": [p for p, _ in reasons.values()],
                 "stage": [s for _, s in reasons.values()]},
                schema=DIMENSION_SCHEMAS["reasons"]),
            journey_reasons=_links(journeys, "journey"),
            process_reasons=_links(processes, "process"),
            system_reasons=_links(systems, "system"),
            channels=pl.DataFrame({"channel": list(channels or {}), "digital": list((channels or {}).values())},
                                  schema=DIMENSION_SCHEMAS["channels"]),
        )

    @classmethod
    def empty(cls) -> Dimensions:
        """No reasons, links or channels."""
        return cls.build()

    def content_hash(self) -> str:
        """A hash of the content (not the identity) of all frames, for cache keys."""
        digest = hashlib.sha256()
        for f in fields(self):
            frame = getattr(self, f.name)
            digest.update(f.name.encode())
            digest.update(frame.sort(frame.columns, nulls_last=True).write_csv().encode())
        return digest.hexdigest()

    def reasons_where(self, column: str, values: Iterable) -> list[str]:
        """The reasons whose ``column`` (phase, stage, journey, process or system) is in ``values``."""
        frame = self.reasons if column in REASON_ATTRIBUTES else getattr(self, MANY_TO_MANY[column])
        return frame.filter(pl.col(column).is_in(list(values)))["reason"].unique().to_list()


def _links(mapping: Mapping[str, Iterable[str]] | None, name: str) -> pl.DataFrame:
    pairs = [(key, reason) for key, reasons in (mapping or {}).items() for reason in reasons]
    return pl.DataFrame({name: [k for k, _ in pairs], "reason": [r for _, r in pairs]},
                        schema=DIMENSION_SCHEMAS[f"{name}_reasons"])


def _require_unique(frame: pl.DataFrame, name: str, key: str) -> None:
    dupes = frame.filter(pl.col(key).is_duplicated())[key].unique().sort().to_list()
    if dupes:
        raise ValueError(f"Dimensions.{name}: {key} listed more than once: {dupes}")
