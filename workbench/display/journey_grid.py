"""A journey map as journey-mapping tools draw it: a grid with steps as columns grouped under their
episodes, and lanes as rows (channel and touchpoint, customer action, need, the emotion curve, pain points,
insights, the linked contact reason with a KPI heat strip, processes and systems behind it, opportunities,
owner). Panel-free: :func:`journey_grid` gathers the cells, :func:`grid_html` draws them as an HTML/CSS
grid (every label escaped) whose width follows its container.

A lane is shown only when some step has something in it (pain points and insights when the model has
insights on the journey's steps or reasons, opportunities when there are some). Moments of truth are
marked in the step header and by a coloured column edge, never by covering a cell.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import polars as pl

from workbench.display.formats import MISSING, colour_scale, format_kpi, text_colour
from workbench.metrics import CATALOGUE
from workbench.model import Model

#: every lane a map can show, top to bottom: id → label
LANES = {
    "channel": "Channel · touchpoint", "action": "Customer action", "need": "Need",
    "emotion": "Emotion (experienced vs target)", "pains": "Pain points", "insights": "Insights",
    "reason": "Contact reason", "kpi": "KPI of the reason", "backstage": "Processes and systems",
    "opportunities": "Opportunities", "owner": "Owner",
}
#: the lanes' short names, for a lane chooser
SHORT = {"channel": "Channel", "action": "Action", "need": "Need", "emotion": "Emotion", "pains": "Pain points",
         "insights": "Insights", "reason": "Contact reason", "kpi": "KPI", "backstage": "Processes & systems",
         "opportunities": "Opportunities", "owner": "Owner"}
NO_EPISODE = "(no episode)"
EXPERIENCED, TARGET, MOMENT = "#d6604d", "#1a9850", "#e69f00"


@dataclass(frozen=True)
class Cell:
    """One lane's content for one step: lines of raw text, and for the KPI strip a value, its n and colour."""

    lines: tuple[str, ...] = ()
    value: float | None = None
    n: int | None = None
    colour: str | None = None


@dataclass(frozen=True)
class StepColumn:
    order: int
    step: str
    label: str
    episode: str
    emotion: int | None
    target_emotion: int | None
    moment_of_truth: bool


@dataclass(frozen=True)
class JourneyGrid:
    """What a journey map shows: ``episodes`` as (label, number of steps) in order, the ``steps``, the lanes
    present (id → one :class:`Cell` per step) and what spans the whole journey (journey-wide opportunities)."""

    title: str
    kpi: str
    episodes: list[tuple[str, int]]
    steps: list[StepColumn]
    lanes: dict[str, list[Cell]]
    whole_journey: dict[str, tuple[str, ...]] = field(default_factory=dict)
    future: bool = False

    def lane_text(self, lane: str) -> list[str]:
        """The lane's cells as text (lines joined by " | "), for tests and notebooks."""
        return [" | ".join(c.lines) for c in self.lanes[lane]]


def _n_column(kpi: str) -> str:
    return f"{kpi}_responses" if kpi in ("nps", "ces", "csat") else "volume"


def grid_kpis(kpi: str) -> list[str]:
    """The KPIs to measure by reason for a map coloured by ``kpi``: the KPI and the count it rests on.

    >>> grid_kpis("nps"), grid_kpis("volume")
    (['nps', 'nps_responses'], ['volume'])
    """
    return list(dict.fromkeys([kpi, _n_column(kpi)]))


