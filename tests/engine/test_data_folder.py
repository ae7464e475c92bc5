"""Image-folder reader: root/<class>/*.png|jpg, optional train/ and test/ splits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.data import DataError, DataSource, load_dataset


def save(path: Path, size: tuple[int, int] = (12, 10), mode: str = "RGB", value: int = 0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    channels = 3 if mode == "RGB" else 1
    shape = (size[1], size[0], channels) if channels == 3 else (size[1], size[0])
    Image.fromarray(np.full(shape, value, np.uint8), mode).save(path)


def make_classes(root: Path, per_class: int = 5, mode: str = "RGB") -> None:
    for c, name in enumerate(["cat", "dog"]):
        for i in range(per_class):
            suffix = ".png" if i % 2 == 0 else ".jpg"
            save(root / name / f"img{i}{suffix}", mode=mode, value=40 + 100 * c)


def test_class_folders_with_automatic_split(tmp_path: Path) -> None:
    make_classes(tmp_path / "pets")
    (tmp_path / "pets" / "cat" / "notes.txt").write_text("ignored")
    ds = load_dataset(DataSource("folder", str(tmp_path / "pets")))
    assert ds.name == "pets" and ds.class_names == ["cat", "dog"]
    assert ds.image_shape == (3, 10, 12) and ds.x_train.dtype == np.uint8
    # 20% of five images is one test image per class.
    assert ds.class_counts("train") == [4, 4] and ds.class_counts("test") == [1, 1]
    # PNG is lossless: a dog image keeps its exact value.
    dog_pngs = ds.x_train[ds.y_train == 1]
    assert np.isin(140, dog_pngs)
    again = load_dataset(DataSource("folder", str(tmp_path / "pets")))
    np.testing.assert_array_equal(again.x_test, ds.x_test)


def test_explicit_train_and_test_folders(tmp_path: Path) -> None:
    make_classes(tmp_path / "set" / "train", per_class=3)
    make_classes(tmp_path / "set" / "test", per_class=2)
    ds = load_dataset(DataSource("folder", str(tmp_path / "set")))
    assert ds.class_counts("train") == [3, 3] and ds.class_counts("test") == [2, 2]


def test_grey_images_give_one_channel(tmp_path: Path) -> None:
    make_classes(tmp_path / "grey", mode="L")
    ds = load_dataset(DataSource("folder", str(tmp_path / "grey")))
    assert ds.image_shape == (1, 10, 12)


def test_mixed_grey_and_colour_become_rgb(tmp_path: Path) -> None:
    make_classes(tmp_path / "mixed", mode="L")
    save(tmp_path / "mixed" / "cat" / "colour.png", mode="RGB", value=7)
    ds = load_dataset(DataSource("folder", str(tmp_path / "mixed")))
    assert ds.image_shape == (3, 10, 12)
    # A grey pixel repeated to RGB has three equal channels.
    np.testing.assert_array_equal(ds.x_train[:, 0], ds.x_train[:, 2])


def test_mismatched_sizes_name_file_and_both_sizes(tmp_path: Path) -> None:
    make_classes(tmp_path / "pets")
    save(tmp_path / "pets" / "dog" / "zz_big.png", size=(20, 16))
    with pytest.raises(DataError, match=r"zz_big.png' is 20x16 but .* is 12x10.*resize") as info:
        load_dataset(DataSource("folder", str(tmp_path / "pets")))
    assert str(tmp_path / "pets") in str(info.value)


def test_empty_class_folder(tmp_path: Path) -> None:
    make_classes(tmp_path / "pets")
    (tmp_path / "pets" / "bird").mkdir()
    with pytest.raises(DataError, match=r"class folder '.*bird' holds no"):
        load_dataset(DataSource("folder", str(tmp_path / "pets")))


def test_no_class_folders(tmp_path: Path) -> None:
    save(tmp_path / "flat" / "a.png")
    with pytest.raises(DataError, match="no class subfolders"):
        load_dataset(DataSource("folder", str(tmp_path / "flat")))


def test_unreadable_image(tmp_path: Path) -> None:
    make_classes(tmp_path / "pets")
    (tmp_path / "pets" / "cat" / "broken.png").write_bytes(b"not an image")
    with pytest.raises(DataError, match="broken.png"):
        load_dataset(DataSource("folder", str(tmp_path / "pets")))


def test_train_without_test_and_too_few_images(tmp_path: Path) -> None:
    make_classes(tmp_path / "half" / "train")
    with pytest.raises(DataError, match="has 'train' but no 'test'"):
        load_dataset(DataSource("folder", str(tmp_path / "half")))
    make_classes(tmp_path / "tiny", per_class=1)
    with pytest.raises(DataError, match="too few images"):
        load_dataset(DataSource("folder", str(tmp_path / "tiny")))


def test_test_split_with_unknown_class(tmp_path: Path) -> None:
    make_classes(tmp_path / "set" / "train")
    make_classes(tmp_path / "set" / "test")
    save(tmp_path / "set" / "test" / "bird" / "a.png")
    with pytest.raises(DataError, match="bird"):
        load_dataset(DataSource("folder", str(tmp_path / "set")))
