"""A caller-built Trainer iterated in this process (TrainingController.run_trainer).

Benchmarks with their own model keep this path; everything started from a project runs in
the engine worker process instead. Thread rules kept here (each one was measured to crash
or hang): the thread's signal connects to a bound method of the main-thread controller,
queued; a QThread is never destroyed while it runs (the controller's `_LIVE` holds it
until the main thread has waited for it).
"""

from __future__ import annotations

import traceback
from typing import Any

from PySide6.QtCore import QThread, Signal

from engine.training.events import Failed
from engine.worker.protocol import RunEnded, RunEvent
from engine.worker.relay import relay_events


class LocalRun(QThread):
    """Iterates a caller-built Trainer in this process (run_trainer). Emits only."""

    message = Signal(object)  # RunBatches / RunEvent / RunEnded, like the worker's

    def __init__(self, trainer: Any, run_id: int, interval_s: float) -> None:
        super().__init__()  # no parent: its lifetime is managed through _LIVE
        self._trainer, self._run_id, self._interval = trainer, run_id, interval_s

    def run(self) -> None:  # noqa: D102 - runs in the worker thread
        try:
            relay_events(self._trainer.run(), self._run_id, self._interval, self.message.emit)
        except Exception as exc:  # a bug must reach the user as a message, not kill the thread
            traceback.print_exc()
            self.message.emit(RunEvent(self._run_id, Failed(
                f"Training stopped because of an internal error: {type(exc).__name__}: {exc}",
                self._trainer.step)))
        self.message.emit(RunEnded(self._run_id))
