"""Readers for the on-disk formats: IDX (MNIST family), CIFAR pickles and NPZ.

Every reader returns plain arrays in a `LoadedArrays` record; the checks that
apply to all formats (label range, matching shapes) live in `dataset.py` so
they are written once. Each reader turns every low-level failure into a
`DataError` that names the file, because the user picked that file in a
dialog and needs to know which one to replace.
"""

from __future__ import annotations

import gzip
import pickle
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from engine.data.errors import DataError

FASHION_MNIST_CLASSES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]
DIGIT_CLASSES = [str(d) for d in range(10)]
# The most classes a data set may have: the Output layer's own limit.
MAX_CLASSES = 100_000

IDX_IMAGES_MAGIC = 2051  # 0x0803: unsigned bytes, 3 dimensions
IDX_LABELS_MAGIC = 2049  # 0x0801: unsigned bytes, 1 dimension

CIFAR_IMAGE_BYTES = 3 * 32 * 32
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


class LoadedArrays(NamedTuple):
    """What a reader found; validated and wrapped by `dataset.build_dataset`."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]


def require_folder(path: Path, what: str) -> None:
    if not path.exists():
        raise DataError(f"The folder '{path}' does not exist; pick the folder that holds {what}.")
    if not path.is_dir():
        raise DataError(f"'{path}' is a file, not a folder; pick the folder that holds {what}.")


# ---------------------------------------------------------------- IDX (MNIST)

_IDX_HINT = "Pick the folder that holds the MNIST/Fashion-MNIST .gz files."


def _find_idx_file(folder: Path, split: str, kind: str) -> Path:
    # Official downloads use "train-images-idx3-ubyte"; some mirrors (Kaggle)
    # write "train-images.idx3-ubyte". Either may be gzipped.
    name, version = kind.split("-")
    for stem in (f"{split}-{kind}-ubyte", f"{split}-{name}.{version}-ubyte"):
        for candidate in (folder / f"{stem}.gz", folder / stem):
            if candidate.is_file():
                return candidate
    raise DataError(
        f"'{folder}' has no {split}-{kind}-ubyte(.gz) file. {_IDX_HINT}"
    )


def _read_file_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as stream:
                return stream.read()
        return path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(
            f"Could not read '{path}' ({exc}); the file is damaged or truncated, download it again."
        ) from exc


def _parse_idx(path: Path, data: bytes, expected_magic: int, ndim: int) -> np.ndarray:
    header_size = 4 + 4 * ndim
    what = "image" if expected_magic == IDX_IMAGES_MAGIC else "label"
    if len(data) < 4:
        raise DataError(f"'{path}' is empty or truncated; download it again.")
    magic = int.from_bytes(data[:4], "big")
    if magic != expected_magic:
        raise DataError(
            f"'{path}' is not an IDX {what} file (magic number {magic}, expected "
            f"{expected_magic}). {_IDX_HINT}"
        )
    if len(data) < header_size:
        raise DataError(f"'{path}' is truncated inside its header; download it again.")
    dims = struct.unpack(f">{ndim}I", data[4:header_size])
    needed = int(np.prod(dims))
    if len(data) - header_size < needed:
        raise DataError(
            f"'{path}' is truncated: its header promises {dims[0]} {what}s ({needed} bytes) but "
            f"only {len(data) - header_size} bytes follow; download it again."
        )
    return np.frombuffer(data, dtype=np.uint8, count=needed, offset=header_size).reshape(dims)


def _load_idx_split(folder: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    images_path = _find_idx_file(folder, split, "images-idx3")
    labels_path = _find_idx_file(folder, split, "labels-idx1")
    images = _parse_idx(images_path, _read_file_bytes(images_path), IDX_IMAGES_MAGIC, 3)
    labels = _parse_idx(labels_path, _read_file_bytes(labels_path), IDX_LABELS_MAGIC, 1)
    if len(images) != len(labels):
        raise DataError(
            f"'{images_path}' holds {len(images)} images but '{labels_path}' holds "
            f"{len(labels)} labels; the files come from different downloads, fetch both again."
        )
    # Channels-first with C=1 so grey and colour sets look the same downstream.
    return images[:, np.newaxis, :, :], labels.astype(np.int64)


def load_idx(folder: Path) -> LoadedArrays:
    """Read MNIST-style IDX files (raw or .gz) from one folder."""
    require_folder(folder, "the MNIST/Fashion-MNIST files")
    x_train, y_train = _load_idx_split(folder, "train")
    x_test, y_test = _load_idx_split(folder, "t10k")
    # The IDX format carries no class names; the folder name is the only hint.
    names = FASHION_MNIST_CLASSES if "fashion" in folder.name.lower() else DIGIT_CLASSES
    return LoadedArrays(x_train, y_train, x_test, y_test, list(names))


# ------------------------------------------------------------- CIFAR pickles


class _ArraysOnlyUnpickler(pickle.Unpickler):
    """Unpickling runs arbitrary code; a CIFAR batch needs only numpy arrays."""

    _ALLOWED = {
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy._core.numeric", "_frombuffer"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("_codecs", "encode"),
    }

    def find_class(self, module: str, name: str) -> Any:
        # Files written by numpy 1.x name numpy.core, which numpy 2 renamed.
        if module.startswith("numpy.core"):
            module = "numpy._core" + module[len("numpy.core"):]
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"it refers to {module}.{name}, which is not allowed")
        return super().find_class(module, name)


def _unpickle(path: Path) -> dict:
    if not path.is_file():
        raise DataError(f"'{path}' is missing; pick the folder that holds the complete CIFAR set.")
    try:
        with path.open("rb") as stream:
            # CIFAR files were written by Python 2: their str keys come back as bytes.
            content = _ArraysOnlyUnpickler(stream, encoding="bytes").load()
    except Exception as exc:  # pickle can fail with almost any exception type
        raise DataError(
            f"'{path}' is not a readable CIFAR pickle ({exc}); download the "
            "'python version' of the data set again."
        ) from exc
    if not isinstance(content, dict):
        raise DataError(f"'{path}' does not hold a CIFAR dictionary; pick a CIFAR folder.")
    return content


def _entry(content: dict, key: str, path: Path) -> Any:
    for candidate in (key.encode(), key):
        if candidate in content:
            return content[candidate]
    raise DataError(f"'{path}' has no '{key}' entry; it is not a CIFAR file of the chosen kind.")


def _read_cifar_batch(path: Path, label_key: str) -> tuple[np.ndarray, np.ndarray]:
    content = _unpickle(path)
    data = np.asarray(_entry(content, "data", path))
    labels = np.asarray(_entry(content, label_key, path))
    if data.ndim != 2 or data.shape[1] != CIFAR_IMAGE_BYTES or data.dtype != np.uint8:
        raise DataError(
            f"'{path}' holds data of shape {data.shape} ({data.dtype}), expected (N, 3072) "
            "uint8; download the CIFAR 'python version' again."
        )
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise DataError(
            f"'{path}' has {label_key} that are not a list of whole class indices; download "
            "the CIFAR 'python version' again."
        )
    if len(labels) != len(data):
        raise DataError(
            f"'{path}' holds {len(data)} images but {len(labels)} labels; download it again."
        )
    # Rows are stored as 1024 red, 1024 green, 1024 blue values: already CHW.
    return data.reshape(-1, 3, 32, 32), labels.astype(np.int64)


def _cifar_folder(path: Path, marker: str, subfolder: str) -> Path:
    require_folder(path, "the CIFAR files")
    # Users often pick the folder the archive was unpacked into.
    if not (path / marker).exists() and (path / subfolder / marker).exists():
        return path / subfolder
    return path


def _decode_names(names: Any, path: Path) -> list[str]:
    if not isinstance(names, list | tuple):
        raise DataError(f"'{path}' has no list of class names; download the set again.")
    return [n.decode() if isinstance(n, bytes) else str(n) for n in names]


def load_cifar10(path: Path) -> LoadedArrays:
    """Read the CIFAR-10 'python version': data_batch_1..5, test_batch, batches.meta."""
    folder = _cifar_folder(path, "data_batch_1", "cifar-10-batches-py")
    batch_paths = sorted(folder.glob("data_batch_*"), key=lambda p: p.name.rsplit("_", 1)[-1])
    if not batch_paths:
        hint = " It looks like CIFAR-100; choose that format." if (folder / "meta").exists() else ""
        raise DataError(
            f"'{folder}' has no data_batch_1; pick the cifar-10-batches-py folder.{hint}"
        )
    batches = [_read_cifar_batch(p, "labels") for p in batch_paths]
    x_test, y_test = _read_cifar_batch(folder / "test_batch", "labels")
    meta_path = folder / "batches.meta"
    names = _decode_names(_entry(_unpickle(meta_path), "label_names", meta_path), meta_path)
    x_train = np.concatenate([b[0] for b in batches])
    y_train = np.concatenate([b[1] for b in batches])
    return LoadedArrays(x_train, y_train, x_test, y_test, names)


def load_cifar100(path: Path) -> LoadedArrays:
    """Read the CIFAR-100 'python version' (train, test, meta) with its 100 fine labels."""
    folder = _cifar_folder(path, "train", "cifar-100-python")
    if not (folder / "train").exists() and (folder / "data_batch_1").exists():
        raise DataError(f"'{folder}' holds CIFAR-10, not CIFAR-100; choose the CIFAR-10 format.")
    x_train, y_train = _read_cifar_batch(folder / "train", "fine_labels")
    x_test, y_test = _read_cifar_batch(folder / "test", "fine_labels")
    meta_path = folder / "meta"
    names = _decode_names(_entry(_unpickle(meta_path), "fine_label_names", meta_path), meta_path)
    return LoadedArrays(x_train, y_train, x_test, y_test, names)


# ----------------------------------------------------------------------- NPZ


def _npz_images(x: np.ndarray, path: Path, key: str) -> np.ndarray:
    """Accept NHW, NHWC or NCHW with 1 or 3 channels; return NCHW."""
    if x.ndim == 3:
        x = x[:, np.newaxis]
    elif x.ndim == 4:
        # A trailing 1/3 with a larger second axis is NHWC (e.g. N,28,28,1).
        if x.shape[-1] in (1, 3) and x.shape[1] not in (1, 3):
            x = x.transpose(0, 3, 1, 2)
        elif x.shape[1] not in (1, 3):
            raise DataError(
                f"'{path}' {key} has shape {x.shape}: expected 1 or 3 channels as "
                "(N, C, H, W) or (N, H, W, C); convert the images to grey or RGB."
            )
    else:
        raise DataError(
            f"'{path}' {key} has shape {x.shape}: expected (N, H, W), (N, H, W, C) or "
            "(N, C, H, W); reshape the array before saving."
        )
    if x.dtype == np.uint8:
        return np.ascontiguousarray(x)
    if np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float32)
        if not np.isfinite(x).all():
            raise DataError(f"'{path}' {key} contains NaN or infinite values; clean the data.")
        return np.ascontiguousarray(x)
    if (np.issubdtype(x.dtype, np.integer) or x.dtype == np.bool_) and x.size:
        low, high = int(x.min()), int(x.max())
        if 0 <= low and high <= 255:
            return np.ascontiguousarray(x.astype(np.uint8))
        raise DataError(
            f"'{path}' {key} has {x.dtype} pixels from {low} to {high}; save uint8 (0-255) "
            "or float32 (scaled to 0-1) pixels."
        )
    raise DataError(f"'{path}' {key} has {x.dtype} pixels; save uint8 or float32 pixels.")


def _npz_labels(y: np.ndarray, path: Path, key: str) -> np.ndarray:
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise DataError(
            f"'{path}' {key} has shape {y.shape}, expected one class index per image (N,); "
            "for one-hot labels save y.argmax(axis=1)."
        )
    if np.issubdtype(y.dtype, np.floating):
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise DataError(
                f"'{path}' {key} holds non-integer labels; save whole class indices (0, 1, 2, ...)."
            )
    elif not np.issubdtype(y.dtype, np.integer):
        raise DataError(
            f"'{path}' {key} holds {y.dtype} values, not class indices; save integer labels."
        )
    return y.astype(np.int64)


def _read_npz_arrays(path: Path, archive: Any) -> dict[str, np.ndarray]:
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise DataError(
            f"'{path}' holds a single array, not an .npz archive; save it with "
            "numpy.savez(path, x_train=..., y_train=..., x_test=..., y_test=...)."
        )
    with archive:
        missing = [k for k in NPZ_KEYS if k not in archive.files]
        if missing:
            raise DataError(
                f"'{path}' lacks {', '.join(missing)}; it must hold the arrays "
                f"{', '.join(NPZ_KEYS)} (and optionally class_names)."
            )
        try:
            return {k: archive[k] for k in (*NPZ_KEYS, "class_names") if k in archive.files}
        except ValueError as exc:
            # np.load raises ValueError for object arrays when pickles are refused.
            raise DataError(
                f"'{path}' holds Python objects or damaged arrays ({exc}); save plain numeric "
                "arrays."
            ) from exc


def load_npz(path: Path) -> LoadedArrays:
    """Read x_train, y_train, x_test, y_test (and optional class_names) from an .npz file."""
    if not path.is_file():
        raise DataError(f"The file '{path}' does not exist; pick an .npz file.")
    try:
        # Opened here rather than by np.load, which leaks the handle when the
        # zip is damaged. allow_pickle=False: an .npz must never run code.
        with path.open("rb") as stream:
            raw = _read_npz_arrays(path, np.load(stream, allow_pickle=False))
    except DataError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error,
            NotImplementedError, RuntimeError) as exc:
        # zipfile reports unknown compression and encryption with these two.
        raise DataError(
            f"'{path}' is not a readable .npz archive ({exc}); save it with numpy.savez."
        ) from exc
    x_train = _npz_images(raw["x_train"], path, "x_train")
    x_test = _npz_images(raw["x_test"], path, "x_test")
    y_train = _npz_labels(raw["y_train"], path, "y_train")
    y_test = _npz_labels(raw["y_test"], path, "y_test")
    if "class_names" in raw:
        names_array = raw["class_names"]
        if names_array.ndim != 1:
            raise DataError(f"'{path}' class_names must be a 1-D list of names.")
        names = [str(n) for n in names_array.tolist()]
    else:
        # Without names, number the classes up to the largest label seen; a label of 2**40
        # would mean a trillion names (and no memory left), so the count is checked first.
        largest = max(int(y_train.max(initial=0)), int(y_test.max(initial=0)))
        if largest >= MAX_CLASSES:
            raise DataError(
                f"'{path}' has a label of {largest:,}, which would mean {largest + 1:,} "
                f"classes; NetCanvas handles up to {MAX_CLASSES:,}. Number the classes "
                f"0, 1, 2, ... or add class_names.")
        names = [str(i) for i in range(largest + 1)]
    return LoadedArrays(x_train, y_train, x_test, y_test, names)
