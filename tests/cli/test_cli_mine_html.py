"""``workbench mine LOG --html map.html``: the process map as one HTML page that opens offline."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timedelta

import polars as pl
from real_logs import real_log
from typer.testing import CliRunner

from workbench.cli import app

runner = CliRunner()


def run(*args, code: int = 0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, f"exit {result.exit_code}:\n{result.output}\n{result.exception!r}"
    return result


def node_labels(page: str) -> list[str]:
    """The labels in the page's process-map-nodes data source (Bokeh's embedded document JSON)."""
    blob = re.search(r'<script type="application/json" id="[^"]+">\s*(.*?)\s*</script>', page, re.S).group(1)
    found = []

    def walk(value):
        if isinstance(value, dict):
            if value.get("name") == "process-map-nodes":  # the source's attributes
                found.extend(dict(value["data"]["entries"])["label"])
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(json.loads(html.unescape(blob)))  # Bokeh escapes the document JSON inside its script tag
    return found


def test_a_csv_log_as_an_offline_map(tmp_path):
    t0 = datetime(2026, 1, 1)
    rows = [("c1", "Register", 0), ("c1", "Check <b>", 1), ("c1", "Pay", 2), ("c2", "Register", 0), ("c2", "Pay", 1)]
    pl.DataFrame({"case": [r[0] for r in rows], "step": [r[1] for r in rows],
                  "timestamp": [t0 + timedelta(hours=r[2]) for r in rows]}).write_csv(tmp_path / "log.csv")
    target = tmp_path / "new folder" / "map.html"
    result = run("mine", tmp_path / "log.csv", "--case", "case", "--activity", "step", "--html", target)
    assert "process map written to" in result.output
    page = target.read_text(encoding="utf-8")
    assert "cdn.bokeh.org" not in page and "Bokeh.embed" in page  # BokehJS inline: opens without internet
    assert sorted(node_labels(page)) == ["Check <b>", "End", "Pay", "Register", "Start"]
    assert "<b>" not in page.split("<title>")[1].split("</title>")[0]
    assert "Process map of log.csv: 2 cases" in page


def test_the_helpdesk_log_cut_to_the_most_frequent_steps(tmp_path):
    target = tmp_path / "help.html"
    run("mine", real_log("helpdesk.xes.gz"), "--html", target, "--steps", "4", "--arrows", "6", "--map-kpi", "median")
    labels = node_labels(target.read_text(encoding="utf-8"))
    assert len(labels) == 6 and {"Start", "End", "Assign seriousness", "Closed"} <= set(labels)


def test_bad_map_options_and_a_folder_in_the_way(tmp_path):
    log = real_log("helpdesk.xes.gz")
    assert "--map-kpi must be one of" in run("mine", log, "--html", tmp_path / "m.html", "--map-kpi", "speed",
                                             code=2).output
    (tmp_path / "taken.html").mkdir()
    refused = runner.invoke(app, ["mine", str(log), "--html", str(tmp_path / "taken.html")])
    assert refused.exit_code != 0 and "taken.html" in refused.output and "Traceback" not in refused.output
