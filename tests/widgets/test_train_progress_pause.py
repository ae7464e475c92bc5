"""The ETA and speed are hidden while training is paused, and come back on resume."""

from __future__ import annotations

from types import SimpleNamespace

from widgets.train_progress import TrainProgress


def batch(step: int) -> SimpleNamespace:
    return SimpleNamespace(epoch=1, step=step, total_steps=100, loss=1.0, samples_per_s=1234.0,
                           eta_s=42.0)


def test_eta_hidden_while_paused(qtbot) -> None:
    progress = TrainProgress()
    qtbot.addWidget(progress)
    progress.resize(1400, 60)
    progress.show_started(SimpleNamespace(epochs=3, start_step=0, total_steps=100, device="cpu"))
    progress.show_batches([batch(10)])
    assert "ETA 0:42" in progress.bar.format()
    progress.show_paused()
    assert "ETA" not in progress.bar.format() and "samples/s" not in progress.bar.format()
    assert "paused" in progress.bar.format() and "step 10/100" in progress.bar.format()
    progress.show_batches([batch(11)])  # a delivery still in flight when the pause landed
    assert "ETA" not in progress.bar.format()
    progress.show_resumed()
    assert "ETA 0:42" in progress.bar.format()
