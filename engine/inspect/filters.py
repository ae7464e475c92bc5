"""A layer's weights as pictures: conv kernels as image grids, a linear classifier's rows
as template images of the input, other Linear layers as a weight heat map.

All images of a layer share one symmetric scale [-vmax, vmax] centred on zero, so a
diverging colour map shows sign and size comparably across the layer's filters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

KINDS = ("conv-rgb", "conv", "linear-template", "linear-heatmap")
MODES = ("mean", "per_channel")


if TYPE_CHECKING:
    from torch import nn

class FilterError(ValueError):
    """The node has no weights to draw, or the request does not fit it."""


@dataclass
class FilterImages:
    images: np.ndarray  # (N, C or 1, kh, kw); (N, C, H, W) templates; (1, 1, out, in) heat map
    vmax: float         # the shared symmetric scale: values map to [-vmax, vmax]
    kind: str           # one of KINDS
    labels: list[str]   # one per image

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _weighted_layers(model: nn.Module) -> list[tuple[str, np.ndarray]]:
    from torch import nn

    out = []
    for name, module in model.named_children():
        weight = getattr(module, "weight", None)
        if isinstance(weight, nn.Parameter) and weight.dim() in (2, 4):
            out.append((name, weight.detach().cpu().numpy().astype(np.float32)))
    return out


def _scale(images: np.ndarray) -> float:
    top = float(np.abs(images).max()) if images.size else 0.0
    return top if top > 0 else 1.0  # an all-zero layer still gets a usable scale


def filter_images(model: nn.Module, node_id: str, mode: str = "mean",
                  input_shape: tuple[int, ...] | None = None,
                  class_names: list[str] | None = None) -> FilterImages:
    """The node's weights as images (see the module docstring). `mode` applies to conv
    layers after the first: "mean" averages each kernel over its input channels,
    "per_channel" keeps one image per input channel. `input_shape` (C, H, W) lets the
    first Linear on a flattened image show its rows as templates of that shape."""
    if mode not in MODES:
        raise FilterError(f"Filter mode must be 'mean' or 'per_channel', not {mode!r}.")
    layers = _weighted_layers(model)
    found = [w for name, w in layers if name == node_id]
    if not found:
        names = ", ".join(name for name, _ in layers) or "none"
        raise FilterError(f"Node {node_id!r} has no conv or linear weights to draw; layers "
                          f"with weights: {names}.")
    weight = found[0]
    first = layers[0][0] == node_id
    if weight.ndim == 4:
        return _conv_images(weight, mode, first_rgb=first and weight.shape[1] == 3)
    return _linear_images(weight, first, input_shape, class_names)


def _conv_images(weight: np.ndarray, mode: str, first_rgb: bool) -> FilterImages:
    n, c = weight.shape[:2]
    if first_rgb:
        images, kind = weight, "conv-rgb"
        labels = [f"filter {i + 1}" for i in range(n)]
    elif mode == "mean" or c == 1:
        images, kind = weight.mean(axis=1, keepdims=True), "conv"
        labels = [f"filter {i + 1}" + (" (mean of inputs)" if c > 1 else "") for i in range(n)]
    else:
        images, kind = weight, "conv"
        labels = [f"filter {i + 1}" for i in range(n)]
    return FilterImages(np.ascontiguousarray(images), _scale(images), kind, labels)


def _linear_images(weight: np.ndarray, first: bool, input_shape: tuple[int, ...] | None,
                   class_names: list[str] | None) -> FilterImages:
    out_features, in_features = weight.shape
    shape = tuple(int(d) for d in input_shape) if input_shape is not None else ()
    if first and len(shape) == 3 and int(np.prod(shape)) == in_features:
        # Flatten unrolls channel by channel, row by row: the inverse is a plain reshape.
        images = weight.reshape(out_features, *shape)
        names = class_names or []
        labels = [names[i] if i < len(names) and len(names) == out_features else f"unit {i + 1}"
                  for i in range(out_features)]
        return FilterImages(np.ascontiguousarray(images), _scale(images), "linear-template",
                            labels)
    images = weight[None, None]
    return FilterImages(np.ascontiguousarray(images), _scale(images), "linear-heatmap",
                        [f"{out_features} outputs x {in_features} inputs"])
