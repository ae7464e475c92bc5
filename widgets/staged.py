"""Build a heavy view a piece at a time, one piece per event-loop turn.

A pyqtgraph plot costs ~20 ms to construct, and the training and diagnosis views hold
about thirty of them: built in one go, the window froze for 1.1 s just as a first run
started (bench/ui_latency.py, cold). A build written as a generator that yields after
each piece is run here between other events instead, so no single turn takes longer than
one piece; `finish()` completes it at once where the view is needed right now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import QObject, QTimer


def run_to_end(steps: Iterator[object]) -> None:
    """Build everything now (a view made outside the staged path)."""
    for _ in steps:
        pass


class StagedBuild(QObject):
    """Drives `steps` one `next()` per event-loop turn after `start()`; `on_done` runs
    once, after the last piece, whether the build ended staged or through `finish()`."""

    def __init__(self, steps: Iterator[object], on_done: Callable[[], None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps: Iterator[object] | None = steps
        self._on_done = on_done
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    @property
    def done(self) -> bool:
        return self._steps is None

    def start(self) -> None:
        """Begin building in the background of the event loop (idempotent)."""
        if self._steps is not None and not self._timer.isActive():
            self._timer.start()

    def finish(self) -> None:
        """Build whatever is left now."""
        self._timer.stop()
        while self._steps is not None:
            self._advance()

    def _step(self) -> None:
        if self._steps is not None:
            self._advance()
        if self._steps is not None:
            self._timer.start()

    def _advance(self) -> None:
        steps = self._steps
        if steps is None:
            return
        try:
            next(steps)
        except StopIteration:
            self._steps = None
            if self._on_done is not None:
                self._on_done()