def journey_grid(model: Model, journey: str, measured: pl.DataFrame | None = None, kpi: str = "volume") -> JourneyGrid:
    """The cells of ``journey``'s map; ``measured`` = ``Dataset.measure(["reason"], grid_kpis(kpi))``.

    Examples
    --------
    >>> from workbench.model import Channel, Episode, Journey, Step
    >>> m = Model().add(Channel("app", "App"), Journey("j", "I move"), Episode("e", "j", "I plan"),
    ...                 Step("s", "j", "Opens the app", episode="e", channel="app", touchpoint="Home"))
    >>> g = journey_grid(m, "j")
    >>> list(g.lanes), g.episodes, g.lane_text("channel")
    (['channel', 'action', 'emotion'], [('I plan', 1)], ['App | Home'])
    """
    if journey not in model.journeys:
        raise ValueError(f"unknown journey '{journey}'")
    steps = model.steps_of(journey)
    figures = _figures(measured, kpi)
    scale = colour_scale(kpi, [figures.get(s.reason, (None, None))[0] for s in steps])
    insights = [i for i in model.insights.values() if not i.journeys or journey in i.journeys]
    opportunities = [o for o in model.opportunities.values() if not o.journeys or journey in o.journeys]
    cells: dict[str, list[Cell]] = {lane: [] for lane in LANES}
    columns = []
    for order, s in enumerate(steps, start=1):
        episode = model.episodes[s.episode].label if s.episode in model.episodes else NO_EPISODE
        columns.append(StepColumn(order, s.id, s.label, episode, s.emotion, s.target_emotion, s.moment_of_truth))
        channel = model.channels[s.channel].label if s.channel in model.channels else (s.channel or "")
        reason = model.reasons.get(s.reason) if s.reason else None
        cells["channel"].append(Cell(tuple(x for x in (channel, s.touchpoint) if x)))
        cells["action"].append(Cell((s.label,)))
        cells["need"].append(Cell((s.need,) if s.need else ()))
        cells["emotion"].append(Cell(tuple(f"{name} {_signed(v)}" for name, v in
                                           (("experienced", s.emotion), ("target", s.target_emotion))
                                           if v is not None)))
        about = [i for i in insights if s.id in i.steps or (s.reason and s.reason in i.reasons)]
        cells["pains"].append(Cell(tuple(i.title for i in about if i.kind == "pain")))
        cells["insights"].append(Cell(tuple(f"{i.kind}: {i.title}" for i in about if i.kind != "pain")))
        cells["reason"].append(Cell((reason.label,) if reason else ((s.reason,) if s.reason else ())))
        value, n = figures.get(s.reason, (None, None)) if reason else (None, None)
        count = () if _n_column(kpi) == kpi else (f"n = {n or 0:,}",)
        cells["kpi"].append(Cell((format_kpi(kpi, value), *count) if reason else (),
                                 value, n, scale.colour(value) if reason else None))
        behind = [f"process: {p.label}" for p in model.processes.values() if s.reason and s.reason in p.reasons]
        behind += [f"system: {y.label}" for y in model.systems.values() if s.reason and s.reason in y.reasons]
        cells["backstage"].append(Cell(tuple(behind)))
        cells["opportunities"].append(Cell(tuple(
            o.title for o in opportunities if s.id in o.steps or (s.reason and s.reason in o.reasons))))
        cells["owner"].append(Cell((reason.owner,) if reason and reason.owner else ()))
    whole = {"opportunities": tuple(o.title for o in opportunities
                                    if journey in o.journeys and not o.steps and not o.reasons)}
    shown = {lane: cs for lane, cs in cells.items()
             if lane in ("action", "emotion") or any(c.lines for c in cs) or whole.get(lane)}
    if "reason" not in shown:
        shown.pop("kpi", None)
    episodes: list[tuple[str, int]] = []
    for c in columns:
        if episodes and episodes[-1][0] == c.episode:
            episodes[-1] = (c.episode, episodes[-1][1] + 1)
        else:
            episodes.append((c.episode, 1))
    return JourneyGrid(model.journey_title(journey), kpi, episodes, columns, shown,
                       {k: v for k, v in whole.items() if v and k in shown},
                       future=model.journeys[journey].state == "future")


def _signed(value: int) -> str:
    return f"{value:+d}" if value else "0"


def _figures(measured: pl.DataFrame | None, kpi: str) -> dict[str, tuple[float | None, int | None]]:
    if measured is None or measured.is_empty() or kpi not in measured.columns:
        return {}
    n = _n_column(kpi)
    counts = measured[n].to_list() if n in measured.columns else [None] * measured.height
    return {r: (v, None if c is None else int(c)) for r, v, c in
            zip(measured["reason"].to_list(), measured[kpi].to_list(), counts, strict=True)}


