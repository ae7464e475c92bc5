"""Training: loop, control, events, settings, history, optimiser, checks, losses,
checkpoints and the project -> trainer session.

Lazy on purpose: `events`, `settings` and `control` need no torch and are imported by the
GUI process; the names below that live in torch modules load on first use only.
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> submodule that defines it
_NAMES = {
    "BatchEnd": "events", "EpochEnd": "events", "Event": "events", "Failed": "events",
    "Finished": "events", "Paused": "events", "ProbeResult": "events", "Resumed": "events",
    "Started": "events",
    "SettingsError": "settings", "TrainError": "settings", "TrainSettings": "settings",
    "TrainControl": "control",
    "Checkpoint": "checkpoint", "CheckpointError": "checkpoint", "load_checkpoint": "checkpoint",
    "Trainer": "loop",
}  # fmt: skip

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'engine.training' has no attribute {name!r}")
    return getattr(importlib.import_module(f"engine.training.{module}"), name)
