"""What the process map draws: boxes for the activities (with their counts) and the start and end, arcs
with a width and colour by frequency, an arrowhead and a label, laid out left to right in layers.

The layout is Sugiyama's layered layout (grandalf, pure Python): layers left to right from the start,
cycles broken by reversing arcs, crossings reduced. It depends only on the nodes and arcs given and their
order, so the same map is drawn the same way in every run. Coordinates are in pixels at 100 % zoom.

Examples
--------
>>> from workbench.analysis.process_map import ProcessMap
>>> nodes = pl.DataFrame({"node": ["▶", "a", "b", "■"], "events": [2, 2, 1, 2], "cases": [2, 2, 1, 2]})
>>> arcs = pl.DataFrame({"source": ["▶", "a", "a", "b"], "target": ["a", "b", "■", "■"],
...                      "frequency": [2, 1, 1, 1], "cases": [2, 1, 1, 1],
...                      "median_seconds": [None, 60.0, None, None], "mean_seconds": [None, 60.0, None, None]})
>>> drawn = map_layout(ProcessMap(nodes, arcs, 2, 4, 2), {"a": "I pay"}, "cases")
>>> drawn.nodes.select("node", "text").rows()
[('▶', 'Start\\n2'), ('a', 'I pay\\n2'), ('b', 'b\\n1'), ('■', 'End\\n2')]
>>> x = drawn.nodes["x"].to_list()  # start, a, b, end: left to right
>>> x[0] < x[1] < x[2] < x[3]
True
>>> drawn.arcs.filter(pl.col("target") == "b")["text"].item()
'1'
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import polars as pl

from workbench.analysis.mining import END, START
from workbench.analysis.process_map import ProcessMap

KPIS = {"cases": "Case frequency", "events": "Activity frequency", "median": "Median time between steps",
        "mean": "Mean time between steps"}
KPI_HELP = {"cases": "how many customers (cases) pass through each step and each arrow",
            "events": "how many contacts each step has and how often each arrow is taken (a customer may "
                      "take it twice)",
            "median": "the median time from one contact to the next along each arrow; steps show customers",
            "mean": "the mean time from one contact to the next along each arrow; steps show customers"}
BLUES = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]
REDS = ["#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#a63603", "#7f2704"]
ARC_GREYS = ["#bdbdbd", "#969696", "#737373", "#525252", "#3b3b3b", "#252525"]
BOX_W, BOX_H, END_W, LAYER_GAP, WRAP, MARGIN = 170, 56, 64, 64, 24, 24
MIN_BOX_W, MIN_GAP = 120, 34  # the narrowest box and the closest layers when a map is fitted to a width


@dataclass(frozen=True)
class MapLayout:
    """``nodes``: node, label, text, value, x, y (centre), w, h, fill, text_colour, hover;
    ``arcs``: source, target, value, text, xs, ys (the drawn line), head_xs, head_ys (the arrowhead),
    label_x, label_y, width, colour, hover; the drawing's extent ``x0, x1, y0, y1``
    in pixels (draw it at one pixel per unit: the text is sized for that)."""

    nodes: pl.DataFrame
    arcs: pl.DataFrame
    extent: tuple[float, float, float, float]


def duration(seconds: float | None) -> str:
    """A time span in words short enough for an arc: 45 s, 12 min, 3.4 h, 5.2 d.

    >>> [duration(s) for s in (45, 720, 12_240, 449_280, None)]
    ['45 s', '12 min', '3.4 h', '5.2 d', '']
    """
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return ""
    for unit, size, digits in (("d", 86_400, 1), ("h", 3_600, 1), ("min", 60, 0)):
        if seconds >= size:
            return f"{seconds / size:.{digits}f} {unit}"
    return f"{seconds:.0f} s"


def _shade(palette: list[str], value: float, peak: float) -> tuple[str, int]:
    index = 0 if peak <= 0 else min(len(palette) - 1, int(math.sqrt(max(value, 0) / peak) * (len(palette) - 1)))
    return palette[index], index


def map_layout(pm: ProcessMap, labels: dict[str, str], kpi: str = "cases", *, width: float | None = None) -> MapLayout:
    """Lay out ``pm`` left to right; ``labels`` names the activities (ids not in it are shown as they are);
    ``kpi`` (see :data:`KPIS`) chooses the figure on the arcs (and on the nodes: events for activity
    frequency, cases otherwise). With ``width`` (pixels) the layers move closer and the boxes get narrower
    (down to :data:`MIN_BOX_W`, labels wrapped shorter) until the drawing fits."""
    if kpi not in KPIS:
        raise ValueError(f"kpi must be one of {', '.join(KPIS)}, not {kpi!r}")
    node_value = "events" if kpi == "events" else "cases"
    names = {START: "Start", END: "End", **labels}
    nodes = pm.nodes.with_columns(pl.col("node").replace_strict(names, default=pl.col("node")).alias("label"))
    sizes = {n: (END_W if n in (START, END) else BOX_W, BOX_H) for n in nodes["node"].to_list()}
    centres, routes = _sugiyama(nodes["node"].to_list(), pm.arcs.select("source", "target").rows(), sizes)
    box_w = BOX_W
    if width is not None:
        centres, routes, box_w = _fit(centres, routes, width)
        sizes = {n: (min(w, box_w), h) for n, (w, h) in sizes.items()}
    wrap = max(12, int(WRAP * box_w / BOX_W))
    peak = max(nodes.filter(~pl.col("node").is_in([START, END]))[node_value].max() or 1, 1)
    node_rows = []
    for node, label, value in nodes.select("node", "label", node_value).iter_rows():
        x, y = centres[node]
        w, h = sizes[node]
        fill, level = ("#e5f5e0", 0) if node == START else ("#fee0d2", 0) if node == END else _shade(BLUES, value, peak)
        short = label if node in (START, END) else _wrap(label, wrap)
        node_rows.append((node, label, f"{short}\n{value:,}", value, x, y, w, h, fill,
                          "white" if level >= 5 else "#222", f"{label}: {value:,} "
                          f"{'contacts' if node_value == 'events' else 'customers'}"))
    node_frame = pl.DataFrame(node_rows, orient="row", schema=["node", "label", "text", "value", "x", "y", "w", "h",
                                                               "fill", "text_colour", "hover"])
    column = {"cases": "cases", "events": "frequency", "median": "median_seconds", "mean": "mean_seconds"}[kpi]
    arcs = pm.arcs
    freq_peak = max(arcs["frequency"].max() or 1, 1)
    time_peak = max(arcs[column].max() or 1, 1) if kpi in ("median", "mean") else 1
    pairs = set(arcs.select("source", "target").rows())
    arc_rows = []
    for source, target, frequency, value in arcs.select("source", "target", "frequency",
                                                        pl.col(column).alias("value")).iter_rows():
        path = _route(source, target, centres, sizes, routes, bend=(target, source) in pairs)
        if kpi in ("median", "mean"):
            text = duration(value)
            colour = _shade(REDS, value or 0, time_peak)[0] if value is not None else ARC_GREYS[0]
        else:
            text = f"{value:,}"
            colour = _shade(ARC_GREYS, frequency, freq_peak)[0]
        head = _arrowhead(path)
        lx, ly = _halfway(path)
        hover = f"{names.get(source, source)} → {names.get(target, target)}: {frequency:,} times"
        if kpi in ("median", "mean") and text:
            hover += f", {KPIS[kpi].lower().split(' between')[0]} {text}"
        arc_rows.append((source, target, value, text, [p[0] for p in path], [p[1] for p in path],
                         [p[0] for p in head], [p[1] for p in head], lx, ly,
                         1.0 + 7.0 * math.sqrt(frequency / freq_peak), colour, hover))
    schema = {"source": pl.String, "target": pl.String, "value": pl.Float64, "text": pl.String,
              "xs": pl.List(pl.Float64), "ys": pl.List(pl.Float64), "head_xs": pl.List(pl.Float64),
              "head_ys": pl.List(pl.Float64), "label_x": pl.Float64, "label_y": pl.Float64, "width": pl.Float64,
              "colour": pl.String, "hover": pl.String}
    arc_frame = pl.DataFrame(arc_rows, orient="row", schema=schema)
    left = [x - sizes[n][0] / 2 for n, (x, _) in centres.items()]
    right = [x + sizes[n][0] / 2 for n, (x, _) in centres.items()]
    xs = [x for path in arc_frame["xs"].to_list() for x in path]
    ys = [c[1] for c in centres.values()] + [y for path in arc_frame["ys"].to_list() for y in path] or [0.0]
    extent = (min([*left, *xs], default=0.0) - MARGIN, max([*right, *xs], default=0.0) + MARGIN,
              min(ys) - BOX_H / 2 - MARGIN, max(ys) + BOX_H / 2 + 30 + MARGIN)  # room above for a repeat's loop
    return MapLayout(node_frame, arc_frame, extent)


def _wrap(label: str, chars: int = WRAP) -> str:
    lines = textwrap.wrap(label, chars) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), chars, placeholder=" …")]
    return "\n".join(lines)


def _fit(centres: dict, routes: dict, width: float):
    """Centres and routes with the layers moved closer (and the box width that leaves) to fit ``width``."""
    xs = [c[0] for c in centres.values()]
    low, high = min(xs), max(xs)
    layers = len({round(x) for x in xs})
    if layers < 2 or high - low + BOX_W + 2 * MARGIN <= width:
        return centres, routes, BOX_W
    pitch = (high - low) / (layers - 1)
    new_pitch = (width - 2 * MARGIN - BOX_W) / (layers - 1)
    box_w = float(BOX_W)
    if new_pitch - MIN_GAP < BOX_W:
        new_pitch = (width - 2 * MARGIN + MIN_GAP) / layers
        box_w = max(MIN_BOX_W, new_pitch - MIN_GAP)
        new_pitch = max(new_pitch, box_w + MIN_GAP)
    scale = new_pitch / pitch

    def moved(point):
        return (low + (point[0] - low) * scale, point[1])

    return ({n: moved(c) for n, c in centres.items()},
            {k: [moved(p) for p in points] for k, points in routes.items()}, box_w)


def _sugiyama(nodes: list[str], arcs: list[tuple[str, str]], sizes: dict[str, tuple[float, float]]):
    """Centres (x, y) of the nodes, left to right, and the routed points of each arc (by (source, target))."""
    from grandalf.graphs import Edge, Vertex, graph_core
    from grandalf.layouts import SugiyamaLayout

    class _Box:
        def __init__(self, w: float, h: float):
            self.w, self.h, self.xy = w, h, (0.0, 0.0)  # grandalf lays out top-down: w across, h along

    class _Line:
        points: list = []

        def setpath(self, points):
            self.points = points

    vertices = {n: Vertex(n) for n in nodes}
    for n, v in vertices.items():
        v.view = _Box(sizes[n][1], BOX_W)  # every layer as wide as a box, so layers keep one pitch
    edges = {}
    for s, t in arcs:
        if s != t and s in vertices and t in vertices:
            edges[(s, t)] = Edge(vertices[s], vertices[t])
            edges[(s, t)].view = _Line()
    components = []
    for part in _components(nodes, list(edges)):  # grandalf's own split orders vertices by memory address
        members = set(part)
        components.append(graph_core([vertices[n] for n in part],
                                     [e for (s, t), e in edges.items() if s in members]))
    for component in components:
        layout = SugiyamaLayout(component)
        layout.xspace, layout.yspace = 36, LAYER_GAP
        roots = [v for v in component.sV if v.data == START] or None
        layout.init_all(roots=roots)
        layout.draw(4)
    # place the components one below the other (a node without arcs is a component of its own)
    centres, shift, offset = {}, {}, 0.0
    for component in components:
        across = [v.view.xy[0] for v in component.sV]
        low = min(across)
        for v in component.sV:
            shift[v.data] = offset - low
            centres[v.data] = (v.view.xy[1], -(v.view.xy[0] + shift[v.data]))
        offset += max(across) - low + BOX_H * 2
    routes = {key: [(p[1], -(p[0] + shift[key[0]])) for p in e.view.points] for key, e in edges.items()}
    return centres, routes


def _components(nodes: list[str], arcs: list[tuple[str, str]]) -> list[list[str]]:
    """The connected parts of the graph, each in the order of ``nodes``, by their first node."""
    part = {n: n for n in nodes}

    def root(n: str) -> str:
        while part[n] != n:
            n = part[n]
        return n

    for s, t in arcs:
        part[root(s)] = root(t)
    grouped: dict[str, list[str]] = {}
    for n in nodes:
        grouped.setdefault(root(n), []).append(n)
    return list(grouped.values())


def _route(source: str, target: str, centres, sizes, routes, *, bend: bool) -> list[tuple[float, float]]:
    """The drawn line of an arc: a loop above the box for a repeat, else the routed points, clipped to the
    boxes' borders, bent to the right of the travel direction when the opposite arc is drawn too."""
    x, y = centres[source]
    w, h = sizes[source]
    if source == target:
        steps = 14
        return [(x + w / 4 + 14 * math.cos(a), y + h / 2 + 22 * math.sin(a))
                for a in (math.pi * i / steps for i in range(steps + 1))][::-1]
    points = list(routes.get((source, target)) or [centres[source], centres[target]])
    if points[0] != centres[source]:  # grandalf routed the reversed arc: reverse the points back
        points = points[::-1]
    if bend or len(points) == 2:
        (x0, y0), (x1, y1) = points[0], points[-1]
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy) or 1.0
        off = 22.0 if bend else 0.0
        points = [points[0], ((x0 + x1) / 2 + off * dy / length, (y0 + y1) / 2 - off * dx / length), points[-1]]
    points[0] = _clip(points[1], centres[source], sizes[source])
    points[-1] = _clip(points[-2], centres[target], sizes[target])
    return _smooth(points)


