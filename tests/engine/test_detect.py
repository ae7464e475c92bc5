"""detect_source: every supported layout, the short names, and paths that fit none."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.data import DataError, DataSource, detect_source, load_dataset
from engine.data.dataset import FULL_FASHION_MNIST_DIR
from tests.engine.test_data_cifar import make_cifar10, make_cifar100
from tests.engine.test_data_folder import make_classes
from tests.engine.test_data_idx import make_idx_folder


def write_npz(path: Path) -> Path:
    rng = np.random.default_rng(0)
    np.savez(path, x_train=rng.integers(0, 256, (6, 8, 8), dtype=np.uint8),
             y_train=np.arange(6) % 2, x_test=rng.integers(0, 256, (2, 8, 8), dtype=np.uint8),
             y_test=np.arange(2))
    return path


def test_npz_file(tmp_path: Path) -> None:
    path = write_npz(tmp_path / "tiny.npz")
    assert detect_source(path) == DataSource("npz", str(path.resolve()))


@pytest.mark.parametrize("gz", [True, False])
def test_idx_folder(tmp_path: Path, gz: bool) -> None:
    make_idx_folder(tmp_path / "mnist", gz=gz)
    source = detect_source(tmp_path / "mnist")
    assert source == DataSource("idx", str((tmp_path / "mnist").resolve()))
    assert load_dataset(source).num_classes == 10


def test_a_file_inside_an_idx_folder_means_the_folder(tmp_path: Path) -> None:
    make_idx_folder(tmp_path / "mnist")
    source = detect_source(tmp_path / "mnist" / "train-images-idx3-ubyte.gz")
    assert source == DataSource("idx", str((tmp_path / "mnist").resolve()))


def test_cifar10_folder_and_its_parent(tmp_path: Path) -> None:
    make_cifar10(tmp_path / "cifar-10-batches-py")
    assert detect_source(tmp_path / "cifar-10-batches-py").kind == "cifar10"
    parent = detect_source(tmp_path)
    assert parent.kind == "cifar10"
    assert load_dataset(parent).num_classes == 10


def test_cifar100_folder(tmp_path: Path) -> None:
    make_cifar100(tmp_path / "c100")
    source = detect_source(tmp_path / "c100")
    assert source.kind == "cifar100"
    assert load_dataset(source).num_classes == 100


def test_image_folder_with_class_subfolders(tmp_path: Path) -> None:
    make_classes(tmp_path / "pets")
    source = detect_source(tmp_path / "pets")
    assert source.kind == "folder"
    assert load_dataset(source).class_names == ["cat", "dog"]


def test_image_folder_with_train_and_test_split(tmp_path: Path) -> None:
    make_classes(tmp_path / "pets" / "train")
    make_classes(tmp_path / "pets" / "test", per_class=2)
    source = detect_source(tmp_path / "pets")
    assert source.kind == "folder"
    assert len(load_dataset(source).x_test) == 4


def test_an_image_picked_inside_a_class_folder_means_the_root(tmp_path: Path) -> None:
    make_classes(tmp_path / "pets")
    make_classes(tmp_path / "split" / "train")
    make_classes(tmp_path / "split" / "test", per_class=2)
    root = str((tmp_path / "pets").resolve())
    assert detect_source(tmp_path / "pets" / "cat" / "img0.png") == DataSource("folder", root)
    split = detect_source(tmp_path / "split" / "test" / "dog" / "img1.jpg")
    assert split == DataSource("folder", str((tmp_path / "split").resolve()))


def test_short_names() -> None:
    assert detect_source("bundled") == DataSource("bundled", "fashion-mnist-mini")
    assert detect_source("fashion-mnist-mini") == DataSource("bundled", "fashion-mnist-mini")
    assert detect_source("Shapes") == DataSource("shapes")
    if FULL_FASHION_MNIST_DIR.is_dir():
        assert detect_source("fashion-mnist") == DataSource("idx", str(FULL_FASHION_MNIST_DIR))
    else:
        with pytest.raises(DataError, match="make fashion-mnist"):
            detect_source("fashion-mnist")


def test_unrecognised_folder_lists_the_layouts(tmp_path: Path) -> None:
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "readme.txt").write_text("hello")
    (tmp_path / "junk" / "empty_class").mkdir()
    with pytest.raises(DataError) as info:
        detect_source(tmp_path / "junk")
    message = str(info.value)
    assert "junk" in message
    for layout in (".npz", "idx3-ubyte", "data_batch_1", "CIFAR-100", "subfolder of images"):
        assert layout in message


def test_missing_path_and_unknown_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        detect_source(tmp_path / "nowhere")
    (tmp_path / "notes.csv").write_text("a,b")
    with pytest.raises(DataError, match="not a data set file"):
        detect_source(tmp_path / "notes.csv")
    with pytest.raises(DataError, match="No data set given"):
        detect_source("  ")
