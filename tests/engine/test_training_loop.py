"""The training loop: optimizers, losses, L2 reporting, schedules, NaN and errors."""

from __future__ import annotations

import pytest
import torch
from torch import Tensor, nn

from engine.training import (
    BatchEnd,
    EpochEnd,
    Failed,
    Finished,
    Started,
    Trainer,
    TrainSettings,
)
from engine.training.optim import learning_rate_at
from tests.engine.training_helpers import (
    assert_same_state,
    blobs,
    conv_net,
    images,
    mlp,
    of_type,
    state_copy,
)


@pytest.mark.parametrize(
    ("optimizer", "lr"), [("sgd", 0.1), ("adam", 0.02), ("adamw", 0.02)]
)
@pytest.mark.parametrize("loss", ["cross_entropy", "hinge", "mse"])
def test_each_optimizer_and_loss_reduces_the_loss(optimizer: str, lr: float, loss: str) -> None:
    x, y = blobs(256)
    settings = TrainSettings(optimizer=optimizer, lr=lr, loss=loss, batch_size=32, epochs=3)
    trainer = Trainer(mlp(), settings, x, y, x_val=x, y_val=y)
    before, _ = trainer.evaluate(x, y)
    events = list(trainer.run())
    after, accuracy = trainer.evaluate(x, y)
    assert isinstance(events[-1], Finished) and events[-1].reason == "completed"
    assert after < 0.5 * before
    assert accuracy > 0.95


def test_event_sequence_and_numbering() -> None:
    x, y = blobs(100)
    trainer = Trainer(mlp(), TrainSettings(batch_size=32, epochs=2), x, y, x_val=x, y_val=y)
    events = list(trainer.run())
    assert events[0] == Started(8, 4, 2, 0, "cpu")
    batches = of_type(events, BatchEnd)
    assert [b.step for b in batches] == list(range(1, 9))
    assert [b.epoch for b in batches] == [1] * 4 + [2] * 4
    epochs = of_type(events, EpochEnd)
    assert [(e.epoch, e.step) for e in epochs] == [(1, 4), (2, 8)]
    assert all(e.val_loss is not None and 0 <= e.val_acc <= 1 for e in epochs)
    assert batches[-1].eta_s == 0 and all(b.samples_per_s > 0 for b in batches)
    finished = events[-1]
    assert isinstance(finished, Finished) and finished.step == 8
    assert finished.metrics["val_acc"] == epochs[-1].val_acc
    history = trainer.history
    assert history["step"] == list(range(1, 9))
    assert history["loss"] == [b.loss for b in batches]
    assert [e["epoch"] for e in history["epochs"]] == [1, 2]


def test_epoch_train_metrics_are_batch_weighted_means() -> None:
    x, y = blobs(100)  # batches of 32, 32, 32, 4
    events = list(Trainer(mlp(), TrainSettings(batch_size=32, epochs=1), x, y).run())
    batches = of_type(events, BatchEnd)
    sizes = [32, 32, 32, 4]
    expected_loss = sum(b.data_loss * n for b, n in zip(batches, sizes, strict=True)) / 100
    expected_acc = sum(b.accuracy * n for b, n in zip(batches, sizes, strict=True)) / 100
    (epoch,) = of_type(events, EpochEnd)
    assert epoch.train_loss == pytest.approx(expected_loss)
    assert epoch.train_acc == pytest.approx(expected_acc)
    assert epoch.val_loss is None and epoch.val_acc is None


def test_l2_penalty_reported_apart_from_data_loss() -> None:
    x, y = images(64)
    model = conv_net()
    hand = sum(float((p.detach() ** 2).sum()) for p in (model.conv1.weight, model.fc1.weight))
    settings = TrainSettings(l2=0.01, batch_size=16, epochs=1)
    batches = of_type(list(Trainer(model, settings, x, y).run()), BatchEnd)
    # The first step's penalty is taken on the initial weights.
    assert batches[0].l2_penalty == pytest.approx(0.01 * hand, rel=1e-5)
    for b in batches:
        assert b.loss == b.data_loss + b.l2_penalty
        assert b.l2_penalty > 0


