"""Data set records, the source record stored in project files, and the loader dispatch."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import resources
from engine.data.errors import DataError
from engine.data.image_folder import load_image_folder
from engine.data.loaders import (
    MAX_CLASSES,
    LoadedArrays,
    load_cifar10,
    load_cifar100,
    load_idx,
    load_npz,
)
from engine.data.shapes import generate_shapes

__all__ = [
    "ArrayDataset",
    "DataError",
    "DataSource",
    "available_sources",
    "bundled_data_dir",
    "load_dataset",
]

SOURCE_KINDS = ("bundled", "idx", "cifar10", "cifar100", "folder", "npz", "shapes")
BUNDLED_SETS = {"fashion-mnist-mini": ("fashion-mnist-mini.npz", "Fashion-MNIST (mini)")}
FULL_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
_CHANNEL_COUNTS = (1, 3)


def bundled_data_dir() -> Path:
    """The folder that ships the bundled data files (works from a checkout or a wheel)."""
    return Path(resources.__file__).parent / "data"


@dataclass(frozen=True)
class DataSource:
    """Where a data set comes from: a plain record that project files store as JSON."""

    kind: str
    path: str = ""  # file or folder; for "bundled" the bundled set's name

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "path": self.path}

    @classmethod
    def from_dict(cls, d: Any) -> DataSource:
        if not isinstance(d, dict):
            raise DataError(
                f"A data source must be a dictionary with 'kind' and 'path', got {d!r}; "
                "pick the data set again."
            )
        kind, path = d.get("kind"), d.get("path", "")
        if kind not in SOURCE_KINDS:
            raise DataError(
                f"Unknown data source kind {kind!r} in {d!r}; use one of "
                f"{', '.join(SOURCE_KINDS)} or pick the data set again."
            )
        if not isinstance(path, str):
            raise DataError(f"The data source path in {d!r} must be text; pick the data set again.")
        return cls(kind=kind, path=path)


# What a project without a data choice trains on: the bundled Fashion-MNIST subset.
DEFAULT_SOURCE = DataSource("bundled", "fashion-mnist-mini")


def project_source(data: dict[str, Any] | None) -> DataSource:
    """The data source a project's "data" record names; the bundled subset when it names none.
    Raises DataError for a malformed record."""
    raw = (data or {}).get("source")
    return DataSource.from_dict(raw) if raw else DEFAULT_SOURCE


@dataclass
class ArrayDataset:
    """A whole data set in memory: images are (N, C, H, W) uint8 or float32."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    source: DataSource

    @property
    def image_shape(self) -> tuple[int, int, int]:
        c, h, w = self.x_train.shape[1:]
        return (int(c), int(h), int(w))

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def class_counts(self, split: str = "train") -> list[int]:
        """Images per class in "train" or "test", indexed like class_names."""
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', not {split!r}")
        labels = self.y_train if split == "train" else self.y_test
        return np.bincount(labels, minlength=self.num_classes).tolist()


def _check_images(x: np.ndarray, where: str, split: str) -> np.ndarray:
    if x.ndim != 4 or x.shape[1] not in _CHANNEL_COUNTS:
        raise DataError(
            f"{where}: the {split} images have shape {x.shape}, expected (N, C, H, W) with "
            "1 or 3 channels; convert the images to grey or RGB."
        )
    if x.dtype not in (np.uint8, np.float32):
        raise DataError(f"{where}: the {split} images are {x.dtype}; use uint8 or float32 pixels.")
    if len(x) == 0:
        raise DataError(f"{where}: the {split} split holds no images; add some images.")
    # Writable and contiguous, so torch.from_numpy can share the memory safely.
    return np.require(x, requirements=["C", "W"])


def _check_labels(y: np.ndarray, count: int, classes: int, where: str, split: str) -> np.ndarray:
    if y.shape != (count,):
        raise DataError(
            f"{where}: {count} {split} images but labels of shape {y.shape}; give exactly one "
            "label per image."
        )
    if count and (y.min() < 0 or y.max() >= classes):
        raise DataError(
            f"{where}: {split} labels range from {y.min()} to {y.max()} but there are only "
            f"{classes} class names (labels 0 to {classes - 1}); fix the labels or the "
            "class_names."
        )
    return np.require(y.astype(np.int64, copy=False), requirements=["C", "W"])


