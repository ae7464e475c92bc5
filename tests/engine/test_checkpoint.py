"""Checkpoints: resuming reproduces an unbroken run exactly; bad files give clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from engine.training import (
    BatchEnd,
    EpochEnd,
    Finished,
    TrainControl,
    Trainer,
    TrainError,
    TrainSettings,
)
from engine.training.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from tests.engine.training_helpers import (
    assert_same_state,
    conv_net,
    images,
    mlp,
    state_copy,
)

# Every piece of state that must survive: Adam moments, L2, a cosine schedule, dropout
# (global RNG), batch norm running stats, augmentation (its own generator), shuffling.
SETTINGS = TrainSettings(optimizer="adam", lr=0.01, l2=1e-3, schedule="cosine",
                         batch_size=16, epochs=3, seed=5)  # fmt: skip
X, Y = images(56)  # 4 batches per epoch, the last one short
X_VAL, Y_VAL = images(16, seed=9)


def jitter(batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    return batch + 0.1 * torch.randn(batch.shape, generator=generator)


def make_trainer(control: TrainControl | None = None, checkpoint=None, seed: int = 0) -> Trainer:
    return Trainer(conv_net(seed), SETTINGS, X, Y, X_VAL, Y_VAL, augment=jitter,
                   control=control, checkpoint=checkpoint)  # fmt: skip


@pytest.fixture(scope="module")
def reference() -> Trainer:
    trainer = make_trainer()
    events = list(trainer.run())
    assert isinstance(events[-1], Finished) and events[-1].reason == "completed"
    return trainer


def assert_resumes_to_reference(path: Path, reference: Trainer) -> None:
    # A differently initialised model: everything must come from the checkpoint.
    resumed = make_trainer(checkpoint=load_checkpoint(path), seed=123)
    events = list(resumed.run())
    assert isinstance(events[-1], Finished) and events[-1].reason == "completed"
    assert_same_state(state_copy(resumed.model), state_copy(reference.model))
    ref_opt, res_opt = reference.optimizer.state_dict(), resumed.optimizer.state_dict()
    for key, state in ref_opt["state"].items():
        assert_same_state(state, res_opt["state"][key])
    assert resumed.history == reference.history


def test_resume_from_end_of_epoch_matches_unbroken_run(tmp_path: Path, reference) -> None:
    control = TrainControl()
    trainer = make_trainer(control)
    for event in trainer.run():
        if isinstance(event, EpochEnd) and event.epoch == 1:
            control.stop()
    path = tmp_path / "epoch1.ckpt"
    trainer.save_checkpoint(path)
    checkpoint = load_checkpoint(path)
    assert (checkpoint.epoch, checkpoint.batch_in_epoch, checkpoint.step) == (1, 0, 4)
    assert_resumes_to_reference(path, reference)


def test_resume_from_mid_epoch_matches_unbroken_run(tmp_path: Path, reference) -> None:
    control = TrainControl()
    trainer = make_trainer(control)
    for event in trainer.run():
        if isinstance(event, BatchEnd) and event.step == 6:  # epoch 2, batch 2 of 4
            control.stop()
    path = tmp_path / "mid.ckpt"
    trainer.save_checkpoint(path)
    checkpoint = load_checkpoint(path)
    assert (checkpoint.epoch, checkpoint.batch_in_epoch, checkpoint.step) == (1, 2, 6)
    assert_resumes_to_reference(path, reference)


def test_saving_during_a_run_does_not_disturb_it(tmp_path: Path, reference) -> None:
    trainer = make_trainer()
    path = tmp_path / "during.ckpt"
    for event in trainer.run():
        if isinstance(event, BatchEnd) and event.step == 9:
            trainer.save_checkpoint(path)
    assert_same_state(state_copy(trainer.model), state_copy(reference.model))
    assert_resumes_to_reference(path, reference)


def test_checkpoint_holds_only_weights_only_loadable_data(tmp_path: Path, reference) -> None:
    path = tmp_path / "final.ckpt"
    reference.save_checkpoint(path)
    payload = torch.load(path, weights_only=True)
    assert payload["format"] == "netcanvas-checkpoint" and payload["version"] == 1
    assert payload["settings"] == SETTINGS.to_dict()
    assert payload["loop"]["step"] == 12
    assert len(payload["history"]["loss"]) == 12
    assert not list(tmp_path.glob("*.tmp")), "no temporary file may be left behind"


def test_resuming_a_finished_run_yields_no_steps(tmp_path: Path, reference) -> None:
    path = tmp_path / "final.ckpt"
    reference.save_checkpoint(path)
    events = list(make_trainer(checkpoint=load_checkpoint(path)).run())
    assert [type(e).__name__ for e in events] == ["Started", "Finished"]
    assert events[-1].step == 12


def test_missing_file_error(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="No checkpoint file at .*nothing.ckpt"):
        load_checkpoint(tmp_path / "nothing.ckpt")


def test_corrupt_and_truncated_files_error(tmp_path: Path, reference) -> None:
    garbage = tmp_path / "garbage.ckpt"
    garbage.write_bytes(b"\x00not a checkpoint at all" * 10)
    with pytest.raises(CheckpointError, match="damaged or not a checkpoint"):
        load_checkpoint(garbage)
    good = tmp_path / "good.ckpt"
    reference.save_checkpoint(good)
    truncated = tmp_path / "truncated.ckpt"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="truncated.ckpt.*damaged"):
        load_checkpoint(truncated)


def test_foreign_and_future_files_error(tmp_path: Path) -> None:
    foreign = tmp_path / "weights.pt"
    torch.save({"fc.weight": torch.zeros(2, 2)}, foreign)
    with pytest.raises(CheckpointError, match="not a NetCanvas training checkpoint"):
        load_checkpoint(foreign)
    future = tmp_path / "future.ckpt"
    torch.save({"format": "netcanvas-checkpoint", "version": 99}, future)
    with pytest.raises(CheckpointError, match="format version 99; this NetCanvas reads version 1"):
        load_checkpoint(future)


def test_failed_save_keeps_the_previous_file(tmp_path: Path, reference, monkeypatch) -> None:
    path = tmp_path / "run.ckpt"
    reference.save_checkpoint(path)
    original = path.read_bytes()

    def broken_save(obj, f) -> None:
        f.write(b"partial")
        raise OSError("No space left on device")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="No space"):
        reference.save_checkpoint(path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["run.ckpt"]


def test_save_into_missing_folder_errors(tmp_path: Path, reference) -> None:
    with pytest.raises(CheckpointError, match="no such folder"):
        reference.save_checkpoint(tmp_path / "missing" / "run.ckpt")


def test_checkpoint_for_another_model_is_refused(tmp_path: Path, reference) -> None:
    path = tmp_path / "final.ckpt"
    reference.save_checkpoint(path)
    with pytest.raises(TrainError, match="do not fit this model"):
        Trainer(mlp(), SETTINGS, X, Y, checkpoint=load_checkpoint(path))


def test_mid_epoch_resume_needs_the_same_batch_size(tmp_path: Path) -> None:
    control = TrainControl()
    trainer = make_trainer(control)
    for event in trainer.run():
        if isinstance(event, BatchEnd) and event.step == 2:
            control.stop()
    path = tmp_path / "mid.ckpt"
    trainer.save_checkpoint(path)
    other = TrainSettings.from_dict({**SETTINGS.to_dict(), "batch_size": 8})
    with pytest.raises(TrainError, match="batch size 16; resume it with batch size 16"):
        Trainer(conv_net(), other, X, Y, checkpoint=load_checkpoint(path))


def test_save_checkpoint_function_round_trips_fields(tmp_path: Path, reference) -> None:
    reference.save_checkpoint(tmp_path / "a.ckpt")
    checkpoint = load_checkpoint(tmp_path / "a.ckpt")
    save_checkpoint(tmp_path / "b.ckpt", checkpoint)
    again = load_checkpoint(tmp_path / "b.ckpt")
    assert again.history == checkpoint.history and again.settings == checkpoint.settings
    assert torch.equal(again.rng_state, checkpoint.rng_state)
