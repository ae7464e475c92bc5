"""Looking inside a model: activations, gradient norms and weights, keyed by node id.

The model builder names each graph node's submodule by the node id, so a node id is a
module path (usually a direct child: "conv1"). The functions here work on any idle
model; the Trainer serves the same probes between steps via TrainControl.request_probe.
Results are numpy copies, safe to hand to another thread.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Iterable
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from engine.inspect.kinds import PROBES


class ProbeError(ValueError):
    """A probe request that cannot be answered (unknown node, bad sample index, ...)."""


def default_node_ids(model: nn.Module) -> list[str]:
    from engine.model import node_id_of

    return [node_id_of(name) for name, _ in model.named_children()]


def owner_node_id(param_name: str, node_ids: Collection[str]) -> str:
    """The node that owns a dotted parameter name: its longest prefix that is a node id.

    "conv1.weight" -> "conv1"; with node ids {"block", "block.conv"}, "block.conv.weight"
    -> "block.conv". Falls back to the first path component.
    """
    parts = param_name.split(".")
    for end in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in node_ids:
            return prefix
    return parts[0]


def _submodule(model: nn.Module, node_id: str) -> nn.Module:
    from engine.model import module_name

    try:
        return model.get_submodule(module_name(node_id))
    except AttributeError:
        known = ", ".join(default_node_ids(model)) or "none"
        raise ProbeError(f"The model has no node {node_id!r}; its nodes are: {known}.") from None


def _to_numpy(t: Tensor) -> np.ndarray:
    # .numpy() shares memory with the tensor; copy so later training never changes it.
    return t.detach().to("cpu", torch.float32).numpy().copy()


def _model_device(model: nn.Module) -> torch.device:
    first = next(model.parameters(), None)
    return first.device if first is not None else torch.device("cpu")


def resolve_sample(
    sample: Tensor | np.ndarray | int, x_val: Tensor | None = None, x_train: Tensor | None = None
) -> Tensor:
    """A (1, C, H, W) batch from a tensor, a numpy array (an already preprocessed sample,
    as the GUI sends it: plain data that crosses a thread or process) or an index into
    x_val (else x_train)."""
    if isinstance(sample, np.ndarray):
        sample = torch.from_numpy(np.ascontiguousarray(sample, dtype=np.float32))
    if isinstance(sample, Tensor):
        # A single (C, H, W) image gets a batch axis; compare with the data's rank, since
        # a (1, 28, 28) image and a (1, 784) batch both start with 1.
        reference = x_val if x_val is not None else x_train
        batched = sample.dim() == reference.dim() if reference is not None else sample.dim() in (2, 4)
        return sample if batched else sample.unsqueeze(0)
    if isinstance(sample, bool) or not isinstance(sample, int):
        raise ProbeError(f"A probe sample must be a tensor or an index, not {sample!r}.")
    source, name = (x_val, "validation") if x_val is not None else (x_train, "training")
    if source is None:
        raise ProbeError("A sample index needs data, but this probe was given none.")
    if not -len(source) <= sample < len(source):
        raise ProbeError(
            f"Sample index {sample} is outside the {name} set (0 to {len(source) - 1})."
        )
    start = sample % len(source)
    return source[start : start + 1]


def feature_maps(
    model: nn.Module, sample: Tensor, node_ids: Iterable[str] | None = None
) -> dict[str, np.ndarray]:
    """Activation of each node for one sample: (C, H, W) or (F,) arrays."""
    ids = list(node_ids) if node_ids is not None else default_node_ids(model)
    modules = {node_id: _submodule(model, node_id) for node_id in ids}
    captured: dict[str, Tensor] = {}

    def make_hook(node_id: str) -> Callable[..., None]:
        def hook(_module: nn.Module, _inputs: Any, output: Any) -> None:
            if isinstance(output, (tuple, list)):
                output = next((o for o in output if isinstance(o, Tensor)), None)
            if isinstance(output, Tensor):
                captured[node_id] = output.detach()

        return hook

    handles = [m.register_forward_hook(make_hook(node_id)) for node_id, m in modules.items()]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(sample.to(_model_device(model)))
    finally:
        # Hooks left behind would run on every later training step.
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return {
        node_id: _to_numpy(act[0] if act.dim() > 1 else act)
        for node_id, act in captured.items()
    }


def grad_norms(model: nn.Module, node_ids: Collection[str] | None = None) -> dict[str, float]:
    """L2 norm of each node's gradients from the last backward pass (nodes without grads
    are left out, e.g. before the first step)."""
    from engine.model import module_name, node_id_of

    ids = set(node_ids) if node_ids is not None else set(default_node_ids(model))
    names_in_model = {module_name(i) for i in ids}  # parameter names use the module names
    squares: dict[str, list[Tensor]] = {}
    for name, param in model.named_parameters():
        if param.grad is not None:
            norm = torch.linalg.vector_norm(param.grad.detach().float())
            owner = node_id_of(owner_node_id(name, names_in_model))
            squares.setdefault(owner, []).append(norm.square())
    # One stack and one .tolist() per call: a single device sync however many nodes.
    names = list(squares)
    if not names:
        return {}
    totals = torch.stack([torch.stack(squares[n]).sum() for n in names]).sqrt().tolist()
    return dict(zip(names, totals, strict=True))


def weights(model: nn.Module, node_id: str) -> dict[str, np.ndarray]:
    """Copies of a node's parameters keyed by their name inside the node ("weight", "bias",
    or "0.weight" for a composite node)."""
    module = _submodule(model, node_id)
    return {name: _to_numpy(p) for name, p in module.named_parameters()}


def probe_feature_maps(model: nn.Module, args: dict[str, Any], *, x_val: Tensor | None = None,
                       x_train: Tensor | None = None) -> dict[str, Any]:
    sample = resolve_sample(args.pop("sample", 0), x_val, x_train)
    return feature_maps(model, sample, args.pop("node_ids", None))


def probe_grad_norms(model: nn.Module, args: dict[str, Any], **_data: Tensor | None) -> dict[str, Any]:
    return grad_norms(model, args.pop("node_ids", None))


def probe_weights(model: nn.Module, args: dict[str, Any], **_data: Tensor | None) -> dict[str, Any]:
    if "node_id" not in args:
        raise ProbeError("A 'weights' probe needs node_id=<the node to read>.")
    return weights(model, args.pop("node_id"))


def run_probe(
    model: nn.Module,
    kind: str,
    kwargs: dict[str, Any],
    *,
    x_val: Tensor | None = None,
    x_train: Tensor | None = None,
) -> dict[str, Any]:
    """Dispatch a probe request (the kwargs of TrainControl.request_probe) to the function
    engine.inspect.kinds names for its kind."""
    if kind not in PROBES:
        allowed = ", ".join(repr(k) for k in PROBES)
        raise ProbeError(f"Unknown probe kind {kind!r}; choose one of {allowed}.")
    module_name, _, attr = PROBES[kind].partition(":")
    probe = getattr(importlib.import_module(module_name), attr)
    args = dict(kwargs)
    result: dict[str, Any] = probe(model, args, x_val=x_val, x_train=x_train)
    if args:
        raise ProbeError(f"The {kind!r} probe does not take {', '.join(sorted(args))}.")
    return result
