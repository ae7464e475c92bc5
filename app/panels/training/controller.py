"""Training in the engine worker process, forwarded to the GUI as main-thread signals.

`start()` snapshots the project on the main thread and sends it to the
engine worker (app/engine_process.py), which loads the data, builds the model and runs the
Trainer in its own process; the GUI process never imports torch. The worker batches
BatchEnd events (at most ~8 deliveries a second) and sends every engine event as the same
plain dataclass the Trainer yields, so event types added later arrive as `engineEvent`.

If the worker dies mid-run, the run fails with one sentence and the next Train starts a
fresh worker; the document lives in the GUI process and is never touched.

`run_trainer(trainer)` keeps an in-process path for a Trainer built by the caller (a
benchmark's own model): it iterates on a QThread here (local_run.py), with the same signals.
"""

from __future__ import annotations

import copy
import itertools
import time
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

from app.engine_process import EngineProcess, shared_engine
from app.panels.training import warm_up as gui_warm_up
from app.panels.training.local_run import LocalRun
from engine.inspect.kinds import PROBE_KINDS
from engine.project import Project
from engine.training.events import (
    EpochEnd,
    Failed,
    Finished,
    Paused,
    ProbeResult,
    Resumed,
    Started,
)
from engine.training.settings import SETTINGS_PREFIX, TrainError, settings_for
from engine.worker.protocol import (
    CheckpointSaved,
    Control,
    ControlAck,
    ProbeRequest,
    RunBatches,
    RunEnded,
    RunEvent,
    SaveCheckpoint,
    TrainRequest,
)

# At most this many progress deliveries a second: smooth to the eye, cheap for the loop.
EMIT_INTERVAL_S = 1 / 8
# How long shutdown() waits for the run to end before ending the worker instead. A step
# takes milliseconds; only a run still loading a large data set comes near this.
SHUTDOWN_WAIT_S = 10.0

IDLE, PREPARING, TRAINING, PAUSED, STOPPING = "idle", "preparing", "training", "paused", "stopping"

_run_ids = itertools.count(1)
_request_ids = itertools.count(1)
# Every run whose end the main thread has not seen yet: run id -> its controller, or the
# QThread of an in-process run (which must not be destroyed while it runs).
_LIVE: dict[int, Any] = {}


def crash_sentence(reason: str) -> str:
    return (f"The training process stopped unexpectedly ({reason}); your network is unchanged. "
            f"Press Train to start again.")


