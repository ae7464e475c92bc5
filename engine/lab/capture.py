"""Run one sample through the project's model and keep what given layers saw and made.

torch is imported lazily: the lab panel imports the stepper modules at start-up, and only
the jobs (on the worker) reach this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.lab.errors import LabError

TRAINED = "trained weights"
UNTRAINED = "initial weights (untrained)"


@dataclass
class LabModel:
    project: Any  # engine.project.Project
    model: Any    # torch.fx.GraphModule in eval mode
    weights_note: str


def load_model(project_text: str, weights: Mapping[str, np.ndarray] | None) -> LabModel:
    """The project's model with `weights`, or the seeded initial weights training starts
    from when there are none; every failure is one LabError sentence."""
    from engine.inspect.jobs import load_fitting
    from engine.model import model_from_project
    from engine.project import ProjectError
    from engine.training.session import SessionError
    from engine.weights import WeightsError

    try:
        project, model = model_from_project(project_text, None)
        if weights:
            # The document's trained weights may leave out stale or untrained layers,
            # which keep their initial weights.
            load_fitting(model, dict(weights))
    except (ProjectError, SessionError, WeightsError) as exc:
        raise LabError(str(exc)) from None
    return LabModel(project, model, TRAINED if weights else UNTRAINED)


def sample_tensor(project: Any, image: np.ndarray, stats: Mapping[str, Any] | None) -> Any:
    """One raw sample (C, H, W) -> the (1, C, H, W) float tensor the network is fed,
    preprocessed exactly as training does (the project's mode, the training statistics)."""
    from engine.analysis import analyse
    from engine.data.preprocess import to_tensor
    from engine.data.stats import ChannelStats
    from engine.training.session import preprocessing

    image = np.asarray(image)
    analysis = analyse(project.graph)
    want = analysis.input_shape
    if image.ndim != 3:
        raise LabError(f"A sample must be one image (channels x height x width), not an array "
                       f"of shape {image.shape}; pick a sample from the data set.")
    if want is not None and tuple(image.shape) != tuple(want):
        have = "x".join(map(str, image.shape))
        need = "x".join(map(str, want))
        raise LabError(f"The sample is {have} but the network's Input is {need}; set the Input "
                       f"to {have} or choose a data set of {need} images.")
    prep = preprocessing(project)
    channels = image.shape[0]
    chan_stats = (ChannelStats.from_dict(stats) if stats is not None
                  else ChannelStats([0.0] * channels, [1.0] * channels))
    return to_tensor(image[None], prep, chan_stats)


def layer_io(model: Any, x: Any, node_ids: list[str], train: bool = False,
             seed: int | None = None) -> dict[str, tuple[Any, Any]]:
    """{node_id: (input tensor, output tensor)} for one forward pass (batch kept). The
    model's mode is restored and the hooks removed whatever happens."""
    import torch

    found: dict[str, tuple[Any, Any]] = {}
    hooks = []
    was_training = model.training
    try:
        for nid in node_ids:
            try:
                sub = model.get_submodule(nid)
            except AttributeError:
                raise LabError(f"Layer '{nid}' is not part of the built network (it does not "
                               f"lead to the Output); connect it or pick another layer.") from None
            hooks.append(sub.register_forward_hook(
                lambda m, i, o, nid=nid: found.__setitem__(nid, (i[0].detach(), o.detach()))))
        model.train(train)
        if seed is not None:
            torch.manual_seed(seed)
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    return found


def module_of(model: Any, node_id: str) -> Any:
    try:
        return model.get_submodule(node_id)
    except AttributeError:
        raise LabError(f"Layer '{node_id}' is not part of the built network; pick another "
                       f"layer.") from None


def lab_kind(project: Any, node_id: str) -> str:
    """The spec's lab field of `node_id` (LabError if there is no such layer)."""
    node = project.graph.nodes.get(node_id)
    if node is None:
        raise LabError(f"The network has no layer '{node_id}'; pick one of its layers.")
    return node.spec.lab
