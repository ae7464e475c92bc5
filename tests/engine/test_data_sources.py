"""DataSource records, the dispatcher, the bundled sets and the optional full Fashion-MNIST."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.data import DataError, DataSource, available_sources, load_dataset
from engine.data.dataset import FULL_FASHION_MNIST_DIR, bundled_data_dir
from engine.data.shapes import SHAPE_CLASSES, generate_shapes


def test_source_round_trips_through_json() -> None:
    source = DataSource("idx", "/data/mnist")
    assert DataSource.from_dict(json.loads(json.dumps(source.to_dict()))) == source
    assert DataSource.from_dict({"kind": "shapes"}) == DataSource("shapes")


@pytest.mark.parametrize(
    "bad", [None, [], {"path": "x"}, {"kind": "hdf5", "path": "x"}, {"kind": "npz", "path": 3}]
)
def test_bad_source_dicts(bad: object) -> None:
    with pytest.raises(DataError):
        DataSource.from_dict(bad)


def test_dispatcher_errors() -> None:
    with pytest.raises(DataError, match="Unknown data source kind"):
        load_dataset(DataSource("hdf5", "x"))
    with pytest.raises(DataError, match="has no path"):
        load_dataset(DataSource("npz"))
    with pytest.raises(DataError, match="no bundled data set called 'cifar-mini'"):
        load_dataset(DataSource("bundled", "cifar-mini"))


def test_bundled_fashion_mnist_mini() -> None:
    path = bundled_data_dir() / "fashion-mnist-mini.npz"
    assert path.stat().st_size < 10_000_000
    ds = load_dataset(DataSource("bundled", "fashion-mnist-mini"))
    assert ds.num_classes == 10 and ds.class_names[0] == "T-shirt/top"
    assert ds.x_train.shape == (10_000, 1, 28, 28) and ds.x_test.shape == (2_000, 1, 28, 28)
    assert ds.x_train.dtype == np.uint8
    assert ds.class_counts() == [1000] * 10 and ds.class_counts("test") == [200] * 10
    assert (bundled_data_dir() / "FASHION-MNIST-LICENSE.txt").read_text().count("Zalando SE") == 1


def test_shapes_set_is_deterministic_and_fast() -> None:
    ds = load_dataset(DataSource("shapes"))
    assert ds.class_names == SHAPE_CLASSES and ds.image_shape == (3, 32, 32)
    assert ds.class_counts() == [600] * 10 and ds.class_counts("test") == [120] * 10
    small_a = generate_shapes(5, 2, seed=3)
    small_b = generate_shapes(5, 2, seed=3)
    other = generate_shapes(5, 2, seed=4)
    np.testing.assert_array_equal(small_a.x_train, small_b.x_train)
    np.testing.assert_array_equal(small_a.x_test, small_b.x_test)
    assert not np.array_equal(small_a.x_train, other.x_train)
    # Images differ from one another and use the whole colour range.
    assert len({img.tobytes() for img in ds.x_train[:100]}) == 100
    assert ds.x_train.min() == 0 and ds.x_train.max() == 255


def test_shapes_are_drawn_where_the_foreground_differs() -> None:
    arrays = generate_shapes(3, 1, seed=0)
    for image in arrays.x_train:
        corner = image[:, :2, :2].reshape(3, -1).mean(axis=1)
        centre_spread = np.abs(image.astype(int) - corner[:, None, None]).max()
        assert centre_spread > 80  # some pixels carry the shape colour


def test_available_sources_lists_bundled_and_shapes() -> None:
    sources = dict((s.kind, s) for _, s in available_sources())
    assert sources["bundled"] == DataSource("bundled", "fashion-mnist-mini")
    assert "shapes" in sources
    assert ("idx" in sources) == FULL_FASHION_MNIST_DIR.is_dir()


@pytest.mark.skipif(not FULL_FASHION_MNIST_DIR.is_dir(), reason="full Fashion-MNIST not installed")
def test_full_fashion_mnist() -> None:
    ds = load_dataset(DataSource("idx", str(FULL_FASHION_MNIST_DIR)))
    assert ds.x_train.shape == (60_000, 1, 28, 28) and ds.x_test.shape == (10_000, 1, 28, 28)
    assert ds.class_counts() == [6000] * 10 and ds.class_counts("test") == [1000] * 10
    assert ds.class_names[-1] == "Ankle boot"
