"""Training on a worker thread, forwarded to the GUI as throttled main-thread signals.

`start()` snapshots the project on the main thread; a `_RunThread` then does everything
slow (importing torch, loading the data, building the model) and iterates Trainer.run().
BatchEnd events are gathered and emitted at most ~8 times a second: each delivery and
each redraw it triggers takes the GIL from the training loop (STACK-FACTS, "Qt and threads").

Thread rules kept here (each one was measured to crash, hang or misroute):
- the worker's signals connect to bound methods of this main-thread QObject, queued, so
  the slots run in the GUI thread; the worker never touches a widget;
- a QThread is never destroyed while it runs: `_LIVE` holds every started thread until
  the main thread has seen it end and waited for it;
- `shutdown()` sets the stop flag and then wait()s; nothing connects `finished` to `quit`.
"""

from __future__ import annotations

import copy
import importlib
import sys
import threading
import time
import traceback
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal

from engine.project import Project
from engine.training.events import (
    BatchEnd,
    EpochEnd,
    Failed,
    Finished,
    Paused,
    ProbeResult,
    Resumed,
    Started,
)

# At most this many progress deliveries a second: smooth to the eye, cheap for the loop.
EMIT_INTERVAL_S = 1 / 8
# How long shutdown() waits for the worker. A step takes milliseconds; only a first run
# still importing torch (seconds on a busy machine) comes near this.
SHUTDOWN_WAIT_MS = 30_000
# Imported by warm_up(): torch and the training engine, then the optimizer machinery
# (the first optimizer imports torch._dynamo, ~0.8 s, which would otherwise land on Train).
ENGINE_MODULES = ("torch", "engine.training.session")

IDLE, PREPARING, TRAINING, PAUSED, STOPPING = "idle", "preparing", "training", "paused", "stopping"


