"""Probes for diagnosing training: per-layer gradient flow, weight and activation
histograms, dead ReLUs, and a copy of the weights. Served by a running Trainer between
steps (engine/inspect/kinds.py names them) or called on any idle model.

Layers are the model's direct children with parameters (for gradients and weights) or
any child (activations), in the order the model declares them, which is the graph's
topological order (engine.model builds submodules in that order).
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from engine.inspect.probes import ProbeError, default_node_ids, owner_node_id

HISTOGRAM_BINS = 30
ACTIVATION_SAMPLES = 32
# ReLU kinds whose zero output means "no gradient flows through this unit".
RECTIFIERS: tuple[type[nn.Module], ...] = (nn.ReLU, nn.ReLU6)


def gradient_flow(model: nn.Module) -> dict[str, Any]:
    """{"layers": [node ids with gradients, forward order], "grad_norm": [L2 norm of each
    node's parameter gradients], "weight_norm": [L2 norm of its parameters]}."""
    ids = default_node_ids(model)
    index = {node_id: i for i, node_id in enumerate(ids)}
    grads: dict[str, list[Tensor]] = {}
    weights: dict[str, list[Tensor]] = {}
    for name, param in model.named_parameters():
        if param.grad is None:
            continue
        owner = owner_node_id(name, set(ids))
        grads.setdefault(owner, []).append(torch.linalg.vector_norm(param.grad.detach().float()))
        weights.setdefault(owner, []).append(torch.linalg.vector_norm(param.detach().float()))
    layers = sorted(grads, key=lambda n: index.get(n, len(ids)))
    if not layers:
        return {"layers": [], "grad_norm": [], "weight_norm": []}
    # One stack and one .tolist(): a single device sync however many layers.
    stacked = torch.stack([torch.stack(grads[n]).square().sum().sqrt() for n in layers]
                          + [torch.stack(weights[n]).square().sum().sqrt() for n in layers])
    values = stacked.tolist()
    return {"layers": layers, "grad_norm": values[:len(layers)], "weight_norm": values[len(layers):]}


def histogram(values: Tensor, bins: int = HISTOGRAM_BINS) -> dict[str, Any]:
    """Counts over `bins` equal bins between the values' min and max, plus summary stats."""
    v = values.detach().float().flatten()
    v = v[torch.isfinite(v)]
    if v.numel() == 0:
        return {"counts": np.zeros(bins, np.int64), "edges": np.linspace(0.0, 1.0, bins + 1),
                "mean": float("nan"), "std": float("nan")}
    low, high = float(v.min()), float(v.max())
    if high <= low:  # a constant tensor (zero-initialised bias): one visible bin around it
        low, high = low - 0.5, high + 0.5
    counts = torch.histc(v, bins=bins, min=low, max=high)
    return {"counts": counts.to(torch.int64).numpy().copy(),
            "edges": np.linspace(low, high, bins + 1),
            "mean": float(v.mean()), "std": float(v.std()) if v.numel() > 1 else 0.0}


def dead_fraction(activation: Tensor) -> float:
    """Share of units that are zero for every sample of the batch: a channel for (N, C, H, W)
    activations (zero at every position), a feature for (N, F)."""
    a = activation.detach()
    if a.dim() < 2:
        return 0.0
    alive = (a > 0).flatten(2).any(dim=2) if a.dim() > 2 else (a > 0)
    return float((~alive.any(dim=0)).float().mean())


def histograms(model: nn.Module, sample: Tensor, bins: int = HISTOGRAM_BINS) -> dict[str, Any]:
    """Weight histograms of every node with parameters and activation histograms of every
    node for a batch `sample` (eval mode, no gradients), plus dead-unit fractions of the
    rectifier nodes."""
    ids = default_node_ids(model)
    modules = dict(model.named_children())
    captured: dict[str, Tensor] = {}

    def make_hook(node_id: str) -> Any:
        def hook(_module: nn.Module, _inputs: Any, output: Any) -> None:
            if isinstance(output, Tensor):
                captured[node_id] = output.detach()
        return hook

    handles = [modules[n].register_forward_hook(make_hook(n)) for n in ids]
    was_training = model.training
    try:
        model.eval()
        first = next(model.parameters(), None)
        with torch.no_grad():
            model(sample.to(first.device) if first is not None else sample)
    finally:
        # Hooks left behind would run on every later training step.
        for handle in handles:
            handle.remove()
        model.train(was_training)
    weight_h = {}
    for node_id in ids:
        params = [p.detach().flatten() for p in modules[node_id].parameters() if p.dim() > 1]
        if params:
            weight_h[node_id] = histogram(torch.cat(params), bins)
    return {
        "layers": ids,
        "weights": weight_h,
        "activations": {n: histogram(captured[n], bins) for n in ids if n in captured},
        "dead": {n: dead_fraction(captured[n]) for n in ids
                 if n in captured and isinstance(modules[n], RECTIFIERS)},
    }


def _batch(x_val: Tensor | None, x_train: Tensor | None, count: int) -> Tensor:
    source = x_val if x_val is not None and len(x_val) else x_train
    if source is None or not len(source):
        raise ProbeError("A histograms probe needs data, but this probe was given none.")
    return source[:count]


# ---- probe entry points (engine/inspect/kinds.py) ---------------------------------------
# Each live probe reports what it cost ("cost_s"), so the GUI can pace its requests to a
# share of the training time however slow the machine is (app/panels/diagnose/probes.py).
def probe_gradient_flow(model: nn.Module, args: dict[str, Any], **_data: Tensor | None) -> dict[str, Any]:
    start = perf_counter()
    result = gradient_flow(model)
    result["cost_s"] = perf_counter() - start
    return result


def probe_histograms(model: nn.Module, args: dict[str, Any], *, x_val: Tensor | None = None,
                     x_train: Tensor | None = None) -> dict[str, Any]:
    count = int(args.pop("samples", ACTIVATION_SAMPLES))
    bins = int(args.pop("bins", HISTOGRAM_BINS))
    if count < 1 or bins < 2:
        raise ProbeError("A histograms probe needs samples >= 1 and bins >= 2.")
    start = perf_counter()
    result = histograms(model, _batch(x_val, x_train, count), bins)
    result["cost_s"] = perf_counter() - start
    return result


def probe_state(model: nn.Module, args: dict[str, Any], **_data: Tensor | None) -> dict[str, Any]:
    """A numpy copy of every weight (the state dict), e.g. at an epoch's end."""
    return {"weights": {k: v.detach().to("cpu").numpy().copy()
                        for k, v in model.state_dict().items()}}
