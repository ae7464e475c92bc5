"""Data losses on raw class scores, and the L2 weight penalty.

Every loss takes scores of shape (N, K) (no softmax applied) and int64 labels of shape
(N,), and returns the mean over the batch as a 0-d tensor. Formulas: docs/training.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import torch
import torch.nn.functional as F
from torch import Tensor, nn

LossFn = Callable[[Tensor, Tensor], Tensor]


def cross_entropy(scores: Tensor, labels: Tensor) -> Tensor:
    """Softmax + negative log-likelihood: mean_i(-log softmax(s_i)[y_i])."""
    # PyTorch's fused kernel uses log-sum-exp, so large scores do not overflow.
    return F.cross_entropy(scores, labels)


def multiclass_hinge(scores: Tensor, labels: Tensor, margin: float = 1.0) -> Tensor:
    """Multi-class SVM loss: mean_i sum_{j != y_i} max(0, s_ij - s_iy_i + margin)."""
    true_scores = scores.gather(1, labels.unsqueeze(1))
    margins = (scores - true_scores + margin).clamp_min(0)
    # The true class would always contribute `margin`; masking (rather than subtracting
    # the constant) also keeps its gradient path out of the sum.
    is_true_class = F.one_hot(labels, scores.shape[1]).bool()
    return margins.masked_fill(is_true_class, 0).sum(dim=1).mean()


def mse_one_hot(scores: Tensor, labels: Tensor) -> Tensor:
    """Mean squared error between raw scores and one-hot targets, mean over all N*K entries."""
    targets = F.one_hot(labels, scores.shape[1]).to(scores.dtype)
    return F.mse_loss(scores, targets)


LOSS_FUNCTIONS: dict[str, LossFn] = {
    "cross_entropy": cross_entropy,
    "hinge": multiclass_hinge,
    "mse": mse_one_hot,
}


def get_loss(name: str) -> LossFn:
    """The loss function for a TrainSettings.loss name."""
    try:
        return LOSS_FUNCTIONS[name]
    except KeyError:
        allowed = ", ".join(repr(n) for n in LOSS_FUNCTIONS)
        raise ValueError(f"Unknown loss {name!r}; choose one of {allowed}.") from None


def penalised_parameters(model: nn.Module) -> Iterator[Tensor]:
    """Weights that the L2 penalty covers: tensors with more than one dimension.

    That picks conv kernels and linear matrices and leaves out biases and norm-layer
    scales/shifts, which are 1-d; penalising those only hurts.
    """
    return (p for p in model.parameters() if p.requires_grad and p.dim() > 1)


def l2_penalty(model: nn.Module) -> Tensor:
    """sum ||W||^2 over penalised weights (not yet multiplied by lambda)."""
    weights = list(penalised_parameters(model))
    if not weights:
        first = next(model.parameters(), None)
        device = first.device if first is not None else None
        return torch.zeros((), device=device)
    return torch.stack([w.pow(2).sum() for w in weights]).sum()


def evaluate_model(
    model: nn.Module, loss_fn: LossFn, x: Tensor, y: Tensor, batch_size: int = 256
) -> tuple[float, float]:
    """(mean loss, accuracy) over x, y in eval mode and without gradients, in batches;
    the model's train/eval mode is restored afterwards."""
    was_training = model.training
    model.eval()
    try:
        loss_sum = torch.zeros((), device=x.device)
        correct = torch.zeros((), device=x.device)
        with torch.no_grad():
            for start in range(0, len(x), batch_size):
                xb, yb = x[start : start + batch_size], y[start : start + batch_size]
                scores = model(xb)
                # Losses are batch means: weight by batch size for the exact overall mean.
                loss_sum += loss_fn(scores, yb).float() * len(yb)
                correct += (scores.argmax(dim=1) == yb).sum()
        # One transfer for both numbers instead of a sync per batch.
        loss_total, correct_total = torch.stack([loss_sum, correct.float()]).tolist()
    finally:
        model.train(was_training)
    return loss_total / len(x), correct_total / len(x)
