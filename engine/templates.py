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
