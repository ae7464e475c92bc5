"""CIFAR-10/100 'python version' reader, on tiny pickles written like the originals."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from engine.data import DataError, DataSource, load_dataset

PER_BATCH = 4


def dump(path: Path, content: object) -> None:
    # Protocol 2 and bytes keys, as the original Python 2 files have.
    with path.open("wb") as stream:
        pickle.dump(content, stream, protocol=2)


def batch(rng: np.random.Generator, label_key: bytes, classes: int) -> dict:
    return {
        b"data": rng.integers(0, 256, (PER_BATCH, 3072), dtype=np.uint8),
        label_key: [int(v) for v in rng.integers(0, classes, PER_BATCH)],
    }


def make_cifar10(folder: Path) -> list[dict]:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(1)
    batches = [batch(rng, b"labels", 10) for _ in range(6)]
    for i, content in enumerate(batches[:5], start=1):
        dump(folder / f"data_batch_{i}", content)
    dump(folder / "test_batch", batches[5])
    dump(folder / "batches.meta", {b"label_names": [f"c{i}".encode() for i in range(10)]})
    return batches


def make_cifar100(folder: Path) -> list[dict]:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(2)
    batches = [batch(rng, b"fine_labels", 100) for _ in range(2)]
    dump(folder / "train", batches[0])
    dump(folder / "test", batches[1])
    dump(folder / "meta", {b"fine_label_names": [f"f{i}".encode() for i in range(100)]})
    return batches


def test_cifar10_layout_and_order(tmp_path: Path) -> None:
    batches = make_cifar10(tmp_path / "cifar-10-batches-py")
    ds = load_dataset(DataSource("cifar10", str(tmp_path / "cifar-10-batches-py")))
    assert ds.x_train.shape == (5 * PER_BATCH, 3, 32, 32) and ds.x_test.shape == (PER_BATCH, 3, 32, 32)
    assert ds.class_names == [f"c{i}" for i in range(10)]
    first = batches[0][b"data"][0]
    # Each row is 1024 red, then 1024 green, then 1024 blue values.
    np.testing.assert_array_equal(ds.x_train[0, 1].ravel(), first[1024:2048])
    np.testing.assert_array_equal(ds.y_train[PER_BATCH:2 * PER_BATCH], batches[1][b"labels"])
    np.testing.assert_array_equal(ds.y_test, batches[5][b"labels"])


def test_cifar10_parent_folder_is_accepted(tmp_path: Path) -> None:
    make_cifar10(tmp_path / "cifar-10-batches-py")
    ds = load_dataset(DataSource("cifar10", str(tmp_path)))
    assert len(ds.x_train) == 5 * PER_BATCH


def test_cifar100_fine_labels(tmp_path: Path) -> None:
    batches = make_cifar100(tmp_path / "cifar-100-python")
    ds = load_dataset(DataSource("cifar100", str(tmp_path / "cifar-100-python")))
    assert ds.num_classes == 100 and ds.class_names[99] == "f99"
    np.testing.assert_array_equal(ds.y_train, batches[0][b"fine_labels"])
    assert ds.image_shape == (3, 32, 32)


def test_wrong_cifar_kind_suggests_the_other(tmp_path: Path) -> None:
    make_cifar100(tmp_path / "c100")
    make_cifar10(tmp_path / "c10")
    with pytest.raises(DataError, match="CIFAR-100"):
        load_dataset(DataSource("cifar10", str(tmp_path / "c100")))
    with pytest.raises(DataError, match="holds CIFAR-10"):
        load_dataset(DataSource("cifar100", str(tmp_path / "c10")))


def test_missing_meta_and_test_batch(tmp_path: Path) -> None:
    make_cifar10(tmp_path / "c10")
    (tmp_path / "c10" / "batches.meta").unlink()
    with pytest.raises(DataError, match="batches.meta' is missing"):
        load_dataset(DataSource("cifar10", str(tmp_path / "c10")))
    (tmp_path / "c10" / "test_batch").unlink()
    with pytest.raises(DataError, match="test_batch"):
        load_dataset(DataSource("cifar10", str(tmp_path / "c10")))


def test_corrupt_pickle_names_the_file(tmp_path: Path) -> None:
    make_cifar10(tmp_path / "c10")
    (tmp_path / "c10" / "data_batch_3").write_bytes(b"\x80\x02not a pickle")
    with pytest.raises(DataError, match="data_batch_3' is not a readable CIFAR pickle"):
        load_dataset(DataSource("cifar10", str(tmp_path / "c10")))


def test_pickle_that_would_run_code_is_refused(tmp_path: Path) -> None:
    make_cifar10(tmp_path / "c10")

    class Exploit:
        def __reduce__(self) -> tuple:
            return (os.system, ("echo pwned",))

    dump(tmp_path / "c10" / "test_batch", {b"data": Exploit()})
    with pytest.raises(DataError, match="not allowed"):
        load_dataset(DataSource("cifar10", str(tmp_path / "c10")))


def test_wrong_data_shape(tmp_path: Path) -> None:
    make_cifar10(tmp_path / "c10")
    dump(tmp_path / "c10" / "test_batch",
         {b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]})
    with pytest.raises(DataError, match=r"expected \(N, 3072\)"):
        load_dataset(DataSource("cifar10", str(tmp_path / "c10")))


@pytest.mark.parametrize(
    ("labels", "message"),
    [([0, 10], "only 10 class names"), ([0, 1.5], "whole class indices"),
     ([0, None], "whole class indices"), ([0], "2 images but 1 labels")],
)
def test_bad_labels(tmp_path: Path, labels: list, message: str) -> None:
    make_cifar10(tmp_path / "c10")
    dump(tmp_path / "c10" / "test_batch",
         {b"data": np.zeros((2, 3072), np.uint8), b"labels": labels})
    with pytest.raises(DataError, match=message):
        load_dataset(DataSource("cifar10", str(tmp_path / "c10")))


def test_numpy1_pickles_load(tmp_path: Path) -> None:
    # The published CIFAR files name numpy.core.multiarray (numpy 1.x).
    make_cifar10(tmp_path / "c10")
    path = tmp_path / "c10" / "test_batch"
    old_style = path.read_bytes().replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n")
    assert b"numpy.core.multiarray" in old_style
    path.write_bytes(old_style)
    assert load_dataset(DataSource("cifar10", str(tmp_path / "c10"))).x_test.shape[0] == PER_BATCH
