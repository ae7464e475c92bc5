"""Activation and dropout steppers: what a nonlinearity does to a layer's real inputs (its
curve, its derivative, the inputs' histogram, where the gradient nearly vanishes), and
which units one training-mode dropout pass dropped and how the survivors were scaled."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The tutorial's five nonlinearities, drawn beside the layer's own curve.
CURVES = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu")
CURVE_TITLES = {"layer": "this layer", "sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU",
                "leaky_relu": "LeakyReLU (0.01)", "gelu": "GELU"}
SMALL_GRADIENT = 0.01


@dataclass(frozen=True)
class ActivationTrace:
    node_id: str
    pre: np.ndarray          # the layer's real inputs for the sample, flattened
    grid: np.ndarray         # x values the curves are drawn over
    curves: dict[str, np.ndarray]       # name -> f(grid); "layer" is the layer's own module
    derivatives: dict[str, np.ndarray]  # name -> f'(grid), by autograd
    small_grad: dict[str, float]        # name -> fraction of `pre` where f'(x) < 0.01
    hist_counts: np.ndarray
    hist_edges: np.ndarray
    weights_note: str

    def sigmoid_vanishing(self) -> float:
        """The fraction of this layer's inputs where a sigmoid's gradient is below 0.01."""
        return self.small_grad["sigmoid"]


@dataclass(frozen=True)
class DropoutTrace:
    node_id: str
    p: float
    input: np.ndarray    # what the layer received (C, H, W) or (N,)
    kept: np.ndarray     # bool, same shape: True where the unit survived this pass
    output: np.ndarray   # the training-mode output torch computed
    seed: int
    weights_note: str

    @property
    def scale(self) -> float:
        return 1.0 / (1.0 - self.p)

    def expected_output(self) -> np.ndarray:
        """Survivors times 1/(1-p), dropped units 0: what the output must be."""
        return np.where(self.kept, self.input * self.scale, 0.0).astype(np.float32)


@dataclass(frozen=True)
class DropoutFrame:
    rows: int
    cols: int
    kept: np.ndarray      # (rows, cols) bool, NaN-free; cells past the end are False
    valid: np.ndarray     # (rows, cols) bool: a real unit sits there
    before: np.ndarray    # (rows, cols) input values
    after: np.ndarray     # (rows, cols) output values
    first: int            # index of the first unit shown
    shown: int
    total: int
    dropped: int
    limit: float


def dropout_frame(trace: DropoutTrace, first: int = 0, max_units: int = 256) -> DropoutFrame:
    flat_in = trace.input.reshape(-1)
    flat_kept = trace.kept.reshape(-1)
    flat_out = trace.output.reshape(-1)
    total = flat_in.size
    first = min(max(first, 0), max(total - 1, 0))
    shown = min(max_units, total - first)
    cols = int(np.ceil(np.sqrt(shown))) if shown else 1
    rows = int(np.ceil(shown / cols)) if shown else 1
    pad = rows * cols - shown

    def grid(a: np.ndarray, fill: float | bool) -> np.ndarray:
        part = a[first:first + shown]
        return np.concatenate([part, np.full(pad, fill, dtype=part.dtype)]).reshape(rows, cols)

    valid = grid(np.ones(total, dtype=bool), False)
    limit = float(np.abs(flat_out).max()) or 1.0
    return DropoutFrame(rows, cols, grid(flat_kept, False), valid, grid(flat_in, np.nan),
                        grid(flat_out, np.nan), first, shown, total,
                        int((~flat_kept).sum()), limit)
