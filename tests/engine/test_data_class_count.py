"""Absurd class counts are refused with a sentence before any memory is spent (#12 item 7)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.data import DataError, DataSource, load_dataset
from engine.data.loaders import MAX_CLASSES
from engine.layers import get_spec


def npz(path: Path, y_train: np.ndarray, **extra) -> Path:
    x = np.zeros((len(y_train), 1, 4, 4), np.uint8)
    np.savez(path, x_train=x, y_train=y_train, x_test=x[:2], y_test=y_train[:2], **extra)
    return path


@pytest.mark.parametrize("label", [2**40, 2**62, MAX_CLASSES])
def test_a_huge_label_without_names_is_one_sentence(tmp_path, label):
    path = npz(tmp_path / "huge.npz", np.array([0, 1, label], np.int64))
    with pytest.raises(DataError, match=r"which would mean .* classes; NetCanvas handles up to"):
        load_dataset(DataSource("npz", str(path)))


def test_the_largest_allowed_count_loads(tmp_path):
    path = npz(tmp_path / "ok.npz", np.array([0, 1, MAX_CLASSES - 1], np.int64))
    assert load_dataset(DataSource("npz", str(path))).num_classes == MAX_CLASSES


def test_too_many_class_names_is_one_sentence(tmp_path):
    names = np.array([f"c{i}" for i in range(MAX_CLASSES + 1)])
    path = npz(tmp_path / "names.npz", np.array([0, 1, 2], np.int64), class_names=names)
    with pytest.raises(DataError, match="defines 100,001 classes"):
        load_dataset(DataSource("npz", str(path)))


def test_the_limit_is_the_output_layers():
    assert get_spec("output").param("classes").maximum == MAX_CLASSES