def _clip(outside: tuple[float, float], centre: tuple[float, float], size: tuple[float, float]):
    """Where the segment from ``centre`` to ``outside`` leaves the box of ``size`` around ``centre``."""
    (ox, oy), (cx, cy), (w, h) = outside, centre, size
    dx, dy = ox - cx, oy - cy
    if dx == dy == 0:
        return centre
    scale = min((w / 2) / abs(dx) if dx else math.inf, (h / 2) / abs(dy) if dy else math.inf)
    return (cx + dx * min(scale, 1.0), cy + dy * min(scale, 1.0))


def _smooth(points: list[tuple[float, float]], rounds: int = 3) -> list[tuple[float, float]]:
    """Chaikin's corner cutting, keeping the end points."""
    for _ in range(rounds):
        if len(points) < 3:
            return points
        cut = [points[0]]
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            cut += [(0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1), (0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1)]
        points = [*cut[:1], *cut[2:-1], points[-1]]
    return points


def _arrowhead(path: list[tuple[float, float]], size: float = 11.0) -> list[tuple[float, float]]:
    (x0, y0), (x1, y1) = path[-2], path[-1]
    angle = math.atan2(y1 - y0, x1 - x0)
    return [(x1, y1), *((x1 - size * math.cos(angle + s), y1 - size * math.sin(angle + s)) for s in (0.4, -0.4))]


def _halfway(path: list[tuple[float, float]]) -> tuple[float, float]:
    lengths = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(path, path[1:], strict=False)]
    remaining = sum(lengths) / 2
    for (a, b), length in zip(zip(path, path[1:], strict=False), lengths, strict=True):
        if remaining <= length and length:
            t = remaining / length
            return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
        remaining -= length
    return path[-1]
