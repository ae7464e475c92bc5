"""Feature maps and canvas thumbnails that follow the training weights, at a bounded rate.

While a run trains, a timer asks the training controller for a "feature_maps" probe on the
chosen sample (its preprocessed array) at most LIVE_INTERVAL_MS apart, and never while the
previous answer is still out: the trainer serves a probe between two steps (one forward pass
of one sample), so the cost to training stays a fraction of a percent, and the redraw of the
answer is a few milliseconds on the GUI thread. Only the controller's public signals and
`request_probe` are used, so this works the same when training moves to a worker process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

LIVE_INTERVAL_MS = 1000  # at most one refresh a second
TRAINING_STATE = "training"


class LiveMaps(QObject):
    """Asks for probes while training runs; emits mapsArrived(step, {node_id: array})."""

    mapsArrived = Signal(int, object)  # noqa: N815 - Qt naming

    def __init__(self, controller: Any, wanted: Callable[[], np.ndarray | None],
                 parent: QObject | None = None, interval_ms: int = LIVE_INTERVAL_MS) -> None:
        """`wanted()` returns the sample to probe, or None when nobody is looking."""
        super().__init__(parent)
        self._controller = controller
        self._wanted = wanted
        self._outstanding: int | None = None
        self.requests = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)
        controller.stateChanged.connect(self._on_state)
        controller.probeResult.connect(self._on_probe)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def _on_state(self, state: str) -> None:
        if state == TRAINING_STATE:
            self._timer.start()
        else:
            self._timer.stop()
            if state == "idle":
                self._outstanding = None  # a run that ended answers nothing more

    def tick(self) -> None:
        if self._outstanding is not None:
            return  # bounded: one probe in flight at a time
        sample = self._wanted()
        if sample is None:
            return
        try:
            self._outstanding = self._controller.request_probe("feature_maps", sample=sample)
            self.requests += 1
        except (RuntimeError, ValueError):
            self._outstanding = None  # the run is just starting or ending; try next tick

    def _on_probe(self, result: Any) -> None:
        if result.request_id != self._outstanding:
            return
        self._outstanding = None
        if not result.error:
            self.mapsArrived.emit(int(result.step), dict(result.payload))
