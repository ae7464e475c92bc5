"""Scores to loss: raw class scores -> exp -> probabilities -> -log p(correct) (softmax
cross-entropy, with a temperature), the multi-class hinge loss with its margins, the
gradients each loss sends back to the scores, and the total with the L2 term."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.lab.errors import LabError


@dataclass(frozen=True)
class LossBreakdown:
    scores: np.ndarray     # (K,) the Output's raw scores
    label: int
    temperature: float
    scaled: np.ndarray     # scores / T
    shift: float           # max(scaled): subtracted before exp so nothing overflows
    exps: np.ndarray       # exp(scaled - shift)
    probs: np.ndarray      # exps / sum(exps)
    cross_entropy: float   # -log probs[label]
    ce_grad: np.ndarray    # d CE / d scores = (p - y) / T
    margin: float
    margins: np.ndarray    # max(0, s_j - s_y + margin), 0 for the true class
    hinge: float           # sum of margins
    hinge_grad: np.ndarray  # d hinge / d scores
    l2_term: float         # lambda * sum ||W||^2 of the current weights
    l2_lambda: float

    @property
    def one_hot(self) -> np.ndarray:
        y = np.zeros_like(self.probs)
        y[self.label] = 1.0
        return y

    @property
    def total(self) -> float:
        """loss = data loss (cross-entropy) + L2."""
        return self.cross_entropy + self.l2_term


def loss_breakdown(scores: Sequence[float] | np.ndarray, label: int, temperature: float = 1.0,
                   margin: float = 1.0, l2_term: float = 0.0,
                   l2_lambda: float = 0.0) -> LossBreakdown:
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    k = len(s)
    if k < 2:
        raise LabError(f"A loss needs at least two class scores, got {k}; end the network "
                       f"with a Linear of one unit per class.")
    if not 0 <= label < k:
        raise LabError(f"Label {label} is not one of the {k} classes (0 to {k - 1}); pick "
                       f"a sample of this data set.")
    if not temperature > 0:
        raise LabError(f"The temperature must be above 0, not {temperature}; 1 is the "
                       f"ordinary softmax.")
    scaled = s / temperature
    shift = float(scaled.max())
    exps = np.exp(scaled - shift)
    probs = exps / exps.sum()
    # log-sum-exp form: exact even when probs[label] underflows to 0.
    ce = float(shift + np.log(exps.sum()) - scaled[label])
    y = np.zeros(k)
    y[label] = 1.0
    margins = np.maximum(0.0, s - s[label] + margin)
    margins[label] = 0.0
    active = (margins > 0).astype(np.float64)
    hinge_grad = active.copy()
    hinge_grad[label] = -active.sum()
    return LossBreakdown(s, int(label), float(temperature), scaled, shift, exps, probs, ce,
                         (probs - y) / temperature, float(margin), margins,
                         float(margins.sum()), hinge_grad, float(l2_term), float(l2_lambda))
