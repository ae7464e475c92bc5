"""IDX (MNIST / Fashion-MNIST) reader: good files in both encodings, and broken ones."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from engine.data import DataError, DataSource, load_dataset

N_TRAIN, N_TEST, SIDE = 30, 10, 8


def write_idx(path: Path, array: np.ndarray, magic: int, gz: bool) -> Path:
    data = struct.pack(f">{array.ndim + 1}I", magic, *array.shape) + array.tobytes()
    path = path.with_name(path.name + ".gz") if gz else path
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def make_idx_folder(folder: Path, gz: bool = True, seed: int = 0) -> dict[str, np.ndarray]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    arrays = {}
    for split, n in (("train", N_TRAIN), ("t10k", N_TEST)):
        images = rng.integers(0, 256, (n, SIDE, SIDE), dtype=np.uint8)
        labels = (np.arange(n) % 10).astype(np.uint8)
        write_idx(folder / f"{split}-images-idx3-ubyte", images, 2051, gz)
        write_idx(folder / f"{split}-labels-idx1-ubyte", labels, 2049, gz)
        arrays[f"{split}_images"], arrays[f"{split}_labels"] = images, labels
    return arrays


@pytest.mark.parametrize("gz", [True, False])
def test_idx_reads_gz_and_raw(tmp_path: Path, gz: bool) -> None:
    arrays = make_idx_folder(tmp_path / "mnist", gz=gz)
    ds = load_dataset(DataSource("idx", str(tmp_path / "mnist")))
    assert ds.x_train.shape == (N_TRAIN, 1, SIDE, SIDE) and ds.x_train.dtype == np.uint8
    assert ds.x_test.shape == (N_TEST, 1, SIDE, SIDE)
    np.testing.assert_array_equal(ds.x_train[:, 0], arrays["train_images"])
    np.testing.assert_array_equal(ds.y_test, arrays["t10k_labels"])
    assert ds.y_train.dtype == np.int64
    assert ds.class_names == [str(d) for d in range(10)]
    assert ds.image_shape == (1, SIDE, SIDE) and ds.num_classes == 10
    assert ds.class_counts() == [3] * 10 and ds.class_counts("test") == [1] * 10


def test_fashion_folder_name_gives_fashion_class_names(tmp_path: Path) -> None:
    make_idx_folder(tmp_path / "Fashion-MNIST")
    ds = load_dataset(DataSource("idx", str(tmp_path / "Fashion-MNIST")))
    assert ds.class_names[0] == "T-shirt/top" and ds.class_names[9] == "Ankle boot"


def test_kaggle_style_names_are_accepted(tmp_path: Path) -> None:
    make_idx_folder(tmp_path / "mnist", gz=False)
    for path in (tmp_path / "mnist").iterdir():
        path.rename(path.with_name(path.name.replace("-idx", ".idx")))
    assert len(load_dataset(DataSource("idx", str(tmp_path / "mnist"))).x_train) == N_TRAIN


def test_missing_folder_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_dataset(DataSource("idx", str(tmp_path / "nowhere")))
    make_idx_folder(tmp_path / "mnist")
    (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte"):
        load_dataset(DataSource("idx", str(tmp_path / "mnist")))


def test_wrong_magic_names_file_and_numbers(tmp_path: Path) -> None:
    make_idx_folder(tmp_path / "mnist")
    bad = tmp_path / "mnist" / "train-images-idx3-ubyte"
    write_idx(bad, np.zeros((N_TRAIN, SIDE, SIDE), np.uint8), 1234, gz=True)
    with pytest.raises(DataError, match=r"magic number 1234, expected 2051") as info:
        load_dataset(DataSource("idx", str(tmp_path / "mnist")))
    assert "train-images-idx3-ubyte.gz" in str(info.value)


def test_truncated_raw_file(tmp_path: Path) -> None:
    make_idx_folder(tmp_path / "mnist", gz=False)
    path = tmp_path / "mnist" / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match="truncated") as info:
        load_dataset(DataSource("idx", str(tmp_path / "mnist")))
    assert str(path) in str(info.value)


def test_truncated_gzip_stream(tmp_path: Path) -> None:
    make_idx_folder(tmp_path / "mnist")
    path = tmp_path / "mnist" / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz"):
        load_dataset(DataSource("idx", str(tmp_path / "mnist")))


def test_image_and_label_counts_must_agree(tmp_path: Path) -> None:
    make_idx_folder(tmp_path / "mnist")
    write_idx(tmp_path / "mnist" / "train-labels-idx1-ubyte", np.zeros(N_TRAIN - 1, np.uint8),
              2049, gz=True)
    with pytest.raises(DataError, match=f"{N_TRAIN} images but .* {N_TRAIN - 1} labels"):
        load_dataset(DataSource("idx", str(tmp_path / "mnist")))


def test_labels_out_of_range(tmp_path: Path) -> None:
    make_idx_folder(tmp_path / "mnist")
    labels = np.full(N_TEST, 12, np.uint8)
    write_idx(tmp_path / "mnist" / "t10k-labels-idx1-ubyte", labels, 2049, gz=True)
    with pytest.raises(DataError, match="labels range from 12 to 12 but there are only 10"):
        load_dataset(DataSource("idx", str(tmp_path / "mnist")))


def test_a_file_instead_of_a_folder(tmp_path: Path) -> None:
    make_idx_folder(tmp_path / "mnist")
    with pytest.raises(DataError, match="is a file, not a folder"):
        load_dataset(DataSource("idx", str(tmp_path / "mnist" / "train-images-idx3-ubyte.gz")))
