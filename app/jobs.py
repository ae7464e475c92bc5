"""One-shot engine jobs (inspection, evaluation, export + verify, import) off the GUI thread.

A job is an engine function named "package.module:function" that takes plain data
(graph records, numpy weights, numbers, strings, paths) as keyword arguments and returns
plain data. Naming it by string keeps torch out of this module: the function's module is
imported where the job runs, never here.

Where jobs run is this module's business alone; callers see `submit()` and three signals.
Today: a Python worker thread that touches no Qt object, its results drained from a queue
by a main-thread timer (the data loader's pattern, see app/panels/data/controller.py).

A job that wants to report progress takes a `progress` keyword: a callable
`progress(fraction: float, text: str)` that may be called from the worker.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import queue
import threading
import traceback
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

# How often the main thread looks for finished jobs while one runs.
POLL_MS = 20
# Errors whose message is already a sentence for the user (engine errors derive from these).
USER_ERRORS: tuple[type[BaseException], ...] = (ValueError, OSError)


def resolve(function: str) -> Callable[..., Any]:
    """'engine.inspect.maps:capture' -> the function object (imports its module)."""
    module_name, _, attr = function.partition(":")
    if not attr:
        raise ValueError(f"A job function is named 'module:function', not {function!r}.")
    return getattr(importlib.import_module(module_name), attr)


def run_job(function: str, kwargs: dict[str, Any],
            progress: Callable[[float, str], None] | None = None) -> Any:
    """Run one job in the calling thread (the worker, a test, the CLI)."""
    fn = resolve(function)
    if progress is not None and "progress" in inspect.signature(fn).parameters:
        kwargs = {**kwargs, "progress": progress}
    return fn(**kwargs)


class JobRunner(QObject):
    """Runs jobs one after another on a background worker; results arrive as signals."""

    finished = Signal(int, object)  # job id, the function's result
    failed = Signal(int, str)  # job id, one sentence for the user
    progress = Signal(int, float, str)  # job id, 0..1, what is being done

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._todo: queue.Queue[tuple[int, str, dict[str, Any]] | None] = queue.Queue()
        self._done: queue.Queue[tuple[str, int, Any]] = queue.Queue()
        self._cancelled: set[int] = set()
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._drain)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def submit(self, function: str, **kwargs: Any) -> int:
        """Queue `function(**kwargs)`; finished(id, result) or failed(id, text) follows."""
        job_id = next(self._ids)
        self._pending += 1
        self._todo.put((job_id, function, kwargs))
        if self._thread is None:
            # The worker holds the two queues only, never this QObject: a Qt wrapper kept
            # alive by a thread crashes the garbage collector when Qt deletes it.
            self._thread = threading.Thread(target=_work, args=(self._todo, self._done),
                                            name="netcanvas-jobs", daemon=True)
            self._thread.start()
            weakref.finalize(self, self._todo.put, None)
        self._timer.start()
        return job_id

    def cancel(self, job_id: int) -> None:
        """Drop the job's result (a running job still runs to its end)."""
        self._cancelled.add(job_id)

    def wait(self, timeout_s: float = 30.0) -> bool:
        """Block until every submitted job has reported (tests, exit); True when done."""
        deadline = threading.Event()
        waited = 0.0
        while self._pending and waited < timeout_s:
            deadline.wait(POLL_MS / 1000)  # a Python wait: releases the GIL for the worker
            waited += POLL_MS / 1000
            self._drain()
        return not self._pending

    def shutdown(self) -> None:
        if self._thread is not None:
            self._todo.put(None)

    # ---- main thread -------------------------------------------------------------------
    def _drain(self) -> None:
        while True:
            try:
                kind, job_id, value = self._done.get_nowait()
            except queue.Empty:
                break
            if kind == "progress":
                if job_id not in self._cancelled:
                    self.progress.emit(job_id, *value)
                continue
            self._pending -= 1
            if job_id in self._cancelled:
                self._cancelled.discard(job_id)
            elif kind == "done":
                self.finished.emit(job_id, value)
            else:
                self.failed.emit(job_id, value)
        if not self._pending:
            self._timer.stop()


def _work(todo: queue.Queue[tuple[int, str, dict[str, Any]] | None],
          done: queue.Queue[tuple[str, int, Any]]) -> None:
    """The worker thread: touches no Qt object; None in `todo` ends it."""
    while (item := todo.get()) is not None:
        job_id, function, kwargs = item

        def report(fraction: float, text: str = "", _id: int = job_id) -> None:
            done.put(("progress", _id, (float(fraction), str(text))))

        try:
            done.put(("done", job_id, run_job(function, kwargs, report)))
        except USER_ERRORS as exc:
            done.put(("error", job_id, str(exc)))
        except Exception as exc:  # a bug must reach the user as a sentence
            traceback.print_exc()
            done.put(("error", job_id, f"The job failed because of an internal error: "
                                       f"{type(exc).__name__}: {exc}"))