def test_no_penalty_when_l2_is_zero() -> None:
    x, y = blobs(64)
    batches = of_type(list(Trainer(mlp(), TrainSettings(epochs=1), x, y).run()), BatchEnd)
    assert all(b.l2_penalty == 0.0 and b.loss == b.data_loss for b in batches)


def test_step_schedule_multiplies_lr_each_step_size_epochs() -> None:
    x, y = blobs(64)
    settings = TrainSettings(lr=0.08, schedule="step", step_size=1, gamma=0.5,
                             batch_size=32, epochs=3)  # fmt: skip
    batches = of_type(list(Trainer(mlp(), settings, x, y).run()), BatchEnd)
    assert [b.lr for b in batches] == [0.08, 0.08, 0.04, 0.04, 0.02, 0.02]


def test_cosine_schedule_decays_over_all_steps() -> None:
    s = TrainSettings(lr=1.0, schedule="cosine")
    assert learning_rate_at(s, 0, 0, 100) == 1.0
    assert learning_rate_at(s, 0, 50, 100) == pytest.approx(0.5)
    assert learning_rate_at(s, 0, 100, 100) == pytest.approx(0.0)
    x, y = blobs(64)
    settings = TrainSettings(lr=0.1, schedule="cosine", batch_size=16, epochs=2)
    lrs = [b.lr for b in of_type(list(Trainer(mlp(), settings, x, y).run()), BatchEnd)]
    assert lrs[0] == 0.1 and all(a > b for a, b in zip(lrs, lrs[1:], strict=False))


def test_same_seed_gives_identical_training() -> None:
    x, y = images(64)
    settings = TrainSettings(batch_size=16, epochs=2, seed=3)
    first = Trainer(conv_net(), settings, x, y)
    list(first.run())
    second = Trainer(conv_net(), settings, x, y)
    list(second.run())
    assert_same_state(state_copy(first.model), state_copy(second.model))


class BlowsUpAfter(nn.Module):
    """A linear model whose output turns infinite from its n-th training call."""

    def __init__(self, calls_before_inf: int) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.fc = nn.Linear(2, 2)
        self.calls_left = calls_before_inf

    def forward(self, x: Tensor) -> Tensor:
        out = self.fc(x)
        if self.training:
            self.calls_left -= 1
            if self.calls_left < 0:
                return out * float("inf")
        return out


def test_infinite_output_fails_and_keeps_last_good_weights() -> None:
    x, y = blobs(128)
    model = BlowsUpAfter(calls_before_inf=5)
    trainer = Trainer(model, TrainSettings(optimizer="sgd", lr=0.1, batch_size=16), x, y)
    last_good = state_copy(model)
    events = []
    for event in trainer.run():
        events.append(event)
        if isinstance(event, BatchEnd):
            last_good = state_copy(model)
    failed = events[-1]
    assert isinstance(failed, Failed)
    assert failed.step == 5
    assert failed.message.startswith("Loss became NaN at step 6 (epoch 1). Weights are kept ")
    assert "Try a lower learning rate (now 0.1)" in failed.message
    assert_same_state(state_copy(model), last_good)
    assert trainer.history["step"] == [1, 2, 3, 4, 5]


def test_huge_learning_rate_fails_without_raising() -> None:
    x, y = blobs(256)
    model = mlp()
    settings = TrainSettings(optimizer="sgd", lr=1e30, loss="mse", batch_size=16, epochs=5)
    last_good = state_copy(model)
    events = []
    for event in Trainer(model, settings, x, y).run():
        events.append(event)
        if isinstance(event, BatchEnd):
            last_good = state_copy(model)
    assert isinstance(events[-1], Failed)
    assert "Loss became" in events[-1].message and "lower learning rate" in events[-1].message
    assert_same_state(state_copy(model), last_good)


