"""From a project to a ready-to-run Trainer: load data, check shapes, build the model.

Shared by the editor's training controller and the headless `netcanvas train`, so both
train exactly the same thing. Every problem is a SessionError with one clear sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.analysis import Analysis, analyse
from engine.data import (
    ArrayDataset,
    DataError,
    DataSource,
    PreparedData,
    Preprocessing,
    augment_batch,
    load_dataset,
    prepare,
    project_source,
)
from engine.model import BuildError, build_model
from engine.project import Project
from engine.training.checkpoint import Checkpoint
from engine.training.control import TrainControl
from engine.training.loop import Trainer
from engine.training.settings import SETTINGS_PREFIX, TrainError, TrainSettings, settings_for


class SessionError(Exception):
    """The run cannot start; the message says what to fix."""


@dataclass
class RunSetup:
    project: Project
    dataset: ArrayDataset
    preprocessing: Preprocessing
    data: PreparedData
    settings: TrainSettings
    analysis: Analysis
    model: Any  # torch.fx.GraphModule


def data_source(project: Project) -> DataSource:
    try:
        return project_source(project.data)
    except DataError as exc:
        raise SessionError(str(exc)) from None


def preprocessing(project: Project) -> Preprocessing:
    raw = project.data.get("preprocessing") if project.data else None
    try:
        return Preprocessing.from_dict(raw) if raw else Preprocessing()
    except (DataError, ValueError) as exc:
        raise SessionError(f"Preprocessing settings: {exc}") from None


def train_settings(project: Project, overrides: dict[str, Any] | None = None) -> TrainSettings:
    try:
        return settings_for(project.training, overrides)
    except (TrainError, ValueError) as exc:
        raise SessionError(f"{SETTINGS_PREFIX}{exc}") from None


def load_project_data(project: Project) -> ArrayDataset:
    try:
        return load_dataset(data_source(project))
    except DataError as exc:
        raise SessionError(str(exc)) from None


def prepare_run(project: Project, dataset: ArrayDataset | None = None,
                overrides: dict[str, Any] | None = None) -> RunSetup:
    """Check the network against the data and build everything a Trainer needs.

    The model's initial weights come from the settings' seed, so the same project trains
    the same way in the editor and from the command line."""
    settings = train_settings(project, overrides)
    dataset = dataset if dataset is not None else load_project_data(project)
    analysis = analyse(project.graph, dataset.image_shape, dataset.num_classes)
    if not analysis.valid:
        raise SessionError("The network cannot be trained yet: " + " ".join(analysis.errors))
    model = seeded_model(project, analysis, settings.seed)
    prep = preprocessing(project)
    try:
        data = prepare(dataset, prep)
    except DataError as exc:
        raise SessionError(str(exc)) from None
    return RunSetup(project, dataset, prep, data, settings, analysis, model)


def seeded_model(project: Project, analysis: Any = None, seed: int | None = None) -> Any:
    """The project's model with the initial weights its training starts from (the
    settings' seed), so a run, an untrained inspection and an untrained export agree."""
    import torch

    if seed is None:
        seed = train_settings(project).seed
    torch.manual_seed(seed)
    try:
        return build_model(project.graph, analysis)
    except BuildError as exc:
        raise SessionError(str(exc)) from None


def make_trainer(setup: RunSetup, control: TrainControl | None = None,
                 checkpoint: Checkpoint | None = None) -> Trainer:
    prep = setup.preprocessing
    augment = None
    if prep.flip or prep.crop_padding:
        def augment(x, generator):  # noqa: ANN001, ANN202 - matches Trainer's Augment type
            return augment_batch(x, prep, generator)
    d = setup.data
    # A validation fraction of 0 leaves an empty split: train without validation then.
    has_val = d.x_val is not None and len(d.x_val) > 0
    x_val, y_val = (d.x_val, d.y_val) if has_val else (None, None)
    try:
        return Trainer(setup.model, setup.settings, d.x_train, d.y_train, x_val, y_val,
                       augment=augment, control=control, checkpoint=checkpoint)
    except TrainError as exc:
        raise SessionError(str(exc)) from None
