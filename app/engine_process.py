"""The editor's handle on the engine worker process (engine/worker): start, talk, end.

One long-lived child process, started with multiprocessing's "spawn" context (a fork would
copy Qt's threads and locks into the child), owns torch; the editor's process never imports
it. Requests are queued to a sender thread, so a large data set on its way never blocks the
GUI thread; replies are read on the GUI thread when a QSocketNotifier says the pipe is
readable, and re-emitted as `message` in arrival order. Trainer events arrive already
batched (at most ~8 a second), so the GUI wakes rarely.

If the worker dies (a crash inside torch, the OOM killer, a kill), the pipe reaches EOF:
the process is reaped, `died` says why in a few words, and the next request starts a fresh
worker. Closing never hangs: ask, wait, terminate, kill, each with a time limit.
"""

from __future__ import annotations

import atexit
import multiprocessing
import queue
import signal
import threading
import time
import traceback
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, Signal

from engine.worker.entry import worker_main
from engine.worker.protocol import Ready, SetDataset, Shutdown

SPAWN = multiprocessing.get_context("spawn")
# How long close() waits at each step (ask to exit, then terminate) before the next one.
# The worker holds nothing of the user's (the editor owns the project), so ending it
# quickly is always safe.
CLOSE_WAIT_S = 1.0


def describe_exit(exitcode: int | None) -> str:
    """'killed by signal 9 (SIGKILL)' / 'exit code 3': what ended the worker, in words."""
    if exitcode is None:
        return "it stopped answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            return f"killed by signal {-exitcode}"
        return f"killed by signal {-exitcode} ({name})"
    return f"exit code {exitcode}"


def _start_and_send(process: Any, child_conn: Any, conn: Any, outbox: queue.Queue[Any],
                    started: threading.Event) -> None:
    """The sender thread: starts the worker (fork + exec of a fresh interpreter took ~200 ms
    on a busy machine, too long for the GUI thread), then sends the queued requests in
    order. Touches no Qt object; None ends it."""
    try:
        process.start()
    except Exception:  # e.g. out of memory; the reading side sees EOF and reports it
        traceback.print_exc()
        return
    finally:
        child_conn.close()  # only the child holds its end: its exit is then EOF here
        started.set()
    while (message := outbox.get()) is not None:
        try:
            conn.send(message)
        except (OSError, EOFError, ValueError):
            return  # the worker is gone; the reading side reports it