def build_dataset(name: str, arrays: LoadedArrays, source: DataSource) -> ArrayDataset:
    """Check what any reader returned, once for all formats, and wrap it."""
    where = f"'{source.path}'" if source.path else name
    if not arrays.class_names:
        raise DataError(f"{where} defines no classes; give at least one class name.")
    if len(arrays.class_names) > MAX_CLASSES:
        raise DataError(f"{where} defines {len(arrays.class_names):,} classes; NetCanvas handles "
                        f"up to {MAX_CLASSES:,}. Merge classes or use fewer.")
    x_train = _check_images(arrays.x_train, where, "training")
    x_test = _check_images(arrays.x_test, where, "test")
    if x_train.shape[1:] != x_test.shape[1:]:
        raise DataError(
            f"{where}: training images are {x_train.shape[1:]} (C, H, W) but test images are "
            f"{x_test.shape[1:]}; both splits must have the same image shape."
        )
    if x_train.dtype != x_test.dtype:
        # uint8 means 0-255 and float32 means already scaled: mixing them would
        # silently scale the two splits differently.
        raise DataError(
            f"{where}: training images are {x_train.dtype} but test images are {x_test.dtype}; "
            "save both splits with the same pixel type."
        )
    classes = len(arrays.class_names)
    y_train = _check_labels(arrays.y_train, len(x_train), classes, where, "training")
    y_test = _check_labels(arrays.y_test, len(x_test), classes, where, "test")
    return ArrayDataset(name, x_train, y_train, x_test, y_test,
                        [str(n) for n in arrays.class_names], source)


def _load_bundled(source: DataSource) -> ArrayDataset:
    if source.path not in BUNDLED_SETS:
        raise DataError(
            f"There is no bundled data set called {source.path!r}; choose one of "
            f"{', '.join(BUNDLED_SETS)}."
        )
    file_name, title = BUNDLED_SETS[source.path]
    path = bundled_data_dir() / file_name
    if not path.is_file():
        raise DataError(
            f"The bundled file '{path}' is missing; reinstall NetCanvas or run `make dataset`."
        )
    return build_dataset(title, load_npz(path), source)


def _path_of(source: DataSource) -> Path:
    if not source.path:
        raise DataError(f"The {source.kind} data source has no path; pick a file or folder.")
    return Path(source.path).expanduser()


_READERS: dict[str, Callable[[Path], LoadedArrays]] = {
    "idx": load_idx,
    "cifar10": load_cifar10,
    "cifar100": load_cifar100,
    "folder": load_image_folder,
    "npz": load_npz,
}


def _load(source: DataSource) -> ArrayDataset:
    if source.kind == "bundled":
        return _load_bundled(source)
    if source.kind == "shapes":
        return build_dataset("Shapes", generate_shapes(), source)
    reader = _READERS.get(source.kind)
    if reader is None:
        raise DataError(
            f"Unknown data source kind {source.kind!r}; use one of {', '.join(SOURCE_KINDS)}."
        )
    path = _path_of(source)
    name = path.stem if source.kind == "npz" else path.name
    return build_dataset(name or str(path), reader(path), source)


def load_dataset(source: DataSource) -> ArrayDataset:
    """Load any supported source; every failure is reported as a DataError."""
    try:
        return _load(source)
    except DataError:
        raise
    except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError, MemoryError,
            RuntimeError, NotImplementedError, pickle.UnpicklingError) as exc:
        # Readers translate the failures they expect; this is the safety net
        # that keeps the promise "only DataError leaves load_dataset".
        raise DataError(
            f"Could not load '{source.path}' as {source.kind} ({type(exc).__name__}: {exc}); "
            "check the file and the chosen format."
        ) from exc


def available_sources() -> list[tuple[str, DataSource]]:
    """Data sets offered without browsing: bundled, generated, and any installed full sets."""
    sources: list[tuple[str, DataSource]] = []
    if (bundled_data_dir() / BUNDLED_SETS["fashion-mnist-mini"][0]).is_file():
        sources.append(("Fashion-MNIST mini (bundled, 10,000 images)",
                        DEFAULT_SOURCE))
    sources.append(("Coloured shapes (generated, 32x32 RGB)", DataSource("shapes")))
    if FULL_FASHION_MNIST_DIR.is_dir():
        sources.append(("Fashion-MNIST (full, 60,000 images)",
                        DataSource("idx", str(FULL_FASHION_MNIST_DIR))))
    return sources
