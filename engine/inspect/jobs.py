"""One-shot inspection jobs the GUI submits through app/jobs.py (and the CLI calls): plain
data in (the project's text, numpy weights, a numpy image), plain data out.

Each builds the model with engine.model.model_from_project. The project's data set is
loaded once per process and kept, with its training statistics, so repeated inspections
of the same project only pay for the forward pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.data.stats import ChannelStats
from engine.layers.spec import fmt_shape


class InspectError(ValueError):
    """An inspection request that cannot be answered; one sentence for the user."""


@dataclass
class _DataInfo:
    dataset: Any            # ArrayDataset, or None when the data set cannot be loaded
    stats: ChannelStats | None
    class_names: list[str]
    problem: str            # why the data set is missing, "" when it loaded


_DATA_CACHE: dict[tuple[str, str, str], _DataInfo] = {}
_CACHE_SIZE = 2  # full Fashion-MNIST is ~50 MB: keep the last two data sets at most


def _data_info(project: Any, classes: int) -> _DataInfo:
    from engine.data import DataError
    from engine.data.preprocess import training_stats
    from engine.training.session import SessionError, data_source, load_project_data, preprocessing

    prep = preprocessing(project)
    source = data_source(project)
    key = (source.kind, source.path, repr(sorted(prep.to_dict().items())))
    if key in _DATA_CACHE:
        return _DATA_CACHE[key]
    try:
        dataset = load_project_data(project)
        info = _DataInfo(dataset, training_stats(dataset, prep), list(dataset.class_names), "")
    except (SessionError, DataError, ValueError) as exc:
        info = _DataInfo(None, None, [f"class {i}" for i in range(classes)], str(exc))
    while len(_DATA_CACHE) >= _CACHE_SIZE:
        _DATA_CACHE.pop(next(iter(_DATA_CACHE)))
    _DATA_CACHE[key] = info
    return info


def _load(project_text: str, weights: dict[str, np.ndarray] | None) -> tuple[Any, Any, Any]:
    from engine.analysis import analyse
    from engine.model import model_from_project
    from engine.project import ProjectError
    from engine.training.session import SessionError
    from engine.weights import WeightsError

    try:
        project, model = model_from_project(project_text, None)
        if weights:
            load_fitting(model, weights)
    except (ProjectError, SessionError, WeightsError) as exc:
        raise InspectError(str(exc)) from None
    return project, model, analyse(project.graph)


def load_fitting(model: Any, weights: dict[str, np.ndarray]) -> None:
    """Load `weights` into `model`; entries may be missing (the document leaves out stale
    and untrained layers, which keep their initial weights), but every entry given must
    fit exactly (WeightsError naming the layer and both shapes otherwise)."""
    import torch

    from engine.weights.state import check_partial_fit

    state = model.state_dict()
    check_partial_fit(weights, {n: tuple(t.shape) for n, t in state.items()})
    state.update({n: torch.from_numpy(np.array(a)) for n, a in weights.items()})
    model.load_state_dict(state)


def _classes(analysis: Any) -> int:
    out = analysis.nodes[analysis.output_id].output_shape if analysis.output_id else None
    return int(out[0]) if out else 0


def map_title(node_id: str, shape: tuple[int, ...]) -> str:
    """"conv1 · 32x28x28"."""
    return f"{node_id} · {fmt_shape(tuple(shape))}"


def inspect_sample(project: str, weights: dict[str, np.ndarray] | None, image: np.ndarray,
                   label: int | None = None, saliency_class: int | None = None,
                   saliency_layer: str | None = None, k: int = 5,
                   origin: str | None = None, channels_first: bool | None = None
                   ) -> dict[str, Any]:
    """Feature maps, prediction and saliency for one image (see docs/inspect.md)."""
    from engine.inspect.maps import capture_maps
    from engine.inspect.predict import predict
    from engine.inspect.saliency import (
        SaliencyError,
        default_saliency_layer,
        grad_cam,
        gradient_saliency,
    )
    from engine.inspect.sample import SampleError, prepare_sample
    from engine.training.session import preprocessing

    proj, model, analysis = _load(project, weights)
    info = _data_info(proj, _classes(analysis))
    assert analysis.input_shape is not None
    try:
        sample = prepare_sample(image, tuple(analysis.input_shape), preprocessing(proj),
                                info.stats, origin=origin, channels_first=channels_first)
    except SampleError as exc:
        if info.problem and info.stats is None:
            raise InspectError(f"{exc} ({info.problem})") from None
        raise InspectError(str(exc)) from None
    x = sample.tensor_input
    maps = capture_maps(model, x)
    top = predict(model, x, info.class_names, k=k, graph=proj.graph)
    target = int(saliency_class) if saliency_class is not None else top[0][0]
    layer = saliency_layer or default_saliency_layer(proj.graph, analysis)
    try:
        if layer is not None:
            sal = grad_cam(model, x, target, layer)
            method = "grad-cam"
        else:
            sal, method = gradient_saliency(model, x, target), "gradient"
    except SaliencyError as exc:
        raise InspectError(str(exc)) from None
    return {
        "sample": sample.to_dict(),
        "maps": {nid: {"array": a, "shape": tuple(a.shape), "min": float(a.min()),
                       "max": float(a.max()), "title": map_title(nid, a.shape)}
                 for nid, a in maps.items()},
        "prediction": [{"index": i, "class": name, "prob": p} for i, name, p in top],
        "true": None if label is None else {"index": int(label),
                                            "class": _class_name(info.class_names, int(label))},
        "saliency": {"method": method, "layer": layer, "class": target, "map": sal},
        "class_names": list(info.class_names),
    }


def _class_name(names: list[str], i: int) -> str:
    return names[i] if 0 <= i < len(names) else f"class {i}"


def layer_filters(project: str, weights: dict[str, np.ndarray] | None, node_id: str,
                  mode: str = "mean") -> dict[str, Any]:
    """FilterImages of one node as a dict (images, vmax, kind, labels)."""
    from engine.inspect.filters import FilterError, filter_images

    proj, model, analysis = _load(project, weights)
    names = _data_info(proj, _classes(analysis)).class_names
    try:
        result = filter_images(model, node_id, mode, analysis.input_shape, names)
    except FilterError as exc:
        raise InspectError(str(exc)) from None
    return result.to_dict()


def dataset_sample(project: str, split: str = "test", index: int = 0) -> dict[str, Any]:
    """{"image": (C, H, W) pixels, "label", "class", "origin"} of one data set sample."""
    from engine.project import ProjectError, parse_project

    if split not in ("train", "test"):
        raise InspectError(f"The split must be 'train' or 'test', not {split!r}.")
    try:
        proj = parse_project(project)
    except ProjectError as exc:
        raise InspectError(str(exc)) from None
    info = _data_info(proj, 0)
    if info.dataset is None:
        raise InspectError(info.problem)
    x = info.dataset.x_test if split == "test" else info.dataset.x_train
    y = info.dataset.y_test if split == "test" else info.dataset.y_train
    if not -len(x) <= index < len(x):
        raise InspectError(f"Sample {index} is outside the {split} split (0 to {len(x) - 1}).")
    label = int(y[index])
    name = _class_name(info.class_names, label)
    return {"image": np.array(x[index]), "label": label, "class": name,
            "origin": f"{split} sample {index % len(x)} ({name})"}
