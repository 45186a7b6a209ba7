"""The process map's layout: left to right from start to end, boxes apart, the same in every run; the KPI
switch's texts and colours."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import polars as pl
import pytest

from workbench.analysis.mining import END, START, order_events
from workbench.analysis.process_map import process_map
from workbench.display.process_map import map_layout

T0 = datetime(2026, 1, 1)
PATHS = {"c1": "abc", "c2": "ac", "c3": "abbc", "c4": "b", "c5": "abd", "c6": "adc"}
LABELS = {"a": "I compare offers", "b": "I place an order", "c": "I pay my first bill",
          "d": "I check whether there is a known outage in my street"}


def drawn(kpi="cases", width=None, **cut):
    rows = [(case, act, T0 + timedelta(hours=i * (1 + (case == "c3"))))
            for case, path in PATHS.items() for i, act in enumerate(path)]
    log = pl.DataFrame(rows, schema=["customer_id", "reason", "timestamp"], orient="row")
    return map_layout(process_map(order_events(log), **cut), LABELS, kpi, width=width)


def test_left_to_right_from_start_to_end_and_boxes_apart():
    layout = drawn()
    x = dict(zip(layout.nodes["node"], layout.nodes["x"], strict=True))
    assert x[START] < x["a"] < x["b"] < x["c"] < x[END]
    assert len(set(x.values())) >= 4
    boxes = layout.nodes.select("x", "y", "w", "h").rows()
    for i, (x0, y0, w0, h0) in enumerate(boxes):
        for x1, y1, w1, h1 in boxes[i + 1:]:
            assert abs(x0 - x1) >= (w0 + w1) / 2 or abs(y0 - y1) >= (h0 + h1) / 2  # no two boxes overlap
    x0, x1, y0, y1 = layout.extent
    every_x = [*layout.nodes["x"], *(v for xs in layout.arcs["xs"] for v in xs)]
    every_y = [*layout.nodes["y"], *(v for ys in layout.arcs["ys"] for v in ys)]
    assert x0 < min(every_x) and max(every_x) < x1 and y0 < min(every_y) and max(every_y) < y1


def test_labels_wrapped_counts_on_boxes_and_arcs():
    layout = drawn()
    text = dict(zip(layout.nodes["node"], layout.nodes["text"], strict=True))
    assert text["a"] == "I compare offers\n5" and text[START] == "Start\n6" and text[END] == "End\n6"
    assert text["d"] == "I check whether there is\na known outage in my …\n2"
    arcs = {(s, t): v for s, t, v in layout.arcs.select("source", "target", "text").iter_rows()}
    assert arcs[("a", "b")] == "3" and arcs[(START, "a")] == "5" and arcs[("b", "b")] == "1"


def test_a_repeat_is_a_loop_above_its_box_and_arcs_end_on_box_borders():
    layout = drawn()
    box = layout.nodes.filter(pl.col("node") == "b").row(0, named=True)
    loop = layout.arcs.filter((pl.col("source") == "b") & (pl.col("target") == "b")).row(0, named=True)
    assert min(loop["ys"]) >= box["y"] + box["h"] / 2 - 1e-9
    arc = layout.arcs.filter((pl.col("source") == "a") & (pl.col("target") == "b")).row(0, named=True)
    a = layout.nodes.filter(pl.col("node") == "a").row(0, named=True)
    for (x, y), node in (((arc["xs"][0], arc["ys"][0]), a), ((arc["xs"][-1], arc["ys"][-1]), box)):
        dx, dy = abs(x - node["x"]), abs(y - node["y"])
        assert dx <= node["w"] / 2 + 1e-9 and dy <= node["h"] / 2 + 1e-9  # on the border, not inside
        assert dx == pytest.approx(node["w"] / 2) or dy == pytest.approx(node["h"] / 2)
    assert arc["xs"][0] < arc["xs"][-1]


def test_width_and_colour_follow_frequency_and_the_kpi_switch():
    layout = drawn()
    width = dict(zip(zip(layout.arcs["source"], layout.arcs["target"], strict=True), layout.arcs["width"], strict=True))
    assert width[(START, "a")] == pytest.approx(8.0) and width[("b", "b")] < width[("a", "b")] < width[(START, "a")]
    fills = dict(zip(layout.nodes["node"], layout.nodes["fill"], strict=True))
    assert fills["a"] != fills["d"]
    timed = drawn("median")
    texts = {(s, t): v for s, t, v in timed.arcs.select("source", "target", "text").iter_rows()}
    assert texts[("a", "b")] == "1.0 h" and texts[(START, "a")] == ""  # c1 1 h, c3 2 h, c5 1 h
    mean = {(s, t): v for s, t, v in drawn("mean").arcs.select("source", "target", "text").iter_rows()}
    assert mean[("a", "b")] == "1.3 h"
    events = drawn("events")
    assert dict(zip(events.nodes["node"], events.nodes["value"], strict=True))["b"] == 5  # 4 customers, c3 twice
    with pytest.raises(ValueError, match="kpi must be one of"):
        drawn("throughput")


SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
from display.test_process_map_layout import drawn
layout = drawn(activities=3, arcs=5)
print(json.dumps(layout.nodes.select("node", "x", "y").rows()))
"""


def test_the_layout_is_the_same_in_every_run():
    first, second = drawn(), drawn()
    assert first.nodes.equals(second.nodes) and first.arcs.equals(second.arcs)
    tests = os.path.dirname(os.path.dirname(__file__))
    runs = [subprocess.run([sys.executable, "-c", SCRIPT.format(tests=tests)], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout for seed in ("1", "2")]
    assert json.loads(runs[0]) == json.loads(runs[1])
    assert len(json.loads(runs[0])) == 5  # start, three steps, end


def test_fitted_to_a_width_the_layers_move_closer_and_boxes_narrow():
    natural, fitted = drawn(), drawn(width=1000)
    assert natural.extent[1] - natural.extent[0] > 1200
    assert fitted.extent[1] - fitted.extent[0] <= 1000 + 1e-6
    boxes = fitted.nodes.filter(~pl.col("node").is_in([START, END])).select("x", "w").rows()
    assert 120 <= boxes[0][1] < 170 and len({w for _, w in boxes}) == 1
    xs = sorted({x for x, _ in boxes})
    assert all(b - a >= boxes[0][1] + 34 - 1e-6 for a, b in zip(xs, xs[1:], strict=False))  # boxes apart
    assert drawn(width=5000).nodes.equals(natural.nodes)  # wide enough: unchanged
