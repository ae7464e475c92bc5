"""Guess the data source kind from a path the user typed or picked, or from a short name.

`netcanvas train --data X` and the dataset panel's "Open folder or file…" both take one
path and must not ask "which format is this?": the layouts are distinct enough to tell
apart from file names alone, without reading any data. Reading (and every deeper check)
is left to `load_dataset`, so detection stays instant even on a large image folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from engine.data.dataset import DEFAULT_SOURCE, FULL_FASHION_MNIST_DIR, DataSource
from engine.data.errors import DataError
from engine.data.image_folder import IMAGE_SUFFIXES

__all__ = ["NAMED_SOURCES", "SUPPORTED_LAYOUTS", "detect_source"]

# Short names accepted wherever a path is (e.g. `--data shapes`).
NAMED_SOURCES: dict[str, DataSource] = {
    "bundled": DEFAULT_SOURCE,
    "fashion-mnist-mini": DEFAULT_SOURCE,
    "shapes": DataSource("shapes"),
    "fashion-mnist": DataSource("idx", str(FULL_FASHION_MNIST_DIR)),
}

SUPPORTED_LAYOUTS = (
    "an .npz file (x_train, y_train, x_test, y_test), "
    "a folder with MNIST-style train-images-idx3-ubyte(.gz) files, "
    "a CIFAR-10 folder (data_batch_1 ... test_batch), "
    "a CIFAR-100 folder (train, test, meta), "
    "a folder with one subfolder of images per class (optionally inside train/ and test/), "
    f"or one of the names {', '.join(NAMED_SOURCES)}"
)

_IDX_MARKERS = (
    "train-images-idx3-ubyte", "train-images-idx3-ubyte.gz",
    "train-images.idx3-ubyte", "train-images.idx3-ubyte.gz",
)  # fmt: skip
_CIFAR100_FILES = ("train", "test", "meta")


def _named(text: str) -> DataSource | None:
    source = NAMED_SOURCES.get(text.strip().lower())
    if source is not None and source.kind == "idx" and not FULL_FASHION_MNIST_DIR.is_dir():
        raise DataError(
            f"The full Fashion-MNIST set is not installed at '{FULL_FASHION_MNIST_DIR}'; "
            "install it with `make fashion-mnist`, or use 'bundled' for the mini set."
        )
    return source


def _is_cifar10(folder: Path) -> bool:
    return any((f / "data_batch_1").is_file() for f in (folder, folder / "cifar-10-batches-py"))


def _is_cifar100(folder: Path) -> bool:
    return any(all((f / name).is_file() for name in _CIFAR100_FILES)
               for f in (folder, folder / "cifar-100-python"))


def _has_images(folder: Path) -> bool:
    # One image is enough to call it an image folder; load_dataset checks the rest and
    # names any empty class folder, which is more useful than "format not recognised".
    try:
        return any(p.suffix.lower() in IMAGE_SUFFIXES and p.is_file() for p in folder.iterdir())
    except OSError:
        return False


def _class_subfolders(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return []


def _is_image_folder(folder: Path) -> bool:
    roots = [folder / "train", folder / "test"]
    if not all(r.is_dir() for r in roots):
        roots = [folder]
    return any(_has_images(sub) for root in roots for sub in _class_subfolders(root))


def _detect_folder(folder: Path) -> str | None:
    if any((folder / name).is_file() for name in _IDX_MARKERS):
        return "idx"
    # CIFAR-100 is tested first: a folder holding both would be odd, but "train" alone is
    # also an image-folder name, and the pickles' exact trio is the stronger signal.
    if _is_cifar100(folder):
        return "cifar100"
    if _is_cifar10(folder):
        return "cifar10"
    if _is_image_folder(folder):
        return "folder"
    return None


def _folder_around(file: Path) -> DataSource | None:
    """The data set a picked file belongs to: its own folder (IDX, CIFAR), or for an image
    root/<class>/img (or root/train/<class>/img) the image-folder root."""
    kind = _detect_folder(file.parent)
    if kind is not None:
        return DataSource(kind, str(file.parent))
    if file.suffix.lower() not in IMAGE_SUFFIXES:
        return None
    root = file.parent.parent
    if root.name in ("train", "test") and _detect_folder(root.parent) == "folder":
        root = root.parent
    return DataSource("folder", str(root)) if _detect_folder(root) == "folder" else None


def detect_source(path: str | os.PathLike[str]) -> DataSource:
    """The DataSource for `path` (absolute), or for a short name such as "shapes".

    Raises DataError with a sentence listing the supported layouts when nothing fits.
    """
    text = os.fspath(path)
    named = _named(text)
    if named is not None:
        return named
    if not text.strip():
        raise DataError(f"No data set given; give {SUPPORTED_LAYOUTS}.")
    target = Path(text).expanduser()
    if not target.exists():
        raise DataError(
            f"'{target}' does not exist; check the path, or give {SUPPORTED_LAYOUTS}."
        )
    # Absolute, so a project that stores the source opens from any working directory.
    target = target.resolve()
    if target.is_file():
        if target.suffix.lower() == ".npz":
            return DataSource("npz", str(target))
        # A file inside a recognised folder (say train-images-idx3-ubyte.gz) means the folder,
        # so one "open file" dialog serves every layout.
        found = _folder_around(target)
        if found is not None:
            return found
        raise DataError(
            f"'{target}' is not a data set file NetCanvas can read; give {SUPPORTED_LAYOUTS}."
        )
    kind = _detect_folder(target)
    if kind is None:
        raise DataError(
            f"'{target}' does not look like a data set NetCanvas can read; give "
            f"{SUPPORTED_LAYOUTS}."
        )
    return DataSource(kind, str(target))
