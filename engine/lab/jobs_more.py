"""Job functions for the activation, dropout, preprocessing, linear and forward/backward
views (see engine.lab.jobs for the convolution, pooling and scores jobs)."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.lab.capture import lab_kind, layer_io, load_model, module_of, sample_tensor
from engine.lab.errors import LabError
from engine.lab.flow import FlowLayer, FlowTrace
from engine.lab.jobs import Stats, Weights, _np
from engine.lab.linear import LinearTrace
from engine.lab.preprocess import PreprocessTrace
from engine.lab.units import CURVES, SMALL_GRADIENT, ActivationTrace, DropoutTrace

GRID_POINTS = 241
HIST_BINS = 40


def _curve_fns() -> dict[str, Any]:
    import torch.nn.functional as F

    return {"sigmoid": F.sigmoid, "tanh": F.tanh, "relu": F.relu,
            "leaky_relu": lambda x: F.leaky_relu(x, 0.01), "gelu": F.gelu}


def activation_trace(project: str, weights: Weights, node_id: str, image: np.ndarray,
                     stats: Stats = None) -> ActivationTrace:
    """The activation layer's real inputs for one sample, its own curve and the five
    standard ones with their derivatives (autograd), and where each gradient is < 0.01."""
    import torch

    lab = load_model(project, weights)
    if lab_kind(lab.project, node_id) != "activation":
        raise LabError(f"'{node_id}' is not an activation layer; pick ReLU, Sigmoid, Tanh, "
                       f"LeakyReLU or GELU.")
    x = sample_tensor(lab.project, image, stats)
    pre = layer_io(lab.model, x, [node_id])[node_id][0].reshape(-1)
    layer = module_of(lab.model, node_id)
    reach = max(6.0, float(pre.abs().max()) * 1.1)
    grid = torch.linspace(-reach, reach, GRID_POINTS, dtype=torch.float32)
    fns = {"layer": layer, **_curve_fns()}
    curves, derivatives, small = {}, {}, {}
    for name, fn in fns.items():
        for points, store in ((grid, "grid"), (pre, "pre")):
            t = points.clone().requires_grad_(True)
            y = fn(t)
            (g,) = torch.autograd.grad(y.sum(), t)
            if store == "grid":
                curves[name], derivatives[name] = _np(y), _np(g)
            else:
                small[name] = float((g.abs() < SMALL_GRADIENT).float().mean())
    counts, edges = np.histogram(_np(pre), bins=HIST_BINS, range=(-reach, reach))
    assert set(CURVES) <= set(curves)
    return ActivationTrace(node_id, _np(pre), _np(grid), curves, derivatives, small,
                           counts, edges.astype(np.float32), lab.weights_note)


def dropout_trace(project: str, weights: Weights, node_id: str, image: np.ndarray,
                  stats: Stats = None, seed: int = 0) -> DropoutTrace:
    """One training-mode pass of the dropout layer on the sample's real input: which units
    it dropped (the same random draw applied to ones) and the output torch computed."""
    import torch

    lab = load_model(project, weights)
    if lab_kind(lab.project, node_id) != "dropout":
        raise LabError(f"'{node_id}' is not a dropout layer; pick a Dropout or Dropout2d.")
    x = sample_tensor(lab.project, image, stats)
    inp = layer_io(lab.model, x, [node_id])[node_id][0]
    layer = module_of(lab.model, node_id)
    layer.train()
    try:
        with torch.no_grad():
            torch.manual_seed(seed)
            out = layer(inp)
            torch.manual_seed(seed)
            kept = layer(torch.ones_like(inp)) != 0
    finally:
        layer.eval()
    return DropoutTrace(node_id, float(layer.p), _np(inp[0]), kept[0].numpy().copy(),
                        _np(out[0]), int(seed), lab.weights_note)


def preprocess_trace(project: str, image: np.ndarray, stats: Stats = None) -> PreprocessTrace:
    """The sample at each preprocessing stage, through engine.data.preprocess itself."""
    from engine.data.preprocess import Preprocessing, to_tensor
    from engine.data.stats import ChannelStats
    from engine.project import ProjectError, parse_project
    from engine.training.session import SessionError, preprocessing

    try:
        proj = parse_project(project)
        prep = preprocessing(proj)
    except (ProjectError, SessionError) as exc:
        raise LabError(str(exc)) from None
    image = np.asarray(image)
    c = image.shape[0]
    chan = (ChannelStats.from_dict(stats) if stats is not None
            else ChannelStats([0.0] * c, [1.0] * c))
    batch = image[None]
    stages = {"raw": image.astype(np.float32)}
    for stage, mode in (("scaled", "scale"), ("mean_subtracted", "mean_subtract"),
                        ("standardised", "standardise")):
        stages[stage] = to_tensor(batch, Preprocessing(mode=mode), chan)[0].numpy()
    return PreprocessTrace(stages, list(chan.mean), list(chan.std), prep.mode,
                           to_tensor(batch, prep, chan)[0].numpy())


def linear_trace(project: str, weights: Weights, node_id: str, image: np.ndarray,
                 stats: Stats = None) -> LinearTrace:
    """The Linear layer on one sample: x, W, b and W x + b as torch computed it; W's rows
    as images when x is a flattened image (the linear classifier's templates)."""
    from engine.analysis import analyse

    lab = load_model(project, weights)
    if lab_kind(lab.project, node_id) != "linear":
        raise LabError(f"'{node_id}' is not a Linear layer; pick a fully connected layer.")
    x = sample_tensor(lab.project, image, stats)
    inp, out = layer_io(lab.model, x, [node_id])[node_id]
    layer = module_of(lab.model, node_id)
    graph = lab.project.graph
    analysis = analyse(graph)
    feeds = [e.source for e in graph.edges if e.target == node_id]
    image_shape, note = None, f"{inp.shape[1]} inputs"
    if feeds:
        src = analysis.nodes[feeds[0]]
        # A reshape that keeps every value (Flatten) straight after an image: the rows of
        # W line up with pixels, so each row can be drawn as an image.
        if src.input_shapes and len(src.input_shapes[0]) == 3 and src.params == 0 and \
                src.output_shape is not None and len(src.output_shape) == 1 and \
                src.output_shape[0] == int(np.prod(src.input_shapes[0])):
            image_shape = tuple(src.input_shapes[0])
            note = f"{feeds[0]}: {'x'.join(map(str, image_shape))} flattened to {inp.shape[1]}"
        else:
            note = f"{feeds[0]} output: {inp.shape[1]} values"
    bias = (_np(layer.bias) if layer.bias is not None
            else np.zeros(layer.out_features, dtype=np.float32))
    templates = None
    if image_shape is not None:
        from engine.inspect.filters import filter_images

        shown = filter_images(lab.model, node_id, input_shape=analysis.input_shape)
        if shown.kind == "linear-template":
            templates = shown.images
    return LinearTrace(node_id, _np(inp[0]), _np(layer.weight), bias, layer.bias is not None,
                       _np(out[0]), image_shape, note, lab.weights_note, templates)


def flow_trace(project: str, weights: Weights, image: np.ndarray, label: int,
               stats: Stats = None) -> FlowTrace:
    """One forward and backward pass of the sample (eval mode, so dropout is off and the
    numbers repeat): each layer's value norm, the loss, each gradient norm."""
    import torch

    from engine.analysis import analyse
    from engine.training.losses import get_loss
    from engine.training.session import train_settings

    lab = load_model(project, weights)
    x = sample_tensor(lab.project, image, stats).requires_grad_(True)
    graph = lab.project.graph
    analysis = analyse(graph)
    names = [n for n, _ in lab.model.named_children()]
    outputs: dict[str, Any] = {}
    hooks = []

    def keep(name: str) -> Any:
        def hook(_m: Any, _i: Any, o: Any) -> None:
            o.retain_grad()
            outputs[name] = o
        return hook

    try:
        for name in names:
            hooks.append(lab.model.get_submodule(name).register_forward_hook(keep(name)))
        settings = train_settings(lab.project)
        scores = lab.model(x)
        loss = get_loss(settings.loss)(scores, torch.tensor([int(label)]))
        lab.model.zero_grad()
        loss.backward()
    finally:
        for h in hooks:
            h.remove()
    layers = []
    input_id = next((nid for nid in analysis.order if not graph.nodes[nid].spec.torch_module),
                    None)
    if input_id is not None:
        layers.append(FlowLayer(input_id, graph.nodes[input_id].spec.title, tuple(x.shape[1:]),
                                float(x.detach().norm()), float(x.grad.norm()), None))
    for nid in analysis.order:
        if nid not in outputs:
            continue
        o = outputs[nid]
        params = [p for p in lab.model.get_submodule(nid).parameters() if p.grad is not None]
        pnorm = float(torch.sqrt(sum((p.grad ** 2).sum() for p in params))) if params else None
        grad = float(o.grad.norm()) if o.grad is not None else 0.0
        layers.append(FlowLayer(nid, graph.nodes[nid].spec.title, tuple(o.shape[1:]),
                                float(o.detach().norm()), grad, pnorm))
    return FlowTrace(layers, loss.item(), settings.loss, int(label), lab.weights_note)
