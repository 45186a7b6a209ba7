"""Round trips: model → YAML/Excel → model is the same model, and YAML export is byte-stable."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from ix_strategies import models, snapshot

from workbench.interchange import (
    ImportRejected,
    model_from_yaml_text,
    model_to_yaml,
    read_excel,
    read_model,
    read_yaml,
    write_excel,
    write_model,
    write_yaml,
)
from workbench.model import Model

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
no_tmp_check = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=150, deadline=None, suppress_health_check=no_tmp_check)
@given(m=models())
def test_yaml_round_trip_gives_the_same_model(m: Model, tmp_path):
    path = tmp_path / "model.yaml"
    write_yaml(m, path)
    assert snapshot(read_yaml(path)) == snapshot(m)


@settings(max_examples=30, deadline=None, suppress_health_check=no_tmp_check)
@given(m=models(max_items=2))
def test_excel_round_trip_gives_the_same_model(m: Model, tmp_path):
    path = tmp_path / "model.xlsx"
    write_excel(m, path)
    assert snapshot(read_excel(path)) == snapshot(m)


@settings(max_examples=60, deadline=None)
@given(m=models())
def test_export_import_export_gives_identical_yaml(m: Model):
    first = model_to_yaml(m)
    assert model_to_yaml(model_from_yaml_text(first)) == first


def test_yaml_output_follows_the_documented_layout(model):
    text = model_to_yaml(model)
    assert text.startswith("format: journey-workbench/1\nname: Small Co\nlanguage: en\n\nstages:\n  - id: becoming\n")
    assert "  - {id: web, label: Website, digital: true}\n" in text
    # optional keys at their default are left out; the step without a reason has no reason key
    assert "strategic_weight" not in text and "moment_of_truth: false" not in text
    assert text.endswith("      - id: join-3\n        label: Calls about the order\n        channel: phone\n")
    assert "    reasons: [change-details, place-order]\n" in text


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.yaml")))
def test_templates_read_and_survive_both_formats(template, tmp_path):
    m = read_yaml(TEMPLATES / template)
    assert model_to_yaml(model_from_yaml_text(model_to_yaml(m))) == model_to_yaml(m)
    write_excel(m, tmp_path / "t.xlsx")
    assert snapshot(read_excel(tmp_path / "t.xlsx")) == snapshot(m)


def test_read_model_and_write_model_dispatch_on_the_extension(model, tmp_path):
    for name in ("m.yaml", "m.yml", "m.XLSX"):
        write_model(model, tmp_path / name)
        assert snapshot(read_model(tmp_path / name)) == snapshot(model)
    with pytest.raises(ImportRejected) as caught:
        read_model(tmp_path / "model.json")
    assert "unknown file type .json: use .yaml, .yml or .xlsx" in str(caught.value)
    with pytest.raises(ImportRejected):
        write_model(model, tmp_path / "model.txt")
    assert not (tmp_path / "model.txt").exists()
