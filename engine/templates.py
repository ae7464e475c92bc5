"""The bundled example projects in resources/templates/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import resources
from engine.project import Project, load_project

TEMPLATE_DIR = Path(resources.__file__).resolve().parent / "templates"
DEFAULT_TEMPLATE = "fashion_two_conv"
# Gallery order: from the tutorial's first model to the most advanced.
ORDER = ("linear_classifier", "mlp", "lenet5", "fashion_two_conv", "fashion_two_conv_bn",
         "deep_mlp_sigmoid", "deep_mlp_relu", "vgg_small", "residual_small")


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    name: str
    description: str
    path: Path


def template_path(key: str) -> Path:
    return TEMPLATE_DIR / f"{key}.json"


def list_templates() -> list[TemplateInfo]:
    out = []
    for key in ORDER:
        project = load_project(template_path(key))
        out.append(TemplateInfo(key, project.name, project.description, template_path(key)))
    return out


def load_template(key: str) -> Project:
    return load_project(template_path(key))


def untitled_name(template_name: str) -> str:
    """What a project made from a template is called until it is saved under a name."""
    return f"Untitled (from {template_name})"


def project_from_template(key: str) -> Project:
    """A new project built from a template: the same network and settings, but named as
    the user's own (the template's name and description describe the template, and stop
    being true as soon as its layers are changed)."""
    project = load_template(key)
    template_name = project.name
    project.name = untitled_name(template_name)
    project.description = f"Started from the {template_name} template."
    return project
