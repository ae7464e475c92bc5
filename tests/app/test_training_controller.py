"""The training controller: a real Trainer on a worker QThread, driven like the UI drives it.

Tiny data (8x8 grey images, 3 classes) keeps every run well under a second once torch is
imported. The helpers at the top are shared with test_training_ui.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication

from app.panels.training.controller import _LIVE, IDLE, TrainingController
from engine.data import ArrayDataset, DataSource
from engine.graph import Graph
from engine.project import Project
from engine.training.events import BatchEnd, EpochEnd, Finished, ProbeResult, Started

WAIT_MS = 120_000  # a cold worker imports torch first (a minute on a busy machine); only reached when broken
SAMPLES, CLASSES, SIDE = 256, 3, 8


def tiny_graph(hidden: int = 16, side: int = SIDE) -> Graph:
    graph = Graph()
    graph.add_node("input", {"layout": "image", "channels": 1, "height": side, "width": side},
                   node_id="input1")
    graph.add_node("flatten", node_id="flatten1", position=(0.0, 90.0))
    graph.add_node("linear", {"units": hidden}, node_id="fc1", position=(0.0, 180.0))
    graph.add_node("relu", node_id="relu1", position=(0.0, 270.0))
    graph.add_node("linear", {"units": CLASSES}, node_id="fc2", position=(0.0, 360.0))
    graph.add_node("output", {"classes": CLASSES}, node_id="output1", position=(0.0, 450.0))
    for a, b in (("input1", "flatten1"), ("flatten1", "fc1"), ("fc1", "relu1"), ("relu1", "fc2"),
                 ("fc2", "output1")):
        graph.connect(a, b)
    return graph


def tiny_arrays(side: int = SIDE, seed: int = 0) -> dict[str, np.ndarray]:
    """Learnable: each class lights up its own band of rows."""
    rng = np.random.default_rng(seed)

    def split(n: int) -> tuple[np.ndarray, np.ndarray]:
        y = np.arange(n) % CLASSES
        x = rng.random((n, 1, side, side), dtype=np.float32) * 0.3
        for c in range(CLASSES):
            x[y == c, :, c * side // CLASSES:(c + 1) * side // CLASSES, :] += 0.7
        return x, y.astype(np.int64)

    x_train, y_train = split(SAMPLES)
    x_test, y_test = split(48)
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test,
            "class_names": np.array(["top", "middle", "bottom"])}


def tiny_dataset(side: int = SIDE) -> ArrayDataset:
    a = tiny_arrays(side)
    return ArrayDataset("tiny", a["x_train"], a["y_train"], a["x_test"], a["y_test"],
                        list(a["class_names"]), DataSource("npz", "tiny.npz"))


def write_tiny_npz(folder: Path, side: int = SIDE) -> Path:
    path = folder / f"tiny{side}.npz"
    np.savez(path, **tiny_arrays(side))
    return path


def tiny_project(epochs: int = 2, **training: object) -> Project:
    record = {"optimizer": "adam", "lr": 0.01, "batch_size": 16, "epochs": epochs, "threads": 1}
    record.update(training)
    return Project(tiny_graph(), name="Tiny", training=record)


@pytest.fixture
def controller(qapp) -> TrainingController:  # noqa: ANN001 - pytest-qt fixture
    c = TrainingController(emit_interval_s=0.0)
    yield c
    c.shutdown()
    assert not c.is_running
    QCoreApplication.processEvents()


class Recorder:
    def __init__(self, c: TrainingController) -> None:
        self.batches: list[list[BatchEnd]] = []
        self.epochs: list[EpochEnd] = []
        self.started: list[Started] = []
        self.finished: list[Finished] = []
        self.failed: list[str] = []
        self.states: list[str] = []
        self.probes: list[ProbeResult] = []
        c.progress.connect(self.batches.append)
        c.epochEnded.connect(self.epochs.append)
        c.started.connect(self.started.append)
        c.finished.connect(self.finished.append)
        c.failed.connect(self.failed.append)
        c.stateChanged.connect(self.states.append)
        c.probeResult.connect(self.probes.append)

    def steps(self) -> list[int]:
        return [e.step for batch in self.batches for e in batch]


def test_trains_and_reports_every_step_in_order(qtbot, controller: TrainingController) -> None:
    rec = Recorder(controller)
    project = tiny_project(epochs=2)
    controller.start(project, tiny_dataset())
    assert controller.is_running and controller.state == "preparing"
    # Queued while preparing, answered once the run trains: the model the worker built.
    fc1_probe = controller.request_probe("weights", node_id="fc1")
    project.graph.nodes["fc1"].params["units"] = 999  # the run trains its snapshot
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT_MS)
    assert not rec.failed, rec.failed
    assert rec.states[0] == "preparing" and "training" in rec.states and rec.states[-1] == IDLE
    (started,) = rec.started
    assert rec.steps() == list(range(1, started.total_steps + 1))
    assert all(isinstance(e, BatchEnd) for batch in rec.batches for e in batch)
    assert [e.epoch for e in rec.epochs] == [1, 2]
    assert rec.epochs[-1].val_acc is not None
    (finished,) = rec.finished
    assert finished.reason == "completed" and finished.step == started.total_steps
    assert controller.step == started.total_steps
    (probe,) = [p for p in rec.probes if p.request_id == fc1_probe]
    assert probe.payload["weight"].shape[0] == 16  # fc1.out_features: the snapshot's
    assert not _LIVE


def test_throttle_batches_deliveries(qtbot, qapp) -> None:  # noqa: ANN001
    # A long interval: every epoch's steps arrive as one list, flushed before its EpochEnd.
    c = TrainingController(emit_interval_s=60.0)
    rec = Recorder(c)
    order: list[str] = []
    c.progress.connect(lambda _b: order.append("batches"))
    c.epochEnded.connect(lambda _e: order.append("epoch"))
    c.start(tiny_project(epochs=3), tiny_dataset())
    qtbot.waitUntil(lambda: not c.is_running, timeout=WAIT_MS)
    assert order == ["batches", "epoch"] * 3
    (started,) = rec.started
    assert [len(b) for b in rec.batches] == [started.steps_per_epoch] * 3


def test_pause_takes_effect_within_one_batch_and_resume_continues(
        qtbot, controller: TrainingController) -> None:
    rec = Recorder(controller)
    controller.start(tiny_project(epochs=10_000), tiny_dataset())
    qtbot.waitUntil(lambda: len(rec.steps()) >= 3, timeout=WAIT_MS)
    with qtbot.waitSignal(controller.paused, timeout=WAIT_MS):
        controller.pause()
    worker_step = controller.acked_step  # the worker's step when the pause reached it
    assert controller.state == "paused"
    paused_at = rec.steps()[-1]
    assert paused_at <= worker_step + 1  # the step running when pause() came, at most
    qtbot.wait(300)
    assert rec.steps()[-1] == paused_at  # nothing trains while paused
    with qtbot.waitSignal(controller.resumed, timeout=WAIT_MS):
        controller.resume()
    qtbot.waitUntil(lambda: rec.steps()[-1] > paused_at + 2, timeout=WAIT_MS)
    assert controller.state == "training"
    with qtbot.waitSignal(controller.finished, timeout=WAIT_MS) as blocker:
        controller.stop()
    assert blocker.args[0].reason == "stopped"
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT_MS)
    assert rec.steps() == list(range(1, rec.steps()[-1] + 1))  # no step lost or repeated


def test_probe_is_answered_while_paused(qtbot, controller: TrainingController) -> None:
    rec = Recorder(controller)
    controller.start(tiny_project(epochs=10_000), tiny_dataset())
    with qtbot.waitSignal(controller.paused, timeout=WAIT_MS):
        controller.pause()
    with qtbot.waitSignal(controller.probeResult, timeout=WAIT_MS):
        request = controller.request_probe("weights", node_id="fc2")
    (result,) = rec.probes
    assert result.request_id == request and not result.error
    assert result.payload  # copies of fc2's weights
    controller.stop()
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT_MS)
    with pytest.raises(RuntimeError, match="only while training"):
        controller.request_probe("grad_norms")


def test_stop_while_preparing_finishes_stopped(qtbot, controller: TrainingController) -> None:
    rec = Recorder(controller)
    controller.start(tiny_project(), tiny_dataset())
    controller.stop()
    assert controller.state == "stopping"
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT_MS)
    assert [f.reason for f in rec.finished] == ["stopped"] and not rec.failed


def test_mismatched_data_fails_with_the_sentence(qtbot, controller: TrainingController) -> None:
    rec = Recorder(controller)
    with qtbot.waitSignal(controller.failed, timeout=WAIT_MS) as blocker:
        controller.start(tiny_project(), tiny_dataset(side=10))  # the net expects 8x8
    assert blocker.args[0].startswith("The network cannot be trained yet:")
    assert "10" in blocker.args[0]
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT_MS)
    assert rec.states[-1] == IDLE and not rec.finished


def test_bad_settings_fail_before_training(qtbot, controller: TrainingController) -> None:
    with qtbot.waitSignal(controller.failed, timeout=WAIT_MS) as blocker:
        controller.start(tiny_project(lr=-1.0), tiny_dataset())
    assert blocker.args[0].startswith("Training settings:") and "'lr'" in blocker.args[0]


def test_one_run_at_a_time(qtbot, controller: TrainingController) -> None:
    controller.start(tiny_project(epochs=10_000), tiny_dataset())
    with pytest.raises(RuntimeError, match="already in progress"):
        controller.start(tiny_project(), tiny_dataset())


def test_shutdown_mid_run_joins_the_thread(qtbot, controller: TrainingController) -> None:
    rec = Recorder(controller)
    controller.start(tiny_project(epochs=10_000), tiny_dataset())
    qtbot.waitUntil(lambda: len(rec.steps()) >= 2, timeout=WAIT_MS)
    controller.shutdown()
    assert not controller.is_running and controller.state == IDLE and not _LIVE
    controller.shutdown()  # twice is fine
    QCoreApplication.processEvents()  # the worker's last queued signals are harmless
    controller.start(tiny_project(epochs=1), tiny_dataset())  # and it can train again
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT_MS)
    assert rec.finished[-1].reason == "completed"


def test_run_trainer_iterates_a_prebuilt_trainer(qtbot, controller: TrainingController) -> None:
    from engine.model import build_model
    from engine.training import Trainer, TrainSettings
    from engine.training.session import prepare_run

    setup = prepare_run(tiny_project(), tiny_dataset())
    data = setup.data
    trainer = Trainer(build_model(setup.project.graph, setup.analysis),
                      TrainSettings(epochs=1, batch_size=32), data.x_train, data.y_train)
    rec = Recorder(controller)
    controller.run_trainer(trainer)
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT_MS)
    assert controller.trainer is trainer and rec.finished[0].reason == "completed"
    assert rec.steps()[-1] == trainer.step == trainer.steps_per_epoch
