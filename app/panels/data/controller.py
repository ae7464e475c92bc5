"""Loads data sets off the GUI thread and keeps the one the app works with.

A load runs on a Python worker thread that touches no Qt object: it leaves its result
in a queue that a main-thread timer drains. So a window torn down mid-load leaves the
worker nothing to crash into, and waiting for a load (tests, exit) blocks in Python,
which releases the GIL (a C++ QThreadPool.waitForDone holding the GIL while the worker
needs it to finish deadlocked the test suite). Only the newest request counts: a slow folder
that finishes after the user picked something else is dropped. A failure never replaces
the current data set, so the app keeps working with the previous one.

No torch here (engine.data.stats is plain numpy), so loading the project's data at
start-up cannot pull torch in before the window has painted.
"""

from __future__ import annotations

import gc
import os
import queue
import threading
import traceback
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass
from typing import Any

import numpy as np

# numpy.random is a lazily imported C extension; first imported by a load thread (the Shapes
# generator) while the GUI thread ran Qt's garbage collection, it crashed the process.
# Imported here, on the main thread, before any load thread starts.
import numpy.random  # noqa: F401, E402, I001
from PySide6.QtCore import QObject, QTimer, Signal

from engine.data import (
    ArrayDataset,
    DataError,
    DataSource,
    compute_stats,
    detect_source,
    load_dataset,
)

# aboutToQuit waits this long for a load in progress; reading files cannot be interrupted.
SHUTDOWN_WAIT_MS = 10_000
# How often the main thread looks for finished loads while one runs.
POLL_MS = 25


@dataclass(frozen=True)
class ChannelSummary:
    """Per-channel mean and population std of the training images on the 0-1 scale."""

    mean: tuple[float, ...]
    std: tuple[float, ...]


def channel_summary(x_train: np.ndarray) -> ChannelSummary:
    """Per-channel mean/std on the 0-1 scale (numpy only: no torch in the GUI thread)."""
    stats = compute_stats(x_train)
    return ChannelSummary(tuple(stats.mean), tuple(stats.std))


# Loads in flight in any controller, counted by the load threads themselves. The cyclic
# garbage collector is off while it is above zero: twice the suite died with a segfault in
# the GUI thread's collection while two load threads ran numpy code (np.load, channel
# moments) with the GIL released. Reference counting still frees nearly everything; the
# cycles are collected once the loads are done. Only the main thread switches it.
_loads_running = 0
_loads_lock = threading.Lock()


def _count_load(delta: int) -> None:
    global _loads_running
    with _loads_lock:
        _loads_running += delta


def sync_collector() -> None:
    """Main thread: the collector on again once no load runs (off while one does)."""
    with _loads_lock:
        running = _loads_running
    if running == 0 and not gc.isenabled():
        gc.enable()


def _load_task(request_id: int, source: DataSource) -> tuple[str, int, Any, Any]:
    """Runs in a worker thread; returns ("done", id, dataset, summary) or ("error", id, text)."""
    try:
        return _load(request_id, source)
    finally:
        _count_load(-1)


def _load(request_id: int, source: DataSource) -> tuple[str, int, Any, Any]:
    try:
        dataset = load_dataset(source)
        summary = channel_summary(dataset.x_train)
    except DataError as exc:
        return ("error", request_id, str(exc), None)
    except Exception as exc:  # a bug must reach the user as a sentence, not kill the app
        traceback.print_exc()
        return ("error", request_id, f"Could not load the data set ({type(exc).__name__}: {exc}).",
                None)
    return ("done", request_id, dataset, summary)


class DataController(QObject):
    """The app's current data set. `load()` is asynchronous; watch the signals."""

    loadStarted = Signal(object)  # DataSource  # noqa: N815 - Qt naming
    loaded = Signal(object)  # ArrayDataset
    failed = Signal(str)  # one sentence; the previous data set stays current
    busyChanged = Signal(bool)  # noqa: N815

    # Every controller alive, so tests (and exit) can wait for loads still in flight before
    # the objects the workers report to are torn down.
    _live: weakref.WeakSet[DataController] = weakref.WeakSet()

    def __init__(self, doc: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        DataController._live.add(self)
        self._doc = doc  # app.document.Document, told the data's shape on every load
        # Two workers: a slow folder must not queue a quick bundled pick.
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="netcanvas-data")
        self._futures: list[Future] = []
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._drain)
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
        gc.disable()  # see _loads_running
        _count_load(+1)
        future = self._executor.submit(_load_task, self._latest, source)
        # The callback runs in the worker: it only hands the result to a Python queue.
        future.add_done_callback(self._results_put)
        self._futures = [f for f in self._futures if not f.done()] + [future]
        self._poll.start()

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
        """Block until no load runs (tests, application exit), then deliver the results."""
        _done, pending = futures_wait(self._futures, timeout=msecs / 1000)
        self._drain()
        return not pending

    def _results_put(self, future: Future) -> None:
        self._results.put(future.result())

    def _drain(self) -> None:
        """Main thread: hand finished loads to the slots below."""
        while True:
            try:
                kind, request_id, first, second = self._results.get_nowait()
            except queue.Empty:
                break
            if kind == "done":
                self._on_done(request_id, first, second)
            else:
                self._on_error(request_id, first)
        if all(f.done() for f in self._futures) and self._results.empty():
            self._poll.stop()
        sync_collector()

    @classmethod
    def wait_all(cls, msecs: int = SHUTDOWN_WAIT_MS) -> None:
        """Wait for the loads of every live controller (before tearing windows down)."""
        for controller in list(cls._live):
            try:
                controller.wait_idle(msecs)
            except RuntimeError:  # its C++ side is already gone, and its pool with it
                pass
        sync_collector()

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
