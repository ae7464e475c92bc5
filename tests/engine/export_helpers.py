"""Shared by the export tests: templates with non-initial weights and their in-app logits."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from engine.analysis import analyse
from engine.export.samples import verification_samples
from engine.export.verify import BATCH_SIZES, Case, batches_of
from engine.export.writers import write_format
from engine.project import Project, dumps
from engine.templates import load_template

TEMPLATES = ("linear_classifier", "lenet5", "residual_small")


def perturbed_weights(project: Project, seed: int = 1) -> dict[str, np.ndarray]:
    """Initial weights moved by seeded noise, so a test cannot pass on the init alone;
    BatchNorm running variances stay positive."""
    from engine.model import model_from_project, model_weights

    _, model = model_from_project(dumps(project))
    rng = np.random.default_rng(seed)
    out = {}
    for name, value in model_weights(model).items():
        if value.dtype.kind == "f":
            noise = rng.standard_normal(value.shape).astype(value.dtype) * 0.1
            value = np.abs(value + noise) + 0.5 if name.endswith("running_var") else value + noise
        out[name] = value
    return out


def in_app_logits(project: Project, weights: dict[str, np.ndarray],
                  batches: list[np.ndarray]) -> list[np.ndarray]:
    import torch

    from engine.model import model_from_project

    _, model = model_from_project(dumps(project), weights)
    with torch.no_grad():
        return [model(torch.from_numpy(b)).numpy() for b in batches]


@functools.cache
def _template_inputs(key: str, trained: bool) -> tuple[dict[str, np.ndarray], list[np.ndarray],
                                                       list[np.ndarray]]:
    """(weights, batches, in-app logits) per template, computed once per test session:
    generating the shapes data set and building models dominate otherwise."""
    from engine.model import model_from_project, model_weights

    project = load_template(key)
    analysis = analyse(project.graph)
    if trained:
        weights = perturbed_weights(project)
    else:
        weights = model_weights(model_from_project(dumps(project))[1])
    samples, _ = verification_samples(project, tuple(analysis.input_shape))
    batches = batches_of(samples, BATCH_SIZES)
    return weights, batches, in_app_logits(project, weights, batches)


def written_cases(fmt, folder: Path, trained: bool = True) -> list[Case]:  # noqa: ANN001
    """Each test template written in `fmt` into its own subfolder of `folder`, as cases."""
    cases = []
    for key in TEMPLATES:
        project = load_template(key)
        analysis = analyse(project.graph)
        weights_used, batches, expected = _template_inputs(key, trained)
        out = folder / key
        out.mkdir()
        main = out / f"{key}{fmt.suffix}"
        written = write_format(fmt, project, analysis, weights_used, main, trained)
        cases.append(Case(fmt.name, main, batches, expected,
                          weights=written.get("init_weights"),
                          helper_source=written.get("helper")))
    return cases
