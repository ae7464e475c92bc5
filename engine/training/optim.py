"""Optimizer construction and the learning-rate schedule.

The schedule is a pure function of (epoch, step) instead of a torch LR scheduler object:
the loop sets the rate before every step, so a resumed run needs no scheduler state and
gets exactly the rates an unbroken run would have had.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from engine.training.settings import TrainError, TrainSettings


def build_optimizer(model: nn.Module, settings: TrainSettings) -> torch.optim.Optimizer:
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise TrainError(
            "The model has no trainable weights; add a layer that has some "
            "(a convolution or a dense layer) before training."
        )
    if settings.optimizer == "sgd":
        return torch.optim.SGD(params, lr=settings.lr, momentum=settings.momentum)
    if settings.optimizer == "adam":
        return torch.optim.Adam(params, lr=settings.lr)
    if settings.optimizer == "adamw":
        # AdamW keeps PyTorch's default decoupled weight decay (0.01); that is the point of
        # choosing it over Adam. The `l2` setting is a separate, explicit loss term.
        return torch.optim.AdamW(params, lr=settings.lr)
    raise TrainError(f"Unknown optimizer {settings.optimizer!r}; choose 'sgd', 'adam' or 'adamw'.")


def apply_hyperparameters(optimizer: torch.optim.Optimizer, settings: TrainSettings) -> None:
    """Re-apply the settings after load_state_dict, which restores the saved ones."""
    for group in optimizer.param_groups:
        group["lr"] = settings.lr
        if settings.optimizer == "sgd":
            group["momentum"] = settings.momentum


def learning_rate_at(settings: TrainSettings, epoch: int, step: int, total_steps: int) -> float:
    """Rate for the step that follows `step` completed steps, in 0-based `epoch`."""
    if settings.schedule == "step":
        return settings.lr * settings.gamma ** (epoch // settings.step_size)
    if settings.schedule == "cosine":
        progress = min(step / total_steps, 1.0) if total_steps > 0 else 1.0
        return settings.lr * 0.5 * (1.0 + math.cos(math.pi * progress))
    return settings.lr


def epoch_seed(seed: int, epoch: int) -> int:
    """Seed of the generator that shuffles `epoch`: resuming rebuilds the same order.

    Offset from the user's seed so the shuffle stream is not the same Mersenne Twister
    stream that torch.manual_seed(seed) gives dropout.
    """
    return (1 << 60) + seed * 1_000_003 + epoch


def augment_seed(seed: int) -> int:
    return (1 << 61) + seed
