"""Checks on what the Trainer is given, and the sentences it shows when training fails.

Kept apart from the loop so the loop reads as the algorithm; every message names the
values involved and says what to change (CONVENTIONS.md, rule 4).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor, nn

from engine.training.checkpoint import Checkpoint
from engine.training.settings import TrainError, TrainSettings


def resolve_device(name: str) -> torch.device:
    if name == "cuda" and not torch.cuda.is_available():
        raise TrainError(
            "Device 'cuda' is selected, but PyTorch finds no CUDA GPU on this machine; "
            "choose device 'cpu'."
        )
    return torch.device(name)


def check_data(x: Any, y: Any, what: str, device: torch.device) -> tuple[Tensor, Tensor]:
    """Validate inputs/labels and return them on `device`, labels as int64."""
    if not isinstance(x, Tensor) or not isinstance(y, Tensor):
        raise TrainError(f"The {what} inputs and labels must be torch tensors.")
    if len(x) == 0:
        raise TrainError(f"The {what} set is empty.")
    if len(x) != len(y):
        raise TrainError(
            f"The {what} set has {len(x)} inputs but {len(y)} labels; they must match."
        )
    if not x.is_floating_point():
        raise TrainError(
            f"The {what} inputs are {x.dtype}; they must be floating point (e.g. x.float() / 255)."
        )
    if y.is_floating_point() or y.is_complex() or y.dim() != 1:
        raise TrainError(
            f"The {what} labels must be a 1-d tensor of class indices, got {y.dtype} with "
            f"shape {tuple(y.shape)}."
        )
    if int(y.min()) < 0:
        raise TrainError(f"The {what} labels contain a negative class index.")
    return x.to(device), y.to(device, torch.int64)


def check_scores(scores: Tensor, batch: int, classes_needed: int) -> None:
    """The model must give one row of class scores per sample, enough for every label."""
    if scores.dim() != 2 or scores.shape[0] != batch:
        raise TrainError(
            f"The model's output has shape {tuple(scores.shape)} for a batch of {batch}; "
            f"training needs one row of class scores per sample, shape ({batch}, classes). "
            f"End the network with a Flatten and a Linear layer."
        )
    if scores.shape[1] < classes_needed:
        raise TrainError(
            f"The labels go up to {classes_needed - 1} but the model outputs "
            f"{scores.shape[1]} scores per sample; make the last layer output "
            f"{classes_needed} features."
        )


def check_resumable(checkpoint: Checkpoint, settings: TrainSettings) -> None:
    """Refuse setting changes that would make the resumed run meaningless."""
    saved_batch = checkpoint.settings.get("batch_size")
    if checkpoint.batch_in_epoch and saved_batch != settings.batch_size:
        raise TrainError(
            f"This checkpoint stopped in the middle of an epoch with batch size "
            f"{saved_batch}; resume it with batch size {saved_batch}, or resume from a "
            f"checkpoint saved at the end of an epoch."
        )
    saved_optimizer = checkpoint.settings.get("optimizer")
    if saved_optimizer != settings.optimizer:
        raise TrainError(
            f"This checkpoint was trained with optimizer {saved_optimizer!r}; resume it "
            f"with {saved_optimizer!r} or start a new run with {settings.optimizer!r}."
        )


def weights_finite(model: nn.Module) -> bool:
    """Only called after a bad loss, so a full pass over the weights costs nothing per step."""
    with torch.no_grad():
        return all(bool(torch.isfinite(p).all()) for p in model.parameters())


def non_finite_message(
    loss: float, steps_done: int, epoch: int, lr: float, weights_ok: bool = True
) -> str:
    what = "NaN" if math.isnan(loss) else "infinite"
    where = f"at step {steps_done + 1} (epoch {epoch + 1})"
    if not weights_ok:
        # A finite loss with an overflowing gradient can poison the weights one step
        # earlier; saying "weights are kept" would then be misleading.
        return (
            f"Loss became {what} {where} because the weights already hold NaN or infinite "
            f"values (a gradient overflowed in step {steps_done}). Start again with a lower "
            f"learning rate (now {lr:g})."
        )
    return (
        f"Loss became {what} {where}. Weights are kept from step {steps_done}. "
        f"Try a lower learning rate (now {lr:g})."
    )


def describe_failure(exc: Exception, steps_done: int, epoch: int, batch_size: int) -> str:
    if isinstance(exc, TrainError):
        return str(exc)
    where = f"at step {steps_done + 1} (epoch {epoch + 1})"
    if isinstance(exc, (torch.OutOfMemoryError, MemoryError)):
        return (
            f"Ran out of memory {where} with batch size {batch_size}. "
            f"Try a smaller batch size or a smaller model."
        )
    return f"Training failed {where}: {one_line(exc)}"


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    detail = text[0] if text else "no details"
    return f"{type(exc).__name__}: {detail}"


def clone_tree(value: Any) -> Any:
    """Deep copy of a state_dict-like tree, cloning tensors."""
    if isinstance(value, Tensor):
        return value.detach().clone()
    if isinstance(value, dict):
        return {k: clone_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone_tree(v) for v in value]
    if isinstance(value, tuple):
        return tuple(clone_tree(v) for v in value)
    return value
