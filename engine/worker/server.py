"""The engine worker process: serves training runs, probes, checkpoints and jobs.

Three threads, each with one job:
- the main thread imports torch (the warm-up), then trains one run after another;
- a reader thread receives every request at once and acts on the running trainer through
  its thread-safe TrainControl (pause/resume/stop/probes take effect between two steps);
- a job thread ("netcanvas-jobs") runs one-shot jobs, so a job never waits for a run to
  end and a run never stops for a job (torch releases the GIL inside its kernels).

Replies go back over the same pipe, one writer at a time. When the editor goes away (the
pipe closes), the process exits at once: it has nothing of the user's to save, the
editor owns the project.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import queue
import signal
import threading
import traceback
from typing import Any

from engine.training.control import TrainControl
from engine.training.events import Failed, Finished, ProbeResult
from engine.training.settings import TrainError
from engine.worker.jobs import run_job_safely
from engine.worker.protocol import (
    CheckpointSaved,
    Control,
    ControlAck,
    JobDone,
    JobFailed,
    JobProgress,
    JobRequest,
    ProbeRequest,
    Ready,
    RunEnded,
    RunEvent,
    SaveCheckpoint,
    SetDataset,
    Shutdown,
    TrainRequest,
)
from engine.worker.relay import relay_events

NOT_RUNNING = "Probes are answered only while training runs."


class _Run:
    """One requested run, from its TrainRequest until RunEnded has been sent."""

    def __init__(self, request: TrainRequest) -> None:
        self.request = request
        self.control = TrainControl()
        self.lock = threading.Lock()  # guards started/cancelled and the probe id map
        self.started = self.cancelled = False
        self.trainer: Any = None
        self.probe_ids: dict[int, int] = {}  # the trainer's request id -> the editor's


class Server:
    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._send_lock = threading.Lock()
        self._queue: queue.Queue[_Run] = queue.Queue()
        self._jobs: queue.Queue[JobRequest] = queue.Queue()
        self._runs: dict[int, _Run] = {}
        self._runs_lock = threading.Lock()
        self._datasets: dict[str, Any] = {}
        self._last_trainer: Any = None  # the current or last run's, for checkpoints

    # ---- main thread -------------------------------------------------------------------
    def serve(self) -> None:
        # Ctrl+C in a terminal reaches the whole process group; the editor decides.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # Messages carry numpy arrays, and the warm-up imports torch (which imports numpy):
        # two threads initialising numpy at once fail with "partially initialized module".
        # So numpy is imported before the reader starts, and jobs (which import torch) start
        # only after the warm-up; they wait in their queue until then.
        importlib.import_module("numpy")
        threading.Thread(target=self._read, name="netcanvas-engine-reader", daemon=True).start()
        ready = _warm_up()
        threading.Thread(target=self._work_jobs, name="netcanvas-jobs", daemon=True).start()
        self._send(Ready(ready))
        while True:
            self._train(self._queue.get())

    def _train(self, run: _Run) -> None:
        with run.lock:
            if run.cancelled:
                return
            run.started = True
        try:
            trainer = self._prepare(run)
            if trainer is not None:
                run.trainer = self._last_trainer = trainer
                relay_events(trainer.run(), run.request.run_id, run.request.emit_interval_s,
                             self._send, translate=lambda e: self._translate(run, e))
        except Exception as exc:  # a bug must reach the user as a sentence, not end the worker
            traceback.print_exc()
            self._send(RunEvent(run.request.run_id, Failed(
                f"Training stopped because of an internal error: {type(exc).__name__}: {exc}",
                run.trainer.step if run.trainer is not None else 0)))
        finally:
            self._end(run)

    def _prepare(self, run: _Run) -> Any:
        """Data, model and Trainer from the request; None when the run cannot start."""
        from engine.training.session import SessionError, make_trainer, prepare_run

        request, run_id = run.request, run.request.run_id
        try:
            project, dataset = request.project, None
            if request.dataset_key is not None:
                dataset = self._datasets.get(request.dataset_key)
                if dataset is None:
                    raise SessionError("The data set sent for this run did not arrive; "
                                       "press Train again.")
            setup = prepare_run(project, dataset, request.overrides or None)
            if run.control.stopped:
                self._send(RunEvent(run_id, Finished("stopped", 0, {})))
                return None
            return make_trainer(setup, run.control)
        except SessionError as exc:
            self._send(RunEvent(run_id, Failed(str(exc), 0)))
            return None

    def _translate(self, run: _Run, event: Any) -> Any:
        """Put the editor's probe id on each ProbeResult (the trainer numbers its own)."""
        if isinstance(event, ProbeResult):
            with run.lock:
                editor_id = run.probe_ids.pop(event.request_id, None)
            if editor_id is None:
                return None
            return dataclasses.replace(event, request_id=editor_id)
        return event

    def _end(self, run: _Run) -> None:
        with self._runs_lock:
            self._runs.pop(run.request.run_id, None)
        self._send(RunEnded(run.request.run_id))

    # ---- reader thread -----------------------------------------------------------------
    def _read(self) -> None:
        while True:
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                os._exit(0)  # the editor is gone: nothing left to serve
            try:
                self._dispatch(message)
            except Exception:  # one bad request must not deafen the worker
                traceback.print_exc()

    def _dispatch(self, message: Any) -> None:
        if isinstance(message, SetDataset):
            self._datasets = {message.key: message.dataset}  # keep one: data sets are big
        elif isinstance(message, TrainRequest):
            run = _Run(message)
            with self._runs_lock:
                self._runs[message.run_id] = run
            self._queue.put(run)
        elif isinstance(message, Control):
            self._control(message)
        elif isinstance(message, ProbeRequest):
            self._probe(message)
        elif isinstance(message, SaveCheckpoint):
            threading.Thread(target=self._save_checkpoint, args=(message,), daemon=True).start()
        elif isinstance(message, JobRequest):
            self._jobs.put(message)
        elif isinstance(message, Shutdown):
            os._exit(0)

    def _control(self, message: Control) -> None:
        with self._runs_lock:
            run = self._runs.get(message.run_id)
        if run is None:
            return  # the run ended meanwhile; its RunEnded is on its way
        trainer = run.trainer
        # Acknowledge before acting, so the editor has the step the request arrived at
        # before any Paused/Finished it causes.
        self._send(ControlAck(message.run_id, message.action, trainer.step if trainer else 0))
        if message.action == "pause":
            run.control.pause()
        elif message.action == "resume":
            run.control.resume()
        elif message.action == "stop":
            run.control.stop()
            with run.lock:
                cancel = not run.started
                run.cancelled = cancel
            if cancel:  # still queued (the warm-up or another run is ahead): end it now
                self._send(RunEvent(message.run_id, Finished("stopped", 0, {})))
                self._end(run)

    def _probe(self, message: ProbeRequest) -> None:
        with self._runs_lock:
            run = self._runs.get(message.run_id)
        if run is None:
            self._send(RunEvent(message.run_id, ProbeResult(
                message.request_id, message.kind, 0, {}, NOT_RUNNING)))
            return
        try:
            with run.lock:
                own_id = run.control.request_probe(message.kind, **message.kwargs)
                run.probe_ids[own_id] = message.request_id
        except ValueError as exc:
            step = run.trainer.step if run.trainer is not None else 0
            self._send(RunEvent(message.run_id, ProbeResult(
                message.request_id, message.kind, step, {}, str(exc))))

    # ---- helper threads ----------------------------------------------------------------
    def _save_checkpoint(self, message: SaveCheckpoint) -> None:
        trainer, error = self._last_trainer, ""
        if trainer is None:
            error = "There is no training run to save yet; press Train first."
        else:
            try:
                trainer.save_checkpoint(message.path)
            except (OSError, ValueError, TrainError) as exc:  # already a sentence
                error = str(exc)
            except Exception as exc:
                traceback.print_exc()
                error = f"The checkpoint could not be saved: {type(exc).__name__}: {exc}"
        self._send(CheckpointSaved(message.request_id, message.path, error))

    def _work_jobs(self) -> None:
        while True:
            job = self._jobs.get()

            def report(fraction: float, text: str = "", _id: int = job.job_id) -> None:
                self._send(JobProgress(_id, float(fraction), str(text)))

            ok, value = run_job_safely(job.function, job.kwargs, report)
            if not ok:
                self._send(JobFailed(job.job_id, value))
                continue
            try:
                self._send(JobDone(job.job_id, value))
            except Exception as exc:  # pickling fails before a byte is written
                self._send(JobFailed(job.job_id, f"The job's result cannot be sent back "
                                                 f"({type(exc).__name__}: {exc}); return plain "
                                                 f"data (numbers, strings, numpy arrays)."))

    def _send(self, message: Any) -> None:
        with self._send_lock:
            try:
                self._conn.send(message)
            except (BrokenPipeError, ConnectionResetError, EOFError):
                os._exit(0)  # the editor is gone


def _warm_up() -> bool:
    """Import torch and the training engine, and make the first optimizer (which imports
    torch._dynamo, ~0.8 s) and a first conv step, so the first Train starts at once.
    Returns whether a CUDA device is usable."""
    try:
        import torch

        import engine.training.session  # noqa: F401 - the import is the point

        conv = torch.nn.Conv2d(1, 2, 3)
        optimizer = torch.optim.Adam(conv.parameters())
        conv(torch.zeros(2, 1, 8, 8)).sum().backward()
        optimizer.step()
        return bool(torch.cuda.is_available())
    except Exception:  # Train reports real problems; a warm-up never ends the worker
        traceback.print_exc()
        return False


def serve(conn: Any) -> None:
    """The worker process's main function (see engine.worker.entry)."""
    Server(conn).serve()