class _ControlRelay:
    """The GUI thread's handle on the engine's TrainControl, which the worker creates:
    importing engine.training.control imports torch, and that must never happen on the GUI
    thread (a second-long freeze). Requests made before the worker has it are replayed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._control: Any = None
        self._paused = self._stopped = False

    def attach(self, control: Any) -> None:
        """Called by the worker with the real TrainControl."""
        with self._lock:
            self._control = control
            if self._paused:
                control.pause()
            if self._stopped:
                control.stop()

    def pause(self) -> None:
        with self._lock:
            self._paused = True
            if self._control is not None:
                self._control.pause()

    def resume(self) -> None:
        with self._lock:
            self._paused = False
            if self._control is not None:
                self._control.resume()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._control is not None:
                self._control.stop()

    @property
    def stopped(self) -> bool:
        return self._stopped

    def request_probe(self, kind: str, **kwargs: Any) -> int:
        with self._lock:
            if self._control is None:
                raise RuntimeError("Probes are answered once training has started; try again "
                                   "in a moment.")
            return self._control.request_probe(kind, **kwargs)


# Every started worker thread with its control, until the main thread has joined it.
_LIVE: dict[QThread, _ControlRelay] = {}
_quit_hooked: set[int] = set()


def _stop_all_live_threads() -> None:
    """aboutToQuit: no worker may outlive the application object (rc 134 otherwise)."""
    for thread, control in list(_LIVE.items()):
        control.stop()
        thread.wait(SHUTDOWN_WAIT_MS)
        if thread.isFinished():
            _LIVE.pop(thread, None)


def _hook_quit() -> None:
    app = QCoreApplication.instance()
    if app is not None and id(app) not in _quit_hooked:
        _quit_hooked.add(id(app))
        app.aboutToQuit.connect(_stop_all_live_threads)


class _RunThread(QThread):
    """prepare_run + Trainer.run() off the GUI thread. Emits only; owns no widget."""

    prepared = Signal(object)  # the Trainer, so the controller can offer checkpoints
    batches = Signal(object)  # list[BatchEnd], a fresh list each time
    event = Signal(object)  # every other event except Failed
    failed = Signal(str)

    def __init__(self, control: _ControlRelay, emit_interval_s: float, project: Project | None = None,
                 dataset: Any = None, overrides: dict[str, Any] | None = None,
                 trainer: Any = None) -> None:
        super().__init__()  # no parent: its lifetime is managed through _LIVE
        self._project, self._dataset, self._overrides = project, dataset, overrides
        self._given_trainer = trainer
        self._control, self._interval = control, emit_interval_s

    def run(self) -> None:  # noqa: D102 - runs in the worker thread
        try:
            self._train()
        except Exception as exc:  # a bug must reach the user as a message, not kill the thread
            traceback.print_exc()
            self.failed.emit(f"Training stopped because of an internal error: "
                             f"{type(exc).__name__}: {exc}")

    def _train(self) -> None:
        trainer = self._given_trainer if self._given_trainer is not None else self._prepare()
        if trainer is None:
            return
        if self._given_trainer is not None:
            self._control.attach(trainer.control)
        self.prepared.emit(trainer)
        self._iterate(trainer)

    def _prepare(self) -> Any:
        """Data, model and Trainer from the project snapshot; None when it cannot start."""
        # Imported here, in the worker: torch's import and the first optimizer's
        # torch._dynamo import hold the GIL for long stretches.
        from engine.training.control import TrainControl
        from engine.training.session import SessionError, make_trainer, prepare_run

        assert self._project is not None
        control = TrainControl()
        self._control.attach(control)
        try:
            setup = prepare_run(self._project, self._dataset, self._overrides)
            if self._control.stopped:
                self.event.emit(Finished("stopped", 0, {}))
                return None
            return make_trainer(setup, control)
        except SessionError as exc:
            self.failed.emit(str(exc))
            return None

    def _iterate(self, trainer: Any) -> None:
        pending: list[BatchEnd] = []
        last_emit = time.monotonic()
        for event in trainer.run():
            if isinstance(event, BatchEnd):
                pending.append(event)
                now = time.monotonic()
                if now - last_emit >= self._interval:
                    self.batches.emit(pending)
                    pending, last_emit = [], now
                continue
            if pending:  # keep order: a batch never arrives after its epoch end or pause
                self.batches.emit(pending)
                pending, last_emit = [], time.monotonic()
            if isinstance(event, Failed):
                self.failed.emit(event.message)
            else:
                self.event.emit(event)


class _WarmUpNotifier(QObject):
    """Reports the end of the warm-up. One per process, never deleted, so the thread can
    always emit on it; every controller forwards it (queued to the main thread)."""

    done = Signal(bool)  # CUDA usable


_warm_lock = threading.Lock()
_warm_thread: threading.Thread | None = None
_warm_notifier: _WarmUpNotifier | None = None
_warm_result: bool | None = None  # set when the warm-up has finished


def _notifier() -> _WarmUpNotifier:
    global _warm_notifier
    if _warm_notifier is None:  # first created from a controller, so in the main thread
        _warm_notifier = _WarmUpNotifier()
    return _warm_notifier


def _warm_up_thread(modules: tuple[str, ...]) -> None:
    global _warm_result
    notifier = _notifier()
    try:
        for name in modules:
            importlib.import_module(name)
        import torch

        torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        _warm_result = _cuda_available()
        notifier.done.emit(_warm_result)
    except Exception:  # a warm-up must never break the app; Train reports real errors
        traceback.print_exc()


class TrainingController(QObject):
    """Runs one training at a time; see the module docstring for the threading rules."""

    started = Signal(object)  # engine.training.events.Started
    progress = Signal(object)  # list[BatchEnd] since the previous emit, oldest first
    epochEnded = Signal(object)  # EpochEnd  # noqa: N815 - Qt naming
    paused = Signal()
    resumed = Signal()
    probeResult = Signal(object)  # ProbeResult  # noqa: N815
    finished = Signal(object)  # Finished (reason "completed" or "stopped")
    failed = Signal(str)  # one sentence for the user
    # idle | preparing | training | paused | stopping; "idle" only once the worker thread
    # has been joined, so is_running is already False when it arrives.
    stateChanged = Signal(str)  # noqa: N815
    warmedUp = Signal(bool)  # warm_up() finished; True when a CUDA device is usable  # noqa: N815
    # Every engine event of a type not listed above (new kinds added by later features).
    engineEvent = Signal(object)  # noqa: N815

    def __init__(self, parent: QObject | None = None,
                 emit_interval_s: float = EMIT_INTERVAL_S) -> None:
        super().__init__(parent)
        self._interval = emit_interval_s
        self._thread: _RunThread | None = None
        self._control: _ControlRelay | None = None
        self._state = IDLE
        self._trainer: Any = None
        queued = Qt.ConnectionType.QueuedConnection
        _notifier().done.connect(self.warmedUp, queued)
        _hook_quit()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ---- state ---------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    @property
    def is_running(self) -> bool:
        """True from start() until the worker thread has ended (pauses included)."""
        return self._thread is not None

    @property
    def trainer(self) -> Any:
        """The current or last run's engine Trainer (None before the model is built).
        Its save_checkpoint() is safe to call from this thread while it runs."""
        return self._trainer

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.stateChanged.emit(state)

    # ---- commands ------------------------------------------------------------------
    def start(self, project: Project, dataset: Any = None,
              overrides: dict[str, Any] | None = None) -> None:
        """Train a snapshot of `project`. `dataset` (an engine ArrayDataset) replaces the
        project's data source when given (tests, a data panel that already has it loaded)."""
        # Snapshot now, on the main thread: later edits must not reach the worker.
        snapshot = Project(project.graph.copy(), project.name, project.description,
                           copy.deepcopy(project.data), copy.deepcopy(project.training))
        self._launch(project=snapshot, dataset=dataset,
                     overrides=dict(overrides) if overrides else None)

    def run_trainer(self, trainer: Any) -> None:
        """Iterate an already built engine Trainer on the worker, with the same signals
        (a benchmark's own model and data, or a Trainer restored from a checkpoint)."""
        self._launch(trainer=trainer)

    def _launch(self, **job: Any) -> None:
        if self._thread is not None:
            raise RuntimeError("A training run is already in progress; stop it first.")
        control = _ControlRelay()
        thread = _RunThread(control, self._interval, **job)
        queued = Qt.ConnectionType.QueuedConnection
        thread.prepared.connect(self._on_prepared, queued)
        thread.batches.connect(self._on_batches, queued)
        thread.event.connect(self._on_event, queued)
        thread.failed.connect(self._on_failed, queued)
        thread.finished.connect(self._on_thread_finished, queued)
        self._thread, self._control, self._trainer = thread, control, None
        _LIVE[thread] = control
        self._set_state(PREPARING)
        thread.start()

    def pause(self) -> None:
        if self._control is not None:
            self._control.pause()

    def resume(self) -> None:
        if self._control is not None:
            self._control.resume()

    def stop(self) -> None:
        """Ask the run to end after the current step; finished("stopped") follows."""
        if self._control is not None:
            self._control.stop()
            self._set_state(STOPPING)

    def request_probe(self, kind: str, **kwargs: Any) -> int:
        """Queue a probe for the running trainer; its ProbeResult carries the returned id."""
        if self._control is None:
            raise RuntimeError("Probes are answered only while training runs.")
        return self._control.request_probe(kind, **kwargs)

    def shutdown(self) -> None:
        """Stop and join the worker (window close, application quit). Blocks until the
        current step ends; safe to call any number of times."""
        thread, control = self._thread, self._control
        if thread is None or control is None:
            return
        control.stop()
        thread.wait(SHUTDOWN_WAIT_MS)
        if thread.isFinished():
            self._release(thread)

    # ---- warm-up -------------------------------------------------------------------
    def warm_up(self, extra_modules: tuple[str, ...] = ()) -> None:
        """Import `extra_modules`, then torch and the engine, on a background thread so the
        first Train starts at once. Once per process: later calls just report. The thread
        is not a daemon, so exit waits for an import in progress instead of cutting it."""
        global _warm_thread
        with _warm_lock:
            if _warm_thread is None:
                modules = (*extra_modules, *ENGINE_MODULES)
                _warm_thread = threading.Thread(target=_warm_up_thread, args=(modules,),
                                                name="netcanvas-warm-up")
                _warm_thread.start()
                return
        if _warm_result is not None:  # finished earlier (another window): report now
            self.warmedUp.emit(_warm_result)

    # ---- worker callbacks (main thread) -----------------------------------------------
    def _on_prepared(self, trainer: Any) -> None:
        self._trainer = trainer

    def _on_batches(self, events: list[BatchEnd]) -> None:
        self.progress.emit(events)

    def _on_event(self, event: object) -> None:
        if isinstance(event, Started):
            self._set_state(STOPPING if self._stopping() else TRAINING)
            self.started.emit(event)
        elif isinstance(event, EpochEnd):
            self.epochEnded.emit(event)
        elif isinstance(event, Paused):
            self._set_state(PAUSED if not self._stopping() else STOPPING)
            self.paused.emit()
        elif isinstance(event, Resumed):
            self._set_state(TRAINING)
            self.resumed.emit()
        elif isinstance(event, ProbeResult):
            self.probeResult.emit(event)
        elif isinstance(event, Finished):
            self.finished.emit(event)  # "idle" follows once the thread is joined
        else:
            self.engineEvent.emit(event)

    def _on_failed(self, message: str) -> None:
        self.failed.emit(message)

    def _stopping(self) -> bool:
        return self._control is not None and self._control.stopped

    def _on_thread_finished(self) -> None:
        thread = self.sender()
        if isinstance(thread, _RunThread):
            thread.wait()  # already past run(): returns at once
            self._release(thread)

    def _release(self, thread: QThread) -> None:
        _LIVE.pop(thread, None)
        if thread is self._thread:
            self._thread, self._control = None, None
            self._set_state(IDLE)


def _cuda_available() -> bool:
    torch = sys.modules.get("torch")
    return bool(torch is not None and torch.cuda.is_available())
