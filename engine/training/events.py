"""Events yielded by Trainer.run().

All are frozen dataclasses of plain data (numbers, strings, numpy arrays copied out of
the model), so a worker thread can hand them to the UI thread without sharing tensors
that the loop keeps mutating.

Numbering: `step` counts optimizer steps completed since the start of training (1 after
the first batch); `epoch` is 1-based (1 is the first epoch).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True, slots=True)
class Started:
    total_steps: int
    steps_per_epoch: int
    epochs: int
    start_step: int  # > 0 when resuming from a checkpoint
    device: str


@dataclass(frozen=True, slots=True)
class BatchEnd:
    epoch: int
    step: int
    total_steps: int
    loss: float  # data_loss + l2_penalty, the value that was minimised
    data_loss: float
    l2_penalty: float  # already multiplied by lambda
    accuracy: float  # on this training batch, 0..1
    lr: float
    samples_per_s: float
    elapsed_s: float  # training time so far, pauses excluded
    eta_s: float


@dataclass(frozen=True, slots=True)
class EpochEnd:
    epoch: int
    step: int
    train_loss: float  # mean data loss over the epoch's batches (comparable with val_loss)
    train_acc: float
    val_loss: float | None
    val_acc: float | None


@dataclass(frozen=True, slots=True)
class Paused:
    step: int


@dataclass(frozen=True, slots=True)
class Resumed:
    step: int


@dataclass(frozen=True, slots=True)
class ProbeResult:
    request_id: int
    kind: str
    step: int
    payload: dict[str, Any] = field(default_factory=dict)
    error: str = ""  # a sentence when the probe could not run; payload is then empty


@dataclass(frozen=True, slots=True)
class Finished:
    reason: str  # "completed" | "stopped"
    step: int
    metrics: dict[str, Any] = field(default_factory=dict)
    # The trained weights (engine.model.model_weights: numpy copies), so they outlive the run.
    # Not compared: two events are equal when they report the same end of a run.
    weights: dict[str, np.ndarray] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Failed:
    message: str
    step: int  # the last step whose weights were kept
    # Those last good weights when the loop knows them to be intact (a non-finite loss is
    # caught before the update); None after other failures.
    weights: dict[str, np.ndarray] | None = field(default=None, compare=False, repr=False)


Event = Started | BatchEnd | EpochEnd | Paused | Resumed | ProbeResult | Finished | Failed
