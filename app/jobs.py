"""One-shot engine jobs (inspection, evaluation, export + verify, import) off the GUI process.

A job is an engine function named "package.module:function" that takes plain data
(graph records, numpy weights, numbers, strings, paths) as keyword arguments and returns
plain data. Naming it by string keeps torch out of this process: the function's module is
imported where the job runs, never here.

Where jobs run is this module's business alone; callers see `submit()` and three signals.
They run in the engine worker process (app/engine_process.py), on its job thread: beside a
training run rather than after it, and without a second torch process on a 2-core
machine. A job crash ends the worker; its jobs then fail with one sentence and the next
job starts a fresh worker.

A job that wants to report progress takes a `progress` keyword: a callable
`progress(fraction: float, text: str)` that may be called from the job's thread.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.engine_process import EngineProcess, shared_engine
from engine.worker.jobs import USER_ERRORS, resolve, run_job
from engine.worker.protocol import JobDone, JobFailed, JobProgress, JobRequest

__all__ = ["USER_ERRORS", "JobRunner", "resolve", "run_job"]

# How often wait() looks for replies.
POLL_S = 0.02
# Job ids are unique across runners: they share one worker.
_job_ids = itertools.count(1)


class JobRunner(QObject):
    """Runs jobs one after another in the engine worker; results arrive as signals."""

    finished = Signal(int, object)  # job id, the function's result
    failed = Signal(int, str)  # job id, one sentence for the user
    progress = Signal(int, float, str)  # job id, 0..1, what is being done

    def __init__(self, parent: QObject | None = None, engine: EngineProcess | None = None) -> None:
        super().__init__(parent)
        self._engine = engine if engine is not None else shared_engine()
        self._pending: set[int] = set()
        self._cancelled: set[int] = set()
        self._engine.message.connect(self._on_message)
        self._engine.died.connect(self._on_engine_died)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def submit(self, function: str, **kwargs: Any) -> int:
        """Queue `function(**kwargs)`; finished(id, result) or failed(id, text) follows."""
        job_id = next(_job_ids)
        self._pending.add(job_id)
        self._engine.send(JobRequest(job_id, function, kwargs))
        return job_id

    def cancel(self, job_id: int) -> None:
        """Drop the job's result (a running job still runs to its end)."""
        if job_id in self._pending:
            self._cancelled.add(job_id)

    def wait(self, timeout_s: float = 30.0) -> bool:
        """Block until every submitted job has reported (tests, exit); True when done."""
        deadline = time.monotonic() + timeout_s
        while self._pending and time.monotonic() < deadline:
            self._engine.pump(POLL_S)
        return not self._pending

    def shutdown(self) -> None:
        """Forget the jobs still running: their results are dropped when they arrive."""
        self._pending.clear()
        self._cancelled.clear()

    # ---- main thread -------------------------------------------------------------------
    def _on_message(self, message: object) -> None:
        if not isinstance(message, (JobProgress, JobDone, JobFailed)):
            return
        job_id = message.job_id
        if job_id not in self._pending:
            return  # another runner's job, or one forgotten by shutdown()
        if isinstance(message, JobProgress):
            if job_id not in self._cancelled:
                self.progress.emit(job_id, message.fraction, message.text)
            return
        self._pending.discard(job_id)
        if job_id in self._cancelled:
            self._cancelled.discard(job_id)
        elif isinstance(message, JobDone):
            self.finished.emit(job_id, message.result)
        else:
            self.failed.emit(job_id, message.message)

    def _on_engine_died(self, reason: str) -> None:
        lost, self._pending = sorted(self._pending), set()
        for job_id in lost:
            if job_id in self._cancelled:
                continue
            self.failed.emit(job_id, f"The engine process stopped unexpectedly ({reason}) while "
                                     f"this job ran; try again.")
        self._cancelled.clear()
