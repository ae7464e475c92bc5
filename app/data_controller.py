"""Loads data sets off the GUI thread and keeps the one the app works with.

A load runs as a QRunnable on this controller's own pool; its result crosses back as a
queued signal to a bound method of a main-thread QObject (a lambda would run in the
worker, STACK-FACTS "Qt and threads"). Only the newest request counts: a slow folder
that finishes after the user picked something else is dropped. A failure never replaces
the current data set, so the app keeps working with the previous one.

No torch here (engine.data.stats is plain numpy), so loading the project's data at
start-up cannot pull torch in before the window has painted.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from engine.data import (
    ArrayDataset,
    DataError,
    DataSource,
    compute_stats,
    detect_source,
    load_dataset,
)

DEFAULT_SOURCE = DataSource("bundled", "fashion-mnist-mini")
# aboutToQuit waits this long for a load in progress; reading files cannot be interrupted.
SHUTDOWN_WAIT_MS = 10_000


@dataclass(frozen=True)
class ChannelSummary:
    """Per-channel mean and population std of the training images on the 0-1 scale."""

    mean: tuple[float, ...]
    std: tuple[float, ...]


def channel_summary(x_train: np.ndarray) -> ChannelSummary:
    """Per-channel mean/std on the 0-1 scale (numpy only: no torch in the GUI thread)."""
    stats = compute_stats(x_train)
    return ChannelSummary(tuple(stats.mean), tuple(stats.std))


def project_source(data: dict[str, Any] | None) -> DataSource:
    """The project's data source (the bundled mini set when none is stored).

    Mirrors engine.session.data_source without importing it: that module pulls in torch.
    """
    raw = (data or {}).get("source")
    return DataSource.from_dict(raw) if raw else DEFAULT_SOURCE


class _Relay(QObject):
    """Lives in the main thread; the worker emits on it, Qt queues the delivery."""

    done = Signal(int, object, object)  # request id, ArrayDataset, ChannelSummary
    error = Signal(int, str)


class _LoadTask(QRunnable):
    def __init__(self, request_id: int, source: DataSource, relay: _Relay) -> None:
        super().__init__()
        self._id, self._source, self._relay = request_id, source, relay

    def run(self) -> None:  # runs in a pool thread
        try:
            dataset = load_dataset(self._source)
            summary = channel_summary(dataset.x_train)
        except DataError as exc:
            self._relay.error.emit(self._id, str(exc))
        except Exception as exc:  # a bug must reach the user as a sentence, not kill the app
            traceback.print_exc()
            self._relay.error.emit(
                self._id, f"Could not load the data set ({type(exc).__name__}: {exc}).")
        else:
            self._relay.done.emit(self._id, dataset, summary)


class DataController(QObject):
    """The app's current data set. `load()` is asynchronous; watch the signals."""

    loadStarted = Signal(object)  # DataSource  # noqa: N815 - Qt naming
    loaded = Signal(object)  # ArrayDataset
    failed = Signal(str)  # one sentence; the previous data set stays current
    busyChanged = Signal(bool)  # noqa: N815

    def __init__(self, doc: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = doc  # app.document.Document, told the data's shape on every load
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)  # a slow folder must not queue a quick bundled pick
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._relay.error.connect(self._on_error)
        self._latest = 0
        self._pending: DataSource | None = None
        self.dataset: ArrayDataset | None = None
        self.summary: ChannelSummary | None = None

    @property
    def source(self) -> DataSource | None:
        return self.dataset.source if self.dataset is not None else None

    @property
    def busy(self) -> bool:
        return self._pending is not None

    def load(self, source: DataSource) -> None:
        """Load `source` in the background; the current data set answers at once."""
        self._latest += 1
        if self.dataset is not None and source == self.dataset.source:
            was_busy, self._pending = self.busy, None
            if was_busy:
                self.busyChanged.emit(False)
            self._apply(self.dataset, self.summary)
            return
        was_busy, self._pending = self.busy, source
        self.loadStarted.emit(source)
        if not was_busy:
            self.busyChanged.emit(True)
        self._pool.start(_LoadTask(self._latest, source, self._relay))

    def load_path(self, path: str | os.PathLike[str]) -> bool:
        """Detect the layout of a picked file or folder and load it; False (and `failed`)
        when the layout is not recognised."""
        try:
            source = detect_source(path)
        except DataError as exc:
            self.failed.emit(str(exc))
            return False
        self.load(source)
        return True

    def wait_idle(self, msecs: int = SHUTDOWN_WAIT_MS) -> bool:
        """Block until no load runs (tests, application exit)."""
        return self._pool.waitForDone(msecs)

    # ---- results (main thread) --------------------------------------------------------
    def _on_done(self, request_id: int, dataset: ArrayDataset, summary: ChannelSummary) -> None:
        if request_id != self._latest:
            return
        self._finish_busy()
        self._apply(dataset, summary)

    def _on_error(self, request_id: int, message: str) -> None:
        if request_id != self._latest:
            return
        self._finish_busy()
        self.failed.emit(message)

    def _finish_busy(self) -> None:
        self._pending = None
        self.busyChanged.emit(False)

    def _apply(self, dataset: ArrayDataset, summary: ChannelSummary | None) -> None:
        self.dataset, self.summary = dataset, summary
        if self._doc is not None:
            # The analysis now checks the Input and Output against the data and offers Fixes.
            self._doc.set_data_info(dataset.image_shape, dataset.num_classes)
        self.loaded.emit(dataset)
