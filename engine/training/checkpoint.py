"""Training checkpoints: everything needed to continue a run bit-for-bit.

A checkpoint holds only tensors and plain Python (dict/list/str/int/float/None), because
torch.load is weights-only by default and refuses numpy or custom classes. Saving writes
a temporary file in the target directory and renames it over the target, so a crash or
a full disk never leaves a half-written checkpoint under the real name.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from engine.training.settings import TrainError

FORMAT_NAME = "netcanvas-checkpoint"
FORMAT_VERSION = 1


class CheckpointError(TrainError):
    """A checkpoint that is missing, unreadable or from an unknown format version."""


@dataclass
class Checkpoint:
    model_state: dict[str, Tensor]
    optimizer_state: dict[str, Any]
    settings: dict[str, Any]
    history: dict[str, Any]
    # Loop position: `epoch` is the 0-based epoch in progress and `batch_in_epoch` the
    # number of its batches already done (0 at an epoch boundary).
    epoch: int
    batch_in_epoch: int
    step: int
    elapsed_s: float = 0.0
    # Running sums of the unfinished epoch, so its EpochEnd matches an unbroken run.
    epoch_totals: dict[str, float] = field(default_factory=dict)
    rng_state: Tensor | None = None
    cuda_rng_state: list[Tensor] | None = None
    augment_rng_state: Tensor | None = None

    def to_payload(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "model_state": self.model_state,
            "optimizer_state": self.optimizer_state,
            "settings": self.settings,
            "history": self.history,
            "loop": {
                "epoch": self.epoch,
                "batch_in_epoch": self.batch_in_epoch,
                "step": self.step,
                "elapsed_s": self.elapsed_s,
                "epoch_totals": self.epoch_totals,
            },
            "rng": {
                "torch": self.rng_state,
                "cuda": self.cuda_rng_state,
                "augment": self.augment_rng_state,
            },
        }

    @classmethod
    def from_payload(cls, payload: Any, source: str = "the checkpoint") -> Checkpoint:
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_NAME:
            raise CheckpointError(f"{source} is not a NetCanvas training checkpoint.")
        version = payload.get("version")
        if version != FORMAT_VERSION:
            raise CheckpointError(
                f"{source} has checkpoint format version {version!r}; this NetCanvas reads "
                f"version {FORMAT_VERSION}. Open it with the NetCanvas that wrote it."
            )
        try:
            loop, rng = payload["loop"], payload["rng"]
            return cls(
                model_state=payload["model_state"],
                optimizer_state=payload["optimizer_state"],
                settings=payload["settings"],
                history=payload["history"],
                epoch=int(loop["epoch"]),
                batch_in_epoch=int(loop["batch_in_epoch"]),
                step=int(loop["step"]),
                elapsed_s=float(loop.get("elapsed_s", 0.0)),
                epoch_totals=dict(loop.get("epoch_totals", {})),
                rng_state=rng.get("torch"),
                cuda_rng_state=rng.get("cuda"),
                augment_rng_state=rng.get("augment"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(f"{source} is incomplete (missing {exc}).") from None


def save_checkpoint(path: str | os.PathLike[str], checkpoint: Checkpoint) -> None:
    """Write atomically: a temp file in the same directory, then os.replace."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise CheckpointError(f"Cannot save a checkpoint into {str(directory)!r}: no such folder.")
    # Same directory so os.replace is a rename within one filesystem, which is atomic.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(checkpoint.to_payload(), f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def load_checkpoint(path: str | os.PathLike[str]) -> Checkpoint:
    """Read a checkpoint onto the CPU; the Trainer moves it to its device."""
    source = f"{os.fspath(path)!r}"
    if not os.path.exists(path):
        raise CheckpointError(f"No checkpoint file at {source}.")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - torch.load raises many kinds (struct.error too)
        raise CheckpointError(
            f"Cannot read the checkpoint {source}: the file is damaged or not a checkpoint "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no detail'})."
        ) from exc
    return Checkpoint.from_payload(payload, source=f"The file {source}")