class TrainingController(QObject):
    """Runs one training at a time; see the module docstring."""

    started = Signal(object)  # engine.training.events.Started
    progress = Signal(object)  # list[BatchEnd] since the previous emit, oldest first
    epochEnded = Signal(object)  # EpochEnd  # noqa: N815 - Qt naming
    paused = Signal()
    resumed = Signal()
    probeResult = Signal(object)  # ProbeResult  # noqa: N815
    finished = Signal(object)  # Finished (reason "completed" or "stopped")
    failed = Signal(str)  # one sentence for the user
    failedWeights = Signal(object)  # noqa: N815 - a failed run's last good weights (numpy dict)
    # idle | preparing | training | paused | stopping; "idle" only once the run has ended
    # in the worker, so is_running is already False when it arrives.
    stateChanged = Signal(str)  # noqa: N815
    warmedUp = Signal(bool)  # warm_up() finished; True when a CUDA device is usable  # noqa: N815
    # Every engine event of a type not listed above (new kinds added by later features),
    # and CheckpointSaved answers to save_checkpoint().
    engineEvent = Signal(object)  # noqa: N815

    def __init__(self, parent: QObject | None = None, emit_interval_s: float = EMIT_INTERVAL_S,
                 engine: EngineProcess | None = None) -> None:
        super().__init__(parent)
        self._interval = emit_interval_s
        self._engine = engine if engine is not None else shared_engine()
        self._run_id: int | None = None
        self._local: LocalRun | None = None
        self._trainer: Any = None
        self._state = IDLE
        self._stop_requested = False
        self._step = 0
        self._acked_step = 0
        self._checkpoints: set[int] = set()
        self._warm_wanted = False
        self._engine.message.connect(self._on_message)
        self._engine.died.connect(self._on_engine_died)
        self._engine.ready.connect(self._report_warm)
        gui_warm_up.notifier().done.connect(self._report_warm, Qt.ConnectionType.QueuedConnection)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ---- state ---------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    @property
    def is_running(self) -> bool:
        """True from start() until the run has ended (pauses included)."""
        return self._run_id is not None

    @property
    def step(self) -> int:
        """The last step the current or last run reported (0 before its first batch)."""
        return self._step

    @property
    def acked_step(self) -> int:
        """The trainer's step when the latest pause/resume/stop reached it (the worker says
        so before that request takes effect, which is within one step)."""
        return self._acked_step

    @property
    def trainer(self) -> Any:
        """The Trainer given to run_trainer() (in-process runs only). A run started with
        start() keeps its Trainer in the worker process: use save_checkpoint()."""
        return self._trainer

    @property
    def engine(self) -> EngineProcess:
        return self._engine

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.stateChanged.emit(state)

    # ---- commands ------------------------------------------------------------------
    def start(self, project: Project, dataset: Any = None,
              overrides: dict[str, Any] | None = None) -> None:
        """Train a snapshot of `project`. `dataset` (an engine ArrayDataset) replaces the
        project's data source when given (tests, a data panel that already has it loaded);
        it is sent to the worker once and kept there for later runs."""
        self._check_idle()
        try:  # torch-free, so a bad setting is refused at once, before the worker is asked
            settings_for(project.training, overrides)
        except (TrainError, ValueError) as exc:
            self.failed.emit(f"{SETTINGS_PREFIX}{exc}")
            return
        # Snapshot now, on the main thread: later edits must not reach the run.
        snapshot = Project(project.graph.copy(), project.name, project.description,
                           copy.deepcopy(project.data), copy.deepcopy(project.training))
        key = self._engine.share_dataset(dataset) if dataset is not None else None
        run_id = self._begin(self)
        self._trainer = None
        self._engine.send(TrainRequest(run_id, snapshot, key, dict(overrides or {}), self._interval))

    def run_trainer(self, trainer: Any) -> None:
        """Iterate an already built engine Trainer in this process, on a QThread, with the
        same signals (a benchmark's own model and data). The caller has imported torch."""
        self._check_idle()
        run_id = next(_run_ids)
        thread = LocalRun(trainer, run_id, self._interval)
        thread.message.connect(self._on_message, Qt.ConnectionType.QueuedConnection)
        self._local, self._trainer = thread, trainer
        self._begin(thread, run_id)
        thread.start()

    def _check_idle(self) -> None:
        if self._run_id is not None:
            raise RuntimeError("A training run is already in progress; stop it first.")

    def _begin(self, owner: Any, run_id: int | None = None) -> int:
        run_id = run_id if run_id is not None else next(_run_ids)
        self._run_id, _LIVE[run_id] = run_id, owner
        self._stop_requested, self._step, self._acked_step = False, 0, 0
        self._set_state(PREPARING)
        return run_id

    def pause(self) -> None:
        self._control("pause")

    def resume(self) -> None:
        self._control("resume")

    def stop(self) -> None:
        """Ask the run to end after the current step; finished("stopped") follows."""
        if self._run_id is not None:
            self._stop_requested = True
            self._control("stop")
            self._set_state(STOPPING)

    def _control(self, action: str) -> None:
        if self._run_id is None:
            return
        if self._local is not None:
            getattr(self._trainer.control, action)()
        else:
            self._engine.send(Control(self._run_id, action))

    def request_probe(self, kind: str, **kwargs: Any) -> int:
        """Queue a probe for the running trainer; its ProbeResult carries the returned id.
        Requests made while the run is still preparing are answered once it trains."""
        if self._run_id is None:
            raise RuntimeError("Probes are answered only while training runs.")
        if kind not in PROBE_KINDS:
            allowed = ", ".join(repr(k) for k in PROBE_KINDS)
            raise ValueError(f"Unknown probe kind {kind!r}; choose one of {allowed}.")
        if self._local is not None:
            return int(self._trainer.control.request_probe(kind, **kwargs))
        request_id = next(_request_ids)
        self._engine.send(ProbeRequest(self._run_id, request_id, kind, dict(kwargs)))
        return request_id

    def save_checkpoint(self, path: str) -> int:
        """Save the current or last run's checkpoint (weights, optimizer, loop position) to
        `path`, in the worker, without pausing it; a CheckpointSaved with the returned id
        arrives as `engineEvent` (its `error` is a sentence when it failed)."""
        request_id = next(_request_ids)
        if self._local is not None or (self._trainer is not None and self._run_id is None):
            error = ""
            try:
                self._trainer.save_checkpoint(path)
            except (OSError, ValueError) as exc:
                error = str(exc)
            self.engineEvent.emit(CheckpointSaved(request_id, str(path), error))
            return request_id
        self._checkpoints.add(request_id)
        self._engine.send(SaveCheckpoint(request_id, str(path)))
        return request_id

    def shutdown(self) -> None:
        """Stop the run and wait for it to end (window close, application quit). If the
        worker does not answer in SHUTDOWN_WAIT_S, it is ended instead; never hangs. Safe
        to call any number of times."""
        if self._run_id is None:
            return
        self.stop()
        if self._local is not None:
            self._local.wait()
            self._end_run()
            return
        deadline = time.monotonic() + SHUTDOWN_WAIT_S
        while (self._run_id is not None and self._engine.alive
               and time.monotonic() < deadline):
            self._engine.pump(0.05)
        if self._run_id is not None:  # no answer (or no worker left): end it, the last resort
            self._engine.close()
            self._end_run()

    # ---- warm-up -------------------------------------------------------------------
    def warm_up(self, extra_modules: tuple[str, ...] = ()) -> None:
        """Start the engine worker (it imports torch in its own process) and import
        `extra_modules` (the plots) on a background thread here, so the first Train starts
        at once; warmedUp follows when both are done (once per call)."""
        self._warm_wanted = True
        self._engine.ensure_started()
        if not gui_warm_up.import_in_background(extra_modules):
            self._report_warm()

    def _report_warm(self, *_args: object) -> None:
        cuda = self._engine.cuda_available
        if self._warm_wanted and gui_warm_up.imports_done() and cuda is not None:
            self._warm_wanted = False
            self.warmedUp.emit(cuda)

    # ---- replies (main thread) -------------------------------------------------------
    def _on_message(self, message: object) -> None:
        if isinstance(message, CheckpointSaved):
            if message.request_id in self._checkpoints:
                self._checkpoints.discard(message.request_id)
                self.engineEvent.emit(message)
            return
        if getattr(message, "run_id", None) != self._run_id or self._run_id is None:
            return  # another controller's run, or a late message of a run already ended
        if isinstance(message, RunBatches):
            self._step = message.events[-1].step
            self.progress.emit(message.events)
        elif isinstance(message, RunEvent):
            self._on_event(message.event)
        elif isinstance(message, ControlAck):
            self._acked_step = message.step
        elif isinstance(message, RunEnded):
            if self._local is not None:
                self._local.wait()  # already past its last emit: returns at once
            self._end_run()

    def _on_event(self, event: object) -> None:
        if isinstance(event, Started):
            self._set_state(STOPPING if self._stop_requested else TRAINING)
            self.started.emit(event)
        elif isinstance(event, EpochEnd):
            self.epochEnded.emit(event)
        elif isinstance(event, Paused):
            self._set_state(STOPPING if self._stop_requested else PAUSED)
            self.paused.emit()
        elif isinstance(event, Resumed):
            self._set_state(TRAINING)
            self.resumed.emit()
        elif isinstance(event, ProbeResult):
            self.probeResult.emit(event)
        elif isinstance(event, Finished):
            self._step = event.step
            self.finished.emit(event)  # "idle" follows once the run has ended
        elif isinstance(event, Failed):
            if event.weights is not None:  # the last good weights, before the failure
                self.failedWeights.emit(event.weights)
            self.failed.emit(event.message)
        else:
            self.engineEvent.emit(event)

    def _on_engine_died(self, reason: str) -> None:
        lost, self._checkpoints = sorted(self._checkpoints), set()
        for request_id in lost:
            self.engineEvent.emit(CheckpointSaved(request_id, "", crash_sentence(reason)))
        if self._run_id is not None and self._local is None:
            self.failed.emit(crash_sentence(reason))
            self._end_run()

    def _end_run(self) -> None:
        if self._run_id is not None:
            _LIVE.pop(self._run_id, None)
        self._run_id, self._local = None, None
        self._set_state(IDLE)