# -- drawing --------------------------------------------------------------------------------------------
_CSS = """
.jg-wrap{width:100%;overflow-x:auto;
 font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:12.5px;color:#1a1a1a}
.jg{display:grid;grid-template-columns:132px repeat(var(--n),minmax(100px,1fr));
 border-top:1px solid #d0d5dd;border-left:1px solid #d0d5dd}
.jg>div{border-right:1px solid #d0d5dd;border-bottom:1px solid #d0d5dd;padding:5px 6px;min-width:0;
 white-space:normal;overflow-wrap:break-word;hyphens:auto;line-height:1.3;position:relative;box-sizing:border-box}
.jg .jg-lane{background:#f4f6f9;font-weight:600;color:#364152;position:sticky;left:0;z-index:2}
.jg .jg-episode{background:#2c5d8f;color:#fff;font-weight:600}
.jg .jg-step{background:#eef1f5;font-weight:600;font-size:12px;padding:5px}
.jg .jg-num{display:inline-block;min-width:20px;padding:0 4px;margin-right:4px;border-radius:9px;background:#2c5d8f;
 color:#fff;font-size:11px;text-align:center}
.jg .jg-mot{display:block;color:#8a5a00;font-size:11px;font-weight:600}
.jg .jg-mot-col{box-shadow:inset 0 3px 0 #e69f00}
.jg .jg-selected{outline:2px solid #2c5d8f;outline-offset:-2px;background:#dce8f5}
.jg .jg-line{display:block}
.jg .jg-line+.jg-line{margin-top:3px;padding-top:3px;border-top:1px dotted #c9ced6}
.jg .jg-emotion{padding:0;height:96px}
.jg .jg-emotion svg{position:absolute;inset:0;width:100%;height:100%}
.jg .jg-dot{position:absolute;width:9px;height:9px;margin:-5px 0 0 -5px;border-radius:50%;left:50%}
.jg .jg-etext{position:absolute;left:0;right:0;bottom:3px;text-align:center;font-size:10.5px;color:#555}
.jg .jg-kpi{text-align:center;font-weight:600}
.jg .jg-kpi .jg-n{font-weight:400;font-size:11px}
.jg .jg-muted{color:#8a94a6}
.jg-legend{margin:6px 0 0;color:#555;font-size:12px}
.jg-hint{margin:0 0 4px;color:#555;font-size:12px}
.jg-legend span{display:inline-block;margin-right:14px}
"""

_LEVEL = {2: 9, 1: 24, 0: 40, -1: 56, -2: 72}  # % from the top of the emotion cell (text below)


def _y(value: int | None) -> float | None:
    return None if value is None else _LEVEL.get(max(-2, min(2, value)))


def _segments(values: list[int | None], i: int) -> list[tuple[float, float, float, float]]:
    """Line pieces (x1, y1, x2, y2 in % of the cell) joining step i's point with half-way to its neighbours."""
    here = _y(values[i])
    if here is None:
        return []
    out = []
    if i > 0 and (before := _y(values[i - 1])) is not None:
        out.append((0.0, (before + here) / 2, 50.0, here))
    if i + 1 < len(values) and (after := _y(values[i + 1])) is not None:
        out.append((50.0, here, 100.0, (here + after) / 2))
    return out


def _emotion_cell(grid: JourneyGrid, i: int) -> str:
    lines = []
    for values, colour, dash in ((([c.target_emotion for c in grid.steps]), TARGET, "4 3"),
                                 (([c.emotion for c in grid.steps]), EXPERIENCED, "")):
        for x1, y1, x2, y2 in _segments(values, i):
            lines.append(f"<line x1='{x1}%' y1='{y1}%' x2='{x2}%' y2='{y2}%' stroke='{colour}' stroke-width='2.2' "
                         f"stroke-dasharray='{dash}'/>")
    step = grid.steps[i]
    dots = "".join(f"<span class='jg-dot' style='top:{_y(v)}%;background:{colour}'></span>"
                   for v, colour in ((step.target_emotion, TARGET), (step.emotion, EXPERIENCED)) if v is not None)
    text = " / ".join(_signed(v) if v is not None else MISSING for v in (step.emotion, step.target_emotion))
    svg = (f"<svg aria-hidden='true'><line x1='0' y1='40%' x2='100%' y2='40%' stroke='#c9ced6' "
           f"stroke-dasharray='2 3'/>{''.join(lines)}</svg>")
    return f"<div class='jg-emotion' data-lane='emotion'>{svg}{dots}<span class='jg-etext jg-text'>{text}</span></div>"