class Broken(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(2, 2)

    def forward(self, x: Tensor) -> Tensor:
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied (16x2 and 3x2)")


def test_exception_in_forward_becomes_failed_event() -> None:
    x, y = blobs(32)
    events = list(Trainer(Broken(), TrainSettings(batch_size=16), x, y).run())
    assert isinstance(events[-1], Failed)
    assert events[-1].message == (
        "Training failed at step 1 (epoch 1): RuntimeError: mat1 and mat2 shapes cannot be "
        "multiplied (16x2 and 3x2)"
    )


def test_wrong_output_shape_gets_a_suggestion() -> None:
    x, y = images(32)
    model = nn.Sequential(nn.Conv2d(1, 3, 3))  # forgets to flatten to (N, classes)
    events = list(Trainer(model, TrainSettings(batch_size=16), x, y).run())
    assert isinstance(events[-1], Failed)
    assert "output has shape (16, 3, 6, 6)" in events[-1].message
    assert "Flatten and a Linear layer" in events[-1].message


def test_too_few_outputs_for_the_labels() -> None:
    x, y = images(32, classes=5)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 3))
    events = list(Trainer(model, TrainSettings(batch_size=16), x, y).run())
    assert isinstance(events[-1], Failed)
    assert "labels go up to 4 but the model outputs 3 scores" in events[-1].message


def test_evaluate_is_batched_in_eval_mode_and_restores_mode() -> None:
    model = nn.Sequential(nn.Linear(2, 2, bias=False), nn.Dropout(0.9))
    with torch.no_grad():
        model[0].weight.copy_(torch.eye(2))  # predicts the larger coordinate
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [0.0, 3.0], [1.0, 2.0]])
    y = torch.tensor([0, 1, 0, 1, 0])
    trainer = Trainer(model, TrainSettings(batch_size=2), x, y)
    model.train()
    loss, accuracy = trainer.evaluate(x, y)
    assert accuracy == pytest.approx(4 / 5)  # dropout off, or this would be noisy
    expected = nn.functional.cross_entropy(x, y).item()
    assert loss == pytest.approx(expected, rel=1e-6)
    assert model.training


def test_threads_setting_is_applied_and_restored() -> None:
    x, y = blobs(32)
    before = torch.get_num_threads()
    seen = []
    for event in Trainer(mlp(), TrainSettings(threads=1, epochs=1), x, y).run():
        if isinstance(event, BatchEnd):
            seen.append(torch.get_num_threads())
    assert seen == [1]
    assert torch.get_num_threads() == before


def test_augment_receives_batches_and_a_generator() -> None:
    x, y = images(32)
    calls = []

    def augment(batch: Tensor, generator: torch.Generator) -> Tensor:
        calls.append(batch.shape)
        return batch + 0.01 * torch.randn(batch.shape, generator=generator)

    list(Trainer(conv_net(), TrainSettings(batch_size=16, epochs=1), x, y, augment=augment).run())
    assert calls == [torch.Size([16, 1, 8, 8])] * 2


def test_conv_weights_train_channels_last_and_leave_c_contiguous() -> None:
    from engine.model import model_weights

    x, y = images()
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(x.shape[1], 4, 3, padding=1), nn.ReLU(),
                          nn.Conv2d(4, 4, 3, padding=1), nn.Flatten(),
                          nn.Linear(4 * x.shape[2] * x.shape[3], 3))
    trainer = Trainer(model, TrainSettings(epochs=1, batch_size=16), x, y)
    assert of_type(list(trainer.run()), Finished)
    conv = model[2].weight  # 4 input channels: channels-last differs from contiguous
    # the caller's own parameters, converted in place (the optimizer holds the same tensors)
    assert conv.is_contiguous(memory_format=torch.channels_last) and not conv.is_contiguous()
    weights = model_weights(model)
    assert all(w.flags["C_CONTIGUOUS"] for w in weights.values())
    assert torch.equal(torch.from_numpy(weights["2.weight"]), conv.detach())
