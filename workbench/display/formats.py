"""Number formats and colour scales: one table for the dashboard, the snapshot and the command line.

Figures follow the KPI catalogue: volumes with thousands separators, rates as %, NPS as signed points,
currency in €, seconds with an "s". Colours: KPIs with a direction (``higher_is_better`` True/False)
get a diverging red → yellow → blue scale oriented so that blue is always *good*; KPIs without one
(volume, share) get a sequential light → dark blue scale. Missing values are grey.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.metrics import CATALOGUE
from workbench.metrics.customers import UNITS as CUSTOMER_UNITS

MISSING = "–"
GREY = "#d9d9d9"
#: ColorBrewer RdYlBu (7 classes), bad → good.
DIVERGING = ("#d73027", "#fc8d59", "#fee090", "#ffffbf", "#e0f3f8", "#91bfdb", "#4575b4")
#: ColorBrewer Blues (7 classes), low → high.
SEQUENTIAL = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594")
#: catalogue unit → (Python format, numeral.js format for tables in the browser)
UNIT_FORMATS = {"count": ("{:,.0f}", "0,0"), "fraction": ("{:.1%}", "0.0%"), "points": ("{:+.0f}", "+0"),
                "currency": ("€{:,.2f}", "$0,0.00"), "seconds": ("{:,.0f} s", "0,0"), "score": ("{:.2f}", "0.00")}


#: currency KPIs that are totals: shown in whole euros (cents only on per-contact figures)
WHOLE_EUROS = frozenset({"cost"})


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_kpi(kpi_id: str, value) -> str:
    """A KPI value formatted for display by its catalogue unit; "–" for a missing value.

    KPIs outside the catalogue (custom ones) get up to four significant digits.

    Examples
    --------
    >>> format_kpi("volume", 12345)
    '12,345'
    >>> format_kpi("repeat_rate", 0.1234)
    '12.3%'
    >>> format_kpi("nps", 12.4), format_kpi("nps", -3.0), format_kpi("nps", -0.3)
    ('+12', '-3', '0')
    >>> format_kpi("cost_per_contact", 1234.5), format_kpi("cost", 76166.37)  # a total without cents
    ('€1,234.50', '€76,166')
    >>> format_kpi("aht", 95.2), format_kpi("nps", None)
    ('95 s', '–')
    """
    if _missing(value):
        return MISSING
    kpi = CATALOGUE.get(kpi_id)
    if kpi is None and kpi_id in CUSTOMER_UNITS:
        return UNIT_FORMATS[CUSTOMER_UNITS[kpi_id]][0].format(value)
    if kpi is None:
        return f"{value:,.4g}" if isinstance(value, int | float) else str(value)
    if kpi.unit == "points" and round(value) == 0:
        return "0"  # neither "+0" nor "-0"
    if kpi_id in WHOLE_EUROS:
        return f"€{value:,.0f}"
    return UNIT_FORMATS[kpi.unit][0].format(value) if kpi.unit in UNIT_FORMATS else kpi.format.format(value)


def numeral_format(kpi_id: str) -> str:
    """The numeral.js pattern that shows ``kpi_id`` like :func:`format_kpi` (browser-side tables).

    >>> numeral_format("repeat_rate"), numeral_format("nps"), numeral_format("my_custom_kpi")
    ('0.0%', '+0', '0,0.[00]')
    >>> numeral_format("cost"), numeral_format("cost_per_contact")
    ('$0,0', '$0,0.00')
    """
    kpi = CATALOGUE.get(kpi_id)
    if kpi_id in WHOLE_EUROS:
        return "$0,0"
    return UNIT_FORMATS[kpi.unit][1] if kpi is not None and kpi.unit in UNIT_FORMATS else "0,0.[00]"


def palette(kpi_id: str) -> tuple[str, ...]:
    """The colours of a KPI's scale from its lowest to its highest value.

    Diverging with blue at the good end for KPIs with a direction; sequential blues otherwise.

    >>> palette("nps")[-1], palette("repeat_rate")[-1], palette("volume")[0]
    ('#4575b4', '#d73027', '#eff3ff')
    """
    kpi = CATALOGUE.get(kpi_id)
    direction = kpi.higher_is_better if kpi is not None else None
    if direction is None:
        return SEQUENTIAL
    return DIVERGING if direction else tuple(reversed(DIVERGING))


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def _interpolate(colours: Sequence[str], t: float) -> str:
    t = min(max(t, 0.0), 1.0) * (len(colours) - 1)
    i = min(int(t), len(colours) - 2)
    a, b, f = _hex(colours[i]), _hex(colours[i + 1]), t - i
    return "#{:02x}{:02x}{:02x}".format(*(round(x + (y - x) * f) for x, y in zip(a, b, strict=True)))


@dataclass(frozen=True)
class ColourScale:
    """A KPI's colour scale over the range of the values shown (for legends)."""

    kpi: str
    low: float | None
    high: float | None
    colours: tuple[str, ...]

    def colour(self, value) -> str:
        if _missing(value) or self.low is None:
            return GREY
        if self.high == self.low:
            return _interpolate(self.colours, 0.5)
        return _interpolate(self.colours, (value - self.low) / (self.high - self.low))

    def gradient_css(self) -> str:
        return f"linear-gradient(to right, {', '.join(self.colours)})"


def colour_scale(kpi_id: str, values: Sequence) -> ColourScale:
    """The scale from the smallest to the largest non-missing value (``low``/``high`` None if none)."""
    present = [v for v in values if not _missing(v)]
    low, high = (min(present), max(present)) if present else (None, None)
    return ColourScale(kpi_id, low, high, palette(kpi_id))


def kpi_colour(kpi_id: str, values: Sequence) -> list[str]:
    """A colour per value: the KPI's palette stretched over the values' range; grey for missing values.

    Examples
    --------
    >>> kpi_colour("nps", [-50.0, 50.0, None])   # low NPS is bad (red), high is good (blue)
    ['#d73027', '#4575b4', '#d9d9d9']
    >>> kpi_colour("repeat_rate", [0.1, 0.3])     # a high repeat rate is bad
    ['#4575b4', '#d73027']
    >>> kpi_colour("volume", [5, 5])              # one value: the middle of the scale
    ['#6baed6', '#6baed6']
    """
    scale = colour_scale(kpi_id, values)
    return [scale.colour(v) for v in values]


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (a #rrggbb colour).

    >>> text_colour("#084594"), text_colour("#ffffbf")
    ('#ffffff', '#1a1a1a')
    """
    r, g, b = _hex(background)
    luminance = 0.299 * r + 0.587 * g + 0.114 * b
    return "#1a1a1a" if luminance > 150 else "#ffffff"


def direction_text(kpi_id: str) -> str:
    """How to read the KPI's colours, e.g. "higher is better".

    >>> direction_text("nps"), direction_text("volume")
    ('higher is better', 'no better or worse')
    """
    kpi = CATALOGUE.get(kpi_id)
    direction = kpi.higher_is_better if kpi is not None else None
    return {True: "higher is better", False: "lower is better", None: "no better or worse"}[direction]
