"""Training settings: a plain, JSON-able record stored in project files.

Validation is pure data checking. Whether the machine can honour a setting (a CUDA
device, say) is decided by the Trainer, so a project saved on a GPU machine still
opens on a laptop.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

OPTIMIZERS = ("sgd", "adam", "adamw")
LOSSES = ("cross_entropy", "hinge", "mse")
SCHEDULES = ("none", "step", "cosine")
DEVICES = ("cpu", "cuda")
# torch.Generator seeds are 64-bit; the trainer mixes the seed with the epoch number, so
# the user's part is kept to 32 bits.
MAX_SEED = 2**32 - 1


# Every message about unusable training settings starts so, in the editor and the CLI.
SETTINGS_PREFIX = "Training settings: "


class TrainError(Exception):
    """A training problem explained in one sentence the user can act on."""


class SettingsError(TrainError, ValueError):
    """An invalid training setting; also a ValueError so generic form code can catch it."""


def _is_int(value: Any) -> bool:
    # bool is an int subclass; "epochs: true" in a project file is a mistake, not 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _short(value: Any) -> str:
    """repr() cut to a readable length: a file may hold a 4,000-digit number."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else "a huge number"
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number(value: Any) -> bool:
    if not (_is_int(value) or isinstance(value, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int with hundreds of digits is no learning rate
        return False


@dataclass
class TrainSettings:
    """How to train. Field names are the project-file keys; see docs/training.md."""

    optimizer: str = "adam"
    lr: float = 1e-3
    momentum: float = 0.9
    l2: float = 0.0
    loss: str = "cross_entropy"
    schedule: str = "none"
    step_size: int = 1
    gamma: float = 0.5
    batch_size: int = 128
    epochs: int = 2
    device: str = "cpu"
    threads: int = 0
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainSettings:
        """Build from a project-file dict; missing keys take defaults, unknown keys are refused."""
        if not isinstance(d, dict):
            raise SettingsError(
                f"Training settings must be a mapping of names to values, not {type(d).__name__}."
            )
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(d) - set(known))
        if unknown:
            raise SettingsError(
                f"Unknown training setting {unknown[0]!r}; known settings are: "
                f"{', '.join(known)}."
            )
        values = dict(d)
        for name, value in values.items():
            # JSON writes 1.0 as 1; keep float fields floats so to_dict round-trips exactly.
            if known[name].type == "float" and _is_int(value):
                try:
                    values[name] = float(value)
                except OverflowError:
                    pass  # a number too large for a float: validate() says so below
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raise SettingsError naming the first bad field and what it may be."""
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_choice("loss", self.loss, LOSSES)
        _check_choice("schedule", self.schedule, SCHEDULES)
        _check_choice("device", self.device, DEVICES)
        if not _is_number(self.lr) or self.lr <= 0:
            raise SettingsError(
                f"Setting 'lr' (learning rate) must be a number greater than 0, got {_short(self.lr)}."
            )
        if not _is_number(self.momentum) or not 0 <= self.momentum < 1:
            raise SettingsError(
                f"Setting 'momentum' must be a number from 0 up to (not including) 1, "
                f"got {_short(self.momentum)}."
            )
        if not _is_number(self.l2) or self.l2 < 0:
            raise SettingsError(
                f"Setting 'l2' (penalty strength) must be a number of 0 or more, got {_short(self.l2)}."
            )
        if not _is_number(self.gamma) or self.gamma <= 0:
            raise SettingsError(
                f"Setting 'gamma' (step schedule factor) must be a number greater than 0, "
                f"got {_short(self.gamma)}."
            )
        _check_int("step_size", self.step_size, minimum=1)
        _check_int("batch_size", self.batch_size, minimum=1)
        _check_int("epochs", self.epochs, minimum=1)
        _check_int("threads", self.threads, minimum=0, note=" (0 keeps PyTorch's default)")
        _check_int("seed", self.seed, minimum=0, maximum=MAX_SEED)


def _check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SettingsError(
            f"Setting {name!r} must be one of {', '.join(repr(a) for a in allowed)}, "
            f"got {_short(value)}."
        )


def _check_int(
    name: str, value: Any, *, minimum: int, maximum: int | None = None, note: str = ""
) -> None:
    in_range = _is_int(value) and value >= minimum and (maximum is None or value <= maximum)
    if not in_range:
        bound = f"from {minimum} to {maximum}" if maximum is not None else f"of {minimum} or more"
        raise SettingsError(
            f"Setting {name!r} must be a whole number {bound}{note}, got {_short(value)}."
        )


def settings_for(training: dict[str, Any] | None,
                 overrides: dict[str, Any] | None = None) -> TrainSettings:
    """The validated settings of a project's training record with `overrides` (None values
    ignored) applied; TrainError/ValueError with one sentence when they cannot train."""
    record = dict(training or {})
    record.update({k: v for k, v in (overrides or {}).items() if v is not None})
    settings = TrainSettings.from_dict(record)
    settings.validate()
    return settings
