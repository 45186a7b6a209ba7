"""Industry life cycle model templates (YAML files in the project's ``templates/`` folder)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.model import Model, did_you_mean
from workbench.resources import resource_dir


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    title: str
    language: str
    stages: int
    phases: int
    reasons: int
    journeys: int
    path: Path


def template_paths() -> dict[str, Path]:
    """Template name (file stem) → path, sorted by name."""
    return {p.stem: p for p in sorted(resource_dir("templates").glob("*.yaml"))}


def load_template(name: str) -> Model:
    """The model of template ``name`` (e.g. ``telecom``); unknown names get a "did you mean"."""
    paths = template_paths()
    if name not in paths:
        raise KeyError(f"no template '{name}'{did_you_mean(name, paths)}; available: {', '.join(paths)}")
    from workbench.interchange import read_yaml

    return read_yaml(paths[name])


def list_templates() -> list[TemplateInfo]:
    """Every template with its counts."""
    out = []
    for name, path in template_paths().items():
        m = load_template(name)
        out.append(TemplateInfo(name, m.name, m.language, len(m.stages), len(m.phases), len(m.reasons),
                                len(m.journeys), path))
    return out
