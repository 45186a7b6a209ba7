"""The agenda commands on the demo: opportunities valued and added, monitoring finds the generated effects."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from workbench.cli import app

runner = CliRunner()


def run(*args, code: int = 0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, f"exit {result.exit_code}:\n{result.output}\n{result.exception!r}"
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from workbench.demo import build_demo

    path = tmp_path_factory.mktemp("act") / "ws"
    build_demo(path, events=150_000, seed=7).close()
    return path


def test_the_agenda_lists_the_demo_opportunities_with_why(demo):
    shown = run("opportunities", demo).output
    assert "A first bill customers understand" in shown and "is worth" in shown
    assert shown.index("A first bill customers understand") < shown.index("Payment plans in My Account")


def test_adding_from_a_file_and_removing(demo, tmp_path):
    (tmp_path / "o.yaml").write_text("opportunities:\n  - title: Fewer repair visits\n    reasons: [repair-device]\n"
                                     "    effort: 3\n")
    assert "Fewer repair visits" in run("opportunities", demo, "--add", tmp_path / "o.yaml").output
    (tmp_path / "bad.yaml").write_text("opportunities:\n  - title: x\n    reasons: [repair-devise]\n")
    refused = run("opportunities", demo, "--add", tmp_path / "bad.yaml", code=1).output
    assert "line 3" in refused and "did you mean 'repair-device'" in refused
    assert "Fewer repair visits" not in run("opportunities", demo, "--remove", "fewer-repair-visits").output


def test_monitoring_finds_both_live_solutions_effects(demo):
    shown = run("monitor", demo).output
    assert "corrected by same months a year earlier" in shown
    assert shown.count("realised") == 2
    one = run("monitor", demo, "--solution", "explained-first-bill").output
    realised = next(line for line in one.splitlines() if line.startswith("│ volume"))
    assert "%" in realised.split("│")[-2]
    assert realised.split("│")[5].strip() == "-30.0%"  # the expected effect in the effect's unit, not -0.3
    assert "did you mean" in run("monitor", demo, "--solution", "outage-mapp", code=2).output
