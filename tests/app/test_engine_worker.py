"""The engine worker process: a kill mid-run, probes and checkpoints across the process
boundary, jobs after a crash, and (in a fresh interpreter) an editor that trains without
ever importing torch and quits mid-run leaving no process behind.

The controller tests share one worker (the process-wide engine); the tests that kill it
leave a fresh one to be spawned by the next request.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.jobs import JobRunner
from app.panels.training.controller import _LIVE, IDLE, TrainingController, crash_sentence
from tests.app.test_training_controller import (
    WAIT_MS,
    Recorder,
    controller,  # noqa: F401 - the fixture
    tiny_dataset,
    tiny_project,
)
from tests.app.test_training_ui import (  # noqa: F401 - fixtures and helpers
    binding,
    start_long_run,
    window,
)

ROOT = Path(__file__).resolve().parents[2]
# A fresh worker imports torch again: seconds, many more on a busy 2-core machine.
RESPAWN_MS = 90_000


def gone(pid: int) -> bool:
    """No such process, not even a zombie waiting to be reaped."""
    return not Path(f"/proc/{pid}").exists()


def kill_worker(controller: TrainingController) -> int:  # noqa: F811
    pid = controller.engine.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    return pid


def test_unknown_probe_kind_is_refused_here(qtbot, controller: TrainingController) -> None:  # noqa: F811
    controller.start(tiny_project(epochs=10_000), tiny_dataset())
    with pytest.raises(ValueError, match="Unknown probe kind 'nope'; choose one of 'feature_maps'"):
        controller.request_probe("nope")
    controller.stop()
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT_MS)


def test_probe_errors_come_back_as_sentences(qtbot, controller: TrainingController) -> None:  # noqa: F811
    rec = Recorder(controller)
    controller.start(tiny_project(epochs=10_000), tiny_dataset())
    with qtbot.waitSignal(controller.probeResult, timeout=WAIT_MS):
        request = controller.request_probe("weights", node_id="missing")
    (result,) = rec.probes
    assert result.request_id == request and result.payload == {}
    assert result.error.startswith("The model has no node 'missing'; its nodes are:")
    controller.stop()
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT_MS)


def test_checkpoint_is_saved_by_the_worker_mid_run(
        qtbot, controller: TrainingController, tmp_path: Path) -> None:  # noqa: F811
    from engine.training.checkpoint import load_checkpoint

    rec = Recorder(controller)
    saved: list[object] = []
    controller.engineEvent.connect(saved.append)
    controller.start(tiny_project(epochs=10_000), tiny_dataset())
    qtbot.waitUntil(lambda: len(rec.steps()) >= 3, timeout=WAIT_MS)
    path = tmp_path / "run.pt"
    request = controller.save_checkpoint(str(path))
    qtbot.waitUntil(lambda: bool(saved), timeout=WAIT_MS)
    (answer,) = saved
    assert answer.request_id == request and answer.error == "" and answer.path == str(path)
    checkpoint = load_checkpoint(path)
    assert checkpoint.step >= 3 and "fc1.weight" in checkpoint.model_state
    bad = controller.save_checkpoint(str(tmp_path / "no" / "such" / "folder" / "run.pt"))
    qtbot.waitUntil(lambda: len(saved) == 2, timeout=WAIT_MS)
    assert saved[1].request_id == bad and saved[1].error  # a sentence, not a crash
    controller.stop()
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT_MS)


def _sleep(seconds: float) -> float:  # jobs: module-level functions of plain data
    time.sleep(seconds)
    return seconds


def _pid() -> int:
    return os.getpid()


@pytest.mark.slow
def test_killing_the_worker_mid_run_says_so_keeps_the_edits_and_training_starts_again(
        qtbot, window) -> None:  # noqa: ANN001, F811
    b = start_long_run(qtbot, window)
    rec = Recorder(b.controller)
    runner = JobRunner()
    job_failures: list[tuple[int, str]] = []
    runner.failed.connect(lambda i, text: job_failures.append((i, text)))
    job = runner.submit("tests.app.test_engine_worker:_sleep", seconds=60)
    window.doc.set_params("fc1", {"units": 8})  # an edit made during the run
    time.sleep(0.2)
    pid = kill_worker(b.controller)
    qtbot.waitUntil(lambda: not b.controller.is_running and bool(job_failures), timeout=WAIT_MS)
    assert rec.failed == [crash_sentence("killed by signal 9 (SIGKILL)")]
    assert rec.failed[0].startswith("The training process stopped unexpectedly (killed by signal 9")
    assert rec.states[-1] == IDLE and not rec.finished and not _LIVE
    assert b.progress.status_text() == "Failed"
    assert rec.failed[0] in window.statusBar().currentMessage()
    assert job_failures == [(job, "The engine process stopped unexpectedly (killed by signal 9 "
                                  "(SIGKILL)) while this job ran; try again.")]
    assert gone(pid)  # reaped: no zombie
    assert window.doc.graph.nodes["fc1"].params["units"] == 8 and window.doc.dirty
    window.doc.set_params("fc1", {"units": 16})
    with qtbot.waitSignal(b.controller.started, timeout=RESPAWN_MS):
        window.actions["train"].trigger()  # Train works again, on a fresh worker
    assert b.controller.engine.pid not in (None, pid)
    with qtbot.waitSignal(runner.finished, timeout=WAIT_MS) as blocker:
        runner.submit("tests.app.test_engine_worker:_pid")  # and so do jobs
    assert blocker.args[1] == b.controller.engine.pid
    b.controller.stop()
    qtbot.waitUntil(lambda: not b.controller.is_running, timeout=WAIT_MS)


EDITOR_SCRIPT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from app.gui import create_main_window, make_app
    from engine.project import Project
    from tests.app.test_training_controller import tiny_graph, write_tiny_npz
    from pathlib import Path

    app = make_app(["netcanvas"])
    win = create_main_window(None, app)
    win.files.ask_save_changes = lambda: "discard"
    npz = write_tiny_npz(Path(sys.argv[1]))
    record = {"optimizer": "adam", "lr": 0.01, "batch_size": 16, "epochs": 10000}
    win.doc.replace_project(Project(tiny_graph(), name="Tiny", training=record,
                                    data={"source": {"kind": "npz", "path": str(npz)}}), None)
    win.show()
    b = win.bindings["training"]
    c = b.controller
    c.failed.connect(lambda text: print("FAILED", text, flush=True))

    def check():
        if c.step >= 20:  # trained through the worker, plots fed: quit mid-run
            print("STEPS", c.step, "TORCH", "torch" in sys.modules, "PID", c.engine.pid,
                  flush=True)
            win.close()
            app.quit()
        else:
            QTimer.singleShot(20, check)

    win.actions["train"].trigger()
    check()
    QTimer.singleShot(120_000, app.quit)
    sys.exit(app.exec())
""")


@pytest.mark.slow
def test_editor_trains_without_torch_and_quits_mid_run_leaving_no_process(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               NETCANVAS_SETTINGS_DIR=str(tmp_path / "settings"))
    proc = subprocess.run([sys.executable, "-c", EDITOR_SCRIPT, str(tmp_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("STEPS"))
    _, steps, _, torch_loaded, _, pid = line.split()
    assert int(steps) >= 20
    assert torch_loaded == "False"  # the editor's process never imported torch
    deadline = time.monotonic() + 10
    while not gone(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(int(pid))  # the worker ended with the editor
