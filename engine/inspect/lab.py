"""The vanishing-gradient lab: train several projects one after the other (same data,
same seed) and record each one's per-layer gradient norms and loss as it trains.

`compare_gradient_flow(...)` is a one-shot job (app/jobs.py) returning plain data; the
Diagnose panel's "Compare" shows its result side by side, and a slow engine test checks
the tutorial's claim with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Progress = Callable[[float, str], None]
SAMPLES_PER_EPOCH = 40  # gradient-norm samples per epoch per run: a smooth enough strip


def record_run(project_text: str, epochs: int = 1, dataset: Any = None,
               progress: Callable[[float], None] | None = None,
               threads: int | None = None) -> dict[str, Any]:
    """Train one project for `epochs` and return {"name", "layers", "steps", "grad_norm"
    (samples x layers), "loss_steps", "loss", "val_acc"}."""
    from engine.inspect.diagnostics import gradient_flow
    from engine.project import parse_project
    from engine.training.events import BatchEnd, EpochEnd, Failed
    from engine.training.session import make_trainer, prepare_run

    project = parse_project(project_text, "project")
    overrides: dict[str, Any] = {"epochs": epochs}
    if threads:
        overrides["threads"] = threads
    setup = prepare_run(project, dataset, overrides)
    trainer = make_trainer(setup)
    every = max(1, trainer.steps_per_epoch // SAMPLES_PER_EPOCH)
    layers: list[str] = []
    steps: list[int] = []
    norms: list[list[float]] = []
    loss_steps: list[int] = []
    losses: list[float] = []
    val_acc: float | None = None
    for event in trainer.run():
        if isinstance(event, BatchEnd):
            loss_steps.append(event.step)
            losses.append(event.loss)
            if event.step % every == 0 or event.step == 1:
                flow = gradient_flow(trainer.model)
                layers = layers or flow["layers"]
                steps.append(event.step)
                norms.append(flow["grad_norm"])
            if progress is not None:
                progress(event.step / event.total_steps)
        elif isinstance(event, EpochEnd):
            val_acc = event.val_acc
        elif isinstance(event, Failed):
            raise ValueError(f"Training {project.name!r} failed: {event.message}")
    return {"name": project.name, "layers": layers, "steps": np.asarray(steps, np.int64),
            "grad_norm": np.asarray(norms, np.float64), "loss_steps": np.asarray(loss_steps),
            "loss": np.asarray(losses, np.float64), "val_acc": val_acc}


def compare_gradient_flow(projects: list[str], epochs: int = 1,
                          progress: Progress | None = None,
                          threads: int | None = None) -> list[dict[str, Any]]:
    """record_run for each project text, one after the other, on the first one's data set
    (loaded once)."""
    from engine.project import parse_project
    from engine.training.session import SessionError, load_project_data

    if not projects:
        raise ValueError("Compare needs at least one project.")
    try:
        dataset = load_project_data(parse_project(projects[0], "project"))
    except SessionError as exc:
        raise ValueError(str(exc)) from None
    results = []
    for i, text in enumerate(projects):
        def part(fraction: float, i: int = i) -> None:
            if progress is not None:
                progress((i + fraction) / len(projects), f"Training run {i + 1} of {len(projects)}")
        try:
            results.append(record_run(text, epochs, dataset, part, threads))
        except SessionError as exc:
            raise ValueError(str(exc)) from None
    return results
