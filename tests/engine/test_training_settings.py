"""TrainSettings round-trips through plain dicts and explains every invalid value."""

from __future__ import annotations

import json

import pytest
import torch

from engine.training import Trainer
from engine.training.settings import SettingsError, TrainError, TrainSettings
from tests.engine.training_helpers import blobs, mlp


def test_defaults_round_trip_through_json() -> None:
    settings = TrainSettings(optimizer="sgd", lr=0.05, schedule="cosine", seed=7)
    restored = TrainSettings.from_dict(json.loads(json.dumps(settings.to_dict())))
    assert restored == settings


def test_missing_keys_take_defaults_and_ints_become_floats() -> None:
    settings = TrainSettings.from_dict({"lr": 1, "epochs": 3})
    assert settings.lr == 1.0 and isinstance(settings.lr, float)
    assert settings.epochs == 3 and settings.optimizer == "adam"
    assert settings.to_dict()["lr"] == 1.0


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("optimizer", "rmsprop", "'optimizer' must be one of 'sgd', 'adam', 'adamw'"),
        ("loss", "l1", "'loss' must be one of 'cross_entropy', 'hinge', 'mse'"),
        ("schedule", "linear", "'schedule' must be one of 'none', 'step', 'cosine'"),
        ("device", "tpu", "'device' must be one of 'cpu', 'cuda'"),
        ("lr", 0.0, "'lr' (learning rate) must be a number greater than 0"),
        ("lr", float("nan"), "'lr'"),
        ("momentum", 1.0, "'momentum' must be a number from 0 up to"),
        ("l2", -0.1, "'l2' (penalty strength) must be a number of 0 or more"),
        ("gamma", 0, "'gamma'"),
        ("step_size", 0, "'step_size' must be a whole number of 1 or more"),
        ("batch_size", 2.5, "'batch_size' must be a whole number of 1 or more"),
        ("epochs", True, "'epochs' must be a whole number"),
        ("threads", -1, "'threads' must be a whole number of 0 or more (0 keeps"),
        ("seed", -3, "'seed' must be a whole number from 0 to 4294967295"),
    ],
)
def test_invalid_values_name_the_field_and_allowed_values(
    field: str, value: object, expected: str
) -> None:
    with pytest.raises(SettingsError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        TrainSettings.from_dict({field: value})


def test_settings_error_is_both_train_error_and_value_error() -> None:
    with pytest.raises(ValueError):
        TrainSettings(epochs=0).validate()
    with pytest.raises(TrainError):
        TrainSettings(epochs=0).validate()


def test_unknown_key_is_refused_with_the_known_keys() -> None:
    with pytest.raises(SettingsError, match="Unknown training setting 'learning_rate'.*lr"):
        TrainSettings.from_dict({"learning_rate": 0.1})


def test_not_a_mapping_is_refused() -> None:
    with pytest.raises(SettingsError, match="mapping"):
        TrainSettings.from_dict([("lr", 0.1)])  # type: ignore[arg-type]


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_trainer_refuses_cuda_without_gpu() -> None:
    x, y = blobs(16)
    with pytest.raises(TrainError, match="no CUDA GPU on this machine; choose device 'cpu'"):
        Trainer(mlp(), TrainSettings(device="cuda"), x, y)


def test_trainer_refuses_unusable_data() -> None:
    x, y = blobs(16)
    with pytest.raises(TrainError, match="16 inputs but 15 labels"):
        Trainer(mlp(), TrainSettings(), x, y[:15])
    with pytest.raises(TrainError, match="floating point"):
        Trainer(mlp(), TrainSettings(), x.long(), y)
    with pytest.raises(TrainError, match="1-d tensor of class indices"):
        Trainer(mlp(), TrainSettings(), x, y.float())
    with pytest.raises(TrainError, match="both inputs and labels"):
        Trainer(mlp(), TrainSettings(), x, y, x_val=x)
