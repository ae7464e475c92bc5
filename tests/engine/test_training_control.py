"""Pause, resume, stop and probes, driven from another thread like the UI does."""

from __future__ import annotations

import queue
import threading
import time

import pytest

from engine.training import (
    BatchEnd,
    Finished,
    Paused,
    ProbeResult,
    Resumed,
    TrainControl,
    Trainer,
    TrainSettings,
)
from tests.engine.training_helpers import blobs, conv_net, images, mlp, of_type

WAIT_S = 10.0  # generous: only reached when something is broken


class Worker:
    """Iterates Trainer.run() in a thread and forwards events through a queue."""

    def __init__(self, trainer: Trainer) -> None:
        self.events: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._work, args=(trainer,), daemon=True)
        self.thread.start()

    def _work(self, trainer: Trainer) -> None:
        for event in trainer.run():
            self.events.put(event)

    def wait_for(self, cls: type, seen: list | None = None):
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            event = self.events.get(timeout=WAIT_S)
            if seen is not None:
                seen.append(event)
            if isinstance(event, cls):
                return event
        raise AssertionError(f"no {cls.__name__} within {WAIT_S} s")

    def drain(self) -> list:
        items = []
        while not self.events.empty():
            items.append(self.events.get_nowait())
        return items


def long_trainer(control: TrainControl) -> Trainer:
    x, y = blobs(64)
    # Enough steps that the run cannot end by itself during the test.
    return Trainer(mlp(), TrainSettings(batch_size=8, epochs=10_000), x, y, control=control)


def test_pause_blocks_batches_until_resume() -> None:
    control = TrainControl()
    worker = Worker(long_trainer(control))
    worker.wait_for(BatchEnd)
    control.pause()
    assert control.paused
    paused = worker.wait_for(Paused)
    worker.drain()
    time.sleep(0.3)
    assert worker.drain() == [], "no event may arrive while paused"
    control.resume()
    resumed = worker.wait_for(Resumed)
    assert resumed.step == paused.step
    after = worker.wait_for(BatchEnd)
    assert after.step == paused.step + 1
    control.stop()
    finished = worker.wait_for(Finished)
    assert finished.reason == "stopped"
    worker.thread.join(WAIT_S)
    assert not worker.thread.is_alive()


def test_stop_while_paused_ends_the_run() -> None:
    control = TrainControl()
    worker = Worker(long_trainer(control))
    worker.wait_for(BatchEnd)
    control.pause()
    worker.wait_for(Paused)
    control.stop()
    seen: list = []
    finished = worker.wait_for(Finished, seen)
    assert finished.reason == "stopped"
    assert not of_type(seen, BatchEnd) and not of_type(seen, Resumed)


def test_stop_takes_effect_before_the_next_batch() -> None:
    x, y = blobs(64)
    control = TrainControl()
    trainer = Trainer(mlp(), TrainSettings(batch_size=8, epochs=3), x, y, control=control)
    events = []
    for event in trainer.run():
        events.append(event)
        if isinstance(event, BatchEnd) and event.step == 3:
            control.stop()
    assert [type(e).__name__ for e in events[-2:]] == ["BatchEnd", "Finished"]
    assert events[-1] == Finished("stopped", 3, events[-1].metrics)
    assert trainer.step == 3


def test_stop_from_another_thread_within_one_batch() -> None:
    control = TrainControl()
    trainer = long_trainer(control)
    worker = Worker(trainer)
    worker.wait_for(BatchEnd)
    steps_at_stop = trainer.step
    control.stop()
    finished = worker.wait_for(Finished)
    # The loop may be mid-step when stop() lands; at most that one batch still ends.
    assert finished.reason == "stopped"
    assert steps_at_stop <= finished.step <= steps_at_stop + 1


def test_probe_is_served_while_paused() -> None:
    x, y = images(32)
    control = TrainControl()
    settings = TrainSettings(batch_size=8, epochs=10_000)
    worker = Worker(Trainer(conv_net(), settings, x, y, x_val=x, y_val=y, control=control))
    worker.wait_for(BatchEnd)
    control.pause()
    paused = worker.wait_for(Paused)
    request_id = control.request_probe("feature_maps", sample=0, node_ids=["conv1", "fc1"])
    result = worker.wait_for(ProbeResult)
    assert result.request_id == request_id and result.step == paused.step
    assert result.error == ""
    assert result.payload["conv1"].shape == (4, 8, 8)
    assert result.payload["fc1"].shape == (3,)
    assert control.paused
    control.stop()
    worker.wait_for(Finished)


def test_probes_are_served_between_steps_while_running() -> None:
    x, y = images(32)
    control = TrainControl()
    trainer = Trainer(conv_net(), TrainSettings(batch_size=8, epochs=2), x, y, control=control)
    results = []
    for event in trainer.run():
        if isinstance(event, BatchEnd) and event.step == 2:
            control.request_probe("grad_norms")
            control.request_probe("weights", node_id="nope")
        if isinstance(event, ProbeResult):
            results.append(event)
    norms, missing = results
    assert norms.step == 2 and set(norms.payload) == {"conv1", "bn1", "fc1"}
    assert missing.payload == {} and "no node 'nope'" in missing.error


def test_probe_requested_after_last_step_is_answered_before_finished() -> None:
    x, y = blobs(16)
    control = TrainControl()
    trainer = Trainer(mlp(), TrainSettings(batch_size=8, epochs=1), x, y, control=control)
    events = []
    for event in trainer.run():
        events.append(event)
        if isinstance(event, BatchEnd) and event.step == 2:
            control.request_probe("weights", node_id="0")
    assert isinstance(events[-2], ProbeResult) and isinstance(events[-1], Finished)


def test_unknown_probe_kind_is_refused_at_request_time() -> None:
    with pytest.raises(ValueError, match="Unknown probe kind 'saliency'"):
        TrainControl().request_probe("saliency")


def test_run_again_after_stop_continues() -> None:
    x, y = blobs(64)
    control = TrainControl()
    trainer = Trainer(mlp(), TrainSettings(batch_size=8, epochs=2), x, y, control=control)
    for event in trainer.run():
        if isinstance(event, BatchEnd) and event.step == 5:
            control.stop()
    control.reset()
    steps = [e.step for e in trainer.run() if isinstance(e, BatchEnd)]
    assert steps == list(range(6, 17))
