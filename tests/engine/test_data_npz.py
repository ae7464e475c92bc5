"""NPZ reader: NHWC / NCHW / NHW layouts, optional class names, bad labels and arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.data import DataError, DataSource, load_dataset


def write_npz(path: Path, x_train: np.ndarray, x_test: np.ndarray, y_train=None, y_test=None,
              **extra: np.ndarray) -> Path:
    y_train = np.arange(len(x_train)) % 3 if y_train is None else y_train
    y_test = np.arange(len(x_test)) % 3 if y_test is None else y_test
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test, **extra)
    return path


def images(n: int, shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, *shape), dtype=np.uint8)


def load(path: Path):
    return load_dataset(DataSource("npz", str(path)))


def test_nhwc_is_transposed_to_nchw(tmp_path: Path) -> None:
    x = images(6, (5, 7, 3))
    path = write_npz(tmp_path / "colour.npz", x, images(3, (5, 7, 3), 1),
                     class_names=np.array(["a", "b", "c"]))
    ds = load(path)
    assert ds.name == "colour" and ds.image_shape == (3, 5, 7)
    np.testing.assert_array_equal(ds.x_train, x.transpose(0, 3, 1, 2))
    assert ds.class_names == ["a", "b", "c"]


def test_nchw_and_nhw_and_default_names(tmp_path: Path) -> None:
    x = images(6, (1, 9, 9))
    ds = load(write_npz(tmp_path / "nchw.npz", x, images(3, (1, 9, 9))))
    np.testing.assert_array_equal(ds.x_train, x)
    assert ds.class_names == ["0", "1", "2"]
    ds = load(write_npz(tmp_path / "nhw.npz", x[:, 0], x[:3, 0]))
    assert ds.image_shape == (1, 9, 9)


def test_float_pixels_and_column_labels(tmp_path: Path) -> None:
    x = np.random.default_rng(0).random((4, 2, 2, 1))
    ds = load(write_npz(tmp_path / "f.npz", x, x, y_train=np.array([[0], [1], [2], [1]]),
                        y_test=np.array([0.0, 1.0, 2.0, 2.0])))
    assert ds.x_train.dtype == np.float32 and ds.y_test.dtype == np.int64


@pytest.mark.parametrize(
    ("y_train", "message"),
    [
        (np.array([0, 1, 5, 1]), "labels range from 0 to 5 but there are only 3"),
        (np.array([0, -1, 2, 1]), "labels range from -1"),
        (np.array([0, 1.5, 2, 1]), "non-integer labels"),
        (np.eye(3)[[0, 1, 2, 1]], "argmax"),
        (np.array([0, 1, 2]), "4 training images but labels of shape"),
    ],
)
def test_bad_labels(tmp_path: Path, y_train: np.ndarray, message: str) -> None:
    x = images(4, (4, 4))
    path = write_npz(tmp_path / "bad.npz", x, x, y_train=y_train,
                     class_names=np.array(["a", "b", "c"]))
    with pytest.raises(DataError, match=message):
        load(path)


def test_missing_keys_and_non_archives(tmp_path: Path) -> None:
    np.savez(tmp_path / "partial.npz", x_train=images(2, (4, 4)))
    with pytest.raises(DataError, match="lacks y_train, x_test, y_test"):
        load(tmp_path / "partial.npz")
    np.save(tmp_path / "single.npy", images(2, (4, 4)))
    with pytest.raises(DataError, match="single array"):
        load(tmp_path / "single.npy")
    (tmp_path / "junk.npz").write_bytes(b"junk")
    with pytest.raises(DataError, match="junk.npz' is not a readable .npz"):
        load(tmp_path / "junk.npz")
    with pytest.raises(DataError, match="does not exist"):
        load(tmp_path / "absent.npz")


def test_truncated_archive(tmp_path: Path) -> None:
    path = write_npz(tmp_path / "cut.npz", images(50, (8, 8)), images(10, (8, 8)))
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(DataError, match="cut.npz"):
        load(path)


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.zeros((4, 5, 8, 8), np.uint8), "1 or 3 channels"),
        (np.zeros((4, 8), np.uint8), "expected \\(N, H, W\\)"),
        (np.full((4, 4, 4), 300, np.int32), "from 300 to 300"),
        (np.full((4, 4, 4), np.nan), "NaN"),
    ],
)
def test_bad_images(tmp_path: Path, x: np.ndarray, message: str) -> None:
    with pytest.raises(DataError, match=message):
        load(write_npz(tmp_path / "bad.npz", x, x))


def test_object_arrays_are_refused(tmp_path: Path) -> None:
    x = images(4, (4, 4))
    path = write_npz(tmp_path / "obj.npz", x, x, class_names=np.array([{"a": 1}], dtype=object))
    with pytest.raises(DataError, match="obj.npz"):
        load(path)


def test_splits_must_agree(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="same image shape"):
        load(write_npz(tmp_path / "a.npz", images(4, (4, 4)), images(4, (5, 5))))
    with pytest.raises(DataError, match="same pixel type"):
        load(write_npz(tmp_path / "b.npz", images(4, (4, 4)), np.zeros((4, 4, 4), np.float32)))
