"""Each loss and the L2 penalty against numbers worked out by hand."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from engine.training.losses import (
    cross_entropy,
    get_loss,
    l2_penalty,
    mse_one_hot,
    multiclass_hinge,
    penalised_parameters,
)

# The three-example, three-class table from the CS231n SVM notes.
SCORES = [[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]
LABELS = [0, 1, 2]


def test_hinge_matches_hand_computation() -> None:
    # Example 0 (y=0): max(0, 5.1-3.2+1) + max(0, -1.7-3.2+1) = 2.9 + 0
    # Example 1 (y=1): max(0, 1.3-4.9+1) + max(0, 2.0-4.9+1) = 0 + 0
    # Example 2 (y=2): max(0, 2.2+3.1+1) + max(0, 2.5+3.1+1) = 6.3 + 6.6 = 12.9
    expected = (2.9 + 0.0 + 12.9) / 3
    loss = multiclass_hinge(torch.tensor(SCORES), torch.tensor(LABELS))
    assert loss.item() == pytest.approx(expected, abs=1e-5)


def test_hinge_gradient_counts_violated_margins() -> None:
    scores = torch.tensor(SCORES, requires_grad=True)
    multiclass_hinge(scores, torch.tensor(LABELS)).backward()
    # Example 0: class 1 violates the margin (+1), the true class gets -1 per violation.
    # Example 1: nothing violated. Example 2: classes 0 and 1 violate, true class -2.
    expected = torch.tensor([[-1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0, -2.0]]) / 3
    assert torch.allclose(scores.grad, expected)


def test_cross_entropy_matches_hand_computation() -> None:
    expected = 0.0
    for row, label in zip(SCORES, LABELS, strict=True):
        log_sum = math.log(sum(math.exp(s) for s in row))
        expected += log_sum - row[label]
    expected /= len(SCORES)
    loss = cross_entropy(torch.tensor(SCORES), torch.tensor(LABELS))
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_mse_uses_one_hot_targets_and_raw_scores() -> None:
    scores = torch.tensor([[0.5, 2.0], [1.0, -1.0]])
    labels = torch.tensor([1, 0])
    # Targets [[0, 1], [1, 0]]: squared errors 0.25, 1, 0, 1 -> mean over the 4 entries.
    assert mse_one_hot(scores, labels).item() == pytest.approx((0.25 + 1.0 + 0.0 + 1.0) / 4)


def test_get_loss_names_and_unknown_name() -> None:
    assert get_loss("hinge") is multiclass_hinge
    with pytest.raises(ValueError, match="'cross_entropy', 'hinge', 'mse'"):
        get_loss("focal")


def test_l2_penalty_is_sum_of_squares_of_weights_only() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))
    conv_w, linear_w = model[0].weight, model[3].weight
    hand = float((conv_w.detach() ** 2).sum() + (linear_w.detach() ** 2).sum())
    assert l2_penalty(model).item() == pytest.approx(hand, rel=1e-6)
    # Biases and the norm layer's scale/shift are excluded.
    assert [p.shape for p in penalised_parameters(model)] == [conv_w.shape, linear_w.shape]


def test_l2_penalty_of_model_without_weights_is_zero() -> None:
    assert l2_penalty(nn.ReLU()).item() == 0.0