class EngineProcess(QObject):
    """One engine worker process, (re)started on demand. GUI thread only."""

    message = Signal(object)  # every reply from the worker, in arrival order
    ready = Signal(bool)  # the worker has imported torch; True when CUDA is usable
    died = Signal(str)  # the worker ended unexpectedly; why, e.g. "killed by signal 9 (SIGKILL)"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: Any = None
        self._conn: Any = None
        self._notifier: QSocketNotifier | None = None
        self._outbox: queue.Queue[Any] | None = None
        self._sender: threading.Thread | None = None
        self._started = threading.Event()
        self._final = False  # closed for good (application quit): start no new worker
        self._cuda: bool | None = None
        self._dataset_sent: Any = None
        self._dataset_keys = 0

    # ---- state ---------------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._process is not None

    @property
    def pid(self) -> int | None:
        """The worker's process id, once it has started (None before)."""
        return self._process.pid if self._process is not None else None

    @property
    def cuda_available(self) -> bool | None:
        """None until the current worker has reported Ready."""
        return self._cuda

    # ---- requests ------------------------------------------------------------------------
    def ensure_started(self) -> None:
        """Start the worker if none runs; returns at once (the child imports torch)."""
        if self._process is not None or self._final:
            return
        parent_conn, child_conn = SPAWN.Pipe(duplex=True)
        process = SPAWN.Process(target=worker_main, args=(child_conn,), name="netcanvas-engine",
                                daemon=True)  # multiprocessing ends it if we exit without close()
        self._process, self._conn, self._cuda = process, parent_conn, None
        self._notifier = QSocketNotifier(parent_conn.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_readable)
        self._outbox, self._started = queue.Queue(), threading.Event()
        self._sender = threading.Thread(
            target=_start_and_send, name="netcanvas-engine-sender", daemon=True,
            args=(process, child_conn, parent_conn, self._outbox, self._started))
        self._sender.start()

    def send(self, message: Any) -> None:
        """Queue a request, starting the worker if needed (dropped after quit)."""
        self.ensure_started()
        if self._outbox is not None:
            self._outbox.put(message)

    def share_dataset(self, dataset: Any) -> str:
        """Send an in-memory data set unless this worker already holds it; returns the key
        a TrainRequest names it by. (A pipe, not shared memory: measured in
        docs/architecture.md, the copy is small next to a run, and happens once.)"""
        self.ensure_started()
        if dataset is not self._dataset_sent:
            self._dataset_keys += 1
            self._dataset_sent = dataset
            self.send(SetDataset(str(self._dataset_keys), dataset))
        return str(self._dataset_keys)

    # ---- replies -------------------------------------------------------------------------
    def pump(self, timeout_s: float) -> None:
        """Wait up to `timeout_s` for replies and handle them now (blocking waits: shutdown,
        JobRunner.wait). The wait is in select(), so it releases the GIL."""
        conn = self._conn
        if conn is None:
            time.sleep(timeout_s)  # nothing to wait for; keeps callers' loops from spinning
            return
        try:
            readable = conn.poll(timeout_s)
        except (OSError, EOFError):
            readable = True
        if readable:
            self._on_readable()

    def _on_readable(self) -> None:
        conn = self._conn
        try:
            while conn is not None and conn is self._conn and conn.poll():
                reply = conn.recv()
                if isinstance(reply, Ready):
                    self._cuda = reply.cuda_available
                    self.ready.emit(reply.cuda_available)
                self.message.emit(reply)
        except (EOFError, OSError):
            if conn is self._conn:
                self.died.emit(describe_exit(self._reap(wait_s=CLOSE_WAIT_S)))

    # ---- ending ----------------------------------------------------------------------------
    def close(self) -> None:
        """End the worker (application quit): ask it to exit, then terminate, then kill.
        Never raises, never hangs; safe to call any number of times."""
        if self._process is None:
            return
        if self._outbox is not None:
            self._outbox.put(Shutdown())
            self._outbox.put(None)
        if self._sender is not None:
            self._sender.join(CLOSE_WAIT_S / 2)  # a large data set may still be on its way
        self._reap(wait_s=CLOSE_WAIT_S)

    def close_for_good(self) -> None:
        """close(), and start no worker after it (application quit: a controller stopping
        its run afterwards must not spawn a new one)."""
        self._final = True
        self.close()

    def kill(self) -> None:
        """SIGKILL the worker (tests); `died` follows from the event loop, as for a crash."""
        if self._process is not None and self._started.wait(CLOSE_WAIT_S * 5):
            self._process.kill()

    def _reap(self, wait_s: float) -> int | None:
        """Drop the pipe, wait for the process (no zombie), escalate if it lingers."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        self._cuda, self._dataset_sent = None, None
        if self._notifier is not None:
            try:
                self._notifier.setEnabled(False)
                self._notifier.deleteLater()
            except RuntimeError:  # at interpreter exit Qt may have deleted it already
                pass
            self._notifier = None
        if self._outbox is not None:
            self._outbox.put(None)
            self._outbox = None
        if conn is not None:
            conn.close()  # the worker sees EOF and exits by itself
        if process is None or not self._started.wait(wait_s * 5) or process.pid is None:
            return None  # never started: nothing to wait for
        process.join(wait_s)
        if process.is_alive():
            process.terminate()
            process.join(wait_s)
        if process.is_alive():
            process.kill()
            process.join(wait_s)
        return process.exitcode


_shared: EngineProcess | None = None


def shared_engine() -> EngineProcess:
    """The editor's one engine worker (training runs and jobs share it). Created on first
    use; it ends with the application (aboutToQuit) or, at the latest, at interpreter exit."""
    global _shared
    if _shared is None:
        _shared = EngineProcess()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(_shared.close_for_good)
        atexit.register(_close_shared)
    return _shared


def _close_shared() -> None:
    if _shared is not None:
        _shared.close_for_good()
