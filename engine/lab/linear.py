"""Linear classifier stepper: W x + b for one sample, written out for one output unit
(its largest contributions, the sum, the bias), and every unit's score."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOP_TERMS = 8


@dataclass(frozen=True)
class LinearTrace:
    node_id: str
    x: np.ndarray        # (n,) the layer's input for the sample
    weight: np.ndarray   # (units, n)
    bias: np.ndarray     # (units,), zeros without bias
    has_bias: bool
    output: np.ndarray   # (units,) the layer's output (torch)
    image_shape: tuple[int, ...] | None  # the image x was flattened from, when there is one
    input_note: str      # where x comes from ("flattened 16x5x5", "fc1 output")
    weights_note: str
    # W's rows as images of the input's shape (units, C, H, W), from the Inspect panel's
    # filter view (engine.inspect.filters); None unless x is the flattened input image.
    templates: np.ndarray | None = None


@dataclass(frozen=True)
class LinearUnit:
    unit: int
    top: list[tuple[int, float, float]]  # (input index, x_i, w_i) largest |x_i w_i| first
    dot: float       # W_k · x
    bias: float
    total: float     # W_k · x + b_k
    layer_value: float


def linear_unit(trace: LinearTrace, unit: int) -> LinearUnit:
    unit = min(max(unit, 0), trace.weight.shape[0] - 1)
    w = trace.weight[unit]
    products = w.astype(np.float64) * trace.x
    order = np.argsort(-np.abs(products))[:TOP_TERMS]
    top = [(int(i), float(trace.x[i]), float(w[i])) for i in order]
    dot = float(products.sum())
    b = float(trace.bias[unit])
    return LinearUnit(unit, top, dot, b, dot + b, float(trace.output[unit]))