def _lines(cell: Cell) -> str:
    return "".join(f"<span class='jg-line jg-text'>{html.escape(x)}</span>" for x in cell.lines)


def _whole(grid: JourneyGrid, lane: str, n: int) -> str:
    text = "".join(f"<span class='jg-line jg-text'>{html.escape(x)}</span>" for x in grid.whole_journey[lane])
    return f"<div data-lane='{lane}' data-whole='1' style='grid-column:span {n}'>{text}</div>"


def grid_html(grid: JourneyGrid, highlight: str | None = None) -> str:
    """The map as one self-contained HTML fragment (style included); every label escaped; the step
    ``highlight`` (an id) outlined."""
    n = max(len(grid.steps), 1)
    mot = [" jg-mot-col" if c.moment_of_truth else "" for c in grid.steps]
    hint = (f"<div class='jg-hint'>{n} steps: when the map is wider than the window, scroll it sideways (the lane "
            "names stay in place)</div>") if n > 8 else ""
    out = [f"<style>{_CSS}</style>{hint}<div class='jg-wrap' lang='en'><div class='jg' style='--n:{n}'>",
           "<div class='jg-lane'>Episode</div>"]
    out += [f"<div class='jg-episode' style='grid-column:span {span}'><span class='jg-text'>{html.escape(label)}"
            "</span></div>" for label, span in grid.episodes]
    out.append("<div class='jg-lane'>Step</div>")
    for c, edge in zip(grid.steps, mot, strict=True):
        flag = "<span class='jg-mot jg-text'>★ moment of truth</span>" if c.moment_of_truth else ""
        edge += " jg-selected" if c.step == highlight else ""
        out.append(f"<div class='jg-step{edge}' data-step='{html.escape(c.step)}'>{flag}<span class='jg-text'>"
                   f"<span class='jg-num'>{c.order}</span>{html.escape(c.label)}</span></div>")
    kpi_label = CATALOGUE[grid.kpi].label if grid.kpi in CATALOGUE else grid.kpi
    for lane, cells in grid.lanes.items():
        if lane == "action":
            continue  # the step header is the customer action
        title = (f"{kpi_label} of the reason" + (" today" if grid.future else "")) if lane == "kpi" else LANES[lane]
        out.append(f"<div class='jg-lane' data-lane-title='{lane}'><span class='jg-text'>{html.escape(title)}"
                   "</span></div>")
        if lane in grid.whole_journey and not any(c.lines for c in cells):
            out.append(_whole(grid, lane, n))
            continue
        for i, cell in enumerate(cells):
            if lane == "emotion":
                out.append(_emotion_cell(grid, i))
            elif lane == "kpi" and cell.colour:
                value, *count = (html.escape(x) for x in cell.lines)
                n_line = f"<br><span class='jg-n'>{count[0]}</span>" if count else ""
                out.append(f"<div class='jg-kpi' data-lane='kpi' style='background:{cell.colour};"
                           f"color:{text_colour(cell.colour)}'><span class='jg-line jg-text'>{value}{n_line}"
                           "</span></div>")
            else:
                out.append(f"<div data-lane='{lane}'>{_lines(cell)}</div>")
        if lane in grid.whole_journey and any(c.lines for c in cells):
            out.append("<div class='jg-lane'><span class='jg-text'>… for the whole journey</span></div>")
            out.append(_whole(grid, lane, n))
    out.append("</div>")
    out.append(f"<div class='jg-legend'><span style='color:{EXPERIENCED}'>━ experienced emotion</span>"
               f"<span style='color:{TARGET}'>╍ target emotion</span><span>(−2 … +2; the cell shows "
               "experienced / target)</span><span style='color:#8a5a00'>★ moment of truth</span>"
               f"<span>KPI colours: {html.escape(kpi_label)} of each step's reason over this journey</span>"
               + ("<span><b>A future design:</b> the strip shows today's figures of the reasons it uses, not "
                  "contacts of the design</span>" if grid.future else "") + "</div>")
    out.append("</div>")
    return "".join(out)
